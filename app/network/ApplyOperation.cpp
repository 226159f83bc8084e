#include "ApplyOperation.h"

#include "AuditLog.h"

#include <QUuid>

namespace ca {

bool changedOnServer(const Connector& base, const Connector& fresh)
{
    return base.editable != fresh.editable || base.type != fresh.type;
}

ApplyOperation::ApplyOperation(ConnectorService* service, Connector base, QJsonObject edited,
                               QJsonObject reviewedBody, QObject* parent)
    : QObject(parent), m_service(service), m_base(std::move(base)), m_edited(std::move(edited)),
      m_reviewedBody(std::move(reviewedBody))
{}

void ApplyOperation::recordIntentIn(AuditLog* log, AuditRecord intent)
{
    m_log = log;
    m_intent = std::move(intent);
}

void ApplyOperation::useRecordedIntent(const QString& operationId)
{
    m_log = nullptr;
    m_operationId = operationId;
    m_intentRecorded = true;
}

void ApplyOperation::start()
{
    if (!m_service) {
        Outcome o;
        o.kind = Outcome::Kind::Failed;
        o.message = tr("the profile's connection is gone; refresh and try again");
        finish(o);
        return;
    }
    emit stageChanged(Stage::Checking);
    ConnectorJob* job = m_service->get(m_base.id);
    m_job = job;
    connect(job, &ConnectorJob::finished, this, &ApplyOperation::onFresh);
}

void ApplyOperation::abort()
{
    m_aborted = true; // also while the intent is being written: the PUT does not go then
    if (m_job)
        m_job->abort();
}

void ApplyOperation::onFresh(const ConnectorResult& result)
{
    Outcome o;
    if (!result.ok()) {
        o.kind = Outcome::Kind::Failed;
        o.error = result.error;
        o.message = tr("could not re-read the connector before sending; nothing was sent");
        finish(o);
        return;
    }
    o.fresh = result.connector;
    if (changedOnServer(m_base, o.fresh)) {
        o.kind = Outcome::Kind::Conflict;
        o.message = tr("%1 was changed on the server after you started editing; nothing was sent")
                        .arg(m_base.displayName);
        finish(o);
        return;
    }
    QString refusal;
    const QJsonObject body = m_service->buildUpdateBody(o.fresh, m_edited, &refusal);
    if (!refusal.isEmpty()) {
        o.kind = Outcome::Kind::Refused;
        o.message = refusal;
        finish(o);
        return;
    }
    if (body != m_reviewedBody) {
        // Something the body is built from (e.g. Bigdata's email_hash) moved: review again.
        o.kind = Outcome::Kind::Conflict;
        o.message = tr("the body to send is no longer the one you reviewed; nothing was sent");
        finish(o);
        return;
    }
    emit stageChanged(Stage::Sending);
    if (!m_log) {
        send(o.fresh);
        return;
    }
    // No write without a durable record of the intent: the PUT waits for the disk (off this
    // thread), and does not go when the record cannot be written.
    m_operationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_intent.operationId = m_operationId;
    const QString where = m_log->filePath();
    m_log->appendDurably(
        m_intent, this, [this, fresh = o.fresh, where](bool ok, const QString& error) {
            if (m_aborted)
                finishUnsent(fresh, tr("cancelled before sending; nothing was sent"));
            else if (!ok)
                finishUnsent(fresh,
                             tr("the audit record of this change could not be written (%1), so "
                                "nothing was sent. Free space or fix the permissions of %2 and "
                                "apply again.")
                                 .arg(error, where),
                             true);
            else
                send(fresh);
        });
}

void ApplyOperation::send(const Connector& fresh)
{
    ConnectorUpdateJob* update =
        m_service ? m_service->update(fresh, m_edited, m_retryWrites, m_reviewedBody) : nullptr;
    if (!update) {
        finishUnsent(fresh, tr("the profile's connection is gone; nothing was sent"));
        return;
    }
    m_job = update;
    connect(update, &ConnectorUpdateJob::finished, this, [this, fresh](const UpdateResult& r) {
        if (r.error.kind == ApiError::Kind::Conflict) {
            onRefusedAsConflict(r);
            return;
        }
        Outcome out;
        out.fresh = fresh;
        out.operationId = m_operationId;
        out.update = r;
        out.sent = r.sent;
        out.error = r.error;
        out.kind = r.ok() ? Outcome::Kind::Applied
                          : (r.sent ? Outcome::Kind::Failed : Outcome::Kind::Refused);
        if (!r.ok())
            out.message = r.error.message;
        finish(out);
    });
}

void ApplyOperation::onRefusedAsConflict(const UpdateResult& refused)
{
    // A 409 (B3OS: "another update may have occurred"): nothing was stored. Read the connector
    // again, so the caller can merge the edit into what is there now, as for a stale preview.
    ConnectorJob* job = m_service ? m_service->get(m_base.id) : nullptr;
    if (!job) {
        Outcome o;
        o.kind = Outcome::Kind::Failed;
        o.operationId = m_operationId;
        o.update = refused;
        o.error = refused.error;
        o.sent = true;
        o.message = refused.error.message;
        finish(o);
        return;
    }
    m_job = job;
    connect(job, &ConnectorJob::finished, this, [this, refused](const ConnectorResult& result) {
        Outcome o;
        o.operationId = m_operationId;
        o.update = refused;
        o.error = refused.error;
        o.sent = true;
        if (!result.ok()) {
            o.kind = Outcome::Kind::Failed;
            o.message = tr("the server refused the change as a conflict (%1), and the connector "
                           "could not be read again")
                            .arg(refused.error.message);
            finish(o);
            return;
        }
        o.kind = Outcome::Kind::Conflict;
        o.fresh = result.connector;
        o.message = tr("%1: the server says it was changed by someone else meanwhile; nothing was "
                       "stored")
                        .arg(m_base.displayName);
        finish(o);
    });
}

void ApplyOperation::finishUnsent(const Connector& fresh, const QString& message, bool unrecorded)
{
    Outcome out;
    out.kind = Outcome::Kind::Failed;
    out.fresh = fresh;
    out.message = message;
    out.unrecorded = unrecorded;
    // An intent on disk gets its outcome record (the caller writes it): "nothing was sent".
    if (!unrecorded)
        out.operationId = m_operationId;
    finish(out);
}

void ApplyOperation::finish(Outcome outcome)
{
    if (m_done)
        return;
    m_done = true;
    if (m_intentRecorded && outcome.operationId.isEmpty())
        outcome.operationId = m_operationId;
    emit finished(outcome);
    deleteLater();
}

} // namespace ca
