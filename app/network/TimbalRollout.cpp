#include "TimbalRollout.h"

#include "NetworkLog.h"
#include "Semver.h"
#include "ServiceJobs.h"
#include "TimbalDispatchRecords.h"
#include "TimbalService.h"
#include "TimbalUpdateRun.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileSystemWatcher>

#include <algorithm>

namespace ca {

namespace {

using State = RolloutItem::State;
using Status = Rollout::Status;
using RowState = TimbalUpdateRun::RowState;

QString bare(const QString& v)
{
    return TimbalDispatchRecords::bare(v);
}

QString lockDirectory(const QString& dataDirectory)
{
    return dataDirectory + QStringLiteral("/locks");
}

} // namespace

std::optional<Rollout> TimbalRollout::plan(TimbalService* service,
                                           const QList<Connector>& connectors,
                                           const RolloutOptions& options, AuditLog* audit,
                                           AuditTool tool, QString* error)
{
    // The same plan a plain update makes (target check, offline, in flight, a recent dispatch not
    // reported yet), so both skip for the same reasons.
    TimbalUpdateRun preview(service, connectors);
    preview.setTargetVersion(options.target);
    preview.setAuditLog(audit, tool);
    preview.preview();
    if (!preview.planError().isEmpty()) {
        *error = preview.planError();
        return std::nullopt;
    }
    Rollout r;
    r.id = Rollout::newId();
    r.profile = service ? service->profile().name : QString();
    r.created = QDateTime::currentDateTimeUtc();
    r.tool = tool;
    r.options = options;
    r.options.target = preview.resolvedTarget();
    QStringList eligible;
    for (const TimbalUpdateRun::Row& row : preview.rows()) {
        RolloutItem it;
        it.id = row.connector.id;
        it.name = row.connector.displayName;
        it.fromVersion = bare(row.connector.version);
        it.reported = it.fromVersion;
        const QString target = r.options.target;
        if (row.state == RowState::Skipped) {
            it.state = State::Skipped;
            it.message = row.skipReason;
        } else if (it.fromVersion.isEmpty()) {
            it.state = State::Skipped;
            it.message = QCoreApplication::translate(
                "ca::TimbalRollout", "has never reported a version: nothing to roll back to");
        } else if (!target.isEmpty() && Semver::compare(it.fromVersion, target).value_or(-1) > 0) {
            it.state = State::Skipped;
            it.message =
                QCoreApplication::translate("ca::TimbalRollout", "on %1, newer than the target %2")
                    .arg(it.fromVersion, target);
        } else {
            eligible << it.id;
        }
        r.items.append(it);
    }
    if (eligible.isEmpty()) {
        *error = QCoreApplication::translate("ca::TimbalRollout",
                                             "nothing to roll out: every connector is skipped");
        return std::nullopt;
    }
    const auto waves = Rollout::assignWaves(eligible, options, error, &r.waveCount);
    if (!waves)
        return std::nullopt;
    int k = 0;
    for (RolloutItem& it : r.items) {
        if (it.state != State::Skipped)
            it.wave = waves->at(k++);
    }
    return r;
}

TimbalRollout::TimbalRollout(TimbalService* service, AuditLog* audit, AuditTool tool,
                             const QString& dataDirectory, QObject* parent)
    : QObject(parent), m_service(service), m_audit(audit), m_tool(tool), m_dataDir(dataDirectory),
      m_store(dataDirectory, service ? service->profile().name : QString())
{
    m_tick.setSingleShot(false);
    connect(&m_tick, &QTimer::timeout, this, &TimbalRollout::tick);
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(200);
    connect(&m_saveTimer, &QTimer::timeout, this, &TimbalRollout::saveNow);
}

TimbalRollout::~TimbalRollout()
{
    delete m_run.data(); // its intents get their outcomes first
    if (isDriving())
        saveNow();
}

QString TimbalRollout::driverOf(const Profile& profile, const QString& dataDirectory)
{
    RunLock lock(lockDirectory(dataDirectory),
                 TimbalUpdateRun::rolloutLockKey(profile.effectiveBaseUrl(), profile.orgId));
    QString holder;
    if (lock.tryLock(&holder)) {
        lock.unlock();
        return {};
    }
    return holder;
}

std::unique_ptr<RunLock> TimbalRollout::makeLock() const
{
    return std::make_unique<RunLock>(
        lockDirectory(m_dataDir),
        TimbalUpdateRun::rolloutLockKey(m_service->profile().effectiveBaseUrl(),
                                        m_service->profile().orgId));
}

bool TimbalRollout::start(const Rollout& planned, QString* error, bool* conflict)
{
    if (!m_service) {
        *error = tr("no connection to Timbal");
        return false;
    }
    m_lock = makeLock();
    QString holder;
    bool unavailable = false;
    if (!m_lock->tryLock(&holder, &unavailable)) {
        m_lock.reset();
        if (conflict)
            *conflict = !unavailable;
        *error = unavailable ? tr("the rollout lock could not be taken: %1").arg(holder)
                             : tr("another rollout or update run is active on this profile "
                                  "(%1)")
                                   .arg(holder);
        return false;
    }
    QString why;
    if (const auto active = m_store.active(&why)) {
        m_lock.reset();
        if (conflict)
            *conflict = true;
        *error = tr("rollout %1 is still active on this profile (%2); resume or abort it first")
                     .arg(active->id, active->stateText());
        return false;
    }
    m_rollout = planned;
    m_rollout.profile = m_service->profile().name;
    m_rollout.tool = m_tool;
    m_rollout.status = Status::Running;
    m_rollout.currentWave = 0;
    logEvent(QStringLiteral("started"),
             tr("%1 of %2 connectors to %3 in %4 wave(s); halts at %5")
                 .arg(m_rollout.allCounts().total)
                 .arg(m_rollout.items.size())
                 .arg(m_rollout.options.target.isEmpty() ? tr("latest (chosen by Timbal)")
                                                         : m_rollout.options.target)
                 .arg(m_rollout.waveCount)
                 .arg(m_rollout.options.thresholdText()));
    if (!m_store.save(m_rollout, &why)) {
        m_lock.reset();
        *error = tr("the rollout could not be saved, so nothing was sent: %1").arg(why);
        return false;
    }
    // The start record is durable before the first wave leaves (its POSTs have their own intents).
    if (m_audit) {
        const AuditRecord rec =
            eventRecord(QStringLiteral("started"), m_rollout.events.constLast().text,
                        {{QStringLiteral("options"), m_rollout.options.toJson()}});
        m_audit->appendDurably(rec, this, [this](bool ok, const QString& why) {
            if (!ok) {
                m_rollout.status = Status::Aborted;
                logEvent(QStringLiteral("abort"),
                         tr("the audit record of the start could not be written, so nothing was "
                            "sent: %1")
                             .arg(why));
                saveNow();
                emit warning(m_rollout.events.constLast().text);
                emitSettled();
                return;
            }
            beginDriving();
        });
        return true;
    }
    beginDriving();
    return true;
}

bool TimbalRollout::attach(QString* error, bool* conflict, bool* none)
{
    if (!m_service) {
        *error = tr("no connection to Timbal");
        return false;
    }
    QString why;
    const auto active = m_store.active(&why);
    if (!active) {
        if (none)
            *none = true;
        *error = why.isEmpty()
                     ? tr("no active rollout on profile %1").arg(m_service->profile().name)
                     : why;
        return false;
    }
    m_lock = makeLock();
    QString holder;
    if (!m_lock->tryLock(&holder)) {
        m_lock.reset();
        if (conflict)
            *conflict = true;
        *error = tr("rollout %1 is driven by %2").arg(active->id, holder);
        return false;
    }
    m_rollout = *active;
    reconcileWithRecords();
    reindex();
    saveNow();
    return true;
}

void TimbalRollout::drive()
{
    if (isDriving() && !m_driving)
        beginDriving();
}

void TimbalRollout::detach()
{
    stopRun();
    m_tick.stop();
    m_driving = false;
    if (isDriving())
        saveNow();
    m_lock.reset();
}

void TimbalRollout::beginDriving()
{
    m_driving = true;
    reindex();
    if (!m_requestWatcher) {
        QDir().mkpath(m_store.requestDirectory());
        m_requestWatcher = new QFileSystemWatcher({m_store.requestDirectory()}, this);
        connect(m_requestWatcher, &QFileSystemWatcher::directoryChanged, this,
                &TimbalRollout::takeRequests);
    }
    m_tick.start(int(qMin<qint64>(m_rollout.options.pollIntervalMs, 60000)));
    takeRequests();
    advance();
    saveNow();
    emitChanged();
    if (!m_rollout.isSending() && m_rollout.status != Status::BetweenWaves && !m_rollbackPending)
        emitSettled();
    // The first report check at once: a resumed rollout may have reports waiting.
    if (wantsPolling())
        poll();
}

void TimbalRollout::reindex()
{
    m_index.clear();
    for (int i = 0; i < m_rollout.items.size(); ++i)
        m_index.insert(m_rollout.items.at(i).id, i);
}

int TimbalRollout::indexOf(const QString& id) const
{
    return m_index.value(id, -1);
}

void TimbalRollout::tick()
{
    takeRequests();
    if (m_rollout.status == Status::BetweenWaves &&
        QDateTime::currentDateTimeUtc() >= m_rollout.nextWaveAt) {
        m_rollout.currentWave = qMin(m_rollout.currentWave + 1, m_rollout.waveCount - 1);
        setStatus(Status::Running);
        note(QStringLiteral("wave"),
             tr("%1 started after the pause").arg(m_rollout.waveName(m_rollout.currentWave)));
    }
    advance();
    if (m_rollbackPending)
        rollbackWhenQuiet(); // again after a failed list: until the fleet can be read
    else if (wantsPolling())
        poll();
}

void TimbalRollout::takeRequests()
{
    if (!isDriving())
        return;
    for (const RolloutStore::Request& r : m_store.takeRequests()) {
        if (!r.rolloutId.isEmpty() && r.rolloutId != m_rollout.id)
            continue; // for a rollout that is over
        apply(r.action, r.by);
    }
}

bool TimbalRollout::wantsPolling() const
{
    if (!m_rollout.isActive() || m_polling)
        return false;
    for (const RolloutItem& it : m_rollout.items) {
        // Succeeded ones too: a connector that goes back to its old version fails.
        if (it.state == State::Dispatched || it.state == State::Succeeded)
            return true;
    }
    return false;
}

void TimbalRollout::poll()
{
    if (!m_service || m_polling)
        return;
    m_polling = true;
    ConnectorListJob* job = m_service->list();
    connect(job, &ConnectorListJob::finished, this, [this](const ConnectorListResult& result) {
        m_polling = false;
        if (!result.ok()) {
            emit warning(
                tr("the fleet could not be read for the reports: %1").arg(result.error.message));
            return;
        }
        onListed(result.connectors);
    });
}

void TimbalRollout::onListed(const QList<Connector>& connectors)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    bool any = false;
    for (const Connector& c : connectors) {
        const int i = indexOf(c.id);
        if (i < 0)
            continue;
        RolloutItem& it = m_rollout.items[i];
        const QString reported = bare(c.version);
        if (it.reported != reported) {
            it.reported = reported;
            any = true;
        }
        const QString target = m_rollout.targetOf(it);
        const bool offline =
            c.connected.has_value() && !*c.connected && c.online.has_value() && !*c.online;
        if (it.state == State::Dispatched) {
            if (!reported.isEmpty() &&
                TimbalDispatchRecords::reportsUpdate(it.fromVersion, target, reported) &&
                (target.isEmpty() || reported == target)) {
                finishItem(i, State::Succeeded, tr("reports %1").arg(reported));
            } else if (!reported.isEmpty() && reported != it.fromVersion && reported != target) {
                finishItem(i, State::Failed,
                           tr("reports %1, neither its old version %2 nor the target %3")
                               .arg(reported, it.fromVersion, target));
            } else if (it.dispatchedAt.msecsTo(now) > m_rollout.options.reportTimeoutMs) {
                QString why =
                    (offline ? tr("went offline and did not report %1 within %2")
                             : tr("did not report %1 within %2"))
                        .arg(target.isEmpty() ? tr("the new version") : target,
                             RolloutOptions::durationText(m_rollout.options.reportTimeoutMs));
                if (it.uncertain)
                    why += tr("; its POST may never have left (the app stopped after recording "
                              "it), so it does not count against the threshold: Retry failed "
                              "sends it");
                finishItem(i, State::Failed, why);
                if (it.uncertain)
                    it.epoch = -1;
            }
        } else if (it.state == State::Succeeded && reported == it.fromVersion &&
                   it.fromVersion != target) {
            finishItem(i, State::Failed,
                       tr("went back to %1 after reporting %2").arg(it.fromVersion, target));
        }
    }
    if (any)
        scheduleSave();
    if (m_rollbackPending) {
        m_listedSinceAbort = true;
        rollbackWhenQuiet();
        return;
    }
    checkThreshold();
    advance();
    emitChanged();
}

