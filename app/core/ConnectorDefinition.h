#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>

namespace ca {

// One property of an object schema, as a form shows it.
struct SchemaProperty
{
    QString key;        // "password"
    QString pointer;    // in the configuration: "/credentials/password"
    QJsonObject schema; // the property's own schema
    bool required = false;
    bool secret = false; // multiwoven_secret
    int order = 0;       // "order", or after every ordered property (in schema order)
};

// An AI Squared (Multiwoven) connector kind's definition, as GET
// /api/v1/connector_definitions/{name}?type=… answers it (integrations/lib/multiwoven/
// integrations/service.rb: meta.json's data plus connector_spec). Its connection_specification
// is the JSON Schema (draft-07) of a connector's `configuration`; the properties flagged
// `multiwoven_secret: true`, at any depth, are the secrets the server masks (Connector#
// masked_configuration: every key of such a name at any depth). No secret is ever in one.
// Widget-free and network-free.
struct ConnectorDefinition
{
    QString type;  // "source" | "destination"
    QString name;  // "Postgresql": the connector's connector_name
    QString title; // "PostgreSQL"
    QString documentationUrl;
    QJsonObject specification; // connector_spec.connection_specification
    QJsonObject raw;           // the definition as read (the disk cache keeps this)

    bool isValid() const { return !name.isEmpty() && !specification.isEmpty(); }

    // One definition object. An unknown name answers `[]` (the controller), which reaches the
    // client as `{"data": []}` (Multiwoven's own request spec): invalid, *error says so;
    // another shape: invalid with what is wrong.
    static ConnectorDefinition fromJson(const QJsonValue& value, QString* error = nullptr);
    // Whether an answer to GET …/connector_definitions/{name} says there is no such kind.
    static bool isNoSuchKind(const QJsonValue& answer);

    // Names flagged multiwoven_secret anywhere in the specification.
    const QSet<QString>& secretKeyNames() const { return m_secretNames; }
    // The specification's flagged properties, as pointers into the configuration
    // ("/credentials/password"), in property order.
    const QStringList& secretPropertyPointers() const { return m_secretPointers; }
    // The secret paths of one configuration, prefixed by `prefix` ("/configuration"): every key of
    // a secret name at any depth of `configuration` (as the server masks them), plus the flagged
    // properties the configuration does not hold yet. Sorted.
    QStringList secretPaths(const QJsonObject& configuration, const QString& prefix) const;

    // The properties of `objectSchema` (a specification or a nested object of it) in the order a
    // form shows them: by "order", then as written. `pointer` is the object's own pointer.
    static QList<SchemaProperty> orderedProperties(const QJsonObject& objectSchema,
                                                   const QString& pointer = {});
    // The enum of a property written as oneOf [{const, title}] (or enum, titled by enumNames):
    // (value, title) pairs.
    static QList<QPair<QJsonValue, QString>> choices(const QJsonObject& propertySchema);
    // The specification as the "configuration" property of the vendor's editable-document
    // schema `documentSchema`, so one validator checks the whole edit against the vendor's own
    // specification.
    QJsonObject documentSchema(const QJsonObject& documentSchema) const;

private:
    // Read from the specification once (fromJson): secretPaths() runs for every connector of a
    // list.
    QSet<QString> m_secretNames;
    QStringList m_secretPointers;
};

} // namespace ca
