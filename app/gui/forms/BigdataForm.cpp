// Bigdata.com connector form (ui/BigdataForm.ui).
//
// objectNames: labelEdit, descriptionEdit (QPlainTextEdit), shareWithOrgCheck,
//   allowedEmailsList (QListWidget, items editable in place) + emailEdit + addEmailButton +
//   removeEmailButton (email connectors only), configNote (other types, e.g. investment_research
//   or sharepoint: why config is read-only), problem labels labelProblem, descriptionProblem,
//   shareWithOrgProblem, allowedEmailsProblem, problemSummary, factsLayout (fact_connector_id,
//   fact_type, fact_config.email, fact_files_count, fact_last_sync_status, ...).
#include "BigdataForm.h"

#include "Appearance.h"
#include "ui_BigdataForm.h"

#include <QJsonArray>

namespace ca {

namespace {
const QString kLabel = QStringLiteral("label");
const QString kDescription = QStringLiteral("description");
const QString kShare = QStringLiteral("share_with_org");
const QString kConfig = QStringLiteral("config");
const QString kAllowed = QStringLiteral("allowed_emails");
const QString kAllowedPointer = QStringLiteral("/config/allowed_emails");
} // namespace

BigdataForm::BigdataForm(QWidget* parent)
    : ConnectorForm(Vendor::Bigdata, parent), m_ui(std::make_unique<Ui::BigdataForm>())
{
    m_ui->setupUi(this);
    setSummaryLabel(m_ui->problemSummary);
    m_ui->problemSummary->hide();
    m_ui->allowedEmailsList->setEditTriggers(QAbstractItemView::DoubleClicked |
                                             QAbstractItemView::EditKeyPressed);

    bindField(QStringLiteral("/label"), m_ui->labelEdit, m_ui->labelProblem,
              m_ui->labelLabel->text());
    bindField(QStringLiteral("/description"), m_ui->descriptionEdit, m_ui->descriptionProblem,
              m_ui->descriptionLabel->text());
    bindField(QStringLiteral("/share_with_org"), m_ui->shareWithOrgCheck, m_ui->shareWithOrgProblem,
              m_ui->sharingLabel->text());
    bindField(QStringLiteral("/config"), m_ui->allowedEmailsList, m_ui->allowedEmailsProblem,
              m_ui->allowedEmailsLabel->text());
    bindField(kAllowedPointer, m_ui->allowedEmailsList, m_ui->allowedEmailsProblem,
              m_ui->allowedEmailsLabel->text(), tr("Address"));

    connect(m_ui->labelEdit, &QLineEdit::textChanged, this, &BigdataForm::onEdited);
    connect(m_ui->descriptionEdit, &QPlainTextEdit::textChanged, this, &BigdataForm::onEdited);
    connect(m_ui->shareWithOrgCheck, &QCheckBox::toggled, this, &BigdataForm::onEdited);
    connect(m_ui->allowedEmailsList, &QListWidget::itemChanged, this, &BigdataForm::onEdited);
    connect(m_ui->addEmailButton, &QPushButton::clicked, this, &BigdataForm::addEmail);
    connect(m_ui->emailEdit, &QLineEdit::returnPressed, this, &BigdataForm::addEmail);
    connect(m_ui->removeEmailButton, &QPushButton::clicked, this,
            &BigdataForm::removeSelectedEmail);
    connect(m_ui->emailEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_ui->addEmailButton->setEnabled(!text.trimmed().isEmpty());
    });
    connect(m_ui->allowedEmailsList, &QListWidget::currentRowChanged, this,
            [this](int row) { m_ui->removeEmailButton->setEnabled(row >= 0); });
    m_ui->addEmailButton->setEnabled(false);
    m_ui->removeEmailButton->setEnabled(false);
}

BigdataForm::~BigdataForm() = default;

