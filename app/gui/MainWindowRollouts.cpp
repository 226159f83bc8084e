// The window's Timbal fleet actions: which profile and connectors "Update Timbal connectors…" and
// "Roll out…" take, and one rollout dialog per profile (the one showing a live rollout is raised,
// not opened twice).
#include "ConnectorCatalog.h"
#include "ConnectorTableModel.h"
#include "EditSession.h"
#include "MainWindow.h"
#include "RolloutDialog.h"
#include "TimbalService.h"

#include <QStatusBar>

namespace ca {

QString MainWindow::currentTimbalProfile() const
{
    if (m_session->isOpen() && m_session->base().vendor == Vendor::Timbal)
        return m_session->base().profileName;
    for (const Profile& p : m_profiles.profiles()) {
        if (p.vendor == Vendor::Timbal)
            return p.name;
    }
    return {};
}

QList<Connector> MainWindow::timbalFleet(const QString& profile) const
{
    QList<Connector> out;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const Connector& c = m_model->connector(r);
        if (c.profileName == profile && c.vendor == Vendor::Timbal)
            out.append(c);
    }
    return out;
}

void MainWindow::rollOutTimbal()
{
    QList<Connector> selected;
    for (const Connector& c : selectedConnectors()) {
        if (c.vendor == Vendor::Timbal)
            selected.append(c);
    }
    QString profile = selected.isEmpty() ? QString() : selected.first().profileName;
    for (const Connector& c : std::as_const(selected)) {
        if (c.profileName != profile) {
            statusBar()->showMessage(
                tr("The selection holds Timbal connectors of several profiles: select those of "
                   "one, or one connector for its whole fleet."),
                8000);
            return;
        }
    }
    if (profile.isEmpty())
        profile = currentTimbalProfile();
    if (profile.isEmpty()) {
        statusBar()->showMessage(tr("There is no Timbal profile."), 8000);
        return;
    }
    // One connector selected is the one being looked at, not a rollout of one: the fleet.
    if (selected.size() < 2)
        selected = timbalFleet(profile);
    openRollout(profile, selected);
}

void MainWindow::openRollout(const QString& profile, const QList<Connector>& connectors)
{
    for (RolloutDialog* open : findChildren<RolloutDialog*>()) {
        if (open->profileName() != profile)
            continue;
        if (open->isLive() || open->isRunning()) {
            open->show();
            open->raise();
            open->activateWindow();
            return;
        }
        open->close(); // an unstarted plan: the new selection replaces it
    }
    auto* service = qobject_cast<TimbalService*>(m_catalog->service(profile));
    if (!service) {
        statusBar()->showMessage(tr("Profile %1 is not loaded yet: refresh it first.").arg(profile),
                                 8000);
        return;
    }
    if (!m_session->audit()) {
        statusBar()->showMessage(tr("Rollouts need the audit log, which is not kept here."), 8000);
        return;
    }
    auto* dialog =
        new RolloutDialog(*service, m_catalog->http(), connectors, m_session->audit(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFleetNewestVersion(m_model->fleetNewestVersion(profile));
    connect(dialog, &RolloutDialog::fleetChanged, this,
            [this, profile] { m_catalog->refresh(profile); });
    // show(), not open(): the admin keeps browsing while a rollout runs.
    dialog->show();
}

} // namespace ca
