#include "HandlerSupport.h"
#include "Handlers.h"
#include "SeedData.h"

#include <QUrl>

// AI Squared (Multiwoven). The PUT is the seed page; the Workspace-Id header, list/get paths,
// JSON:API paging links and error bodies are documented elsewhere or assumed (docs/sandbox.md,
// "aisquared") and live in this file only.
namespace sandbox {
namespace {

using namespace support;

constexpr const char* kVendor = "aisquared";
constexpr int kWorkspace = 1;
constexpr int kDefaultPerPage = 10;
constexpr int kMaxPerPage = 100;
const QString kMask = QStringLiteral("*************");
const QString kSource = QStringLiteral("source");
const QString kDestination = QStringLiteral("destination");

// The seed's trap: configuration keys whose name says "secret" are answered masked.
bool isSecretKey(const QString& key)
{
    for (const char* word : {"password", "secret", "token", "api_key", "private_key"}) {
        if (key.contains(QLatin1String(word), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

struct Kind
{
    QString connectorName;
    QString iconSlug;
    bool source;
    bool destination;
};

const QList<Kind>& kinds()
{
    static const QList<Kind> k{
        {QStringLiteral("Postgresql"), QStringLiteral("postgresql"), true, true},
        {QStringLiteral("Snowflake"), QStringLiteral("snowflake"), true, true},
        {QStringLiteral("SalesforceCrm"), QStringLiteral("salesforce"), true, true},
        {QStringLiteral("Http"), QStringLiteral("http"), false, true},
        {QStringLiteral("Slack"), QStringLiteral("slack"), false, true},
    };
    return k;
}

// Field numbers of the seed draws, so that each value has its own stream.
enum Field
{
    FKind = 1,
    FType,
    FCreated,
    FUpdated,
    FHost,
    FPassword,
    FUser,
    FDatabase,
    FSecret,
    FToken,
    FAccount,
};

class AiSquaredHandler final : public VendorHandler
{
public:
    QString vendorId() const override { return QString::fromLatin1(kVendor); }

    void reset(const SandboxOptions& options) override
    {
        m_options = options;
        m_store.reset(options.connectors, [this](int i) { return generate(i); });
    }

    SandboxReply handle(const SandboxRequest& request) override;

    QJsonArray state() const override { return m_store.all(); }

private:
    quint64 draw(int index, int field) const
    {
        return seed::hash(m_options.seed, kVendor, index, field);
    }
    const Kind& kindOf(int index) const
    {
        return seed::pickFrom(kinds(), m_options.seed, kVendor, index, FKind);
    }
    QString generatedType(int index) const
    {
        const Kind& k = kindOf(index);
        if (k.source && k.destination)
            return seed::chance(m_options.seed, kVendor, index, FType, 60) ? kSource : kDestination;
        return k.source ? kSource : kDestination;
    }
    QString typeOf(int index) const
    {
        if (const QJsonObject* e = m_store.edited(index))
            return e->value(QLatin1String("connector_type")).toString();
        return generatedType(index);
    }

    QJsonObject generate(int index) const;
    QJsonObject configurationFor(const Kind& kind, int index) const;
    QJsonObject resource(const QJsonObject& stored) const;

    SandboxReply list(const SandboxRequest& request) const;
    SandboxReply update(int index, const SandboxRequest& request);
    int indexOf(const QString& id) const;

    SandboxOptions m_options;
    SeededStore m_store;
};

// JSON:API error document; errors[0].status mirrors the HTTP status as a string.
SandboxReply error(int status, const QString& title, const QString& detail, bool authorized = true)
{
    const QJsonObject e{{QStringLiteral("status"), QString::number(status)},
                        {QStringLiteral("title"), title},
                        {QStringLiteral("detail"), detail}};
    return withAuth(
        SandboxReply::json(status, QJsonObject{{QStringLiteral("errors"), QJsonArray{e}}}),
        authorized);
}

SandboxReply unprocessable(const QString& detail)
{
    return error(422, QStringLiteral("Unprocessable Entity"), detail);
}

QJsonObject AiSquaredHandler::configurationFor(const Kind& kind, int index) const
{
    const QString word =
        seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FDatabase).toLower();
    const QString user =
        QStringLiteral("svc_") +
        seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FUser).toLower();
    const QString password = QStringLiteral("pw-") + hex(draw(index, FPassword), 16);
    const QString host = hex(draw(index, FHost), 6);
    if (kind.connectorName == QLatin1String("Postgresql"))
        return {{QStringLiteral("host"), QStringLiteral("pg-%1.db.acme-corp.internal").arg(host)},
                {QStringLiteral("port"), 5432},
                {QStringLiteral("database"), word},
                {QStringLiteral("schema"), QStringLiteral("public")},
                {QStringLiteral("username"), user},
                {QStringLiteral("password"), password}};
    if (kind.connectorName == QLatin1String("Snowflake"))
        return {{QStringLiteral("account"),
                 QStringLiteral("%1.eu-west-1").arg(hex(draw(index, FAccount), 7))},
                {QStringLiteral("warehouse"), word.toUpper() + QStringLiteral("_WH")},
                {QStringLiteral("database"), word.toUpper()},
                {QStringLiteral("schema"), QStringLiteral("PUBLIC")},
                {QStringLiteral("username"), user.toUpper()},
                {QStringLiteral("password"), password},
                {QStringLiteral("role"), QStringLiteral("TRANSFORMER")}};
    if (kind.connectorName == QLatin1String("SalesforceCrm"))
        return {
            {QStringLiteral("client_id"), QStringLiteral("3MVG9") + hex(draw(index, FAccount), 16)},
            {QStringLiteral("client_secret"), hex(draw(index, FSecret), 16).toUpper()},
            {QStringLiteral("username"), user + QStringLiteral("@acme-corp.example")},
            {QStringLiteral("password"), password},
            {QStringLiteral("security_token"), hex(draw(index, FToken), 12)},
            {QStringLiteral("is_sandbox"), false}};
    if (kind.connectorName == QLatin1String("Http"))
        return {
            {QStringLiteral("destination_url"),
             QStringLiteral("https://hooks.acme-corp.example/ingest/%1").arg(host)},
            {QStringLiteral("method"), QStringLiteral("POST")},
            {QStringLiteral("api_token"), QStringLiteral("tok_") + hex(draw(index, FToken), 16)}};
    return {{QStringLiteral("api_token"), QStringLiteral("xoxb-%1-%2")
                                              .arg(draw(index, FAccount) % 1000000000000ull)
                                              .arg(hex(draw(index, FToken), 16))},
            {QStringLiteral("channel_id"), QStringLiteral("C0") + host.toUpper()}};
}

// Stored form: the attributes flattened next to the id, configuration unmasked.
QJsonObject AiSquaredHandler::generate(int index) const
{
    const Kind& kind = kindOf(index);
    const QDateTime a = seed::timestamp(m_options.seed, kVendor, index, FCreated);
    const QDateTime b = seed::timestamp(m_options.seed, kVendor, index, FUpdated);
    return {{QStringLiteral("id"), QString::number(index)},
            {QStringLiteral("name"), seed::displayName(m_options.seed, kVendor, index)},
            {QStringLiteral("connector_type"), generatedType(index)},
            {QStringLiteral("workspace_id"), kWorkspace},
            {QStringLiteral("created_at"), seed::iso(qMin(a, b))},
            {QStringLiteral("updated_at"), seed::iso(qMax(a, b))},
            {QStringLiteral("configuration"), configurationFor(kind, index)},
            {QStringLiteral("connector_name"), kind.connectorName},
            {QStringLiteral("icon"),
             QStringLiteral("https://cdn.squared.ai/icons/%1.svg").arg(kind.iconSlug)}};
}

QJsonObject AiSquaredHandler::resource(const QJsonObject& stored) const
{
    QJsonObject configuration = stored.value(QLatin1String("configuration")).toObject();
    for (auto it = configuration.begin(); it != configuration.end(); ++it) {
        if (isSecretKey(it.key()))
            it.value() = kMask;
    }
    QJsonObject attributes = stored;
    attributes.remove(QStringLiteral("id"));
    attributes.insert(QStringLiteral("configuration"), configuration);
    return {{QStringLiteral("id"), stored.value(QLatin1String("id"))},
            {QStringLiteral("type"), QStringLiteral("connectors")},
            {QStringLiteral("attributes"), attributes}};
}

int AiSquaredHandler::indexOf(const QString& id) const
{
    bool ok = false;
    const int index = id.toInt(&ok);
    return ok && m_store.contains(index) && QString::number(index) == id ? index : 0;
}

SandboxReply AiSquaredHandler::handle(const SandboxRequest& request)
{
    const QByteArray token = bearerToken(request);
    if (token.isEmpty() || (token != m_options.key && token != m_options.readOnlyKey))
        return error(401, QStringLiteral("Unauthorized"),
                     QStringLiteral("Invalid or missing access token"), false);
    const QByteArray workspace = request.header("workspace-id").trimmed();
    if (workspace.isEmpty())
        return error(400, QStringLiteral("Bad Request"),
                     QStringLiteral("Workspace-Id header is required"));
    if (workspace != QByteArray::number(kWorkspace))
        return error(403, QStringLiteral("Forbidden"),
                     QStringLiteral("You are not a member of this workspace"));

    const QStringList& s = request.segments;
    const bool collection = s.size() == 3 && s[0] == QLatin1String("api") &&
                            s[1] == QLatin1String("v1") && s[2] == QLatin1String("connectors");
    const bool item = s.size() == 4 && s[0] == QLatin1String("api") &&
                      s[1] == QLatin1String("v1") && s[2] == QLatin1String("connectors");
    if (!collection && !item)
        return error(404, QStringLiteral("Not Found"),
                     QStringLiteral("No route matches this path"));
    const bool get = request.method == "GET";
    const bool put = request.method == "PUT";
    if ((collection && !get) || (item && !get && !put))
        return withAllow(error(405, QStringLiteral("Method Not Allowed"),
                               QStringLiteral("%1 is not allowed on this path")
                                   .arg(QString::fromLatin1(request.method))),
                         item);
    if (collection)
        return list(request);
    if (put && token != m_options.key)
        return error(403, QStringLiteral("Forbidden"),
                     QStringLiteral("This API key is not allowed to modify connectors"));
    const int index = indexOf(s[3]);
    if (index == 0)
        return error(404, QStringLiteral("Not Found"), QStringLiteral("Connector not found"));
    if (put)
        return update(index, request);
    return SandboxReply::json(
        200, QJsonObject{{QStringLiteral("data"), resource(m_store.record(index))}});
}

SandboxReply AiSquaredHandler::list(const SandboxRequest& request) const
{
    const std::optional<int> pageArg = queryInt(request, QStringLiteral("page"), 1);
    const std::optional<int> perPageArg =
        queryInt(request, QStringLiteral("per_page"), kDefaultPerPage);
    if (!pageArg || !perPageArg)
        return unprocessable(QStringLiteral("page and per_page must be integers"));
    const int page = qMax(1, *pageArg);
    const int perPage = *perPageArg < 1 ? kDefaultPerPage : qMin(*perPageArg, kMaxPerPage);
    const QString type = request.query.queryItemValue(QStringLiteral("type"));
    if (request.query.hasQueryItem(QStringLiteral("type")) && type != kSource &&
        type != kDestination)
        return unprocessable(QStringLiteral("type must be source or destination"));

    // Only the records on this page are built; a type filter scans the (cheap) types only.
    const qint64 first = qint64(page - 1) * perPage;
    QJsonArray data;
    int total = 0;
    if (type.isEmpty()) {
        total = m_store.count();
        for (qint64 i = first + 1; i <= qMin<qint64>(first + perPage, total); ++i)
            data.append(resource(m_store.record(int(i))));
    } else {
        for (int i = 1; i <= m_store.count(); ++i) {
            if (typeOf(i) != type)
                continue;
            if (total >= first && total < first + perPage)
                data.append(resource(m_store.record(i)));
            ++total;
        }
    }
    const int last = qMax(1, (total + perPage - 1) / perPage);

    QByteArray host = request.header("host");
    if (host.isEmpty())
        host = "127.0.0.1";
    auto link = [&](int p) -> QJsonValue {
        QUrl url(QStringLiteral("http://%1/%2/api/v1/connectors")
                     .arg(QString::fromLatin1(host), QString::fromLatin1(kVendor)));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("page"), QString::number(p));
        q.addQueryItem(QStringLiteral("per_page"), QString::number(perPage));
        if (!type.isEmpty())
            q.addQueryItem(QStringLiteral("type"), type);
        url.setQuery(q);
        return url.toString();
    };
    const QJsonObject links{
        {QStringLiteral("self"), link(page)},
        {QStringLiteral("first"), link(1)},
        {QStringLiteral("prev"), page > 1 ? link(qMin(page - 1, last)) : QJsonValue()},
        {QStringLiteral("next"), page < last ? link(page + 1) : QJsonValue()},
        {QStringLiteral("last"), link(last)}};
    return SandboxReply::json(
        200, QJsonObject{{QStringLiteral("data"), data}, {QStringLiteral("links"), links}});
}

// Seed PUT, PATCH-like: only the given keys change; configuration is replaced whole and stored
// exactly as sent, so a GET's masked configuration sent back stores the asterisks.
SandboxReply AiSquaredHandler::update(int index, const SandboxRequest& request)
{
    const std::optional<QJsonValue> body = parseBody(request.body);
    if (!body)
        return error(400, QStringLiteral("Bad Request"),
                     QStringLiteral("Request body is not valid JSON"));
    const QJsonValue connectorValue = body->toObject().value(QLatin1String("connector"));
    if (!body->isObject() || !connectorValue.isObject())
        return unprocessable(QStringLiteral("param is missing or the value is empty: connector"));
    const QJsonObject connector = connectorValue.toObject();

    QJsonObject updated = m_store.record(index);
    for (const char* key : {"name", "connector_name"}) {
        const QString k = QString::fromLatin1(key);
        if (!connector.contains(k))
            continue;
        const QJsonValue v = connector.value(k);
        if (!v.isString() || v.toString().trimmed().isEmpty())
            return unprocessable(k + QStringLiteral(" can't be blank"));
        updated.insert(k, v);
    }
    if (connector.contains(QLatin1String("connector_type"))) {
        const QJsonValue v = connector.value(QLatin1String("connector_type"));
        if (v.toString() != kSource && v.toString() != kDestination)
            return unprocessable(
                QStringLiteral("connector_type is not included in the list (source, destination)"));
        updated.insert(QStringLiteral("connector_type"), v);
    }
    if (connector.contains(QLatin1String("configuration"))) {
        const QJsonValue v = connector.value(QLatin1String("configuration"));
        if (!v.isObject())
            return unprocessable(QStringLiteral("configuration must be an object"));
        updated.insert(QStringLiteral("configuration"), v);
    }
    if (updated != m_store.record(index)) {
        updated.insert(QStringLiteral("updated_at"), nowIso());
        m_store.store(index, updated);
    }
    return SandboxReply::json(
        200, QJsonObject{{QStringLiteral("data"), resource(m_store.record(index))}});
}

} // namespace

std::unique_ptr<VendorHandler> makeAiSquaredHandler()
{
    return std::make_unique<AiSquaredHandler>();
}

} // namespace sandbox
