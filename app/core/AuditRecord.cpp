#include "AuditRecord.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <utility>

namespace ca {

namespace {

template <typename Enum, size_t N>
std::optional<Enum> fromName(const QString& name, const std::pair<Enum, const char*> (&table)[N])
{
    for (const auto& [value, text] : table) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

template <typename Enum, size_t N>
QString toName(Enum value, const std::pair<Enum, const char*> (&table)[N])
{
    for (const auto& [v, text] : table) {
        if (v == value)
            return QLatin1String(text);
    }
    return {};
}

constexpr std::pair<AuditTool, const char*> kTools[] = {{AuditTool::Gui, "gui"},
                                                        {AuditTool::Cli, "cli"}};
constexpr std::pair<AuditAction, const char*> kActions[] = {
    {AuditAction::Apply, "apply"},
    {AuditAction::SoftwareUpdate, "software-update"},
    {AuditAction::Revert, "revert"},
    {AuditAction::ChangeSet, "change-set"},
    {AuditAction::Rollout, "rollout"}};
constexpr std::pair<AuditOutcome, const char*> kOutcomes[] = {
    {AuditOutcome::Applied, "applied"},        {AuditOutcome::Refused, "refused"},
    {AuditOutcome::Failed, "failed"},          {AuditOutcome::Conflict, "conflict"},
    {AuditOutcome::Dispatched, "dispatched"},  {AuditOutcome::AlreadyCurrent, "already-current"},
    {AuditOutcome::AnswerLost, "answer-lost"}, {AuditOutcome::Intent, "intent"},
    {AuditOutcome::Recorded, "recorded"}};

} // namespace

QString auditToolName(AuditTool tool)
{
    return toName(tool, kTools);
}
QString auditActionName(AuditAction action)
{
    return toName(action, kActions);
}
QString auditOutcomeName(AuditOutcome outcome)
{
    return toName(outcome, kOutcomes);
}
std::optional<AuditTool> auditToolFromName(const QString& name)
{
    return fromName(name, kTools);
}
std::optional<AuditAction> auditActionFromName(const QString& name)
{
    return fromName(name, kActions);
}
std::optional<AuditOutcome> auditOutcomeFromName(const QString& name)
{
    return fromName(name, kOutcomes);
}

namespace {

QJsonArray differencesJson(const QList<ValueDifference>& differences)
{
    QJsonArray out;
    for (const ValueDifference& d : differences) {
        QJsonObject o{{QStringLiteral("path"), d.path}};
        if (!d.sent.isUndefined())
            o.insert(QStringLiteral("sent"), d.sent);
        if (!d.received.isUndefined())
            o.insert(QStringLiteral("received"), d.received);
        out.append(o);
    }
    return out;
}

} // namespace

QJsonObject AuditRecord::toJson() const
{
    const QJsonArray differences = differencesJson(serverDifferences);
    QJsonObject o{
        {QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("tool"), auditToolName(tool)},
        {QStringLiteral("profile"), profile},
        {QStringLiteral("vendor"), vendorId(vendor)},
        {QStringLiteral("connectorId"), connectorId},
        {QStringLiteral("connectorName"), connectorName},
        {QStringLiteral("action"), auditActionName(action)},
        {QStringLiteral("diff"), diff.isUndefined() ? QJsonValue() : diff},
        {QStringLiteral("httpStatus"), httpStatus},
        {QStringLiteral("requestId"), requestId},
        {QStringLiteral("outcome"), auditOutcomeName(outcome)},
        {QStringLiteral("message"), message},
        {QStringLiteral("before"), before},
        {QStringLiteral("after"), after},
        {QStringLiteral("serverDifferences"), differences},
        {QStringLiteral("secretPaths"), QJsonArray::fromStringList(secretPaths)},
    };
    if (!operationId.isEmpty())
        o.insert(QStringLiteral("operationId"), operationId);
    if (!changeSetId.isEmpty())
        o.insert(QStringLiteral("changeSetId"), changeSetId);
    if (processId > 0) {
        o.insert(QStringLiteral("processId"), processId);
        o.insert(QStringLiteral("host"), host);
    }
    return o;
}

namespace {

// A JSON string as QJsonDocument writes it, for text without control characters or lone
// surrogates (false: the caller lets QJsonDocument write it).
bool appendJsonString(QByteArray& out, const QString& text)
{
    for (const QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.isSurrogate())
            return false;
    }
    out += '"';
    for (const char byte : text.toUtf8()) {
        if (byte == '"' || byte == '\\')
            out += '\\';
        out += byte;
    }
    out += '"';
    return true;
}

// {"key":"text"|true|false|null,...} in the object's (sorted) key order.
bool appendScalarObject(QByteArray& out, const QJsonObject& object)
{
    out += '{';
    bool first = true;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!first)
            out += ',';
        first = false;
        if (!appendJsonString(out, it.key()))
            return false;
        out += ':';
        const QJsonValue v = it.value();
        if (v.isString()) {
            if (!appendJsonString(out, v.toString()))
                return false;
        } else if (v.isBool()) {
            out += v.toBool() ? "true" : "false";
        } else if (v.isNull()) {
            out += "null";
        } else {
            return false; // numbers, arrays, objects: QJsonDocument's own formatting
        }
    }
    out += '}';
    return true;
}

// A document as QJsonDocument writes it: text, booleans and nulls directly, anything else
// (numbers, nested values) by QJsonDocument itself.
bool appendDocument(QByteArray& out, const QJsonObject& object)
{
    const qsizetype mark = out.size();
    if (appendScalarObject(out, object))
        return true;
    out.truncate(mark);
    out += QJsonDocument(object).toJson(QJsonDocument::Compact);
    return true;
}

} // namespace

