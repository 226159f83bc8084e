#pragma once

#include <QFrame>
#include <functional>

class QLabel;
class QPushButton;

namespace ca {

// A strip across the top of the window: a word-wrapped text, buttons after it, and colours of a
// tone (Appearance's infoBanner / warningBanner) that follow the palette when the theme changes.
// The style sheet is applied by applyTone(), so a banner that starts hidden can leave it (and
// Qt's style-sheet style with it) until it first shows.
class Banner : public QFrame
{
    Q_OBJECT
public:
    using Tone = std::function<QString(const QString& selector)>;
    Banner(const QString& objectName, const QString& textObjectName, Tone tone,
           QWidget* parent = nullptr);

protected:
    QLabel* text() const { return m_text; }
    // Adds `button` after the text and the buttons before it.
    void addButton(QPushButton* button);
    // Sets the tone's style sheet; from then on it follows palette changes.
    void applyTone();
    void changeEvent(QEvent* event) override;

private:
    Tone m_tone;
    QLabel* m_text = nullptr;
};

} // namespace ca
