// An audit record as it is written: the secrets owner (SecretRules) decides what is hidden.
#include "AuditLog.h"
#include "Secrets.h"

#include <QJsonArray>

namespace ca {

const QString AuditLog::kRedacted = SecretMarker::redacted;

namespace {

// A diff has its own shape (ConnectorDiff::toJson(): entries with beforePointer/afterPointer and
// before/after values): an entry whose pointer is secret has its values redacted, whatever else
// the key-name rule finds in it.
// Copied only where a value is redacted (most entries have nothing secret); *redactedAny tells.
QJsonValue redactDiffEntries(const QJsonValue& value, const SecretRules& rules,
                             bool* redactedAny = nullptr)
{
    bool secretEntry = false;
    const QJsonObject o = value.toObject(); // empty unless an entry (or other object)
    for (const char* field : {"path", "pointer", "beforePointer", "afterPointer"}) {
        const QJsonValue p = o.value(QLatin1String(field));
        if (p.isString() && p.toString().startsWith(QLatin1Char('/')) &&
            rules.isSecretPointer(p.toString()))
            secretEntry = true;
    }
    static const QStringList valueFields{QStringLiteral("before"),   QStringLiteral("after"),
                                         QStringLiteral("value"),    QStringLiteral("sent"),
                                         QStringLiteral("received"), QStringLiteral("old"),
                                         QStringLiteral("new")};
    return jsonChildrenReplaced(
        value,
        [&](const JsonPathToken& token, const QJsonValue& child, bool* here) {
            if (secretEntry && valueFields.contains(token.key) && !child.isNull()) {
                *here = true;
                return QJsonValue(SecretMarker::redacted);
            }
            return redactDiffEntries(child, rules, here);
        },
        redactedAny);
}

} // namespace

AuditRecord AuditLog::redacted(const AuditRecord& record)
{
    using Mask = SecretRules::Mask;
    const SecretRules rules = SecretRules::byKeyNames(record.secretPaths);
    AuditRecord r = record;
    r.before = rules.masked(record.before, Mask::Redacted).toObject();
    r.after = rules.masked(record.after, Mask::Redacted).toObject();
    // The diff's own structure is no document: only names and the entries' pointers count there.
    r.diff =
        SecretRules::byKeyNames().masked(redactDiffEntries(record.diff, rules), Mask::Redacted);
    for (ValueDifference& d : r.serverDifferences) {
        const QList<JsonPathToken> at = jsonPathOf(d.path);
        d.sent = rules.masked(d.sent, Mask::Redacted, at);
        d.received = rules.masked(d.received, Mask::Redacted, at);
    }
    return r;
}

} // namespace ca
