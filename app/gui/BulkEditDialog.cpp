#include "BulkEditDialog.h"

#include "Appearance.h"
#include "ConnectorService.h"
#include "EditReview.h"
#include "JsonPointer.h"
#include "JsonText.h"
#include "SchemaValidator.h"
#include "SecretField.h"
#include "ui_BulkEditDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace ca {

namespace {

// The named item of /headers: {"name": NAME, "value": …}.
bool hasNamedItem(const QJsonObject& document, const QString& arrayPointer, const QString& name)
{
    const QJsonArray items = jsonValueAt(document, arrayPointer).toArray();
    return std::any_of(items.cbegin(), items.cend(), [&name](const QJsonValue& v) {
        return v.toObject().value(QLatin1String("name")) == name;
    });
}

// Applies one operation; false with *error when it does not fit the document.
bool applyOperation(QJsonObject* document, const BulkOperation& op, QStringList* secretPointers,
                    QString* error)
{
    QString path = op.path;
    FieldEdit::Op kind = op.op;
    QJsonValue value = op.value;
    bool appendedItem = false;
    if (!op.upsertName.isEmpty()) {
        if (hasNamedItem(*document, op.path, op.upsertName)) {
            path = jsonPointerAppend(
                jsonPointerAppend(op.path, QStringLiteral("[name=%1]").arg(op.upsertName)),
                QStringLiteral("value"));
        } else {
            path = jsonPointerAppend(op.path, QStringLiteral("-"));
            kind = FieldEdit::Op::Append;
            value = QJsonObject{{QStringLiteral("name"), op.upsertName},
                                {QStringLiteral("value"), op.value}};
            appendedItem = true;
        }
    }
    const std::optional<FieldEdit> edit = FieldEdit::parse(path, error);
    if (!edit)
        return false;
    QStringList written;
    error->clear();
    edit->apply(document, kind, value, error, &written);
    if (!error->isEmpty())
        return false;
    if (op.secret) {
        for (const QString& pointer : std::as_const(written))
            secretPointers->append(
                appendedItem ? jsonPointerAppend(pointer, QStringLiteral("value")) : pointer);
    }
    return true;
}

// Fields a bulk edit does not offer as "set to": kind-defining AI Squared fields (one value for
// connectors of different kinds makes no sense, and the configuration follows the kind), and the
// list fields that get list operations of their own instead.
bool offeredAsField(Vendor vendor, const QString& key)
{
    switch (vendor) {
    case Vendor::AiSquared:
        return key != QLatin1String("connector_type") && key != QLatin1String("connector_name") &&
               key != QLatin1String("configuration");
    case Vendor::Databar:
        return key != QLatin1String("headers");
    case Vendor::Bigdata:
        return key != QLatin1String("config");
    default:
        return true;
    }
}

// The schema's types of a property ("type" or the types of its anyOf).
QStringList typesOf(const QJsonObject& property)
{
    QStringList types;
    auto add = [&types](const QJsonValue& t) {
        if (t.isString())
            types << t.toString();
        for (const QJsonValue& v : t.toArray())
            types << v.toString();
    };
    add(property.value(QLatin1String("type")));
    for (const QJsonValue& alternative : property.value(QLatin1String("anyOf")).toArray())
        add(alternative.toObject().value(QLatin1String("type")));
    return types;
}

// A member of the property or of its first anyOf alternative that has it ("minimum", "enum").
QJsonValue schemaMember(const QJsonObject& property, const char* key)
{
    if (property.contains(QLatin1String(key)))
        return property.value(QLatin1String(key));
    for (const QJsonValue& alternative : property.value(QLatin1String("anyOf")).toArray()) {
        if (alternative.toObject().contains(QLatin1String(key)))
            return alternative.toObject().value(QLatin1String(key));
    }
    return {};
}

} // namespace

