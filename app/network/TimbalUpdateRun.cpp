#include "TimbalUpdateRun.h"

#include "HttpClient.h"
#include "NetworkLog.h"
#include "Semver.h"

#include "ProcessWideSet.h"

#include <QSet>
#include <QTimer>

namespace ca {

namespace {

// Connectors in flight in any run of this process (GUI dialog, several dialogs, CLI), keyed by
// base URL + org + id, so two runs never dispatch to the same connector at once.
ProcessWideSet<QString>& registry()
{
    static ProcessWideSet<QString> s;
    return s;
}

QString seconds(int ms)
{
    return QString::number(ms / 1000.0);
}

} // namespace

QString TimbalUpdateRun::stateName(RowState state)
{
    switch (state) {
    case RowState::Pending:
        return tr("Pending");
    case RowState::Dispatching:
        return tr("Dispatching");
    case RowState::AlreadyCurrent:
        return tr("Already current");
    case RowState::Dispatched:
        return tr("Dispatched");
    case RowState::Polling:
        return tr("Waiting for version");
    case RowState::Updated:
        return tr("Updated");
    case RowState::TimedOut:
        return tr("Timed out");
    case RowState::Failed:
        return tr("Failed");
    case RowState::Skipped:
        return tr("Skipped");
    case RowState::Cancelled:
        return tr("Cancelled");
    }
    return {};
}

QString TimbalUpdateRun::stateId(RowState state)
{
    static const char* const ids[kStateCount] = {
        "pending", "dispatching", "already-current", "dispatched", "polling",
        "updated", "timed-out",   "failed",          "skipped",    "cancelled"};
    return QLatin1String(ids[int(state)]);
}

bool TimbalUpdateRun::isFinal(RowState state) const
{
    switch (state) {
    case RowState::Pending:
    case RowState::Dispatching:
    case RowState::Polling:
        return false;
    case RowState::Dispatched:
        return !m_polling;
    default:
        return true;
    }
}

TimbalUpdateRun::TimbalUpdateRun(TimbalService* service, const QList<Connector>& connectors,
                                 QObject* parent)
    : QObject(parent), m_service(service), m_keyPrefix(keyPrefix(service)),
      m_profileName(service ? service->profile().name : QString())
{
    qRegisterMetaType<ca::TimbalUpdateRun::Counts>();
    for (const Connector& c : connectors) {
        Row row;
        row.connector = c;
        row.fromVersion = c.version;
        m_rows.append(row);
        m_dispatchClock.append(QElapsedTimer());
        m_intents.append(Intent::None);
    }
    m_counts.total = int(m_rows.size());
    m_counts.byState[size_t(RowState::Pending)] = m_counts.total;
    if (service)
        connect(service, &QObject::destroyed, this, &TimbalUpdateRun::onServiceGone);
}

TimbalUpdateRun::~TimbalUpdateRun()
{
    // Closed mid-run (the dialog, the process ending): every intent still gets its outcome.
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).state == RowState::Pending) {
            closeUnsent(i, tr("not sent: the update run was closed"));
        } else if (m_rows.at(i).state == RowState::Dispatching) {
            m_rows[i].message = tr("the update run was closed while the update was being sent: "
                                   "it may have gone out");
            audit(i, AuditOutcome::AnswerLost);
        }
    }
    for (const QString& key : std::as_const(m_registered))
        registry().remove(key);
}

void TimbalUpdateRun::setTargetVersion(const QString& version)
{
    m_requestedTarget = version.trimmed();
}

void TimbalUpdateRun::setConcurrency(int n)
{
    m_concurrency = qBound(1, n, 64);
}

void TimbalUpdateRun::setAuditLog(AuditLog* log, AuditTool tool)
{
    m_audit = log;
    m_tool = tool;
}

QString TimbalUpdateRun::registryKey(const QString& id) const
{
    return m_keyPrefix + id;
}

QString TimbalUpdateRun::keyPrefix(const TimbalService* service)
{
    return service ? service->profile().effectiveBaseUrl().toString() + QLatin1Char('|') +
                         service->profile().orgId + QLatin1Char('|')
                   : QString();
}

bool TimbalUpdateRun::isInFlightAnywhere(const TimbalService* service, const QString& id)
{
    return registry().contains(keyPrefix(service) + id);
}

int TimbalUpdateRun::plannedCount() const
{
    int n = 0;
    for (const Row& r : m_rows)
        n += r.state != RowState::Skipped && r.state != RowState::Cancelled;
    return n;
}

