#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

// AI Squared's catalogue (Multiwoven's integrations/ and models/connector.rb): which connector
// names each connector_type enables, the sandbox's kinds with their definitions (meta.json data
// plus spec.json, the texts in AiSquaredSpecs.cpp), which configuration values are secret and how
// they are masked, and whether a configuration matches its connection_specification.
namespace sandbox::aisquared {

inline const QString kSource = QStringLiteral("source");
inline const QString kDestination = QStringLiteral("destination");

// integrations/lib/multiwoven/integrations.rb: ENABLED_SOURCES / ENABLED_DESTINATIONS.
const QStringList& enabledSources();
const QStringList& enabledDestinations();

// One connector_type of a kind as its integration ships it: config/meta.json's "data" and
// config/spec.json, as JSON texts (both null: the kind has no such type).
struct DefinitionText
{
    const char* meta = nullptr;
    const char* spec = nullptr;
    bool exists() const { return spec != nullptr; }
};

// One kind of the sandbox: the definition's name (= connector_name), its folder under
// integrations/<type>/, and its source and destination definitions.
struct Kind
{
    QString name;
    QString folder;
    DefinitionText source;
    DefinitionText destination;
};

// Every kind, in a fixed order (AiSquaredSpecs.cpp). The first kSeedKindsBefore are the kinds the
// seed drew from before the catalogue grew; the seed keeps drawing most connectors among them so
// that a seed's connectors stay what they were.
const QList<Kind>& kinds();
constexpr int kSeedKindsBefore = 5;
const Kind* kindNamed(const QString& name);

// Service.connectors' entry for (type, name): the meta.json data with its icon as the raw GitHub
// URL (BaseConnector#meta_data) and connector_spec (ConnectorSpecification#to_h: spec.json with
// supports_normalization and supports_dbt defaulting to false). nullptr: the sandbox has none.
const QJsonObject* definitionFor(const QString& type, const QString& name);
// Every definition of `type`, in ENABLED_SOURCES / ENABLED_DESTINATIONS order.
QJsonArray definitionsOf(const QString& type);

// The connection_specification of (type, connector_name), or nullptr when the sandbox has none.
const QJsonObject* specFor(const QString& type, const QString& name);

// The property names the (type, connector_name) specification flags multiwoven_secret.
QSet<QString> secretKeys(const QString& type, const QString& name);

// Connector#mask_secret_values: a key of a secret name answers the mask at any depth, whatever
// its value; arrays are walked too.
QJsonValue maskSecrets(const QJsonValue& value, const QSet<QString>& secrets);

// The draft-07 subset the specifications use: type (string, integer, number, boolean, object,
// array, null), required, properties, additionalProperties, items, const, enum, oneOf,
// minimum/maximum, if/then/else; the rest (title, order, default, readOnly, ...) annotates only.
// schemaError() says what the first mismatch is, json_schemer-style ("value at `/port` is not a
// string", "object at root is missing required properties: host"); empty when `v` matches.
QString schemaError(const QJsonValue& v, const QJsonObject& schema);
inline bool matchesSchema(const QJsonValue& v, const QJsonObject& schema)
{
    return schemaError(v, schema).isEmpty();
}

} // namespace sandbox::aisquared
