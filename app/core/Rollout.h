#pragma once

#include "AuditRecord.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ca {

// A staged rollout of one Timbal software version over many connectors (docs/rollouts.md):
// the plan (waves, thresholds, timings), every connector's state in it, the rollout's status and
// its event log. Widget-free and network-free: TimbalRollout (network) moves it, RolloutStore
// keeps it on disk, the window and `connectorctl rollout` show it. Every rule that decides what
// happens next (wave order, when a wave is done, when failures halt) lives here, once.

// What the user chose before anything is sent.
struct RolloutOptions
{
    QString target;        // bare semver ("0.1.5"); empty: the server's latest (pinned later)
    int canaryCount = 0;   // chosen reproducibly (a hash of the id) unless canaryIds are named
    QStringList canaryIds; // named canary connectors (wins over canaryCount)
    // Cumulative percentages of the connectors after the canary: {5, 25, 100} = the first 5%, up
    // to 25%, the rest. Rounded up; a wave left empty by rounding is dropped. The last one is
    // always taken as 100.
    QList<int> wavePercents = defaultWaves();
    // {5, 25, 100}. (A function, not a braced member initializer: GCC 12 -O2 warns
    // maybe-uninitialized about the initializer list's array wherever the struct is copied.)
    static QList<int> defaultWaves();
    int maxFailurePercent = 20;              // halt when failures ≥ this % of finished; 0 = off
    int maxFailureCount = 0;                 // halt when failures ≥ this many; 0 = off
    int minFinished = 5;                     // the percentage counts only once this many finished
    qint64 reportTimeoutMs = 30 * 60 * 1000; // per connector, from its 202
    qint64 pauseBetweenMs = 0;               // wait after a wave before the next one
    bool approveEach = false;                // the next wave waits for "Continue"
    int parallel = 4;                        // update POSTs in flight at most
    qint64 pollIntervalMs = 5000;            // one fleet list per interval, for the reports

    QJsonObject toJson() const;
    static RolloutOptions fromJson(const QJsonObject& o);

    // "5%,25%,100%" or "5,25,100": rising, each 1..100. nullopt with *error otherwise.
    static std::optional<QList<int>> parseWaves(const QString& text, QString* error);
    // "20%" (percent) or "3" (count) into the matching field; false with *error.
    bool parseMaxFailures(const QString& text, QString* error);
    // "30m", "10s", "1h", "500ms", "90" (seconds), at most a year. nullopt with *error.
    static std::optional<qint64> parseDuration(const QString& text, QString* error);
    // "30 min", "10 s", "1 h", "1 h 5 min", "500 ms" (seconds dropped from an hour and more).
    static QString durationText(qint64 ms);
    // "20% of finished failed (once 5 finished)", "3 failed", joined by " or "; "none" when both
    // are off.
    QString thresholdText() const;
};

struct RolloutItem
{
    enum class State
    {
        Waiting,    // not sent yet (or sent back by "Retry failed")
        Sending,    // its POST is on the way
        Dispatched, // accepted (202): waiting for the connector to report the target
        Succeeded,  // it reports the target
        Failed,     // refused, not reported in time, or reported another version
        Skipped     // never part of a wave (planned out, or the rollout ended first)
    };

    QString id;
    QString name;
    QString fromVersion; // bare, as reported when planned (a rollback's target)
    QString target;      // bare; empty: the rollout's target
    int wave = -1;       // 0-based; -1 for items planned out
    State state = State::Waiting;
    QString message;  // why skipped or failed, in words; the POST's answer otherwise
    QString reported; // the last version the connector reported (bare)
    QDateTime dispatchedAt;
    // Dispatch records older than this do not stop a send (set by "Retry failed").
    QDateTime notBefore;
    bool force = false; // retried: sent even with an unreported dispatch of its own
    // Found after a restart with an intent but no answer: its POST may never have left, so a
    // time-out is not counted against the threshold.
    bool uncertain = false;
    int epoch = -1; // the rollout's epoch when it last finished (threshold counting)

    bool isFinal() const { return state >= State::Succeeded; }
    // It reported a version other than the one it had before this rollout sent it something.
    bool moved() const
    {
        return dispatchedAt.isValid() && !reported.isEmpty() && reported != fromVersion;
    }
    static QString stateId(State s); // "waiting", "sending", …
    static std::optional<State> stateFromId(const QString& id);
};

