#include "DraftBanner.h"

#include "Appearance.h"

#include <QLabel>
#include <QPushButton>

namespace ca {

DraftBanner::DraftBanner(QWidget* parent)
    : Banner(QStringLiteral("draftBanner"), QStringLiteral("draftText"), tone::infoBanner, parent)
{
    // Its style sheet is set when it first shows: the first style sheet in the application brings
    // in Qt's style-sheet style, which the first frame does not need.
    m_restore = new QPushButton(tr("&Restore"), this);
    m_restore->setObjectName(QStringLiteral("restoreDraftButton"));
    auto* discard = new QPushButton(tr("Discard"), this);
    discard->setObjectName(QStringLiteral("discardDraftsButton"));
    addButton(m_restore);
    addButton(discard);
    connect(m_restore, &QPushButton::clicked, this, &DraftBanner::restoreRequested);
    connect(discard, &QPushButton::clicked, this, &DraftBanner::discardRequested);
    hide();
}

void DraftBanner::showDrafts(const QList<ConnectorDraft>& pending, bool nextLoaded)
{
    if (!pending.isEmpty() && styleSheet().isEmpty())
        applyTone();
    setVisible(!pending.isEmpty());
    if (pending.isEmpty())
        return;
    const ConnectorDraft& next = pending.first();
    text()->setText(tr("<b>%n unsaved edit(s) from an earlier session.</b> Next: %1 (%2)%3",
                       nullptr, int(pending.size()))
                        .arg(next.connectorName.toHtmlEscaped(), next.profile.toHtmlEscaped(),
                             nextLoaded ? QString() : tr(" — waiting for its profile to load")));
    m_restore->setEnabled(nextLoaded);
}

} // namespace ca
