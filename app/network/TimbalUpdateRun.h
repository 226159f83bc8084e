#pragma once

#include "AuditLog.h"
#include "Connector.h"
#include "RunLock.h"
#include "TimbalDispatchRecords.h"
#include "TimbalService.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <array>
#include <memory>
#include <optional>

namespace ca {

// One software-update run over many Timbal connectors (GUI dialog and `connectorctl update`).
// Widget-free. Life cycle: construct → set options → preview() (plans every row, synchronously)
// → start() → rows move through their states → finished(). Rules it keeps:
// - the target is an explicit semver (checked before anything is sent) or "latest", which only
//   the server resolves (verified: Timbal has no release list); the answer's target_version is
//   what is shown and recorded;
// - at most setConcurrency() update POSTs in flight; above 6 they go through one more HttpClient
//   with its own connection pool as wide as the concurrency (Qt 6.4's QNetworkAccessManager
//   opens at most 6 connections per host);
// - every connector gets at most one POST per run, and a POST is never re-sent: a lost answer is
//   recorded as such and resolved by watching the reported version (TimbalService reads it);
// - with an audit log, no POST leaves before the record of its intent is durable: intents are
//   written ahead of the POSTs in batches (one write and one fsync each), and every intent gets
//   its outcome record under the same operationId, "not sent" included. When an intent cannot
//   be written, that row and every row not sent yet fail as unrecorded and nothing more is
//   sent; an intent whose app stopped is read back at the next start (IntentReconciler);
// - a connector dispatched to the same target within the dispatch window (by any window or
//   connectorctl: TimbalDispatchRecords reads the shared audit log) that has not reported it yet
//   is skipped with the reason, unless forced; one in flight in another run of this process is
//   skipped too;
// - only a connector neither connected nor online is skipped as offline; anything else is sent
//   and the server's 422 reported for that connector.
class TimbalUpdateRun : public QObject
{
    Q_OBJECT
public:
    enum class RowState
    {
        Pending,
        Dispatching,
        AlreadyCurrent,
        Dispatched,
        Polling,
        Updated,
        TimedOut,
        Failed,
        Skipped,
        Cancelled
    };
    Q_ENUM(RowState)
    static constexpr int kStateCount = int(RowState::Cancelled) + 1;
    static QString stateName(RowState state); // translated, for labels ("Already current")
    static QString stateId(RowState state);   // stable, for CLI/JSON ("already-current")
    // Nothing more will happen to a row in this state (Dispatched: only when polling is off).
    bool isFinal(RowState state) const;

    struct Row
    {
        Connector connector; // the snapshot given (or read after a lost answer)
        QString fromVersion;
        QString toVersion; // resolved bare target; empty when "latest" could not be resolved
        RowState state = RowState::Pending;
        QString skipReason; // set when state == Skipped (decided by preview())
        QString message;    // the result in words, once there is one
        int httpStatus = 0; // of the POST; 0 before it or when no answer came
        QString artifact;
        bool answerLost = false;            // the POST went out, its answer did not come back
        bool mayHaveBeenDispatched = false; // answer lost and the new version never seen
        bool unrecorded = false; // not sent: the record of its intent could not be written
        QString operationId;     // of its intent record, once one was queued
    };

    struct Counts
    {
        std::array<int, kStateCount> byState{};
        int total = 0;
        int of(RowState s) const { return byState[size_t(s)]; }
        int finished = 0; // rows in a final state
    };

    TimbalUpdateRun(TimbalService* service, const QList<Connector>& connectors,
                    QObject* parent = nullptr);
    ~TimbalUpdateRun() override;

