#include "ProfileStatusPanel.h"

#include "Appearance.h"
#include "ConnectorTableModel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace ca {

ProfileStatusPanel::ProfileStatusPanel(ConnectorCatalog* catalog, QWidget* parent)
    : QWidget(parent), m_catalog(catalog), m_layout(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("profileStatusPanel"));
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(2);
    connect(catalog, &ConnectorCatalog::profilesChanged, this, &ProfileStatusPanel::rebuild);
    connect(catalog, &ConnectorCatalog::statusChanged, this, &ProfileStatusPanel::update);
    rebuild();
}

void ProfileStatusPanel::rebuild()
{
    qDeleteAll(m_rows);
    m_rows.clear();
    const auto statuses = m_catalog->statuses();
    for (const auto& s : statuses) {
        auto* row = new QWidget(this);
        row->setObjectName(QStringLiteral("profileStatus-") + s.profile);
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(4, 1, 4, 1);
        auto* icon = new QLabel(row);
        icon->setPixmap(ConnectorTableModel::vendorIcon(s.vendor).pixmap(16, 16));
        auto* name = new QLabel(QStringLiteral("<b>%1</b>").arg(s.profile.toHtmlEscaped()), row);
        auto* text = new QLabel(row);
        text->setObjectName(QStringLiteral("statusText"));
        text->setTextInteractionFlags(Qt::TextSelectableByMouse);
        text->setWordWrap(true);
        auto* progress = new QProgressBar(row);
        progress->setObjectName(QStringLiteral("progress"));
        progress->setMaximumWidth(160);
        progress->setMaximumHeight(14);
        progress->setTextVisible(false);
        auto* retry = new QPushButton(tr("Retry"), row);
        retry->setObjectName(QStringLiteral("retryButton"));
        retry->setAccessibleName(tr("Retry loading %1").arg(s.profile));
        const QString profile = s.profile;
        connect(retry, &QPushButton::clicked, m_catalog,
                [this, profile] { m_catalog->refresh(profile); });
        auto* remedy = new QPushButton(row);
        remedy->setObjectName(QStringLiteral("remedyButton"));
        connect(remedy, &QPushButton::clicked, this, [this, profile] {
            emit remedyRequested(profile, m_catalog->status(profile).remedy);
        });
        h->addWidget(icon);
        h->addWidget(name);
        h->addWidget(progress);
        h->addWidget(text, 1);
        h->addWidget(remedy);
        h->addWidget(retry);
        m_layout->addWidget(row);
        m_rows.insert(s.profile, row);
        update(s.profile);
    }
}

void ProfileStatusPanel::update(const QString& profile)
{
    QWidget* row = m_rows.value(profile);
    if (!row) {
        rebuild();
        return;
    }
    const auto s = m_catalog->status(profile);
    auto* text = row->findChild<QLabel*>(QStringLiteral("statusText"));
    auto* progress = row->findChild<QProgressBar*>(QStringLiteral("progress"));
    auto* retry = row->findChild<QPushButton*>(QStringLiteral("retryButton"));
    auto* remedy = row->findChild<QPushButton*>(QStringLiteral("remedyButton"));
    progress->setVisible(s.state == ConnectorCatalog::LoadState::Loading);
    retry->setVisible(s.state == ConnectorCatalog::LoadState::Failed);
    const bool offers =
        s.state == ConnectorCatalog::LoadState::Failed && s.remedy != ApiError::Remedy::None;
    remedy->setVisible(offers);
    if (offers) {
        const bool key = s.remedy == ApiError::Remedy::ReplaceKey;
        remedy->setText(key ? tr("Replace &key…") : tr("&Edit profile…"));
        remedy->setAccessibleName(key ? tr("Replace the key of %1").arg(profile)
                                      : tr("Edit profile %1").arg(profile));
    }
    row->setProperty("failed", s.state == ConnectorCatalog::LoadState::Failed);
    switch (s.state) {
    case ConnectorCatalog::LoadState::Idle:
        text->setText(QString());
        break;
    case ConnectorCatalog::LoadState::Loading:
        if (s.expected > 0) {
            progress->setRange(0, s.expected);
            progress->setValue(s.loaded);
        } else {
            progress->setRange(0, 0); // busy indicator: the vendor does not say how many
        }
        text->setText(s.loaded > 0 ? tr("loading… %n connector(s)", nullptr, s.loaded)
                                   : tr("loading…"));
        text->setStyleSheet(QString());
        break;
    case ConnectorCatalog::LoadState::Loaded:
        text->setText(tr("%n connector(s)", nullptr, s.loaded));
        text->setStyleSheet(QString());
        break;
    case ConnectorCatalog::LoadState::Failed:
        text->setText(s.hint.isEmpty() ? s.message : s.message + QStringLiteral(" — ") + s.hint);
        text->setStyleSheet(tone::errorText());
        break;
    }
}

} // namespace ca
