// TimbalRollout's records: the rollout's file, its event log and audit records, and what the
// audit log says was sent before a restart.
#include "TimbalRollout.h"

#include "NetworkLog.h"
#include "TimbalDispatchRecords.h"

namespace ca {

using State = RolloutItem::State;
using Status = Rollout::Status;

namespace {

// A dispatch record counts for an item when it is this rollout's (made since the item could be
// sent) and for the item's target (or of unknown target: a lost answer, an unfinished intent).
bool recordCovers(const TimbalDispatchRecords::Dispatch& d, const QDateTime& since,
                  const QString& target)
{
    if (d.time < since.addMSecs(-AuditLog::kOrderSlackMs))
        return false;
    return d.target.isEmpty() || target.isEmpty() || d.target == target;
}

} // namespace

void TimbalRollout::reconcileWithRecords()
{
    if (!m_audit)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const qint64 window = m_rollout.created.msecsTo(now) + 2 * AuditLog::kOrderSlackMs;
    const TimbalDispatchRecords records =
        TimbalDispatchRecords::read(*m_audit, m_rollout.profile, window, now);
    for (RolloutItem& it : m_rollout.items) {
        if (it.state != State::Waiting && it.state != State::Sending)
            continue;
        const auto d = records.latestFor(it.id);
        const QDateTime since = it.notBefore.isValid() ? it.notBefore : m_rollout.created;
        if (d && recordCovers(*d, since, m_rollout.targetOf(it))) {
            it.state = State::Dispatched;
            it.dispatchedAt = d->time;
            // An intent without outcome may be one written ahead of a POST that never left.
            it.uncertain = d->unfinished || d->answerLost;
            it.message = tr("sent before the restart (the audit log has it): watching for its "
                            "report, not sending again");
        } else if (it.state == State::Sending) {
            it.state = State::Waiting; // its intent never became durable: it was not sent
        }
    }
}

// --- the loop ---

void TimbalRollout::setStatus(Status status)
{
    m_rollout.status = status;
    if (status != Status::BetweenWaves)
        m_rollout.nextWaveAt = {};
    emitChanged();
}

void TimbalRollout::logEvent(const QString& kind, const QString& text, const QString& by)
{
    m_rollout.addEvent(kind, by.isEmpty() ? text : tr("%1 (asked by %2)").arg(text, by));
    qCInfo(lcServiceTimbal).noquote() << "rollout" << m_rollout.id << kind << text;
}

AuditRecord TimbalRollout::eventRecord(const QString& kind, const QString& text,
                                       const QJsonObject& facts) const
{
    AuditRecord rec;
    rec.tool = m_tool;
    rec.profile = m_rollout.profile;
    rec.vendor = Vendor::Timbal;
    rec.action = AuditAction::Rollout;
    rec.outcome = AuditOutcome::Recorded;
    rec.changeSetId = m_rollout.id;
    rec.message = text;
    const Rollout::WaveCounts a = m_rollout.allCounts();
    rec.after = QJsonObject{{QStringLiteral("event"), kind},
                            {QStringLiteral("kind"), m_rollout.kind},
                            {QStringLiteral("status"), Rollout::statusId(m_rollout.status)},
                            {QStringLiteral("wave"), m_rollout.currentWave},
                            {QStringLiteral("succeeded"), a.succeeded},
                            {QStringLiteral("failed"), a.failed},
                            {QStringLiteral("total"), a.total}};
    if (!m_rollout.parentId.isEmpty())
        rec.after.insert(QStringLiteral("parentId"), m_rollout.parentId);
    for (auto it = facts.begin(); it != facts.end(); ++it)
        rec.after.insert(it.key(), it.value());
    return rec;
}

void TimbalRollout::note(const QString& kind, const QString& text, const QString& by,
                         const QJsonObject& facts)
{
    logEvent(kind, text, by);
    if (!m_audit)
        return;
    QString error;
    if (!m_audit->append(eventRecord(kind, m_rollout.events.constLast().text, facts), &error))
        emit warning(tr("audit log not written: %1").arg(error));
}

void TimbalRollout::scheduleSave()
{
    if (!m_saveTimer.isActive())
        m_saveTimer.start();
}

void TimbalRollout::saveNow()
{
    m_saveTimer.stop();
    if (!isDriving())
        return;
    QString error;
    if (!m_store.save(m_rollout, &error))
        emit warning(tr("the rollout's state could not be saved: %1").arg(error));
}

void TimbalRollout::emitSettled()
{
    // Queued: whoever ends on it (connectorctl exits) sees the events and the file of this turn.
    QMetaObject::invokeMethod(this, &TimbalRollout::settled, Qt::QueuedConnection);
}

void TimbalRollout::emitChanged()
{
    if (m_changedPending)
        return;
    m_changedPending = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_changedPending = false;
            emit changed();
        },
        Qt::QueuedConnection);
}

} // namespace ca