BulkEdit bulkEdit(const QList<Connector>& connectors,
                  const std::function<ConnectorService*(const QString&)>& services,
                  const QList<BulkOperation>& operations)
{
    BulkEdit out;
    for (const Connector& c : connectors) {
        ChangeSetEntry entry;
        entry.profile = c.profileName;
        entry.connectorId = c.id;
        const ConnectorService* service = services ? services(c.profileName) : nullptr;
        QString error;
        if (service) {
            const QJsonObject printable = EditReview::printable(*service, c);
            entry.base = printable;
            entry.desired = printable;
            for (const BulkOperation& op : operations) {
                if (!applyOperation(&entry.desired, op, &entry.secretPointers, &error))
                    break;
            }
        } else {
            error = BulkEditDialog::tr("profile %1 is not loaded").arg(c.profileName);
        }
        if (error.isEmpty()) {
            out.entries.append(entry);
            continue;
        }
        ChangeSetItem refused;
        entry.desired = entry.base.value_or(QJsonObject());
        refused.entry = entry;
        refused.kind = ChangeSetItem::Kind::Refused;
        refused.vendor = c.vendor;
        refused.name = c.displayName.isEmpty() ? c.id : c.displayName;
        refused.reason = BulkEditDialog::tr("the edit does not fit this connector: %1").arg(error);
        out.refused.append(refused);
    }
    return out;
}

// One top-level field: what to do with it and its new value.
struct BulkEditDialog::FieldRow
{
    enum class Editor
    {
        Line,
        Choice,
        Check,
        Spin,
        Json,
        Secret
    };
    QString key;
    QString title;
    Editor editor = Editor::Line;
    bool nullable = false;   // empty text / the spin box's lowest value mean null
    bool jsonSecret = false; // a secret object typed as JSON text (B3OS data)
    QComboBox* mode = nullptr;
    QWidget* value = nullptr;

    bool isSet() const { return mode->currentIndex() == 1; }

    // The value to set, or nullopt with *problem.
    std::optional<QJsonValue> read(QString* problem) const
    {
        switch (editor) {
        case Editor::Line: {
            const QString text = static_cast<QLineEdit*>(value)->text();
            if (text.isEmpty() && nullable)
                return QJsonValue(QJsonValue::Null);
            return QJsonValue(text);
        }
        case Editor::Choice:
            return QJsonValue(static_cast<QComboBox*>(value)->currentData().toString());
        case Editor::Check:
            return QJsonValue(static_cast<QCheckBox*>(value)->isChecked());
        case Editor::Spin: {
            auto* spin = static_cast<QSpinBox*>(value);
            if (nullable && spin->value() == spin->minimum())
                return QJsonValue(QJsonValue::Null);
            return QJsonValue(spin->value());
        }
        case Editor::Json:
        case Editor::Secret: {
            const QString text = editor == Editor::Json
                                     ? static_cast<QPlainTextEdit*>(value)->toPlainText()
                                     : static_cast<SecretField*>(value)->value().toString();
            if (editor == Editor::Secret && text.isEmpty()) {
                *problem = tr("%1: type the value to put on every connector").arg(title);
                return std::nullopt;
            }
            if (editor == Editor::Secret && !jsonSecret)
                return QJsonValue(text);
            const JsonTextParse parsed = parseJsonText(text);
            if (!parsed.ok) {
                *problem = parsed.empty ? tr("%1: type the JSON value").arg(title)
                                        : tr("%1: %2").arg(title, parsed.message());
                return std::nullopt;
            }
            return parsed.value;
        }
        }
        return std::nullopt;
    }
};

BulkEditDialog::BulkEditDialog(const QList<Connector>& connectors, ServiceLookup services,
                               QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::BulkEditDialog>()), m_connectors(connectors),
      m_services(std::move(services))
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("bulkEditDialog"));
    if (!m_connectors.isEmpty())
        m_vendor = m_connectors.first().vendor;
    QStringList profiles;
    for (const Connector& c : std::as_const(m_connectors)) {
        if (!profiles.contains(c.profileName))
            profiles.append(c.profileName);
    }
    setWindowTitle(tr("Edit %n %1 connector(s)", nullptr, int(m_connectors.size()))
                       .arg(vendorDisplayName(m_vendor)));
    m_ui->bulkIntro->setText(
        tr("One change for <b>%n %1 connector(s)</b> (profiles: %2). Choose what to change; "
           "everything left as is stays as each connector has it. Nothing is sent before the "
           "review.",
           nullptr, int(m_connectors.size()))
            .arg(vendorDisplayName(m_vendor), profiles.join(QStringLiteral(", ")).toHtmlEscaped()));
    auto* header = new QLabel(tr("<b>Field</b>"), m_ui->fieldsHost);
    auto* action = new QLabel(tr("<b>Change</b>"), m_ui->fieldsHost);
    auto* value = new QLabel(tr("<b>New value</b>"), m_ui->fieldsHost);
    m_ui->fieldsLayout->addWidget(header, 0, 0);
    m_ui->fieldsLayout->addWidget(action, 0, 1);
    m_ui->fieldsLayout->addWidget(value, 0, 2);
    m_ui->fieldsLayout->setColumnStretch(2, 1);
    buildFieldRows();
    if (m_vendor == Vendor::Databar)
        buildHeaderRows();
    if (m_vendor == Vendor::Bigdata)
        buildAddressRows();
    m_ui->fieldsLayout->setRowStretch(m_ui->fieldsLayout->rowCount(), 1);

    connect(m_ui->reviewButton, &QPushButton::clicked, this, &BulkEditDialog::review);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    updateState();
}

