#pragma once

// What a contract test needs to know about each vendor to talk to the sandbox: auth headers,
// paths, where the connectors sit in a list answer, and each vendor's documented response shapes
// (shared/vendor-apis/VERIFIED.md, the seed pages and docs/sandbox.md). Written from the docs
// only, never from app/sandbox.
// Header-only so that it needs no change to ca_testsupport.

#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace contract {

using Headers = TestHttp::Headers;

inline const QByteArray kKey = QByteArrayLiteral("demo-key");
inline const QByteArray kReadOnlyKey = QByteArrayLiteral("demo-readonly-key");
inline const QByteArray kWrongKey = QByteArrayLiteral("not-a-valid-key");

inline QStringList vendorIds()
{
    return {QStringLiteral("timbal"), QStringLiteral("aisquared"), QStringLiteral("b3os"),
            QStringLiteral("databar"), QStringLiteral("bigdata")};
}

// Every header a valid request of this vendor carries, with `key` as the credential.
inline Headers authHeaders(const QString& vendor, const QByteArray& key = kKey)
{
    if (vendor == QLatin1String("timbal"))
        return {{"Authorization", "Bearer " + key}};
    if (vendor == QLatin1String("aisquared"))
        return {{"Authorization", "Bearer " + key}, {"Workspace-Id", "1"}};
    // b3os: a runtime key alone, as the official client sends it (no X-Org-ID).
    if (vendor == QLatin1String("b3os"))
        return {{"Authorization", "Bearer " + key}};
    if (vendor == QLatin1String("databar"))
        return {{"x-apikey", key}};
    return {{"X-API-KEY", key}};
}

// The header carrying the credential, and its full value for `key` (what the log hashes).
inline QByteArray credentialHeader(const QString& vendor)
{
    if (vendor == QLatin1String("databar"))
        return "x-apikey";
    if (vendor == QLatin1String("bigdata"))
        return "X-API-KEY";
    return "Authorization";
}
inline QByteArray credentialValue(const QString& vendor, const QByteArray& key)
{
    return credentialHeader(vendor) == "Authorization" ? "Bearer " + key : key;
}

// Path (with vendor prefix) of the connector collection, without a trailing slash: the base of
// item paths.
inline QString collectionPath(const QString& vendor)
{
    if (vendor == QLatin1String("timbal"))
        return QStringLiteral("/timbal/orgs/demo-org/connectors");
    if (vendor == QLatin1String("aisquared"))
        return QStringLiteral("/aisquared/api/v1/connectors");
    if (vendor == QLatin1String("b3os"))
        return QStringLiteral("/b3os/v1/connectors");
    if (vendor == QLatin1String("databar"))
        return QStringLiteral("/databar/v1/connectors");
    return QStringLiteral("/bigdata/contents/v1/connectors");
}

// Path of the list call: databar's list is "/v1/connectors/" with the trailing slash.
inline QString listPath(const QString& vendor)
{
    return collectionPath(vendor) +
           (vendor == QLatin1String("databar") ? QStringLiteral("/") : QString());
}

inline QString itemPath(const QString& vendor, const QString& id)
{
    return collectionPath(vendor) + QLatin1Char('/') + id;
}

// The write endpoint of a connector: timbal's seed is a POST .../update, the others a PUT.
inline QByteArray writeMethod(const QString& vendor)
{
    return vendor == QLatin1String("timbal") ? "POST" : "PUT";
}
inline QString writePath(const QString& vendor, const QString& id)
{
    return vendor == QLatin1String("timbal") ? itemPath(vendor, id) + QStringLiteral("/update")
                                             : itemPath(vendor, id);
}

// The keys a Timbal list may hold its array under (the spec does not pin it down).
inline QStringList timbalListKeys()
{
    return {QStringLiteral("connectors"), QStringLiteral("data"), QStringLiteral("items"),
            QStringLiteral("results")};
}

