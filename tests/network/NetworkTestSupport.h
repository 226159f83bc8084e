#pragma once

// Shared by the tests of app/network: profiles pointing at a running connector-sandbox, and the
// sandbox's /_sandbox/ control endpoints (request log, faults, state).

#include "ConnectorService.h"
#include "HttpClient.h"
#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QSignalSpy>
#include <QtTest>

// Waits (QTRY_) for a job's single `finished` signal and binds its result to `var`.
#define CA_AWAIT(job, ResultType, var)                                                             \
    QSignalSpy var##Spy(job, &std::remove_pointer_t<decltype(job)>::finished);                     \
    QTRY_COMPARE_WITH_TIMEOUT(var##Spy.count(), 1, 60000);                                         \
    const ResultType var = var##Spy.first().first().value<ResultType>()

namespace nettest {

// The HttpClient under test. CA_TEST_HTTP_CONNECTIONS above 6 runs the same test on the client's
// own HTTP/1.1 connection pool instead of QNetworkAccessManager (ctest's *_pool variants).
inline ca::HttpClient* newHttpClient(QObject* parent)
{
    auto* client = new ca::HttpClient(parent);
    const int connections = qEnvironmentVariableIntValue("CA_TEST_HTTP_CONNECTIONS");
    if (connections > 0)
        client->setMaxConnectionsPerHost(connections);
    return client;
}

inline const QByteArray kKey = "demo-key";
inline const QByteArray kReadOnlyKey = "demo-readonly-key";

inline ca::ConnectorProfile profileFor(const SandboxProcess& sandbox, ca::Vendor vendor,
                                       const QByteArray& key = kKey)
{
    ca::ConnectorProfile p;
    p.name = QStringLiteral("test-") + ca::vendorId(vendor);
    p.vendor = vendor;
    p.baseUrl = sandbox.vendorUrl(ca::vendorId(vendor));
    // B3OS: a key alone names its organization (the official client sends no X-Org-ID).
    p.orgId = vendor == ca::Vendor::Timbal ? QStringLiteral("demo-org") : QString();
    p.workspaceId = QStringLiteral("1");
    p.apiKey = key;
    return p;
}

// What the sandbox log shows for a credential header: "[redacted sha256:" + 8 hex + "]".
inline QString redactedHash(const QByteArray& fullHeaderValue)
{
    return QStringLiteral("[redacted sha256:%1]")
        .arg(QString::fromLatin1(
            QCryptographicHash::hash(fullHeaderValue, QCryptographicHash::Sha256).toHex().left(8)));
}

inline QJsonArray requestLog(const SandboxProcess& sandbox)
{
    return sandbox.requestLog();
}

// Only the requests to one vendor with a given method (empty: any).
inline QList<QJsonObject> requestsTo(const SandboxProcess& sandbox, const QString& vendor,
                                     const QString& method = {})
{
    return sandbox.requestsTo(vendor, method);
}

inline void clearRequestLog(const SandboxProcess& sandbox)
{
    TestHttp::request("DELETE", sandbox.url(QStringLiteral("/_sandbox/requests")));
}

inline bool resetSandbox(const SandboxProcess& sandbox)
{
    return TestHttp::postJson(sandbox.url(QStringLiteral("/_sandbox/reset")), {});
}

inline bool setFaults(const SandboxProcess& sandbox, const QJsonArray& faults)
{
    return TestHttp::postJson(sandbox.url(QStringLiteral("/_sandbox/faults")),
                              QJsonObject{{QStringLiteral("faults"), faults}});
}

inline QByteArray stateBytes(const SandboxProcess& sandbox, const QString& vendor = {})
{
    const QString q = vendor.isEmpty() ? QString() : QStringLiteral("?vendor=") + vendor;
    return TestHttp::get(sandbox.url(QStringLiteral("/_sandbox/state") + q)).body;
}

inline QJsonArray stateOf(const SandboxProcess& sandbox, const QString& vendor)
{
    return QJsonDocument::fromJson(stateBytes(sandbox, vendor)).object().value(vendor).toArray();
}

// The sandbox-only facts of one connector's state entry ("_sandbox": reachable, dispatches).
inline QJsonObject sandboxFacts(const SandboxProcess& sandbox, const QString& vendor,
                                const QString& id)
{
    for (const QJsonValue& v : stateOf(sandbox, vendor)) {
        if (v.toObject().value(QLatin1String("id")).toString() == id)
            return v.toObject().value(QLatin1String("_sandbox")).toObject();
    }
    return {};
}

// Header value from a logged request (names compared case-insensitively).
inline QString loggedHeader(const QJsonObject& request, const QString& name)
{
    const QJsonValue headers = request.value(QLatin1String("headers"));
    if (headers.isObject()) {
        const QJsonObject h = headers.toObject();
        for (auto it = h.begin(); it != h.end(); ++it) {
            if (it.key().compare(name, Qt::CaseInsensitive) == 0)
                return it.value().toString();
        }
    } else if (headers.isArray()) {
        for (const QJsonValue& v : headers.toArray()) {
            const QJsonArray pair = v.toArray();
            if (pair.size() == 2 && pair.at(0).toString().compare(name, Qt::CaseInsensitive) == 0)
                return pair.at(1).toString();
            const QJsonObject o = v.toObject();
            if (o.value(QLatin1String("name")).toString().compare(name, Qt::CaseInsensitive) == 0)
                return o.value(QLatin1String("value")).toString();
        }
    }
    return {};
}

inline QList<ca::Vendor> editableVendors()
{
    return {ca::Vendor::AiSquared, ca::Vendor::B3os, ca::Vendor::Databar, ca::Vendor::Bigdata};
}

} // namespace nettest

Q_DECLARE_METATYPE(ca::Vendor)
