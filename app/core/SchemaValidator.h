#pragma once

#include "Vendor.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <memory>
#include <string>
#include <vector>

namespace ca {

// One problem with an edited document: where (a JSON pointer into it, "" = the whole document)
// and what, as a fragment a person understands ("must be at most 256 characters (now 300)").
// The UI puts the field's own label in front.
struct FieldProblem
{
    QString path;
    QString message;

    bool operator==(const FieldProblem&) const = default;
};

// Validates documents against a JSON Schema (draft 7) with valijson, and says what is wrong in
// words instead of valijson's ("Failed to validate against schema associated with ...").
class SchemaValidator
{
public:
    SchemaValidator() = default; // no schema: isLoaded() is false, validate() reports that
    // `schemaFile` is a file or Qt resource path (":/schemas/databar.schema.json").
    explicit SchemaValidator(const QString& schemaFile);
    // A schema held in memory (a vendor's connector definition); `name` appears in errors.
    static SchemaValidator fromSchema(const QJsonObject& schema, const QString& name);

    // The editable-document schema of a vendor (compiled once, shared).
    static SchemaValidator forVendor(Vendor vendor);
    static QString resourcePath(Vendor vendor); // ":/schemas/<vendor id>.schema.json"

    bool isLoaded() const { return m_compiled != nullptr; }
    QString errorString() const { return m_error; }
    const QJsonObject& schema() const { return m_schema; }

    // Every problem found, at most one per path and message; empty when the document is valid.
    QList<FieldProblem> validate(const QJsonValue& document) const;

    // valijson's context ("<root>", "[headers]", "[0]") as a JSON pointer ("/headers/0").
    static QString toJsonPointer(const std::vector<std::string>& context);

private:
    void compile(const QJsonObject& schema, const QString& name);

    struct Compiled;
    std::shared_ptr<const Compiled> m_compiled;
    QJsonObject m_schema;
    QString m_error;
};

} // namespace ca

Q_DECLARE_METATYPE(ca::FieldProblem)
