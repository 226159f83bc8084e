#include "HandlerSupport.h"
#include "Handlers.h"
#include "SeedData.h"

#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>
#include <vector>

// AI Squared, whose server is the open-source Multiwoven (Multiwoven/multiwoven, server/):
// application_controller.rb (auth, Workspace-Id, validate_contract, render_error),
// concerns/exception_handler.rb, api/v1/connectors_controller.rb, contracts/connector_contracts.rb,
// models/connector.rb (default scope, masked_configuration), serializers/connector_serializer.rb,
// config/initializers/{kaminari_config,custom_pagination_links}.rb, and the integrations' real
// config/spec.json files (connection_specification). Everything vendor-specific lives here.
namespace sandbox {
namespace {

using namespace support;

constexpr const char* kVendor = "aisquared";
constexpr int kWorkspace = 1;
constexpr int kDefaultPerPage = 10; // kaminari_config.rb; no max_per_page
const QString kMask = QStringLiteral("*************");
const QString kSource = QStringLiteral("source");
const QString kDestination = QStringLiteral("destination");

// integrations/lib/multiwoven/integrations.rb: ENABLED_SOURCES / ENABLED_DESTINATIONS.
const QStringList& enabledSources()
{
    static const QStringList l =
        QStringLiteral("Snowflake Redshift Bigquery Postgresql Databricks "
                       "SalesforceConsumerGoodsCloud AwsAthena Clickhouse AmazonS3 "
                       "MariaDB Oracle DatabricksModel AwsSagemakerModel VertexModel "
                       "HttpModel OpenAI Sftp WatsonxAi WatsonxData Anthropic "
                       "AwsBedrockModel GenericOpenAI IntuitQuickBooks PineconeDB "
                       "Qdrant Firecrawl Odoo GoogleDrive Http")
            .split(QLatin1Char(' '));
    return l;
}
const QStringList& enabledDestinations()
{
    static const QStringList l =
        QStringLiteral("Klaviyo SalesforceCrm FacebookCustomAudience Slack Hubspot GoogleSheets "
                       "Airtable Stripe SalesforceConsumerGoodsCloud Sftp Postgresql Zendesk Http "
                       "Iterable MariaDB DatabricksLakehouse Oracle MicrosoftExcel MicrosoftSql "
                       "Mailchimp AISDataStore AmazonS3 MicrosoftDynamics Qdrant PineconeDB Odoo "
                       "Weaviate")
            .split(QLatin1Char(' '));
    return l;
}

// The connection_specification of the seeded kinds, trimmed to what validation and masking read
// (type, required, properties, oneOf/const, additionalProperties, multiwoven_secret); copied
// from integrations/lib/multiwoven/integrations/<type>/<kind>/config/spec.json at 8c78a572.
const char* const kPostgresqlSource = R"json({"type":"object",
 "required":["data_type","host","port","database","schema"],
 "properties":{
  "data_type":{"type":"string","oneOf":[{"const":"structured"},{"const":"vector"}]},
  "credentials":{"type":"object","required":["auth_type","username","password"],
   "properties":{"auth_type":{"type":"string"},"username":{"type":"string"},
    "password":{"type":"string","multiwoven_secret":true}}},
  "host":{"type":"string"},"port":{"type":"string"},"database":{"type":"string"},
  "schema":{"type":"string"}}})json";
const char* const kPostgresqlDestination = R"json({"type":"object",
 "required":["host","port","database","schema"],
 "properties":{
  "credentials":{"type":"object","required":["auth_type","username","password"],
   "properties":{"auth_type":{"type":"string"},"username":{"type":"string"},
    "password":{"type":"string","multiwoven_secret":true}}},
  "host":{"type":"string"},"port":{"type":"string"},"database":{"type":"string"},
  "schema":{"type":"string"}}})json";
const char* const kSnowflakeSource = R"json({"type":"object",
 "required":["host","role","warehouse","database"],
 "properties":{
  "credentials":{"type":"object","required":["auth_type","username","password"],
   "properties":{"auth_type":{"type":"string"},"username":{"type":"string"},
    "password":{"type":"string","multiwoven_secret":true}}},
  "host":{"type":"string"},"role":{"type":"string"},"warehouse":{"type":"string"},
  "database":{"type":"string"},"schema":{"type":"string"},"jdbc_url_params":{"type":"string"}}})json";
const char* const kSalesforceCrmDestination = R"json({"type":"object",
 "required":["access_token","refresh_token","instance_url","client_id","client_secret"],
 "properties":{
  "access_token":{"type":"string","multiwoven_secret":true},
  "refresh_token":{"type":"string","multiwoven_secret":true},
  "instance_url":{"type":"string"},"client_id":{"type":"string"},
  "client_secret":{"type":"string","multiwoven_secret":true}}})json";
const char* const kHttpDestination = R"json({"type":"object",
 "required":["destination_url"],
 "properties":{
  "destination_url":{"type":"string"},
  "headers":{"additionalProperties":{"type":"string"}}}})json";
