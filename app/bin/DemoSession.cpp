#include "DemoSession.h"

#include "MemoryKeyStore.h"
#include "SandboxServer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace ca {

namespace {
// The demo's throwaway files (profiles, audit log, drafts) go to the user's runtime directory,
// a tmpfs on most systems (emptied at logout, so even a killed demo leaves nothing for long):
// every settings save syncs its file, which on a busy disk took tens of milliseconds per
// profile, and nothing here has to outlive the process.
QString demoDirectoryTemplate()
{
    // Read directly: QStandardPaths warns, and makes one up under /tmp, when it is not set.
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    const QString base =
        !runtime.isEmpty() && QFileInfo(runtime).isWritable() ? runtime : QDir::tempPath();
    return base + QStringLiteral("/connector-admin-demo-XXXXXX");
}
} // namespace

DemoSession::DemoSession()
    : m_dir(demoDirectoryTemplate()), m_profiles(std::make_unique<ProfileStore>(
                                          m_dir.filePath(QStringLiteral("demo-profiles.conf")))),
      m_keys(std::make_unique<ApiKeys>(std::make_unique<MemoryKeyStore>()))
{
    // Caches (AI Squared's connector definitions) of a sandbox on a new port each run belong to
    // the run, not to the user's ~/.cache.
    qputenv("XDG_CACHE_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("cache"))));
}

DemoSession::~DemoSession()
{
    if (m_thread.isRunning()) {
        m_thread.quit();
        m_thread.wait();
    }
}

void DemoSession::start(int connectorsPerVendor, std::function<void(const QString& error)> ready)
{
    sandbox::SandboxOptions options;
    options.connectors = connectorsPerVendor;
    m_thread.setObjectName(QStringLiteral("demo-sandbox"));
    // The sandbox is created, and starts listening, in its own thread; this thread goes on (the
    // window stays responsive) and hears back through m_context, which lives here. Gone with
    // the session, it drops an answer that comes too late. Both handoffs are ThreadHandoffs, so
    // ThreadSanitizer sees them.
    // Made before the thread starts, so the thread's start orders it (for ThreadSanitizer too).
    auto* worker = new ThreadHandoff; // lives in the sandbox's thread, deleted there
    worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread.start();
    worker->post([this, options, ready = std::move(ready)] {
        m_server = new sandbox::SandboxServer(options);
        QObject::connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
        const bool listening = m_server->listen(0);
        const QUrl url = listening ? m_server->baseUrl() : QUrl();
        const QString error = listening ? QString() : m_server->errorString();
        m_context.post([this, url, error, key = options.key, ready] {
            m_url = url;
            m_key = key;
            ready(error);
        });
    });
}

bool DemoSession::createProfiles(QString* error)
{
    for (Vendor v : allVendors()) {
        Profile p;
        p.name = QStringLiteral("demo-") + vendorId(v);
        p.vendor = v;
        p.baseUrl = m_url.resolved(QUrl(QLatin1Char('/') + vendorId(v)));
        if (vendorNeedsOrg(v))
            p.orgId = QStringLiteral("demo-org");
        if (vendorNeedsWorkspace(v))
            p.workspaceId = QStringLiteral("1");
        if (!m_profiles->save(p, error))
            return false;
        m_keys->setSessionKey(p.name, SecretBytes(m_key));
    }
    return true;
}

QUrl DemoSession::sandboxUrl() const
{
    return m_url;
}

} // namespace ca