BulkEditDialog::~BulkEditDialog() = default;

void BulkEditDialog::addRow(const QString& label, QWidget* mode, QWidget* value)
{
    const int row = m_ui->fieldsLayout->rowCount();
    auto* name = new QLabel(label, m_ui->fieldsHost);
    name->setBuddy(mode);
    m_ui->fieldsLayout->addWidget(name, row, 0);
    m_ui->fieldsLayout->addWidget(mode, row, 1);
    if (value)
        m_ui->fieldsLayout->addWidget(value, row, 2);
}

void BulkEditDialog::buildFieldRows()
{
    const QJsonObject properties =
        SchemaValidator::forVendor(m_vendor).schema().value(QLatin1String("properties")).toObject();
    // The names first, then the rest in the schema's (alphabetical) order.
    QStringList keys = properties.keys();
    std::stable_sort(keys.begin(), keys.end(), [](const QString& a, const QString& b) {
        static const QStringList first{QStringLiteral("name"), QStringLiteral("label"),
                                       QStringLiteral("description")};
        const auto rank = [](const QString& k) {
            const qsizetype i = first.indexOf(k);
            return i < 0 ? first.size() : i;
        };
        return rank(a) < rank(b);
    });
    const SecretRules secrets = vendorSecretRules(m_vendor);
    for (const QString& key : std::as_const(keys)) {
        if (!offeredAsField(m_vendor, key))
            continue;
        const QJsonObject property = properties.value(key).toObject();
        auto row = std::make_shared<FieldRow>();
        row->key = key;
        row->title = property.value(QLatin1String("title")).toString(key);
        const QStringList types = typesOf(property);
        row->nullable = types.contains(QLatin1String("null"));
        const QString type = types.isEmpty() || types.first() == QLatin1String("null")
                                 ? types.value(1)
                                 : types.first();
        const bool secret = secrets.isSecretPointer(QLatin1Char('/') + key);
        row->mode = new QComboBox(m_ui->fieldsHost);
        row->mode->addItem(tr("Leave as is"));
        row->mode->addItem(secret ? tr("Replace on all") : tr("Set to…"));
        if (secret) {
            auto* field = new SecretField(m_ui->fieldsHost);
            field->setNew();
            field->setAccessibleLabel(row->title);
            row->editor = FieldRow::Editor::Secret;
            row->jsonSecret = type == QLatin1String("object") || type == QLatin1String("array");
            if (row->jsonSecret)
                field->valueEdit()->setPlaceholderText(tr("JSON, e.g. {\"token\": \"…\"}"));
            row->value = field;
            connect(field, &SecretField::changed, this, &BulkEditDialog::updateState);
        } else if (const QJsonArray choices = schemaMember(property, "enum").toArray();
                   !choices.isEmpty()) {
            auto* combo = new QComboBox(m_ui->fieldsHost);
            for (const QJsonValue& v : choices)
                combo->addItem(v.toString(), v.toString());
            row->editor = FieldRow::Editor::Choice;
            row->value = combo;
            connect(combo, &QComboBox::currentIndexChanged, this, &BulkEditDialog::updateState);
        } else if (type == QLatin1String("boolean")) {
            auto* check = new QCheckBox(tr("on"), m_ui->fieldsHost);
            row->editor = FieldRow::Editor::Check;
            row->value = check;
            connect(check, &QCheckBox::toggled, this, &BulkEditDialog::updateState);
        } else if (type == QLatin1String("integer")) {
            auto* spin = new QSpinBox(m_ui->fieldsHost);
            const int minimum = schemaMember(property, "minimum").toInt(0);
            spin->setRange(row->nullable ? minimum - 1 : minimum, 1000000);
            if (row->nullable)
                spin->setSpecialValueText(tr("none"));
            spin->setValue(row->nullable ? minimum - 1 : minimum);
            // Its text entry is what assistive technology reaches: named like the spin box.
            if (auto* text = spin->findChild<QLineEdit*>())
                text->setAccessibleName(tr("%1: new value").arg(row->title));
            row->editor = FieldRow::Editor::Spin;
            row->value = spin;
            connect(spin, &QSpinBox::valueChanged, this, &BulkEditDialog::updateState);
        } else if (type == QLatin1String("string")) {
            auto* line = new QLineEdit(m_ui->fieldsHost);
            if (row->nullable)
                line->setPlaceholderText(tr("empty: none"));
            row->editor = FieldRow::Editor::Line;
            row->value = line;
            connect(line, &QLineEdit::textChanged, this, &BulkEditDialog::updateState);
        } else {
            auto* text = new QPlainTextEdit(m_ui->fieldsHost);
            text->setFont(editorMonospaceFont());
            text->setTabChangesFocus(true);
            text->setFixedHeight(text->fontMetrics().lineSpacing() * 3 + 12);
            text->setPlaceholderText(type == QLatin1String("array") ? QStringLiteral("[]")
                                                                    : QStringLiteral("{}"));
            row->editor = FieldRow::Editor::Json;
            row->value = text;
            connect(text, &QPlainTextEdit::textChanged, this, &BulkEditDialog::updateState);
        }
        row->mode->setObjectName(QStringLiteral("bulkField_%1_mode").arg(key));
        row->mode->setAccessibleName(tr("%1: change").arg(row->title));
        row->value->setObjectName(QStringLiteral("bulkField_%1_value").arg(key));
        if (row->editor != FieldRow::Editor::Secret)
            row->value->setAccessibleName(tr("%1: new value").arg(row->title));
        row->value->setEnabled(false);
        connect(row->mode, &QComboBox::currentIndexChanged, this, [this, row] {
            row->value->setEnabled(row->isSet());
            updateState();
        });
        addRow(row->title + QLatin1Char(':'), row->mode, row->value);
        m_rows.append(row);
    }
}