bool AuditRecord::appendCompactJson(QByteArray* out) const
{
    const bool noDiff = diff.isUndefined() || diff.isNull();
    if (!noDiff && !diff.isObject() && !diff.isArray())
        return false;
    QByteArray line;
    line.reserve(512);
    // Keys in QJsonObject's order (sorted), so the line is byte for byte what it writes.
    const auto key = [&line](const char* name) {
        line += line.isEmpty() ? "{\"" : ",\"";
        line += name;
        line += "\":";
    };
    bool ok = true;
    key("action");
    ok = ok && appendJsonString(line, auditActionName(action));
    key("after");
    ok = ok && appendDocument(line, after);
    key("before");
    ok = ok && appendDocument(line, before);
    if (!changeSetId.isEmpty()) {
        key("changeSetId");
        ok = ok && appendJsonString(line, changeSetId);
    }
    key("connectorId");
    ok = ok && appendJsonString(line, connectorId);
    key("connectorName");
    ok = ok && appendJsonString(line, connectorName);
    key("diff");
    if (noDiff)
        line += "null";
    else
        line += (diff.isObject() ? QJsonDocument(diff.toObject()) : QJsonDocument(diff.toArray()))
                    .toJson(QJsonDocument::Compact);
    if (processId > 0) {
        key("host");
        ok = ok && appendJsonString(line, host);
    }
    key("httpStatus");
    line += QByteArray::number(httpStatus);
    key("message");
    ok = ok && appendJsonString(line, message);
    if (!operationId.isEmpty()) {
        key("operationId");
        ok = ok && appendJsonString(line, operationId);
    }
    key("outcome");
    ok = ok && appendJsonString(line, auditOutcomeName(outcome));
    if (processId > 0) {
        key("processId");
        line += QByteArray::number(processId);
    }
    key("profile");
    ok = ok && appendJsonString(line, profile);
    key("requestId");
    ok = ok && appendJsonString(line, requestId);
    key("secretPaths");
    line += '[';
    for (qsizetype i = 0; ok && i < secretPaths.size(); ++i) {
        if (i > 0)
            line += ',';
        ok = appendJsonString(line, secretPaths.at(i));
    }
    line += ']';
    key("serverDifferences");
    line += serverDifferences.isEmpty()
                ? QByteArray("[]")
                : QJsonDocument(differencesJson(serverDifferences)).toJson(QJsonDocument::Compact);
    key("time");
    ok = ok && appendJsonString(line, time.toUTC().toString(Qt::ISODateWithMs));
    key("tool");
    ok = ok && appendJsonString(line, auditToolName(tool));
    key("vendor");
    ok = ok && appendJsonString(line, vendorId(vendor));
    line += '}';
    if (!ok)
        return false;
    *out += line;
    return true;
}

std::optional<AuditRecord> AuditRecord::fromJson(const QJsonObject& o, QString* error)
{
    const auto fail = [error](const QString& why) -> std::optional<AuditRecord> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    AuditRecord r;
    r.time = QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    if (!r.time.isValid())
        return fail(QStringLiteral("missing or invalid \"time\""));
    r.time = r.time.toUTC();
    const auto tool = auditToolFromName(o.value(QStringLiteral("tool")).toString());
    const auto vendor = vendorFromId(o.value(QStringLiteral("vendor")).toString());
    const auto action = auditActionFromName(o.value(QStringLiteral("action")).toString());
    const auto outcome = auditOutcomeFromName(o.value(QStringLiteral("outcome")).toString());
    if (!tool)
        return fail(QStringLiteral("unknown \"tool\""));
    if (!vendor)
        return fail(QStringLiteral("unknown \"vendor\""));
    if (!action)
        return fail(QStringLiteral("unknown \"action\""));
    if (!outcome)
        return fail(QStringLiteral("unknown \"outcome\""));
    r.tool = *tool;
    r.vendor = *vendor;
    r.action = *action;
    r.outcome = *outcome;
    r.profile = o.value(QStringLiteral("profile")).toString();
    r.connectorId = o.value(QStringLiteral("connectorId")).toString();
    r.connectorName = o.value(QStringLiteral("connectorName")).toString();
    r.diff = o.value(QStringLiteral("diff"));
    r.httpStatus = o.value(QStringLiteral("httpStatus")).toInt();
    r.requestId = o.value(QStringLiteral("requestId")).toString();
    r.operationId = o.value(QStringLiteral("operationId")).toString();
    r.changeSetId = o.value(QStringLiteral("changeSetId")).toString();
    r.processId = o.value(QStringLiteral("processId")).toInteger();
    r.host = o.value(QStringLiteral("host")).toString();
    r.message = o.value(QStringLiteral("message")).toString();
    r.before = o.value(QStringLiteral("before")).toObject();
    r.after = o.value(QStringLiteral("after")).toObject();
    const QJsonArray differences = o.value(QStringLiteral("serverDifferences")).toArray();
    for (const QJsonValue& v : differences) {
        const QJsonObject d = v.toObject();
        r.serverDifferences.append({d.value(QStringLiteral("path")).toString(),
                                    d.value(QStringLiteral("sent")),
                                    d.value(QStringLiteral("received"))});
    }
    const QJsonArray secrets = o.value(QStringLiteral("secretPaths")).toArray();
    for (const QJsonValue& v : secrets)
        r.secretPaths.append(v.toString());
    return r;
}

} // namespace ca