QString TimbalUpdateRun::fleetNewestVersion() const
{
    QString newest = Semver::normalized(m_fleetNewest);
    for (const Row& r : m_rows) {
        const QString v = Semver::normalized(r.connector.version);
        if (v.isEmpty())
            continue;
        if (newest.isEmpty() || Semver::compare(v, newest).value_or(0) > 0)
            newest = v;
    }
    return newest;
}

void TimbalUpdateRun::readDispatchRecords()
{
    if (m_audit && m_service)
        m_dispatches = TimbalDispatchRecords::read(*m_audit, m_service->profile().name, m_windowMs);
}

void TimbalUpdateRun::preview()
{
    if (m_started)
        return;
    if (!m_dispatches)
        readDispatchRecords();
    plan();
}

void TimbalUpdateRun::plan()
{
    m_planError.clear();
    m_planWarning.clear();
    QString target;
    if (!m_requestedTarget.isEmpty() &&
        m_requestedTarget.compare(QLatin1String("latest"), Qt::CaseInsensitive) != 0) {
        QString why;
        const auto v = Semver::parse(m_requestedTarget, &why);
        if (!v)
            m_planError = why;
        else
            target = v->toString();
    } else {
        // verified: no release list; the server picks "latest" when it gets each POST.
        m_planWarning = tr("Timbal chooses the latest release when it receives each update.");
        const QString newest = fleetNewestVersion();
        if (!newest.isEmpty())
            m_planWarning += QLatin1Char(' ') +
                             tr("%1 is the newest version in this fleet (Timbal's latest may be "
                                "newer).")
                                 .arg(newest);
    }
    m_resolvedTarget = m_planError.isEmpty() ? target : QString();

    QSet<QString> seen;
    m_counts = Counts{};
    m_counts.total = int(m_rows.size());
    for (Row& row : m_rows) {
        const Connector& c = row.connector;
        row.toVersion = m_resolvedTarget;
        row.message.clear();
        row.skipReason.clear();
        const bool offline =
            c.connected.has_value() && !*c.connected && c.online.has_value() && !*c.online;
        if (seen.contains(c.id))
            row.skipReason = tr("listed twice: it is updated once");
        else if (!m_planError.isEmpty())
            row.skipReason = m_planError;
        else if (offline)
            row.skipReason = tr("offline: not connected and no live connection to Timbal");
        else if (m_service && isInFlightAnywhere(m_service, c.id))
            row.skipReason = tr("already being updated by another run");
        else if (!target.isEmpty() && Semver::normalized(c.version) == target)
            row.skipReason = tr("already on %1").arg(target);
        else if (!m_force && m_dispatches)
            row.skipReason = m_dispatches->waitReason(c, target);
        seen.insert(c.id);
        row.state = row.skipReason.isEmpty() ? RowState::Pending : RowState::Skipped;
        row.message = row.skipReason;
        m_counts.byState[size_t(row.state)]++;
        m_counts.finished += isFinal(row.state);
    }
    m_previewed = true;
    for (int i = 0; i < m_rows.size(); ++i)
        emit rowChanged(i);
    emit countsChanged(m_counts);
    emit previewReady();
    if (m_startWhenPreviewed) {
        m_startWhenPreviewed = false;
        start();
    }
}

void TimbalUpdateRun::skipUnreported()
{
    // The plan may be minutes old: another window or connectorctl may have dispatched since.
    if (m_force || !m_audit)
        return;
    readDispatchRecords();
    if (!m_dispatches)
        return;
    for (int i = 0; i < m_rows.size(); ++i) {
        Row& r = m_rows[i];
        if (r.state != RowState::Pending)
            continue;
        const QString why = m_dispatches->waitReason(r.connector, m_resolvedTarget);
        if (!why.isEmpty()) {
            r.skipReason = why;
            setState(i, RowState::Skipped, why);
        }
    }
}

void TimbalUpdateRun::start()
{
    if (m_started)
        return;
    if (!m_previewed) {
        m_startWhenPreviewed = true;
        preview();
        return;
    }
    skipUnreported();
    takeRolloutLock();
    m_ahead = intentsAhead();
    m_started = true;
    qCInfo(lcServiceTimbal).noquote()
        << "update run:" << plannedCount() << "of" << m_rows.size() << "connectors to"
        << (m_resolvedTarget.isEmpty() ? QStringLiteral("latest") : m_resolvedTarget)
        << "concurrency" << m_concurrency;
    pump();
    // Even a run with nothing to send reports finished, after the caller's connects.
    QTimer::singleShot(0, this, &TimbalUpdateRun::checkFinished);
}

