#include "ProfilesDialog.h"

#include "Appearance.h"
#include "KeyEntryDialog.h"
#include "ui_ProfilesDialog.h"

#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>

namespace ca {

namespace {
void setFieldError(QWidget* field, bool bad)
{
    field->setProperty("invalid", bad);
    field->setStyleSheet(bad ? QStringLiteral("border: 1px solid #c62828;") : QString());
}
} // namespace

ProfilesDialog::ProfilesDialog(ProfileStore& store, ApiKeys& keys, ConnectionTest test,
                               QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::ProfilesDialog>()), m_store(store), m_keys(keys),
      m_test(std::move(test))
{
    m_ui->setupUi(this);
    for (Vendor v : allVendors())
        m_ui->vendorCombo->addItem(vendorDisplayName(v), vendorId(v));

    connect(m_ui->profileList, &QListWidget::currentTextChanged, this,
            &ProfilesDialog::showProfile);
    connect(m_ui->addButton, &QPushButton::clicked, this, &ProfilesDialog::startNewProfile);
    connect(m_ui->removeButton, &QPushButton::clicked, this, &ProfilesDialog::removeProfile);
    connect(m_ui->saveButton, &QPushButton::clicked, this, &ProfilesDialog::saveProfile);
    connect(m_ui->setKeyButton, &QPushButton::clicked, this, &ProfilesDialog::askForKey);
    connect(m_ui->testButton, &QPushButton::clicked, this, &ProfilesDialog::testConnection);
    connect(m_ui->importButton, &QPushButton::clicked, this, &ProfilesDialog::importProfiles);
    connect(m_ui->exportButton, &QPushButton::clicked, this, &ProfilesDialog::exportProfiles);
    connect(m_ui->vendorCombo, &QComboBox::currentIndexChanged, this, [this] {
        updateVendorFields();
        validateForm();
    });
    for (QLineEdit* edit : {m_ui->nameEdit, m_ui->baseUrlEdit, m_ui->orgEdit, m_ui->workspaceEdit})
        connect(edit, &QLineEdit::textChanged, this, &ProfilesDialog::validateForm);
    reload();
    if (m_ui->profileList->count() == 0)
        startNewProfile();
}

ProfilesDialog::~ProfilesDialog() = default;

void ProfilesDialog::reload(const QString& select)
{
    const QSignalBlocker blocker(m_ui->profileList);
    m_ui->profileList->clear();
    const QList<Profile> all = m_store.profiles();
    for (const Profile& p : all)
        m_ui->profileList->addItem(p.name);
    const QString target = select.isEmpty() && !all.isEmpty() ? all.first().name : select;
    const auto found = m_ui->profileList->findItems(target, Qt::MatchExactly);
    if (!found.isEmpty()) {
        m_ui->profileList->setCurrentItem(found.first());
        showProfile(target);
    }
}

void ProfilesDialog::showProfile(const QString& name)
{
    const auto p = m_store.find(name);
    if (!p)
        return;
    m_current = p->name;
    m_ui->nameEdit->setText(p->name);
    m_ui->nameEdit->setReadOnly(true); // a rename is a new profile: its key must be set again
    m_ui->vendorCombo->setCurrentIndex(m_ui->vendorCombo->findData(vendorId(p->vendor)));
    m_ui->vendorCombo->setEnabled(false);
    m_ui->baseUrlEdit->setText(p->baseUrl.toString());
    m_ui->orgEdit->setText(p->orgId);
    m_ui->workspaceEdit->setText(p->workspaceId);
    m_ui->resultLabel->clear();
    m_ui->removeButton->setEnabled(true);
    updateVendorFields();
    validateForm();
    refreshKeyStatus();
}

void ProfilesDialog::startNewProfile()
{
    m_current.clear();
    {
        const QSignalBlocker blocker(m_ui->profileList);
        m_ui->profileList->clearSelection();
        m_ui->profileList->setCurrentItem(nullptr);
    }
    m_ui->nameEdit->clear();
    m_ui->nameEdit->setReadOnly(false);
    m_ui->vendorCombo->setEnabled(true);
    m_ui->baseUrlEdit->clear();
    m_ui->orgEdit->clear();
    m_ui->workspaceEdit->clear();
    m_ui->resultLabel->clear();
    m_ui->keyStatusLabel->setText(tr("save the profile first"));
    m_ui->setKeyButton->setEnabled(false);
    m_ui->testButton->setEnabled(false);
    m_ui->removeButton->setEnabled(false);
    updateVendorFields();
    validateForm();
    m_ui->nameEdit->setFocus();
}

Profile ProfilesDialog::profileFromForm() const
{
    Profile p;
    p.name = m_ui->nameEdit->text().trimmed();
    p.vendor = vendorFromId(m_ui->vendorCombo->currentData().toString()).value_or(Vendor::Timbal);
    const QString url = m_ui->baseUrlEdit->text().trimmed();
    if (!url.isEmpty())
        p.baseUrl = QUrl(url, QUrl::StrictMode);
    if (vendorTakesOrg(p.vendor))
        p.orgId = m_ui->orgEdit->text().trimmed();
    if (vendorNeedsWorkspace(p.vendor))
        p.workspaceId = m_ui->workspaceEdit->text().trimmed();
    return p;
}

void ProfilesDialog::updateVendorFields()
{
    const Vendor v =
        vendorFromId(m_ui->vendorCombo->currentData().toString()).value_or(Vendor::Timbal);
    m_ui->baseUrlEdit->setPlaceholderText(vendorDefaultBaseUrl(v).toString());
    m_ui->orgEdit->setEnabled(vendorTakesOrg(v));
    m_ui->orgLabel->setEnabled(vendorTakesOrg(v));
    m_ui->orgLabel->setText(v == Vendor::B3os ? tr("&Organization (X-Org-ID, optional):")
                                              : tr("&Organization id:"));
    m_ui->orgEdit->setPlaceholderText(v == Vendor::B3os ? tr("not needed: the key names it")
                                                        : QString());
    m_ui->workspaceEdit->setEnabled(vendorNeedsWorkspace(v));
    m_ui->workspaceLabel->setEnabled(vendorNeedsWorkspace(v));
}

void ProfilesDialog::validateForm()
{
    const Profile p = profileFromForm();
    const QString problem = validateProfile(p);
    m_ui->validationLabel->setText(problem);
    m_ui->validationLabel->setStyleSheet(problem.isEmpty() ? QString() : tone::errorText());
    setFieldError(m_ui->nameEdit, !isValidProfileName(p.name));
    setFieldError(m_ui->baseUrlEdit, problem.contains(QLatin1String("URL")));
    setFieldError(m_ui->orgEdit, vendorNeedsOrg(p.vendor) && p.orgId.isEmpty());
    setFieldError(m_ui->workspaceEdit, vendorNeedsWorkspace(p.vendor) && p.workspaceId.isEmpty());
    const bool nameTaken = m_current.isEmpty() && m_store.find(p.name).has_value();
    if (nameTaken)
        m_ui->validationLabel->setText(tr("a profile named '%1' exists already").arg(p.name));
    m_ui->saveButton->setEnabled(problem.isEmpty() && !nameTaken);
}

void ProfilesDialog::saveProfile()
{
    const Profile p = profileFromForm();
    QString error;
    if (!m_store.save(p, &error)) {
        showResult(false, error);
        return;
    }
    const bool created = m_current.isEmpty();
    reload(p.name);
    emit profilesChanged();
    showResult(true, created ? tr("Profile %1 saved. Now set its API key.").arg(p.name)
                             : tr("Profile %1 saved.").arg(p.name));
}

void ProfilesDialog::removeProfile()
{
    if (m_current.isEmpty())
        return;
    const QString name = m_current;
    auto* box =
        new QMessageBox(QMessageBox::Question, tr("Remove profile"),
                        tr("Remove profile %1 and delete its API key from the keychain?").arg(name),
                        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmRemoveBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, name](int result) {
        if (result != QMessageBox::Yes)
            return;
        m_keys.deleteKey(name, this, [this, name](const KeyStoreResult& r) {
            if (!r.ok()) {
                showResult(
                    false,
                    tr("Profile kept: its key could not be deleted: %1 %2").arg(r.message, r.hint));
                return;
            }
            QString error;
            if (!m_store.remove(name, &error)) {
                showResult(false, tr("Profile %1: its key was deleted, but %2").arg(name, error));
                return;
            }
            reload();
            if (m_ui->profileList->count() == 0)
                startNewProfile();
            emit profilesChanged();
            showResult(true, tr("Profile %1 and its key removed.").arg(name));
        });
    });
    box->open();
}