// The connectors of one list answer.
inline QJsonArray listItems(const QString& vendor, const QJsonDocument& doc)
{
    if (vendor == QLatin1String("timbal")) {
        if (doc.isArray())
            return doc.array();
        for (const QString& key : timbalListKeys()) {
            if (doc.object().value(key).isArray())
                return doc.object().value(key).toArray();
        }
        return {};
    }
    if (vendor == QLatin1String("aisquared"))
        return doc.object().value(QLatin1String("data")).toArray();
    if (vendor == QLatin1String("b3os"))
        return doc.object()
            .value(QLatin1String("data"))
            .toObject()
            .value(QLatin1String("items"))
            .toArray();
    if (vendor == QLatin1String("databar"))
        return doc.array();
    return doc.object().value(QLatin1String("results")).toArray();
}

// The connector of a GET/PUT answer (unwrapping the vendor's envelope).
inline QJsonObject connectorOf(const QString& vendor, const QJsonObject& body)
{
    if (vendor == QLatin1String("aisquared") || vendor == QLatin1String("b3os"))
        return body.value(QLatin1String("data")).toObject();
    return body;
}

inline QString idKey(const QString& vendor)
{
    return vendor == QLatin1String("bigdata") ? QStringLiteral("connector_id")
                                              : QStringLiteral("id");
}

// A connector's id as a path segment (databar ids are JSON integers).
inline QString idOf(const QString& vendor, const QJsonObject& connector)
{
    const QJsonValue v = connector.value(idKey(vendor));
    return v.isDouble() ? QString::number(qint64(v.toDouble())) : v.toString();
}

// A minimal valid write body (used where only auth/routing matters).
inline QJsonObject minimalWriteBody(const QString& vendor)
{
    if (vendor == QLatin1String("timbal"))
        return {};
    if (vendor == QLatin1String("aisquared"))
        return {{QStringLiteral("connector"),
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("Written")}}}};
    if (vendor == QLatin1String("b3os"))
        return {{QStringLiteral("name"), QStringLiteral("Written")}};
    if (vendor == QLatin1String("databar"))
        return {{QStringLiteral("name"), QStringLiteral("Written")},
                {QStringLiteral("method"), QStringLiteral("get")},
                {QStringLiteral("url"), QStringLiteral("https://api.example.com/v1/score")}};
    return {{QStringLiteral("label"), QStringLiteral("Written")}};
}

// ---- JSON shape checks (types as in the seed OpenAPI) -------------------------------------------

enum JsonType : unsigned
{
    String = 1,
    Bool = 2,
    Int = 4,
    Object = 8,
    Array = 16,
    Null = 32,
};

struct Field
{
    const char* name;
    unsigned types;
    bool required = true;
};

inline bool hasType(const QJsonValue& v, unsigned types)
{
    if ((types & String) && v.isString())
        return true;
    if ((types & Bool) && v.isBool())
        return true;
    if ((types & Int) && v.isDouble() && v.toDouble() == double(qint64(v.toDouble())))
        return true;
    if ((types & Object) && v.isObject())
        return true;
    if ((types & Array) && v.isArray())
        return true;
    if ((types & Null) && v.isNull())
        return true;
    return false;
}

