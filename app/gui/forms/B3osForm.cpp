// B3OS connector form (ui/B3osForm.ui).
//
// objectNames: nameEdit, descriptionEdit (QPlainTextEdit), dataEdit (QPlainTextEdit, JSON;
//   starts empty = keep the stored data) + dataStatus (syntax) + dataNote (the explanation),
//   problem labels nameProblem, descriptionProblem, dataProblem, problemSummary,
//   factsLayout (fact_id, fact_provider, fact_type, fact_maskedData, ...).
#include "B3osForm.h"

#include "JsonText.h"
#include "SecretField.h"
#include "ui_B3osForm.h"

namespace ca {

namespace {
const QString kName = QStringLiteral("name");
const QString kDescription = QStringLiteral("description");
const QString kData = QStringLiteral("data");
const QString kMaskedData = QStringLiteral("maskedData");
} // namespace

B3osForm::B3osForm(QWidget* parent)
    : ConnectorForm(Vendor::B3os, parent), m_ui(std::make_unique<Ui::B3osForm>())
{
    m_ui->setupUi(this);
    setSummaryLabel(m_ui->problemSummary);
    m_ui->problemSummary->hide();
    m_ui->dataEdit->setFont(editorMonospaceFont());

    bindField(QStringLiteral("/name"), m_ui->nameEdit, m_ui->nameProblem, m_ui->nameLabel->text());
    bindField(QStringLiteral("/description"), m_ui->descriptionEdit, m_ui->descriptionProblem,
              m_ui->descriptionLabel->text());
    bindField(QStringLiteral("/data"), m_ui->dataEdit, m_ui->dataProblem, m_ui->dataLabel->text());

    connect(m_ui->nameEdit, &QLineEdit::textChanged, this, &B3osForm::onEdited);
    connect(m_ui->descriptionEdit, &QPlainTextEdit::textChanged, this, &B3osForm::onEdited);
    connect(m_ui->dataEdit, &QPlainTextEdit::textChanged, this, [this] {
        updateSyntaxStatus();
        onEdited();
    });
}

B3osForm::~B3osForm() = default;

void B3osForm::fillWidgets(const Connector& connector)
{
    m_ui->nameEdit->setText(connector.editable.value(kName).toString());
    m_ui->descriptionEdit->setPlainText(connector.editable.value(kDescription).toString());
    m_ui->dataEdit->clear(); // B3OS never returns data: nothing to show but the masked view
    updateSyntaxStatus();
    showFacts(m_ui->factsLayout, {{QStringLiteral("/id"), tr("Id")},
                                  {QStringLiteral("/provider"), tr("Provider")},
                                  {QStringLiteral("/type"), tr("Type")},
                                  {QStringLiteral("/maskedData"), tr("Stored data (masked)")},
                                  {QStringLiteral("/organizationId"), tr("Organization")},
                                  {QStringLiteral("/createdAt"), tr("Created")},
                                  {QStringLiteral("/createdBy"), tr("Created by")},
                                  {QStringLiteral("/updatedAt"), tr("Updated")},
                                  {QStringLiteral("/updatedBy"), tr("Updated by")}});
}

QJsonObject B3osForm::buildDocument() const
{
    QJsonObject doc = connector().editable;
    doc.insert(kName, m_ui->nameEdit->text());
    doc.insert(kDescription, m_ui->descriptionEdit->toPlainText());
    // data only when a complete new object was typed; it replaces the stored data whole.
    const JsonTextParse parse = parseJsonText(m_ui->dataEdit->toPlainText());
    if (parse.ok && parse.value.isObject())
        doc.insert(kData, parse.value);
    else
        doc.remove(kData);
    return doc;
}

QList<FieldProblem> B3osForm::widgetProblems() const
{
    QList<FieldProblem> out;
    const JsonTextParse parse = parseJsonText(m_ui->dataEdit->toPlainText());
    if (parse.empty)
        return out;
    if (!parse.ok) {
        out.append({QStringLiteral("/data"), parse.message()});
        return out;
    }
    if (!parse.value.isObject()) {
        out.append({QStringLiteral("/data"),
                    tr("must be the complete data object { … }, or empty to keep it")});
        return out;
    }
    // The masked view is for display: copying it back would store the asterisks.
    const QJsonObject masked = connector().readOnly.value(kMaskedData).toObject();
    const QJsonObject data = parse.value.toObject();
    for (auto it = data.begin(); it != data.end(); ++it) {
        const QString shown = masked.value(it.key()).toString();
        // Only a value shown with asterisks was hidden; "#ops" shown as "#ops" is real.
        const bool copiedMask = shown.contains(QLatin1Char('*')) && it.value() == QJsonValue(shown);
        if (copiedMask ||
            (it.value().isString() && SecretField::looksMasked(it.value().toString())))
            out.append({jsonPointerAppend(QStringLiteral("/data"), it.key()),
                        tr("is the masked display value: enter the real value")});
    }
    return out;
}

void B3osForm::updateSyntaxStatus()
{
    const JsonTextParse parse = parseJsonText(m_ui->dataEdit->toPlainText());
    QString text;
    if (parse.empty)
        text = tr("Empty: the stored data is kept");
    else if (parse.ok && parse.value.isObject())
        text = tr("Valid JSON object: it will replace the stored data");
    else if (parse.ok)
        text = tr("Valid JSON, but data must be an object { … }");
    else
        text = tr("JSON error at %1").arg(parse.message());
    m_ui->dataStatus->setText(text);
}

} // namespace ca
