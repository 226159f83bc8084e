#include "KeychainBanner.h"

#include "Appearance.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace ca {

KeychainBanner::KeychainBanner(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("keychainBanner"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(tone::warningBanner(QStringLiteral("#keychainBanner")));
    auto* layout = new QHBoxLayout(this);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("keychainBannerText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton(tr("Check again"), this);
    m_retry->setObjectName(QStringLiteral("keychainRetryButton"));
    auto* close = new QPushButton(tr("Dismiss"), this);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_retry);
    layout->addWidget(close);
    connect(m_retry, &QPushButton::clicked, this, &KeychainBanner::retryRequested);
    connect(close, &QPushButton::clicked, this, &QWidget::hide);
    setAccessibleName(tr("Keychain problem"));
    hide();
}

void KeychainBanner::showProblem(const KeyStoreResult& result)
{
    if (result.ok()) {
        hide();
        return;
    }
    m_text->setText(tr("<b>API keys cannot be stored:</b> %1.<br>%2<br>You can still enter a key "
                       "for this session only (Profiles…); it is kept in memory and never written.")
                        .arg(result.message.toHtmlEscaped(), result.hint.toHtmlEscaped()));
    show();
}

void KeychainBanner::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange) {
        const QString style = tone::warningBanner(QStringLiteral("#keychainBanner"));
        if (styleSheet() != style)
            setStyleSheet(style); // a theme switch: keep text and background readable together
    }
    QFrame::changeEvent(event);
}

} // namespace ca
