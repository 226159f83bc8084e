#include "SchemaValidator.h"

#include "Connector.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QRegularExpression>
#include <QStringList>

// A broken schema must be an error to report, not an abort().
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/qtjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <stdexcept>

namespace ca {

struct SchemaValidator::Compiled
{
    valijson::Schema schema;
};

namespace {

QJsonValue resolveRef(const QJsonObject& root, const QJsonObject& node)
{
    const QString ref = node.value(QLatin1String("$ref")).toString();
    if (!ref.startsWith(QLatin1Char('#')))
        return node;
    return jsonValueAt(root, ref.mid(1));
}

// Subschemas that may apply at one place: $ref followed, anyOf/oneOf/allOf branches opened.
void expand(const QJsonObject& root, const QJsonValue& node, QList<QJsonObject>* out, int depth = 0)
{
    if (!node.isObject() || depth > 16)
        return;
    QJsonObject o = node.toObject();
    if (o.contains(QLatin1String("$ref"))) {
        expand(root, resolveRef(root, o), out, depth + 1);
        return;
    }
    out->append(o);
    for (const char* key : {"anyOf", "oneOf", "allOf"}) {
        for (const QJsonValue& branch : o.value(QLatin1String(key)).toArray())
            expand(root, branch, out, depth + 1);
    }
}

// The subschemas describing the value at `pointer` of a document (for enum values, types and
// custom messages).
QList<QJsonObject> subschemasAt(const QJsonObject& root, const QString& pointer)
{
    QList<QJsonObject> current;
    expand(root, root, &current);
    if (pointer.isEmpty())
        return current;
    const QStringList tokens = jsonPointerTokens(pointer);
    for (const QString& token : tokens) {
        QList<QJsonObject> next;
        for (const QJsonObject& s : current) {
            const QJsonObject properties = s.value(QLatin1String("properties")).toObject();
            if (properties.contains(token))
                expand(root, properties.value(token), &next);
            else if (s.value(QLatin1String("items")).isObject())
                expand(root, s.value(QLatin1String("items")), &next);
            else if (s.value(QLatin1String("additionalProperties")).isObject())
                expand(root, s.value(QLatin1String("additionalProperties")), &next);
        }
        current = next;
    }
    return current;
}

QString typeInWords(const QString& type)
{
    if (type == QLatin1String("string"))
        return QStringLiteral("text");
    if (type == QLatin1String("integer"))
        return QStringLiteral("a whole number");
    if (type == QLatin1String("number"))
        return QStringLiteral("a number");
    if (type == QLatin1String("boolean"))
        return QStringLiteral("true or false");
    if (type == QLatin1String("object"))
        return QStringLiteral("a JSON object");
    if (type == QLatin1String("array"))
        return QStringLiteral("a list");
    if (type == QLatin1String("null"))
        return QStringLiteral("empty (null)");
    return type;
}

QString expectedTypes(const QList<QJsonObject>& schemas)
{
    QStringList words;
    for (const QJsonObject& s : schemas) {
        const QJsonValue type = s.value(QLatin1String("type"));
        QStringList types;
        if (type.isString())
            types << type.toString();
        for (const QJsonValue& t : type.toArray())
            types << t.toString();
        for (const QString& t : types) {
            const QString w = typeInWords(t);
            if (!words.contains(w))
                words << w;
        }
    }
    if (words.isEmpty())
        return QStringLiteral("has the wrong kind of value");
    return QStringLiteral("must be ") + words.join(QStringLiteral(" or "));
}

QString enumValues(const QList<QJsonObject>& schemas)
{
    QStringList values;
    for (const QJsonObject& s : schemas) {
        for (const QJsonValue& v : s.value(QLatin1String("enum")).toArray()) {
            const QString text =
                v.isString()
                    ? v.toString()
                    : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                          .mid(1)
                          .chopped(1);
            if (!values.contains(text))
                values << text;
        }
    }
    return values.isEmpty()
               ? QStringLiteral("is not one of the allowed values")
               : QStringLiteral("must be one of: ") + values.join(QStringLiteral(", "));
}

QString customMessage(const QList<QJsonObject>& schemas, const QString& fallback)
{
    for (const QJsonObject& s : schemas) {
        const QString m = s.value(QLatin1String("errorMessage")).toString();
        if (!m.isEmpty())
            return m;
    }
    return fallback;
}

QString compactNumber(const QString& text)
{
    bool ok = false;
    const double d = text.trimmed().toDouble(&ok);
    return ok ? QString::number(d) : text.trimmed();
}

qsizetype codePoints(const QJsonValue& v)
{
    return QStringView(v.toString()).toUcs4().size();
}

// Messages that only say "a part below failed": the part's own message says what.
bool isWrapper(const QString& d)
{
    static const char* const prefixes[] = {
        "Failed to validate against schema associated with property name",
        "Failed to validate item #",
        "Failed to validate against any schemas allowed by anyOf",
        "Failed to validate against any child schemas allowed by oneOf",
        "Failed to validate against exactly one child schema",
        "Failed to validate against additional properties schema",
        "Failed to validate against schema associated with pattern",
        "Failed to validate against a conditional schema",
        "Failed to validate against dependent schema",
        "Failed to validate against child schema #",
        "Cannot validate item #",
    };
    for (const char* p : prefixes) {
        if (d.startsWith(QLatin1String(p)))
            return true;
    }
    return false;
}

struct Translated
{
    FieldProblem problem;
    bool typeMismatch = false;
};

Translated translate(const QJsonObject& schema, const QJsonValue& document, QString path,
                     const QString& d)
{
    static const QRegularExpression required(
        QStringLiteral("^Missing required property '(.*)'\\.$"));
    static const QRegularExpression maxLength(
        QStringLiteral("^String should be no more than (\\d+) characters"));
    static const QRegularExpression minLength(
        QStringLiteral("^String should be no fewer than (\\d+) characters"));
    static const QRegularExpression minimum(
        QStringLiteral("^Expected number greater than (or equal to )?(\\S+)"));
    static const QRegularExpression maximum(
        QStringLiteral("^Expected number less than (or equal to )?(\\S+)"));
    static const QRegularExpression maxItems(
        QStringLiteral("^Array should contain no more than (\\d+)"));
    static const QRegularExpression minItems(
        QStringLiteral("^Array should contain no fewer than (\\d+)"));
    static const QRegularExpression unknownProperty(
        QStringLiteral("^Object contains a property that could not be validated .*: '(.*)'\\.$"));
    static const QRegularExpression duplicate(
        QStringLiteral("^Elements at indexes #(\\d+) and #(\\d+) violate uniqueness"));

    Translated t;
    QRegularExpressionMatch m;
    if ((m = required.match(d)).hasMatch()) {
        path = jsonPointerAppend(path, m.captured(1));
        t.problem = {path, QStringLiteral("is required")};
    } else if ((m = maxLength.match(d)).hasMatch()) {
        t.problem = {path, QStringLiteral("must be at most %1 characters (now %2)")
                               .arg(m.captured(1))
                               .arg(codePoints(jsonValueAt(document, path)))};
    } else if ((m = minLength.match(d)).hasMatch()) {
        t.problem = {path,
                     m.captured(1) == QLatin1String("1")
                         ? QStringLiteral("must not be empty")
                         : QStringLiteral("must be at least %1 characters").arg(m.captured(1))};
    } else if ((m = minimum.match(d)).hasMatch()) {
        t.problem = {path, (m.captured(1).isEmpty() ? QStringLiteral("must be more than %1")
                                                    : QStringLiteral("must be at least %1"))
                               .arg(compactNumber(m.captured(2)))};
    } else if ((m = maximum.match(d)).hasMatch()) {
        t.problem = {path, (m.captured(1).isEmpty() ? QStringLiteral("must be less than %1")
                                                    : QStringLiteral("must be at most %1"))
                               .arg(compactNumber(m.captured(2)))};
    } else if ((m = maxItems.match(d)).hasMatch()) {
        t.problem = {path, QStringLiteral("must have at most %1 entries").arg(m.captured(1))};
    } else if ((m = minItems.match(d)).hasMatch()) {
        t.problem = {path, QStringLiteral("must have at least %1 entries").arg(m.captured(1))};
    } else if ((m = unknownProperty.match(d)).hasMatch()) {
        t.problem = {jsonPointerAppend(path, m.captured(1)),
                     QStringLiteral("is not a field this vendor accepts")};
    } else if ((m = duplicate.match(d)).hasMatch()) {
        t.problem = {jsonPointerAppend(path, m.captured(2)),
                     QStringLiteral("repeats entry %1").arg(m.captured(1).toInt() + 1)};
    } else if (d.startsWith(QLatin1String("Failed to match against any enum values"))) {
        t.problem = {path, enumValues(subschemasAt(schema, path))};
    } else if (d.startsWith(QLatin1String("Value type not permitted"))) {
        t.problem = {path, expectedTypes(subschemasAt(schema, path))};
        t.typeMismatch = true;
    } else if (d.startsWith(QLatin1String("Failed to match regex"))) {
        t.problem = {path, customMessage(subschemasAt(schema, path),
                                         QStringLiteral("is not in the expected format"))};
    } else if (d.startsWith(QLatin1String("Failed to match expected value set by 'const'"))) {
        t.problem = {path, QStringLiteral("cannot be changed")};
    } else {
        t.problem = {path, QString(d).remove(QRegularExpression(QStringLiteral("\\.$")))};
    }
    return t;
}

bool isAtOrBelow(const QString& path, const QString& base)
{
    return path == base || base.isEmpty() || path.startsWith(base + QLatin1Char('/'));
}

} // namespace

SchemaValidator::SchemaValidator(const QString& schemaFile)
{
    QFile file(schemaFile);
    if (!file.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("cannot read schema %1: %2").arg(schemaFile, file.errorString());
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!doc.isObject()) {
        m_error = QStringLiteral("schema %1 is not a JSON object: %2")
                      .arg(schemaFile, parseError.errorString());
        return;
    }
    compile(doc.object(), schemaFile);
}

SchemaValidator SchemaValidator::fromSchema(const QJsonObject& schema, const QString& name)
{
    SchemaValidator v;
    v.compile(schema, name);
    return v;
}

void SchemaValidator::compile(const QJsonObject& schema, const QString& name)
{
    m_schema = schema;
    try {
        auto compiled = std::make_shared<Compiled>();
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        const valijson::adapters::QtJsonAdapter adapter{QJsonValue(m_schema)};
        parser.populateSchema(adapter, compiled->schema);
        m_compiled = std::move(compiled);
    } catch (const std::exception& e) {
        m_error = QStringLiteral("schema %1 is not usable: %2")
                      .arg(name, QString::fromStdString(e.what()));
    }
}

QString SchemaValidator::resourcePath(Vendor vendor)
{
    return QStringLiteral(":/schemas/%1.schema.json").arg(vendorId(vendor));
}

SchemaValidator SchemaValidator::forVendor(Vendor vendor)
{
    static QMutex mutex;
    static QHash<int, SchemaValidator> cache;
    const QMutexLocker lock(&mutex);
    auto it = cache.find(int(vendor));
    if (it == cache.end())
        it = cache.insert(int(vendor), SchemaValidator(resourcePath(vendor)));
    return it.value();
}

QString SchemaValidator::toJsonPointer(const std::vector<std::string>& context)
{
    QString pointer;
    for (const std::string& part : context) {
        QString token = QString::fromStdString(part);
        if (token == QLatin1String("<root>"))
            continue;
        if (token.startsWith(QLatin1Char('[')) && token.endsWith(QLatin1Char(']')))
            token = token.mid(1, token.size() - 2);
        pointer = jsonPointerAppend(pointer, token);
    }
    return pointer;
}

QList<FieldProblem> SchemaValidator::validate(const QJsonValue& document) const
{
    if (!m_compiled)
        return {{QString(), m_error.isEmpty() ? QStringLiteral("no schema loaded") : m_error}};

    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::ValidationResults results;
    const valijson::adapters::QtJsonAdapter target(document);
    if (validator.validate(m_compiled->schema, target, &results))
        return {};

    QList<Translated> specific;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        const QString description = QString::fromStdString(error.description);
        if (isWrapper(description))
            continue;
        specific.append(translate(m_schema, document, toJsonPointer(error.context), description));
    }

    // Within anyOf/oneOf every branch reports: "[integer, null]" given 0 says both "must be at
    // least 1" and "wrong type". When some branch had the right type (a more specific message at
    // or below that place), the type complaints are noise.
    QList<FieldProblem> out;
    for (const Translated& t : specific) {
        if (t.typeMismatch) {
            bool explained = false;
            for (const Translated& other : specific) {
                if (!other.typeMismatch && isAtOrBelow(other.problem.path, t.problem.path)) {
                    explained = true;
                    break;
                }
            }
            if (explained)
                continue;
        }
        if (!out.contains(t.problem))
            out.append(t.problem);
    }
    if (out.isEmpty())
        out.append({QString(), QStringLiteral("does not match the vendor's schema")});
    return out;
}

} // namespace ca
