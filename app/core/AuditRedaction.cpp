// An audit record as it is written: the secrets owner (SecretRules) decides what is hidden.
#include "AuditLog.h"
#include "Secrets.h"

#include <QJsonArray>

#include <optional>

namespace ca {

const QString AuditLog::kRedacted = SecretMarker::redacted;

namespace {

// A diff has its own shape (ConnectorDiff::toJson(): entries with beforePointer/afterPointer and
// before/after values): an entry whose pointer is secret has its values redacted, whatever else
// the key-name rule finds in it.
// Copied only where a value is redacted (most entries have nothing secret); *redactedAny tells.
QJsonValue redactDiffEntries(const QJsonValue& value, const SecretRules& rules, bool* redactedAny)
{
    if (value.isArray()) {
        const QJsonArray a = value.toArray();
        std::optional<QJsonArray> changed;
        for (qsizetype i = 0; i < a.size(); ++i) {
            bool here = false;
            const QJsonValue out = redactDiffEntries(a.at(i), rules, &here);
            if (!here)
                continue;
            *redactedAny = true;
            if (!changed)
                changed = a;
            changed->replace(i, out);
        }
        return changed ? QJsonValue(*changed) : value;
    }
    if (!value.isObject())
        return value;
    const QJsonObject o = value.toObject();
    bool secretEntry = false;
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
    std::optional<QJsonObject> changed;
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool here = secretEntry && valueFields.contains(it.key()) && !it.value().isNull();
        const QJsonValue out =
            here ? QJsonValue(SecretMarker::redacted) : redactDiffEntries(it.value(), rules, &here);
        if (!here)
            continue;
        *redactedAny = true;
        if (!changed)
            changed = o;
        changed->insert(it.key(), out);
    }
    return changed ? QJsonValue(*changed) : value;
}

} // namespace

AuditRecord AuditLog::redacted(const AuditRecord& record)
{
    using Mask = SecretRules::Mask;
    const SecretRules rules = SecretRules::byKeyNames(record.secretPaths);
    AuditRecord r = record;
    r.before = rules.masked(record.before, Mask::Redacted).toObject();
    r.after = rules.masked(record.after, Mask::Redacted).toObject();
    bool anyEntry = false;
    // The diff's own structure is no document: only names and the entries' pointers count there.
    r.diff = SecretRules::byKeyNames().masked(redactDiffEntries(record.diff, rules, &anyEntry),
                                              Mask::Redacted);
    for (ValueDifference& d : r.serverDifferences) {
        const QList<JsonPathToken> at = jsonPathOf(d.path);
        d.sent = rules.masked(d.sent, Mask::Redacted, at);
        d.received = rules.masked(d.received, Mask::Redacted, at);
    }
    return r;
}

} // namespace ca
