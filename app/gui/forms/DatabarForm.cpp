// Databar connector form (ui/DatabarForm.ui).
//
// objectNames (tests and the main window find widgets by these):
//   nameEdit (QLineEdit, 256), typeCombo (simple|enrichment|exporter), methodCombo (get|post|
//   put|patch; item data = the vendor value), urlEdit (QLineEdit, 512),
//   headersTable / headersAddButton / headersRemoveButton (value cells are SecretField widgets:
//   children secretState, secretEdit), parametersTable / parametersAddButton /
//   parametersRemoveButton, bodyTable / bodyAddButton / bodyRemoveButton,
//   bodyTemplateEdit (QPlainTextEdit) + bodyTemplateCounter ("N / 2048"),
//   rateLimitSpin + rateLimitUnset (QCheckBox "no limit" = null), maxConcurrencySpin +
//   maxConcurrencyUnset, problem labels <field>Problem (nameProblem, urlProblem, ...),
//   problemSummary, factsLayout (fact_id, fact_created_at).
#include "DatabarForm.h"

#include "Appearance.h"
#include "JsonText.h"
#include "NameValueTable.h"
#include "SecretField.h"
#include "ui_DatabarForm.h"

#include <QUrl>

namespace ca {

namespace {
const QString kName = QStringLiteral("name");
const QString kType = QStringLiteral("type");
const QString kMethod = QStringLiteral("method");
const QString kUrl = QStringLiteral("url");
const QString kHeaders = QStringLiteral("headers");
const QString kParameters = QStringLiteral("parameters");
const QString kBody = QStringLiteral("body");
const QString kBodyTemplate = QStringLiteral("body_template");
const QString kRateLimit = QStringLiteral("rate_limit");
const QString kMaxConcurrency = QStringLiteral("max_concurrency");

// Selects `value` by item data; a value the form does not know is added, so it is not lost and
// the schema can say what is wrong with it.
void selectValue(QComboBox* combo, const QJsonValue& value)
{
    if (!value.isString()) {
        combo->setCurrentIndex(-1);
        return;
    }
    int index = combo->findData(value.toString());
    if (index < 0) {
        combo->addItem(value.toString(), value.toString());
        index = combo->count() - 1;
    }
    combo->setCurrentIndex(index);
}

void fillLimit(QSpinBox* spin, QCheckBox* unset, const QJsonValue& value)
{
    const bool isSet = value.isDouble();
    spin->setMinimum(isSet ? qMin(1, value.toInt()) : 1); // a stored 0 is shown, and flagged
    spin->setValue(isSet ? value.toInt() : 1);
    unset->setChecked(!isSet);
    spin->setEnabled(isSet);
}
} // namespace

DatabarForm::DatabarForm(QWidget* parent)
    : ConnectorForm(Vendor::Databar, parent), m_ui(std::make_unique<Ui::DatabarForm>())
{
    m_ui->setupUi(this);
    setSummaryLabel(m_ui->problemSummary);
    m_ui->problemSummary->hide();

    m_ui->typeCombo->addItem(tr("Simple"), QStringLiteral("simple"));
    m_ui->typeCombo->addItem(tr("Enrichment"), QStringLiteral("enrichment"));
    m_ui->typeCombo->addItem(tr("Exporter"), QStringLiteral("exporter"));
    for (const char* method : {"get", "post", "put", "patch"})
        m_ui->methodCombo->addItem(QString::fromLatin1(method).toUpper(), QLatin1String(method));
    m_ui->bodyTemplateEdit->setFont(editorMonospaceFont());

    m_headers = new NameValueTable(m_ui->headersTable, m_ui->headersAddButton,
                                   m_ui->headersRemoveButton, true, this);
    m_parameters = new NameValueTable(m_ui->parametersTable, m_ui->parametersAddButton,
                                      m_ui->parametersRemoveButton, false, this);
    m_body = new NameValueTable(m_ui->bodyTable, m_ui->bodyAddButton, m_ui->bodyRemoveButton, false,
                                this);

    bindField(QStringLiteral("/name"), m_ui->nameEdit, m_ui->nameProblem, m_ui->nameLabel->text());
    bindField(QStringLiteral("/type"), m_ui->typeCombo, m_ui->typeProblem, m_ui->typeLabel->text());
    bindField(QStringLiteral("/method"), m_ui->methodCombo, m_ui->methodProblem,
              m_ui->methodLabel->text());
    bindField(QStringLiteral("/url"), m_ui->urlEdit, m_ui->urlProblem, m_ui->urlLabel->text());
    bindField(QStringLiteral("/headers"), m_ui->headersTable, m_ui->headersProblem,
              m_ui->headersLabel->text(), tr("Header"));
    bindField(QStringLiteral("/parameters"), m_ui->parametersTable, m_ui->parametersProblem,
              m_ui->parametersLabel->text(), tr("Parameter"));
    bindField(QStringLiteral("/body"), m_ui->bodyTable, m_ui->bodyProblem, m_ui->bodyLabel->text(),
              tr("Field"));
    bindField(QStringLiteral("/body_template"), m_ui->bodyTemplateEdit, m_ui->bodyTemplateProblem,
              m_ui->bodyTemplateLabel->text());
    bindField(QStringLiteral("/rate_limit"), m_ui->rateLimitSpin, m_ui->rateLimitProblem,
              m_ui->rateLimitLabel->text());
    bindField(QStringLiteral("/max_concurrency"), m_ui->maxConcurrencySpin,
              m_ui->maxConcurrencyProblem, m_ui->maxConcurrencyLabel->text());

    // A stored over-long value raised the limit to show it whole; once it fits, typing is held
    // to the vendor's limit again.
    const auto wireLimitedText = [this](QLineEdit* edit, int limit) {
        connect(edit, &QLineEdit::textChanged, this, [this, edit, limit](const QString& text) {
            if (text.size() <= limit && edit->maxLength() > limit)
                edit->setMaxLength(limit);
            onEdited();
        });
    };
    wireLimitedText(m_ui->nameEdit, kNameMax);
    wireLimitedText(m_ui->urlEdit, kUrlMax);
    connect(m_ui->typeCombo, &QComboBox::currentIndexChanged, this, &DatabarForm::onEdited);
    connect(m_ui->methodCombo, &QComboBox::currentIndexChanged, this, &DatabarForm::onEdited);
    for (NameValueTable* table : {m_headers, m_parameters, m_body})
        connect(table, &NameValueTable::changed, this, &DatabarForm::onEdited);
    connect(m_ui->bodyTemplateEdit, &QPlainTextEdit::textChanged, this, [this] {
        updateTemplateCounter();
        onEdited();
    });
    const auto wireLimit = [this](QSpinBox* spin, QCheckBox* unset) {
        connect(spin, &QSpinBox::valueChanged, this, &DatabarForm::onEdited);
        connect(unset, &QCheckBox::toggled, this, [this, spin](bool noLimit) {
            spin->setEnabled(!noLimit);
            onEdited();
        });
    };
    wireLimit(m_ui->rateLimitSpin, m_ui->rateLimitUnset);
    wireLimit(m_ui->maxConcurrencySpin, m_ui->maxConcurrencyUnset);
    updateTemplateCounter();
}

DatabarForm::~DatabarForm() = default;

void DatabarForm::fillWidgets(const Connector& connector)
{
    const QJsonObject& e = connector.editable;
    // A stored value longer than the limit is shown whole (and flagged), never cut silently.
    const QString name = e.value(kName).toString();
    m_ui->nameEdit->setMaxLength(qMax(kNameMax, int(name.size())));
    m_ui->nameEdit->setText(name);
    const QString url = e.value(kUrl).toString();
    m_ui->urlEdit->setMaxLength(qMax(kUrlMax, int(url.size())));
    m_ui->urlEdit->setText(url);
    selectValue(m_ui->typeCombo,
                e.contains(kType) ? e.value(kType) : QJsonValue(QStringLiteral("enrichment")));
    selectValue(m_ui->methodCombo, e.value(kMethod));
    m_headers->setRows(e.value(kHeaders).toArray());
    m_parameters->setRows(e.value(kParameters).toArray());
    m_body->setRows(e.value(kBody).toArray());
    m_ui->bodyTemplateEdit->setPlainText(e.value(kBodyTemplate).toString());
    fillLimit(m_ui->rateLimitSpin, m_ui->rateLimitUnset, e.value(kRateLimit));
    fillLimit(m_ui->maxConcurrencySpin, m_ui->maxConcurrencyUnset, e.value(kMaxConcurrency));
    updateTemplateCounter();
    showFacts(m_ui->factsLayout,
              {{QStringLiteral("/id"), tr("Id")}, {QStringLiteral("/created_at"), tr("Created")}});
}

QJsonObject DatabarForm::buildDocument() const
{
    const QJsonObject& original = connector().editable;
    QJsonObject doc;
    // A field the vendor left out stays out while it holds the vendor's default.
    const auto put = [&](const QString& key, const QJsonValue& value, const QJsonValue& fallback) {
        if (!original.contains(key) && value == fallback)
            return;
        doc.insert(key, value);
    };
    put(kName, m_ui->nameEdit->text(), QString());
    put(kType, m_ui->typeCombo->currentData().toString(), QStringLiteral("enrichment"));
    if (m_ui->methodCombo->currentIndex() >= 0)
        doc.insert(kMethod, m_ui->methodCombo->currentData().toString());
    put(kUrl, m_ui->urlEdit->text(), QString());
    put(kHeaders, m_headers->rows(), QJsonArray());
    put(kParameters, m_parameters->rows(), QJsonArray());
    put(kBody, m_body->rows(), QJsonArray());
    const QString bodyTemplate = m_ui->bodyTemplateEdit->toPlainText();
    // Empty means "no template" (null), unless the vendor stored an empty string.
    const bool storedEmptyString = original.value(kBodyTemplate) == QJsonValue(QString());
    put(kBodyTemplate,
        bodyTemplate.isEmpty() && !storedEmptyString ? QJsonValue(QJsonValue::Null)
                                                     : QJsonValue(bodyTemplate),
        QJsonValue(QJsonValue::Null));
    const auto limit = [](const QSpinBox* spin, const QCheckBox* unset) {
        return unset->isChecked() ? QJsonValue(QJsonValue::Null) : QJsonValue(spin->value());
    };
    put(kRateLimit, limit(m_ui->rateLimitSpin, m_ui->rateLimitUnset), QJsonValue::Null);
    put(kMaxConcurrency, limit(m_ui->maxConcurrencySpin, m_ui->maxConcurrencyUnset),
        QJsonValue::Null);
    return doc;
}

QList<FieldProblem> DatabarForm::widgetProblems() const
{
    QList<FieldProblem> out = m_headers->problems(QStringLiteral("/headers"));
    out += m_parameters->problems(QStringLiteral("/parameters"));
    out += m_body->problems(QStringLiteral("/body"));
    const QString urlText = m_ui->urlEdit->text().trimmed();
    if (!urlText.isEmpty()) {
        const QUrl url(urlText, QUrl::TolerantMode);
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.host().isEmpty() ||
            (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
            out.append({QStringLiteral("/url"), tr("must be a full http:// or https:// address "
                                                   "(e.g. https://api.example.com/v1/score)")});
    }
    return out;
}

void DatabarForm::presentItemProblems(const QList<FieldProblem>& problems)
{
    m_headers->markProblems(QStringLiteral("/headers"), problems);
    m_parameters->markProblems(QStringLiteral("/parameters"), problems);
    m_body->markProblems(QStringLiteral("/body"), problems);
}

void DatabarForm::updateTemplateCounter()
{
    const qsizetype length = QStringView(m_ui->bodyTemplateEdit->toPlainText()).toUcs4().size();
    const bool over = length > kBodyTemplateMax;
    QLabel* counter = m_ui->bodyTemplateCounter;
    counter->setText(over ? tr("%1 / %2 — too long").arg(length).arg(kBodyTemplateMax)
                          : tr("%1 / %2").arg(length).arg(kBodyTemplateMax));
    counter->setProperty("overLimit", over);
    counter->setStyleSheet(over ? tone::errorText() + QStringLiteral(" font-weight: bold;")
                                : QString());
}

} // namespace ca