void TimbalUpdateRun::setState(int row, RowState state, const QString& message)
{
    Row& r = m_rows[row];
    if (!message.isEmpty())
        r.message = message;
    if (r.state != state) {
        m_counts.byState[size_t(r.state)]--;
        m_counts.finished -= isFinal(r.state);
        r.state = state;
        m_counts.byState[size_t(state)]++;
        m_counts.finished += isFinal(state);
    }
    emit rowChanged(row);
    emit countsChanged(m_counts);
}

void TimbalUpdateRun::pump()
{
    writeIntentsAhead();
    while (m_started && m_inFlight < m_concurrency && m_next < m_rows.size()) {
        const int row = m_next;
        if (m_rows.at(row).state == RowState::Pending) {
            // No POST before its intent is durable: onIntentsWritten() pumps again.
            if (m_audit && m_intents.at(row) != Intent::Durable) {
                m_waitedForIntent = m_waitedForIntent || m_anyIntentDurable;
                return;
            }
            dispatch(row);
        }
        ++m_next;
        writeIntentsAhead();
    }
}

TimbalService* TimbalUpdateRun::serviceForNextPost()
{
    // Up to Qt's connections per host, the first service's client carries every POST.
    if (m_concurrency <= HttpClient::kQtConnectionsPerHost)
        return m_service;
    // Above that, one client with its own connection pool, as wide as the concurrency.
    if (!m_wideService) {
        auto* http = new HttpClient(this);
        http->setMaxConnectionsPerHost(m_concurrency);
        m_wideService = new TimbalService(m_service->profile(), http, this);
        m_wideService->setHttpOptions(m_service->httpOptions());
    }
    return m_wideService;
}

void TimbalUpdateRun::dispatch(int row)
{
    Row& r = m_rows[row];
    const QString key = registryKey(r.connector.id);
    if (!registry().insert(key)) {
        r.skipReason = tr("already being updated by another run");
        closeUnsent(row, tr("not sent: %1").arg(r.skipReason));
        setState(row, RowState::Skipped, r.skipReason);
        return;
    }
    m_registered.insert(key);
    if (!m_service) {
        closeUnsent(row, tr("not sent: the Timbal profile was closed"));
        setState(row, RowState::Failed, tr("the Timbal profile was closed"));
        release(row);
        return;
    }
    TimbalService* service = serviceForNextPost();
    ++m_inFlight;
    setState(row, RowState::Dispatching,
             tr("sending update to %1…").arg(r.toVersion.isEmpty() ? tr("latest") : r.toVersion));
    TimbalSoftwareUpdateJob* job = service->triggerSoftwareUpdate(r.connector.id, r.toVersion);
    connect(job, &TimbalSoftwareUpdateJob::finished, this,
            [this, row](const SoftwareUpdateResult& result) {
                if (m_rows.at(row).state != RowState::Dispatching)
                    return; // already ended by onServiceGone()
                --m_inFlight;
                onUpdateResult(row, result);
                pump();
                checkFinished();
            });
}

QString TimbalUpdateRun::failureMessage(const SoftwareUpdateResult& result,
                                        const QString& target) const
{
    const ApiError& e = result.error;
    if (e.webPage) // a firewall or proxy answered: its status says nothing about Timbal's rules
        return tr("the server answered with a web page instead of JSON (status %1)")
            .arg(e.httpStatus);
    const QString server =
        e.serverMessage.isEmpty() ? QString() : tr(" (server: %1)").arg(e.serverMessage);
    using Refusal = TimbalService::Refusal;
    switch (TimbalService::refusalOf(e, target)) {
    case Refusal::ReleaseNotFound:
        return tr("release %1 not found at Timbal").arg(target) + server;
    case Refusal::ConnectorNotFound:
        return tr("connector not found") + server;
    case Refusal::Offline:
        return tr("offline: Timbal could not reach the connector") + server;
    case Refusal::TooOld:
        return tr("too old to update remotely — update it on its machine") + server;
    case Refusal::OfflineOrTooOld:
        return tr("connector is offline or too old to update remotely") + server;
    case Refusal::Other:
        break;
    }
    switch (e.httpStatus) {
    case 401:
        return tr("the API key was rejected");
    case 402:
        return tr("the request was valid, but it failed at Timbal (HTTP 402)") + server;
    case 403:
        return tr("this API key may not update connectors");
    default:
        break;
    }
    return e.message;
}

