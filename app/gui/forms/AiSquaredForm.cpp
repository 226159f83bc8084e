// AI Squared connector form (ui/AiSquaredForm.ui).
//
// objectNames: nameEdit, descriptionEdit, connectorTypeCombo (source|destination),
// connectorNameEdit (read-only:
//   it names the connector kind), configurationEdit (QPlainTextEdit, JSON without the secrets) +
//   configurationStatus (syntax: "line L, column C: ..."), secretsBox / secretsLayout with one
//   SecretField per secret path named "secret_<path below /configuration, '/' as '.'>"
//   (e.g. secret_password, secret_credentials.token; children secretState, secretEdit) and its
//   problem label "secretProblem_<same>", problem labels <field>Problem, problemSummary,
//   factsLayout (fact_id, fact_workspace_id, fact_icon, ...).
#include "AiSquaredForm.h"

#include "AiSquaredService.h"
#include "JsonText.h"
#include "SecretField.h"
#include "ui_AiSquaredForm.h"

#include <QJsonArray>
#include <QLabel>
#include <QVBoxLayout>

namespace ca {

namespace {
const QString kName = QStringLiteral("name");
const QString kDescription = QStringLiteral("description");
const QString kConnectorType = QStringLiteral("connector_type");
const QString kConfiguration = QStringLiteral("configuration");
const QString kConnectorName = QStringLiteral("connector_name");
const QString kConfigurationPointer = QStringLiteral("/configuration");

// Sets (or with an undefined value removes) the value at `tokens` below `node`, creating objects
// on the way. An array element is replaced, never removed, so other indexes stay valid.
QJsonValue withValueAt(const QJsonValue& node, QStringList tokens, const QJsonValue& value)
{
    if (tokens.isEmpty())
        return value;
    const QString token = tokens.takeFirst();
    if (node.isArray()) {
        QJsonArray a = node.toArray();
        bool ok = false;
        const int index = token.toInt(&ok);
        if (!ok || index < 0)
            return node;
        while (a.size() <= index)
            a.append(QJsonValue::Null);
        const QJsonValue child = withValueAt(a.at(index), tokens, value);
        a.replace(index, child.isUndefined() ? QJsonValue(QJsonValue::Null) : child);
        return a;
    }
    QJsonObject o = node.toObject();
    const QJsonValue child = withValueAt(o.value(token), tokens, value);
    if (child.isUndefined())
        o.remove(token);
    else
        o.insert(token, child);
    return o;
}

// Paths (below `pointer`) of string values that are a mask.
void findMasks(const QJsonValue& v, const QString& pointer, QStringList* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            findMasks(it.value(), jsonPointerAppend(pointer, it.key()), out);
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (int i = 0; i < a.size(); ++i)
            findMasks(a.at(i), jsonPointerAppend(pointer, QString::number(i)), out);
    } else if (v.isString() && SecretField::looksMasked(v.toString())) {
        out->append(pointer);
    }
}

QString relativeName(const QString& secretPointer)
{
    return jsonPointerTokens(secretPointer.mid(kConfigurationPointer.size()))
        .join(QLatin1Char('.'));
}
} // namespace

AiSquaredForm::AiSquaredForm(QWidget* parent)
    : ConnectorForm(Vendor::AiSquared, parent), m_ui(std::make_unique<Ui::AiSquaredForm>())
{
    m_ui->setupUi(this);
    setSummaryLabel(m_ui->problemSummary);
    m_ui->problemSummary->hide();
    m_ui->connectorTypeCombo->addItem(tr("Source"), QStringLiteral("source"));
    m_ui->connectorTypeCombo->addItem(tr("Destination"), QStringLiteral("destination"));
    m_ui->configurationEdit->setFont(editorMonospaceFont());

    bindField(QStringLiteral("/name"), m_ui->nameEdit, m_ui->nameProblem, m_ui->nameLabel->text());
    bindField(QStringLiteral("/description"), m_ui->descriptionEdit, m_ui->descriptionProblem,
              m_ui->descriptionLabel->text());
    bindField(QStringLiteral("/connector_type"), m_ui->connectorTypeCombo,
              m_ui->connectorTypeProblem, m_ui->connectorTypeLabel->text());
    bindField(QStringLiteral("/connector_name"), m_ui->connectorNameEdit,
              m_ui->connectorNameProblem, m_ui->connectorNameLabel->text());
    bindField(kConfigurationPointer, m_ui->configurationEdit, m_ui->configurationProblem,
              m_ui->configurationLabel->text());

    connect(m_ui->nameEdit, &QLineEdit::textChanged, this, &AiSquaredForm::onEdited);
    connect(m_ui->descriptionEdit, &QLineEdit::textChanged, this, &AiSquaredForm::onEdited);
    connect(m_ui->connectorTypeCombo, &QComboBox::currentIndexChanged, this,
            &AiSquaredForm::onEdited);
    connect(m_ui->configurationEdit, &QPlainTextEdit::textChanged, this, [this] {
        updateSyntaxStatus();
        onEdited();
    });
}

