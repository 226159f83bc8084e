#include "JsonExpect.h"
#include "SandboxProcess.h"
#include "TestHttp.h"
#include "VendorContract.h"

#include <QDeadlineTimer>
#include <QtTest>

using namespace contract;

// Timbal's seed page (POST .../update: 200/202/403/404/422) and the asynchronous update: a 202
// means "told to move"; the reported version changes later (--update-delay), never at once.
// Waits poll for a state with a generous bound; nothing asserts on elapsed time.
class TestSandboxContractTimbal : public QObject
{
    Q_OBJECT

    const QString kVendor = QStringLiteral("timbal");
    SandboxProcess m_sandbox{{QStringLiteral("--update-delay"), QStringLiteral("300")}};

    QJsonObject releases() const
    {
        return call(m_sandbox, kVendor, "GET", listPath(kVendor) + QStringLiteral("/releases"))
            .object();
    }

    static QJsonObject pick(const SandboxProcess& sb,
                            const std::function<bool(const QJsonObject&)>& pred)
    {
        for (const QJsonValue& v : listAll(sb, QStringLiteral("timbal"))) {
            if (pred(v.toObject()))
                return v.toObject();
        }
        return {};
    }

    // Online, remotely updatable and older than `below` (bare semver, string order is enough here).
    static QJsonObject onlineOlderThan(const SandboxProcess& sb, const QString& below)
    {
        return pick(sb, [&below](const QJsonObject& c) {
            const QString v = c.value(QLatin1String("version")).toString();
            return c.value(QLatin1String("online")).toBool() && v != QLatin1String("0.0.9") &&
                   v < below;
        });
    }

    QJsonObject getConnector(const SandboxProcess& sb, const QString& id) const
    {
        return call(sb, kVendor, "GET", itemPath(kVendor, id)).object();
    }

    TestResponse update(const SandboxProcess& sb, const QString& id, const QJsonValue& body) const
    {
        return call(sb, kVendor, "POST", writePath(kVendor, id), body);
    }

    // Polls GET every 50 ms until the reported version is `version` (or 10 s passed).
    bool waitForVersion(const QString& id, const QString& version)
    {
        QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired()) {
            if (getConnector(m_sandbox, id).value(QLatin1String("version")).toString() == version)
                return true;
            QTest::qWait(50);
        }
        return false;
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void releasesListNewestFirst()
    {
        const QJsonObject r = releases();
        QCOMPARE(r.value(QLatin1String("latest")).toString(), QStringLiteral("0.1.4"));
        QStringList versions;
        for (const QJsonValue& v : r.value(QLatin1String("releases")).toArray()) {
            const QString e = shapeError(
                v.toObject(),
                {{"version", String}, {"published_at", String}, {"artifacts", Object}}, kVendor);
            QVERIFY2(e.isEmpty(), qPrintable(e));
            versions << v.toObject().value(QLatin1String("version")).toString();
        }
        QCOMPARE(versions, (QStringList{QStringLiteral("0.1.4"), QStringLiteral("0.1.3"),
                                        QStringLiteral("0.1.2"), QStringLiteral("0.1.1"),
                                        QStringLiteral("0.1.0"), QStringLiteral("0.0.9")}));
    }