bool TimbalUpdateRun::hasMoved(const Row& r, const QString& reported) const
{
    return TimbalDispatchRecords::reportsUpdate(r.fromVersion, r.toVersion, reported);
}

void TimbalUpdateRun::onUpdateResult(int row, const SoftwareUpdateResult& result)
{
    Row& r = m_rows[row];
    r.httpStatus = result.httpStatus;
    r.artifact = result.artifact;
    if (!result.targetVersion.isEmpty()) {
        // What the server chose (for "latest" the only place the version is known).
        const QString normalized = Semver::normalized(result.targetVersion);
        r.toVersion = normalized.isEmpty() ? result.targetVersion : normalized;
    }
    const QString target = r.toVersion;

    if (result.ok()) {
        if (result.dispatched) {
            r.message = tr("update to %1 dispatched (artifact %2)").arg(target, result.artifact);
            audit(row, AuditOutcome::Dispatched);
            enterDispatched(row);
        } else {
            setState(row, RowState::AlreadyCurrent, tr("already on %1, nothing to do").arg(target));
            audit(row, AuditOutcome::AlreadyCurrent);
            release(row);
        }
        return;
    }
    if (result.answerLost) {
        // Never re-sent: what the connector reports decides. Timbal shows no pending state, so a
        // version that has not moved (yet) tells nothing; the record keeps the next run from
        // sending it again inside the dispatch window.
        r.answerLost = true;
        if (result.stateAfter) {
            const Connector& now = *result.stateAfter;
            const QString name = r.connector.displayName;
            r.connector = now;
            if (r.connector.displayName.isEmpty())
                r.connector.displayName = name;
            if (hasMoved(r, now.version)) {
                if (r.toVersion.isEmpty())
                    r.toVersion = Semver::normalized(now.version);
                r.message =
                    tr("the answer was lost, but the update to %1 went out").arg(r.toVersion);
                audit(row, AuditOutcome::Dispatched);
                enterDispatched(row);
                return;
            }
        }
        r.mayHaveBeenDispatched = true;
        const QString reported =
            result.stateAfter
                ? tr("the connector still reports %1")
                      .arg(r.connector.version.isEmpty() ? tr("no version") : r.connector.version)
                : tr("the connector could not be read");
        r.message = tr("the answer was lost (%1) and %2: the update may have gone out — not "
                       "sent again")
                        .arg(result.error.message, reported);
        audit(row, AuditOutcome::AnswerLost);
        if (m_polling) {
            m_dispatchClock[row].start();
            setState(row, RowState::Polling, r.message);
            QTimer::singleShot(qMin(m_pollIntervalMs, m_pollTimeoutMs), this,
                               [this, row] { poll(row); });
            return;
        }
        setState(row, RowState::Failed, r.message);
        release(row);
        return;
    }
    setState(row, RowState::Failed, failureMessage(result, target));
    audit(row, AuditOutcome::Failed);
    release(row);
}

void TimbalUpdateRun::enterDispatched(int row)
{
    m_dispatchClock[row].start();
    setState(row, RowState::Dispatched);
    if (!m_polling) {
        release(row);
        return;
    }
    setState(row, RowState::Polling);
    QTimer::singleShot(qMin(m_pollIntervalMs, m_pollTimeoutMs), this, [this, row] { poll(row); });
}

void TimbalUpdateRun::poll(int row)
{
    if (m_rows.at(row).state != RowState::Polling)
        return;
    if (!m_service) {
        setState(row, RowState::TimedOut, tr("dispatched; the Timbal profile was closed"));
        release(row);
        checkFinished();
        return;
    }
    ConnectorJob* job = m_service->get(m_rows.at(row).connector.id);
    connect(job, &ConnectorJob::finished, this,
            [this, row](const ConnectorResult& result) { onPollResult(row, result); });
}