const char* const kSlackDestination = R"json({"type":"object",
 "required":["api_token","channel_id"],
 "properties":{
  "api_token":{"type":"string","multiwoven_secret":true},
  "channel_id":{"type":"string"}}})json";

// One seeded connector kind: the definition's name (= connector_name), its folder under
// integrations/, and its specification per connector_type (null: that type does not exist).
struct Kind
{
    QString name;
    QString folder;
    const char* sourceSpec;
    const char* destinationSpec;
};

// Five real kinds (their order keeps the seed's kind draw as before); Postgresql and Snowflake
// keep their secret nested (credentials.password), Http has none.
const QList<Kind>& kinds()
{
    static const QList<Kind> k{
        {QStringLiteral("Postgresql"), QStringLiteral("postgresql"), kPostgresqlSource,
         kPostgresqlDestination},
        {QStringLiteral("Snowflake"), QStringLiteral("snowflake"), kSnowflakeSource, nullptr},
        {QStringLiteral("SalesforceCrm"), QStringLiteral("salesforce_crm"), nullptr,
         kSalesforceCrmDestination},
        {QStringLiteral("Http"), QStringLiteral("http"), nullptr, kHttpDestination},
        {QStringLiteral("Slack"), QStringLiteral("slack"), nullptr, kSlackDestination},
    };
    return k;
}

const Kind* kindNamed(const QString& name)
{
    for (const Kind& k : kinds()) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

// The parsed specification of (type, connector_name), or nullptr when the sandbox has none.
const QJsonObject* specFor(const QString& type, const QString& name)
{
    static const QHash<QString, QJsonObject> parsed = [] {
        QHash<QString, QJsonObject> h;
        for (const Kind& k : kinds()) {
            if (k.sourceSpec)
                h.insert(kSource + QLatin1Char('/') + k.name,
                         QJsonDocument::fromJson(k.sourceSpec).object());
            if (k.destinationSpec)
                h.insert(kDestination + QLatin1Char('/') + k.name,
                         QJsonDocument::fromJson(k.destinationSpec).object());
        }
        return h;
    }();
    const auto it = parsed.constFind(type + QLatin1Char('/') + name);
    return it == parsed.cend() ? nullptr : &it.value();
}

// Connector#extract_secret_keys: every property name flagged multiwoven_secret, at any depth.
void collectSecretKeys(const QJsonObject& schema, QSet<QString>* keys)
{
    const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const QJsonObject sub = it.value().toObject();
        if (sub.value(QLatin1String("multiwoven_secret")).toBool())
            keys->insert(it.key());
        collectSecretKeys(sub, keys);
    }
}

QSet<QString> secretKeys(const QString& type, const QString& name)
{
    QSet<QString> keys;
    if (const QJsonObject* spec = specFor(type, name))
        collectSecretKeys(*spec, &keys);
    return keys;
}

// Connector#mask_secret_values: a key of a secret name answers the mask at any depth, whatever
// its value; arrays are walked too.
QJsonValue maskSecrets(const QJsonValue& value, const QSet<QString>& secrets)
{
    if (value.isObject()) {
        QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() =
                secrets.contains(it.key()) ? QJsonValue(kMask) : maskSecrets(it.value(), secrets);
        return o;
    }
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (auto it = a.begin(); it != a.end(); ++it)
            *it = maskSecrets(*it, secrets);
        return a;
    }
    return value;
}

// The draft-07 subset the trimmed specifications use: type, required, properties, oneOf of
// consts, const, additionalProperties.
bool matchesSchema(const QJsonValue& v, const QJsonObject& schema)
{
    const QString type = schema.value(QLatin1String("type")).toString();
    if (type == QLatin1String("string") && !v.isString())
        return false;
    if (type == QLatin1String("integer") &&
        !(v.isDouble() && v.toDouble() == double(v.toInteger())))
        return false;
    if (type == QLatin1String("number") && !v.isDouble())
        return false;
    if (type == QLatin1String("boolean") && !v.isBool())
        return false;
    if (type == QLatin1String("object") && !v.isObject())
        return false;
    if (type == QLatin1String("array") && !v.isArray())
        return false;
    if (schema.contains(QLatin1String("const")) && v != schema.value(QLatin1String("const")))
        return false;
    if (schema.contains(QLatin1String("oneOf"))) {
        int matching = 0;
        for (const QJsonValue& alt : schema.value(QLatin1String("oneOf")).toArray())
            matching += matchesSchema(v, alt.toObject()) ? 1 : 0;
        if (matching != 1)
            return false;
    }
    if (!v.isObject())
        return true;
    const QJsonObject o = v.toObject();
    for (const QJsonValue& r : schema.value(QLatin1String("required")).toArray()) {
        if (!o.contains(r.toString()))
            return false;
    }
    const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
    const QJsonValue additional = schema.value(QLatin1String("additionalProperties"));
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (properties.contains(it.key())) {
            if (!matchesSchema(it.value(), properties.value(it.key()).toObject()))
                return false;
        } else if (additional.isObject() && !matchesSchema(it.value(), additional.toObject())) {
            return false;
        } else if (additional.isBool() && !additional.toBool()) {
            return false;
        }
    }
    return true;
}

