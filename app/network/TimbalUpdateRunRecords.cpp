// TimbalUpdateRun's records in the audit log: the intent of each POST, durable before it leaves,
// and its outcome after (the same operationId), "not sent" included; and the one-rollout-per-
// profile lock that lives beside the log.
#include "TimbalUpdateRun.h"

#include "NetworkLog.h"

#include <QUuid>

namespace ca {

AuditRecord TimbalUpdateRun::record(int row, AuditOutcome outcome) const
{
    const Row& r = m_rows.at(row);
    AuditRecord rec;
    rec.tool = m_tool;
    rec.profile = m_profileName;
    rec.vendor = Vendor::Timbal;
    rec.connectorId = r.connector.id;
    rec.connectorName = r.connector.displayName;
    rec.action = AuditAction::SoftwareUpdate;
    rec.operationId = r.operationId;
    rec.changeSetId = m_recordGroup;
    rec.httpStatus = outcome == AuditOutcome::Intent ? 0 : r.httpStatus;
    rec.outcome = outcome;
    rec.message = r.message;
    // The body of the POST is this version (or none: latest); it carries no secret.
    rec.before = QJsonObject{{QStringLiteral("version"), r.fromVersion}};
    rec.after = QJsonObject{{QStringLiteral("version"), r.toVersion}};
    return rec;
}

void TimbalUpdateRun::audit(int row, AuditOutcome outcome)
{
    if (!m_audit)
        return;
    m_intents[row] = Intent::Closed; // this record is its intent's outcome
    QString error;
    if (!m_audit->append(record(row, outcome), &error))
        qCWarning(lcServiceTimbal).noquote() << "audit log not written:" << error;
}

void TimbalUpdateRun::closeUnsent(int row, const QString& why)
{
    const Intent intent = m_intents.at(row);
    if (!m_audit || intent == Intent::None || intent == Intent::Closed)
        return;
    // Also when the intent's batch failed: part of it may be on disk all the same (a failed
    // fsync), and this keeps the next start from taking it for an update that may have left.
    AuditRecord rec = record(row, AuditOutcome::Failed);
    rec.httpStatus = 0;
    rec.message = why;
    m_intents[row] = Intent::Closed;
    m_audit->append(rec); // a failing log was told once already (stopUnrecorded, audit)
}

void TimbalUpdateRun::writeIntentsAhead()
{
    if (!m_audit || !m_started || m_intentsWriting || !m_unrecordedReason.isEmpty())
        return;
    m_intentEnd = qMax(m_intentEnd, m_next);
    // Still more than a batch ready to send: the next one can wait.
    if (m_intentEnd >= m_rows.size() || m_intentEnd - m_next > m_ahead)
        return;
    // One random id per run, and the row's number after it: unique, and cheap for 1,000 rows.
    if (m_runId.isEmpty())
        m_runId = (m_recordGroup.isEmpty() ? QString() : m_recordGroup + QLatin1Char('-')) +
                  QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString sending = tr("sending: update %1 → %2");
    const QString noVersion = tr("(no version)");
    const QString latest = tr("latest");
    const int from = m_intentEnd;
    QList<AuditRecord> batch;
    batch.reserve(qMin(m_ahead, int(m_rows.size()) - from));
    while (m_intentEnd < m_rows.size() && batch.size() < m_ahead) {
        const int row = m_intentEnd++;
        Row& r = m_rows[row];
        if (r.state != RowState::Pending || m_intents.at(row) != Intent::None)
            continue;
        r.operationId = m_runId + QLatin1Char('-') + QString::number(row);
        m_intents[row] = Intent::Writing;
        AuditRecord intent = record(row, AuditOutcome::Intent);
        intent.message = sending.arg(r.fromVersion.isEmpty() ? noVersion : r.fromVersion,
                                     r.toVersion.isEmpty() ? latest : r.toVersion);
        batch.append(std::move(intent));
    }
    if (batch.isEmpty())
        return;
    m_intentsWriting = true;
    const int to = m_intentEnd;
    m_audit->appendDurably(batch, this, [this, from, to](bool ok, const QString& error) {
        onIntentsWritten(from, to, ok, error);
    });
}

void TimbalUpdateRun::onIntentsWritten(int from, int to, bool ok, const QString& error)
{
    m_intentsWriting = false;
    for (int row = from; row < to; ++row) {
        if (m_intents.at(row) == Intent::Writing)
            m_intents[row] = ok ? Intent::Durable : Intent::Failed;
    }
    // The POSTs outran the disk: larger batches, fewer waits (a fast server, a slow fsync).
    if (m_waitedForIntent)
        m_ahead = qMin(2 * m_ahead, maxIntentsAhead());
    m_waitedForIntent = false;
    m_anyIntentDurable = m_anyIntentDurable || ok;
    if (!ok && m_unrecordedReason.isEmpty())
        stopUnrecorded(tr("the audit record of the update could not be written (%1), so it was "
                          "not sent. Free space or fix the permissions of %2 and run again.")
                           .arg(error, m_audit->filePath()),
                       tr("not sent: its audit record could not be written"));
    pump();
    checkFinished();
}

void TimbalUpdateRun::stopUnrecorded(const QString& reason, const QString& rowMessage)
{
    // No write without a durable record of its intent: this row and every row not sent yet stay
    // unsent, so what the log says and what went out never part.
    m_unrecordedReason = reason;
    qCWarning(lcServiceTimbal).noquote() << "update run stopped:" << reason;
    m_next = int(m_rows.size());
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).state != RowState::Pending)
            continue;
        m_rows[row].unrecorded = true;
        closeUnsent(row, tr("not sent: the audit log could not be written"));
        setState(row, RowState::Failed, rowMessage);
    }
}

