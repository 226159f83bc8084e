// ChangeSetRun's records in the audit log: the intents, written ahead of the PUTs in batches
// (one write and one fsync each) and durable before their items start; each item's outcome,
// which closes its intent (also when nothing was sent); and each profile's change-set record.
#include "ChangeSetRun.h"

#include "AuditLog.h"

#include <QSysInfo>

namespace ca {

namespace {

QString userName()
{
    for (const char* name : {"USER", "LOGNAME", "USERNAME"}) {
        const QString v = qEnvironmentVariable(name);
        if (!v.isEmpty())
            return v;
    }
    return QString();
}

} // namespace

void ChangeSetRun::writeIntentsAhead()
{
    if (!m_log || !m_started || m_intentsWriting)
        return;
    // Intents for the next items to start, in one batch, while fewer than a batch wait durable:
    // the PUTs never wait for the disk unless it is slower than the server.
    const int ahead = qMax(64, 4 * m_concurrency);
    int ready = 0;
    QList<int> indexes;
    for (const int index : std::as_const(m_queue)) {
        const Intent intent = m_intents.at(index);
        if (intent == Intent::Durable && ++ready > ahead)
            return;
        if (intent != Intent::None)
            continue;
        indexes.append(index);
        if (indexes.size() >= ahead)
            break;
    }
    if (indexes.isEmpty())
        return;
    QList<AuditRecord> batch;
    batch.reserve(indexes.size());
    for (const int index : std::as_const(indexes)) {
        Item& item = m_items[index];
        // The run's id and the item's number: unique, and cheap for thousands of items.
        item.operationId = m_changeSetId + QLatin1Char('-') + QString::number(index);
        AuditRecord intent = item.planned.review->intentRecord(m_tool);
        intent.changeSetId = m_changeSetId;
        intent.operationId = item.operationId;
        batch.append(std::move(intent));
        m_intents[index] = Intent::Writing;
    }
    m_intentsWriting = true;
    m_log->appendDurably(batch, this, [this, indexes](bool ok, const QString& error) {
        onIntentsWritten(indexes, ok, error);
    });
}

void ChangeSetRun::onIntentsWritten(const QList<int>& indexes, bool ok, const QString& error)
{
    m_intentsWriting = false;
    for (const int index : indexes) {
        if (m_intents.at(index) == Intent::Writing)
            m_intents[index] = ok ? Intent::Durable : Intent::Failed;
    }
    if (!ok) {
        // No write without its record: nothing more leaves in this run.
        const QString why = tr("the audit record of this change could not be written (%1), so "
                               "nothing was sent. Free space or fix the permissions of %2 and "
                               "apply again.")
                                .arg(error, m_log->filePath());
        for (const int waiting : std::as_const(m_queue)) {
            Item& item = m_items[waiting];
            item.state = State::Failed;
            item.message = why;
            item.unrecorded = true;
            // Part of a failed batch may be on disk all the same (a failed fsync): closed, so
            // the next start does not take it for a change that may have left.
            closeUnsentIntent(waiting);
            emit itemChanged(waiting);
        }
        m_queue.clear();
    }
    pump();
    finishIfDone();
}

void ChangeSetRun::closeUnsentIntent(int index)
{
    const Intent intent = m_intents.value(index, Intent::None);
    if (!m_log || intent == Intent::None || intent == Intent::Closed)
        return;
    const Item& item = m_items.at(index);
    AuditRecord r = item.planned.review->auditRecord(m_tool, ApplyOperation::Outcome());
    r.changeSetId = m_changeSetId;
    r.operationId = item.operationId;
    r.outcome = AuditOutcome::Failed;
    r.httpStatus = 0;
    r.message = item.message;
    m_intents[index] = Intent::Closed;
    m_log->append(r); // a failing log was told already (onIntentsWritten, record)
}

void ChangeSetRun::record(int index, const ApplyOperation::Outcome& outcome)
{
    const Item& item = m_items.at(index);
    if (!m_log || outcome.unrecorded)
        return;
    AuditRecord r = item.planned.review->auditRecord(m_tool, outcome);
    r.changeSetId = m_changeSetId;
    r.operationId = item.operationId; // its intent's, written ahead
    r.message = item.message;
    if (index < m_intents.size())
        m_intents[index] = Intent::Closed;
    if (item.state == State::Applied)
        r.outcome = AuditOutcome::Applied;
    else if (item.mayHaveLanded)
        r.outcome = AuditOutcome::AnswerLost;
    QString error;
    if (!m_log->append(r, &error))
        qWarning("change set %s: the audit record of %s could not be written: %s",
                 qPrintable(m_changeSetId), qPrintable(item.planned.entry.connectorId),
                 qPrintable(error));
}

void ChangeSetRun::recordChangeSet()
{
    if (!m_log)
        return;
    QStringList profiles;
    for (const Item& item : std::as_const(m_items)) {
        if (!profiles.contains(item.planned.entry.profile))
            profiles.append(item.planned.entry.profile);
    }
    for (const QString& profile : std::as_const(profiles)) {
        AuditRecord r;
        r.tool = m_tool;
        r.profile = profile;
        r.action = AuditAction::ChangeSet;
        r.changeSetId = m_changeSetId;
        QJsonObject states;
        int total = 0;
        bool allApplied = true;
        for (const Item& item : std::as_const(m_items)) {
            if (item.planned.entry.profile != profile)
                continue;
            r.vendor = item.planned.vendor;
            ++total;
            allApplied = allApplied && item.state == State::Applied;
            const QString id = stateId(item.state);
            states.insert(id, states.value(id).toInt() + 1);
        }
        r.outcome = allApplied ? AuditOutcome::Applied : AuditOutcome::Failed;
        QStringList parts;
        for (auto it = states.constBegin(); it != states.constEnd(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.value().toInt()).arg(it.key());
        r.message = tr("change set of %n connector(s): %1", nullptr, total)
                        .arg(parts.join(QStringLiteral(", ")));
        QJsonObject summary{{QStringLiteral("user"), userName()},
                            {QStringLiteral("host"), QSysInfo::machineHostName()},
                            {QStringLiteral("counts"), states},
                            {QStringLiteral("connectors"), total}};
        if (!m_retryOf.isEmpty())
            summary.insert(QStringLiteral("retryOf"), m_retryOf);
        r.diff = summary;
        QString error;
        if (!m_log->append(r, &error))
            qWarning("change set %s: its record could not be written: %s",
                     qPrintable(m_changeSetId), qPrintable(error));
    }
}

} // namespace ca
