#pragma once

#include "AuditLog.h"
#include "Connector.h"
#include "Profile.h"
#include "Rollout.h"
#include "RolloutStore.h"
#include "RunLock.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

class QFileSystemWatcher;

namespace ca {

class TimbalService;
class TimbalUpdateRun;

// Drives one staged rollout (Rollout, core) of a Timbal profile: sends its waves through
// TimbalUpdateRun (bounded concurrency, one POST per connector, intents written before the POSTs,
// dispatch records), watches the reports, halts on a failure threshold, and keeps the rollout's
// file current (RolloutStore). Widget-free: the window's rollout dialog and `connectorctl rollout`
// both use it.
//
// One driver at a time per profile, on the whole machine: the driver holds the profile's rollout
// RunLock (the lock a plain update run takes too, so neither runs beside the other). Anyone else
// asks through RolloutStore requests, which the driver applies within a poll interval.
//
// How it watches: one fleet list (GET …/connectors, every page) per poll interval while any
// connector of the rollout waits for its report or could still revert, never one GET per
// connector, so a wave of 1,000 costs as many list walks as the wave lasts intervals.
//
// Crash safety: nothing is sent twice for the same target. A connector is only sent when its
// item is Waiting and no dispatch record of this rollout's target exists for it since the
// rollout began (or since its retry); the intent of every POST is durable in the audit log before
// the POST leaves (TimbalUpdateRun), so after a kill -9 the next driver finds the intent and
// watches that connector instead of sending again.
class TimbalRollout : public QObject
{
    Q_OBJECT
public:
    // Plans a rollout of `connectors` (preview; nothing is sent or written): the items with their
    // waves, the ones planned out with the reason (already on the target, offline, a recent
    // dispatch not reported yet, no version reported, …). nullopt with *error when the options
    // cannot work (an invalid target, a canary that is not in the list, nothing to update).
    static std::optional<Rollout> plan(TimbalService* service, const QList<Connector>& connectors,
                                       const RolloutOptions& options, AuditLog* audit,
                                       AuditTool tool, QString* error);

    TimbalRollout(TimbalService* service, AuditLog* audit, AuditTool tool,
                  const QString& dataDirectory, QObject* parent = nullptr);
    ~TimbalRollout() override;

    RolloutStore& store() { return m_store; }

    // Starts `planned` (from plan()): takes the lock, writes the file, records the start and sends
    // the first wave. False with *error when another rollout of the profile is active or driven
    // (*conflict set: the CLI's exit 7) or when the file or the start record cannot be written
    // (nothing was sent).
    bool start(const Rollout& planned, QString* error, bool* conflict = nullptr);
    // Takes over the profile's active rollout (after a crash or restart, or to act on it): takes
    // the lock and reconciles its items with the audit log (sent but not saved → watched, never
    // sent again). Nothing is sent until drive(). False with *error when there is none (*none
    // set) or another process drives it (*conflict set, *error names the holder).
    bool attach(QString* error, bool* conflict = nullptr, bool* none = nullptr);
    // Goes on with the attached rollout: sends what its status allows, watches the reports,
    // applies requests. start() drives by itself.
    void drive();
    bool isDriving() const { return m_lock && m_lock->isLocked(); }
    // abort(true) was asked and the rollback rollout is not started yet (it waits for the POSTs in
    // flight and one more fleet list).
    bool isRollbackPending() const { return m_rollbackPending; }
    // Stops driving (the lock is released, the file saved); the rollout stays as it is.
    void detach();

    // One action on the profile's active rollout, from anywhere: applied here when this object
    // drives it or no process does (it then attaches, and drives on when the action makes the
    // rollout send: resume, continue, retry, rollback; otherwise it detaches again), or handed to
    // the process that drives it as a request.
    enum class ActResult
    {
        Applied,
        Requested, // the driving process applies it within a poll interval
        NoRollout,
        Failed // *error says why (an unknown action, the request not written)
    };
    ActResult act(const QString& action, const QString& by, QString* error);

    const Rollout& rollout() const { return m_rollout; }

    // The actions. Each is recorded (event, audit) and saved; `by` names who asked (another
    // process's request) for the event log. Ignored when they do not apply to the status.
    void pause(const QString& by = {});
    void resume(const QString& by = {}); // from Paused, NeedsAttention or AwaitingApproval
    void continueWave(const QString& by = {});
    void retryFailed(const QString& by = {}); // failed items go back to Waiting, then resume
    void abort(bool rollback, const QString& by = {});
    // Applies one action by its name ("pause", "resume", "continue", "retry", "abort",
    // "rollback"); false for an unknown name.
    bool apply(const QString& action, const QString& by = {});

    // Which process drives the profile's rollout now ("process 4242 (connectorctl) on host
    // ws-7"), or empty when none does. Takes and releases the lock to find out.
    static QString driverOf(const Profile& profile, const QString& dataDirectory);

signals:
    // The rollout changed (coalesced: at most once per event-loop turn).
    void changed();
    // Nothing more happens without a human: completed, aborted, paused, needs attention, waiting
    // for Continue. The driver keeps the lock until detach() or destruction.
    void settled();
    // A problem the driver could not act around (the file could not be saved, a list failed):
    // in words; the rollout goes on where it can.
    void warning(const QString& text);

private:
    void beginDriving();
    std::unique_ptr<RunLock> makeLock() const; // the profile's rollout lock, not taken yet
    void tick();
    void takeRequests();
    void poll();
    void onListed(const QList<Connector>& connectors);
    void evaluateTimeouts();
    void advance();
    void sendWave();
    void onRunRow(int runRow);
    void onRunFinished();
    void stopRun();
    void finishItem(int item, RolloutItem::State state, const QString& message);
    bool checkThreshold(bool waveDone = false); // true: it halted
    void reconcileWithRecords();
    void setStatus(Rollout::Status status);
    void logEvent(const QString& kind, const QString& text, const QString& by = {});
    // An event in the rollout's log and its audit record (action rollout, outcome recorded).
    void note(const QString& kind, const QString& text, const QString& by = {},
              const QJsonObject& facts = {});
    AuditRecord eventRecord(const QString& kind, const QString& text,
                            const QJsonObject& facts = {}) const;
    void scheduleSave();
    void saveNow();
    void emitChanged();
    void emitSettled();
    bool wantsPolling() const;
    void startRollback(const QString& by);
    void rollbackWhenQuiet();
    int indexOf(const QString& id) const;
    void reindex();

    QPointer<TimbalService> m_service;
    AuditLog* m_audit = nullptr;
    AuditTool m_tool = AuditTool::Gui;
    QString m_dataDir;
    RolloutStore m_store;
    Rollout m_rollout;
    std::unique_ptr<RunLock> m_lock;
    QTimer m_tick;
    QTimer m_saveTimer;
    bool m_changedPending = false;
    bool m_polling = false;
    bool m_driving = false;         // drive() was called
    bool m_rollbackPending = false; // abort(true): after the in-flight POSTs and one more list
    bool m_listedSinceAbort = false;
    QString m_rollbackBy;
    QPointer<TimbalUpdateRun> m_run;
    QList<int> m_runItems; // per row of m_run: the item index
    QFileSystemWatcher* m_requestWatcher = nullptr;
    QHash<QString, int> m_index; // item id → index
};

} // namespace ca