void TimbalRollout::finishItem(int item, State state, const QString& message)
{
    RolloutItem& it = m_rollout.items[item];
    it.state = state;
    it.message = message;
    it.epoch = m_rollout.epoch;
    scheduleSave();
}

bool TimbalRollout::checkThreshold(bool waveDone)
{
    if (m_rollout.status != Status::Running && m_rollout.status != Status::BetweenWaves &&
        m_rollout.status != Status::AwaitingApproval)
        return false;
    const QString crossed = m_rollout.thresholdCrossed(waveDone);
    if (crossed.isEmpty())
        return false;
    m_rollout.haltReason = crossed;
    setStatus(Status::NeedsAttention);
    stopRun(); // after the status: the rows it cancels go back to waiting
    if (!m_run)
        emitSettled(); // else when its POSTs in flight answered (onRunFinished)
    const Rollout::Tally t = m_rollout.tally();
    note(QStringLiteral("halt"),
         tr("halted in %1: %2; nothing more is sent")
             .arg(m_rollout.waveName(m_rollout.currentWave), crossed),
         {}, // the threshold's facts, for whoever reads the log
         {{QStringLiteral("threshold"), m_rollout.options.thresholdText()},
          {QStringLiteral("epochFinished"), t.finished},
          {QStringLiteral("epochFailed"), t.failed}});
    saveNow();
    return true;
}

