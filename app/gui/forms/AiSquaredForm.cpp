// AI Squared connector form (ui/AiSquaredForm.ui).
//
// objectNames: definitionStatus (where the field list comes from), editAsJsonToggle, schemaBox
//   with schemaEditor (SchemaConfigEditor: cfg_<path>, cfgProblem_<path>), testConnectionButton,
//   testConnectionResult, nameEdit, descriptionEdit, connectorTypeCombo (source|destination),
// connectorNameEdit (read-only:
//   it names the connector kind), configurationEdit (QPlainTextEdit, JSON without the secrets) +
//   configurationStatus (syntax: "line L, column C: ..."), secretsBox / secretsLayout with one
//   SecretField per secret path named "secret_<path below /configuration, '/' as '.'>"
//   (e.g. secret_password, secret_credentials.token; children secretState, secretEdit) and its
//   problem label "secretProblem_<same>", problem labels <field>Problem, problemSummary,
//   factsLayout (fact_id, fact_workspace_id, fact_icon, ...).
#include "AiSquaredForm.h"

#include "AiSquaredService.h"
#include "Appearance.h"
#include "JsonText.h"
#include "SchemaConfigEditor.h"
#include "SecretField.h"
#include "ui_AiSquaredForm.h"

#include <QHash>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace ca {

