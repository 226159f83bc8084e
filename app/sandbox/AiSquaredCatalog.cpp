#include "AiSquaredCatalog.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace sandbox::aisquared {

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

namespace {

const QString kMask = QStringLiteral("*************");

// The connection_specification of the seeded kinds, trimmed to what validation and masking read
// (type, required, properties, oneOf/const, additionalProperties, multiwoven_secret); copied
// from integrations/lib/multiwoven/integrations/<type>/<kind>/config/spec.json at 8c78a572.
// The username/password object that Postgresql and Snowflake nest under "credentials" is written
// once (kCredentials) and added to their specifications when they are parsed.
const char* const kCredentials = R"json({"type":"object",
 "required":["auth_type","username","password"],
 "properties":{"auth_type":{"type":"string"},"username":{"type":"string"},
  "password":{"type":"string","multiwoven_secret":true}}})json";
const char* const kPostgresqlSource = R"json({"type":"object",
 "required":["data_type","host","port","database","schema"],
 "properties":{
  "data_type":{"type":"string","oneOf":[{"const":"structured"},{"const":"vector"}]},
  "host":{"type":"string"},"port":{"type":"string"},"database":{"type":"string"},
  "schema":{"type":"string"}}})json";
const char* const kPostgresqlDestination = R"json({"type":"object",
 "required":["host","port","database","schema"],
 "properties":{
  "host":{"type":"string"},"port":{"type":"string"},"database":{"type":"string"},
  "schema":{"type":"string"}}})json";
const char* const kSnowflakeSource = R"json({"type":"object",
 "required":["host","role","warehouse","database"],
 "properties":{
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

} // namespace

// Five real kinds (their order keeps the seed's kind draw as before); Postgresql and Snowflake
// keep their secret nested (credentials.password), Http has none.
const QList<Kind>& kinds()
{
    static const QList<Kind> k{
        {QStringLiteral("Postgresql"), QStringLiteral("postgresql"), kPostgresqlSource,
         kPostgresqlDestination, true},
        {QStringLiteral("Snowflake"), QStringLiteral("snowflake"), kSnowflakeSource, nullptr, true},
        {QStringLiteral("SalesforceCrm"), QStringLiteral("salesforce_crm"), nullptr,
         kSalesforceCrmDestination, false},
        {QStringLiteral("Http"), QStringLiteral("http"), nullptr, kHttpDestination, false},
        {QStringLiteral("Slack"), QStringLiteral("slack"), nullptr, kSlackDestination, false},
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

namespace {

QJsonObject parseSpec(const char* text, bool credentials)
{
    QJsonObject spec = QJsonDocument::fromJson(text).object();
    if (credentials) {
        QJsonObject properties = spec.value(QLatin1String("properties")).toObject();
        properties.insert(QStringLiteral("credentials"),
                          QJsonDocument::fromJson(kCredentials).object());
        spec.insert(QStringLiteral("properties"), properties);
    }
    return spec;
}

} // namespace

const QJsonObject* specFor(const QString& type, const QString& name)
{
    static const QHash<QString, QJsonObject> parsed = [] {
        QHash<QString, QJsonObject> h;
        for (const Kind& k : kinds()) {
            if (k.sourceSpec)
                h.insert(kSource + QLatin1Char('/') + k.name,
                         parseSpec(k.sourceSpec, k.credentials));
            if (k.destinationSpec)
                h.insert(kDestination + QLatin1Char('/') + k.name,
                         parseSpec(k.destinationSpec, k.credentials));
        }
        return h;
    }();
    const auto it = parsed.constFind(type + QLatin1Char('/') + name);
    return it == parsed.cend() ? nullptr : &it.value();
}

namespace {

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

} // namespace

QSet<QString> secretKeys(const QString& type, const QString& name)
{
    QSet<QString> keys;
    if (const QJsonObject* spec = specFor(type, name))
        collectSecretKeys(*spec, &keys);
    return keys;
}

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

} // namespace sandbox::aisquared
