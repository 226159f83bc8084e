#pragma once

#include "AuditLog.h"
#include "Connector.h"
#include "TimbalService.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <array>
#include <functional>
#include <optional>

namespace ca {

// One software-update run over many Timbal connectors (GUI dialog and `connectorctl update`).
// Widget-free. Life cycle: construct → set options → preview() (plans every row; fetches the
// release list unless setReleases() gave it) → start() → rows move through their states →
// finished(). Rules it keeps:
// - at most concurrency() update POSTs in flight; above 6 they go through one more HttpClient
//   with its own connection pool as wide as the concurrency (Qt 6.4's QNetworkAccessManager
//   opens at most 6 connections per host); with a service factory, one service per 6;
// - every connector gets at most one POST per run, and a POST is never re-sent: a lost answer is
//   resolved by reading the connector (TimbalService does that);
// - a connector already being updated (pending_version, or in flight in another run of this
//   process) is skipped.
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
        bool mayHaveBeenDispatched = false; // answer lost and the connector unreadable
    };

    struct Counts
    {
        std::array<int, kStateCount> byState{};
        int total = 0;
        int of(RowState s) const { return byState[size_t(s)]; }
        int finished = 0; // rows in a final state
    };

    // Creates one more service per 6 connections (concurrency > 6) instead of the pooled client;
    // owned by `parent`.
    using ServiceFactory = std::function<TimbalService*(QObject* parent)>;

    TimbalUpdateRun(TimbalService* service, const QList<Connector>& connectors,
                    QObject* parent = nullptr);
    ~TimbalUpdateRun() override;

    // --- options (before start()) ---
    void setTargetVersion(const QString& version); // "0.1.3", "v0.1.3"; empty = latest
    QString targetVersion() const { return m_requestedTarget; }
    void setConcurrency(int n); // clamped to 1..64, default 4
    int concurrency() const { return m_concurrency; }
    void setPollIntervalMs(int ms) { m_pollIntervalMs = qMax(10, ms); } // default 2000
    void setPollTimeoutMs(int ms) { m_pollTimeoutMs = qMax(0, ms); }    // default 120000
    void setPollingEnabled(bool on) { m_polling = on; }                 // default on
    int pollIntervalMs() const { return m_pollIntervalMs; }
    int pollTimeoutMs() const { return m_pollTimeoutMs; }
    bool pollingEnabled() const { return m_polling; }
    void setAuditLog(AuditLog* log, AuditTool tool); // not owned; must outlive the run
    // Default: a new HttpClient + TimbalService with the first service's profile and options.
    void setServiceFactory(ServiceFactory factory) { m_factory = std::move(factory); }
    // Gives the release list so preview() needs no request (and is synchronous).
    void setReleases(const TimbalReleaseListResult& releases);
    const std::optional<TimbalReleaseListResult>& releases() const { return m_releases; }

    // --- plan ---
    // Computes the rows (from → to, skip reasons) and emits previewReady(); fetches the release
    // list first unless known. May be called again while not started (options changed).
    void preview();
    bool isPreviewed() const { return m_previewed; }
    QString resolvedTarget() const { return m_resolvedTarget; } // bare; empty: unresolved
    QString planError() const { return m_planError; } // target invalid/unknown: every row skipped
    QString planWarning() const { return m_planWarning; } // e.g. release list unavailable
    int plannedCount() const;                             // rows that will get a POST (not skipped)

    // --- run ---
    void start(); // previews first when needed
    bool isStarted() const { return m_started; }
    bool isFinished() const { return m_finished; }
    // Rows not started yet become Cancelled; POSTs in flight finish, dispatched ones keep polling.
    void cancelRemaining();
    // A new run (not started, same options, audit log and release list) of only the Failed rows,
    // minus those whose update may have gone out (lost answer, unreadable connector).
    // nullptr when there are none. Owned by `parent`.
    TimbalUpdateRun* retryFailed(QObject* parent = nullptr) const;

    const QList<Row>& rows() const { return m_rows; }
    Counts counts() const { return m_counts; }
    int maxInFlightSeen() const { return m_maxInFlight; } // POSTs, for diagnostics

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
    void dispatch(int row);
    void onUpdateResult(int row, const SoftwareUpdateResult& result);
    void enterDispatched(int row);
    void poll(int row);
    void onPollResult(int row, const ConnectorResult& result);
    void audit(int row, AuditOutcome outcome);
    void release(int row);
    void onServiceGone();
    void checkFinished();
    TimbalService* serviceForNextPost();
    QString registryKey(const QString& id) const;
    static QString keyPrefix(const TimbalService* service);
    QString failureMessage(const SoftwareUpdateResult& result, const QString& target) const;

    QPointer<TimbalService> m_service;
    QString m_keyPrefix;                   // registry key prefix, kept: the service may go first
    QList<TimbalService*> m_extraServices; // children of this run
    QList<int> m_postsPerService;          // in-flight POSTs per service (index 0 = m_service)
    ServiceFactory m_factory;
    QList<Row> m_rows;
    QList<int> m_rowService;              // service index used for the row's POST
    QList<QElapsedTimer> m_dispatchClock; // since the 202, for the poll time-out
    Counts m_counts;
    QString m_requestedTarget;
    QString m_resolvedTarget;
    QString m_planError;
    QString m_planWarning;
    std::optional<TimbalReleaseListResult> m_releases;
    QPointer<TimbalReleaseListJob> m_releaseJob;
    AuditLog* m_audit = nullptr;
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
    int m_maxInFlight = 0;
    int m_next = 0;             // next row to consider for dispatch
    QSet<QString> m_registered; // registry keys this run holds
};

} // namespace ca

Q_DECLARE_METATYPE(ca::TimbalUpdateRun::Counts)