void TimbalRollout::advance()
{
    if (!isDriving() || m_rollout.status != Status::Running || m_run)
        return;
    // Anything of the waves so far still to send? (a new wave, a resume, a retry)
    for (const RolloutItem& it : std::as_const(m_rollout.items)) {
        if (it.state == State::Waiting && it.wave >= 0 && it.wave <= m_rollout.currentWave) {
            sendWave();
            return;
        }
    }
    if (!m_rollout.isCurrentWaveDone())
        return; // waiting for reports
    if (checkThreshold(true))
        return; // a wave that ended over the limit, however few finished
    const QString finishedWave = m_rollout.waveName(m_rollout.currentWave);
    const int unsure = int(
        std::count_if(m_rollout.items.cbegin(), m_rollout.items.cend(), [](const RolloutItem& it) {
            return it.state == State::Failed && it.uncertain;
        }));
    if (m_rollout.isLastWave() && unsure > 0) {
        // Not "completed": these may simply never have been sent. The user decides.
        m_rollout.haltReason =
            tr("%1 connector(s) never reported and may never have been sent (the app stopped "
               "after recording them): Retry failed sends them, Abort ends the rollout")
                .arg(unsure);
        setStatus(Status::NeedsAttention);
        note(QStringLiteral("halt"), m_rollout.haltReason);
        saveNow();
        emitSettled();
        return;
    }
    if (m_rollout.isLastWave()) {
        setStatus(Status::Completed);
        const Rollout::WaveCounts a = m_rollout.allCounts();
        note(QStringLiteral("completed"), tr("completed: %1 of %2 updated, %3 failed")
                                              .arg(a.succeeded)
                                              .arg(a.total)
                                              .arg(a.failed));
        saveNow();
        emitSettled();
        return;
    }
    if (m_rollout.options.approveEach) {
        setStatus(Status::AwaitingApproval);
        logEvent(QStringLiteral("wave-done"),
                 tr("%1 finished; the next wave waits for Continue").arg(finishedWave));
        saveNow();
        emitSettled();
        return;
    }
    if (m_rollout.options.pauseBetweenMs > 0) {
        m_rollout.nextWaveAt =
            QDateTime::currentDateTimeUtc().addMSecs(m_rollout.options.pauseBetweenMs);
        setStatus(Status::BetweenWaves);
        logEvent(
            QStringLiteral("wave-done"),
            tr("%1 finished; the next wave starts in %2")
                .arg(finishedWave, RolloutOptions::durationText(m_rollout.options.pauseBetweenMs)));
        saveNow();
        return;
    }
    ++m_rollout.currentWave;
    note(QStringLiteral("wave"), tr("%1 started").arg(m_rollout.waveName(m_rollout.currentWave)));
    saveNow();
    advance();
}