struct RolloutEvent
{
    QDateTime time;
    QString kind; // "started", "wave", "halt", "pause", "resume", "continue", "retry", "abort",
                  // "rollback", "completed", "dispatch-error", "pinned"
    QString text; // in words, for the log view and `rollout status`
};

class Rollout
{
public:
    enum class Status
    {
        Running,          // a wave is being sent or watched
        BetweenWaves,     // waiting until nextWaveAt (options.pauseBetweenMs)
        AwaitingApproval, // the next wave waits for "Continue"
        Paused,           // by the user: nothing is sent
        NeedsAttention,   // halted by a failure threshold: nothing is sent
        Completed,
        Aborted
    };
    static QString statusId(Status s);   // "running", "between-waves", …, "aborted"
    static QString statusText(Status s); // translated words
    static std::optional<Status> statusFromId(const QString& id);

    QString id; // sortable: "r20261207T052000-1a2b"
    QString profile;
    QString kind = QStringLiteral("update"); // "update" or "rollback"
    QString parentId;                        // a rollback: the rollout it rolls back
    QString rollbackId;                      // the rollback started from this one
    QDateTime created;
    AuditTool tool = AuditTool::Gui;
    RolloutOptions options;
    QString pinnedTarget; // "latest" as the server resolved it for the first connector
    QList<RolloutItem> items;
    int waveCount = 0;
    int currentWave = 0;
    Status status = Status::Running;
    QDateTime nextWaveAt;
    QString haltReason; // the threshold that tripped, with the counts
    int epoch = 0;      // raised by every resume after a halt: earlier failures stop counting
    QList<RolloutEvent> events;

    static QString newId(const QDateTime& now = QDateTime::currentDateTimeUtc());

    // Assigns waves to `eligible` (ids in the order given). Returns per id its 0-based wave;
    // with a canary, wave 0 is the canary. nullopt with *error when a named canary id is not
    // among `eligible`.
    static std::optional<QList<int>> assignWaves(const QStringList& eligible,
                                                 const RolloutOptions& options, QString* error,
                                                 int* waveCount);
    bool hasCanary() const { return options.canaryCount > 0 || !options.canaryIds.isEmpty(); }
    // "canary", "wave 1", …: the name of a wave as the views show it.
    QString waveName(int wave) const;

    // The target of an item: its own (a rollback), else the pinned or chosen one; empty: latest.
    QString targetOf(const RolloutItem& item) const;

    struct WaveCounts
    {
        int total = 0;
        int waiting = 0;
        int inFlight = 0; // sending or dispatched (not reported yet)
        int succeeded = 0;
        int failed = 0;
        int done() const { return succeeded + failed; }
    };
    WaveCounts waveCounts(int wave) const;
    WaveCounts allCounts() const; // every item with a wave
    int skippedCount() const;

    // The items that finished in the current epoch, and the failed among them.
    struct Tally
    {
        int finished = 0;
        int failed = 0;
    };
    Tally tally() const;
    // The threshold that the current tally crosses, in words with the counts ("2 of 7 finished
    // connectors failed (28%), the limit is 20% once 5 finished": the percentage rounded down);
    // empty when none does.
    // At the end of a wave (`waveDone`) the percentage counts whatever the number finished: a
    // canary of 2 that both failed halts before the next wave, though fewer than minFinished
    // finished.
    QString thresholdCrossed(bool waveDone = false) const;

    // Every item of waves up to the current one is final.
    bool isCurrentWaveDone() const;
    bool isLastWave() const { return currentWave >= waveCount - 1; }
    bool isActive() const { return status != Status::Completed && status != Status::Aborted; }
    bool isSending() const { return status == Status::Running; }
    // "wave 2 (2 of 3): 12 of 40 done, 1 failed", "paused in canary (1 of 4): …",
    // "needs attention in wave 1 (2 of 4): <the halt reason>".
    QString stateText() const;

    void addEvent(const QString& kind, const QString& text,
                  const QDateTime& time = QDateTime::currentDateTimeUtc());

    QJsonObject toJson() const;
    static std::optional<Rollout> fromJson(const QJsonObject& o, QString* error);
};

} // namespace ca
