#pragma once

#include "AuditRecord.h"
#include "ConnectorService.h"

#include <QObject>
#include <QPointer>

namespace ca {

class AuditLog;

// One reviewed edit on its way to the server, by the stale-preview rule: the connector is read
// again right before the PUT; if it changed on the server since the edit began, or the body built
// now would differ from the one the admin reviewed, nothing is sent and the caller gets the fresh
// connector to merge. With an audit log (recordIntentIn()), the record of the intent is durable
// on disk before the PUT leaves; when it cannot be written, nothing is sent. Used by the review
// dialog and by `connectorctl apply`. Emits finished() once, then deletes itself.
class ApplyOperation : public QObject
{
    Q_OBJECT
public:
    enum class Stage
    {
        Checking,
        Sending
    };
    struct Outcome
    {
        enum class Kind
        {
            Applied,  // PUT answered 2xx; `update` has the answer and the server's differences
            Conflict, // changed on the server since the edit began (seen before sending, or a
                      // 409 answer); nothing stored; see `fresh`
            Refused,  // the vendor's rules refuse the body; nothing sent; see `message`
            Failed    // the re-read or the PUT failed; see `error` (PUT may or may not have landed)
        };
        Kind kind = Kind::Failed;
        Connector fresh;     // the connector as re-read before sending
        UpdateResult update; // Applied / Failed-at-PUT
        ApiError error;
        QString message;   // Refused / Conflict: why, in words
        bool sent = false; // a PUT went out
        // The intent record's operationId (empty when no intent was written): the outcome
        // record carries it too (EditReview::auditRecord()).
        QString operationId;
        // The intent record could not be made durable: nothing was sent (`message` says why).
        bool unrecorded = false;
    };

    // `base`: the connector as loaded when the edit began. `reviewedBody`: the body the admin saw.
    ApplyOperation(ConnectorService* service, Connector base, QJsonObject edited,
                   QJsonObject reviewedBody, QObject* parent = nullptr);

    // Before the PUT, `intent` (EditReview::intentRecord()) is appended to `log` with a fresh
    // operationId, and the PUT waits until it is durable. `log` must outlive this operation.
    void recordIntentIn(AuditLog* log, AuditRecord intent);
    // Instead: the caller made the intent durable already (a change set writes its intents ahead,
    // many in one batch) under `operationId`. The PUT does not wait for the disk, and every
    // outcome carries the id, so the caller's outcome record closes the intent, also when
    // nothing was sent.
    void useRecordedIntent(const QString& operationId);
    // The PUT goes out once, never retried on a lost answer or a 503 (HttpOptions::retryWrites):
    // the caller reads the connector again instead. Default: retried like any request.
    void setRetryWrites(bool retry) { m_retryWrites = retry; }

    void start();
    void abort();

signals:
    void stageChanged(ca::ApplyOperation::Stage stage);
    void finished(const ca::ApplyOperation::Outcome& outcome);

private:
    void onFresh(const ConnectorResult& result);
    void send(const Connector& fresh);
    // Failed without a PUT; `unrecorded`: because the intent could not be written.
    void finishUnsent(const Connector& fresh, const QString& message, bool unrecorded = false);
    void onRefusedAsConflict(const UpdateResult& refused);
    void finish(Outcome outcome);

    QPointer<ConnectorService> m_service;
    Connector m_base;
    QJsonObject m_edited;
    QJsonObject m_reviewedBody;
    QPointer<ServiceJob> m_job;
    AuditLog* m_log = nullptr;
    AuditRecord m_intent;
    QString m_operationId;
    bool m_retryWrites = true;
    bool m_intentRecorded = false; // useRecordedIntent()
    bool m_aborted = false;
    bool m_done = false;
};

// True when the server's copy differs from the one an edit started from (content, not stamps:
// a touched but identical connector is not a conflict).
bool changedOnServer(const Connector& base, const Connector& fresh);

} // namespace ca

Q_DECLARE_METATYPE(ca::ApplyOperation::Outcome)
