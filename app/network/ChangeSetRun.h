#pragma once

#include "ApplyOperation.h"
#include "AuditRecord.h"
#include "ChangeSet.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

namespace ca {

class AuditLog;

// The apply of a planned change set: each item to change goes through ApplyOperation (the stale
// check right before its PUT, the durable intent before it leaves), at most setConcurrency() at
// once. Rules it keeps:
// - every item is sent at most once per run; a run never re-sends;
// - an item whose answer was lost is read again: stored as sent → applied; as before → not
//   applied (a retry may send it); anything else → not known, never retried automatically;
// - after a 2xx, the connector as stored is compared with what was sent (verification): the PUT's
//   answer where it carries the connector, else a read-back;
// - with an audit log, every item's records carry the run's change-set id, and each profile gets
//   a change-set record at the end (who, where, counts);
// - with an audit log, the items' intents are written ahead of their PUTs in batches, and each
//   item starts only once its intent is durable; every intent gets an outcome record (the
//   item's result, or "nothing was sent" for an item cancelled or stopped before it started).
// Widget-free: `connectorctl apply DIR` and the window's change-set review drive it alike.
// Emits finished() once.
class ChangeSetRun : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Pending,
        Checking,  // re-reading before the PUT
        Sending,   // the PUT is out
        Verifying, // reading back after the PUT (or after a lost answer)
        Applied,
        Conflict,  // changed on the server meanwhile (stale check, 409): nothing stored
        Refused,   // not sent: the vendor's rules or the server refused it
        Failed,    // not applied; see mayHaveLanded
        Cancelled, // not started: cancelRemaining()
    };
    Q_ENUM(State)
    static QString stateId(State state);   // "applied", stable for JSON
    static QString stateName(State state); // translated
    static bool isFinal(State state);

    struct Item
    {
        ChangeSetItem planned;
        State state = State::Pending;
        QString message;            // the result in words, once there is one
        ApiError error;             // Failed / Refused by the server
        bool sent = false;          // a PUT went out
        bool mayHaveLanded = false; // sent, answer lost, and the re-read could not tell
        bool unrecorded = false;    // not sent: the record of its intent could not be written
        // Applied: fields the server holds differently from what was sent (the PUT's answer and
        // the read-back), masked; empty when verified as sent.
        QStringList verifyNotes;
        bool verified = false;          // read back after the apply and found as sent
        std::optional<Connector> after; // as read back, when it could be
        QString operationId;
    };
    struct Counts
    {
        int total = 0;
        int finished = 0;
        int applied = 0;
        int failed = 0; // Failed + Refused + Conflict
        int cancelled = 0;
    };

    // `plan`'s ToChange items are applied; `services` (not owned) must outlive the run.
    ChangeSetRun(QHash<QString, ConnectorService*> services, const ChangeSetPlan& plan,
                 QObject* parent = nullptr);

    void setConcurrency(int n); // 1..64, default 4
    // Not owned; must outlive the run.
    void setAuditLog(AuditLog* log, AuditTool tool);
    // The change set this run continues (a retry): kept in its change-set records.
    void setRetryOf(const QString& changeSetId) { m_retryOf = changeSetId; }
    const QString& changeSetId() const { return m_changeSetId; }

    void start();
    // Items not started yet become Cancelled; those in flight finish.
    void cancelRemaining();
    bool isFinished() const { return m_finished; }

    const QList<Item>& items() const { return m_items; }
    Counts counts() const;
    // Items per second since start(), and the time left at that rate (-1 before any finished).
    double rate() const;
    qint64 remainingMs() const;
    // "4 applied, 1 failed, 2 cancelled (of 7)".
    QString summaryLine() const;
    QJsonObject toJson() const; // {changeSet, summary, items: [{profile, id, name, state, …}]}

    // The plan of a new run for the items that may be sent again: Failed and not sent, or found
    // unchanged after a lost answer. Empty when there are none.
    ChangeSetPlan retryPlan() const;

signals:
    void itemChanged(int index);
    void finished();

private:
    void pump();
    void launch(int index);
    void onApplied(int index, const ApplyOperation::Outcome& outcome);
    void readBack(int index, const ApplyOperation::Outcome& outcome);
    // An applied item checked against the connector as the server stored it (the PUT's answer or
    // a read-back; null when it could not be read, with `readError`).
    void verifyApplied(int index, const ApplyOperation::Outcome& outcome, const Connector* stored,
                       const ApiError& readError);
    void settle(int index, State state, const QString& message,
                const ApplyOperation::Outcome& outcome);
    void record(int index, const ApplyOperation::Outcome& outcome);
    // Intents for the next items in the queue, as one batch (ChangeSetRunRecords.cpp): at most
    // one batch is written at a time, and only while fewer than a batch wait durable. pump()
    // starts an item only once its intent is durable; a failed batch stops the run (unrecorded).
    void writeIntentsAhead();
    void onIntentsWritten(const QList<int>& indexes, bool ok, const QString& error);
    // The outcome record of an item whose intent was written but that never started (cancelled,
    // or the run stopped): "nothing was sent", its message.
    void closeUnsentIntent(int index);
    void finishIfDone();
    void recordChangeSet();
    // A profile's service went away (the window reloaded the profile): what it had in flight
    // cannot finish, so it ends now, as a lost answer where a PUT may have left.
    void onServiceGone(const QString& profile);

    enum class Intent : quint8
    {
        None,
        Writing,
        Durable,
        Failed, // its batch could not be made durable (part of it may be on disk)
        Closed  // its outcome record is written
    };
    QList<Intent> m_intents; // by item, from start()
    bool m_intentsWriting = false;
    QHash<QString, QPointer<ConnectorService>> m_services;
    QList<Item> m_items;
    QList<int> m_queue;
    QHash<int, QPointer<QObject>> m_inFlightWork; // index → its ApplyOperation or read-back job
    int m_concurrency = 4;
    int m_inFlight = 0;
    AuditLog* m_log = nullptr;
    AuditTool m_tool = AuditTool::Gui;
    QString m_changeSetId;
    QString m_retryOf;
    QElapsedTimer m_clock;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace ca
