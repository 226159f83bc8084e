#pragma once

#include "Connector.h"
#include "Rollout.h"
#include "RunningDialog.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QPair>
#include <QTimer>

#include <memory>
#include <optional>

class QFileSystemWatcher;
class QLabel;
class QWidget;

namespace Ui {
class RolloutDialog;
}

namespace ca {

class AuditLog;
class HttpClient;
class TimbalRollout;
class TimbalService;

// A staged rollout of Timbal software over a profile's connectors (Rollout, TimbalRollout): first
// the plan (version, waves, thresholds and the preview by wave, planned again after every
// change), then the live view (a bar per wave, the state in words, the event log, the actions).
//
// When the profile has an active rollout, the dialog shows it instead of a new plan, whoever
// drives it: this window (its TimbalRollout), another process (connectorctl or another window:
// the view follows the rollout's file, the actions go to that process as requests), or nobody
// (after a crash or restart: Resume takes it over here). Non-modal; closing it while this window
// drives an active rollout only hides it, and the rollout goes on.
class RolloutDialog : public RunningDialog
{
    Q_OBJECT
public:
    // `service`: the catalog's current service of the profile. The dialog sends through a copy of
    // it on `http` (the catalog makes a new service on every refresh; a rollout outlives many).
    // `connectors`: the ones to plan over, as last listed; empty: the whole fleet. `audit` (not
    // owned, required): the records, and its directory keeps the rollout files and locks.
    RolloutDialog(const TimbalService& service, HttpClient* http,
                  const QList<Connector>& connectors, AuditLog* audit, QWidget* parent = nullptr);
    ~RolloutDialog() override;

    QString profileName() const;
    // This window drives an active rollout (or the rollback of one it just aborted).
    bool isRunning() const override;
    // The live view is shown (a rollout exists), not the plan.
    bool isLive() const;
    // The newest version the fleet reports, shown as a hint next to "latest".
    void setFleetNewestVersion(const QString& version);
    // How often the driver lists the fleet for the reports (default: RolloutOptions's).
    void setPollIntervalMs(qint64 ms);

signals:
    // A rollout driven here stopped or ended: the connector list may want a refresh.
    void fleetChanged();

private:
    // --- the plan (RolloutDialogPlan.cpp) ---
    void setUpPlanPage();
    void showPlanPage();
    void onOptionEdited();
    // The options as typed; each bad field shows its reason, the first one in *error.
    std::optional<RolloutOptions> readOptions(QString* error);
    void replan();
    void fillPreview();
    void updateStartButton();
    void startRollout();
    void planNewRollout();

    // --- the live view ---
    void showLivePage();
    void follow(const Rollout& rollout);
    void scheduleReload();
    void reloadFollowed();
    bool followNext();
    void probeDriver();
    const Rollout& shownRollout() const;
    void showRollout();
    void showEvents(const Rollout& r);
    void showFailed(const Rollout& r);
    void updateDriverLabel(const Rollout& r);
    void updateActions(const Rollout& r);
    void act(const QString& action);
    void confirmAbort(bool rollback);
    void onDriverChanged();
    void onSettled();
    void setNotice(const QString& text, bool problem);
    static QString connectorText(const RolloutItem& item); // "name (id)", or the id

    std::unique_ptr<Ui::RolloutDialog> m_ui;
    TimbalService* m_service = nullptr; // owned (child)
    TimbalRollout* m_driver = nullptr;  // owned, deleted first
    AuditLog* m_audit;
    QString m_dataDir;
    QList<Connector> m_connectors;
    QStringList m_selection; // ids the dialog was opened with; empty: the whole fleet
    QString m_fleetNewest;
    qint64 m_pollIntervalMs = RolloutOptions().pollIntervalMs;

    std::optional<Rollout> m_plan;
    QString m_planError;
    QTimer m_planTimer; // debounces replan()

    // Following a rollout another process drives (or nobody does): its file, re-read when it
    // changes and every second (a watcher can miss an atomic rename).
    Rollout m_followed;
    QFileSystemWatcher* m_watcher = nullptr;
    QTimer m_followTimer;
    QTimer m_reloadTimer;
    QPair<QDateTime, qint64> m_fileStamp; // modified, size: when it was last read
    QElapsedTimer m_sinceProbe;
    QString m_holder; // who drives it ("process 4242 (connectorctl) on ws-7"); empty: nobody

    QString m_shownId; // the rollout whose events and failures are shown
    qsizetype m_shownEvents = 0;
    int m_shownFailed = -1;
};

} // namespace ca