QString TimbalUpdateRun::unrecordedSummary() const
{
    const int n = unrecordedCount();
    return n == 0 ? QString()
                  : tr("%n connector(s) not updated: %1", "", n).arg(m_unrecordedReason);
}

int TimbalUpdateRun::unrecordedCount() const
{
    int n = 0;
    for (const Row& r : m_rows)
        n += r.unrecorded;
    return n;
}

// One rollout per profile at a time on this machine, across windows and connectorctl: the lock
// lives beside the audit log both read. Without it, every row still to send is skipped.
QString TimbalUpdateRun::rolloutLockKey(const QUrl& effectiveBaseUrl, const QString& orgId)
{
    return QStringLiteral("timbal-rollout ") + effectiveBaseUrl.toString() + QLatin1Char('|') +
           orgId + QLatin1Char('|');
}

void TimbalUpdateRun::takeRolloutLock()
{
    if (!m_audit || plannedCount() == 0 || m_lockHeld)
        return;
    m_rolloutLock = std::make_unique<RunLock>(m_audit->directory() + QStringLiteral("/locks"),
                                              QStringLiteral("timbal-rollout ") + m_keyPrefix);
    // (m_keyPrefix is what rolloutLockKey() builds after "timbal-rollout ".)
    QString holder;
    bool unavailable = false;
    if (m_rolloutLock->tryLock(&holder, &unavailable))
        return;
    m_rolloutLock.reset();
    if (unavailable) { // a full or read-only disk: the records could not be written either
        stopUnrecorded(tr("the one-run-per-profile lock could not be taken (%1), so nothing was "
                          "sent. Free space or fix the permissions of %2 and run again.")
                           .arg(holder, m_audit->directory()),
                       tr("not sent: the rollout lock could not be taken"));
        return;
    }
    const QString reason =
        tr("another update run is rolling out on this profile (%1); one run per profile at a "
           "time")
            .arg(holder);
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).state == RowState::Pending) {
            m_rows[row].skipReason = reason;
            setState(row, RowState::Skipped, reason);
        }
    }
}

} // namespace ca