void BulkEditDialog::buildHeaderRows()
{
    m_headerMode = new QComboBox(m_ui->fieldsHost);
    m_headerMode->setObjectName(QStringLiteral("bulkHeaderMode"));
    m_headerMode->setAccessibleName(tr("Headers: change"));
    m_headerMode->addItem(tr("Leave as is"));
    m_headerMode->addItem(tr("Add or replace a header"));
    m_headerMode->addItem(tr("Remove a header"));
    m_headerName = new QLineEdit(m_ui->fieldsHost);
    m_headerName->setObjectName(QStringLiteral("bulkHeaderName"));
    m_headerName->setAccessibleName(tr("Header name"));
    m_headerName->setPlaceholderText(tr("name, e.g. X-Api-Key"));
    m_headerValue = new SecretField(m_ui->fieldsHost);
    m_headerValue->setObjectName(QStringLiteral("bulkHeaderValue"));
    m_headerValue->setNew();
    m_headerValue->setAccessibleLabel(tr("Header value"));
    m_headerValue->valueEdit()->setPlaceholderText(tr("value (kept secret)"));
    addRow(tr("Headers:"), m_headerMode, m_headerName);
    addRow(tr("Header value (secret):"), new QWidget(m_ui->fieldsHost), m_headerValue);
    // The empty middle cell of the value row takes no focus; the label points at the entry.
    auto* valueLabel = qobject_cast<QLabel*>(
        m_ui->fieldsLayout->itemAtPosition(m_ui->fieldsLayout->rowCount() - 1, 0)->widget());
    valueLabel->setBuddy(m_headerValue->valueEdit());
    auto sync = [this] {
        m_headerName->setEnabled(m_headerMode->currentIndex() > 0);
        m_headerValue->setEnabled(m_headerMode->currentIndex() == 1);
        updateState();
    };
    connect(m_headerMode, &QComboBox::currentIndexChanged, this, sync);
    connect(m_headerName, &QLineEdit::textChanged, this, &BulkEditDialog::updateState);
    connect(m_headerValue, &SecretField::changed, this, &BulkEditDialog::updateState);
    m_headerName->setEnabled(false);
    m_headerValue->setEnabled(false);
}