// Ruby's String#to_i: optional leading blanks and sign, then digits; 0 when none.
qint64 rubyToI(const QString& s)
{
    qsizetype i = 0;
    while (i < s.size() && s.at(i).isSpace())
        ++i;
    bool negative = false;
    if (i < s.size() && (s.at(i) == QLatin1Char('-') || s.at(i) == QLatin1Char('+')))
        negative = s.at(i++) == QLatin1Char('-');
    qint64 n = 0;
    while (i < s.size() && s.at(i).isDigit() && n < (qint64(1) << 40))
        n = n * 10 + s.at(i++).digitValue();
    return negative ? -n : n;
}

// dry-types' params integer: what Integer(value, 10) accepts.
std::optional<qint64> paramsInteger(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^\\s*[+-]?\\d+\\s*$"));
    if (!re.match(s).hasMatch())
        return std::nullopt;
    return rubyToI(s);
}

// Rails' Hash#to_query: keys sorted, CGI-escaped.
QString toQuery(const QMap<QString, QString>& params)
{
    QStringList parts;
    for (auto it = params.begin(); it != params.end(); ++it) {
        auto esc = [](const QString& s) {
            return QString::fromLatin1(QUrl::toPercentEncoding(s).replace("%20", "+"));
        };
        parts << esc(it.key()) + QLatin1Char('=') + esc(it.value());
    }
    return parts.join(QLatin1Char('&'));
}

// render_error (application_controller.rb): errors[0].status is the integer status.
SandboxReply renderError(int status, const QString& detail, const QJsonValue& source = {},
                         std::optional<bool> authorized = true)
{
    QJsonObject e{{QStringLiteral("status"), status},
                  {QStringLiteral("title"), QStringLiteral("Error")},
                  {QStringLiteral("detail"), detail}};
    if (source.isObject())
        e.insert(QStringLiteral("source"), source);
    SandboxReply r =
        SandboxReply::json(status, QJsonObject{{QStringLiteral("errors"), QJsonArray{e}}});
    r.authorized = authorized;
    return r;
}

// render_bad_request_error (exception_handler.rb): whatever StandardError reached the handler.
SandboxReply badRequest(const QString& message)
{
    const QJsonObject e{
        {QStringLiteral("status"), 400},
        {QStringLiteral("title"), QStringLiteral("Bad Request")},
        {QStringLiteral("detail"),
         QStringLiteral("There was a problem with the request format: ") + message},
        {QStringLiteral("source"),
         QJsonObject{{QStringLiteral("pointer"), QStringLiteral("/request/payload")}}}};
    return withAuth(SandboxReply::json(400, QJsonObject{{QStringLiteral("errors"), QJsonArray{e}}}),
                    true);
}

// validate_contract: the dry-validation errors hash, 400.
SandboxReply contractFailure(const QJsonObject& errors)
{
    return withAuth(SandboxReply::json(400, QJsonObject{{QStringLiteral("errors"), errors}}), true);
}

// What Rails answers outside the controller (routing errors, exceptions raised before
// handle_with_exception wraps the action): the public-exceptions JSON.
SandboxReply railsPublic(int status, std::optional<bool> authorized = std::nullopt)
{
    SandboxReply r =
        SandboxReply::json(status, QJsonObject{{QStringLiteral("status"), status},
                                               {QStringLiteral("error"), reasonPhrase(status)}});
    r.authorized = authorized;
    return r;
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
    FDescription,
    FDescriptionWord,
    FAuthHeader,
};

// An entry of the list order: updated_at descending (model default scope), id descending on ties.
struct OrderKey
{
    qint64 updatedMs;
    int index;
};
bool before(const OrderKey& a, const OrderKey& b)
{
    return a.updatedMs != b.updatedMs ? a.updatedMs > b.updatedMs : a.index > b.index;
}

class AiSquaredHandler final : public VendorHandler
{
public:
    QString vendorId() const override { return QString::fromLatin1(kVendor); }

    void reset(const SandboxOptions& options) override
    {
        m_options = options;
        m_store.reset(options.connectors, [this](int i) { return generate(i); });
        m_updatedMs.clear();
        m_order.clear();
        m_orderBuilt = false;
        m_lastWriteMs = 0;
        m_churnPerPage = 0;
    }

    QString configError(const QJsonObject& settings) const override
    {
        const QJsonValue churn = settings.value(QLatin1String("aisquaredChurnPerPage"));
        if (!churn.isUndefined() &&
            (!churn.isDouble() || churn.toDouble() != double(churn.toInteger()) ||
             churn.toInteger() < 0 || churn.toInteger() > 1000000))
            return QStringLiteral("aisquaredChurnPerPage must be an integer from 0 to 1000000");
        return {};
    }

    // "aisquaredChurnPerPage": N connectors edited "concurrently" after every list page.
    void configure(const QJsonObject& settings) override
    {
        const QJsonValue churn = settings.value(QLatin1String("aisquaredChurnPerPage"));
        if (churn.isDouble())
            m_churnPerPage = int(churn.toInteger());
    }

