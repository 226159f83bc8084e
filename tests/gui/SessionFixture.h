#pragma once

// What the edit-session and audit-identity tests share: a sandbox process, one service per vendor
// on a real HttpClient, and waiting for a job's answer without a window.
#include "ConnectorService.h"
#include "HttpClient.h"
#include "Profile.h"
#include "SandboxProcess.h"

#include <QSignalSpy>
#include <QtTest>
#include <memory>

namespace fixture {

inline const QByteArray kKey = "demo-key";

inline ca::Profile profileFor(const SandboxProcess& sandbox, ca::Vendor v)
{
    ca::Profile p;
    p.name = QStringLiteral("id-") + ca::vendorId(v);
    p.vendor = v;
    p.baseUrl = sandbox.vendorUrl(ca::vendorId(v));
    p.orgId = ca::vendorNeedsOrg(v) ? QStringLiteral("demo-org") : QString();
    p.workspaceId = ca::vendorNeedsWorkspace(v) ? QStringLiteral("1") : QString();
    return p;
}

// The answer of `job` (its finished signal's only argument), waited for in the event loop.
template <typename Job, typename Result> bool await(Job* job, Result* out, int timeoutMs = 20000)
{
    bool done = false;
    QObject::connect(job, &Job::finished, [&](const Result& r) {
        *out = r;
        done = true;
    });
    return QTest::qWaitFor([&done] { return done; }, timeoutMs);
}

// The first connector of the service's list, read again with get() (the way an edit begins).
inline ca::Connector firstConnector(ca::ConnectorService* service)
{
    ca::ConnectorListResult list;
    if (!await(service->list(), &list) || !list.ok() || list.connectors.isEmpty())
        return {};
    ca::ConnectorResult one;
    if (!await(service->get(list.connectors.first().id), &one) || !one.ok())
        return {};
    return one.connector;
}

// The field each PUT vendor names its connectors by.
inline QString nameField(ca::Vendor v)
{
    return v == ca::Vendor::Bigdata ? QStringLiteral("label") : QStringLiteral("name");
}

} // namespace fixture
