#include "Banner.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace ca {

Banner::Banner(const QString& objectName, const QString& textObjectName, Tone tone, QWidget* parent)
    : QFrame(parent), m_tone(std::move(tone))
{
    setObjectName(objectName);
    auto* layout = new QHBoxLayout(this);
    m_text = new QLabel(this);
    m_text->setObjectName(textObjectName);
    m_text->setWordWrap(true);
    layout->addWidget(m_text, 1);
}

void Banner::addButton(QPushButton* button)
{
    layout()->addWidget(button);
}

void Banner::applyTone()
{
    const QString style = m_tone(QLatin1Char('#') + objectName());
    if (styleSheet() != style) // a style sheet change is itself a palette change
        setStyleSheet(style);
}

void Banner::changeEvent(QEvent* event)
{
    // A theme switch: text and background stay readable together (once the tone is applied).
    if (event->type() == QEvent::PaletteChange && !styleSheet().isEmpty())
        applyTone();
    QFrame::changeEvent(event);
}

} // namespace ca
