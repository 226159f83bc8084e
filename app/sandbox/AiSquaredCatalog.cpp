#include "AiSquaredCatalog.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QVariant>

#include <algorithm>

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

struct Parsed
{
    QJsonObject definition;
    QJsonObject spec; // the definition's connector_spec.connection_specification
};

QString key(const QString& type, const QString& name)
{
    return type + QLatin1Char('/') + name;
}

Parsed parse(const Kind& kind, const QString& type, const DefinitionText& text)
{
    Parsed p;
    p.definition = QJsonDocument::fromJson(text.meta).object();
    p.definition.insert(
        QStringLiteral("icon"),
        QStringLiteral("https://raw.githubusercontent.com/Multiwoven/multiwoven/main/integrations/"
                       "lib/multiwoven/integrations/%1/%2/%3")
            .arg(type, kind.folder, p.definition.value(QLatin1String("icon")).toString()));
    QJsonObject connectorSpec = QJsonDocument::fromJson(text.spec).object();
    for (const char* flag : {"supports_normalization", "supports_dbt"}) {
        if (!connectorSpec.contains(QLatin1String(flag)))
            connectorSpec.insert(QLatin1String(flag), false);
    }
    p.definition.insert(QStringLiteral("connector_spec"), connectorSpec);
    p.spec = connectorSpec.value(QLatin1String("connection_specification")).toObject();
    return p;
}

const QHash<QString, Parsed>& parsed()
{
    static const QHash<QString, Parsed> h = [] {
        QHash<QString, Parsed> out;
        for (const Kind& k : kinds()) {
            if (k.source.exists())
                out.insert(key(kSource, k.name), parse(k, kSource, k.source));
            if (k.destination.exists())
                out.insert(key(kDestination, k.name), parse(k, kDestination, k.destination));
        }
        return out;
    }();
    return h;
}

} // namespace

