#include "KeyEntryDialog.h"

#include "ui_KeyEntryDialog.h"

#include <QPushButton>

namespace ca {

KeyEntryDialog::KeyEntryDialog(const QString& profileName, bool replacing, bool offerSessionOnly,
                               QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::KeyEntryDialog>())
{
    m_ui->setupUi(this);
    setWindowTitle(replacing ? tr("Replace API key of %1").arg(profileName)
                             : tr("Set API key of %1").arg(profileName));
    m_ui->introLabel->setText(
        replacing ? tr("The stored key is not shown. Enter the new key; it replaces the old one in "
                       "the keychain.")
                  : tr("Enter the API key. It is stored in your OS keychain, nowhere else."));
    m_ui->keyEdit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData |
                                       Qt::ImhNoPredictiveText);
    m_ui->sessionOnlyCheck->setVisible(offerSessionOnly);
    m_ui->sessionOnlyCheck->setChecked(offerSessionOnly);
    QPushButton* ok = m_ui->buttonBox->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    connect(m_ui->keyEdit, &QLineEdit::textChanged, this,
            [ok](const QString& text) { ok->setEnabled(!text.trimmed().isEmpty()); });
}

KeyEntryDialog::~KeyEntryDialog() = default;

void KeyEntryDialog::accept()
{
    QString text = m_ui->keyEdit->text().trimmed();
    m_key = SecretBytes(text.toUtf8());
    SecretBytes::wipe(text);
    m_ui->keyEdit->clear();
    QDialog::accept();
}

SecretBytes KeyEntryDialog::takeKey()
{
    SecretBytes key = std::move(m_key);
    m_key.clear();
    return key;
}

bool KeyEntryDialog::sessionOnly() const
{
    // isHidden(), not isVisible(): the answer is read after the dialog has closed.
    return !m_ui->sessionOnlyCheck->isHidden() && m_ui->sessionOnlyCheck->isChecked();
}

} // namespace ca
