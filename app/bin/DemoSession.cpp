#include "DemoSession.h"

#include "MemoryKeyStore.h"
#include "SandboxServer.h"

namespace ca {

DemoSession::DemoSession() = default;
DemoSession::~DemoSession() = default;

bool DemoSession::start(int connectorsPerVendor, QString* error)
{
    sandbox::SandboxOptions options;
    options.connectors = connectorsPerVendor;
    m_server = std::make_unique<sandbox::SandboxServer>(options);
    if (!m_server->listen(0)) {
        *error = m_server->errorString();
        return false;
    }
    m_profiles = std::make_unique<ProfileStore>(m_dir.filePath(QStringLiteral("demo-profiles.conf")));
    m_keys = std::make_unique<ApiKeys>(std::make_unique<MemoryKeyStore>());
    for (Vendor v : allVendors()) {
        Profile p;
        p.name = QStringLiteral("demo-") + vendorId(v);
        p.vendor = v;
        p.baseUrl = m_server->vendorUrl(vendorId(v));
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
    return m_server ? m_server->baseUrl() : QUrl();
}

} // namespace ca