void TimbalRollout::sendWave()
{
    // One run per target and force (a rollback has one target per earlier version).
    QString target;
    bool force = false;
    bool first = true;
    QList<Connector> connectors;
    m_runItems.clear();
    QDateTime since = m_rollout.created;
    for (int i = 0; i < m_rollout.items.size(); ++i) {
        const RolloutItem& it = m_rollout.items.at(i);
        if (it.state != State::Waiting || it.wave < 0 || it.wave > m_rollout.currentWave)
            continue;
        if (first) {
            target = m_rollout.targetOf(it);
            force = it.force;
            first = false;
        } else if (m_rollout.targetOf(it) != target || it.force != force) {
            continue;
        }
        if (it.notBefore.isValid() && it.notBefore > since)
            since = it.notBefore;
        Connector c;
        c.profileName = m_rollout.profile;
        c.vendor = Vendor::Timbal;
        c.id = it.id;
        c.displayName = it.name;
        c.version = it.reported.isEmpty() ? it.fromVersion : it.reported;
        connectors << c;
        m_runItems << i;
    }
    if (connectors.isEmpty())
        return;
    auto* run = new TimbalUpdateRun(m_service, connectors, this);
    run->setTargetVersion(target);
    run->setConcurrency(m_rollout.options.parallel);
    run->setPollingEnabled(false);
    run->setAuditLog(m_audit, m_tool);
    run->setRolloutLockHeld(true);
    run->setRecordGroup(m_rollout.id);
    run->setMaxIntentsAhead(qMax(16, 2 * m_rollout.options.parallel));
    run->setForce(force);
    // Every dispatch of this rollout (since it began) keeps a connector from a second POST.
    run->setDispatchWindowMs(since.msecsTo(QDateTime::currentDateTimeUtc()) +
                             2 * AuditLog::kOrderSlackMs);
    m_run = run;
    connect(run, &TimbalUpdateRun::rowChanged, this, &TimbalRollout::onRunRow);
    connect(run, &TimbalUpdateRun::finished, this, &TimbalRollout::onRunFinished);
    run->start();
    emitChanged();
}