    SandboxReply handle(const SandboxRequest& request) override;

    SandboxReply faultReply(int status, std::optional<qint64> retryAfterSeconds,
                            const SandboxRequest&) override
    {
        SandboxReply r;
        if (status == 429) // rack_attack.rb throttled_response
            r = SandboxReply::json(429, QJsonObject{{QStringLiteral("error"),
                                                     QStringLiteral("Too many requests. Please "
                                                                    "try again later.")}});
        else if (status == 400)
            r = badRequest(QStringLiteral("request rejected"));
        else if (status >= 500)
            r = railsPublic(status);
        else
            r = renderError(status, reasonPhrase(status));
        if (retryAfterSeconds)
            r.headers.append(
                {QByteArrayLiteral("Retry-After"), QByteArray::number(*retryAfterSeconds)});
        r.authorized.reset();
        return r;
    }

    QJsonArray state() const override { return m_store.all(); }

private:
    const Kind& kindOf(int index) const
    {
        return seed::pickFrom(kinds(), m_options.seed, kVendor, index, FKind);
    }
    QString generatedType(int index) const
    {
        const Kind& k = kindOf(index);
        if (k.sourceSpec && k.destinationSpec)
            return seed::chance(m_options.seed, kVendor, index, FType, 60) ? kSource : kDestination;
        return k.sourceSpec ? kSource : kDestination;
    }
    QString typeOf(int index) const
    {
        if (const QJsonObject* e = m_store.edited(index))
            return e->value(QLatin1String("connector_type")).toString();
        return generatedType(index);
    }
    qint64 updatedMsOf(int index) const
    {
        const auto it = m_updatedMs.constFind(index);
        if (it != m_updatedMs.cend())
            return it.value();
        return qMax(seed::timestampMs(m_options.seed, kVendor, index, FCreated),
                    seed::timestampMs(m_options.seed, kVendor, index, FUpdated));
    }
    quint64 draw(int index, int field) const
    {
        return seed::hash(m_options.seed, kVendor, index, field);
    }

    QJsonObject generate(int index) const;
    QJsonObject configurationFor(const Kind& kind, const QString& type, int index) const;
    QJsonObject resource(const QJsonObject& stored) const;
    void buildOrder() const;
    // Stores a changed record with a fresh updated_at and moves it to the front of the order.
    void touch(int index, QJsonObject record);

    SandboxReply list(const SandboxRequest& request, const QMap<QString, QString>& query);
    SandboxReply update(int index, const QJsonObject& connector, bool readOnly);
    int indexOf(qint64 id) const;

    SandboxOptions m_options;
    SeededStore m_store;
    QHash<int, qint64> m_updatedMs;        // updated_at of edited records, ms since the epoch
    mutable std::vector<OrderKey> m_order; // built on the first list, kept sorted by before()
    mutable bool m_orderBuilt = false;
    qint64 m_lastWriteMs = 0;
    int m_churnPerPage = 0;
};

