#pragma once

#include "ApiKeys.h"
#include "Profile.h"
#include "ProfileStore.h"

#include <QDialog>
#include <functional>
#include <memory>

namespace Ui {
class ProfilesDialog;
}

namespace ca {

// "Test connection": one authenticated list request for the profile; answers once through `done`.
using ConnectionTest =
    std::function<void(const Profile& profile, QObject* context,
                       std::function<void(bool ok, const QString& message)> done)>;

// Add, edit and remove profiles; set or replace their keys; test a connection. Never shows a key.
class ProfilesDialog : public QDialog
{
    Q_OBJECT
public:
    ProfilesDialog(ProfileStore& store, ApiKeys& keys, ConnectionTest test,
                   QWidget* parent = nullptr);
    ~ProfilesDialog() override;

    // Whether the keychain answered the start-up probe; when not, keys are offered for the session.
    void setKeychainAvailable(bool available) { m_keychainAvailable = available; }

    // Shows `name` (as if clicked in the list); with `askKey`, then asks for its new key (the
    // window's "Replace key…" after a key stopped working).
    void selectProfile(const QString& name, bool askKey = false);

    // Import/export without a file dialog (tests, scripting); same effect as the buttons.
    bool importFrom(const QString& fileName);
    bool exportTo(const QString& fileName);

signals:
    void profilesChanged();

private:
    void reload(const QString& select = {});
    void showProfile(const QString& name);
    void startNewProfile();
    Profile profileFromForm() const;
    void updateVendorFields();
    void validateForm();
    void saveProfile();
    void removeProfile();
    void askForKey();
    void refreshKeyStatus();
    void testConnection();
    void showResult(bool ok, const QString& message);
    void importProfiles();
    void exportProfiles();

    std::unique_ptr<Ui::ProfilesDialog> m_ui;
    ProfileStore& m_store;
    ApiKeys& m_keys;
    ConnectionTest m_test;
    QString m_current; // the stored profile being edited; empty for a new one
    bool m_keychainAvailable = true;
};

} // namespace ca