const Kind* kindNamed(const QString& name)
{
    for (const Kind& k : kinds()) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

const QJsonObject* definitionFor(const QString& type, const QString& name)
{
    const auto it = parsed().constFind(key(type, name));
    return it == parsed().cend() ? nullptr : &it->definition;
}

QJsonArray definitionsOf(const QString& type)
{
    QJsonArray out;
    for (const QString& name : type == kSource ? enabledSources() : enabledDestinations()) {
        if (const QJsonObject* d = definitionFor(type, name))
            out.append(*d);
    }
    return out;
}

const QJsonObject* specFor(const QString& type, const QString& name)
{
    const auto it = parsed().constFind(key(type, name));
    return it == parsed().cend() ? nullptr : &it->spec;
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

namespace {

QString compactJson(const QJsonValue& v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    // A scalar: serialised inside an array, brackets dropped.
    const QByteArray a = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(a.mid(1, a.size() - 2));
}

// json_schemer's way of naming an instance location.
QString where(const QString& pointer)
{
    return pointer.isEmpty() ? QStringLiteral("root")
                             : QLatin1Char('`') + pointer + QLatin1Char('`');
}

bool hasType(const QJsonValue& v, const QString& type)
{
    if (type == QLatin1String("string"))
        return v.isString();
    if (type == QLatin1String("integer"))
        return v.isDouble() && v.toDouble() == double(v.toInteger());
    if (type == QLatin1String("number"))
        return v.isDouble();
    if (type == QLatin1String("boolean"))
        return v.isBool();
    if (type == QLatin1String("object"))
        return v.isObject();
    if (type == QLatin1String("array"))
        return v.isArray();
    if (type == QLatin1String("null"))
        return v.isNull();
    return true;
}

QString typeError(const QJsonValue& v, const QJsonValue& type, const QString& at)
{
    const QStringList types = type.isArray()
                                  ? QVariant(type.toArray().toVariantList()).toStringList()
                                  : QStringList{type.toString()};
    if (type.isUndefined() ||
        std::any_of(types.begin(), types.end(), [&](const QString& t) { return hasType(v, t); }))
        return {};
    QStringList named;
    for (const QString& t : types)
        named << (t == QLatin1String("null") ? t
                  : t == QLatin1String("integer") || t == QLatin1String("object") ||
                          t == QLatin1String("array")
                      ? QStringLiteral("an ") + t
                      : QStringLiteral("a ") + t);
    return QStringLiteral("value at %1 is not %2")
        .arg(where(at), named.join(QStringLiteral(" or ")));
}

QString schemaErrorAt(const QJsonValue& v, const QJsonObject& schema, const QString& at)
{
    QString e = typeError(v, schema.value(QLatin1String("type")), at);
    if (!e.isEmpty())
        return e;
    if (schema.contains(QLatin1String("const")) && v != schema.value(QLatin1String("const")))
        return QStringLiteral("value at %1 is not: %2")
            .arg(where(at), compactJson(schema.value(QLatin1String("const"))));
    if (schema.contains(QLatin1String("enum")) &&
        !schema.value(QLatin1String("enum")).toArray().contains(v))
        return QStringLiteral("value at %1 is not one of: %2")
            .arg(where(at), compactJson(schema.value(QLatin1String("enum"))));
    if (schema.contains(QLatin1String("oneOf"))) {
        int matching = 0;
        for (const QJsonValue& alt : schema.value(QLatin1String("oneOf")).toArray())
            matching += schemaErrorAt(v, alt.toObject(), at).isEmpty() ? 1 : 0;
        if (matching != 1)
            return QStringLiteral("value at %1 does not match exactly one `oneOf` schema")
                .arg(where(at));
    }
    if (v.isDouble()) {
        const QJsonValue min = schema.value(QLatin1String("minimum"));
        const QJsonValue max = schema.value(QLatin1String("maximum"));
        if (min.isDouble() && v.toDouble() < min.toDouble())
            return QStringLiteral("number at %1 is less than: %2").arg(where(at), compactJson(min));
        if (max.isDouble() && v.toDouble() > max.toDouble())
            return QStringLiteral("number at %1 is greater than: %2")
                .arg(where(at), compactJson(max));
    }
    if (schema.value(QLatin1String("if")).isObject()) {
        const bool taken =
            schemaErrorAt(v, schema.value(QLatin1String("if")).toObject(), at).isEmpty();
        const QJsonValue branch =
            schema.value(taken ? QLatin1String("then") : QLatin1String("else"));
        if (branch.isObject() && !(e = schemaErrorAt(v, branch.toObject(), at)).isEmpty())
            return e;
    }
    if (v.isArray() && schema.value(QLatin1String("items")).isObject()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            e = schemaErrorAt(a.at(i), schema.value(QLatin1String("items")).toObject(),
                              at + QLatin1Char('/') + QString::number(i));
            if (!e.isEmpty())
                return e;
        }
    }
    if (!v.isObject())
        return {};
    const QJsonObject o = v.toObject();
    QStringList missing;
    for (const QJsonValue& r : schema.value(QLatin1String("required")).toArray()) {
        if (!o.contains(r.toString()))
            missing << r.toString();
    }
    if (!missing.isEmpty())
        return QStringLiteral("object at %1 is missing required properties: %2")
            .arg(where(at), missing.join(QStringLiteral(", ")));
    const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
    const QJsonValue additional = schema.value(QLatin1String("additionalProperties"));
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString inner = at + QLatin1Char('/') + it.key();
        if (properties.contains(it.key()))
            e = schemaErrorAt(it.value(), properties.value(it.key()).toObject(), inner);
        else if (additional.isObject())
            e = schemaErrorAt(it.value(), additional.toObject(), inner);
        else if (additional.isBool() && !additional.toBool())
            e = QStringLiteral("object property at %1 is a disallowed additional property")
                    .arg(where(inner));
        if (!e.isEmpty())
            return e;
    }
    return {};
}

} // namespace

QString schemaError(const QJsonValue& v, const QJsonObject& schema)
{
    return schemaErrorAt(v, schema, {});
}

} // namespace sandbox::aisquared
