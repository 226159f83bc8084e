#include "Http1Pool.h"
#include "HttpClient.h"
#include "HttpJob.h"

#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

// HttpClient's own HTTP/1.1 pool (used above 6 connections per host) against servers that answer
// with exactly the bytes a case needs: framing (chunked, close-delimited, 100 Continue), broken
// answers, limits, connection reuse and the concurrency cap, refused header injection, and TLS
// that is never relaxed. The sandbox-based suites also run on the pool (ctest's *_pool tests).
class TestHttp1Pool : public QObject
{
    Q_OBJECT

    // Answers each complete request with what `answer` returns for it (empty: no answer yet,
    // the test answers later through `held`; "<close>": closes without a byte). Counts
    // connections and requests.
    struct ScriptedServer
    {
        QTcpServer server;
        int connections = 0;
        int requests = 0;
        int open = 0;
        int peakOpen = 0;
        QList<QByteArray> received; // whole requests, in arrival order
        QList<QPointer<QTcpSocket>> held;
        std::function<QByteArray(const QByteArray& request)> answer;
        bool closeAfterAnswer = false;

        bool listen()
        {
            if (!server.listen(QHostAddress::LocalHost, 0))
                return false;
            QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
                while (QTcpSocket* s = server.nextPendingConnection()) {
                    ++connections;
                    peakOpen = qMax(peakOpen, ++open);
                    auto buffer = std::make_shared<QByteArray>();
                    QObject::connect(s, &QTcpSocket::disconnected, s, [this, s] {
                        --open;
                        s->deleteLater();
                    });
                    QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                        *buffer += s->readAll();
                        for (;;) {
                            const qsizetype end = buffer->indexOf("\r\n\r\n");
                            if (end < 0)
                                return;
                            qsizetype length = 0;
                            for (const QByteArray& line : buffer->left(end).split('\n')) {
                                if (line.toLower().startsWith("content-length:"))
                                    length = line.mid(15).trimmed().toLongLong();
                            }
                            if (buffer->size() < end + 4 + length)
                                return;
                            const QByteArray request = buffer->left(end + 4 + length);
                            buffer->remove(0, end + 4 + length);
                            ++requests;
                            received.append(request);
                            const QByteArray reply = answer ? answer(request) : QByteArray();
                            if (reply == "<close>") {
                                s->disconnectFromHost();
                                return;
                            }
                            if (reply.isEmpty()) {
                                held.append(s);
                                continue;
                            }
                            s->write(reply);
                            if (closeAfterAnswer)
                                s->disconnectFromHost();
                        }
                    });
                }
            });
            return true;
        }
        QUrl url(const QString& path = QStringLiteral("/x")) const
        {
            return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server.serverPort()).arg(path));
        }
    };

    static ca::HttpClient* pooledClient(QObject* parent)
    {
        auto* client = new ca::HttpClient(parent);
        client->setMaxConnectionsPerHost(32);
        return client;
    }

    static ca::HttpResponse fetch(ca::HttpClient* client, const ca::HttpRequest& request,
                                  const ca::HttpOptions& options = {})
    {
        ca::HttpJob* job = client->send(request, options);
        QSignalSpy spy(job, &ca::HttpJob::finished);
        if (!spy.wait(10000) && spy.isEmpty())
            return {};
        return spy.first().first().value<ca::HttpResponse>();
    }

    static ca::HttpRequest get(const QUrl& url)
    {
        ca::HttpRequest r;
        r.url = url;
        return r;
    }