void TimbalUpdateRun::onPollResult(int row, const ConnectorResult& result)
{
    Row& r = m_rows[row];
    if (r.state != RowState::Polling)
        return;
    if (result.ok()) {
        const QString name = r.connector.displayName;
        r.connector = result.connector;
        if (r.connector.displayName.isEmpty())
            r.connector.displayName = name;
        if (hasMoved(r, result.connector.version)) {
            if (r.toVersion.isEmpty())
                r.toVersion = Semver::normalized(result.connector.version);
            r.mayHaveBeenDispatched = false;
            setState(
                row, RowState::Updated,
                r.answerLost
                    ? tr("the answer was lost, but the connector now reports %1").arg(r.toVersion)
                    : tr("updated to %1").arg(r.toVersion));
            release(row);
            checkFinished();
            return;
        }
    }
    const qint64 elapsed = m_dispatchClock.at(row).elapsed();
    if (elapsed >= m_pollTimeoutMs) {
        const QString now = r.connector.version.isEmpty() ? r.fromVersion : r.connector.version;
        if (r.answerLost)
            setState(row, RowState::Failed,
                     tr("the answer was lost and the connector still reports %1 after %2 s: the "
                        "update may still be on its way — not sent again")
                         .arg(now, seconds(m_pollTimeoutMs)));
        else
            setState(
                row, RowState::TimedOut,
                tr("dispatched, but still on %1 after %2 s").arg(now, seconds(m_pollTimeoutMs)));
        release(row);
        checkFinished();
        return;
    }
    const int wait = int(qMin<qint64>(m_pollIntervalMs, m_pollTimeoutMs - elapsed));
    QTimer::singleShot(qMax(0, wait), this, [this, row] { poll(row); });
}

void TimbalUpdateRun::release(int row)
{
    const QString key = registryKey(m_rows.at(row).connector.id);
    if (m_registered.remove(key))
        registry().remove(key);
}

void TimbalUpdateRun::cancelRemaining()
{
    m_startWhenPreviewed = false;
    const bool wasStarted = m_started;
    m_started = true; // a cancelled run is over once its in-flight rows are
    m_next = int(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).state == RowState::Pending) {
            closeUnsent(i, tr("not sent: cancelled"));
            setState(i, RowState::Cancelled, tr("not started: cancelled"));
        }
    }
    if (!wasStarted)
        m_previewed = true;
    checkFinished();
}

void TimbalUpdateRun::onServiceGone()
{
    // The profile's service was deleted (profile removed or reloaded): its jobs are gone, so
    // nothing in flight will report back. End every open row in words that say what is known.
    m_next = int(m_rows.size());
    m_startWhenPreviewed = false;
    m_started = true;
    m_previewed = true;
    for (int i = 0; i < m_rows.size(); ++i) {
        switch (m_rows.at(i).state) {
        case RowState::Pending:
            closeUnsent(i, tr("not sent: the Timbal profile was closed"));
            setState(i, RowState::Cancelled, tr("not started: the Timbal profile was closed"));
            break;
        case RowState::Dispatching:
            m_rows[i].mayHaveBeenDispatched = true;
            setState(i, RowState::Failed,
                     tr("the Timbal profile was closed while the update was being sent: it may "
                        "have gone out — check the connector before trying again"));
            audit(i, AuditOutcome::AnswerLost);
            break;
        case RowState::Polling:
            setState(i, RowState::TimedOut,
                     tr("dispatched; the Timbal profile was closed before the new version was "
                        "seen"));
            break;
        default:
            continue;
        }
        release(i);
    }
    m_inFlight = 0;
    checkFinished();
}

void TimbalUpdateRun::checkFinished()
{
    if (!m_started || m_finished || m_inFlight > 0 || m_counts.finished != m_counts.total)
        return;
    m_finished = true;
    m_rolloutLock.reset(); // the next run on this profile, here or in another process, may start
    emit finished(m_counts);
}

TimbalUpdateRun* TimbalUpdateRun::retryFailed(QObject* parent) const
{
    QList<Connector> failed;
    for (const Row& r : m_rows) {
        if (r.state == RowState::Failed && !r.mayHaveBeenDispatched)
            failed.append(r.connector);
    }
    if (failed.isEmpty() || !m_service)
        return nullptr;
    auto* run = new TimbalUpdateRun(m_service, failed, parent);
    run->setTargetVersion(m_resolvedTarget.isEmpty() ? m_requestedTarget : m_resolvedTarget);
    run->setConcurrency(m_concurrency);
    run->setPollIntervalMs(m_pollIntervalMs);
    run->setPollTimeoutMs(m_pollTimeoutMs);
    run->setPollingEnabled(m_polling);
    run->setAuditLog(m_audit, m_tool);
    run->setDispatchWindowMs(m_windowMs);
    run->setForce(m_force);
    return run;
}

} // namespace ca