void BigdataForm::fillWidgets(const Connector& connector)
{
    const QJsonObject& e = connector.editable;
    m_ui->labelEdit->setText(e.value(kLabel).toString());
    m_ui->descriptionEdit->setPlainText(e.value(kDescription).toString());
    m_ui->shareWithOrgCheck->setChecked(e.value(kShare).toBool());
    // Only an email connector's allowed senders can change (the service puts config in
    // `editable` for those alone).
    m_email = e.contains(kConfig) || connector.type == QLatin1String("email");
    m_ui->allowedEmailsList->clear();
    for (const QJsonValue& v : e.value(kConfig).toObject().value(kAllowed).toArray()) {
        auto* item = new QListWidgetItem(v.toString(), m_ui->allowedEmailsList);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    m_ui->emailEdit->clear();
    m_ui->removeEmailButton->setEnabled(false);
    m_ui->fieldsLayout->setRowVisible(m_ui->allowedEmailsBox, m_email);
    m_ui->fieldsLayout->setRowVisible(m_ui->configBox, !m_email);
    // docs.bigdata.com: only email has an updatable config; every other type sends it as null.
    if (!m_email)
        m_ui->configNote->setText(
            connector.type == QLatin1String("investment_research")
                ? tr("The broker credentials of an investment research connector are fixed when "
                     "it is created and cannot be updated. To use other credentials, create a new "
                     "connector.")
                : tr("The settings of a %1 connector cannot be changed here: Bigdata.com only "
                     "updates an email connector's configuration. Saving keeps them as they are.")
                      .arg(connector.type));
    showFacts(m_ui->factsLayout,
              {{QStringLiteral("/connector_id"), tr("Id")},
               {QStringLiteral("/type"), tr("Type (cannot change)")},
               {QStringLiteral("/config/email"), tr("Inbox address")},
               {QStringLiteral("/config/email_hash"), tr("Email hash")},
               {QStringLiteral("/config/user_id"), tr("Broker user id")},
               {QStringLiteral("/files_count"), tr("Files ingested")},
               {QStringLiteral("/last_sync_at"), tr("Last sync")},
               {QStringLiteral("/last_sync_status"), tr("Last sync status")},
               {QStringLiteral("/last_sync_count"), tr("Items in last sync")},
               {QStringLiteral("/last_sync_error_msg"), tr("Last sync error")},
               {QStringLiteral("/user_id"), tr("Owner")},
               {QStringLiteral("/org_id"), tr("Organization")},
               {QStringLiteral("/created_at"), tr("Created")},
               {QStringLiteral("/updated_at"), tr("Updated")},
               {QStringLiteral("/archived"), tr("Archived")}},
              {kConfig});
}

QStringList BigdataForm::emails() const
{
    QStringList out;
    for (int i = 0; i < m_ui->allowedEmailsList->count(); ++i)
        out << m_ui->allowedEmailsList->item(i)->text().trimmed();
    return out;
}

QJsonObject BigdataForm::buildDocument() const
{
    QJsonObject doc = connector().editable;
    doc.insert(kLabel, m_ui->labelEdit->text());
    doc.insert(kDescription, m_ui->descriptionEdit->toPlainText());
    doc.insert(kShare, m_ui->shareWithOrgCheck->isChecked());
    if (m_email) {
        QJsonObject config = doc.value(kConfig).toObject();
        config.insert(kAllowed, QJsonArray::fromStringList(emails()));
        doc.insert(kConfig, config);
    } else {
        doc.remove(kConfig); // investment_research: config cannot be updated
    }
    return doc;
}

QList<FieldProblem> BigdataForm::widgetProblems() const
{
    QList<FieldProblem> out;
    if (!m_ui->labelEdit->text().isEmpty() && m_ui->labelEdit->text().trimmed().isEmpty())
        out.append({QStringLiteral("/label"), tr("is required (not only spaces)")});
    // The schema's uniqueItems sees exact repeats only; addresses are case-insensitive.
    const QStringList list = emails();
    for (int i = 0; i < list.size(); ++i) {
        for (int j = 0; j < i; ++j) {
            if (list.at(i).compare(list.at(j), Qt::CaseInsensitive) == 0) {
                out.append({jsonPointerAppend(kAllowedPointer, QString::number(i)),
                            tr("repeats entry %1").arg(j + 1)});
                break;
            }
        }
    }
    return out;
}

void BigdataForm::presentItemProblems(const QList<FieldProblem>& problems)
{
    const QSignalBlocker blocker(m_ui->allowedEmailsList); // marks are not edits
    for (int i = 0; i < m_ui->allowedEmailsList->count(); ++i) {
        const QString pointer = jsonPointerAppend(kAllowedPointer, QString::number(i));
        QStringList messages;
        for (const FieldProblem& p : problems) {
            if (p.path == pointer)
                messages << p.message;
        }
        QListWidgetItem* item = m_ui->allowedEmailsList->item(i);
        item->setBackground(messages.isEmpty() ? QBrush() : QBrush(tone::problemBackground()));
        item->setForeground(messages.isEmpty() ? QBrush() : QBrush(tone::problemForeground()));
        item->setToolTip(messages.join(QLatin1Char('\n')));
    }
}

void BigdataForm::addEmail()
{
    const QString address = m_ui->emailEdit->text().trimmed();
    if (address.isEmpty())
        return;
    auto* item = new QListWidgetItem(address, m_ui->allowedEmailsList);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    m_ui->emailEdit->clear();
    onEdited();
}

void BigdataForm::removeSelectedEmail()
{
    const int row = m_ui->allowedEmailsList->currentRow();
    if (row < 0)
        return;
    delete m_ui->allowedEmailsList->takeItem(row);
    onEdited();
}

} // namespace ca