// Empty when `o` has every required field with an allowed type (optional ones checked if present).
inline QString shapeError(const QJsonObject& o, const QList<Field>& fields,
                          const QString& where = {})
{
    for (const Field& f : fields) {
        const QString name = QString::fromLatin1(f.name);
        if (!o.contains(name)) {
            if (f.required)
                return where + QStringLiteral(": missing '") + name + QStringLiteral("' in ") +
                       QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
            continue;
        }
        if (!hasType(o.value(name), f.types))
            return where + QStringLiteral(": wrong type of '") + name + QStringLiteral("' in ") +
                   QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    return {};
}

// The vendor's connector as documented (seed response schema, or the assumed shape in sandbox.md).
inline QString connectorShapeError(const QString& vendor, const QJsonObject& c)
{
    if (vendor == QLatin1String("timbal")) {
        // Exactly ConnectorView (openapi.json): required id, capabilities, connected, online,
        // enrolled_at; nothing else (no platform, pending_version, created_at, updated_at).
        static const QList<Field> view{{"id", String},
                                       {"name", String | Null, false},
                                       {"version", String | Null, false},
                                       {"online", Bool},
                                       {"connected", Bool},
                                       {"capabilities", Array},
                                       {"enrolled_at", String},
                                       {"last_seen_at", String | Null, false},
                                       {"hostname", String | Null, false},
                                       {"os", String | Null, false},
                                       {"arch", String | Null, false}};
        QString e = shapeError(c, view, vendor);
        for (auto it = c.begin(); e.isEmpty() && it != c.end(); ++it) {
            const bool known = std::any_of(view.begin(), view.end(), [&](const Field& f) {
                return it.key() == QLatin1String(f.name);
            });
            if (!known)
                e = vendor + QStringLiteral(": member '") + it.key() +
                    QStringLiteral("' is not in ConnectorView");
        }
        for (const QJsonValue& cap : c.value(QLatin1String("capabilities")).toArray()) {
            if (e.isEmpty() && !cap.isString())
                e = vendor + QStringLiteral(": capabilities holds a non-string");
        }
        return e;
    }
    if (vendor == QLatin1String("aisquared")) {
        QString e =
            shapeError(c, {{"id", String}, {"type", String}, {"attributes", Object}}, vendor);
        if (e.isEmpty())
            e = shapeError(c.value(QLatin1String("attributes")).toObject(),
                           {{"name", String},
                            {"description", String | Null},
                            {"connector_type", String},
                            {"workspace_id", Int},
                            {"created_at", String},
                            {"updated_at", String},
                            {"configuration", Object},
                            {"connector_name", String},
                            {"icon", String}},
                           vendor + QStringLiteral(".attributes"));
        return e;
    }
    if (vendor == QLatin1String("b3os"))
        return shapeError(c,
                          {{"id", String},
                           {"name", String},
                           {"description", String},
                           {"provider", String},
                           {"type", String},
                           {"organizationId", String},
                           {"createdAt", String},
                           {"createdBy", String},
                           {"updatedAt", String},
                           {"updatedBy", String},
                           {"maskedData", Object}},
                          vendor);
    if (vendor == QLatin1String("databar")) {
        QString e = shapeError(c,
                               {{"id", Int},
                                {"name", String},
                                {"type", String},
                                {"method", String},
                                {"url", String},
                                {"headers", Array, false},
                                {"parameters", Array, false},
                                {"body", Array, false},
                                {"body_template", String | Null, false},
                                {"rate_limit", Int | Null, false},
                                {"max_concurrency", Int | Null, false},
                                {"created_at", String | Null, false}},
                               vendor);
        for (const char* list : {"headers", "parameters", "body"}) {
            for (const QJsonValue& nv : c.value(QLatin1String(list)).toArray()) {
                if (e.isEmpty())
                    e = shapeError(nv.toObject(), {{"name", String}, {"value", String, false}},
                                   vendor + QLatin1Char('.') + QLatin1String(list));
            }
        }
        return e;
    }
    QString e = shapeError(c,
                           {{"connector_id", String},
                            {"user_id", String},
                            {"org_id", String},
                            {"share_with_org", Bool},
                            {"label", String},
                            {"type", String},
                            {"created_at", String},
                            {"updated_at", String},
                            {"archived", Bool},
                            {"description", String, false},
                            {"config", Object | Null, false},
                            {"files_count", Int, false},
                            {"last_sync_at", String | Null, false},
                            {"last_sync_status", String | Null, false},
                            {"last_sync_error_msg", String | Null, false},
                            {"last_sync_count", Int | Null, false}},
                           vendor);
    const QString type = c.value(QLatin1String("type")).toString();
    if (e.isEmpty() && type != QLatin1String("email") &&
        type != QLatin1String("investment_research") && type != QLatin1String("sharepoint"))
        e = vendor + QStringLiteral(": type outside email/investment_research/sharepoint: ") + type;
    return e;
}

// ---- sandbox access
// ------------------------------------------------------------------------------

inline TestResponse call(const SandboxProcess& sb, const QString& vendor, const QByteArray& method,
                         const QString& path,
                         const QJsonValue& body = QJsonValue(QJsonValue::Undefined),
                         const QByteArray& key = kKey, int timeoutMs = 10000)
{
    const Headers h = authHeaders(vendor, key);
    if (body.isUndefined())
        return TestHttp::request(method, sb.url(path), h, {}, timeoutMs);
    return TestHttp::sendJson(method, sb.url(path), h, body, timeoutMs);
}

// Every connector of the vendor: one list call, following Timbal's next_page_token (the other
// vendors' lists hold the default 25 connectors on one page with the parameters below).
inline QJsonArray listAll(const SandboxProcess& sb, const QString& vendor,
                          const QByteArray& key = kKey)
{
    QString path = listPath(vendor);
    if (vendor == QLatin1String("aisquared"))
        path += QStringLiteral("?per_page=1000");
    else if (vendor == QLatin1String("b3os"))
        path += QStringLiteral("?limit=100");
    if (vendor != QLatin1String("timbal"))
        return listItems(vendor, call(sb, vendor, "GET", path, QJsonValue::Undefined, key).json());
    QJsonArray all;
    QString token;
    for (int page = 0; page < 10000; ++page) {
        const QString p = token.isEmpty() ? path
                                          : path + QStringLiteral("?page_token=") +
                                                QString::fromLatin1(QUrl::toPercentEncoding(token));
        const QJsonDocument doc = call(sb, vendor, "GET", p, QJsonValue::Undefined, key).json();
        for (const QJsonValue& v : listItems(vendor, doc))
            all.append(v);
        token = doc.isObject() ? doc.object().value(QLatin1String("next_page_token")).toString()
                               : QString();
        if (token.isEmpty())
            break;
    }
    return all;
}

inline QByteArray stateBytes(const SandboxProcess& sb)
{
    return TestHttp::get(sb.url(QStringLiteral("/_sandbox/state"))).body;
}

// The stored record of one connector in GET /_sandbox/state (matched on id / connector_id).
inline QJsonObject stateEntry(const SandboxProcess& sb, const QString& vendor, const QString& id)
{
    const QJsonArray all =
        TestHttp::getJson(sb.url(QStringLiteral("/_sandbox/state"))).value(vendor).toArray();
    for (const QJsonValue& v : all) {
        const QJsonObject o = v.toObject();
        for (const char* key : {"id", "connector_id"}) {
            const QJsonValue idv = o.value(QLatin1String(key));
            const QString s =
                idv.isDouble() ? QString::number(qint64(idv.toDouble())) : idv.toString();
            if (!s.isEmpty() && s == id)
                return o;
        }
    }
    return {};
}

// First value stored under `key` anywhere in `v` (depth-first): state records are "as stored",
// so tests look a field up without assuming how the sandbox nests it.
inline QJsonValue findKey(const QJsonValue& v, const QString& key)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        if (o.contains(key))
            return o.value(key);
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QJsonValue found = findKey(it.value(), key);
            if (!found.isUndefined())
                return found;
        }
    } else if (v.isArray()) {
        for (const QJsonValue& item : v.toArray()) {
            const QJsonValue found = findKey(item, key);
            if (!found.isUndefined())
                return found;
        }
    }
    return QJsonValue(QJsonValue::Undefined);
}

inline bool reset(const SandboxProcess& sb)
{
    return TestHttp::postJson(sb.url(QStringLiteral("/_sandbox/reset")), {});
}

inline QString compact(const QJsonValue& v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return v.toVariant().toString();
}

} // namespace contract
