#include "SchemaConfigEditor.h"

#include "JsonPointer.h"
#include "JsonText.h"
#include "SecretField.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <limits>
#include <memory>

namespace ca {

namespace {
const QString kConfiguration = QStringLiteral("/configuration");
constexpr int kMaxDepth = 8; // deeper objects are edited as JSON

QString typeOf(const QJsonObject& schema)
{
    const QJsonValue type = schema.value(QLatin1String("type"));
    if (type.isString())
        return type.toString();
    // ["string", "null"]: the first non-null type
    for (const QJsonValue& t : type.toArray()) {
        if (t.toString() != QLatin1String("null"))
            return t.toString();
    }
    return {};
}

bool isStringArray(const QJsonObject& schema)
{
    return typeOf(schema) == QLatin1String("array") &&
           typeOf(schema.value(QLatin1String("items")).toObject()) == QLatin1String("string");
}

QString titleOf(const SchemaProperty& p)
{
    const QString title = p.schema.value(QLatin1String("title")).toString();
    return title.isEmpty() ? p.key : title;
}
} // namespace

SchemaConfigEditor::SchemaConfigEditor(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

SchemaConfigEditor::~SchemaConfigEditor() = default;

void SchemaConfigEditor::clear()
{
    m_fields.clear();
    delete m_content;
    m_content = nullptr;
}

void SchemaConfigEditor::build(const ConnectorDefinition& definition, const QJsonObject& stored,
                               const QJsonObject& configuration,
                               const QMap<QString, SecretField*>& statesFrom)
{
    // The fields shown so far stay alive until the new ones took their states (statesFrom may
    // be them).
    std::unique_ptr<QWidget> previousContent(m_content);
    m_content = nullptr;
    m_fields.clear();
    m_statesFrom = &statesFrom;
    m_base = configuration;
    m_stored = stored;
    m_content = new QWidget(this);
    m_content->setObjectName(QStringLiteral("schemaFields"));
    auto* form = new QFormLayout(m_content);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    layout()->addWidget(m_content);
    addProperties(definition.specification, QString(), form, 0);
    m_statesFrom = nullptr;
    // Tab order follows the fields' order.
    QWidget* previous = nullptr;
    for (const Field& f : std::as_const(m_fields)) {
        if (f.kind == Field::Kind::Group || !f.input)
            continue;
        if (previous)
            setTabOrder(previous, f.input);
        previous = f.input;
    }
}

void SchemaConfigEditor::addProperties(const QJsonObject& objectSchema, const QString& pointer,
                                       QFormLayout* layout, int depth)
{
    for (const SchemaProperty& p : ConnectorDefinition::orderedProperties(objectSchema, pointer))
        addField(p, layout, depth);
}

void SchemaConfigEditor::addField(const SchemaProperty& p, QFormLayout* layout, int depth)
{
    Field f;
    f.property = p;
    f.label = titleOf(p);
    const QString name = jsonPointerDotted(p.pointer);
    const QJsonObject& s = p.schema;
    const QString type = typeOf(s);
    const QJsonValue current = jsonValueAt(m_base, p.pointer);
    f.present = !current.isUndefined();
    const QJsonValue fallback = s.value(QLatin1String("default"));
    const QJsonValue shown = f.present ? current : fallback;
    const bool readOnly = s.value(QLatin1String("readOnly")).toBool();
    const QString description = s.value(QLatin1String("description")).toString();
    const auto choices = ConnectorDefinition::choices(s);

    auto* label =
        new QLabel(f.label + (p.required ? QStringLiteral(" *") : QString()) + QLatin1Char(':'),
                   layout->parentWidget());
    label->setObjectName(QStringLiteral("cfgLabel_") + name);
    if (p.required)
        label->setToolTip(tr("Required"));

    if (type == QLatin1String("object") && s.value(QLatin1String("properties")).isObject() &&
        !p.secret && depth < kMaxDepth && (current.isUndefined() || current.isObject())) {
        auto* group = new QGroupBox(f.label, layout->parentWidget());
        group->setObjectName(QStringLiteral("cfg_") + name);
        group->setToolTip(description);
        group->setWhatsThis(description);
        auto* inner = new QFormLayout(group);
        inner->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        f.kind = Field::Kind::Group;
        f.input = group;
        delete label;
        layout->addRow(group);
        m_fields.append(f);
        addProperties(s, p.pointer, inner, depth + 1);
        return;
    }

    QWidget* input = nullptr;
    if (p.secret) {
        auto* secret = new SecretField(layout->parentWidget());
        const QJsonValue stored = jsonValueAt(m_stored, p.pointer);
        if (SecretField* from =
                m_statesFrom ? m_statesFrom->value(kConfiguration + p.pointer) : nullptr) {
            secret->copyStateFrom(*from);
        } else if (!stored.isUndefined()) {
            secret->setStoredAndEdited(stored, current);
        } else {
            secret->setNew(current.isString() ? current.toString() : QString());
        }
        secret->setAccessibleLabel(f.label);
        f.kind = Field::Kind::Secret;
        connect(secret, &SecretField::changed, this, &SchemaConfigEditor::changed);
        input = secret;
    } else if (!choices.isEmpty()) {
        auto* combo = new QComboBox(layout->parentWidget());
        if (!p.required || shown.isUndefined()) {
            combo->addItem(tr("(not set)"));
            f.choiceValues.append(QJsonValue(QJsonValue::Undefined));
        }
        for (const auto& [value, title] : choices) {
            combo->addItem(title);
            f.choiceValues.append(value);
        }
        qsizetype index = f.choiceValues.indexOf(shown);
        if (index < 0 && !shown.isUndefined()) {
            combo->addItem(tr("%1 (not one the vendor offers)").arg(jsonEditorText(shown)));
            f.choiceValues.append(shown);
            index = f.choiceValues.size() - 1;
        }
        combo->setCurrentIndex(int(qMax<qsizetype>(index, 0)));
        combo->setEnabled(!readOnly);
        f.kind = Field::Kind::Choice;
        connect(combo, &QComboBox::currentIndexChanged, this, &SchemaConfigEditor::changed);
        input = combo;
    } else if (type == QLatin1String("boolean")) {
        auto* box = new QCheckBox(layout->parentWidget());
        box->setChecked(shown.toBool());
        box->setEnabled(!readOnly);
        box->setAccessibleName(f.label);
        f.kind = Field::Kind::Boolean;
        connect(box, &QCheckBox::toggled, this, &SchemaConfigEditor::changed);
        input = box;
    } else if (type == QLatin1String("integer") && (shown.isUndefined() || shown.isDouble())) {
        auto* spin = new QSpinBox(layout->parentWidget());
        const int lowest = std::numeric_limits<int>::min() + 1;
        int minimum = s.contains(QLatin1String("minimum"))
                          ? qMax(lowest, s.value(QLatin1String("minimum")).toInt())
                          : lowest;
        const int maximum = s.contains(QLatin1String("maximum"))
                                ? s.value(QLatin1String("maximum")).toInt()
                                : std::numeric_limits<int>::max();
        if (!p.required || shown.isUndefined()) {
            --minimum; // the "not set" position
            spin->setSpecialValueText(tr("not set"));
        }
        spin->setRange(minimum, qMax(minimum, maximum));
        spin->setValue(shown.isDouble() ? shown.toInt() : minimum);
        spin->setReadOnly(readOnly);
        spin->setAccessibleName(f.label);
        f.kind = Field::Kind::Integer;
        connect(spin, &QSpinBox::valueChanged, this, &SchemaConfigEditor::changed);
        input = spin;
    } else if (isStringArray(s) && (shown.isUndefined() || shown.isArray())) {
        auto* box = new QWidget(layout->parentWidget());
        auto* boxLayout = new QHBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        auto* list = new QListWidget(box);
        list->setObjectName(QStringLiteral("items"));
        list->setMaximumHeight(90);
        list->setAccessibleName(f.label);
        for (const QJsonValue& item : shown.toArray()) {
            auto* row = new QListWidgetItem(item.toString(), list);
            row->setFlags(row->flags() | Qt::ItemIsEditable);
        }
        auto* buttons = new QVBoxLayout;
        auto* add = new QPushButton(tr("Add"), box);
        add->setObjectName(QStringLiteral("addItem"));
        auto* remove = new QPushButton(tr("Remove"), box);
        remove->setObjectName(QStringLiteral("removeItem"));
        buttons->addWidget(add);
        buttons->addWidget(remove);
        buttons->addStretch();
        boxLayout->addWidget(list, 1);
        boxLayout->addLayout(buttons);
        add->setEnabled(!readOnly);
        remove->setEnabled(!readOnly);
        connect(add, &QPushButton::clicked, list, [list] {
            auto* row = new QListWidgetItem(QString(), list);
            row->setFlags(row->flags() | Qt::ItemIsEditable);
            list->setCurrentItem(row);
            list->editItem(row);
        });
        connect(remove, &QPushButton::clicked, list, [list] { delete list->currentItem(); });
        connect(list->model(), &QAbstractItemModel::dataChanged, this,
                &SchemaConfigEditor::changed);
        connect(list->model(), &QAbstractItemModel::rowsInserted, this,
                &SchemaConfigEditor::changed);
        connect(list->model(), &QAbstractItemModel::rowsRemoved, this,
                &SchemaConfigEditor::changed);
        f.kind = Field::Kind::List;
        input = box;
    } else if ((type == QLatin1String("string") || type == QLatin1String("number")) &&
               (shown.isUndefined() || shown.isString() || shown.isDouble())) {
        auto* edit = new QLineEdit(layout->parentWidget());
        edit->setText(shown.isDouble() ? QString::number(shown.toDouble()) : shown.toString());
        const QJsonArray examples = s.value(QLatin1String("examples")).toArray();
        if (!examples.isEmpty())
            edit->setPlaceholderText(examples.first().toVariant().toString());
        edit->setReadOnly(readOnly);
        edit->setAccessibleName(f.label);
        f.kind = type == QLatin1String("number") ? Field::Kind::Number : Field::Kind::Text;
        connect(edit, &QLineEdit::textChanged, this, &SchemaConfigEditor::changed);
        input = edit;
    } else {
        // What the form cannot show field by field (maps, arrays of objects, a value of another
        // type than the schema's): its JSON.
        auto* edit = new QPlainTextEdit(layout->parentWidget());
        edit->setFont(editorMonospaceFont());
        edit->setTabChangesFocus(true);
        edit->setMaximumHeight(90);
        edit->setPlainText(shown.isUndefined() ? QString() : jsonEditorText(shown));
        edit->setReadOnly(readOnly);
        edit->setAccessibleName(tr("%1 (JSON)").arg(f.label));
        f.kind = Field::Kind::Json;
        connect(edit, &QPlainTextEdit::textChanged, this, &SchemaConfigEditor::changed);
        input = edit;
    }
    input->setObjectName(QStringLiteral("cfg_") + name);
    if (!description.isEmpty()) {
        input->setToolTip(description);
        input->setWhatsThis(description);
        label->setWhatsThis(description);
    }
    if (readOnly)
        input->setProperty("readOnlyField", true);
    label->setBuddy(input);

    auto* cell = new QWidget(layout->parentWidget());
    auto* cellLayout = new QVBoxLayout(cell);
    cellLayout->setContentsMargins(0, 0, 0, 0);
    cellLayout->setSpacing(2);
    cellLayout->addWidget(input);
    auto* problem = new QLabel(cell);
    problem->setObjectName(QStringLiteral("cfgProblem_") + name);
    problem->setWordWrap(true);
    cellLayout->addWidget(problem);
    layout->addRow(label, cell);

    f.input = input;
    f.problem = problem;
    m_fields.append(f);
    bool unset = false;
    const QJsonValue now = fieldValue(m_fields.last(), &unset);
    m_fields.last().initial = unset ? QJsonValue(QJsonValue::Undefined) : now;
    // A required value the configuration lacks takes its default: the vendor needs it.
    if (!f.present && p.required && !fallback.isUndefined() && f.kind != Field::Kind::Secret)
        m_fields.last().present = true;
}

QJsonValue SchemaConfigEditor::fieldValue(const Field& f, bool* unset) const
{
    *unset = false;
    switch (f.kind) {
    case Field::Kind::Group:
        *unset = true;
        return {};
    case Field::Kind::Secret:
        return static_cast<SecretField*>(f.input)->value();
    case Field::Kind::Choice: {
        const int index = static_cast<QComboBox*>(f.input)->currentIndex();
        const QJsonValue v = f.choiceValues.value(index, QJsonValue(QJsonValue::Undefined));
        *unset = v.isUndefined();
        return v;
    }
    case Field::Kind::Boolean:
        return static_cast<QCheckBox*>(f.input)->isChecked();
    case Field::Kind::Integer: {
        auto* spin = static_cast<QSpinBox*>(f.input);
        if (!spin->specialValueText().isEmpty() && spin->value() == spin->minimum()) {
            *unset = true;
            return {};
        }
        return spin->value();
    }
    case Field::Kind::List: {
        QJsonArray items;
        auto* list = f.input->findChild<QListWidget*>(QStringLiteral("items"));
        for (int i = 0; i < list->count(); ++i)
            items.append(list->item(i)->text());
        return items;
    }
    case Field::Kind::Number: {
        const QString text = static_cast<QLineEdit*>(f.input)->text().trimmed();
        bool ok = false;
        const double d = text.toDouble(&ok);
        if (text.isEmpty())
            *unset = true;
        return ok ? QJsonValue(d) : QJsonValue(text); // the schema reports a non-number
    }
    case Field::Kind::Json: {
        const JsonTextParse parse =
            parseJsonText(static_cast<QPlainTextEdit*>(f.input)->toPlainText());
        *unset = !parse.ok;
        return parse.ok ? parse.value : QJsonValue();
    }
    case Field::Kind::Text:
        break;
    }
    return static_cast<QLineEdit*>(f.input)->text();
}

QJsonObject SchemaConfigEditor::configuration() const
{
    QJsonValue config = m_base;
    for (const Field& f : m_fields) {
        if (f.kind == Field::Kind::Group)
            continue;
        bool unset = false;
        const QJsonValue v = fieldValue(f, &unset);
        if (f.kind == Field::Kind::Json && unset &&
            !static_cast<QPlainTextEdit*>(f.input)->toPlainText().trimmed().isEmpty())
            continue; // does not parse: the stored value stands (widgetProblems says why)
        const QJsonValue now = unset ? QJsonValue(QJsonValue::Undefined) : v;
        if (!f.present && now == f.initial)
            continue; // not in the configuration, and untouched
        if (f.kind == Field::Kind::Secret && !f.present && v.toString().isEmpty())
            continue;
        config = jsonValueSetCreating(config, f.property.pointer, now);
    }
    return config.toObject();
}

QList<SchemaConfigEditor::Binding> SchemaConfigEditor::bindings() const
{
    QList<Binding> out;
    for (const Field& f : m_fields) {
        if (f.kind == Field::Kind::Group)
            continue;
        QWidget* input = f.input;
        if (f.kind == Field::Kind::Secret)
            input = static_cast<SecretField*>(f.input)->valueEdit();
        out.append({kConfiguration + f.property.pointer, input, f.problem, f.label});
    }
    return out;
}

QList<FieldProblem> SchemaConfigEditor::widgetProblems() const
{
    QList<FieldProblem> out;
    for (const Field& f : m_fields) {
        const QString pointer = kConfiguration + f.property.pointer;
        if (f.kind == Field::Kind::Secret) {
            const QString problem = static_cast<SecretField*>(f.input)->problem();
            if (!problem.isEmpty())
                out.append({pointer, problem});
        } else if (f.kind == Field::Kind::Json) {
            const JsonTextParse parse =
                parseJsonText(static_cast<QPlainTextEdit*>(f.input)->toPlainText());
            if (!parse.ok && !parse.empty)
                out.append({pointer, parse.message()});
        } else if (f.kind == Field::Kind::List) {
            auto* list = f.input->findChild<QListWidget*>(QStringLiteral("items"));
            for (int i = 0; i < list->count(); ++i) {
                if (list->item(i)->text().trimmed().isEmpty())
                    out.append({jsonPointerAppend(pointer, QString::number(i)),
                                tr("is empty: type a value or remove the entry")});
            }
        }
    }
    return out;
}

QMap<QString, SecretField*> SchemaConfigEditor::secretFields() const
{
    QMap<QString, SecretField*> out;
    for (const Field& f : m_fields) {
        if (f.kind == Field::Kind::Secret)
            out.insert(kConfiguration + f.property.pointer, static_cast<SecretField*>(f.input));
    }
    return out;
}

} // namespace ca
