// TimbalRollout's actions: pause, resume, continue, retry, abort and roll back, by name from
// another process's request (act), and the rollback rollout.
#include "TimbalRollout.h"

#include "TimbalService.h"
#include "TimbalUpdateRun.h"

namespace ca {

using State = RolloutItem::State;
using Status = Rollout::Status;

TimbalRollout::ActResult TimbalRollout::act(const QString& action, const QString& by,
                                            QString* error)
{
    static const QStringList known = {QStringLiteral("pause"),    QStringLiteral("resume"),
                                      QStringLiteral("continue"), QStringLiteral("retry"),
                                      QStringLiteral("abort"),    QStringLiteral("rollback")};
    if (!known.contains(action)) {
        *error = tr("unknown rollout action \"%1\"").arg(action);
        return ActResult::Failed;
    }
    if (isDriving()) {
        apply(action, by);
        return ActResult::Applied;
    }
    bool conflict = false;
    bool none = false;
    if (attach(error, &conflict, &none)) {
        apply(action, by);
        if (m_rollout.isSending() || m_rollout.status == Status::BetweenWaves || m_rollbackPending)
            drive();
        else
            detach();
        return ActResult::Applied;
    }
    if (none)
        return ActResult::NoRollout;
    if (!conflict)
        return ActResult::Failed;
    QString why;
    const auto active = m_store.active(&why);
    if (!active)
        return ActResult::NoRollout;
    RolloutStore::Request r;
    r.action = action;
    r.rolloutId = active->id;
    r.by = by;
    r.time = QDateTime::currentDateTimeUtc();
    if (!m_store.addRequest(r, error))
        return ActResult::Failed;
    return ActResult::Requested;
}

void TimbalRollout::pause(const QString& by)
{
    if (!m_rollout.isActive() || m_rollout.status == Status::Paused)
        return;
    setStatus(Status::Paused);
    stopRun();
    note(QStringLiteral("pause"), tr("paused: nothing more is sent until Resume"), by);
    saveNow();
    if (!m_run)
        emitSettled();
}

void TimbalRollout::resume(const QString& by)
{
    const Status s = m_rollout.status;
    if (s != Status::Paused && s != Status::NeedsAttention && s != Status::AwaitingApproval)
        return;
    if (s == Status::NeedsAttention) {
        ++m_rollout.epoch; // the failures before the resume no longer count
        m_rollout.haltReason.clear();
    }
    if (s == Status::AwaitingApproval && !m_rollout.isLastWave())
        ++m_rollout.currentWave;
    setStatus(Status::Running);
    note(QStringLiteral("resume"),
         s == Status::NeedsAttention
             ? tr("resumed after the halt: only failures from now on count")
             : tr("resumed in %1").arg(m_rollout.waveName(m_rollout.currentWave)),
         by);
    saveNow();
    advance();
    emitChanged();
}

void TimbalRollout::continueWave(const QString& by)
{
    if (m_rollout.status != Status::AwaitingApproval)
        return;
    ++m_rollout.currentWave;
    setStatus(Status::Running);
    note(QStringLiteral("continue"),
         tr("%1 approved and started").arg(m_rollout.waveName(m_rollout.currentWave)), by);
    saveNow();
    advance();
    emitChanged();
}

void TimbalRollout::retryFailed(const QString& by)
{
    if (!m_rollout.isActive())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    int n = 0;
    for (RolloutItem& it : m_rollout.items) {
        if (it.state != State::Failed)
            continue;
        it.state = State::Waiting;
        it.force = true; // the user asked: sent even with its earlier dispatch unreported
        it.uncertain = false;
        it.notBefore = now;
        it.epoch = -1;
        it.message = tr("to be sent again (retry)");
        ++n;
    }
    note(QStringLiteral("retry"), tr("%1 failed connector(s) to be sent again").arg(n), by);
    if (m_rollout.status == Status::NeedsAttention || m_rollout.status == Status::Paused)
        resume(by);
    saveNow();
    advance();
    emitChanged();
}

void TimbalRollout::abort(bool rollback, const QString& by)
{
    if (!m_rollout.isActive())
        return;
    setStatus(Status::Aborted);
    stopRun();
    for (RolloutItem& it : m_rollout.items) {
        if (it.state == State::Waiting) {
            it.state = State::Skipped;
            it.message = tr("not sent: the rollout was aborted");
        }
    }
    note(QStringLiteral("abort"), tr("aborted: nothing more is sent"), by);
    saveNow();
    if (rollback) {
        m_rollbackPending = true;
        m_listedSinceAbort = false;
        m_rollbackBy = by;
        rollbackWhenQuiet();
    } else if (!m_run) {
        emitSettled();
    }
    emitChanged();
}

void TimbalRollout::rollbackWhenQuiet()
{
    // Who moved is known only once the POSTs in flight answered and the fleet was read after them.
    if (!m_rollbackPending || m_run)
        return;
    if (!m_listedSinceAbort) {
        poll();
        return;
    }
    m_rollbackPending = false;
    startRollback(m_rollbackBy);
}

bool TimbalRollout::apply(const QString& action, const QString& by)
{
    if (action == QLatin1String("pause"))
        pause(by);
    else if (action == QLatin1String("resume"))
        resume(by);
    else if (action == QLatin1String("continue"))
        continueWave(by);
    else if (action == QLatin1String("retry"))
        retryFailed(by);
    else if (action == QLatin1String("abort"))
        abort(false, by);
    else if (action == QLatin1String("rollback"))
        abort(true, by);
    else
        return false;
    return true;
}

void TimbalRollout::startRollback(const QString& by)
{
    Rollout back;
    back.id = Rollout::newId();
    back.profile = m_rollout.profile;
    back.kind = QStringLiteral("rollback");
    back.parentId = m_rollout.id;
    back.created = QDateTime::currentDateTimeUtc();
    back.tool = m_tool;
    back.options = m_rollout.options;
    back.options.target.clear();
    back.options.canaryIds.clear();
    QStringList eligible;
    for (const RolloutItem& it : std::as_const(m_rollout.items)) {
        if (!it.moved())
            continue;
        RolloutItem b;
        b.id = it.id;
        b.name = it.name;
        b.fromVersion = it.reported;
        b.reported = it.reported;
        b.target = it.fromVersion;
        back.items << b;
        eligible << b.id;
    }
    if (eligible.isEmpty()) {
        logEvent(QStringLiteral("rollback"), tr("nothing to roll back: no connector moved"), by);
        saveNow();
        if (!m_run)
            emitSettled();
        return;
    }
    QString why;
    const auto waves = Rollout::assignWaves(eligible, back.options, &why, &back.waveCount);
    for (int k = 0; waves && k < back.items.size(); ++k)
        back.items[k].wave = waves->at(k);
    m_rollout.rollbackId = back.id;
    note(QStringLiteral("rollback"),
         tr("rolling back %1 connector(s) to the versions they had, as rollout %2")
             .arg(eligible.size())
             .arg(back.id),
         by);
    saveNow();
    // The rollback is a rollout of its own, driven under the same lock.
    m_rollout = back;
    reindex();
    note(QStringLiteral("started"),
         tr("rollback of %1: %2 connector(s) in %3 wave(s); halts at %4")
             .arg(back.parentId)
             .arg(eligible.size())
             .arg(m_rollout.waveCount)
             .arg(m_rollout.options.thresholdText()),
         by);
    saveNow();
    if (!m_driving && isDriving())
        beginDriving();
    advance();
    emitChanged();
}

// --- bookkeeping ---

} // namespace ca
