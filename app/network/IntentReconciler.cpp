#include "IntentReconciler.h"

#include "TimbalDispatchRecords.h"

#include <QTimer>

namespace ca {

IntentReconciler::IntentReconciler(AuditLog* log, ConnectorService* service, AuditTool tool,
                                   QObject* parent)
    : QObject(parent), m_log(log), m_service(service), m_tool(tool)
{}

void IntentReconciler::start()
{
    if (m_service)
        m_open = m_log->openIntents(m_service->profile().name,
                                    QDateTime::currentDateTimeUtc().addDays(-kLookBackDays));
    QTimer::singleShot(0, this, &IntentReconciler::next);
}

namespace {

QString versionAt(const QJsonObject& side)
{
    return TimbalDispatchRecords::bare(side.value(QLatin1String("version")).toString());
}

} // namespace

AuditOutcome IntentReconciler::judge(const AuditRecord& intent, const Connector& now)
{
    if (intent.action == AuditAction::SoftwareUpdate) {
        // Timbal keeps no pending state: only a reported move tells that the update went out.
        return TimbalDispatchRecords::reportsUpdate(versionAt(intent.before),
                                                    versionAt(intent.after), now.version)
                   ? AuditOutcome::Dispatched
                   : AuditOutcome::AnswerLost;
    }
    // Compared as the records hold them: secrets redacted by the same rule on both sides.
    AuditRecord probe = intent;
    probe.before = now.editable;
    probe.after = now.editable;
    const AuditRecord seen = AuditLog::redacted(probe);
    if (seen.after == intent.after)
        return AuditOutcome::Applied;
    if (seen.before == intent.before)
        return AuditOutcome::Failed;
    return AuditOutcome::AnswerLost;
}

void IntentReconciler::next()
{
    if (m_open.isEmpty() || !m_service) {
        emit finished(m_results);
        deleteLater();
        return;
    }
    const AuditRecord intent = m_open.takeFirst();
    ConnectorJob* job = m_service->get(intent.connectorId);
    connect(job, &ConnectorJob::finished, this,
            [this, intent](const ConnectorResult& read) { conclude(intent, read); });
}

void IntentReconciler::conclude(const AuditRecord& intent, const ConnectorResult& read)
{
    Result result;
    result.intent = intent;
    const bool update = intent.action == AuditAction::SoftwareUpdate;
    const QString when = intent.time.toLocalTime().toString(Qt::ISODate);
    const QString target = versionAt(intent.after);
    const QString what =
        update ? tr("The app stopped while sending a software update (%1 → %2) to %3 (%4, profile "
                    "%5) on %6.")
                     .arg(versionAt(intent.before), target.isEmpty() ? tr("latest") : target,
                          intent.connectorName, intent.connectorId, intent.profile, when)
               : tr("The app stopped while sending a change to %1 (%2, profile %3) on %4.")
                     .arg(intent.connectorName, intent.connectorId, intent.profile, when);
    QString onServer;
    if (read.ok() && update) {
        result.outcome = judge(intent, read.connector);
        const QString reported =
            read.connector.version.isEmpty() ? tr("no version") : read.connector.version;
        onServer =
            *result.outcome == AuditOutcome::Dispatched
                ? tr("On the server now: it reports %1, so the update went out.").arg(reported)
                : tr("On the server now: it reports %1. Timbal keeps no record of a "
                     "pending update, so whether this one went out is not known: it is "
                     "not sent again within the dispatch window unless forced.")
                      .arg(reported);
    } else if (read.ok()) {
        result.outcome = judge(intent, read.connector);
        switch (*result.outcome) {
        case AuditOutcome::Applied:
            onServer = tr("On the server now: the change is there.");
            break;
        case AuditOutcome::Failed:
            onServer = tr("On the server now: the connector is as it was before; the change did "
                          "not land.");
            break;
        default:
            onServer = tr("On the server now: the connector differs both from what was there and "
                          "from what was sent (changed since, or adjusted by the server). Look at "
                          "it before editing again.");
            break;
        }
    } else if (read.error.kind == ApiError::Kind::NotFound) {
        result.outcome = AuditOutcome::Failed;
        onServer = tr("On the server now: the connector is gone.");
    } else {
        onServer = tr("It could not be read again (%1): this stays open and is checked at the "
                      "next start.")
                       .arg(read.error.toString());
    }
    result.text = what + QLatin1Char(' ') + onServer;
    if (!result.outcome) {
        m_results.append(result);
        next();
        return;
    }
    AuditRecord closed = intent;
    closed.time = {};
    closed.tool = m_tool;
    closed.processId = 0;
    closed.host.clear();
    closed.outcome = *result.outcome;
    closed.httpStatus = 0;
    closed.message = tr("reconciled at start: %1").arg(onServer);
    if (read.ok() && !update)
        closed.after = read.connector.editable;
    // Durable before the next one is read, without blocking the thread (the window's).
    m_log->appendDurably(closed, this, [this, result](bool ok, const QString& error) mutable {
        if (!ok)
            result.text +=
                QLatin1Char(' ') + tr("(the record of this could not be written: %1)").arg(error);
        m_results.append(result);
        next();
    });
}

} // namespace ca
