#pragma once

#include "Connector.h"
#include "Vendor.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace ca {

enum class AuditTool
{
    Gui,
    Cli
};
enum class AuditAction
{
    Apply,
    SoftwareUpdate,
    Revert,
    // The summary of one change set in one profile (connectorId empty): who, when, counts. The
    // records of its connectors carry the same changeSetId.
    ChangeSet,
    // One event of a staged Timbal rollout (connectorId empty; changeSetId = the rollout's id):
    // started, wave, halt, pause, resume, continue, retry, abort, rollback, completed. `after`
    // holds the event's facts ({"event", "wave", counts, the threshold}); `message` says it in
    // words. The rollout's POSTs are software-update records with the same changeSetId.
    Rollout
};
enum class AuditOutcome
{
    Applied,
    Refused,
    Failed,
    Conflict,
    Dispatched,
    AlreadyCurrent,
    AnswerLost, // sent, but no answer came: whether it took effect is not known
    // About to send: written and made durable before a write leaves the app. Its outcome record
    // follows with the same operationId; an intent without one means the app stopped meanwhile.
    Intent,
    // An event that is neither a write nor its answer (a rollout's halt, pause, …).
    Recorded
};

QString auditToolName(AuditTool tool);       // "gui", "cli"
QString auditActionName(AuditAction action); // "apply", "software-update", "revert", "change-set"
QString auditOutcomeName(AuditOutcome outcome); // "applied", ..., "answer-lost"
std::optional<AuditTool> auditToolFromName(const QString& name);
std::optional<AuditAction> auditActionFromName(const QString& name);
std::optional<AuditOutcome> auditOutcomeFromName(const QString& name);

// One apply (PUT), revert or dispatched software update, as written to the audit log.
// There is deliberately no field for the API key: the log cannot carry it.
struct AuditRecord
{
    QDateTime time; // UTC; AuditLog::append() stamps "now" when invalid
    AuditTool tool = AuditTool::Gui;
    QString profile;
    Vendor vendor = Vendor::Timbal;
    QString connectorId;
    QString connectorName;
    AuditAction action = AuditAction::Apply;
    QJsonValue diff;    // as given by the caller (already masked), e.g. ConnectorDiff::toJson()
    int httpStatus = 0; // 0: no HTTP answer (network error, refused before sending)
    QString requestId;
    // Ties an intent to its outcome record (a fresh UUID per write); empty in older records.
    QString operationId;
    // The change set (many connectors reviewed and applied as one) this record belongs to; empty
    // for a single edit.
    QString changeSetId;
    // Intents only (stamped on append): the writing process and machine, so a later start can
    // tell an intent still being sent from one whose app stopped.
    qint64 processId = 0;
    QString host;
    AuditOutcome outcome = AuditOutcome::Applied;
    QString message;
    QJsonObject before; // editable documents, secrets redacted: what a revert starts from
    QJsonObject after;
    QList<ValueDifference> serverDifferences;
    // JSON pointers into before/after whose values are secret ("/configuration/password",
    // "/headers/*/value"; "*" = any one token, a final "**" = any depth). Values at or below them
    // are redacted on append; the list itself is kept so a revert knows what to ask for again.
    QStringList secretPaths;

    // Compact-JSON-ready object with keys: time (ISO 8601 UTC with ms), tool, profile, vendor,
    // connectorId, connectorName, action, diff, httpStatus, requestId, operationId and changeSetId
    // (when set),
    // outcome, message, before, after, serverDifferences [{path, sent, received?}], secretPaths.
    // Values as stored: call AuditLog::redacted() first when the record comes from outside the log.
    QJsonObject toJson() const;
    // Appends what QJsonDocument(toJson()).toJson(Compact) writes, byte for byte, without
    // building that object: the record's own fields directly, its documents, diff and server
    // differences by QJsonDocument one by one (text, booleans and nulls directly). False (nothing
    // appended) for a diff that is neither an object nor an array, or text with control
    // characters or emoji in the record's own fields (QJsonDocument escapes those).
    bool appendCompactJson(QByteArray* out) const;
    // nullopt (with *error) when a required field is missing or has an unknown value.
    static std::optional<AuditRecord> fromJson(const QJsonObject& object, QString* error = nullptr);
};

} // namespace ca