AiSquaredForm::~AiSquaredForm() = default;

void AiSquaredForm::fillWidgets(const Connector& connector)
{
    const QJsonObject& e = connector.editable;
    m_ui->nameEdit->setText(e.value(kName).toString());
    m_ui->descriptionEdit->setText(e.value(kDescription).toString());
    const QString type = e.value(kConnectorType).toString();
    int index = m_ui->connectorTypeCombo->findData(type);
    if (index < 0 && !type.isEmpty()) {
        m_ui->connectorTypeCombo->addItem(type, type); // unknown: kept, and the schema says why
        index = m_ui->connectorTypeCombo->count() - 1;
    }
    m_ui->connectorTypeCombo->setCurrentIndex(index);
    m_ui->connectorNameEdit->setText(e.value(kConnectorName).toString());

    // The secrets live in their own rows: the text shows everything else.
    QJsonValue visible = e.value(kConfiguration).toObject();
    for (const QString& path : connector.secretPaths) {
        if (path.startsWith(kConfigurationPointer + QLatin1Char('/')))
            visible =
                withValueAt(visible, jsonPointerTokens(path.mid(kConfigurationPointer.size())),
                            QJsonValue(QJsonValue::Undefined));
    }
    m_visibleConfiguration = visible.toObject();
    m_ui->configurationEdit->setPlainText(
        e.contains(kConfiguration) ? jsonEditorText(m_visibleConfiguration) : QString());
    rebuildSecretRows(connector);
    updateSyntaxStatus();
    showFacts(m_ui->factsLayout, {{QStringLiteral("/id"), tr("Id")},
                                  {QStringLiteral("/workspace_id"), tr("Workspace")},
                                  {QStringLiteral("/icon"), tr("Icon")},
                                  {QStringLiteral("/created_at"), tr("Created")},
                                  {QStringLiteral("/updated_at"), tr("Updated")},
                                  {QStringLiteral("/type"), tr("Resource type")}});
}

void AiSquaredForm::rebuildSecretRows(const Connector& connector)
{
    for (const QString& pointer : m_secrets.keys())
        unbindFieldsUnder(pointer);
    QFormLayout* layout = m_ui->secretsLayout;
    while (layout->rowCount() > 0)
        layout->removeRow(0);
    m_secrets.clear();

    QWidget* previous = m_ui->configurationEdit;
    for (const QString& pointer : connector.secretPaths) {
        if (!pointer.startsWith(kConfigurationPointer + QLatin1Char('/')))
            continue;
        const QString name = relativeName(pointer);
        auto* box = new QWidget(m_ui->secretsBox);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        boxLayout->setSpacing(2);
        auto* field = new SecretField(box);
        field->setObjectName(QStringLiteral("secret_") + name);
        field->setStored(jsonValueAt(QJsonValue(connector.editable), pointer));
        field->setAccessibleLabel(name);
        auto* problem = new QLabel(box);
        problem->setObjectName(QStringLiteral("secretProblem_") + name);
        boxLayout->addWidget(field);
        boxLayout->addWidget(problem);
        auto* label = new QLabel(name + QLatin1Char(':'), m_ui->secretsBox);
        label->setBuddy(field);
        layout->addRow(label, box);
        bindField(pointer, field->valueEdit(), problem, tr("Secret %1").arg(name));
        connect(field, &SecretField::changed, this, &AiSquaredForm::onEdited);
        setTabOrder(previous, field->stateCombo());
        setTabOrder(field->stateCombo(), field->valueEdit());
        previous = field->valueEdit();
        m_secrets.insert(pointer, field);
    }
    m_ui->fieldsLayout->setRowVisible(m_ui->secretsRowBox, !m_secrets.isEmpty());
}

