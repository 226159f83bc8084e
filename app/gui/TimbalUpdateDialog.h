#pragma once

#include "AuditLog.h"
#include "TimbalService.h"
#include "TimbalUpdateRun.h"

#include "RunningDialog.h"
#include <QHash>
#include <QPointer>
#include <memory>

class QLabel;

namespace Ui {
class TimbalUpdateDialog;
}

namespace ca {

// Software updates of one or many Timbal connectors of one profile: pick a version (latest as
// Timbal chooses it, or a typed semver), see the plan (from → to, who is skipped and why),
// confirm, then watch each
// connector's result and the counts per state. Non-modal: show it with show(). Closing it while
// updates are under way only hides it; the run goes on to the end (polling included) and, if the
// dialog has Qt::WA_DeleteOnClose, the dialog deletes itself once the run has finished.
class TimbalUpdateDialog : public RunningDialog
{
    Q_OBJECT
public:
    // `connectors`: the Timbal connectors to consider (one for a per-connector "Update", the whole
    // fleet for the menu action), as last listed. `audit` (optional, not owned) gets one record
    // per update request.
    TimbalUpdateDialog(TimbalService* service, const QList<Connector>& connectors,
                       AuditLog* audit = nullptr, QWidget* parent = nullptr);
    ~TimbalUpdateDialog() override;

    // The run shown: the plan before Confirm, then the running or finished run.
    TimbalUpdateRun* run() const { return m_run; }
    bool isRunning() const override;
    // Poll settings handed to every run (defaults: every 2 s, up to 120 s).
    void setPollOptions(int intervalMs, int timeoutMs);
    // How long an unreported dispatch (this app's audit records) keeps a connector from getting
    // the same update again (default 15 min). Re-reads the records and re-plans.
    void setDispatchWindowMs(qint64 ms);
    // The newest version the whole fleet reports (the list knows it; a dialog for one connector
    // does not), shown as a hint next to "latest". Re-plans.
    void setFleetNewestVersion(const QString& version);

signals:
    // A run (the first or a retry) ended: the connector list may want a refresh.
    void runFinished(const ca::TimbalUpdateRun::Counts& counts);

private:
    void readDispatchRecords();
    void onVersionEdited();
    void replan();
    void fillTable();
    void updateRow(int row);
    void updateCounts(const TimbalUpdateRun::Counts& counts);
    void updateButtons();
    void confirm();
    void retryFailed();
    void showRun(TimbalUpdateRun* run);
    void onRunFinished(const TimbalUpdateRun::Counts& counts);
    QString typedTarget(bool* valid, QString* error) const;

    std::unique_ptr<Ui::TimbalUpdateDialog> m_ui;
    QPointer<TimbalService> m_service;
    QList<Connector> m_connectors;
    AuditLog* m_audit;
    TimbalDispatchRecords m_dispatches;
    qint64 m_windowMs = TimbalDispatchRecords::kDefaultWindowMs;
    QString m_fleetNewest;
    QPointer<TimbalUpdateRun> m_run;
    QHash<int, QLabel*> m_countLabels; // by RowState
    int m_pollIntervalMs = 2000;
    int m_pollTimeoutMs = 120000;
    bool m_confirmed = false;
};

} // namespace ca
