#include "HandlerSupport.h"
#include "Handlers.h"
#include "SeedData.h"

#include <QRegularExpression>

#include <algorithm>
#include <iterator>

// Bigdata.com Content API. The PUT (ConnectorUpdatePayload, PUT semantics) and the Connector
// schema are the seed page; docs.bigdata.com adds the sharepoint type (config {}), the
// {statusCode, message, errorCode, requestId} error body of the same API, the API gateway's
// {"message": "Missing Authentication Token"} for unknown routes and a web firewall that answers
// with an HTML page (shared/vendor-apis/VERIFIED.md). Error codes, the firewall's rule and the
// 401 for the read-only key are assumed (docs/sandbox.md, "bigdata") and live in this file only.
namespace sandbox {
namespace {

using namespace support;

constexpr const char* kVendor = "bigdata";
const QString kEmail = QStringLiteral("email");
const QString kResearch = QStringLiteral("investment_research");
const QString kSharepoint = QStringLiteral("sharepoint");
const QString kOrg = QStringLiteral("org_demo");
constexpr int kIndexBits = 24; // the uuid's last 6 hex digits encode the index

bool isEmail(const QString& s)
{
    static const QRegularExpression re(
        QStringLiteral("^[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(\\.[A-Za-z0-9\\-]+)+$"));
    return re.match(s).hasMatch();
}

bool isUuid(const QString& s)
{
    static const QRegularExpression re(QStringLiteral(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return re.match(s).hasMatch();
}

// What the web application firewall in front of the API blocks: markup that looks like script
// injection, in the body or the (decoded) query.
bool firewallBlocks(const SandboxRequest& request)
{
    static const QByteArray needle = "<script";
    if (request.body.toLower().contains(needle))
        return true;
    return request.query.toString(QUrl::FullyDecoded).toLower().toUtf8().contains(needle);
}

enum Field
{
    FType = 1,
    FCreated,
    FUpdated,
    FUser,
    FShare,
    FDescription,
    FWord,
    FHash,
    FAllowedCount,
    FAllowed, // + n
    FBroker = 20,
    FPassword,
    FFiles,
    FSyncStatus,
    FSyncAt,
    FSyncCount,
    FUuidVersion,
    FUuidVariant,
    FUuidNode,
};

class BigdataHandler final : public SeededHandler
{
public:
    BigdataHandler() : SeededHandler(kVendor, 0xB16D) {}

    SandboxReply handle(const SandboxRequest& request) override;

    // The API's own body for most statuses; the API gateway's {"message"} where the gateway
    // itself answers (throttling 429, 403, 502, 504).
    SandboxReply faultReply(int status, std::optional<qint64>, const SandboxRequest&) override
    {
        struct GatewayFault
        {
            int status;
            const char* message;
            const char* errorType;
        };
        static constexpr GatewayFault gatewayFaults[] = {
            {403, "Forbidden", "AccessDeniedException"},
            {429, "Too Many Requests", "ThrottlingException"},
            {502, "Internal server error", "InternalServerErrorException"},
            {504, "Endpoint request timed out", "IntegrationTimeoutException"},
        };
        const auto* g =
            std::find_if(std::begin(gatewayFaults), std::end(gatewayFaults),
                         [status](const GatewayFault& f) { return f.status == status; });
        SandboxReply r =
            g != std::end(gatewayFaults)
                ? gateway(status, QString::fromLatin1(g->message), QByteArray(g->errorType))
                : error(status, errorCode(status, {400, 401, 404, 409, 500, 503}),
                        reasonPhrase(status));
        r.authorized.reset();
        return r;
    }

private:
    QString uuidOf(int index, const QDateTime& created) const;
    int indexOf(const QString& uuid) const;
    QDateTime createdOf(int index) const
    {
        return qMin(seed::timestamp(m_options.seed, kVendor, index, FCreated),
                    seed::timestamp(m_options.seed, kVendor, index, FUpdated));
    }
    QJsonObject generate(int index) const override;
    static QJsonObject answered(QJsonObject stored);
    SandboxReply update(int index, const SandboxRequest& request);

    // A fresh request id per answer, uuid-shaped, also sent as x-amzn-RequestId.
    QString nextRequestId()
    {
        const quint64 a = m_requestIds.next();
        const quint64 b = seed::mix(a ^ 0x5eedull);
        const QString h = hex(a, 16) + hex(b, 16);
        return h.left(8) + QLatin1Char('-') + h.mid(8, 4) + QStringLiteral("-4") + h.mid(13, 3) +
               QLatin1Char('-') + hex(0x8000 | (b & 0x3fff), 4) + QLatin1Char('-') + h.right(12);
    }
    SandboxReply withRequestId(SandboxReply r, const QString& requestId) const
    {
        r.headers.append({QByteArrayLiteral("x-amzn-RequestId"), requestId.toLatin1()});
        return r;
    }
    SandboxReply ok(const QJsonValue& body)
    {
        return withRequestId(SandboxReply::json(200, body), nextRequestId());
    }
    // {"statusCode", "message", "errorCode", "requestId"}: the API's error body.
    SandboxReply error(int status, const QString& errorCode, const QString& message,
                       bool authorized = true)
    {
        const QString id = nextRequestId();
        return withRequestId(
            withAuth(
                SandboxReply::json(status, QJsonObject{{QStringLiteral("statusCode"), status},
                                                       {QStringLiteral("message"), message},
                                                       {QStringLiteral("errorCode"), errorCode},
                                                       {QStringLiteral("requestId"), id}}),
                authorized),
            id);
    }
    // The API gateway's own answer: {"message"} only, x-amzn-ErrorType naming the cause.
    SandboxReply gateway(int status, const QString& message, const QByteArray& errorType)
    {
        SandboxReply r = withRequestId(
            SandboxReply::json(status, QJsonObject{{QStringLiteral("message"), message}}),
            nextRequestId());
        r.headers.append({QByteArrayLiteral("x-amzn-ErrorType"), errorType});
        return r;
    }
    SandboxReply invalid(const QString& message,
                         const QString& code = QStringLiteral("VALIDATION_ERROR"))
    {
        return error(400, code, message);
    }

    RequestIds m_requestIds;
};

// Version-7 layout: 48-bit creation time in ms, version 7, RFC 4122 variant; the last 24 bits
// are the scrambled index, so a uuid leads back to its record without a lookup table.
QString BigdataHandler::uuidOf(int index, const QDateTime& created) const
{
    const QString time = hex(quint64(created.toMSecsSinceEpoch()), 12);
    const quint64 variant = 0x8000 | (draw(index, FUuidVariant) & 0x3fff);
    return time.left(8) + QLatin1Char('-') + time.mid(8) + QStringLiteral("-7") +
           hex(draw(index, FUuidVersion), 3) + QLatin1Char('-') + hex(variant, 4) +
           QLatin1Char('-') + hex(draw(index, FUuidNode), 6) +
           hex(scramble(quint64(index), kIndexBits, m_idKey), 6);
}

int BigdataHandler::indexOf(const QString& uuid) const
{
    const QString id = uuid.toLower();
    const quint64 index = unscramble(id.right(6).toULongLong(nullptr, 16), kIndexBits, m_idKey);
    if (index < 1 || index > quint64(m_store.count()))
        return 0;
    return uuidOf(int(index), createdOf(int(index))) == id ? int(index) : 0;
}

// Stored form: the Connector with the real config (investment_research keeps user_password).
QJsonObject BigdataHandler::generate(int index) const
{
    static const QStringList users = {QStringLiteral("user_demo"),
                                      QStringLiteral("user_analyst_02"),
                                      QStringLiteral("user_ops_07")};
    static const QStringList senders = {QStringLiteral("research"), QStringLiteral("analyst"),
                                        QStringLiteral("reports"), QStringLiteral("desk"),
                                        QStringLiteral("morning-notes")};
    static const QStringList domains = {QStringLiteral("broker-research.com"),
                                        QStringLiteral("acme-capital.example"),
                                        QStringLiteral("northbridge-securities.example")};
    static const QStringList brokers = {QStringLiteral("ravenpack"), QStringLiteral("northbridge"),
                                        QStringLiteral("meridian-equity")};
    // 70% email (the draw email had before sharepoint existed), 20% investment_research, 10%
    // sharepoint.
    const int typeDraw = pick(index, FType, 100);
    const QString type = typeDraw < 70 ? kEmail : typeDraw < 90 ? kResearch : kSharepoint;
    const bool email = type == kEmail;
    const QDateTime created = createdOf(index);
    const QDateTime updated = qMax(seed::timestamp(m_options.seed, kVendor, index, FCreated),
                                   seed::timestamp(m_options.seed, kVendor, index, FUpdated));
    const QString word = seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FWord);

    QJsonObject config;
    QJsonValue syncAt, syncStatus, syncError, syncCount;
    if (email) {
        const QString hash = hex(draw(index, FHash), 12);
        QJsonArray allowed;
        for (int n = 0, count = pick(index, FAllowedCount, 4); n < count; ++n) {
            const QString address = senders[pick(index, FAllowed + 2 * n, int(senders.size()))] +
                                    QLatin1Char('@') +
                                    domains[pick(index, FAllowed + 2 * n + 1, int(domains.size()))];
            if (!allowed.contains(address)) // a list of senders, each once
                allowed.append(address);
        }
        config = {{QStringLiteral("allowed_emails"), allowed},
                  {QStringLiteral("email_hash"), hash},
                  {QStringLiteral("email"), hash + QStringLiteral("@inbox.bigdata.com")}};
    } else {
        if (type == kResearch) {
            const QString broker = brokers[pick(index, FBroker, int(brokers.size()))];
            config = {{QStringLiteral("user_id"), QStringLiteral("API%1@%2.com")
                                                      .arg(pick(index, FBroker + 100, 900) + 100)
                                                      .arg(broker)},
                      {QStringLiteral("user_password"),
                       QStringLiteral("pw-") + hex(draw(index, FPassword), 16)}};
        } // sharepoint: config {} (docs.bigdata.com)
        const bool failed = seed::chance(m_options.seed, kVendor, index, FSyncStatus, 15);
        syncAt = seed::iso(qMax(updated, seed::timestamp(m_options.seed, kVendor, index, FSyncAt)));
        syncStatus = failed ? QStringLiteral("FAILED") : QStringLiteral("SUCCESS");
        syncError = !failed ? QJsonValue()
                    : type == kResearch
                        ? QJsonValue(QStringLiteral("Authentication failed for broker portal"))
                        : QJsonValue(QStringLiteral("Access to the SharePoint site was denied"));
        syncCount = failed ? 0 : pick(index, FSyncCount, 4000) + 1;
    }
    return {{QStringLiteral("connector_id"), uuidOf(index, created)},
            {QStringLiteral("user_id"), users[pick(index, FUser, int(users.size()))]},
            {QStringLiteral("org_id"), kOrg},
            {QStringLiteral("share_with_org"),
             seed::chance(m_options.seed, kVendor, index, FShare, 50)},
            {QStringLiteral("label"), seed::displayName(m_options.seed, kVendor, index)},
            {QStringLiteral("type"), type},
            {QStringLiteral("description"),
             seed::chance(m_options.seed, kVendor, index, FDescription, 25) ? QString()
             : type == kSharepoint
                 ? QStringLiteral("Syncs the %1 team's SharePoint site").arg(word)
                 : QStringLiteral("Collects %1 reports from the %2 desk")
                       .arg(email ? QStringLiteral("emailed") : QStringLiteral("broker"), word)},
            {QStringLiteral("config"), config},
            {QStringLiteral("files_count"), pick(index, FFiles, email ? 500 : 5000)},
            {QStringLiteral("last_sync_at"), syncAt},
            {QStringLiteral("last_sync_status"), syncStatus},
            {QStringLiteral("last_sync_error_msg"), syncError},
            {QStringLiteral("last_sync_count"), syncCount},
            {QStringLiteral("created_at"), seed::iso(created)},
            {QStringLiteral("updated_at"), seed::iso(updated)},
            {QStringLiteral("archived"), false}};
}

// Credentials are never answered: investment_research config shows user_id only.
QJsonObject BigdataHandler::answered(QJsonObject stored)
{
    if (stored.value(QLatin1String("type")).toString() == kResearch) {
        const QJsonObject config = stored.value(QLatin1String("config")).toObject();
        stored.insert(
            QStringLiteral("config"),
            QJsonObject{{QStringLiteral("user_id"), config.value(QLatin1String("user_id"))}});
    }
    return stored;
}

SandboxReply BigdataHandler::handle(const SandboxRequest& request)
{
    // The web application firewall looks at every request first; it answers with its own page.
    if (firewallBlocks(request)) {
        const QString id = nextRequestId();
        return withRequestId(htmlErrorPage(403, id), id);
    }
    // The API gateway routes next: an unknown resource or method never reaches the API.
    const QStringList& s = request.segments;
    const bool prefix = s.size() >= 3 && s[0] == QLatin1String("contents") &&
                        s[1] == QLatin1String("v1") && s[2] == QLatin1String("connectors");
    const bool collection = prefix && s.size() == 3;
    const bool item = prefix && s.size() == 4 && !s[3].isEmpty();
    const bool get = request.method == "GET";
    const bool put = request.method == "PUT";
    if (!(collection && get) && !(item && (get || put)))
        return gateway(403, QStringLiteral("Missing Authentication Token"),
                       "MissingAuthenticationTokenException");

    const QByteArray key = request.header("x-api-key");
    if (key.isEmpty())
        return error(401, QStringLiteral("UNAUTHORIZED"), QStringLiteral("Missing API key"), false);
    if (key != m_options.key && key != m_options.readOnlyKey)
        return error(401, QStringLiteral("UNAUTHORIZED"), QStringLiteral("Invalid API key"), false);

    if (collection) {
        QJsonArray results;
        for (int i = 1; i <= m_store.count(); ++i)
            results.append(answered(m_store.record(i)));
        return ok(QJsonObject{{QStringLiteral("results"), results}});
    }
    // The seed lists no 403: a key that may not write is a 401 here.
    if (put && key != m_options.key)
        return error(401, QStringLiteral("UNAUTHORIZED"),
                     QStringLiteral("API key not allowed to modify connectors"));
    if (!isUuid(s[3]))
        return invalid(QStringLiteral("Invalid connector_id: not a valid UUID"),
                       QStringLiteral("INVALID_CONNECTOR_ID"));
    const int index = indexOf(s[3]);
    if (index == 0)
        return error(404, QStringLiteral("CONNECTOR_NOT_FOUND"),
                     QStringLiteral("Connector not found"));
    if (put)
        return update(index, request);
    return ok(answered(m_store.record(index)));
}

// Seed PUT with PUT semantics: every omitted field is cleared or defaulted.
SandboxReply BigdataHandler::update(int index, const SandboxRequest& request)
{
    const std::optional<QJsonValue> parsed = parseBody(request.body);
    if (!parsed || !parsed->isObject())
        return invalid(QStringLiteral("Invalid request body: expected a JSON object"),
                       QStringLiteral("INVALID_REQUEST_BODY"));
    const QJsonObject in = parsed->toObject();
    const QJsonObject old = m_store.record(index);
    const QString type = old.value(QLatin1String("type")).toString();

    const QJsonValue label = in.value(QLatin1String("label"));
    if (label.isUndefined() || label.isNull())
        return invalid(QStringLiteral("label is required"));
    if (!label.isString() || label.toString().trimmed().isEmpty())
        return invalid(QStringLiteral("label must be a non-empty string"));
    const QJsonValue description = in.value(QLatin1String("description"));
    if (!description.isUndefined() && !description.isString())
        return invalid(QStringLiteral("description must be a string"));
    const QJsonValue share = in.value(QLatin1String("share_with_org"));
    if (!share.isUndefined() && !share.isBool())
        return invalid(QStringLiteral("share_with_org must be a boolean"));
    const QJsonValue newType = in.value(QLatin1String("type"));
    if (!newType.isUndefined() && newType != QJsonValue(type))
        return invalid(QStringLiteral("The connector type cannot be changed"),
                       QStringLiteral("CONNECTOR_TYPE_IMMUTABLE"));

    QJsonObject config = old.value(QLatin1String("config")).toObject();
    const QJsonValue configIn = in.value(QLatin1String("config"));
    if (!configIn.isUndefined() && !configIn.isNull() && !configIn.isObject())
        return invalid(QStringLiteral("config must be an object or null"));
    if (type != kEmail) {
        // Only email connectors have an updatable config (investment_research: broker
        // credentials are fixed at creation; sharepoint: config is {}).
        if (configIn.isObject())
            return invalid(QStringLiteral("config cannot be updated for %1 connectors").arg(type),
                           QStringLiteral("CONFIG_NOT_UPDATABLE"));
    } else if (!configIn.isObject()) {
        config.insert(QStringLiteral("allowed_emails"),
                      QJsonArray()); // omitted/null config clears them
    } else {
        const QJsonObject c = configIn.toObject();
        const QJsonValue hash = c.value(QLatin1String("email_hash"));
        if (hash.isUndefined() || hash.isNull())
            return invalid(QStringLiteral("config.email_hash is required"));
        if (hash != config.value(QLatin1String("email_hash")))
            return invalid(QStringLiteral("config.email_hash does not match this connector"));
        const QJsonValue allowedIn = c.value(QLatin1String("allowed_emails"));
        if (!allowedIn.isUndefined() && !allowedIn.isNull() && !allowedIn.isArray())
            return invalid(
                QStringLiteral("config.allowed_emails must be a list of email addresses"));
        QJsonArray allowed;
        for (const QJsonValue& e : allowedIn.toArray()) {
            if (!e.isString() || !isEmail(e.toString()))
                return invalid(
                    QStringLiteral("Invalid email in config.allowed_emails: %1")
                        .arg(e.isString() ? e.toString() : QStringLiteral("(not a string)")));
            allowed.append(e);
        }
        config.insert(QStringLiteral("allowed_emails"), allowed);
    }

    QJsonObject updated = old;
    updated.insert(QStringLiteral("label"), label);
    updated.insert(QStringLiteral("description"),
                   description.isString() ? description : QJsonValue(QString()));
    updated.insert(QStringLiteral("share_with_org"), share.isBool() && share.toBool());
    updated.insert(QStringLiteral("config"), config);
    return ok(answered(m_store.write(index, updated, {{QStringLiteral("updated_at"), nowIso()}})));
}

} // namespace

std::unique_ptr<VendorHandler> makeBigdataHandler()
{
    return std::make_unique<BigdataHandler>();
}

} // namespace sandbox