void ProfilesDialog::selectProfile(const QString& name, bool askKey)
{
    reload(name);
    if (askKey && m_current == name)
        askForKey();
}

void ProfilesDialog::askForKey()
{
    if (m_current.isEmpty())
        return;
    const QString name = m_current;
    const bool replacing = m_ui->keyStatusLabel->property("hasKey").toBool();
    auto* dialog = new KeyEntryDialog(name, replacing, !m_keychainAvailable, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, name] {
        SecretBytes key = dialog->takeKey();
        if (dialog->sessionOnly()) {
            m_keys.setSessionKey(name, key);
            refreshKeyStatus();
            showResult(true, tr("Key of %1 set for this session only.").arg(name));
            return;
        }
        m_keys.writeKey(name, key, this, [this, name](const KeyStoreResult& r) {
            refreshKeyStatus();
            if (r.ok())
                showResult(true, tr("Key of %1 stored in the keychain.").arg(name));
            else
                showResult(false, tr("The key was not stored: %1. %2").arg(r.message, r.hint));
        });
    });
    dialog->open();
}

void ProfilesDialog::refreshKeyStatus()
{
    const QString name = m_current;
    m_ui->setKeyButton->setEnabled(!name.isEmpty());
    m_ui->testButton->setEnabled(false);
    if (name.isEmpty())
        return;
    m_ui->keyStatusLabel->setText(tr("checking…"));
    m_keys.readKey(name, this, [this, name](const KeyStoreResult& r, const SecretBytes&) {
        if (name != m_current)
            return; // the selection moved on meanwhile
        const bool has = r.ok();
        m_ui->keyStatusLabel->setProperty("hasKey", has);
        m_ui->setKeyButton->setText(has ? tr("Replace &key…") : tr("Set &key…"));
        m_ui->testButton->setEnabled(has);
        if (has)
            m_ui->keyStatusLabel->setText(m_keys.hasSessionKey(name)
                                              ? tr("set for this session only")
                                              : tr("stored in the keychain"));
        else if (r.status == KeyStoreResult::Status::NotFound)
            m_ui->keyStatusLabel->setText(tr("not set"));
        else
            m_ui->keyStatusLabel->setText(tr("keychain unavailable: %1").arg(r.message));
    });
}

