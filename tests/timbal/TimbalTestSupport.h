#pragma once

// Shared by the Timbal update tests: a sandbox's Timbal connectors, its request log and faults.

#include "SandboxProcess.h"
#include "TestHttp.h"
#include "TimbalService.h"
#include "TimbalUpdateRun.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QtTest>
#include <algorithm>

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

} // namespace timbaltest