private slots:
    void poolIsUsedOnlyAboveQtsLimit()
    {
        ca::HttpClient client;
        QCOMPARE(client.maxConnectionsPerHost(), ca::HttpClient::kQtConnectionsPerHost);
        client.setMaxConnectionsPerHost(6);
        QCOMPARE(client.maxConnectionsPerHost(), 6);
        client.setMaxConnectionsPerHost(32);
        QCOMPARE(client.maxConnectionsPerHost(), 32);
    }

    void answersAreFramedCorrectly_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << 200
            << QByteArray("hello");
        QTest::newRow("chunked, with an extension and a trailer")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: 1\r\n\r\n")
            << 200 << QByteArray("hello world");
        QTest::newRow("100 Continue first")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                          "Content-Length: 2\r\n\r\n{}")
            << 201 << QByteArray("{}");
        QTest::newRow("no length: ends at close")
            << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end") << 200
            << QByteArray("until the end");
        QTest::newRow("HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                                  << 200 << QByteArray("ok");
        QTest::newRow("204 has no body")
            << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << 204 << QByteArray();
        QTest::newRow("error status with a body")
            << QByteArray("HTTP/1.1 422 Unprocessable\r\nContent-Length: 9\r\n\r\n{\"e\":\"x\"}")
            << 422 << QByteArray("{\"e\":\"x\"}");
    }
    void answersAreFramedCorrectly()
    {
        QFETCH(QByteArray, answer);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        ScriptedServer server;
        QVERIFY(server.listen());
        server.answer = [answer](const QByteArray&) { return answer; };
        server.closeAfterAnswer = answer.contains("Connection: close");
        ca::HttpClient* client = pooledClient(this);
        const ca::HttpResponse r = fetch(client, get(server.url()));
        QVERIFY2(!r.error.isError(), qPrintable(r.error.message));
        QCOMPARE(r.status, status);
        QCOMPARE(r.body, body);
        // The request itself: HTTP/1.1, Host, identity encoding, JSON wanted.
        const QByteArray request = server.received.value(0);
        QVERIFY(request.startsWith("GET /x HTTP/1.1\r\n"));
        QVERIFY(request.contains(QStringLiteral("\r\nHost: 127.0.0.1:%1\r\n")
                                     .arg(server.server.serverPort())
                                     .toLatin1()));
        QVERIFY(request.contains("\r\nAccept: application/json\r\n"));
        QVERIFY(request.contains("\r\nAccept-Encoding: identity\r\n"));
        delete client;
    }

    void brokenAnswersEndInOneClearError_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<ca::ApiError::Kind>("kind");
        QTest::addColumn<QString>("text");
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n")
                                  << ca::ApiError::Kind::Network << "not an HTTP/1.1 answer";
        QTest::newRow("two different lengths")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc")
            << ca::ApiError::Kind::Network << "Content-Length is invalid";
        QTest::newRow("bad chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            << ca::ApiError::Kind::Network << "invalid chunked answer";
        QTest::newRow("announced length over the cap")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n")
            << ca::ApiError::Kind::TooLarge << "response larger than 1 KiB";
        QTest::newRow("chunks over the cap")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
                          QByteArray(2048, 'a') + "\r\n0\r\n\r\n")
            << ca::ApiError::Kind::TooLarge << "response larger than 1 KiB";
        QTest::newRow("cut off") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                                 << ca::ApiError::Kind::Truncated << "cut off after 3 of 10 bytes";
        QTest::newRow("closed before an answer")
            << QByteArray() << ca::ApiError::Kind::ConnectionClosed << "closed before an answer";
        QTest::newRow("101 Switching Protocols")
            << QByteArray("HTTP/1.1 101 Switching Protocols\r\n\r\n") << ca::ApiError::Kind::Network
            << "switched protocols";
    }
    void brokenAnswersEndInOneClearError()
    {
        QFETCH(QByteArray, answer);
        QFETCH(ca::ApiError::Kind, kind);
        QFETCH(QString, text);
        ScriptedServer server;
        QVERIFY(server.listen());
        server.closeAfterAnswer = true;
        server.answer = [answer](const QByteArray&) {
            return answer.isEmpty() ? QByteArray("<close>") : answer;
        };
        ca::HttpClient* client = pooledClient(this);
        ca::HttpRequest request = get(server.url());
        request.method = "POST"; // sent once: no retry hides the error
        request.body = "{}";
        ca::HttpOptions options;
        options.maxResponseBytes = 1024;
        const ca::HttpResponse r = fetch(client, request, options);
        QCOMPARE(r.error.kind, kind);
        QVERIFY2(r.error.message.contains(text), qPrintable(r.error.message));
        QCOMPARE(server.requests, 1);
        delete client;
    }

    void keepAliveConnectionIsReused()
    {
        ScriptedServer server;
        QVERIFY(server.listen());
        server.answer = [](const QByteArray&) {
            return QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        };
        ca::HttpClient* client = pooledClient(this);
        for (int i = 0; i < 10; ++i) {
            const ca::HttpResponse r = fetch(client, get(server.url()));
            QVERIFY2(r.isSuccess(), qPrintable(r.error.message));
        }
        QCOMPARE(server.requests, 10);
        QCOMPARE(server.connections, 1);
        delete client;
    }

    void idleConnectionClosedByTheServerIsReplaced()
    {
        ScriptedServer server;
        QVERIFY(server.listen());
        server.closeAfterAnswer = true; // but says nothing about it in the answer
        server.answer = [](const QByteArray&) {
            return QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        };
        ca::HttpClient* client = pooledClient(this);
        for (int i = 0; i < 3; ++i) {
            const ca::HttpResponse r = fetch(client, get(server.url()));
            QVERIFY2(r.isSuccess(), qPrintable(r.error.message));
            QTest::qWait(20); // the close arrives while the connection is idle
        }
        QCOMPARE(server.connections, 3);
        delete client;
    }

    void concurrencyIsCappedPerHost()
    {
        ScriptedServer server;
        QVERIFY(server.listen());
        // Hold every answer until 32 requests wait, then answer them all.
        server.answer = [](const QByteArray&) { return QByteArray(); };
        ca::HttpClient* client = pooledClient(this);
        QList<QSignalSpy*> spies;
        for (int i = 0; i < 64; ++i) {
            ca::HttpRequest request = get(server.url(QStringLiteral("/r%1").arg(i)));
            request.method = "POST";
            request.body = QByteArray::number(i);
            spies.append(new QSignalSpy(client->send(request), &ca::HttpJob::finished));
        }
        QTRY_COMPARE(server.requests, 32);
        QTest::qWait(100);
        QCOMPARE(server.requests, 32); // no 33rd before one is answered
        QCOMPARE(server.connections, 32);
        server.answer = [](const QByteArray&) {
            return QByteArray("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}");
        };
        for (const auto& s : std::as_const(server.held))
            s->write("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}");
        for (QSignalSpy* spy : spies)
            QTRY_COMPARE(spy->count(), 1);
        for (QSignalSpy* spy : spies) {
            QCOMPARE(spy->first().first().value<ca::HttpResponse>().status, 202);
            delete spy;
        }
        QCOMPARE(server.requests, 64);
        QCOMPARE(server.connections, 32); // the second 32 went over the same connections
        QCOMPARE(server.peakOpen, 32);
        // Bodies went with their own requests.
        QSet<QByteArray> bodies;
        for (const QByteArray& r : std::as_const(server.received))
            bodies.insert(r.mid(r.indexOf("\r\n\r\n") + 4));
        QCOMPARE(bodies.size(), 64);
        delete client;
    }

    void headerWithALineBreakIsNeverSent()
    {
        ScriptedServer server;
        QVERIFY(server.listen());
        ca::HttpClient* client = pooledClient(this);
        ca::HttpRequest request = get(server.url());
        request.headers.append({QByteArray("X-Name"), QByteArray("value\r\nX-Injected: 1")});
        const ca::HttpResponse r = fetch(client, request);
        QCOMPARE(r.error.kind, ca::ApiError::Kind::Network);
        QVERIFY2(r.error.message.contains(QStringLiteral("line break")),
                 qPrintable(r.error.message));
        QTest::qWait(50);
        QCOMPARE(server.connections, 0);
        delete client;
    }

    void abortedRequestDoesNotLeakIntoTheNext()
    {
        ScriptedServer server;
        QVERIFY(server.listen());
        server.answer = [](const QByteArray& request) {
            if (request.startsWith("GET /slow"))
                return QByteArray(); // never answered
            return QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfast");
        };
        ca::HttpClient* client = pooledClient(this);
        ca::HttpJob* slow = client->send(get(server.url(QStringLiteral("/slow"))));
        QSignalSpy slowSpy(slow, &ca::HttpJob::finished);
        QTRY_COMPARE(server.requests, 1);
        slow->abort();
        QTRY_COMPARE(slowSpy.count(), 1);
        QCOMPARE(slowSpy.first().first().value<ca::HttpResponse>().error.kind,
                 ca::ApiError::Kind::Canceled);
        // The aborted request's connection is not reused: a late answer there cannot be taken
        // for the next request's.
        const ca::HttpResponse r = fetch(client, get(server.url(QStringLiteral("/fast"))));
        QCOMPARE(r.body, QByteArray("fast"));
        QCOMPARE(server.connections, 2);
        delete client;
    }

    void transferTimeoutEndsAHungRequest()
    {
        ScriptedServer server;
        QVERIFY(server.listen());
        server.answer = [](const QByteArray&) { return QByteArray(); };
        ca::HttpClient* client = pooledClient(this);
        ca::HttpOptions options;
        options.transferTimeoutMs = 300;
        options.maxAttempts = 1;
        QElapsedTimer clock;
        clock.start();
        const ca::HttpResponse r = fetch(client, get(server.url()), options);
        QCOMPARE(r.error.kind, ca::ApiError::Kind::Timeout);
        QVERIFY2(clock.elapsed() >= 290 && clock.elapsed() < 2000,
                 qPrintable(QString::number(clock.elapsed())));
        delete client;
    }

    void untrustedCertificateIsRefused()
    {
        if (!QSslSocket::supportsSsl())
            QFAIL("Qt has no TLS backend here");
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        QVERIFY2(!openssl.isEmpty(),
                 "openssl is needed to make a test certificate (scripts/deps.txt)");
        QTemporaryDir dir;
        QProcess make;
        make.start(openssl,
                   {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                    QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                    QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                    QStringLiteral("-keyout"), dir.filePath(QStringLiteral("key.pem")),
                    QStringLiteral("-out"), dir.filePath(QStringLiteral("cert.pem"))});
        QVERIFY(make.waitForFinished(30000));
        QCOMPARE(make.exitCode(), 0);
        QFile certFile(dir.filePath(QStringLiteral("cert.pem")));
        QFile keyFile(dir.filePath(QStringLiteral("key.pem")));
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(QSslCertificate(&certFile, QSsl::Pem));
        config.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa, QSsl::Pem));
        QSslServer server;
        server.setSslConfiguration(config);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        int requests = 0;
        connect(&server, &QSslServer::pendingConnectionAvailable, this, [&] {
            while (QTcpSocket* s = server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [&requests, s] {
                    s->readAll();
                    ++requests;
                    s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                });
            }
        });
        ca::HttpClient* client = pooledClient(this);
        ca::HttpRequest request =
            get(QUrl(QStringLiteral("https://localhost:%1/x").arg(server.serverPort())));
        request.method = "POST";
        request.body = "{}";
        request.headers.append({QByteArray("Authorization"), QByteArray("Bearer must-not-leave")});
        const ca::HttpResponse r = fetch(client, request);
        QCOMPARE(r.error.kind, ca::ApiError::Kind::Tls);
        QVERIFY2(r.error.message.contains(QStringLiteral("secure connection to localhost failed")),
                 qPrintable(r.error.message));
        QCOMPARE(requests, 0); // nothing, credentials above all, went over the untrusted link
        delete client;
    }
};

QTEST_GUILESS_MAIN(TestHttp1Pool)
#include "tst_http1_pool.moc"