void ProfilesDialog::testConnection()
{
    const auto p = m_store.find(m_current);
    if (!p || !m_test)
        return;
    m_ui->testButton->setEnabled(false);
    m_ui->resultLabel->setText(tr("Testing %1…").arg(p->name));
    m_test(*p, this, [this](bool ok, const QString& message) {
        m_ui->testButton->setEnabled(true);
        showResult(ok, message);
    });
}

void ProfilesDialog::importProfiles()
{
    auto* dialog = new QFileDialog(this, tr("Import profiles"), QString(), tr("Profiles (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &ProfilesDialog::importFrom);
    dialog->open();
}

void ProfilesDialog::exportProfiles()
{
    auto* dialog = new QFileDialog(this, tr("Export profiles"), QStringLiteral("profiles.json"),
                                   tr("Profiles (*.json)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    connect(dialog, &QFileDialog::fileSelected, this, &ProfilesDialog::exportTo);
    dialog->open();
}

bool ProfilesDialog::importFrom(const QString& fileName)
{
    QString error;
    const int count = m_store.importFrom(fileName, &error);
    if (count < 0) {
        showResult(false, tr("Nothing imported from %1: %2").arg(fileName, error));
        return false;
    }
    reload(m_current);
    emit profilesChanged();
    showResult(true, tr("Imported %n profile(s). Set their keys before use.", nullptr, count));
    return true;
}

bool ProfilesDialog::exportTo(const QString& fileName)
{
    QString error;
    if (!m_store.exportTo(fileName, &error)) {
        showResult(false, tr("Nothing exported: %1").arg(error));
        return false;
    }
    showResult(true, tr("Profiles exported to %1 (without keys).").arg(fileName));
    return true;
}

void ProfilesDialog::showResult(bool ok, const QString& message)
{
    m_ui->resultLabel->setText(message);
    m_ui->resultLabel->setProperty("ok", ok);
    m_ui->resultLabel->setStyleSheet(ok ? QStringLiteral("color: palette(text);")
                                        : tone::errorText());
}

} // namespace ca
