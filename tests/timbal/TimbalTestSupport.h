#pragma once

// Shared by the Timbal update tests: a sandbox's Timbal connectors, its request log and faults.

#include "AuditLog.h"
#include "HttpClient.h"
#include "SandboxProcess.h"
#include "TestHttp.h"
#include "TimbalService.h"
#include "TimbalUpdateRun.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <memory>

namespace timbaltest {

inline ca::ConnectorProfile profileFor(const SandboxProcess& sandbox,
                                       const QByteArray& key = "demo-key")
{
    ca::ConnectorProfile p;
    p.name = QStringLiteral("test-timbal");
    p.vendor = ca::Vendor::Timbal;
    p.baseUrl = sandbox.vendorUrl(QStringLiteral("timbal"));
    p.orgId = QStringLiteral("demo-org");
    p.apiKey = key;
    return p;
}

inline QJsonArray requestsSince(const SandboxProcess& sandbox, qint64 seq = 0)
{
    return TestHttp::getJson(sandbox.url(QStringLiteral("/_sandbox/requests?since=%1").arg(seq)))
        .value(QLatin1String("requests"))
        .toArray();
}

// Update POSTs in the log (optionally after seq), in arrival order.
inline QList<QJsonObject> updatePosts(const SandboxProcess& sandbox, qint64 since = 0)
{
    QList<QJsonObject> out;
    for (const QJsonValue& v : requestsSince(sandbox, since)) {
        const QJsonObject r = v.toObject();
        if (r.value(QLatin1String("vendor")).toString() == QLatin1String("timbal") &&
            r.value(QLatin1String("method")).toString() == QLatin1String("POST") &&
            r.value(QLatin1String("path")).toString().endsWith(QLatin1String("/update")))
            out.append(r);
    }
    return out;
}

// "/orgs/demo-org/connectors/con_000007/update" -> "con_000007"
inline QString postedId(const QJsonObject& request)
{
    const QStringList parts =
        request.value(QLatin1String("path")).toString().split(QLatin1Char('/'));
    return parts.size() >= 2 ? parts.at(parts.size() - 2) : QString();
}

// Most requests the server held at once, from receivedMs/answeredMs.
inline int maxInFlight(const QList<QJsonObject>& requests)
{
    QList<QPair<double, int>> events;
    for (const QJsonObject& r : requests) {
        events.append({r.value(QLatin1String("receivedMs")).toDouble(), +1});
        events.append({r.value(QLatin1String("answeredMs")).toDouble(), -1});
    }
    // At the same instant an answer ends before the next request starts.
    std::sort(events.begin(), events.end());
    int now = 0;
    int most = 0;
    for (const auto& e : events) {
        now += e.second;
        most = qMax(most, now);
    }
    return most;
}

inline qint64 lastSeq(const SandboxProcess& sandbox)
{
    const QJsonArray all = requestsSince(sandbox);
    return all.isEmpty() ? 0 : qint64(all.last().toObject().value(QLatin1String("seq")).toDouble());
}

inline bool setFaults(const SandboxProcess& sandbox, const QJsonArray& faults)
{
    return TestHttp::postJson(sandbox.url(QStringLiteral("/_sandbox/faults")),
                              QJsonObject{{QStringLiteral("faults"), faults}});
}

inline QJsonObject fault(const QString& spec, const QString& method, const QString& path = {})
{
    QJsonObject o{{QStringLiteral("spec"), spec}, {QStringLiteral("method"), method}};
    if (!path.isEmpty())
        o.insert(QStringLiteral("path"), path);
    return o;
}

inline bool reset(const SandboxProcess& sandbox)
{
    return TestHttp::postJson(sandbox.url(QStringLiteral("/_sandbox/reset")), {});
}

inline bool setUpdateDelay(const SandboxProcess& sandbox, int ms)
{
    return TestHttp::postJson(sandbox.url(QStringLiteral("/_sandbox/config")),
                              QJsonObject{{QStringLiteral("timbalUpdateDelayMs"), ms}});
}

// The sandbox's stored Timbal connectors by id.
inline QHash<QString, QJsonObject> stateById(const SandboxProcess& sandbox)
{
    QHash<QString, QJsonObject> out;
    const QJsonArray list =
        TestHttp::getJson(sandbox.url(QStringLiteral("/_sandbox/state?vendor=timbal")))
            .value(QLatin1String("timbal"))
            .toArray();
    for (const QJsonValue& v : list)
        out.insert(v.toObject().value(QLatin1String("id")).toString(), v.toObject());
    return out;
}

// Every connector as the app lists it (the snapshot a run starts from).
inline QList<ca::Connector> listAll(ca::TimbalService* service)
{
    ca::ConnectorListJob* job = service->list();
    QSignalSpy spy(job, &ca::ConnectorListJob::finished);
    if (!spy.wait(60000))
        return {};
    return spy.first().first().value<ca::ConnectorListResult>().connectors;
}

// First listed connector that passes `accept`; an invalid (empty id) one when none does.
inline ca::Connector find(const QList<ca::Connector>& all,
                          const std::function<bool(const ca::Connector&)>& accept)
{
    for (const ca::Connector& c : all) {
        if (accept(c))
            return c;
    }
    return {};
}

inline bool isOnline(const ca::Connector& c)
{
    return c.online.value_or(false);
}

// Connected and online: the server will take an update (unless the version is too old).
inline bool isLive(const ca::Connector& c)
{
    return c.connected.value_or(false) && c.online.value_or(false);
}

// Neither connected nor online: the run skips it without asking (timbal openapi.json).
inline bool isOffline(const ca::Connector& c)
{
    return !c.connected.value_or(true) && !c.online.value_or(true);
}

// The sandbox-only facts of a connector's state entry (`_sandbox`: reachable, dispatches).
inline QJsonObject sandboxFacts(const QHash<QString, QJsonObject>& state, const QString& id)
{
    return state.value(id).value(QLatin1String("_sandbox")).toObject();
}

// What every Timbal update test class starts from (a base after QObject): a sandbox of
// `connectors` Timbal connectors, a service on it (and one with the read-only key), a fresh audit
// log per test function and data row, and the connectors as listed at the start of each test.
class UpdateFixture
{
public:
    UpdateFixture(QObject* owner, int connectors, int updateDelayMs)
        : m_sandbox({QStringLiteral("--connectors"), QString::number(connectors),
                     QStringLiteral("--update-delay"), QString::number(updateDelayMs)}),
          m_owner(owner), m_connectors(connectors)
    {}

protected:
    // From initTestCase().
    bool startFixture(QString* error)
    {
        if (!m_sandbox.start()) {
            *error = m_sandbox.errorString();
            return false;
        }
        if (!m_auditDir.isValid()) {
            *error = QStringLiteral("no temporary directory for the audit logs");
            return false;
        }
        m_service = std::make_unique<ca::TimbalService>(profileFor(m_sandbox), &m_http);
        m_readOnly = std::make_unique<ca::TimbalService>(profileFor(m_sandbox, "demo-readonly-key"),
                                                         &m_http);
        return true;
    }
    // From init(): the sandbox as seeded, a new audit log, every connector listed.
    bool beginTest()
    {
        if (!reset(m_sandbox))
            return false;
        m_audit = std::make_unique<ca::AuditLog>(
            m_auditDir.filePath(QString::fromLatin1(QTest::currentTestFunction()) +
                                QString::fromLatin1(QTest::currentDataTag())));
        m_all = listAll(m_service.get());
        return m_all.size() == m_connectors;
    }
    // A run owned by the test object, polling every 100 ms for up to 20 s, recorded in m_audit.
    ca::TimbalUpdateRun* makeRun(const QList<ca::Connector>& connectors, const QString& target,
                                 ca::TimbalService* service = nullptr)
    {
        auto* run =
            new ca::TimbalUpdateRun(service ? service : m_service.get(), connectors, m_owner);
        run->setTargetVersion(target);
        run->setPollIntervalMs(100);
        run->setPollTimeoutMs(20000);
        run->setAuditLog(m_audit.get(), ca::AuditTool::Cli);
        return run;
    }
    // Listed connectors a real update to `target` would reach (live, new enough, not on it).
    QList<ca::Connector> updatable(const QString& target) const
    {
        QList<ca::Connector> out;
        for (const ca::Connector& c : m_all) {
            if (isLive(c) && c.version != target && c.version != QLatin1String("0.0.9") &&
                !c.version.isEmpty())
                out.append(c);
        }
        return out;
    }
    ca::Connector liveOn(const QString& version) const
    {
        return find(m_all,
                    [&](const ca::Connector& x) { return isLive(x) && x.version == version; });
    }

    SandboxProcess m_sandbox;
    ca::HttpClient m_http;
    std::unique_ptr<ca::TimbalService> m_service;
    std::unique_ptr<ca::TimbalService> m_readOnly;
    QList<ca::Connector> m_all; // as listed at the start of each test
    QTemporaryDir m_auditDir;
    std::unique_ptr<ca::AuditLog> m_audit;

private:
    QObject* m_owner;
    int m_connectors;
};

} // namespace timbaltest