void TimbalRollout::onRunRow(int runRow)
{
    auto* run = qobject_cast<TimbalUpdateRun*>(sender());
    if (!run || run != m_run || runRow >= m_runItems.size())
        return;
    const TimbalUpdateRun::Row& row = run->rows().at(runRow);
    const int i = m_runItems.at(runRow);
    RolloutItem& it = m_rollout.items[i];
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (row.state) {
    case RowState::Pending:
        return;
    case RowState::Dispatching:
        it.state = State::Sending;
        break;
    case RowState::Dispatched:
    case RowState::Polling:
    case RowState::Updated:
        if (it.state != State::Dispatched)
            it.dispatchedAt = now; // its time-out runs from the 202
        it.state = State::Dispatched;
        it.message = row.message;
        it.force = false;
        if (!row.toVersion.isEmpty() && m_rollout.targetOf(it).isEmpty()) {
            m_rollout.pinnedTarget = row.toVersion;
            logEvent(QStringLiteral("pinned"),
                     tr("Timbal chose %1 as the latest release: every wave updates to %1")
                         .arg(row.toVersion));
        } else if (!row.toVersion.isEmpty() && row.toVersion != m_rollout.targetOf(it)) {
            it.target = row.toVersion; // the server's latest moved on meanwhile
        }
        break;
    case RowState::AlreadyCurrent:
        it.dispatchedAt = now;
        finishItem(i, State::Succeeded, row.message);
        break;
    case RowState::Failed:
    case RowState::TimedOut:
        if (row.mayHaveBeenDispatched) {
            it.state = State::Dispatched; // the answer was lost: its report decides
            it.dispatchedAt = now;
            it.message = row.message;
        } else {
            finishItem(i, State::Failed, row.message);
        }
        break;
    case RowState::Skipped:
        if (!m_rollout.targetOf(it).isEmpty() &&
            bare(row.connector.version) == m_rollout.targetOf(it)) {
            it.dispatchedAt = now;
            finishItem(i, State::Succeeded, row.skipReason);
        } else {
            // A recent dispatch to the same target not reported yet (this rollout's, found by the
            // run's own check, or another tool's), or one in flight in another run: watched, not
            // sent again.
            it.state = State::Dispatched;
            it.dispatchedAt = now;
            it.message = row.skipReason;
        }
        break;
    case RowState::Cancelled:
        it.state = m_rollout.status == Status::Aborted ? State::Skipped : State::Waiting;
        it.message = m_rollout.status == Status::Aborted ? tr("not sent: the rollout was aborted")
                                                         : QString();
        break;
    }
    scheduleSave();
    checkThreshold();
    emitChanged();
}

void TimbalRollout::onRunFinished()
{
    auto* run = qobject_cast<TimbalUpdateRun*>(sender());
    if (!run || run != m_run)
        return;
    if (run->unrecordedCount() > 0) {
        // The audit log cannot be written: nothing more may be sent.
        m_rollout.haltReason = run->unrecordedSummary();
        setStatus(Status::NeedsAttention);
        logEvent(QStringLiteral("halt"), m_rollout.haltReason);
    }
    m_run = nullptr;
    m_runItems.clear();
    run->deleteLater();
    saveNow();
    if (m_rollbackPending) {
        m_listedSinceAbort = false; // read the fleet after the last answers
        rollbackWhenQuiet();
        return;
    }
    advance();
    if (!m_rollout.isSending() && m_rollout.status != Status::BetweenWaves)
        emitSettled();
    emitChanged();
}

void TimbalRollout::stopRun()
{
    if (m_run)
        m_run->cancelRemaining();
}

} // namespace ca
