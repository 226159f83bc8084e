#include "NetworkTestSupport.h"
#include "TestHttp.h"

#include "HttpClient.h"
#include "TimbalService.h"

#include <QFile>

// The request layer under the sandbox's injected faults: every fault ends in one clear error (or a
// successful retry), never a crash, a hang or a second POST.
class TestNetworkFaults : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    ca::HttpClient* m_http = nullptr;

    ca::ConnectorService* service(ca::Vendor vendor, const ca::HttpOptions& options = {})
    {
        auto* s = ca::createConnectorService(nettest::profileFor(m_sandbox, vendor), m_http, this);
        ca::HttpOptions o = options;
        o.initialBackoffMs = 50; // keep the suite quick; the backoff shape is not under test here
        s->setHttpOptions(o);
        return s;
    }

    static qint64 peakRssKiB()
    {
        QFile f(QStringLiteral("/proc/self/status"));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray& line : f.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').first().toLongLong();
        }
        return -1;
    }

    QString firstTimbalId(std::function<bool(const QJsonObject&)> accept)
    {
        for (const QJsonValue& v : nettest::stateOf(m_sandbox, QStringLiteral("timbal"))) {
            if (accept(v.toObject()))
                return v.toObject().value(QLatin1String("id")).toString();
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_http = nettest::newHttpClient(this);
    }
    void init() { QVERIFY(nettest::resetSandbox(m_sandbox)); }
    void cleanup() { nettest::setFaults(m_sandbox, {}); }

    void faultEndsInItsErrorKind_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<ca::ApiError::Kind>("kind");
        QTest::addColumn<QString>("text");
        QTest::newRow("hang") << "databar:hang" << ca::ApiError::Kind::Timeout
                              << "timed out after 1 s";
        QTest::newRow("reset") << "databar:reset" << ca::ApiError::Kind::Truncated << "cut off";
        QTest::newRow("malformed")
            << "databar:malformed" << ca::ApiError::Kind::Malformed
            << "the server answered with a web page instead of JSON (status 200)";
        QTest::newRow("truncated")
            << "databar:truncated" << ca::ApiError::Kind::Truncated << "cut off";
        QTest::newRow("oversized") << "databar:oversized=200000000" << ca::ApiError::Kind::TooLarge
                                   << "response larger than 16 MiB";
        QTest::newRow("500") << "databar:status=500" << ca::ApiError::Kind::Server
                             << "server failed (HTTP 500)";
        QTest::newRow("503 every time")
            << "databar:status=503" << ca::ApiError::Kind::Server << "HTTP 503";
    }
    void faultEndsInItsErrorKind()
    {
        QFETCH(QString, fault);
        QFETCH(ca::ApiError::Kind, kind);
        QFETCH(QString, text);
        QVERIFY(nettest::setFaults(m_sandbox, {fault}));
        ca::HttpOptions options;
        options.transferTimeoutMs = 1000;
        const qint64 peakBefore = peakRssKiB();
        ca::ConnectorListJob* job = service(ca::Vendor::Databar, options)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QCOMPARE(result.error.kind, kind);
        QVERIFY2(result.error.message.contains(text), qPrintable(result.error.message));
        QVERIFY2(!result.error.message.contains(QStringLiteral("canceled"), Qt::CaseInsensitive),
                 qPrintable(result.error.message));
        QVERIFY(result.error.message.startsWith(QStringLiteral("Databar")));
        // A 200 MB body is refused, not read: the process's peak memory barely moves.
        if (kind == ca::ApiError::Kind::TooLarge)
            QVERIFY2(peakRssKiB() - peakBefore < 64 * 1024,
                     qPrintable(QString::number(peakRssKiB() - peakBefore)));
    }

    void transientFaultRetriedThenSucceeds_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::newRow("503 once") << "databar:status=503#1";
        QTest::newRow("502 once") << "databar:status=502#1";
        QTest::newRow("reset once") << "databar:reset#1";
        QTest::newRow("truncated once") << "databar:truncated#1";
    }
    void transientFaultRetriedThenSucceeds()
    {
        QFETCH(QString, fault);
        QVERIFY(nettest::setFaults(m_sandbox, {fault}));
        ca::ConnectorListJob* job = service(ca::Vendor::Databar)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.connectors.size(), 25);
        // Our retry makes it 2. Qt's QNetworkAccessManager may itself re-send an idempotent GET
        // once when a reused keep-alive connection drops mid-answer (seen with "reset" under load):
        // 3 is legitimate for a GET; the POST-once guarantees are tested separately.
        const qsizetype sent = nettest::requestsTo(m_sandbox, QStringLiteral("databar")).size();
        QVERIFY2(sent == 2 || (sent == 3 && fault.contains(QLatin1String("reset"))),
                 qPrintable(QString::number(sent)));
    }

    void retryAfterHonoured()
    {
        QVERIFY(nettest::setFaults(m_sandbox, {QStringLiteral("aisquared:retry-after=2#1")}));
        ca::ConnectorListJob* job = service(ca::Vendor::AiSquared)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QList<QJsonObject> log = nettest::requestsTo(m_sandbox, QStringLiteral("aisquared"));
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).value(QLatin1String("status")).toInt(), 429);
        const qint64 firstAnswered = log.at(0).value(QLatin1String("answeredMs")).toInteger();
        const qint64 retryReceived = log.at(1).value(QLatin1String("receivedMs")).toInteger();
        QVERIFY2(retryReceived >= firstAnswered + 2000 - 50,
                 qPrintable(QStringLiteral("retry at %1 ms, 429 answered at %2 ms")
                                .arg(retryReceived)
                                .arg(firstAnswered)));
    }

    void retryAfterBeyondCapFailsWithWhenToRetry()
    {
        QVERIFY(nettest::setFaults(m_sandbox, {QStringLiteral("b3os:retry-after=120")}));
        ca::ConnectorListJob* job = service(ca::Vendor::B3os)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::RateLimited);
        QVERIFY2(result.error.message.contains(QStringLiteral("wait 120 s")),
                 qPrintable(result.error.message));
        QVERIFY2(result.error.hint.startsWith(QStringLiteral("Try again after")),
                 qPrintable(result.error.hint));
        QCOMPARE(nettest::requestsTo(m_sandbox, QStringLiteral("b3os")).size(), 1);
    }

    // Retry-After as an HTTP date is the server's clock: measured from the answer's Date, a
    // server hours ahead or behind the local clock still means "in 2 s"; a date already past
    // means now; one years ahead is refused with when to retry, never waited for.
    void retryAtIsMeasuredOnTheServersClock_data()
    {
        QTest::addColumn<qint64>("skewSeconds");
        QTest::addColumn<qint64>("retryAtSeconds");
        QTest::addColumn<qint64>("minWaitMs");
        QTest::addColumn<qint64>("maxWaitMs");
        QTest::newRow("same clock, in 2 s") << 0LL << 2LL << 1000LL << 4500LL;
        QTest::newRow("server 2 h ahead, in 2 s") << 7200LL << 2LL << 1000LL << 4500LL;
        QTest::newRow("server 3 years behind, in 2 s")
            << -3LL * 365 * 24 * 3600 << 2LL << 1000LL << 4500LL;
        QTest::newRow("a date 1 h past") << 0LL << -3600LL << 0LL << 900LL;
    }
    void retryAtIsMeasuredOnTheServersClock()
    {
        QFETCH(qint64, skewSeconds);
        QFETCH(qint64, retryAtSeconds);
        QFETCH(qint64, minWaitMs);
        QFETCH(qint64, maxWaitMs);
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   QJsonObject{{QStringLiteral("clockSkewSeconds"), skewSeconds}}));
        QVERIFY(nettest::setFaults(m_sandbox,
                                   {QStringLiteral("databar:retry-at=%1#1").arg(retryAtSeconds)}));
        ca::ConnectorListJob* job = service(ca::Vendor::Databar)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QList<QJsonObject> log = nettest::requestsTo(m_sandbox, QStringLiteral("databar"));
        QCOMPARE(log.size(), 2);
        QCOMPARE(log.at(0).value(QLatin1String("status")).toInt(), 429);
        const qint64 waited = log.at(1).value(QLatin1String("receivedMs")).toInteger() -
                              log.at(0).value(QLatin1String("answeredMs")).toInteger();
        QVERIFY2(waited >= minWaitMs && waited <= maxWaitMs,
                 qPrintable(QStringLiteral("retried after %1 ms").arg(waited)));
    }

    void retryAtYearsAheadIsRefusedNotAwaited()
    {
        QVERIFY(nettest::setFaults(
            m_sandbox, {QStringLiteral("b3os:retry-at=%1").arg(3LL * 365 * 24 * 3600)}));
        ca::ConnectorListJob* job = service(ca::Vendor::B3os)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::RateLimited);
        QVERIFY2(result.error.hint.startsWith(QStringLiteral("Try again after")),
                 qPrintable(result.error.hint));
        QCOMPARE(nettest::requestsTo(m_sandbox, QStringLiteral("b3os")).size(), 1);
    }

    void rateLimitStillFailingAfterRetriesIsExplained()
    {
        QVERIFY(nettest::setFaults(m_sandbox, {QStringLiteral("bigdata:retry-after=0")}));
        ca::ConnectorListJob* job = service(ca::Vendor::Bigdata)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::RateLimited);
        QCOMPARE(result.error.httpStatus, 429);
        QCOMPARE(nettest::requestsTo(m_sandbox, QStringLiteral("bigdata")).size(),
                 3); // capped at 3 tries
    }

    void timbalPostNeverSentTwice_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<ca::ApiError::Kind>("kind");
        QTest::addColumn<bool>("answerLost");
        QTest::newRow("503") << "timbal:status=503" << ca::ApiError::Kind::Server << false;
        QTest::newRow("reset") << "timbal:reset" << ca::ApiError::Kind::Truncated << true;
        QTest::newRow("hang") << "timbal:hang" << ca::ApiError::Kind::Timeout << true;
        QTest::newRow("429") << "timbal:retry-after=1" << ca::ApiError::Kind::RateLimited << false;
    }
    void timbalPostNeverSentTwice()
    {
        QFETCH(QString, fault);
        QFETCH(ca::ApiError::Kind, kind);
        QFETCH(bool, answerLost);
        const QString id = firstTimbalId([](const QJsonObject& o) {
            return o.value(QLatin1String("online")).toBool() &&
                   o.value(QLatin1String("version")).toString() != QLatin1String("0.0.9") &&
                   o.value(QLatin1String("version")).toString() != QLatin1String("0.1.4");
        });
        QVERIFY(!id.isEmpty());
        QVERIFY(nettest::setFaults(
            m_sandbox, {QJsonObject{{QStringLiteral("spec"), fault},
                                    {QStringLiteral("method"), QStringLiteral("POST")}}}));
        ca::HttpOptions options;
        options.transferTimeoutMs = 1000;
        auto* s = qobject_cast<ca::TimbalService*>(service(ca::Vendor::Timbal, options));
        ca::TimbalSoftwareUpdateJob* job = s->triggerSoftwareUpdate(id);
        CA_AWAIT(job, ca::SoftwareUpdateResult, result);
        QCOMPARE(result.error.kind, kind);
        QCOMPARE(result.answerLost, answerLost);
        QCOMPARE(
            nettest::requestsTo(m_sandbox, QStringLiteral("timbal"), QStringLiteral("POST")).size(),
            1);
        if (answerLost) {
            // The handler ran (the sandbox counted the dispatch), the connector was read again
            // instead of posting twice, and Timbal shows no pending state: only the reported
            // version can tell, and the hint says so.
            QVERIFY(result.stateAfter.has_value());
            QCOMPARE(result.stateAfter->id, id);
            QCOMPARE(nettest::sandboxFacts(m_sandbox, QStringLiteral("timbal"), id)
                         .value(QLatin1String("dispatches"))
                         .toInt(-1),
                     1);
            QVERIFY2(result.error.hint.contains(QStringLiteral("only a change of that version")),
                     qPrintable(result.error.hint));
        }
    }

    void putIsRetriedOnTransientFault()
    {
        const QJsonObject stored =
            nettest::stateOf(m_sandbox, QStringLiteral("databar")).first().toObject();
        auto* s = service(ca::Vendor::Databar);
        ca::ConnectorJob* get =
            s->get(QString::number(stored.value(QLatin1String("id")).toInteger()));
        CA_AWAIT(get, ca::ConnectorResult, fresh);
        QVERIFY(fresh.ok());
        QVERIFY(nettest::setFaults(
            m_sandbox,
            {QJsonObject{{QStringLiteral("spec"), QStringLiteral("databar:status=503#1")},
                         {QStringLiteral("method"), QStringLiteral("PUT")}}}));
        QJsonObject edited = fresh.connector.editable;
        edited.insert(QStringLiteral("name"), QStringLiteral("after a 503"));
        ca::ConnectorUpdateJob* job = s->update(fresh.connector, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(
            nettest::requestsTo(m_sandbox, QStringLiteral("databar"), QStringLiteral("PUT")).size(),
            2);
    }

    void abortEndsWithCanceledOnce()
    {
        QVERIFY(nettest::setFaults(m_sandbox, {QStringLiteral("databar:hang")}));
        ca::ConnectorListJob* job = service(ca::Vendor::Databar)->list();
        QSignalSpy spy(job, &ca::ConnectorListJob::finished);
        QTRY_COMPARE(nettest::requestsTo(m_sandbox, QStringLiteral("databar")).size(), 1);
        job->abort();
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(spy.first().first().value<ca::ConnectorListResult>().error.kind,
                 ca::ApiError::Kind::Canceled);
    }
};

QTEST_GUILESS_MAIN(TestNetworkFaults)
#include "tst_network_faults.moc"