    // --- options (before start()) ---
    void setTargetVersion(const QString& version); // "0.1.3", "v0.1.3"; empty or "latest" = latest
    void setConcurrency(int n);                    // clamped to 1..64, default 4
    void setPollIntervalMs(int ms) { m_pollIntervalMs = qMax(10, ms); } // default 2000
    void setPollTimeoutMs(int ms) { m_pollTimeoutMs = qMax(0, ms); }    // default 120000
    void setPollingEnabled(bool on) { m_polling = on; }                 // default on
    // Not owned; must outlive the run. Every POST is recorded there, its intent before it and its
    // outcome after it, and the records of earlier dispatches (any process) are read from it by
    // preview() and again by start().
    void setAuditLog(AuditLog* log, AuditTool tool);
    // How long a dispatch not yet reported keeps the same update from being sent again.
    void setDispatchWindowMs(qint64 ms) { m_windowMs = qMax<qint64>(0, ms); }
    // Sends even to connectors with a recent, unreported dispatch (the CLI's --force).
    void setForce(bool force) { m_force = force; }
    // The dispatch records to plan with, instead of reading them from the audit log (a dialog
    // that re-plans on every keystroke reads them once).
    void setDispatchRecords(const TimbalDispatchRecords& records) { m_dispatches = records; }

    // A staged rollout (TimbalRollout) runs its waves through this class and holds the profile's
    // rollout lock itself: the run then does not take it.
    void setRolloutLockHeld(bool held) { m_lockHeld = held; }
    // The records of this run carry it as their changeSetId (the rollout's id), and the
    // operationIds start with it.
    void setRecordGroup(const QString& group) { m_recordGroup = group; }
    // The key of the one-rollout-per-profile RunLock (under <audit dir>/locks): per base URL and
    // org, so two profiles of one org share it.
    static QString rolloutLockKey(const QUrl& effectiveBaseUrl, const QString& orgId);

    // --- plan ---
    // Computes the rows (from → to, skip reasons) and emits previewReady(). May be called again
    // while not started (options changed).
    void preview();
    QString resolvedTarget() const { return m_resolvedTarget; } // bare; empty: "latest"
    QString planError() const { return m_planError; }           // target invalid: every row skipped
    QString planWarning() const { return m_planWarning; }       // e.g. how "latest" is decided
    int plannedCount() const; // rows that will get a POST (not skipped)
    // The newest version any connector of the fleet reports: a hint of what "latest" may be,
    // never a fact (Timbal may have published a newer one). From the run's rows unless the
    // caller knows the whole fleet (a run of one connector). Empty when none reports a version.
    QString fleetNewestVersion() const;
    void setFleetNewestVersion(const QString& version) { m_fleetNewest = version; }

    // --- run ---
    void start(); // previews first when needed
    bool isStarted() const { return m_started; }
    bool isFinished() const { return m_finished; }
    // Rows not started yet become Cancelled; POSTs in flight finish, dispatched ones keep polling.
    void cancelRemaining();
    // A new run (not started, same options and audit log) of only the Failed rows,
    // minus those whose update may have gone out (lost answer, unreadable connector).
    // nullptr when there are none. Owned by `parent`.
    TimbalUpdateRun* retryFailed(QObject* parent = nullptr) const;

    const QList<Row>& rows() const { return m_rows; }
    Counts counts() const { return m_counts; }

    // Rows not sent because the record of their intent could not be written (disk full, read-only,
    // permissions).
    int unrecordedCount() const;
    // "3 connector(s) not updated: <why, with the log's path>", for the end of a run; empty when
    // none.
    QString unrecordedSummary() const;

    // Intents are written ahead of the POSTs in batches of this many rows: 4 × the concurrency, at
    // least 64, doubled (up to kMaxIntentsAhead) each time a POST had to wait for its intent. The
    // next batch is written while the rows of the last one are sent; at most two batches of rows
    // have an intent and no POST yet (after a crash, their updates are told as "may have left").
    int intentsAhead() const
    {
        return m_ahead > 0 ? m_ahead : qMin(maxIntentsAhead(), qMax(64, 4 * m_concurrency));
    }
    // A staged rollout keeps the batches small: after a crash every intent without an answer
    // must be watched as "may have left" and can never be sent again.
    void setMaxIntentsAhead(int n) { m_maxAhead = qMax(1, n); }
    int maxIntentsAhead() const { return m_maxAhead > 0 ? m_maxAhead : kMaxIntentsAhead; }
    static constexpr int kMaxIntentsAhead = 4096;

