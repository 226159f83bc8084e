#pragma once

#include "Connector.h"
#include "Vendor.h"

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
    Revert
};
enum class AuditOutcome
{
    Applied,
    Refused,
    Failed,
    Conflict,
    Dispatched,
    AlreadyCurrent
};

QString auditToolName(AuditTool tool);          // "gui", "cli"
QString auditActionName(AuditAction action);    // "apply", "software-update", "revert"
QString auditOutcomeName(AuditOutcome outcome); // "applied", ..., "already-current"
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
    // connectorId, connectorName, action, diff, httpStatus, requestId, outcome, message, before,
    // after, serverDifferences [{path, sent, received?}], secretPaths. Values as stored: call
    // AuditLog::redacted() first when the record comes from outside the log.
    QJsonObject toJson() const;
    // nullopt (with *error) when a required field is missing or has an unknown value.
    static std::optional<AuditRecord> fromJson(const QJsonObject& object, QString* error = nullptr);
};

// The local audit log: JSON Lines, one record per line, appended with one write() per line
// (O_APPEND, then fsync), so concurrent writers (GUI and CLI) never interleave and a crash can
// at worst leave a partial last line, which readers skip. The file is 0600 in a 0700 directory.
// When it grows past rotateBytes it is renamed to audit.jsonl.1 (one generation is kept).
class AuditLog
{
public:
    static constexpr qint64 kDefaultRotateBytes = 64 * 1024 * 1024;
    static const QString kRedacted; // "<redacted>"

    // <GenericDataLocation>/ConnectorAdmin: an explicit path, not derived from the application
    // name, so connectorctl and connector-admin share one log.
    static QString defaultDirectory();

    explicit AuditLog(const QString& directory = defaultDirectory(),
                      qint64 rotateBytes = kDefaultRotateBytes);

    QString directory() const { return m_directory; }
    QString filePath() const;        // <directory>/audit.jsonl
    QString rotatedFilePath() const; // <directory>/audit.jsonl.1

    // Redacts (see redacted()), stamps the time if unset, and appends one line. False with
    // *error when the directory or file cannot be written.
    bool append(const AuditRecord& record, QString* error = nullptr);

    // Newest first, from audit.jsonl then audit.jsonl.1, optionally only one profile and/or
    // connector id, at most `limit` records (-1: all). Reads the files backwards in blocks and
    // parses only lines whose bytes contain the filter values, so it stops early with a limit.
    QList<AuditRecord> records(const QString& profile = {}, const QString& connectorId = {},
                               int limit = -1) const;
    // Malformed lines (e.g. a partial last line after a crash) met by the last records() call;
    // each one is also reported with a warning in the "ca.audit" category.
    int skippedLines() const { return m_skippedLines; }

    // The record as it will be written: every string under a key named like a secret (see
    // isSecretKeyName()) and every value at or below a secretPaths pointer in before, after,
    // diff (entries whose pointer/path is secret) and serverDifferences becomes kRedacted.
    static AuditRecord redacted(const AuditRecord& record);

private:
    bool rotateIfNeeded(int fd, QString* error);

    QString m_directory;
    qint64 m_rotateBytes;
    mutable int m_skippedLines = 0;
};

// Secret handling shared by AuditLog and DraftStore.

// Key names that hold secrets whatever the vendor: password, secret, token, api_key, apikey,
// private_key, authorization, x-apikey, x-api-key, key; compared case-insensitively, ignoring
// '-', '_' and '.', and also as words of a longer name ("db_password", "clientSecret",
// "access_token"; but not "max_tokens" or "primary_key_column").
bool isSecretKeyName(const QString& key);

// Whether `pointer` is at or below one of `secretPaths` (RFC 6901 pointers in which "*" matches
// any one token and a final "**" any depth).
bool isAtOrBelowSecretPath(const QStringList& secretPaths, const QString& pointer);

// Creates `path` and any missing parent with mode 0700 (existing directories are left alone).
bool ensurePrivateDirectory(const QString& path, QString* error = nullptr);

} // namespace ca