QJsonObject AiSquaredHandler::configurationFor(const Kind& kind, const QString& type,
                                               int index) const
{
    const QString word =
        seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FDatabase).toLower();
    const QString user =
        QStringLiteral("svc_") +
        seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FUser).toLower();
    const QString password = QStringLiteral("pw-") + hex(draw(index, FPassword), 16);
    const QString host = hex(draw(index, FHost), 6);
    auto credentials = [&](const QString& username) {
        return QJsonObject{{QStringLiteral("auth_type"), QStringLiteral("username/password")},
                           {QStringLiteral("username"), username},
                           {QStringLiteral("password"), password}};
    };
    if (kind.name == QLatin1String("Postgresql")) {
        QJsonObject c{
            {QStringLiteral("credentials"), credentials(user)},
            {QStringLiteral("host"), QStringLiteral("pg-%1.db.acme-corp.internal").arg(host)},
            {QStringLiteral("port"), QStringLiteral("5432")},
            {QStringLiteral("database"), word},
            {QStringLiteral("schema"), QStringLiteral("public")}};
        if (type == kSource)
            c.insert(QStringLiteral("data_type"), QStringLiteral("structured"));
        return c;
    }
    if (kind.name == QLatin1String("Snowflake"))
        return {{QStringLiteral("credentials"), credentials(user.toUpper())},
                {QStringLiteral("host"), QStringLiteral("%1.eu-west-1.aws.snowflakecomputing.com")
                                             .arg(hex(draw(index, FAccount), 7))},
                {QStringLiteral("role"), QStringLiteral("TRANSFORMER")},
                {QStringLiteral("warehouse"), word.toUpper() + QStringLiteral("_WH")},
                {QStringLiteral("database"), word.toUpper()},
                {QStringLiteral("schema"), QStringLiteral("PUBLIC")}};
    if (kind.name == QLatin1String("SalesforceCrm"))
        return {
            {QStringLiteral("access_token"),
             QStringLiteral("00D5g000004Xy2J!AQ0AQ") + hex(draw(index, FToken), 16)},
            {QStringLiteral("refresh_token"),
             QStringLiteral("5Aep861") + hex(draw(index, FSecret), 16)},
            {QStringLiteral("instance_url"),
             QStringLiteral("https://acme-corp-%1.my.salesforce.com").arg(host)},
            {QStringLiteral("client_id"), QStringLiteral("3MVG9") + hex(draw(index, FAccount), 16)},
            {QStringLiteral("client_secret"), hex(seed::mix(draw(index, FSecret)), 16).toUpper()}};
    if (kind.name == QLatin1String("Http")) {
        // Http has no secret property: its headers, an Authorization one included, are shown.
        QJsonObject headers{{QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
        if (seed::chance(m_options.seed, kVendor, index, FAuthHeader, 50))
            headers.insert(QStringLiteral("Authorization"),
                           QStringLiteral("Bearer tok_") + hex(draw(index, FToken), 16));
        return {{QStringLiteral("destination_url"),
                 QStringLiteral("https://hooks.acme-corp.example/ingest/%1").arg(host)},
                {QStringLiteral("headers"), headers}};
    }
    return {{QStringLiteral("api_token"), QStringLiteral("xoxb-%1-%2")
                                              .arg(draw(index, FAccount) % 1000000000000ull)
                                              .arg(hex(draw(index, FToken), 16))},
            {QStringLiteral("channel_id"), QStringLiteral("C0") + host.toUpper()}};
}

// Stored form: the attributes flattened next to the id, configuration unmasked.
QJsonObject AiSquaredHandler::generate(int index) const
{
    const Kind& kind = kindOf(index);
    const QString type = generatedType(index);
    const QDateTime a = seed::timestamp(m_options.seed, kVendor, index, FCreated);
    const QDateTime b = seed::timestamp(m_options.seed, kVendor, index, FUpdated);
    const QString name = seed::displayName(m_options.seed, kVendor, index);
    const QJsonValue description =
        seed::chance(m_options.seed, kVendor, index, FDescription, 20)
            ? QJsonValue()
            : QJsonValue(QStringLiteral("%1 %2 for the %3 team")
                             .arg(kind.name,
                                  type == kSource ? QStringLiteral("source")
                                                  : QStringLiteral("destination"),
                                  seed::pickFrom(seed::words(), m_options.seed, kVendor, index,
                                                 FDescriptionWord)));
    return {{QStringLiteral("id"), QString::number(index)},
            {QStringLiteral("name"), name},
            {QStringLiteral("description"), description},
            {QStringLiteral("connector_type"), type},
            {QStringLiteral("workspace_id"), kWorkspace},
            {QStringLiteral("created_at"), seed::iso(qMin(a, b))},
            {QStringLiteral("updated_at"), seed::iso(qMax(a, b))},
            {QStringLiteral("configuration"), configurationFor(kind, type, index)},
            {QStringLiteral("connector_name"), kind.name}};
}

// ConnectorSerializer: JSON:API resource; configuration is Connector#masked_configuration; icon
// is the definition's (BaseConnector#meta_data: the icon's raw GitHub URL).
QJsonObject AiSquaredHandler::resource(const QJsonObject& stored) const
{
    const QString type = stored.value(QLatin1String("connector_type")).toString();
    const QString name = stored.value(QLatin1String("connector_name")).toString();
    QJsonObject attributes = stored;
    attributes.remove(QStringLiteral("id"));
    attributes.insert(
        QStringLiteral("configuration"),
        maskSecrets(stored.value(QLatin1String("configuration")), secretKeys(type, name)));
    const Kind* kind = kindNamed(name);
    attributes.insert(
        QStringLiteral("icon"),
        QStringLiteral("https://raw.githubusercontent.com/Multiwoven/multiwoven/main/integrations/"
                       "lib/multiwoven/integrations/%1/%2/icon.svg")
            .arg(type, kind ? kind->folder : name.toLower()));
    return {{QStringLiteral("id"), stored.value(QLatin1String("id"))},
            {QStringLiteral("type"), QStringLiteral("connectors")},
            {QStringLiteral("attributes"), attributes}};
}

void AiSquaredHandler::buildOrder() const
{
    if (m_orderBuilt)
        return;
    m_order.clear();
    m_order.reserve(size_t(m_store.count()));
    for (int i = 1; i <= m_store.count(); ++i)
        m_order.push_back({updatedMsOf(i), i});
    std::sort(m_order.begin(), m_order.end(), before);
    m_orderBuilt = true;
}

void AiSquaredHandler::touch(int index, QJsonObject record)
{
    // The wall clock, but never earlier than the seed data or the previous write: an edit sorts
    // first even on a machine whose clock is behind 2026-11.
    const qint64 now =
        qMax(QDateTime::currentMSecsSinceEpoch(), qMax(seed::kEpochMs, m_lastWriteMs + 1));
    m_lastWriteMs = now;
    if (m_orderBuilt) {
        const OrderKey old{updatedMsOf(index), index};
        const auto it = std::lower_bound(m_order.begin(), m_order.end(), old, before);
        if (it != m_order.end() && it->index == index)
            m_order.erase(it);
        const OrderKey fresh{now, index};
        m_order.insert(std::lower_bound(m_order.begin(), m_order.end(), fresh, before), fresh);
    }
    m_updatedMs.insert(index, now);
    record.insert(QStringLiteral("updated_at"),
                  seed::iso(QDateTime::fromMSecsSinceEpoch(now, Qt::UTC)));
    m_store.store(index, record);
}

int AiSquaredHandler::indexOf(qint64 id) const
{
    return id >= 1 && id <= m_store.count() ? int(id) : 0;
}

SandboxReply AiSquaredHandler::handle(const SandboxRequest& request)
{
    // Routing comes first (config/routes.rb): an unknown path is Rails' 404, whoever asks.
    const QStringList& s = request.segments;
    const bool prefix = s.size() >= 3 && s[0] == QLatin1String("api") &&
                        s[1] == QLatin1String("v1") && s[2] == QLatin1String("connectors");
    const bool collection = prefix && s.size() == 3;
    const bool item = prefix && s.size() == 4 && !s[3].isEmpty();
    if (!collection && !item)
        return railsPublic(404);
    const QByteArray& method = request.method;
    const bool write = item && (method == "PUT" || method == "PATCH");
    if ((collection && method != "GET") || (item && method != "GET" && !write)) {
        SandboxReply r = railsPublic(405);
        r.headers.append({QByteArrayLiteral("Allow"),
                          item ? QByteArrayLiteral("GET, PUT, PATCH") : QByteArrayLiteral("GET")});
        return r;
    }

    // before_action :authenticate_user!
    const QByteArray token = bearerToken(request);
    if (token.isEmpty() || (token != m_options.key && token != m_options.readOnlyKey))
        return renderError(401, QStringLiteral("Unauthorized"), {}, false);
    const bool readOnly = token != m_options.key;

    // Rails params: the query string, plus a JSON body when the request says it is JSON. A body
    // that does not parse raises in validate_contract, outside handle_with_exception.
    QMap<QString, QString> query;
    for (const auto& [k, v] : request.query.queryItems(QUrl::FullyDecoded))
        query.insert(k, v);
    QJsonObject body;
    bool bodyHasConnectorKey = false;
    if (write && hasJsonContentType(request) && !request.body.trimmed().isEmpty()) {
        const std::optional<QJsonValue> parsed = parseBody(request.body);
        if (!parsed)
            return withAuth(railsPublic(400), true);
        body = parsed->toObject(); // an array lands in params[:_json]: nothing to wrap
        bodyHasConnectorKey = body.contains(QLatin1String("connector"));
    }

    // before_action :validate_contract (ConnectorContracts::Index / Show / Update).
    if (collection) {
        if (query.contains(QStringLiteral("type"))) {
            const QString type = query.value(QStringLiteral("type"));
            if (type.isEmpty())
                return contractFailure(
                    {{QStringLiteral("type"), QJsonArray{QStringLiteral("must be filled")}}});
            if (type.toLower() != kSource && type.toLower() != kDestination)
                return contractFailure(
                    {{QStringLiteral("type"), QJsonArray{QStringLiteral("invalid type")}}});
        }
    }
    QJsonObject errors;
    const std::optional<qint64> id = item ? paramsInteger(s[3]) : std::nullopt;
    if (item && !id)
        errors.insert(QStringLiteral("id"), QJsonArray{QStringLiteral("must be an integer")});
    QJsonObject connector;
    if (write) {
        // wrap_parameters (Rails 7.1 default): a JSON body without "connector" is wrapped under
        // it, keeping only Connector's attribute names.
        QJsonValue connectorValue(QJsonValue::Undefined);
        if (bodyHasConnectorKey) {
            connectorValue = body.value(QLatin1String("connector"));
        } else if (hasJsonContentType(request)) {
            static const QStringList attributes = {QStringLiteral("id"),
                                                   QStringLiteral("workspace_id"),
                                                   QStringLiteral("connector_type"),
                                                   QStringLiteral("connector_definition_id"),
                                                   QStringLiteral("configuration"),
                                                   QStringLiteral("name"),
                                                   QStringLiteral("created_at"),
                                                   QStringLiteral("updated_at"),
                                                   QStringLiteral("connector_name"),
                                                   QStringLiteral("description"),
                                                   QStringLiteral("connector_category"),
                                                   QStringLiteral("connector_sub_category")};
            QJsonObject wrapped;
            for (const QString& a : attributes) {
                if (body.contains(a))
                    wrapped.insert(a, body.value(a));
            }
            connectorValue = wrapped;
        }
        QJsonObject fieldErrors;
        if (connectorValue.isUndefined()) {
            errors.insert(QStringLiteral("connector"), QJsonArray{QStringLiteral("is missing")});
        } else if (!connectorValue.isObject()) {
            errors.insert(QStringLiteral("connector"),
                          QJsonArray{QStringLiteral("must be a hash")});
        } else {
            connector = connectorValue.toObject();
            for (const char* key : {"name", "connector_name", "connector_type"}) {
                const QJsonValue v = connector.value(QLatin1String(key));
                if (v.isUndefined())
                    continue;
                if (v.isNull() || (v.isString() && v.toString().isEmpty()))
                    fieldErrors.insert(QLatin1String(key),
                                       QJsonArray{QStringLiteral("must be filled")});
                else if (!v.isString())
                    fieldErrors.insert(QLatin1String(key),
                                       QJsonArray{QStringLiteral("must be a string")});
            }
            const QJsonValue configuration = connector.value(QLatin1String("configuration"));
            if (!configuration.isUndefined()) {
                if (configuration.isNull() ||
                    (configuration.isObject() && configuration.toObject().isEmpty()))
                    fieldErrors.insert(QStringLiteral("configuration"),
                                       QJsonArray{QStringLiteral("must be filled")});
                else if (!configuration.isObject())
                    fieldErrors.insert(QStringLiteral("configuration"),
                                       QJsonArray{QStringLiteral("must be a hash")});
            }
            // The rules run only on keys whose schema passed.
            const QJsonValue type = connector.value(QLatin1String("connector_type"));
            if (type.isString() && !fieldErrors.contains(QLatin1String("connector_type"))) {
                const QString t = type.toString().toLower();
                const QString name = connector.value(QLatin1String("connector_name")).toString();
                QJsonArray messages;
                if (t != kSource && t != kDestination)
                    messages.append(QStringLiteral("invalid connector type"));
                else if (t == kSource && !enabledSources().contains(name))
                    messages.append(QStringLiteral("invalid connector source name"));
                else if (t == kDestination && !enabledDestinations().contains(name))
                    messages.append(QStringLiteral("invalid connector destination name"));
                if (!messages.isEmpty())
                    fieldErrors.insert(QStringLiteral("connector_type"), messages);
            }
        }
        if (!fieldErrors.isEmpty())
            errors.insert(QStringLiteral("connector"), fieldErrors);
    }
    if (!errors.isEmpty())
        return contractFailure(errors);

    // current_workspace: "Workspace not found" is a StandardError, answered 400.
    const QString workspace = QString::fromLatin1(request.header("workspace-id"));
    static const QRegularExpression numeric(QStringLiteral("^\\s*[+-]?\\d"));
    if (!numeric.match(workspace).hasMatch() || rubyToI(workspace) != kWorkspace)
        return badRequest(QStringLiteral("Workspace not found"));

    if (collection)
        return list(request, query);
    // set_connector
    const int index = indexOf(*id);
    if (index == 0)
        return renderError(404, QStringLiteral("Connector not found"));
    if (!write)
        return SandboxReply::json(
            200, QJsonObject{{QStringLiteral("data"), resource(m_store.record(index))}});
    return update(index, connector, readOnly);
}

// index: current_workspace.connectors (updated_at desc), optional type scope, Kaminari paging,
// JSON:API links as custom_pagination_links.rb builds them.
SandboxReply AiSquaredHandler::list(const SandboxRequest& request,
                                    const QMap<QString, QString>& query)
{
    const QString type = query.value(QStringLiteral("type")).toLower();
    const qint64 page = qMax<qint64>(1, rubyToI(query.value(QStringLiteral("page"))));
    int perPage = kDefaultPerPage;
    if (query.contains(QStringLiteral("per_page"))) {
        const QString text = query.value(QStringLiteral("per_page"));
        const qint64 n = rubyToI(text);
        if (n >= 0 && !text.isEmpty() && text.at(0).isDigit()) {
            if (n == 0) // Kaminari::ZeroPerPageOperation, a StandardError
                return badRequest(QStringLiteral(
                    "The number of total pages was incalculable. Perhaps you called .per(0)?"));
            perPage = int(qMin<qint64>(n, 1 << 30));
        }
    }

    buildOrder();
    std::vector<int> matching;
    if (type.isEmpty()) {
        matching.reserve(m_order.size());
        for (const OrderKey& k : m_order)
            matching.push_back(k.index);
    } else {
        for (const OrderKey& k : m_order) {
            if (typeOf(k.index) == type)
                matching.push_back(k.index);
        }
    }
    const qint64 total = qint64(matching.size());
    const qint64 totalPages = (total + perPage - 1) / perPage;
    QJsonArray data;
    const qint64 first = (page - 1) * perPage;
    for (qint64 i = first; i < qMin<qint64>(first + perPage, total); ++i)
        data.append(resource(m_store.record(matching[size_t(i)])));

    const QString url = origin(request) + QStringLiteral("/aisquared/api/v1/connectors");
    auto link = [&](qint64 p) -> QJsonValue {
        QMap<QString, QString> q = query;
        q.insert(QStringLiteral("page"), QString::number(p));
        q.insert(QStringLiteral("per_page"), QString::number(perPage));
        return url + QLatin1Char('?') + toQuery(q);
    };
    const bool lastPage = page == totalPages;
    const QJsonObject links{
        {QStringLiteral("self"), url + QLatin1Char('?') + toQuery(query)},
        {QStringLiteral("first"), link(1)},
        {QStringLiteral("prev"), page == 1 ? QJsonValue() : link(page - 1)},
        {QStringLiteral("next"), !lastPage && totalPages > 1 ? link(page + 1) : QJsonValue()},
        {QStringLiteral("last"), link(qMax<qint64>(totalPages, 1))}};
    const SandboxReply reply = SandboxReply::json(
        200, QJsonObject{{QStringLiteral("data"), data}, {QStringLiteral("links"), links}});

    // The churn knob: connectors "edited by someone else" right after this page was served. The
    // ones currently last in this order move to the front, so a naive page walk skips some and
    // sees others twice.
    const qint64 churn = qMin<qint64>(m_churnPerPage, total);
    std::vector<int> bumped(matching.end() - churn, matching.end());
    std::reverse(bumped.begin(), bumped.end());
    for (const int index : bumped)
        touch(index, m_store.record(index));
    return reply;
}

// update: authorize (viewer → 403), connector_params (blank → 422 param missing), then
// Connector#update with the model's validations (→ 422 "Connector update failed").
SandboxReply AiSquaredHandler::update(int index, const QJsonObject& connector, bool readOnly)
{
    if (readOnly)
        return renderError(403, QStringLiteral("You are not authorized to do this action"));
    if (connector.isEmpty()) // ActionController::ParameterMissing
        return withAuth(
            SandboxReply::json(422, QJsonObject{{QStringLiteral("error"),
                                                 QStringLiteral("param is missing or the value is "
                                                                "empty: connector")}}),
            true);
    if (connector.contains(QLatin1String("query_type"))) // permitted, but not an attribute
        return badRequest(QStringLiteral("unknown attribute 'query_type' for Connector."));

    const QJsonObject old = m_store.record(index);
    QJsonObject updated = old;
    // permit(:name, :connector_name, :connector_type, :description, configuration: {}); the
    // contract already made name/connector_name/connector_type non-empty strings.
    for (const char* key : {"name", "connector_name"}) {
        const QJsonValue v = connector.value(QLatin1String(key));
        if (v.isString())
            updated.insert(QLatin1String(key), v);
    }
    const QJsonValue type = connector.value(QLatin1String("connector_type"));
    if (type.isString()) {
        if (type.toString() != kSource && type.toString() != kDestination) // enum assignment
            return badRequest(
                QStringLiteral("'%1' is not a valid connector_type").arg(type.toString()));
        updated.insert(QStringLiteral("connector_type"), type);
    }
    const QJsonValue description = connector.value(QLatin1String("description"));
    if (description.isString() || description.isNull()) {
        updated.insert(QStringLiteral("description"), description);
    } else if (description.isBool()) { // ActiveModel::Type::String
        updated.insert(QStringLiteral("description"),
                       description.toBool() ? QStringLiteral("t") : QStringLiteral("f"));
    } else if (description.isDouble()) {
        const double d = description.toDouble();
        updated.insert(QStringLiteral("description"),
                       d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d));
    } // arrays and objects are not permitted scalars: dropped
    if (connector.value(QLatin1String("configuration")).isObject()) // stored exactly as sent
        updated.insert(QStringLiteral("configuration"),
                       connector.value(QLatin1String("configuration")));

    // The model's validations; format_errors keeps each attribute's first message.
    const QString newType = updated.value(QLatin1String("connector_type")).toString();
    const QString newName = updated.value(QLatin1String("connector_name")).toString();
    QJsonObject invalid;
    if (updated.value(QLatin1String("configuration")).toObject().isEmpty())
        invalid.insert(QStringLiteral("configuration"), QStringLiteral("can't be blank"));
    const QJsonObject* spec = specFor(newType, newName);
    if (!spec)
        return badRequest(QStringLiteral("the sandbox has no connection_specification for %1 %2")
                              .arg(newType, newName));
    if (!invalid.contains(QLatin1String("configuration")) &&
        !matchesSchema(updated.value(QLatin1String("configuration")), *spec))
        invalid.insert(QStringLiteral("configuration"), QStringLiteral("is invalid"));
    if (updated.value(QLatin1String("name")).toString().trimmed().isEmpty())
        invalid.insert(QStringLiteral("name"), QStringLiteral("can't be blank"));
    if (newName.trimmed().isEmpty())
        invalid.insert(QStringLiteral("connector_name"), QStringLiteral("can't be blank"));
    if (!invalid.isEmpty())
        return renderError(422, QStringLiteral("Connector update failed"), invalid);

    if (updated != old) // Rails saves (and moves updated_at) only when something changed
        touch(index, updated);
    return SandboxReply::json(
        200, QJsonObject{{QStringLiteral("data"), resource(m_store.record(index))}});
}

} // namespace

std::unique_ptr<VendorHandler> makeAiSquaredHandler()
{
    return std::make_unique<AiSquaredHandler>();
}

} // namespace sandbox
