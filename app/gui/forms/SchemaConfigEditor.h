#pragma once

#include "ConnectorDefinition.h"
#include "SchemaValidator.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace ca {

class SecretField;

// The fields of a configuration, built from the vendor's own JSON Schema of it (an AI Squared
// connector definition's connection_specification), as Multiwoven's UI builds its forms:
// string → line edit (the first of `examples` as placeholder), integer → spin box ("not set"
// allowed when not required), number → line edit checked as a number, boolean → check box,
// oneOf of const/title (or enum) → combo with the titles, array of strings → list editor, object
// with properties → a titled group, anything else → its JSON. `readOnly` is shown, not editable;
// `default` fills only values the configuration does not have; `order` orders; `required` is
// marked; `description` is the tool tip and "What's this". multiwoven_secret properties are
// SecretFields (keep / replace / clear), at any depth.
//
// The editor edits a document: configuration() is the configuration it was given with each
// field's value set, so keys the schema does not describe survive untouched, and a value the
// configuration did not have stays absent until its field is changed (a required one with a
// default is filled in).
//
// objectNames, by the property's path below the configuration with '.' between keys
// ("credentials.password"): "cfg_<path>" (the input; the group box for an object),
// "cfgLabel_<path>", "cfgProblem_<path>" (its problem label).
class SchemaConfigEditor : public QWidget
{
    Q_OBJECT
public:
    explicit SchemaConfigEditor(QWidget* parent = nullptr);
    ~SchemaConfigEditor() override;

    // Builds the fields of `definition` showing `configuration` (the edit); `stored` is the
    // configuration the server holds (secrets found there can be kept). A secret found in
    // `statesFrom` (by pointer, with "/configuration"; the same secrets in the view shown so far,
    // this editor's own included) takes its choice and typed text.
    void build(const ConnectorDefinition& definition, const QJsonObject& stored,
               const QJsonObject& configuration,
               const QMap<QString, SecretField*>& statesFrom = {});
    void clear();
    bool isBuilt() const { return !m_fields.isEmpty(); }

    QJsonObject configuration() const;

    // Where problems at a pointer ("/configuration/credentials/password") are shown.
    struct Binding
    {
        QString pointer; // below "/configuration"
        QWidget* input = nullptr;
        QLabel* problem = nullptr;
        QString label;
    };
    QList<Binding> bindings() const;
    // Problems the schema cannot see: a JSON field that does not parse, a secret choice.
    QList<FieldProblem> widgetProblems() const;
    // pointer (with "/configuration") → field, in path order.
    QMap<QString, SecretField*> secretFields() const;

signals:
    void changed();

private:
    struct Field
    {
        enum class Kind
        {
            Text,
            Number,
            Integer,
            Boolean,
            Choice,
            List,
            Json,
            Secret,
            Group
        };
        Kind kind = Kind::Text;
        SchemaProperty property;
        QWidget* input = nullptr;
        QLabel* problem = nullptr;
        QString label;
        QList<QJsonValue> choiceValues; // Choice: per combo index (Undefined: "not set")
        QJsonValue initial;             // what the field showed when built (Undefined: nothing)
        bool present = false;           // the configuration had the value
    };
    void addProperties(const QJsonObject& objectSchema, const QString& pointer, QFormLayout* layout,
                       int depth);
    void addField(const SchemaProperty& property, QFormLayout* layout, int depth);
    QJsonValue fieldValue(const Field& field, bool* unset) const;

    QList<Field> m_fields;
    QJsonObject m_base;   // the configuration as given to build()
    QJsonObject m_stored; // the server's
    QWidget* m_content = nullptr;
    const QMap<QString, SecretField*>* m_statesFrom = nullptr; // during build() only
};

} // namespace ca
