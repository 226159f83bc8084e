#include "HandlerSupport.h"
#include "Handlers.h"
#include "SeedData.h"

// B3OS. The PUT and the response envelope are the seed page; the official client
// (b3-fun/b3os packages/mcp/src/client.ts, types.ts) sends only "Authorization: Bearer b3sk_…"
// with a runtime key, so X-Org-ID is optional; docs.b3os.org/api/introduction shows the
// {"success": false, "error": {...}} error body. limit/offset list, get, maskedData's rule and
// which error uses which shape are assumed (docs/sandbox.md, "b3os") and live in this file only.
namespace sandbox {
namespace {

using namespace support;

constexpr const char* kVendor = "b3os";
const QString kOrg = QStringLiteral("demo-org");
const QString kKeyUser = QStringLiteral("user_demo"); // the user every sandbox key belongs to
constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
constexpr int kIdBits = 48; // "conn_" + 12 hex digits

// Keys whose values maskedData hides ("****" + last 4 characters).
bool isSecretKey(const QString& key)
{
    for (const char* word : {"token", "secret", "password", "api_key", "apikey", "private_key"}) {
        if (key.contains(QLatin1String(word), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

QJsonValue masked(const QJsonValue& value)
{
    if (value.isNull() || value.isUndefined())
        return value;
    QString s = value.isString()
                    ? value.toString()
                    : (value.isDouble() ? QString::number(value.toDouble()) : QString());
    return QStringLiteral("****") + (s.size() > 4 ? s.right(4) : QString());
}

struct Provider
{
    QString id;
    QString type;
    QString title;
};

const QList<Provider>& providers()
{
    static const QList<Provider> p{
        {QStringLiteral("slack"), QStringLiteral("oauth"), QStringLiteral("Slack")},
        {QStringLiteral("github"), QStringLiteral("oauth"), QStringLiteral("GitHub")},
        {QStringLiteral("google-sheets"), QStringLiteral("oauth"), QStringLiteral("Google Sheets")},
        {QStringLiteral("postgres"), QStringLiteral("database"), QStringLiteral("PostgreSQL")},
        {QStringLiteral("openai"), QStringLiteral("api_key"), QStringLiteral("OpenAI")},
        {QStringLiteral("stripe"), QStringLiteral("api_key"), QStringLiteral("Stripe")},
    };
    return p;
}

const QStringList& users()
{
    static const QStringList u{QStringLiteral("user_demo"), QStringLiteral("user_ops"),
                               QStringLiteral("user_8c1f2a"), QStringLiteral("user_d40e77")};
    return u;
}

enum Field
{
    FProvider = 1,
    FCreated,
    FUpdated,
    FCreatedBy,
    FUpdatedBy,
    FDescription,
    FSecret,
    FSecret2,
    FOther,
    FWord,
};

class B3osHandler final : public SeededHandler
{
public:
    B3osHandler() : SeededHandler(kVendor, 0xB305) {}

    SandboxReply handle(const SandboxRequest& request) override;

    SandboxReply faultReply(int status, std::optional<qint64>, const SandboxRequest&) override
    {
        if (status == 401)
            return error(401, QStringLiteral("unauthorized: invalid or missing API key"));
        if (status == 403)
            return error(403, QStringLiteral("forbidden"));
        switch (status) {
        case 400:
            return failure(400, QStringLiteral("BAD_REQUEST"), QStringLiteral("bad request"), {});
        case 404:
            return failure(404, QStringLiteral("NOT_FOUND"), QStringLiteral("resource not found"),
                           {});
        case 409: // client.ts friendlyHint(409)
            return failure(409, QStringLiteral("CONFLICT"),
                           QStringLiteral("another update may have occurred; retry with the "
                                          "latest version"),
                           {});
        case 429:
            return failure(429, QStringLiteral("RATE_LIMITED"),
                           QStringLiteral("rate limited; wait a moment and try again"), {});
        default:
            break;
        }
        const QString code = status >= 500 ? QStringLiteral("INTERNAL_ERROR")
                                           : QStringLiteral("HTTP_%1").arg(status);
        return failure(status, status == 503 ? QStringLiteral("SERVICE_UNAVAILABLE") : code,
                       reasonPhrase(status).toLower(), {});
    }

private:
    QString idOf(int index) const
    {
        return QStringLiteral("conn_") + hex(scramble(quint64(index), kIdBits, m_idKey), 12);
    }
    int indexOf(const QString& id) const;
    QJsonObject generate(int index) const override;
    QJsonObject dataFor(const QString& provider, int index) const;
    static QJsonObject connector(const QJsonObject& stored);

    // Every answer carries a fresh requestId, in the body and as X-Request-Id.
    SandboxReply reply(int status, QJsonObject body, std::optional<bool> authorized = {})
    {
        const QString requestId = QStringLiteral("req_") + hex(m_requestIds.next(), 16);
        body.insert(QStringLiteral("requestId"), requestId);
        SandboxReply r = SandboxReply::json(status, body);
        r.headers.append({QByteArrayLiteral("X-Request-Id"), requestId.toLatin1()});
        r.authorized = authorized;
        return r;
    }
    // The envelope with `message` (used for 401 and 403).
    SandboxReply error(int status, const QString& message, std::optional<bool> authorized = {})
    {
        return reply(status,
                     {{QStringLiteral("code"), status}, {QStringLiteral("message"), message}},
                     authorized);
    }
    // {"success": false, "error": {"message", "code"}} (validation, not found, conflicts, ...).
    SandboxReply failure(int status, const QString& code, const QString& message,
                         std::optional<bool> authorized = true)
    {
        return reply(status,
                     {{QStringLiteral("success"), false},
                      {QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                            {QStringLiteral("code"), code}}}},
                     authorized);
    }
    // {"error": "text"} (a body the server could not even parse).
    SandboxReply plainError(int status, const QString& text)
    {
        return reply(status, {{QStringLiteral("error"), text}}, true);
    }
    SandboxReply success(const QJsonValue& data)
    {
        return reply(200, {{QStringLiteral("code"), 200},
                           {QStringLiteral("data"), data},
                           {QStringLiteral("message"), QStringLiteral("success")}});
    }

    SandboxReply list(const SandboxRequest& request);
    SandboxReply update(int index, const SandboxRequest& request);

    RequestIds m_requestIds;
};

int B3osHandler::indexOf(const QString& id) const
{
    if (!id.startsWith(QLatin1String("conn_")) || id.size() != 17)
        return 0;
    bool ok = false;
    const quint64 n = id.mid(5).toULongLong(&ok, 16);
    if (!ok)
        return 0;
    const quint64 index = unscramble(n, kIdBits, m_idKey);
    if (index > quint64(m_store.count()) || !m_store.contains(int(index)) || idOf(int(index)) != id)
        return 0;
    return int(index);
}

QJsonObject B3osHandler::dataFor(const QString& provider, int index) const
{
    const QString word =
        seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FWord).toLower();
    const QString secret = hex(draw(index, FSecret), 16) + hex(draw(index, FSecret2), 16);
    const QString other = hex(draw(index, FOther), 10);
    if (provider == QLatin1String("slack"))
        return {{QStringLiteral("token"), QStringLiteral("xoxb-") + secret.left(24)},
                {QStringLiteral("channel"), QStringLiteral("#alerts-") + word},
                {QStringLiteral("team_id"), QStringLiteral("T0") + other.toUpper().left(8)}};
    if (provider == QLatin1String("github"))
        return {{QStringLiteral("token"), QStringLiteral("ghp_") + secret.left(36)},
                {QStringLiteral("owner"), QStringLiteral("acme-corp")},
                {QStringLiteral("repository"), word + QStringLiteral("-service")}};
    if (provider == QLatin1String("google-sheets"))
        return {{QStringLiteral("client_id"),
                 QString::number(draw(index, FOther) % 1000000000000ull) + QStringLiteral("-") +
                     other + QStringLiteral(".apps.googleusercontent.com")},
                {QStringLiteral("client_secret"), QStringLiteral("GOCSPX-") + secret.left(28)},
                {QStringLiteral("refresh_token"), QStringLiteral("1//0") + secret.mid(4, 28)},
                {QStringLiteral("spreadsheet_id"),
                 hex(seed::mix(draw(index, FOther)), 16) + hex(draw(index, FWord), 16)}};
    if (provider == QLatin1String("postgres"))
        return {{QStringLiteral("host"), QStringLiteral("%1.db.acme-corp.internal").arg(word)},
                {QStringLiteral("port"), 5432},
                {QStringLiteral("database"), word},
                {QStringLiteral("user"), QStringLiteral("b3os_") + word},
                {QStringLiteral("password"), secret.left(20)},
                {QStringLiteral("sslmode"), QStringLiteral("require")}};
    if (provider == QLatin1String("openai"))
        return {{QStringLiteral("api_key"), QStringLiteral("sk-proj-") + secret},
                {QStringLiteral("model"), QStringLiteral("gpt-4o-mini")},
                {QStringLiteral("organization"), QStringLiteral("org-") + other}};
    return {{QStringLiteral("api_key"), QStringLiteral("sk_test_") + secret.left(24)},
            {QStringLiteral("account_id"), QStringLiteral("acct_") + other}};
}

// Stored form: the Connector without maskedData, plus the real `data`.
QJsonObject B3osHandler::generate(int index) const
{
    const Provider& p = seed::pickFrom(providers(), m_options.seed, kVendor, index, FProvider);
    const QString name = seed::displayName(m_options.seed, kVendor, index);
    const QDateTime a = seed::timestamp(m_options.seed, kVendor, index, FCreated);
    const QDateTime b = seed::timestamp(m_options.seed, kVendor, index, FUpdated);
    const QString description = seed::chance(m_options.seed, kVendor, index, FDescription, 20)
                                    ? QString()
                                    : QStringLiteral("%1 connection for %2").arg(p.title, name);
    return {{QStringLiteral("id"), idOf(index)},
            {QStringLiteral("name"), name},
            {QStringLiteral("description"), description},
            {QStringLiteral("provider"), p.id},
            {QStringLiteral("type"), p.type},
            {QStringLiteral("organizationId"), kOrg},
            {QStringLiteral("createdAt"), seed::iso(qMin(a, b))},
            {QStringLiteral("createdBy"),
             seed::pickFrom(users(), m_options.seed, kVendor, index, FCreatedBy)},
            {QStringLiteral("updatedAt"), seed::iso(qMax(a, b))},
            {QStringLiteral("updatedBy"),
             seed::pickFrom(users(), m_options.seed, kVendor, index, FUpdatedBy)},
            {QStringLiteral("data"), dataFor(p.id, index)}};
}

// The answered Connector: `data` is never returned; maskedData is computed, never stored.
QJsonObject B3osHandler::connector(const QJsonObject& stored)
{
    QJsonObject c = stored;
    QJsonObject maskedData = c.take(QStringLiteral("data")).toObject();
    for (auto it = maskedData.begin(); it != maskedData.end(); ++it) {
        if (isSecretKey(it.key()))
            it.value() = masked(it.value());
    }
    c.insert(QStringLiteral("maskedData"), maskedData);
    return c;
}

SandboxReply B3osHandler::handle(const SandboxRequest& request)
{
    const QByteArray token = bearerToken(request);
    if (token.isEmpty() || (token != m_options.key && token != m_options.readOnlyKey))
        return error(401, QStringLiteral("unauthorized: invalid or missing API key"), false);
    // The key alone identifies the org; X-Org-ID (sent with setup tokens) must match it if given.
    const QByteArray org = request.header("x-org-id").trimmed();
    if (!org.isEmpty() && org != kOrg.toUtf8())
        return error(403, QStringLiteral("forbidden: no access to this organization"), true);

    const QStringList& s = request.segments;
    const bool prefix =
        s.size() >= 2 && s[0] == QLatin1String("v1") && s[1] == QLatin1String("connectors");
    if (!prefix || s.size() > 3)
        return failure(404, QStringLiteral("NOT_FOUND"), QStringLiteral("route not found"));
    const bool get = request.method == "GET";
    const bool put = request.method == "PUT";
    auto notAllowed = [&](bool item) {
        return withAllow(failure(405, QStringLiteral("METHOD_NOT_ALLOWED"),
                                 QStringLiteral("method not allowed")),
                         item);
    };
    if (s.size() == 2)
        return get ? list(request) : notAllowed(false);
    if (!get && !put)
        return notAllowed(true);
    if (put && token != m_options.key)
        return error(403, QStringLiteral("forbidden: API key is read-only"), true);
    const int index = indexOf(s[2]);
    if (index == 0)
        return failure(404, QStringLiteral("NOT_FOUND"), QStringLiteral("connector not found"));
    if (put)
        return update(index, request);
    return success(connector(m_store.record(index)));
}

SandboxReply B3osHandler::list(const SandboxRequest& request)
{
    const std::optional<int> limitArg = queryInt(request, QStringLiteral("limit"), kDefaultLimit);
    const std::optional<int> offsetArg = queryInt(request, QStringLiteral("offset"), 0);
    if (!limitArg || *limitArg < 1)
        return failure(400, QStringLiteral("VALIDATION_ERROR"),
                       QStringLiteral("limit must be a positive integer"));
    if (!offsetArg || *offsetArg < 0)
        return failure(400, QStringLiteral("VALIDATION_ERROR"),
                       QStringLiteral("offset must be a non-negative integer"));
    const int limit = qMin(*limitArg, kMaxLimit);
    const int offset = *offsetArg;
    const int total = m_store.count();
    QJsonArray items;
    // Only the page's records are generated.
    for (qint64 i = qint64(offset) + 1; i <= qMin<qint64>(qint64(offset) + limit, total); ++i)
        items.append(connector(m_store.record(int(i))));
    return success(QJsonObject{{QStringLiteral("items"), items},
                               {QStringLiteral("total"), total},
                               {QStringLiteral("limit"), limit},
                               {QStringLiteral("offset"), offset},
                               {QStringLiteral("hasMore"), qint64(offset) + limit < total}});
}

// Seed PUT: given keys change; `data` is replaced whole and stored exactly as sent, so a client
// that copies maskedData into data stores the masks.
SandboxReply B3osHandler::update(int index, const SandboxRequest& request)
{
    const std::optional<QJsonValue> body = parseBody(request.body);
    if (!body)
        return plainError(400, QStringLiteral("invalid JSON body"));
    auto invalid = [this](const QString& message) {
        return failure(400, QStringLiteral("VALIDATION_ERROR"), message);
    };
    if (!body->isObject())
        return invalid(QStringLiteral("request body must be a JSON object"));
    const QJsonObject in = body->toObject();
    QJsonObject updated = m_store.record(index);
    for (const char* key : {"name", "description"}) {
        const QString k = QString::fromLatin1(key);
        const QJsonValue v = in.value(k);
        if (v.isUndefined() || v.isNull())
            continue;
        if (!v.isString())
            return invalid(k + QStringLiteral(" must be a string"));
        if (k == QLatin1String("name") && v.toString().trimmed().isEmpty())
            return invalid(QStringLiteral("name must not be empty"));
        updated.insert(k, v);
    }
    const QJsonValue data = in.value(QLatin1String("data"));
    if (!data.isUndefined() && !data.isNull()) {
        if (!data.isObject())
            return invalid(QStringLiteral("data must be an object"));
        updated.insert(QStringLiteral("data"), data);
    }
    return success(connector(m_store.write(
        index, updated,
        {{QStringLiteral("updatedAt"), nowIso()}, {QStringLiteral("updatedBy"), kKeyUser}})));
}

} // namespace

std::unique_ptr<VendorHandler> makeB3osHandler()
{
    return std::make_unique<B3osHandler>();
}

} // namespace sandbox
