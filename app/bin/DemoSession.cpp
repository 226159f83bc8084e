#include "DemoSession.h"

#include "MemoryKeyStore.h"
#include "SandboxServer.h"

namespace ca {

DemoSession::DemoSession() = default;

DemoSession::~DemoSession()
{
    if (m_thread.isRunning()) {
        m_thread.quit();
        m_thread.wait();
    }
}

bool DemoSession::start(int connectorsPerVendor, QString* error)
{
    sandbox::SandboxOptions options;
    options.connectors = connectorsPerVendor;
    m_thread.setObjectName(QStringLiteral("demo-sandbox"));
    m_thread.start();
    bool listening = false;
    // One short hand-over at start-up, before any window exists: the sandbox is created, and
    // starts listening, in its own thread.
    // The call must target an object living in the worker (the QThread object itself lives here).
    auto* anchor = new QObject;
    anchor->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, anchor, &QObject::deleteLater);
    QMetaObject::invokeMethod(
        anchor,
        [this, options, &listening, error] {
            m_server = new sandbox::SandboxServer(options);
            QObject::connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
            listening = m_server->listen(0);
            if (listening)
                m_url = m_server->baseUrl();
            else
                *error = m_server->errorString();
        },
        Qt::BlockingQueuedConnection);
    if (!listening)
        return false;
    m_profiles =
        std::make_unique<ProfileStore>(m_dir.filePath(QStringLiteral("demo-profiles.conf")));
    m_keys = std::make_unique<ApiKeys>(std::make_unique<MemoryKeyStore>());
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
        m_keys->setSessionKey(p.name, SecretBytes(options.key));
    }
    return true;
}

QUrl DemoSession::sandboxUrl() const
{
    return m_url;
}

} // namespace ca
