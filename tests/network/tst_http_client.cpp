#include "ConnectorService.h"
#include "HttpClient.h"
#include "HttpJob.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

// The request layer's own rules, without a vendor: TLS required off loopback, redirects kept to
// the same origin, Retry-After parsing.
class TestHttpClient : public QObject
{
    Q_OBJECT

    // Answers every request with `response`, counting connections.
    struct FixedServer
    {
        QTcpServer server;
        int connections = 0;
        QByteArray response;
        QByteArray lastRequest;

        bool listen(const QHostAddress& address)
        {
            if (!server.listen(address, 0))
                return false;
            QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
                while (QTcpSocket* s = server.nextPendingConnection()) {
                    ++connections;
                    QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] {
                        lastRequest += s->readAll();
                        if (lastRequest.contains("\r\n\r\n")) {
                            s->write(response);
                            s->disconnectFromHost();
                        }
                    });
                }
            });
            return true;
        }
    };

private slots:
    void refusalForUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("https remote") << "https://api.databar.ai/v1" << true;
        QTest::newRow("http remote") << "http://example.com/x" << false;
        QTest::newRow("http 127.0.0.1") << "http://127.0.0.1:8080/x" << true;
        QTest::newRow("http 127.9.8.7") << "http://127.9.8.7/x" << true;
        QTest::newRow("http ::1") << "http://[::1]:8080/x" << true;
        QTest::newRow("http localhost") << "http://localhost/x" << true;
        QTest::newRow("http 128.0.0.1") << "http://128.0.0.1/x" << false;
        QTest::newRow("http localhost.evil.com") << "http://localhost.evil.com/x" << false;
        QTest::newRow("ftp") << "ftp://127.0.0.1/x" << false;
    }
    void refusalForUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowed);
        QCOMPARE(ca::HttpClient::refusalForUrl(QUrl(url)).isEmpty(), allowed);
    }

    void plainHttpToRemoteHostRefusedBeforeSending()
    {
        ca::HttpClient client;
        ca::ConnectorProfile profile;
        profile.name = QStringLiteral("insecure");
        profile.vendor = ca::Vendor::Databar;
        profile.baseUrl = QUrl(QStringLiteral("http://example.com"));
        profile.apiKey = "k";
        ca::ConnectorService* service = ca::createConnectorService(profile, &client, &client);
        int requestsCreated = 0;
        connect(client.networkAccessManager(), &QNetworkAccessManager::finished, this,
                [&] { ++requestsCreated; });
        ca::ConnectorListJob* job = service->list();
        QSignalSpy spy(job, &ca::ConnectorListJob::finished);
        QTRY_COMPARE(spy.count(), 1);
        const auto result = spy.first().first().value<ca::ConnectorListResult>();
        QCOMPARE(result.error.kind, ca::ApiError::Kind::InsecureUrl);
        QVERIFY2(result.error.message.contains(QStringLiteral("use https://")),
                 qPrintable(result.error.message));
        QCOMPARE(requestsCreated, 0);
    }

    void redirectToAnotherHostNotFollowed()
    {
        FixedServer target;
        QVERIFY(target.listen(QHostAddress(QStringLiteral("127.0.0.2"))));
        target.response =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]";
        FixedServer origin;
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        origin.response =
            QStringLiteral("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.2:%1/v1/connectors\r\n"
                           "Content-Length: 0\r\n\r\n")
                .arg(target.server.serverPort())
                .toLatin1();

        ca::HttpClient client;
        ca::ConnectorProfile profile;
        profile.vendor = ca::Vendor::Databar;
        profile.baseUrl =
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(origin.server.serverPort()));
        profile.apiKey = "secret-key";
        ca::ConnectorService* service = ca::createConnectorService(profile, &client, &client);
        ca::ConnectorListJob* job = service->list();
        QSignalSpy spy(job, &ca::ConnectorListJob::finished);
        QTRY_COMPARE(spy.count(), 1);
        const auto result = spy.first().first().value<ca::ConnectorListResult>();
        QCOMPARE(result.error.kind, ca::ApiError::Kind::Redirect);
        QVERIFY2(result.error.message.contains(QStringLiteral("127.0.0.2")),
                 qPrintable(result.error.message));
        QCOMPARE(origin.connections, 1);
        QVERIFY(origin.lastRequest.contains("x-apikey: secret-key"));
        QCOMPARE(target.connections, 0); // the key never went to the other origin
    }

    void sameOriginRedirectFollowed()
    {
        FixedServer origin;
        QVERIFY(origin.listen(QHostAddress::LocalHost));
        int served = 0;
        // First answer redirects to the same origin, second is the list.
        origin.response =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]";
        QByteArray redirect =
            "HTTP/1.1 301 Moved\r\nLocation: /v1/connectors/\r\nContent-Length: 0\r\n\r\n";
        disconnect(&origin.server, nullptr, nullptr, nullptr);
        connect(&origin.server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket* s = origin.server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [&, s] {
                    if (!s->readAll().contains("\r\n\r\n"))
                        return;
                    s->write(served++ == 0 ? redirect : origin.response);
                    s->disconnectFromHost();
                });
            }
        });
        ca::HttpClient client;
        ca::HttpRequest request;
        request.url = QUrl(
            QStringLiteral("http://127.0.0.1:%1/v1/connectors").arg(origin.server.serverPort()));
        ca::HttpJob* job = client.send(request);
        QSignalSpy spy(job, &ca::HttpJob::finished);
        QTRY_COMPARE(spy.count(), 1);
        const auto response = spy.first().first().value<ca::HttpResponse>();
        QVERIFY2(!response.error.isError(), qPrintable(response.error.message));
        QCOMPARE(response.status, 200);
        QCOMPARE(served, 2);
    }

    void parseRetryAfter_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<qint64>("expectedMs"); // -1: unparsable
        QTest::newRow("seconds") << QByteArray("7") << qint64(7000);
        QTest::newRow("zero") << QByteArray("0") << qint64(0);
        QTest::newRow("http date") << QByteArray("Wed, 21 Oct 2015 07:28:30 GMT") << qint64(30000);
        QTest::newRow("date in the past")
            << QByteArray("Wed, 21 Oct 2015 07:27:00 GMT") << qint64(0);
        QTest::newRow("garbage") << QByteArray("soon") << qint64(-1);
        QTest::newRow("negative") << QByteArray("-5") << qint64(-1);
    }
    void parseRetryAfter()
    {
        QFETCH(QByteArray, value);
        QFETCH(qint64, expectedMs);
        const QDateTime now(QDate(2015, 10, 21), QTime(7, 28, 0), QTimeZone::utc());
        const auto ms = ca::HttpClient::parseRetryAfterMs(value, now);
        QCOMPARE(ms.value_or(-1), expectedMs);
    }

    void connectionRefusedReported()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        ca::HttpClient client;
        ca::HttpOptions options;
        options.initialBackoffMs = 10;
        ca::HttpRequest request;
        request.url = QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(port));
        ca::HttpJob* job = client.send(request, options);
        QSignalSpy retries(job, &ca::HttpJob::retrying);
        QSignalSpy spy(job, &ca::HttpJob::finished);
        QTRY_COMPARE(spy.count(), 1);
        const auto response = spy.first().first().value<ca::HttpResponse>();
        QCOMPARE(response.error.kind, ca::ApiError::Kind::ConnectionFailed);
        QCOMPARE(response.attempts, 3);
        QCOMPARE(retries.count(), 2);
    }
};

QTEST_GUILESS_MAIN(TestHttpClient)
#include "tst_http_client.moc"
