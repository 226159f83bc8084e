#include "KeychainBanner.h"

#include "Appearance.h"

#include <QLabel>
#include <QPushButton>

namespace ca {

KeychainBanner::KeychainBanner(QWidget* parent)
    : Banner(QStringLiteral("keychainBanner"), QStringLiteral("keychainBannerText"),
             tone::warningBanner, parent)
{
    setFrameShape(QFrame::StyledPanel);
    applyTone(); // built on the first problem, to be shown at once
    text()->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton(tr("Check again"), this);
    m_retry->setObjectName(QStringLiteral("keychainRetryButton"));
    auto* close = new QPushButton(tr("Dismiss"), this);
    addButton(m_retry);
    addButton(close);
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
    text()->setText(tr("<b>API keys cannot be stored:</b> %1.<br>%2<br>You can still enter a key "
                       "for this session only (Profiles…); it is kept in memory and never written.")
                        .arg(result.message.toHtmlEscaped(), result.hint.toHtmlEscaped()));
    show();
}

} // namespace ca
