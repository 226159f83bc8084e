#pragma once

#include "ApiKeys.h"
#include "ProfileStore.h"

#include <QTemporaryDir>
#include <QThread>
#include <QUrl>
#include <memory>

namespace sandbox {
class SandboxServer;
}

namespace ca {

// `connector-admin --demo`: an in-process connector-sandbox, one profile per vendor in a throwaway
// settings file, and their keys held in memory only. Nothing of the user's is read or written.
class DemoSession
{
public:
    DemoSession();
    ~DemoSession();

    // Starts the sandbox and creates the profiles; false with *error when it cannot.
    bool start(int connectorsPerVendor, QString* error);
    QUrl sandboxUrl() const;
    QString dataDirectory() const { return m_dir.filePath(QStringLiteral("data")); }
    ProfileStore& profiles() { return *m_profiles; }
    ApiKeys& keys() { return *m_keys; }

private:
    QTemporaryDir m_dir;
    // The sandbox answers from its own thread: building a large list answer must never stall
    // the window, exactly as a remote server would not.
    QThread m_thread;
    sandbox::SandboxServer* m_server = nullptr; // lives in m_thread, deleted there
    QUrl m_url;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<ApiKeys> m_keys;
};

} // namespace ca