namespace {
const QString kName = QStringLiteral("name");
const QString kDescription = QStringLiteral("description");
const QString kConnectorType = QStringLiteral("connector_type");
const QString kConfiguration = QStringLiteral("configuration");
const QString kConnectorName = QStringLiteral("connector_name");
const QString kConfigurationPointer = QStringLiteral("/configuration");

// Paths (below `pointer`) of string values that are a mask.
void findMasks(const QJsonValue& v, const QString& pointer, QStringList* out)
{
    *out += jsonLeafPointers(
        v, [](const QJsonValue& leaf) { return SecretField::looksMasked(leaf.toString()); },
        pointer);
}

QString relativeName(const QString& secretPointer)
{
    return jsonPointerDotted(secretPointer.mid(kConfigurationPointer.size()));
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
    m_editor = new SchemaConfigEditor(m_ui->schemaBox);
    m_editor->setObjectName(QStringLiteral("schemaEditor"));
    m_ui->schemaLayout->addWidget(m_editor);
    m_ui->schemaBox->hide();
    m_ui->editAsJsonToggle->setEnabled(false);

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
    connect(m_ui->connectorTypeCombo, &QComboBox::currentIndexChanged, this, [this] {
        // Another type is another kind: its own definition (and schema) apply.
        if (!definitionMatches()) {
            showJsonView(currentConfiguration(), secretPointersFor(currentConfiguration()),
                         shownSecrets());
            applyValidationSchema();
            emit definitionWanted(wantedType(), wantedName());
        }
        onEdited();
        updateTestButton();
    });
    connect(m_ui->configurationEdit, &QPlainTextEdit::textChanged, this, [this] {
        updateSyntaxStatus();
        onEdited();
        updateTestButton();
    });
    connect(m_editor, &SchemaConfigEditor::changed, this, [this] {
        onEdited();
        updateTestButton();
    });
    connect(m_ui->editAsJsonToggle, &QCheckBox::toggled, this, [this](bool json) {
        if (!setJsonMode(json)) {
            const QSignalBlocker block(m_ui->editAsJsonToggle);
            m_ui->editAsJsonToggle->setChecked(true);
        }
    });
    connect(m_ui->testConnectionButton, &QPushButton::clicked, this, &AiSquaredForm::requestTest);
    updateTestButton();
}

AiSquaredForm::~AiSquaredForm() = default;

QString AiSquaredForm::wantedType() const
{
    return m_ui->connectorTypeCombo->currentData().toString();
}

QString AiSquaredForm::wantedName() const
{
    return m_ui->connectorNameEdit->text();
}

bool AiSquaredForm::definitionMatches() const
{
    return m_definition.isValid() &&
           m_definition.name.compare(wantedName(), Qt::CaseInsensitive) == 0 &&
           m_definition.type == wantedType();
}

bool AiSquaredForm::isJsonMode() const
{
    return !m_ui->schemaBox->isVisibleTo(this);
}

void AiSquaredForm::fillWidgets(const Connector& connector)
{
    const QJsonObject& e = connector.editable;
    if (m_testedId != connector.profileName + QLatin1Char('/') + connector.id) {
        m_lastTest.reset();
        m_testedFingerprint.clear();
        m_testedId = connector.profileName + QLatin1Char('/') + connector.id;
        m_ui->testConnectionResult->clear();
    }
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
    m_knownSecretPaths = connector.secretPaths;

    if (!definitionMatches() && m_lookup) {
        if (const auto known = m_lookup(wantedType(), wantedName())) {
            m_definition = *known;
            m_definitionNote.clear();
        }
    }
    m_ui->editAsJsonToggle->setEnabled(definitionMatches());
    const QJsonObject configuration = e.value(kConfiguration).toObject();
    if (definitionMatches() && !m_userChoseJson)
        showSchemaView(configuration, {});
    else
        showJsonView(configuration, secretPointersFor(configuration), {});
    if (!e.contains(kConfiguration)) {
        const QSignalBlocker block(m_ui->configurationEdit);
        m_ui->configurationEdit->clear();
    }
    updateSyntaxStatus();
    applyValidationSchema();
    showFacts(m_ui->factsLayout, {{QStringLiteral("/id"), tr("Id")},
                                  {QStringLiteral("/workspace_id"), tr("Workspace")},
                                  {QStringLiteral("/icon"), tr("Icon")},
                                  {QStringLiteral("/created_at"), tr("Created")},
                                  {QStringLiteral("/updated_at"), tr("Updated")},
                                  {QStringLiteral("/type"), tr("Resource type")}});
    updateTestButton();
    if (!definitionMatches() && !wantedName().isEmpty()) {
        m_ui->definitionStatus->setText(
            tr("Reading AI Squared's definition of %1…").arg(wantedName()));
        emit definitionWanted(wantedType(), wantedName());
    }
}

void AiSquaredForm::setDefinition(const ConnectorDefinition& definition, const QString& note)
{
    if (!definition.isValid() || definition.type != wantedType() ||
        definition.name.compare(wantedName(), Qt::CaseInsensitive) != 0)
        return; // an answer for a kind no longer shown
    const QJsonObject configuration = currentConfiguration();
    const auto secrets = shownSecrets();
    m_definition = definition;
    m_definitionNote = note;
    m_ui->editAsJsonToggle->setEnabled(true);
    if (!m_userChoseJson) {
        const QSignalBlocker block(m_ui->editAsJsonToggle);
        m_ui->editAsJsonToggle->setChecked(false);
        showSchemaView(configuration, secrets);
    } else {
        showJsonView(configuration, secretPointersFor(configuration), secrets);
    }
    applyValidationSchema();
    revalidate();
    updateTestButton();
}

void AiSquaredForm::setDefinitionUnavailable(const QString& connectorType,
                                             const QString& connectorName, const QString& why)
{
    if (connectorType != wantedType() ||
        connectorName.compare(wantedName(), Qt::CaseInsensitive) != 0)
        return;
    m_definition = {};
    m_definitionNote.clear();
    m_ui->editAsJsonToggle->setEnabled(false);
    {
        const QSignalBlocker block(m_ui->editAsJsonToggle);
        m_ui->editAsJsonToggle->setChecked(true);
    }
    if (!isJsonMode())
        showJsonView(currentConfiguration(), secretPointersFor(currentConfiguration()),
                     shownSecrets());
    m_ui->definitionStatus->setText(
        tr("Field list from the key names: the vendor's definition could not be read (%1).")
            .arg(why));
    applyValidationSchema();
    revalidate();
}

bool AiSquaredForm::setJsonMode(bool json)
{
    if (json == isJsonMode())
        return true;
    if (json) {
        m_userChoseJson = true;
        const QJsonObject configuration = currentConfiguration();
        showJsonView(configuration, secretPointersFor(configuration), m_editor->secretFields());
    } else {
        if (!definitionMatches())
            return false;
        const JsonTextParse parse = parseJsonText(m_ui->configurationEdit->toPlainText());
        if (!(parse.ok && parse.value.isObject()) && !parse.empty) {
            m_ui->configurationProblem->setText(
                tr("Fix the JSON before going back to the fields: %1").arg(parse.message()));
            m_ui->configurationProblem->show();
            return false;
        }
        m_userChoseJson = false;
        showSchemaView(assembledConfiguration(), m_secrets);
        rebuildSecretRows({}, {}, {}); // the JSON view's rows are gone
    }
    {
        const QSignalBlocker block(m_ui->editAsJsonToggle);
        m_ui->editAsJsonToggle->setChecked(json);
    }
    revalidate();
    updateTestButton();
    return true;
}

void AiSquaredForm::showSchemaView(const QJsonObject& configuration,
                                   const QMap<QString, SecretField*>& statesFrom)
{
    unbindFieldsUnder(kConfigurationPointer);
    m_editor->build(m_definition, connector().editable.value(kConfiguration).toObject(),
                    configuration, statesFrom);
    bindField(kConfigurationPointer, m_ui->schemaBox, m_ui->configurationProblem,
              m_ui->configurationLabel->text());
    for (const SchemaConfigEditor::Binding& b : m_editor->bindings())
        bindField(b.pointer, b.input, b.problem, b.label);
    m_ui->schemaBox->show();
    m_ui->configurationEdit->hide();
    m_ui->configurationStatus->hide();
    m_ui->fieldsLayout->setRowVisible(m_ui->secretsRowBox, false);
    m_ui->configurationLabel->setBuddy(m_editor);
    QString status = tr("Fields from AI Squared's definition of %1 (%2).")
                         .arg(m_definition.title.isEmpty() ? m_definition.name : m_definition.title,
                              m_definition.type);
    if (!m_definitionNote.isEmpty())
        status += QLatin1Char(' ') + m_definitionNote;
    m_ui->definitionStatus->setText(status);
}

void AiSquaredForm::showJsonView(const QJsonObject& configuration,
                                 const QStringList& secretPointers,
                                 const QMap<QString, SecretField*>& statesFrom)
{
    // The secrets live in their own rows: the text shows everything else.
    QJsonValue visible = configuration;
    for (const QString& path : secretPointers)
        visible = jsonValueSetCreating(visible, path.mid(kConfigurationPointer.size()),
                                       QJsonValue(QJsonValue::Undefined));
    m_visibleConfiguration = visible.toObject();
    unbindFieldsUnder(kConfigurationPointer);
    bindField(kConfigurationPointer, m_ui->configurationEdit, m_ui->configurationProblem,
              m_ui->configurationLabel->text());
    {
        const QSignalBlocker block(m_ui->configurationEdit);
        m_ui->configurationEdit->setPlainText(jsonEditorText(m_visibleConfiguration));
    }
    rebuildSecretRows(configuration, secretPointers, statesFrom);
    m_editor->clear();
    m_ui->schemaBox->hide();
    m_ui->configurationEdit->show();
    m_ui->configurationStatus->show();
    m_ui->configurationLabel->setBuddy(m_ui->configurationEdit);
    updateSyntaxStatus();
    if (definitionMatches())
        m_ui->definitionStatus->setText(
            tr("The configuration as JSON; the fields of AI Squared's definition of %1 check it.")
                .arg(m_definition.title.isEmpty() ? m_definition.name : m_definition.title));
}

QStringList AiSquaredForm::secretPointersFor(const QJsonObject& configuration) const
{
    QStringList out;
    for (const QString& p : m_knownSecretPaths) {
        if (p.startsWith(kConfigurationPointer + QLatin1Char('/')))
            out.append(p);
    }
    findMasks(configuration, kConfigurationPointer, &out);
    if (definitionMatches())
        out += m_definition.secretPaths(configuration, kConfigurationPointer);
    out.sort();
    out.removeDuplicates();
    return out;
}

void AiSquaredForm::rebuildSecretRows(const QJsonObject& configuration,
                                      const QStringList& secretPointers,
                                      const QMap<QString, SecretField*>& statesFrom)
{
    // Keep the old rows alive until their states were copied (statesFrom may be them).
    QList<QWidget*> old;
    QFormLayout* layout = m_ui->secretsLayout;
    while (layout->rowCount() > 0) {
        const QFormLayout::TakeRowResult row = layout->takeRow(0);
        for (QLayoutItem* item : {row.labelItem, row.fieldItem}) {
            if (item && item->widget()) {
                item->widget()->hide();
                old.append(item->widget());
            }
            delete item;
        }
    }
    m_secrets.clear();

    const QJsonObject stored = connector().editable.value(kConfiguration).toObject();
    QWidget* previous = m_ui->configurationEdit;
    for (const QString& pointer : secretPointers) {
        const QString below = pointer.mid(kConfigurationPointer.size());
        const QString name = relativeName(pointer);
        auto* box = new QWidget(m_ui->secretsBox);
        auto* boxLayout = new QVBoxLayout(box);
        boxLayout->setContentsMargins(0, 0, 0, 0);
        boxLayout->setSpacing(2);
        auto* field = new SecretField(box);
        field->setObjectName(QStringLiteral("secret_") + name);
        const QJsonValue kept = jsonValueAt(stored, below);
        const QJsonValue shown = jsonValueAt(configuration, below);
        if (SecretField* from = statesFrom.value(pointer)) {
            field->copyStateFrom(*from);
        } else if (!kept.isUndefined()) {
            field->setStoredAndEdited(kept, shown);
        } else if (!shown.isUndefined()) {
            // Held by the edit, not by the server (a merge, a restored draft): kept as it is.
            field->setStored(shown);
        } else {
            field->setNew();
        }
        field->setAccessibleLabel(name);
        auto* problem = new QLabel(box);
        problem->setObjectName(QStringLiteral("secretProblem_") + name);
        boxLayout->addWidget(field);
        boxLayout->addWidget(problem);
        auto* label = new QLabel(name + QLatin1Char(':'), m_ui->secretsBox);
        label->setBuddy(field);
        layout->addRow(label, box);
        bindField(pointer, field->valueEdit(), problem, tr("Secret %1").arg(name));
        connect(field, &SecretField::changed, this, [this] {
            onEdited();
            updateTestButton();
        });
        setTabOrder(previous, field->stateCombo());
        setTabOrder(field->stateCombo(), field->valueEdit());
        previous = field->valueEdit();
        m_secrets.insert(pointer, field);
    }
    qDeleteAll(old);
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

void AiSquaredForm::applyValidationSchema()
{
    if (!definitionMatches()) {
        setSchema(SchemaValidator::forVendor(Vendor::AiSquared));
        return;
    }
    // Compiled once per kind (the GUI thread is the only caller).
    static QHash<QString, SchemaValidator> compiled;
    const QString key = m_definition.type + QLatin1Char('/') + m_definition.name +
                        QLatin1Char('/') +
                        SecretRules::fingerprint(QJsonValue(m_definition.specification));
    auto it = compiled.find(key);
    if (it == compiled.end()) {
        const QJsonObject documentSchema =
            m_definition.documentSchema(SchemaValidator::forVendor(Vendor::AiSquared).schema());
        it = compiled.insert(
            key, SchemaValidator::fromSchema(documentSchema,
                                             tr("the %1 definition").arg(m_definition.name)));
    }
    // A definition valijson cannot read: the vendor-independent schema still checks the rest.
    setSchema(it->isLoaded() ? *it : SchemaValidator::forVendor(Vendor::AiSquared));
}

QJsonObject AiSquaredForm::assembledConfiguration() const
{
    // While the text does not parse, the stored configuration stands (the form is invalid then).
    const JsonTextParse parse = parseJsonText(m_ui->configurationEdit->toPlainText());
    QJsonValue config =
        parse.ok && parse.value.isObject() ? parse.value : QJsonValue(m_visibleConfiguration);
    for (auto it = m_secrets.begin(); it != m_secrets.end(); ++it) {
        const QJsonValue v = it.value()->value();
        if (!it.value()->hasStored() && v.toString().isEmpty())
            continue; // a new secret left empty is not added
        config = jsonValueSetCreating(config, it.key().mid(kConfigurationPointer.size()), v);
    }
    return config.toObject();
}

QJsonObject AiSquaredForm::currentConfiguration() const
{
    return isJsonMode() ? assembledConfiguration() : m_editor->configuration();
}

QMap<QString, SecretField*> AiSquaredForm::shownSecrets() const
{
    return isJsonMode() ? m_secrets : m_editor->secretFields();
}

SecretField* AiSquaredForm::secretField(const QString& pointer) const
{
    return shownSecrets().value(pointer);
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
    if (original.contains(kConfiguration) || !isJsonMode() || !text.trimmed().isEmpty() ||
        !m_secrets.isEmpty())
        doc.insert(kConfiguration, currentConfiguration());
    return doc;
}

QList<FieldProblem> AiSquaredForm::widgetProblems() const
{
    QList<FieldProblem> out;
    if (!isJsonMode()) {
        out = m_editor->widgetProblems();
    } else {
        const JsonTextParse parse = parseJsonText(m_ui->configurationEdit->toPlainText());
        const bool hasConfiguration = connector().editable.contains(kConfiguration);
        if (!parse.ok && (hasConfiguration || !parse.empty)) {
            out.append({kConfigurationPointer,
                        parse.empty ? tr("must be a JSON object, e.g. {}") : parse.message()});
            return out;
        }
        if (parse.ok && !parse.value.isObject()) {
            out.append({kConfigurationPointer, tr("must be a JSON object { … }")});
            return out;
        }
        if (parse.ok) {
            // Secrets belong in their rows; a mask in the text would be stored as the value.
            for (const QString& pointer : m_secrets.keys()) {
                if (!jsonValueAt(parse.value, pointer.mid(kConfigurationPointer.size()))
                         .isUndefined())
                    out.append(
                        {pointer, tr("is secret: set it in its row below, not in the text")});
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
    }
    // The configuration is replaced as a whole: a changed one must carry every secret, and the
    // vendor only ever showed us masks.
    const QJsonValue stored = connector().editable.value(kConfiguration);
    if (QJsonValue(currentConfiguration()) != stored) {
        const auto secrets = shownSecrets();
        for (auto it = secrets.begin(); it != secrets.end(); ++it) {
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

// --- connection test ---

QString AiSquaredForm::connectionTestBlocker() const
{
    if (wantedName().isEmpty())
        return tr("The connector has no kind (connector_name) to test.");
    if (isJsonMode()) {
        const JsonTextParse parse = parseJsonText(m_ui->configurationEdit->toPlainText());
        if (!parse.ok || !parse.value.isObject())
            return tr("Fix the configuration's JSON first.");
    }
    QStringList names;
    for (const QString& pointer : AiSquaredService::unsentableSecrets(currentConfiguration()))
        names << jsonPointerDotted(pointer);
    if (!names.isEmpty())
        return tr("To test, re-enter %1: AI Squared shows stored secrets only masked, and the "
                  "test needs the real values.")
            .arg(names.join(QStringLiteral(", ")));
    return {};
}

void AiSquaredForm::updateTestButton()
{
    const QString blocker = connectionTestBlocker();
    m_ui->testConnectionButton->setEnabled(blocker.isEmpty() && !m_testRunning);
    m_ui->testConnectionButton->setToolTip(
        blocker.isEmpty() ? tr("Ask AI Squared to connect with the configuration as it is now "
                               "(nothing is saved)")
                          : blocker);
    if (!m_testRunning && !m_lastTest && !blocker.isEmpty())
        m_ui->testConnectionResult->setText(blocker);
    else if (!m_testRunning && !m_lastTest)
        m_ui->testConnectionResult->setText(tr("Not tested."));
}

void AiSquaredForm::requestTest()
{
    if (!connectionTestBlocker().isEmpty() || m_testRunning)
        return;
    const QJsonObject configuration = currentConfiguration();
    m_testRunning = true;
    m_testedFingerprint = SecretRules::fingerprint(QJsonValue(configuration));
    m_ui->testConnectionResult->setStyleSheet(QString());
    m_ui->testConnectionResult->setText(tr("Testing the connection…"));
    updateTestButton();
    emit connectionTestRequested(wantedType(), wantedName(), configuration);
}

void AiSquaredForm::showConnectionTest(const ConnectionCheckResult& result)
{
    m_testRunning = false;
    m_lastTest = result;
    const QString at = QLocale().toString(result.at.time(), QLocale::ShortFormat);
    QLabel* label = m_ui->testConnectionResult;
    switch (result.status) {
    case ConnectionCheckResult::Status::Succeeded:
        label->setStyleSheet(tone::successText());
        label->setText(tr("Connection succeeded at %1: %2").arg(at, result.message));
        break;
    case ConnectionCheckResult::Status::Failed:
        label->setStyleSheet(tone::errorText());
        label->setText(tr("Connection failed at %1: %2").arg(at, result.message));
        break;
    case ConnectionCheckResult::Status::NotRun:
        label->setStyleSheet(tone::errorText());
        label->setText(tr("Not tested: %1").arg(result.error.message));
        break;
    }
    label->setAccessibleDescription(label->text());
    updateTestButton();
}

QString AiSquaredForm::connectionTestStatus() const
{
    if (!m_lastTest || m_lastTest->status == ConnectionCheckResult::Status::NotRun)
        return tr("not tested");
    const QString at = QLocale().toString(m_lastTest->at.time(), QLocale::ShortFormat);
    const bool ok = m_lastTest->status == ConnectionCheckResult::Status::Succeeded;
    if (SecretRules::fingerprint(QJsonValue(currentConfiguration())) != m_testedFingerprint)
        return ok ? tr("not tested since the last change (the test at %1 succeeded)").arg(at)
                  : tr("not tested since the last change (the test at %1 failed)").arg(at);
    return ok ? tr("tested: succeeded at %1").arg(at)
              : tr("tested: failed at %1 (%2)").arg(at, m_lastTest->message);
}

} // namespace ca