    // Connector ids (per org and base URL) in flight in any run of this process.
    static bool isInFlightAnywhere(const TimbalService* service, const QString& id);

signals:
    void previewReady();
    void rowChanged(int row);
    void countsChanged(const ca::TimbalUpdateRun::Counts& counts);
    void finished(const ca::TimbalUpdateRun::Counts& counts);

private:
    void plan();
    void setState(int row, RowState state, const QString& message = {});
    void pump();
    void takeRolloutLock();
    void dispatch(int row);
    void onUpdateResult(int row, const SoftwareUpdateResult& result);
    void enterDispatched(int row);
    void poll(int row);
    void onPollResult(int row, const ConnectorResult& result);
    // True when the reported version shows that row's update went out.
    bool hasMoved(const Row& r, const QString& reported) const;
    void readDispatchRecords();
    void skipUnreported();
    void audit(int row, AuditOutcome outcome);
    AuditRecord record(int row, AuditOutcome outcome) const;
    // Intents for the next rows to send, queued as one batch (of m_ahead rows) when no batch is
    // being written and at most one batch of rows waits ready; pump() sends a row only once its
    // intent is durable.
    void writeIntentsAhead();
    void onIntentsWritten(int from, int to, bool ok, const QString& error);
    // A row that got an intent and will not be sent: its outcome record says so.
    void closeUnsent(int row, const QString& why);
    // Nothing more is sent: the rows not sent yet fail with `rowMessage`, `reason` tells why.
    void stopUnrecorded(const QString& reason, const QString& rowMessage);
    void release(int row);
    void onServiceGone();
    void checkFinished();
    TimbalService* serviceForNextPost();
    QString registryKey(const QString& id) const;
    static QString keyPrefix(const TimbalService* service);
    QString failureMessage(const SoftwareUpdateResult& result, const QString& target) const;

    QPointer<TimbalService> m_service;
    QString m_keyPrefix;                    // registry key prefix, kept: the service may go first
    TimbalService* m_wideService = nullptr; // above 6 at once (serviceForNextPost); a child
    QList<Row> m_rows;
    QList<QElapsedTimer> m_dispatchClock; // since the 202, for the poll time-out
    Counts m_counts;
    QString m_requestedTarget;
    QString m_resolvedTarget;
    QString m_planError;
    QString m_planWarning;
    std::optional<TimbalDispatchRecords> m_dispatches;
    qint64 m_windowMs = TimbalDispatchRecords::kDefaultWindowMs;
    QString m_fleetNewest; // set by the caller; empty: from the rows
    bool m_force = false;
    AuditLog* m_audit = nullptr;
    QString m_profileName; // for the records, kept: the service may go first
    enum class Intent : quint8
    {
        None,
        Writing,
        Durable,
        Failed,
        Closed // its outcome record was written
    };
    QList<Intent> m_intents; // per row
    int m_intentEnd = 0;     // rows before it had their intent considered
    int m_ahead = 0;         // the batch size (intentsAhead()), set by start()
    QString m_runId;         // the operationIds' stem
    bool m_intentsWriting = false;
    bool m_anyIntentDurable = false;
    bool m_waitedForIntent = false; // a POST waited for the batch being written
    QString m_unrecordedReason;
    std::unique_ptr<RunLock> m_rolloutLock; // held from start() until finished
    bool m_lockHeld = false;                // by the caller (a staged rollout)
    int m_maxAhead = 0;                     // 0: kMaxIntentsAhead
    QString m_recordGroup;
    AuditTool m_tool = AuditTool::Gui;
    int m_concurrency = 4;
    int m_pollIntervalMs = 2000;
    int m_pollTimeoutMs = 120000;
    bool m_polling = true;
    bool m_previewed = false;
    bool m_startWhenPreviewed = false;
    bool m_started = false;
    bool m_finished = false;
    int m_inFlight = 0;
    int m_next = 0;             // next row to consider for dispatch
    QSet<QString> m_registered; // registry keys this run holds
};

} // namespace ca

Q_DECLARE_METATYPE(ca::TimbalUpdateRun::Counts)
