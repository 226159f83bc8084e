#include "ConnectorDefinition.h"

#include "JsonPointer.h"

#include <QJsonArray>
#include <algorithm>
#include <limits>

namespace ca {

namespace {
const QString kProperties = QStringLiteral("properties");
const QString kSecretFlag = QStringLiteral("multiwoven_secret");

void collectSecretNames(const QJsonObject& schema, QSet<QString>* out, int depth = 0)
{
    if (depth > 32)
        return;
    const QJsonObject properties = schema.value(kProperties).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        const QJsonObject sub = it.value().toObject();
        if (sub.value(kSecretFlag).toBool())
            out->insert(it.key());
        collectSecretNames(sub, out, depth + 1);
    }
}

void collectSecretPointers(const QJsonObject& schema, const QString& pointer, QStringList* out,
                           int depth = 0)
{
    if (depth > 32)
        return;
    for (const SchemaProperty& p : ConnectorDefinition::orderedProperties(schema, pointer)) {
        if (p.secret)
            out->append(p.pointer);
        collectSecretPointers(p.schema, p.pointer, out, depth + 1);
    }
}

void collectKeysNamed(const QJsonValue& v, const QString& pointer, const QSet<QString>& names,
                      QStringList* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString child = jsonPointerAppend(pointer, it.key());
            if (names.contains(it.key()))
                out->append(child);
            else
                collectKeysNamed(it.value(), child, names, out);
        }
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            collectKeysNamed(a.at(i), jsonPointerAppend(pointer, QString::number(i)), names, out);
    }
}

// Whether a value (or one of its parents below the configuration) is not an object where the
// specification expects one: a flagged property under it cannot be added.
bool parentsAreObjects(const QJsonObject& configuration, const QString& pointer)
{
    QStringList tokens = jsonPointerTokens(pointer);
    tokens.removeLast();
    QJsonValue node = configuration;
    for (const QString& token : std::as_const(tokens)) {
        node = node.toObject().value(token);
        if (!node.isUndefined() && !node.isObject())
            return false;
        if (node.isUndefined())
            return true;
    }
    return true;
}
} // namespace

ConnectorDefinition ConnectorDefinition::fromJson(const QJsonValue& value, QString* error)
{
    ConnectorDefinition d;
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return ConnectorDefinition{};
    };
    if (isNoSuchKind(value))
        return fail(QStringLiteral("the vendor has no definition of that kind"));
    if (!value.isObject())
        return fail(QStringLiteral("expected a definition object"));
    const QJsonObject o = value.toObject();
    d.raw = o;
    d.name = o.value(QLatin1String("name")).toString();
    d.title = o.value(QLatin1String("title")).toString();
    d.type = o.value(QLatin1String("connector_type")).toString();
    d.documentationUrl = o.value(QLatin1String("documentation_url")).toString();
    const QJsonObject spec = o.value(QLatin1String("connector_spec")).toObject();
    d.specification = spec.value(QLatin1String("connection_specification")).toObject();
    if (d.name.isEmpty())
        return fail(QStringLiteral("the definition has no name"));
    if (d.specification.isEmpty())
        return fail(
            QStringLiteral("the definition has no connector_spec.connection_specification"));
    if (d.specification.contains(QLatin1String("type")) &&
        d.specification.value(QLatin1String("type")) != QLatin1String("object"))
        return fail(QStringLiteral("its connection_specification does not describe an object"));
    collectSecretNames(d.specification, &d.m_secretNames);
    collectSecretPointers(d.specification, QString(), &d.m_secretPointers);
    if (error)
        error->clear();
    return d;
}

bool ConnectorDefinition::isNoSuchKind(const QJsonValue& answer)
{
    // The controller renders [] for an unknown name; through the JSON:API serializer that
    // reaches the client as {"data": []} (spec/requests/api/v1/connector_definitions_spec.rb).
    const QJsonObject o = answer.toObject();
    const QJsonValue data = o.value(QLatin1String("data"));
    return (answer.isArray() && answer.toArray().isEmpty()) ||
           (answer.isObject() && o.size() == 1 && data.isArray() && data.toArray().isEmpty());
}

QStringList ConnectorDefinition::secretPaths(const QJsonObject& configuration,
                                             const QString& prefix) const
{
    QStringList out;
    collectKeysNamed(configuration, QString(), m_secretNames, &out);
    for (const QString& pointer : m_secretPointers) {
        if (!out.contains(pointer) && parentsAreObjects(configuration, pointer))
            out.append(pointer);
    }
    for (QString& p : out)
        p.prepend(prefix);
    out.sort();
    out.removeDuplicates();
    return out;
}

QList<SchemaProperty> ConnectorDefinition::orderedProperties(const QJsonObject& objectSchema,
                                                             const QString& pointer)
{
    QList<SchemaProperty> out;
    QSet<QString> required;
    for (const QJsonValue& r : objectSchema.value(QLatin1String("required")).toArray())
        required.insert(r.toString());
    const QJsonObject properties = objectSchema.value(kProperties).toObject();
    // QJsonObject iterates its keys sorted; "order" is what the vendor's UI follows.
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        SchemaProperty p;
        p.key = it.key();
        p.pointer = jsonPointerAppend(pointer, it.key());
        p.schema = it.value().toObject();
        p.required = required.contains(it.key());
        p.secret = p.schema.value(kSecretFlag).toBool();
        const QJsonValue order = p.schema.value(QLatin1String("order"));
        p.order = order.isDouble() ? order.toInt() : std::numeric_limits<int>::max();
        out.append(p);
    }
    std::stable_sort(out.begin(), out.end(), [](const SchemaProperty& a, const SchemaProperty& b) {
        return a.order < b.order;
    });
    return out;
}

QList<QPair<QJsonValue, QString>> ConnectorDefinition::choices(const QJsonObject& propertySchema)
{
    QList<QPair<QJsonValue, QString>> out;
    for (const QJsonValue& alt : propertySchema.value(QLatin1String("oneOf")).toArray()) {
        const QJsonObject o = alt.toObject();
        if (!o.contains(QLatin1String("const")))
            return {}; // not an enum: a real alternative of schemas
        const QJsonValue value = o.value(QLatin1String("const"));
        const QString title = o.value(QLatin1String("title")).toString();
        out.append({value, title.isEmpty() ? value.toVariant().toString() : title});
    }
    if (out.isEmpty()) {
        // enum, with the titles in enumNames where the vendor gives them (AmazonS3 auth_type).
        const QJsonArray names = propertySchema.value(QLatin1String("enumNames")).toArray();
        const QJsonArray values = propertySchema.value(QLatin1String("enum")).toArray();
        for (qsizetype i = 0; i < values.size(); ++i) {
            const QString name = names.at(i).toString();
            out.append({values.at(i), name.isEmpty() ? values.at(i).toVariant().toString() : name});
        }
    }
    return out;
}

QJsonObject ConnectorDefinition::documentSchema(const QJsonObject& documentSchema) const
{
    QJsonObject schema = documentSchema;
    QJsonObject properties = schema.value(kProperties).toObject();
    QJsonObject configuration = specification;
    configuration.remove(QLatin1String("$schema")); // a subschema carries no $schema
    properties.insert(QStringLiteral("configuration"), configuration);
    schema.insert(kProperties, properties);
    return schema;
}

} // namespace ca