    void update202ThenVersionMovesLaterThen200()
    {
        const QJsonObject c = onlineOlderThan(m_sandbox, QStringLiteral("0.1.4"));
        QVERIFY2(!c.isEmpty(), "no online connector below 0.1.4");
        const QString id = c.value(QLatin1String("id")).toString();
        const QString old = c.value(QLatin1String("version")).toString();

        const TestResponse r = update(
            m_sandbox, id, QJsonObject{{QStringLiteral("version"), QStringLiteral("0.1.4")}});
        QCOMPARE(r.status, 202);
        QString e = shapeError(
            r.object(), {{"target_version", String}, {"artifact", String}, {"dispatched", Bool}},
            kVendor);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        QCOMPARE(r.object().value(QLatin1String("target_version")).toString(),
                 QStringLiteral("0.1.4"));
        QCOMPARE(r.object().value(QLatin1String("dispatched")).toBool(), true);
        // The artifact is the release's one for the connector's platform.
        const QString platform = c.value(QLatin1String("platform")).toString();
        QString artifact;
        for (const QJsonValue& rel : releases().value(QLatin1String("releases")).toArray()) {
            if (rel.toObject().value(QLatin1String("version")).toString() == QLatin1String("0.1.4"))
                artifact = rel.toObject()
                               .value(QLatin1String("artifacts"))
                               .toObject()
                               .value(platform)
                               .toString();
        }
        QVERIFY(!artifact.isEmpty());
        QCOMPARE(r.object().value(QLatin1String("artifact")).toString(), artifact);

        // Right after the 202: still the old version, with the pending one shown.
        const QJsonObject pending = getConnector(m_sandbox, id);
        QCOMPARE(pending.value(QLatin1String("version")).toString(), old);
        QCOMPARE(pending.value(QLatin1String("pending_version")).toString(),
                 QStringLiteral("0.1.4"));

        QVERIFY2(waitForVersion(id, QStringLiteral("0.1.4")),
                 "reported version never became the target");
        QVERIFY(!getConnector(m_sandbox, id).contains(QLatin1String("pending_version")));

        const TestResponse again = update(
            m_sandbox, id, QJsonObject{{QStringLiteral("version"), QStringLiteral("0.1.4")}});
        QCOMPARE(again.status, 200);
        QCOMPARE(again.object().value(QLatin1String("dispatched")).toBool(true), false);
        QCOMPARE(again.object().value(QLatin1String("target_version")).toString(),
                 QStringLiteral("0.1.4"));
    }

    void vPrefixedVersionAccepted()
    {
        const QJsonObject c = onlineOlderThan(m_sandbox, QStringLiteral("0.1.3"));
        QVERIFY(!c.isEmpty());
        const TestResponse r =
            update(m_sandbox, c.value(QLatin1String("id")).toString(),
                   QJsonObject{{QStringLiteral("version"), QStringLiteral("v0.1.3")}});
        QCOMPARE(r.status, 202);
        QCOMPARE(r.object().value(QLatin1String("target_version")).toString(),
                 QStringLiteral("0.1.3")); // bare semver
    }

