#include "DraftBanner.h"

#include "Appearance.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace ca {

DraftBanner::DraftBanner(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("draftBanner"));
    // Its style sheet is set when it first shows: the first style sheet in the application brings
    // in Qt's style-sheet style, which the first frame does not need.
    auto* h = new QHBoxLayout(this);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("draftText"));
    m_text->setWordWrap(true);
    m_restore = new QPushButton(tr("&Restore"), this);
    m_restore->setObjectName(QStringLiteral("restoreDraftButton"));
    auto* discard = new QPushButton(tr("Discard"), this);
    discard->setObjectName(QStringLiteral("discardDraftsButton"));
    h->addWidget(m_text, 1);
    h->addWidget(m_restore);
    h->addWidget(discard);
    connect(m_restore, &QPushButton::clicked, this, &DraftBanner::restoreRequested);
    connect(discard, &QPushButton::clicked, this, &DraftBanner::discardRequested);
    hide();
}

void DraftBanner::showDrafts(const QList<ConnectorDraft>& pending, bool nextLoaded)
{
    if (!pending.isEmpty() && styleSheet().isEmpty())
        setStyleSheet(tone::infoBanner(QStringLiteral("#draftBanner")));
    setVisible(!pending.isEmpty());
    if (pending.isEmpty())
        return;
    const ConnectorDraft& next = pending.first();
    m_text->setText(tr("<b>%n unsaved edit(s) from an earlier session.</b> Next: %1 (%2)%3",
                       nullptr, int(pending.size()))
                        .arg(next.connectorName.toHtmlEscaped(), next.profile.toHtmlEscaped(),
                             nextLoaded ? QString() : tr(" — waiting for its profile to load")));
    m_restore->setEnabled(nextLoaded);
}

void DraftBanner::changeEvent(QEvent* event)
{
    // A theme switch: the colours follow the palette (only when they differ, since a style sheet
    // change is itself a palette change).
    if (event->type() == QEvent::PaletteChange && !styleSheet().isEmpty()) {
        const QString style = tone::infoBanner(QStringLiteral("#draftBanner"));
        if (styleSheet() != style)
            setStyleSheet(style);
    }
    QFrame::changeEvent(event);
}

} // namespace ca
