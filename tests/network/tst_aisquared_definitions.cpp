#include "NetworkTestSupport.h"

#include "AiSquaredService.h"
#include "HttpClient.h"

#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

// AI Squared's connector definitions and connection tests against the real sandbox: where a
// definition comes from (server, the session's memory, the disk cache when the server cannot be
// asked), the secret paths it decides, and check_connection's outcomes, refusals and time-out.
class TestAiSquaredDefinitions : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("40")}};
    ca::HttpClient* m_http = nullptr;
    QTemporaryDir m_cache; // XDG_CACHE_HOME: the disk cache of this test only

    ca::AiSquaredService* service(const SandboxProcess& sandbox,
                                  const QByteArray& key = nettest::kKey)
    {
        auto* s = new ca::AiSquaredService(nettest::profileFor(sandbox, ca::Vendor::AiSquared, key),
                                           m_http, this);
        ca::HttpOptions o = s->httpOptions();
        o.maxAttempts = 1; // a fault is seen once, not retried
        s->setHttpOptions(o);
        return s;
    }
    ca::AiSquaredService* service(const QByteArray& key = nettest::kKey)
    {
        return service(m_sandbox, key);
    }

    static ca::DefinitionResult await(ca::DefinitionJob* job)
    {
        QSignalSpy spy(job, &ca::DefinitionJob::finished);
        if (!spy.wait(60000))
            return {};
        return spy.first().first().value<ca::DefinitionResult>();
    }
    static ca::ConnectionCheckResult await(ca::ConnectionCheckJob* job)
    {
        QSignalSpy spy(job, &ca::ConnectionCheckJob::finished);
        if (!spy.wait(60000))
            return {};
        return spy.first().first().value<ca::ConnectionCheckResult>();
    }

    QList<QJsonObject> requestsFor(const QString& pathPart, const QString& method = {}) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject& r :
             nettest::requestsTo(m_sandbox, QStringLiteral("aisquared"), method)) {
            if (r.value(QLatin1String("path")).toString().contains(pathPart))
                out.append(r);
        }
        return out;
    }
    QList<QJsonObject> definitionGets() const
    {
        return requestsFor(QStringLiteral("connector_definitions/"), QStringLiteral("GET"));
    }
    QList<QJsonObject> checkPosts() const
    {
        return requestsFor(QStringLiteral("check_connection"), QStringLiteral("POST"));
    }

    // A seeded connector of the sandbox (real values: /_sandbox/state) of one kind.
    QJsonObject stateConnector(const QString& type, const QString& name) const
    {
        for (const QJsonValue& v : nettest::stateOf(m_sandbox, QStringLiteral("aisquared"))) {
            const QJsonObject c = v.toObject();
            if (c.value(QLatin1String("connector_type")).toString() == type &&
                c.value(QLatin1String("connector_name")).toString() == name)
                return c;
        }
        return {};
    }
    QJsonObject realConfiguration(const QString& type, const QString& name) const
    {
        return stateConnector(type, name).value(QLatin1String("configuration")).toObject();
    }
    static QString passwordOf(const QJsonObject& configuration)
    {
        return ca::jsonValueAt(configuration, QStringLiteral("/credentials/password")).toString();
    }

    static void setFault(const SandboxProcess& sandbox, const QString& spec, const QString& path)
    {
        QVERIFY(nettest::setFaults(sandbox, {QJsonObject{{QStringLiteral("spec"), spec},
                                                         {QStringLiteral("path"), path}}}));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_cache.isValid());
        qputenv("XDG_CACHE_HOME", m_cache.path().toLocal8Bit());
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_http = nettest::newHttpClient(this);
    }

    void init()
    {
        QVERIFY(nettest::resetSandbox(m_sandbox));
        QVERIFY(QDir(m_cache.path()).removeRecursively());
        QVERIFY(QDir().mkpath(m_cache.path()));
    }

    // --- definitions ---

    void definitionFromTheServer()
    {
        ca::AiSquaredService* s = service();
        const ca::DefinitionResult r =
            await(s->definition(QStringLiteral("source"), QStringLiteral("Postgresql")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.source, ca::DefinitionResult::Source::Server);
        QVERIFY(!r.error.isError());
        QCOMPARE(r.definition.name, QStringLiteral("Postgresql"));
        QCOMPARE(r.definition.type, QStringLiteral("source"));
        QVERIFY(r.definition.secretPropertyPointers().contains(
            QStringLiteral("/credentials/password")));
        const QList<QJsonObject> gets = definitionGets();
        QCOMPARE(gets.size(), 1);
        QVERIFY(gets.first()
                    .value(QLatin1String("path"))
                    .toString()
                    .endsWith(QLatin1String("/api/v1/connector_definitions/Postgresql")));
        QCOMPARE(gets.first().value(QLatin1String("query")).toString(),
                 QStringLiteral("type=source"));
        // Written to this profile's disk cache, under the cache dir.
        const QString file = s->definitionCacheDir() + QStringLiteral("/source-postgresql.json");
        QVERIFY2(QFile::exists(file), qPrintable(file));
        QVERIFY(s->definitionCacheDir().startsWith(m_cache.path()));
        QCOMPARE(s->cachedDefinition(QStringLiteral("source"), QStringLiteral("postgresql"))->name,
                 QStringLiteral("Postgresql"));
    }

    void secondReadComesFromMemory()
    {
        ca::AiSquaredService* s = service();
        QVERIFY(!s->cachedDefinition(QStringLiteral("destination"), QStringLiteral("Slack")));
        QVERIFY(await(s->definition(QStringLiteral("destination"), QStringLiteral("Slack"))).ok());
        const ca::DefinitionResult again =
            await(s->definition(QStringLiteral("destination"), QStringLiteral("Slack")));
        QVERIFY(again.ok());
        QCOMPARE(again.source, ca::DefinitionResult::Source::Memory);
        QCOMPARE(definitionGets().size(), 1);
        // Another profile (another service) has its own memory.
        QVERIFY(await(service()->definition(QStringLiteral("destination"), QStringLiteral("Slack")))
                    .ok());
        QCOMPARE(definitionGets().size(), 2);
    }

    void requestsAtOnceShareOneAnswer()
    {
        ca::AiSquaredService* s = service();
        ca::DefinitionJob* a = s->definition(QStringLiteral("source"), QStringLiteral("Snowflake"));
        ca::DefinitionJob* b = s->definition(QStringLiteral("source"), QStringLiteral("Snowflake"));
        QSignalSpy spyB(b, &ca::DefinitionJob::finished);
        QVERIFY(await(a).ok());
        QTRY_COMPARE(spyB.count(), 1);
        QVERIFY(spyB.first().first().value<ca::DefinitionResult>().ok());
        QCOMPARE(definitionGets().size(), 1);
    }

    void refreshAsksTheServerAgain()
    {
        ca::AiSquaredService* s = service();
        QVERIFY(await(s->definition(QStringLiteral("source"), QStringLiteral("Postgresql"))).ok());
        const ca::DefinitionResult r =
            await(s->definition(QStringLiteral("source"), QStringLiteral("Postgresql"), true));
        QVERIFY(r.ok());
        QCOMPARE(r.source, ca::DefinitionResult::Source::Server);
        QCOMPARE(definitionGets().size(), 2);
    }

    void diskCopyWhenTheServerFails_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("words");
        QTest::newRow("500") << "aisquared:status=500" << int(ca::ApiError::Kind::Server)
                             << "server failed (HTTP 500)";
        QTest::newRow("404: an older server")
            << "aisquared:status=404" << int(ca::ApiError::Kind::NotFound)
            << "offers no connector definitions";
        QTest::newRow("malformed")
            << "aisquared:malformed" << int(ca::ApiError::Kind::Malformed) << "";
        QTest::newRow("firewall page") << "aisquared:html=403" << int(ca::ApiError::Kind::Forbidden)
                                       << "web page instead of JSON";
    }
    void diskCopyWhenTheServerFails()
    {
        QFETCH(QString, fault);
        QFETCH(int, kind);
        QFETCH(QString, words);
        QVERIFY(await(service()->definition(QStringLiteral("source"), QStringLiteral("Postgresql")))
                    .ok());
        setFault(m_sandbox, fault, QStringLiteral("connector_definitions"));

        // A new session (empty memory): the server fails, the disk copy serves, the error stays.
        ca::AiSquaredService* s = service();
        const ca::DefinitionResult r =
            await(s->definition(QStringLiteral("source"), QStringLiteral("Postgresql")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.source, ca::DefinitionResult::Source::Disk);
        QCOMPARE(int(r.error.kind), kind);
        QVERIFY2(r.error.message.startsWith(QStringLiteral(
                     "AI Squared (test-aisquared), reading the Postgresql source definition: ")),
                 qPrintable(r.error.message));
        QVERIFY2(r.error.message.contains(words), qPrintable(r.error.message));
        QVERIFY(r.definition.secretPropertyPointers().contains(
            QStringLiteral("/credentials/password")));
        // Usable for secret paths at once; the server is asked again next time.
        QVERIFY(s->cachedDefinition(QStringLiteral("source"), QStringLiteral("Postgresql")));
        QCOMPARE(
            await(s->definition(QStringLiteral("source"), QStringLiteral("Postgresql"))).source,
            ca::DefinitionResult::Source::Disk);
        QCOMPARE(definitionGets().size(), 3);

        // Without a disk copy: the error alone.
        QVERIFY(QDir(s->definitionCacheDir()).removeRecursively());
        const ca::DefinitionResult none =
            await(service()->definition(QStringLiteral("source"), QStringLiteral("Postgresql")));
        QVERIFY(!none.ok());
        QCOMPARE(none.source, ca::DefinitionResult::Source::None);
        QCOMPARE(int(none.error.kind), kind);
    }

    void diskCopyWhenTheServerIsDown()
    {
        SandboxProcess other;
        QVERIFY2(other.start(), qPrintable(other.errorString()));
        QVERIFY(await(service(other)->definition(QStringLiteral("destination"),
                                                 QStringLiteral("SalesforceCrm")))
                    .ok());
        ca::AiSquaredService* s = service(other); // same base URL and workspace: same cache
        other.stop();
        const ca::DefinitionResult r =
            await(s->definition(QStringLiteral("destination"), QStringLiteral("SalesforceCrm")));
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.source, ca::DefinitionResult::Source::Disk);
        // Refused, or (a kept-alive connection of the pool) closed.
        QVERIFY2(r.error.kind == ca::ApiError::Kind::ConnectionFailed ||
                     r.error.kind == ca::ApiError::Kind::ConnectionClosed,
                 qPrintable(r.error.toString()));
        QStringList pointers = r.definition.secretPropertyPointers();
        pointers.sort();
        QCOMPARE(pointers,
                 (QStringList{QStringLiteral("/access_token"), QStringLiteral("/client_secret"),
                              QStringLiteral("/refresh_token")}));
    }

    void unknownKindIsAnError()
    {
        ca::AiSquaredService* s = service();
        const ca::DefinitionResult r =
            await(s->definition(QStringLiteral("source"), QStringLiteral("No/Such?Kind")));
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, ca::ApiError::Kind::NotFound);
        QVERIFY2(r.error.message.contains(
                     QStringLiteral("AI Squared has no source connector named 'No/Such?Kind'")),
                 qPrintable(r.error.message));
        // The name went as one encoded path segment, and nothing was cached.
        QCOMPARE(definitionGets().size(), 1);
        QVERIFY(definitionGets()
                    .first()
                    .value(QLatin1String("path"))
                    .toString()
                    .endsWith(QLatin1String("/connector_definitions/No%2FSuch%3FKind")));
        QVERIFY(!QDir(m_cache.path() + QStringLiteral("/ConnectorAdmin/definitions")).exists() ||
                QDir(s->definitionCacheDir()).isEmpty());
    }

    void badKindRefusedBeforeSending()
    {
        const ca::DefinitionResult r =
            await(service()->definition(QStringLiteral("sink"), QStringLiteral("Postgresql")));
        QCOMPARE(r.error.kind, ca::ApiError::Kind::Refused);
        QVERIFY(definitionGets().isEmpty());
    }

    // --- secret paths ---

    void secretPathsFollowTheDefinition()
    {
        ca::AiSquaredService* s = service();
        QJsonObject configuration =
            realConfiguration(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QVERIFY(!configuration.isEmpty());
        QJsonObject credentials = configuration.value(QLatin1String("credentials")).toObject();
        credentials.remove(QStringLiteral("password"));
        configuration.insert(QStringLiteral("credentials"), credentials);
        const QJsonObject doc{{QStringLiteral("connector_type"), QStringLiteral("source")},
                              {QStringLiteral("connector_name"), QStringLiteral("Postgresql")},
                              {QStringLiteral("configuration"), configuration}};
        const QString password = QStringLiteral("/configuration/credentials/password");
        QVERIFY(!s->secretPaths(doc).contains(password)); // nothing tells it yet
        QVERIFY(await(s->definition(QStringLiteral("source"), QStringLiteral("Postgresql"))).ok());
        QVERIFY(s->secretPaths(doc).contains(password)); // the definition does
        QVERIFY(s->secretRules(doc).isSecretPointer(password));
    }

    void aKeyNamedLikeASecretIsNotOneWhenTheDefinitionSaysSo()
    {
        ca::AiSquaredService* s = service();
        // Http's headers are plain strings in its definition (no multiwoven_secret).
        const QJsonObject doc{
            {QStringLiteral("connector_type"), QStringLiteral("destination")},
            {QStringLiteral("connector_name"), QStringLiteral("Http")},
            {QStringLiteral("configuration"),
             QJsonObject{
                 {QStringLiteral("destination_url"), QStringLiteral("https://x.test/in")},
                 {QStringLiteral("headers"),
                  QJsonObject{{QStringLiteral("Authorization"), QStringLiteral("Bearer t")},
                              {QStringLiteral("X-Trace"), ca::SecretMarker::vendorMask}}}}}};
        const QString header = QStringLiteral("/configuration/headers/Authorization");
        const QString masked = QStringLiteral("/configuration/headers/X-Trace");
        QVERIFY(s->secretPaths(doc).contains(header)); // the key-name rule's guess
        QVERIFY(await(s->definition(QStringLiteral("destination"), QStringLiteral("Http"))).ok());
        QVERIFY(!s->secretPaths(doc).contains(header));
        QVERIFY(s->secretPaths(doc).contains(masked)); // a mask is a secret whatever the kind says
    }

    void connectorsReadAfterTheDefinitionUseIt()
    {
        ca::AiSquaredService* s = service();
        QVERIFY(await(s->definition(QStringLiteral("destination"), QStringLiteral("SalesforceCrm")))
                    .ok());
        const QString id =
            stateConnector(QStringLiteral("destination"), QStringLiteral("SalesforceCrm"))
                .value(QLatin1String("id"))
                .toString();
        QVERIFY(!id.isEmpty());
        ca::ConnectorJob* job = s->get(id);
        CA_AWAIT(job, ca::ConnectorResult, got);
        QVERIFY2(got.ok(), qPrintable(got.error.toString()));
        for (const char* key : {"access_token", "refresh_token", "client_secret"})
            QVERIFY2(got.connector.secretPaths.contains(QStringLiteral("/configuration/") +
                                                        QLatin1String(key)),
                     key);
    }

    // --- connection tests ---

    void connectionTestSucceeds()
    {
        const QJsonObject configuration =
            realConfiguration(QStringLiteral("source"), QStringLiteral("Postgresql"));
        const QString password = passwordOf(configuration);
        QVERIFY(!password.isEmpty());
        const ca::ConnectionCheckResult r = await(service()->checkConnection(
            QStringLiteral("source"), QStringLiteral("Postgresql"), configuration));
        QVERIFY2(r.status == ca::ConnectionCheckResult::Status::Succeeded,
                 qPrintable(r.message + r.error.toString()));
        QVERIFY(!r.error.isError());
        QVERIFY(r.at.isValid());
        const QList<QJsonObject> posts = checkPosts();
        QCOMPARE(posts.size(), 1);
        const QJsonObject sent = posts.first().value(QLatin1String("json")).toObject();
        QCOMPARE(sent.value(QLatin1String("type")).toString(), QStringLiteral("source"));
        QCOMPARE(sent.value(QLatin1String("name")).toString(), QStringLiteral("Postgresql"));
        QVERIFY(sent.value(QLatin1String("connection_spec")).isObject());
    }

    void connectionTestFailsWithTheVendorsReason()
    {
        QJsonObject configuration =
            realConfiguration(QStringLiteral("destination"), QStringLiteral("Slack"));
        const QString wrong = QStringLiteral("xoxb-wrong-token-0123456789");
        configuration.insert(QStringLiteral("api_token"), wrong);
        const ca::ConnectionCheckResult r = await(service()->checkConnection(
            QStringLiteral("destination"), QStringLiteral("Slack"), configuration));
        QCOMPARE(r.status, ca::ConnectionCheckResult::Status::Failed);
        QVERIFY(!r.message.isEmpty());
        QVERIFY(!r.message.contains(wrong));
        QVERIFY(!r.error.isError());
    }

    void maskedSecretRefusedWithoutSending_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("the vendor's mask") << ca::SecretMarker::vendorMask;
        QTest::newRow("placeholder") << ca::SecretMarker::placeholder;
        QTest::newRow("draft marker") << ca::SecretMarker::draftStored;
        QTest::newRow("a shorter mask") << QStringLiteral("****abcd");
    }
    void maskedSecretRefusedWithoutSending()
    {
        QFETCH(QString, value);
        const QJsonObject configuration =
            ca::jsonValueSet(
                realConfiguration(QStringLiteral("source"), QStringLiteral("Postgresql")),
                QStringLiteral("/credentials/password"), value)
                .toObject();
        QCOMPARE(ca::AiSquaredService::unsentableSecrets(configuration),
                 QStringList{QStringLiteral("/credentials/password")});
        const ca::ConnectionCheckResult r = await(service()->checkConnection(
            QStringLiteral("source"), QStringLiteral("Postgresql"), configuration));
        QCOMPARE(r.status, ca::ConnectionCheckResult::Status::NotRun);
        QCOMPARE(r.error.kind, ca::ApiError::Kind::Refused);
        QVERIFY2(r.error.message.contains(QStringLiteral(
                     "credentials.password is masked: type the real value to test the connection")),
                 qPrintable(r.error.message));
        QVERIFY(checkPosts().isEmpty());
    }

    void readOnlyKeyMayNotTest()
    {
        const ca::ConnectionCheckResult r =
            await(service(nettest::kReadOnlyKey)
                      ->checkConnection(QStringLiteral("source"), QStringLiteral("Postgresql"),
                                        realConfiguration(QStringLiteral("source"),
                                                          QStringLiteral("Postgresql"))));
        QCOMPARE(r.status, ca::ConnectionCheckResult::Status::NotRun);
        QCOMPARE(r.error.kind, ca::ApiError::Kind::Forbidden);
        QCOMPARE(r.error.httpStatus, 403);
        QVERIFY2(r.error.message.startsWith(
                     QStringLiteral("AI Squared (test-aisquared), testing a Postgresql source "
                                    "connection: this key may not test connections (viewer "
                                    "role?)")),
                 qPrintable(r.error.message));
    }

    void hangingTestTimesOutOnceInWords()
    {
        setFault(m_sandbox, QStringLiteral("aisquared:hang"), QStringLiteral("check_connection"));
        ca::AiSquaredService* s = service();
        ca::HttpOptions o = s->httpOptions();
        o.transferTimeoutMs = 1500;
        o.maxAttempts = 3; // a POST is never retried, whatever the options say
        s->setHttpOptions(o);
        const ca::ConnectionCheckResult r = await(s->checkConnection(
            QStringLiteral("source"), QStringLiteral("Postgresql"),
            realConfiguration(QStringLiteral("source"), QStringLiteral("Postgresql"))));
        QCOMPARE(r.status, ca::ConnectionCheckResult::Status::NotRun);
        QCOMPARE(r.error.kind, ca::ApiError::Kind::Timeout);
        QVERIFY2(r.error.message.endsWith(QStringLiteral(
                     "no answer within 1.5 s: the connection test may still be running at AI "
                     "Squared")),
                 qPrintable(r.error.message));
        QCOMPARE(checkPosts().size(), 1);
        QCOMPARE(s->httpOptions().maxAttempts, 3); // the service's own options are left as set
    }

    void anErrorEchoingTheSpecIsMasked()
    {
        // A server (a proxy, a debug build) that quotes the request in its error.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QByteArray received;
        connect(&server, &QTcpServer::newConnection, &server, [&] {
            QTcpSocket* socket = server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                received += socket->readAll();
                const qsizetype headerEnd = received.indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    return;
                const QByteArray body = received.mid(headerEnd + 4);
                if (!received.left(headerEnd).toLower().contains("content-length: " +
                                                                 QByteArray::number(body.size())))
                    return;
                QJsonObject error{{QStringLiteral("status"), 400},
                                  {QStringLiteral("title"), QStringLiteral("Bad Request")},
                                  {QStringLiteral("detail"),
                                   QStringLiteral("There was a problem with the request format: ") +
                                       QString::fromUtf8(body)}};
                const QByteArray answer =
                    QJsonDocument(QJsonObject{{QStringLiteral("errors"), QJsonArray{error}}})
                        .toJson(QJsonDocument::Compact);
                socket->write("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
                              "Connection: close\r\nContent-Length: " +
                              QByteArray::number(answer.size()) + "\r\n\r\n" + answer);
                socket->disconnectFromHost();
            });
        });
        ca::ConnectorProfile p = nettest::profileFor(m_sandbox, ca::Vendor::AiSquared);
        p.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort()));
        auto* s = new ca::AiSquaredService(p, m_http, this);
        const QString secret = QStringLiteral("echoed-Secret-77f1c2");
        const QJsonObject configuration{
            {QStringLiteral("host"), QStringLiteral("db.example")},
            {QStringLiteral("credentials"),
             QJsonObject{{QStringLiteral("username"), QStringLiteral("u")},
                         {QStringLiteral("password"), secret}}}};
        const ca::ConnectionCheckResult r = await(s->checkConnection(
            QStringLiteral("source"), QStringLiteral("Postgresql"), configuration));
        QVERIFY(received.contains(secret.toUtf8())); // it was sent, and echoed
        QCOMPARE(r.status, ca::ConnectionCheckResult::Status::NotRun);
        QCOMPARE(r.error.httpStatus, 400);
        QVERIFY2(r.error.serverMessage.contains(QStringLiteral("db.example")),
                 qPrintable(r.error.serverMessage));
        for (const QString& text :
             {r.error.toString(), r.error.serverMessage, QString::fromUtf8(r.error.rawBody)})
            QVERIFY2(!text.contains(secret), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestAiSquaredDefinitions)
#include "tst_aisquared_definitions.moc"
