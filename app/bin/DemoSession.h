#pragma once

#include "ApiKeys.h"
#include "ProfileStore.h"
#include "ThreadHandoff.h"

#include <QTemporaryDir>
#include <QThread>
#include <QUrl>
#include <functional>
#include <memory>

namespace sandbox {
class SandboxServer;
}

namespace ca {

// `connector-admin --demo`: an in-process connector-sandbox, one profile per vendor in a throwaway
// settings file, and their keys held in memory only. Nothing of the user's is read or written.
// The (still empty) profile store and keys exist from construction, so the window can be built
// and shown while the sandbox starts; createProfiles() fills them in afterwards.
class DemoSession
{
public:
    DemoSession();
    ~DemoSession();

    // Starts the sandbox in its thread and returns at once; `ready` is called here once it
    // listens (empty error) or failed to.
    void start(int connectorsPerVendor, std::function<void(const QString& error)> ready);
    // Once ready: one profile per vendor, pointing at the sandbox, with its key in memory.
    bool createProfiles(QString* error);
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
    QUrl m_url;                                 // set once the sandbox listens
    QByteArray m_key;                           // the sandbox's one valid key
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<ApiKeys> m_keys;
    ThreadHandoff m_context; // receives the sandbox thread's answer on this thread
};

} // namespace ca