void BulkEditDialog::buildAddressRows()
{
    m_addressMode = new QComboBox(m_ui->fieldsHost);
    m_addressMode->setObjectName(QStringLiteral("bulkAddressMode"));
    m_addressMode->setAccessibleName(tr("Allowed senders: change"));
    m_addressMode->addItem(tr("Leave as is"));
    m_addressMode->addItem(tr("Add an address"));
    m_addressMode->addItem(tr("Remove an address"));
    m_address = new QLineEdit(m_ui->fieldsHost);
    m_address->setObjectName(QStringLiteral("bulkAddressValue"));
    m_address->setAccessibleName(tr("Sender address"));
    m_address->setPlaceholderText(tr("name@example.com"));
    m_address->setEnabled(false);
    addRow(tr("Allowed senders:"), m_addressMode, m_address);
    connect(m_addressMode, &QComboBox::currentIndexChanged, this, [this] {
        m_address->setEnabled(m_addressMode->currentIndex() > 0);
        updateState();
    });
    connect(m_address, &QLineEdit::textChanged, this, &BulkEditDialog::updateState);
}

QList<BulkOperation> BulkEditDialog::operations(QStringList* problems) const
{
    QList<BulkOperation> out;
    QStringList found;
    for (const auto& row : m_rows) {
        if (!row->isSet())
            continue;
        QString problem;
        const std::optional<QJsonValue> value = row->read(&problem);
        if (!value) {
            found << problem;
            continue;
        }
        BulkOperation op;
        op.path = jsonPointerAppend(QString(), row->key);
        op.value = *value;
        op.secret = row->editor == FieldRow::Editor::Secret;
        out << op;
    }
    if (m_headerMode && m_headerMode->currentIndex() > 0) {
        const QString name = m_headerName->text().trimmed();
        if (name.isEmpty()) {
            found << tr("Headers: type the header's name");
        } else if (m_headerMode->currentIndex() == 1) {
            const QString value = m_headerValue->value().toString();
            if (value.isEmpty())
                found << tr("Header value: type the value to put on every connector");
            else if (const QString p = m_headerValue->problem(); !p.isEmpty())
                found << tr("Header value: %1").arg(p);
            else
                out << BulkOperation{QStringLiteral("/headers"), FieldEdit::Op::Set, value, true,
                                     name};
        } else {
            out << BulkOperation{jsonPointerAppend(QStringLiteral("/headers"),
                                                   QStringLiteral("[name=%1]").arg(name)),
                                 FieldEdit::Op::Delete, QJsonValue(), false, QString()};
        }
    }
    if (m_addressMode && m_addressMode->currentIndex() > 0) {
        const QString address = m_address->text().trimmed();
        if (address.isEmpty())
            found << tr("Allowed senders: type the address");
        else if (m_addressMode->currentIndex() == 1)
            out << BulkOperation{QStringLiteral("/config/allowed_emails/-"), FieldEdit::Op::Append,
                                 address, false, QString()};
        else
            out << BulkOperation{QStringLiteral("/config/allowed_emails"),
                                 FieldEdit::Op::RemoveValue, address, false, QString()};
    }
    if (problems)
        *problems = found;
    return out;
}

void BulkEditDialog::updateState()
{
    QStringList problems;
    const QList<BulkOperation> ops = operations(&problems);
    if (!problems.isEmpty()) {
        m_ui->bulkStatus->setText(problems.join(QLatin1Char('\n')));
        m_ui->bulkStatus->setStyleSheet(tone::errorText());
    } else {
        m_ui->bulkStatus->setText(
            ops.isEmpty() ? tr("Choose at least one change.")
                          : tr("%n change(s) for each of the %1 connectors: review them next.",
                               nullptr, int(ops.size()))
                                .arg(m_connectors.size()));
        m_ui->bulkStatus->setStyleSheet(QString());
    }
    m_ui->reviewButton->setEnabled(problems.isEmpty() && !ops.isEmpty());
}

void BulkEditDialog::review()
{
    QStringList problems;
    const QList<BulkOperation> ops = operations(&problems);
    if (!problems.isEmpty() || ops.isEmpty())
        return;
    const BulkEdit edit = bulkEdit(m_connectors, m_services, ops);
    // The typed secrets live on in the change set only, not in this dialog's entries.
    for (const auto& row : std::as_const(m_rows)) {
        if (auto* secret = qobject_cast<SecretField*>(row->value))
            secret->valueEdit()->clear();
    }
    if (m_headerValue)
        m_headerValue->valueEdit()->clear();
    emit reviewRequested(edit.entries, edit.refused);
    accept();
}

} // namespace ca