void AiSquaredForm::updateSyntaxStatus()
{
    const JsonTextParse parse = parseJsonText(m_ui->configurationEdit->toPlainText());
    QLabel* status = m_ui->configurationStatus;
    if (parse.ok && parse.value.isObject())
        status->setText(tr("Valid JSON object"));
    else if (parse.ok)
        status->setText(tr("Valid JSON, but the configuration must be an object { … }"));
    else if (parse.empty)
        status->setText(tr("Empty"));
    else
        status->setText(tr("JSON error at %1").arg(parse.message()));
}

QJsonObject AiSquaredForm::assembledConfiguration() const
{
    // While the text does not parse, the stored configuration stands (the form is invalid then).
    const JsonTextParse parse = parseJsonText(m_ui->configurationEdit->toPlainText());
    QJsonValue config =
        parse.ok && parse.value.isObject() ? parse.value : QJsonValue(m_visibleConfiguration);
    for (auto it = m_secrets.begin(); it != m_secrets.end(); ++it)
        config = withValueAt(config, jsonPointerTokens(it.key().mid(kConfigurationPointer.size())),
                             it.value()->value());
    return config.toObject();
}

QJsonObject AiSquaredForm::buildDocument() const
{
    const QJsonObject& original = connector().editable;
    QJsonObject doc;
    if (original.contains(kName) || !m_ui->nameEdit->text().isEmpty())
        doc.insert(kName, m_ui->nameEdit->text());
    // Unchanged (null and "" alike) stays as stored, so a no-op edit is no edit.
    const QString description = m_ui->descriptionEdit->text();
    if (description != original.value(kDescription).toString())
        doc.insert(kDescription, description);
    else if (original.contains(kDescription))
        doc.insert(kDescription, original.value(kDescription));
    if (m_ui->connectorTypeCombo->currentIndex() >= 0)
        doc.insert(kConnectorType, m_ui->connectorTypeCombo->currentData().toString());
    if (original.contains(kConnectorName))
        doc.insert(kConnectorName, original.value(kConnectorName)); // not editable
    const QString text = m_ui->configurationEdit->toPlainText();
    if (original.contains(kConfiguration) || !text.trimmed().isEmpty() || !m_secrets.isEmpty())
        doc.insert(kConfiguration, assembledConfiguration());
    return doc;
}

QList<FieldProblem> AiSquaredForm::widgetProblems() const
{
    QList<FieldProblem> out;
    const JsonTextParse parse = parseJsonText(m_ui->configurationEdit->toPlainText());
    const bool hasConfiguration = connector().editable.contains(kConfiguration);
    if (!parse.ok && (hasConfiguration || !parse.empty)) {
        out.append({kConfigurationPointer,
                    parse.empty ? tr("must be a JSON object, e.g. {}") : parse.message()});
    } else if (parse.ok && !parse.value.isObject()) {
        out.append({kConfigurationPointer, tr("must be a JSON object { … }")});
    } else if (parse.ok) {
        // Secrets belong in their rows; a mask in the text would be stored as the value.
        for (const QString& pointer : m_secrets.keys()) {
            if (!jsonValueAt(parse.value, pointer.mid(kConfigurationPointer.size())).isUndefined())
                out.append({pointer, tr("is secret: set it in its row below, not in the text")});
        }
        QStringList masked;
        findMasks(parse.value, kConfigurationPointer, &masked);
        for (const QString& pointer : masked)
            out.append({pointer, tr("holds a mask, not a value: type the real value")});
    }
    for (auto it = m_secrets.begin(); it != m_secrets.end(); ++it) {
        const QString problem = it.value()->problem();
        if (!problem.isEmpty())
            out.append({it.key(), problem});
    }
    // The configuration is replaced as a whole: a changed one must carry every secret, and the
    // vendor only ever showed us masks.
    const QJsonValue stored = connector().editable.value(kConfiguration);
    if (parse.ok && QJsonValue(assembledConfiguration()) != stored) {
        for (auto it = m_secrets.begin(); it != m_secrets.end(); ++it) {
            const QJsonValue kept = it.value()->storedValue();
            if (it.value()->state() == SecretField::State::Keep && kept.isString() &&
                (kept.toString() == AiSquaredService::maskedPlaceholder() ||
                 SecretField::looksMasked(kept.toString())))
                out.append({it.key(), tr("re-enter %1 or keep configuration unchanged")
                                          .arg(relativeName(it.key()))});
        }
    }
    return out;
}

} // namespace ca
