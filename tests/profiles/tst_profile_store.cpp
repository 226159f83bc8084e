#include "ProfileStore.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace ca;

class TestProfileStore : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString iniPath() const { return m_dir.filePath(QStringLiteral("profiles.conf")); }

    static Profile timbalProd()
    {
        return {QStringLiteral("timbal-prod"),
                Vendor::Timbal,
                QUrl(QStringLiteral("https://api.timbal.ai")),
                QStringLiteral("org_1"),
                {}};
    }

private slots:
    void init() { QFile::remove(iniPath()); }

    void savedProfilesComeBackEqualFromANewStore()
    {
        const QList<Profile> saved{
            timbalProd(),
            {QStringLiteral("squared"), Vendor::AiSquared, {}, {}, QStringLiteral("7")},
            {QStringLiteral("b3"),
             Vendor::B3os,
             QUrl(QStringLiteral("http://127.0.0.1:8080/b3os")),
             QStringLiteral("demo-org"),
             {}},
            {QStringLiteral("databar-team-a"), Vendor::Databar, {}, {}, {}},
            {QStringLiteral("bigdata"), Vendor::Bigdata, {}, {}, {}},
        };
        {
            ProfileStore store(iniPath());
            for (const Profile& p : saved) {
                QString error;
                QVERIFY2(store.save(p, &error), qPrintable(error));
            }
        }
        ProfileStore reopened(iniPath());
        QList<Profile> expected = saved;
        std::sort(expected.begin(), expected.end(),
                  [](const Profile& a, const Profile& b) { return a.name < b.name; });
        QCOMPARE(reopened.profiles(), expected);
    }

    void savingAgainReplacesAndRemoveDeletes()
    {
        ProfileStore store(iniPath());
        QString error;
        QVERIFY(store.save(timbalProd(), &error));
        Profile changed = timbalProd();
        changed.orgId = QStringLiteral("org_2");
        changed.baseUrl = QUrl(QStringLiteral("https://api.dev.timbal.ai"));
        QVERIFY(store.save(changed, &error));
        QCOMPARE(store.profiles().size(), 1);
        QCOMPARE(store.find(QStringLiteral("timbal-prod"))->orgId, QStringLiteral("org_2"));
        QVERIFY(store.remove(QStringLiteral("timbal-prod")));
        QVERIFY(store.profiles().isEmpty());
        QVERIFY(!store.remove(QStringLiteral("timbal-prod")));
    }

    void emptyBaseUrlMeansTheVendorDefault()
    {
        const Profile p{QStringLiteral("d"), Vendor::Databar, {}, {}, {}};
        QCOMPARE(p.effectiveBaseUrl(), QUrl(QStringLiteral("https://api.databar.ai")));
    }

    void invalidProfilesAreRefusedWithAReason_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("baseUrl");
        QTest::addColumn<QString>("org");
        QTest::addColumn<QString>("workspace");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty name") << ""
                                    << "databar"
                                    << ""
                                    << ""
                                    << ""
                                    << "not valid";
        QTest::newRow("name with slash") << "a/b"
                                         << "databar"
                                         << ""
                                         << ""
                                         << ""
                                         << "not valid";
        QTest::newRow("name with space") << "a b"
                                         << "databar"
                                         << ""
                                         << ""
                                         << ""
                                         << "not valid";
        QTest::newRow("unknown vendor") << "x"
                                        << "acme"
                                        << ""
                                        << ""
                                        << ""
                                        << "unknown vendor";
        QTest::newRow("plain http elsewhere") << "x"
                                              << "databar"
                                              << "http://api.databar.ai"
                                              << ""
                                              << ""
                                              << "https://";
        QTest::newRow("not a url") << "x"
                                   << "databar"
                                   << "https://"
                                   << ""
                                   << ""
                                   << "not a valid URL";
        QTest::newRow("credentials in url") << "x"
                                            << "databar"
                                            << "https://u:p@api.databar.ai"
                                            << ""
                                            << ""
                                            << "user name";
        QTest::newRow("timbal without org") << "x"
                                            << "timbal"
                                            << ""
                                            << ""
                                            << ""
                                            << "organization";
        QTest::newRow("aisquared without workspace") << "x"
                                                     << "aisquared"
                                                     << ""
                                                     << ""
                                                     << ""
                                                     << "workspace";
    }
    void invalidProfilesAreRefusedWithAReason()
    {
        QFETCH(QString, name);
        QFETCH(QString, vendor);
        QFETCH(QString, baseUrl);
        QFETCH(QString, org);
        QFETCH(QString, workspace);
        QFETCH(QString, reason);
        QJsonObject o{{QStringLiteral("name"), name},
                      {QStringLiteral("vendor"), vendor},
                      {QStringLiteral("baseUrl"), baseUrl},
                      {QStringLiteral("orgId"), org},
                      {QStringLiteral("workspaceId"), workspace}};
        Profile p;
        QString error;
        QVERIFY(!Profile::fromJson(o, &p, &error));
        QVERIFY2(error.contains(reason), qPrintable(error));
        ProfileStore store(iniPath());
        QVERIFY(store.profiles().isEmpty());
    }

    void b3osNeedsNoOrgId()
    {
        // The official client sends only the key (b3os client.ts): X-Org-ID is optional.
        QJsonObject o{{QStringLiteral("name"), QStringLiteral("b")},
                      {QStringLiteral("vendor"), QStringLiteral("b3os")}};
        Profile p;
        QString error;
        QVERIFY2(Profile::fromJson(o, &p, &error), qPrintable(error));
        QVERIFY(p.orgId.isEmpty());
        QVERIFY(!vendorNeedsOrg(Vendor::B3os));
        QVERIFY(vendorTakesOrg(Vendor::B3os));
    }

    void loopbackHttpIsAllowed_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("127.0.0.1") << "http://127.0.0.1:1234/databar";
        QTest::newRow("127.1.2.3") << "http://127.1.2.3/databar";
        QTest::newRow("localhost") << "http://localhost:1/databar";
        QTest::newRow("::1") << "http://[::1]:8080/databar";
    }
    void loopbackHttpIsAllowed()
    {
        QFETCH(QString, url);
        const Profile p{QStringLiteral("x"), Vendor::Databar, QUrl(url), {}, {}};
        QCOMPARE(validateProfile(p), QString());
    }

    void exportThenImportRoundTripsWithoutKeys()
    {
        ProfileStore store(iniPath());
        QString error;
        QVERIFY(store.save(timbalProd(), &error));
        QVERIFY(store.save(
            {QStringLiteral("squared"), Vendor::AiSquared, {}, {}, QStringLiteral("1")}, &error));
        const QByteArray json = store.exportJson();
        const QJsonArray list =
            QJsonDocument::fromJson(json).object().value(QStringLiteral("profiles")).toArray();
        QCOMPARE(list.size(), 2);
        for (const QJsonValue& v : list)
            QVERIFY(!v.toObject().contains(QStringLiteral("key")));

        QTemporaryDir other;
        ProfileStore target(other.filePath(QStringLiteral("p.conf")));
        QCOMPARE(target.importJson(json, &error), 2);
        QCOMPARE(target.profiles(), store.profiles());
    }

    void importIsAllOrNothing_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not json") << QByteArray("{nope") << "not valid JSON";
        QTest::newRow("no list") << QByteArray("{\"x\":1}") << "\"profiles\" array";
        QTest::newRow("second invalid")
            << QByteArray(
                   R"({"profiles":[{"name":"ok","vendor":"databar"},{"name":"bad","vendor":"acme"}]})")
            << "unknown vendor";
        QTest::newRow("carries a key")
            << QByteArray(R"({"profiles":[{"name":"ok","vendor":"databar","apiKey":"sk-123"}]})")
            << "never imported";
    }
    void importIsAllOrNothing()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        ProfileStore store(iniPath());
        QString error;
        QCOMPARE(store.importJson(json, &error), -1);
        QVERIFY2(error.contains(reason), qPrintable(error));
        QVERIFY(store.profiles().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profile_store.moc"