    void nullOrOmittedVersionMeansLatest_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("empty object") << QByteArray("{}");
        QTest::newRow("version null") << QByteArray("{\"version\":null}");
    }
    void nullOrOmittedVersionMeansLatest()
    {
        QFETCH(QByteArray, body);
        const QString latest = releases().value(QLatin1String("latest")).toString();
        QVERIFY(!latest.isEmpty());
        const QJsonObject c = onlineOlderThan(m_sandbox, latest);
        QVERIFY(!c.isEmpty());
        Headers h = authHeaders(kVendor);
        h.append(
            qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")));
        const TestResponse r = TestHttp::request(
            "POST", m_sandbox.url(writePath(kVendor, c.value(QLatin1String("id")).toString())), h,
            body);
        QCOMPARE(r.status, 202);
        QCOMPARE(r.object().value(QLatin1String("target_version")).toString(), latest);
    }

    // The seed's error statuses, with sandbox.md's bodies.
    void refusedUpdate_data()
    {
        QTest::addColumn<QString>("which"); // which connector to aim at
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        QTest::newRow("404 connector") << QStringLiteral("missing") << QByteArray("{}") << 404
                                       << QStringLiteral("error=\"connector not found\"");
        QTest::newRow("404 release")
            << QStringLiteral("updatable") << QByteArray("{\"version\":\"0.9.9\"}") << 404
            << QStringLiteral("error=\"release 0.9.9 not found\"");
        QTest::newRow("422 offline") << QStringLiteral("offline") << QByteArray("{}") << 422
                                     << QStringLiteral("error=\"connector is offline\"");
        QTest::newRow("422 too old")
            << QStringLiteral("too-old") << QByteArray("{}") << 422
            << QStringLiteral("error=\"connector version 0.0.9 is too old to update remotely\"");
        QTest::newRow("400 not JSON") << QStringLiteral("updatable") << QByteArray("{nope") << 400
                                      << QStringLiteral("error:string");
        QTest::newRow("400 not semver")
            << QStringLiteral("updatable") << QByteArray("{\"version\":\"latest-please\"}") << 400
            << QStringLiteral("error:string");
    }
    void refusedUpdate()
    {
        QFETCH(QString, which);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, expect);
        QString id = QStringLiteral("con_999999");
        QJsonObject c;
        if (which == QLatin1String("updatable"))
            c = onlineOlderThan(m_sandbox, QStringLiteral("0.1.4"));
        else if (which == QLatin1String("offline"))
            c = pick(m_sandbox, [](const QJsonObject& o) {
                return !o.value(QLatin1String("online")).toBool();
            });
        else if (which == QLatin1String("too-old"))
            c = pick(m_sandbox, [](const QJsonObject& o) {
                return o.value(QLatin1String("online")).toBool() &&
                       o.value(QLatin1String("version")).toString() == QLatin1String("0.0.9");
            });
        if (which != QLatin1String("missing")) {
            QVERIFY2(!c.isEmpty(), qPrintable(QStringLiteral("no seeded connector: ") + which));
            id = c.value(QLatin1String("id")).toString();
        }
        const QByteArray before = stateBytes(m_sandbox);
        Headers h = authHeaders(kVendor);
        h.append(
            qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")));
        const TestResponse r =
            TestHttp::request("POST", m_sandbox.url(writePath(kVendor, id)), h, body);
        QVERIFY2(r.status == status,
                 qPrintable(QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body))));
        const QString e = expectationError(r.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        QVERIFY(stateBytes(m_sandbox) == before);
    }

    void readOnlyKeyGets403()
    {
        const QJsonObject c = onlineOlderThan(m_sandbox, QStringLiteral("0.1.4"));
        const TestResponse r = call(m_sandbox, kVendor, "POST",
                                    writePath(kVendor, c.value(QLatin1String("id")).toString()),
                                    QJsonObject{}, kReadOnlyKey);
        QCOMPARE(r.status, 403);
        QCOMPARE(r.object().value(QLatin1String("error")).toString(), QStringLiteral("forbidden"));
        QVERIFY(!getConnector(m_sandbox, c.value(QLatin1String("id")).toString())
                     .contains(QLatin1String("pending_version")));
    }

    void negativeDelayNeverMovesVersion()
    {
        SandboxProcess never({QStringLiteral("--update-delay"), QStringLiteral("-1")});
        QVERIFY2(never.start(), qPrintable(never.errorString()));
        const QJsonObject c = onlineOlderThan(never, QStringLiteral("0.1.4"));
        const QString id = c.value(QLatin1String("id")).toString();
        const QString old = c.value(QLatin1String("version")).toString();
        QCOMPARE(update(never, id, QJsonObject{}).status, 202);
        for (int i = 0; i < 10; ++i) { // ~1 s of polling
            const QJsonObject now = getConnector(never, id);
            QCOMPARE(now.value(QLatin1String("version")).toString(), old);
            QCOMPARE(now.value(QLatin1String("pending_version")).toString(),
                     QStringLiteral("0.1.4"));
            QTest::qWait(100);
        }
    }

    void updateDelayConfigurableAtRuntime()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("timbalUpdateDelayMs"), 0}}));
        const QJsonObject c = onlineOlderThan(m_sandbox, QStringLiteral("0.1.4"));
        const QString id = c.value(QLatin1String("id")).toString();
        QCOMPARE(update(m_sandbox, id, QJsonObject{}).status, 202);
        QVERIFY(waitForVersion(id, QStringLiteral("0.1.4")));
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractTimbal)
#include "tst_sandbox_contract_timbal.moc"
