#pragma once

#include "AuditLog.h"
#include "ConnectorService.h"

#include <QList>
#include <QObject>
#include <QPointer>

namespace ca {

// The writes of a profile that this app (window or connectorctl) began and never saw end: an
// intent record without its outcome, because the app stopped while sending. At start each is
// read again at the vendor, told in words ("the app stopped while sending X to Y; on the server
// now: …") and closed with a reconciled outcome record under the same operationId, so it is told
// once. One owner for the window and the CLI.
class IntentReconciler : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        AuditRecord intent;
        // The reconciled outcome: Applied (the server has the change), Failed (it has what was
        // there before, or the connector is gone), AnswerLost (neither: someone changed it since,
        // or the server adjusted what was sent). Unset when it could not be read: left open.
        std::optional<AuditOutcome> outcome;
        QString text; // the report, for a person
    };

    // How far back intents are looked for at start: older ones stay in the history as they are.
    static constexpr int kLookBackDays = 7;

    // `log` and `service` must outlive the run (the service's profile is the one reconciled).
    IntentReconciler(AuditLog* log, ConnectorService* service, AuditTool tool,
                     QObject* parent = nullptr);

    // Reads the open intents and re-reads their connectors one by one; finished() once, never
    // from within start(). Deletes itself after finished().
    void start();

    // The outcome an intent had, judged from the connector as the server has it now.
    static AuditOutcome judge(const AuditRecord& intent, const Connector& now);

signals:
    void finished(const QList<ca::IntentReconciler::Result>& results);

private:
    void next();
    void conclude(const AuditRecord& intent, const ConnectorResult& read);

    AuditLog* m_log;
    QPointer<ConnectorService> m_service;
    AuditTool m_tool;
    QList<AuditRecord> m_open;
    QList<Result> m_results;
};

} // namespace ca
