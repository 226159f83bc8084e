#include "TimbalDispatchRecords.h"

#include "Semver.h"

#include <QCoreApplication>

namespace ca {

QString TimbalDispatchRecords::bare(const QString& version)
{
    const QString n = Semver::normalized(version);
    return n.isEmpty() ? version : n;
}

bool TimbalDispatchRecords::reportsUpdate(const QString& from, const QString& target,
                                          const QString& reported)
{
    const QString now = Semver::normalized(reported);
    const QString was = Semver::normalized(from);
    const QString to = bare(target);
    if (!to.isEmpty())
        return now == to && was != to;
    return !now.isEmpty() && now != was;
}

TimbalDispatchRecords TimbalDispatchRecords::read(const AuditLog& log, const QString& profile,
                                                  qint64 windowMs, const QDateTime& now)
{
    TimbalDispatchRecords out;
    out.m_windowMs = windowMs;
    out.m_readAt = now;
    if (windowMs <= 0)
        return out;
    AuditLog::Query q;
    q.profile = profile;
    q.action = AuditAction::SoftwareUpdate;
    q.since = now.addMSecs(-windowMs);
    // Newest first: the first dispatch met per connector is its latest.
    for (const AuditRecord& r : log.records(q)) {
        if (r.vendor != Vendor::Timbal || out.m_latest.contains(r.connectorId))
            continue;
        // An intent without outcome: a run sending it now, or one whose app stopped while sending
        // (until the next start reconciles it): it may have gone out.
        if (r.outcome != AuditOutcome::Dispatched && r.outcome != AuditOutcome::AnswerLost &&
            r.outcome != AuditOutcome::Intent)
            continue;
        Dispatch d;
        d.connectorId = r.connectorId;
        d.fromVersion = bare(r.before.value(QLatin1String("version")).toString());
        d.target = bare(r.after.value(QLatin1String("version")).toString());
        d.time = r.time.toUTC();
        d.answerLost = r.outcome == AuditOutcome::AnswerLost;
        d.unfinished = r.outcome == AuditOutcome::Intent;
        out.m_latest.insert(d.connectorId, d);
    }
    return out;
}

std::optional<TimbalDispatchRecords::Dispatch>
TimbalDispatchRecords::latestFor(const QString& connectorId) const
{
    const auto it = m_latest.constFind(connectorId);
    if (it == m_latest.cend())
        return std::nullopt;
    return *it;
}

QString TimbalDispatchRecords::ago(qint64 ms)
{
    const qint64 s = qMax<qint64>(0, ms / 1000);
    if (s < 60)
        return QCoreApplication::translate("TimbalDispatchRecords", "%1 s").arg(s);
    const qint64 min = s / 60;
    if (min < 60)
        return QCoreApplication::translate("TimbalDispatchRecords", "%1 min").arg(min);
    return QCoreApplication::translate("TimbalDispatchRecords", "%1 h %2 min")
        .arg(min / 60)
        .arg(min % 60);
}

QString TimbalDispatchRecords::waitReason(const Connector& connector, const QString& target,
                                          const QDateTime& now) const
{
    const auto d = latestFor(connector.id);
    if (!d)
        return {};
    const qint64 age = d->time.msecsTo(now);
    if (age >= m_windowMs)
        return {};
    const QString reported = bare(connector.version);
    // Reported the target, or (target unknown) moved from where it was: that update is done.
    const bool done = !d->target.isEmpty() ? reported == d->target
                                           : !reported.isEmpty() && reported != d->fromVersion;
    if (done)
        return {};
    if (!target.isEmpty() && !d->target.isEmpty() && d->target != target)
        return {}; // another target: a new request, not the same one twice
    const QString waitingFor =
        d->target.isEmpty() ? QCoreApplication::translate("TimbalDispatchRecords", "a new version")
                            : d->target;
    if (d->unfinished)
        return QCoreApplication::translate("TimbalDispatchRecords",
                                           "an update to %2 began %1 ago and has no recorded "
                                           "outcome yet (another run is sending it, or the app "
                                           "stopped while sending): it may have gone out")
            .arg(ago(age), waitingFor);
    if (d->answerLost)
        return QCoreApplication::translate("TimbalDispatchRecords",
                                           "sent %1 ago without an answer (it may have gone out), "
                                           "waiting for it to report %2")
            .arg(ago(age), waitingFor);
    return QCoreApplication::translate("TimbalDispatchRecords",
                                       "dispatched %1 ago, waiting for it to report %2")
        .arg(ago(age), waitingFor);
}

} // namespace ca
