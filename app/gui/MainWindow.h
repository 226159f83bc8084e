#pragma once

#include "ApiKeys.h"
#include "ProfileStore.h"
#include "ProfilesDialog.h"

#include <QMainWindow>
#include <QUrl>

class QLabel;

namespace ca {

class KeychainBanner;

// Placeholder main window until the connector list lands (issue 6): profiles, keychain health.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ProfileStore& profiles, ApiKeys& keys, QWidget* parent = nullptr);
    void setDemoSandboxUrl(const QUrl& url);
    void setConnectionTest(ConnectionTest test) { m_connectionTest = std::move(test); }
    bool keychainAvailable() const { return m_keychainAvailable; }

public slots:
    void checkKeychain();
    void showProfilesDialog();

signals:
    void keychainChecked(bool available);

private:
    ProfileStore& m_profiles;
    ApiKeys& m_keys;
    ConnectionTest m_connectionTest;
    KeychainBanner* m_banner = nullptr;
    QLabel* m_status = nullptr;
    bool m_keychainAvailable = true;
};

} // namespace ca
