#include "ContractFacts.h"
#include "SandboxProcess.h"
#include "TestHttp.h"
#include "VendorContract.h"

#include <QTcpSocket>
#include <QtTest>

using namespace contract;

// Fault injection as a client sees it (docs/sandbox.md "Fault injection"): each kind, the
// grammar (#COUNT, @RATE, filters, bad specs), and where faults never apply. Assertions are on
// what arrives (or does not) and on the request log, never on wall-clock time.
class TestSandboxContractFaults : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    const QString kDatabar = QStringLiteral("databar");

    QString m_databarId; // read once before any fault is set: a list call would consume #COUNT

    QString databarId() const { return m_databarId; }
    QUrl databarItemUrl() const { return m_sandbox.url(itemPath(kDatabar, databarId())); }

    TestResponse getDatabarItem(int timeoutMs = 10000) const
    {
        return TestHttp::get(databarItemUrl(), authHeaders(kDatabar), timeoutMs);
    }

    TestResponse setFaults(const QJsonArray& faults) const
    {
        return TestHttp::sendJson("POST", m_sandbox.url(QStringLiteral("/_sandbox/faults")), {},
                                  QJsonObject{{QStringLiteral("faults"), faults}});
    }

    void setFault(const QString& spec) const
    {
        const TestResponse r = setFaults({spec});
        QVERIFY2(r.status >= 200 && r.status < 300, r.body.constData());
    }

    QJsonArray logEntries() const
    {
        return TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/requests")))
            .value(QLatin1String("requests"))
            .toArray();
    }

    // The last logged request to a vendor.
    QJsonObject lastVendorEntry() const
    {
        const QJsonArray log = logEntries();
        for (qsizetype i = log.size() - 1; i >= 0; --i) {
            if (!log.at(i).toObject().value(QLatin1String("vendor")).toString().isEmpty())
                return log.at(i).toObject();
        }
        return {};
    }

    static bool faultNoted(const QJsonValue& v)
    {
        return !(v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty()) ||
                 (v.isBool() && !v.toBool()));
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        const QJsonArray items = listAll(m_sandbox, kDatabar);
        QVERIFY(!items.isEmpty());
        m_databarId = idOf(kDatabar, items.first().toObject());
    }
    void init() { QVERIFY(reset(m_sandbox)); }

    void faultFromCommandLineAppliesThenExpires()
    {
        SandboxProcess sb({QStringLiteral("--fault"), QStringLiteral("bigdata:status=503#1")});
        QVERIFY2(sb.start(), qPrintable(sb.errorString()));
        QCOMPARE(
            call(sb, QStringLiteral("timbal"), "GET", listPath(QStringLiteral("timbal"))).status,
            200);
        const TestResponse first =
            call(sb, QStringLiteral("bigdata"), "GET", listPath(QStringLiteral("bigdata")));
        QCOMPARE(first.status, 503);
        QCOMPARE(first.object().value(QLatin1String("statusCode")).toInt(), 503); // bigdata's body
        QCOMPARE(
            call(sb, QStringLiteral("bigdata"), "GET", listPath(QStringLiteral("bigdata"))).status,
            200);
    }

    void latencyAnswersNormallyButLater()
    {
        const TestResponse normal = getDatabarItem();
        setFault(QStringLiteral("databar:latency=300"));
        QVERIFY(TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                    .status < 300);
        const TestResponse r = getDatabarItem();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, normal.body);
        const QJsonObject entry = lastVendorEntry();
        QVERIFY(!entry.isEmpty());
        const qint64 took = qint64(entry.value(QLatin1String("answeredMs")).toDouble()) -
                            qint64(entry.value(QLatin1String("receivedMs")).toDouble());
        QVERIFY2(took >= 300, qPrintable(QString::number(took)));
        QVERIFY(faultNoted(entry.value(QLatin1String("fault"))));
    }

    void statusAnswersWithoutRunningHandler()
    {
        const QString v = QStringLiteral("b3os");
        const QString id = idOf(v, listAll(m_sandbox, v).first().toObject());
        setFault(QStringLiteral("b3os:status=503"));
        const QByteArray before = stateBytes(m_sandbox);
        const TestResponse r =
            call(m_sandbox, v, "PUT", itemPath(v, id),
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("never stored")}});
        QCOMPARE(r.status, 503);
        QCOMPARE(r.object().value(QLatin1String("success")).toBool(true), false); // b3os's body
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        QVERIFY2(stateBytes(m_sandbox) == before, "status fault ran the handler");
    }

    // status=CODE, retry-after=S and html=CODE answer in place of the handler: in the vendor's
    // own error shape (html: a firewall's page), and nothing is written.
    void injectedAnswerIsVendorShaped_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<bool>("write");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        QTest::addColumn<QString>("headers");
        auto row = [](const char* name, const char* spec, const char* vendor, bool write,
                      int status, const QString& expect, const QString& headers = {}) {
            QTest::newRow(name) << QString::fromLatin1(spec) << QString::fromLatin1(vendor) << write
                                << status << expect << headers;
        };
        const QString json = QStringLiteral("Content-Type~application/json");
        row("timbal status=402 is ErrorMessage REQUEST_FAILED (timbal errors.mdx 402; "
            "openapi.json ErrorMessage)",
            "timbal:status=402", "timbal", true, 402, "code=\"REQUEST_FAILED\" ; message:string",
            json);
        row("timbal status=503 is ErrorMessage (timbal openapi.json ErrorMessage)",
            "timbal:status=503", "timbal", false, 503,
            "code=\"SERVICE_UNAVAILABLE\" ; message:string", json);
        row("timbal retry-after=2 is 429 with Retry-After, RateLimit-* and X-RateLimit-* (timbal "
            "errors.mdx Rate limiting)",
            "timbal:retry-after=2", "timbal", true, 429,
            "code=\"TOO_MANY_REQUESTS\" ; message:string",
            "Retry-After=2 ; RateLimit-Remaining=0 ; RateLimit-Reset=2 ; RateLimit-Limit? ; "
            "X-RateLimit-Remaining=0 ; X-RateLimit-Reset=2 ; X-RateLimit-Limit?");
        row("aisquared status=404 is render_error (multiwoven application_controller.rb "
            "render_error)",
            "aisquared:status=404", "aisquared", false, 404,
            "errors/0/status=404 ; errors/0/title=\"Error\" ; errors/0/detail:string", json);
        row("aisquared status=400 is render_bad_request_error (multiwoven exception_handler.rb)",
            "aisquared:status=400", "aisquared", true, 400,
            "errors/0/status=400 ; errors/0/title=\"Bad Request\" ; "
            "errors/0/source/pointer=\"/request/payload\"");
        row("aisquared status=500 is Rails' public error JSON (docs/sandbox.md aisquared)",
            "aisquared:status=500", "aisquared", false, 500, "status=500 ; error:string");
        row("aisquared retry-after=3 is rack-attack's {error} (multiwoven rack_attack.rb "
            "throttled_response)",
            "aisquared:retry-after=3", "aisquared", true, 429,
            "error=\"Too many requests. Please try again later.\"", "Retry-After=3");
        row("b3os status=409 is a conflict in b3os's error body (b3os client.ts friendlyHint "
            "409)",
            "b3os:status=409", "b3os", true, 409,
            "success=false ; error/code=\"CONFLICT\" ; error/message=\"another update may "
            "have occurred; retry with the latest version\" ; requestId:string",
            "X-Request-Id?");
        row("b3os status=401 is the envelope with message (docs.b3os.org; docs/sandbox.md b3os)",
            "b3os:status=401", "b3os", false, 401, "code=401 ; message:string ; requestId:string",
            "X-Request-Id?");
        row("b3os retry-after=1 is 429 in b3os's error body (b3os client.ts friendlyHint 429)",
            "b3os:retry-after=1", "b3os", false, 429,
            "success=false ; error/code=\"RATE_LIMITED\" ; requestId:string", "Retry-After=1");
        row("databar status=503 is a plain-string detail (FastAPI HTTPException; databar-python "
            "client.py)",
            "databar:status=503", "databar", true, 503, "detail:string", json);
        row("databar status=422 is a detail list with loc/msg/type (databar seed "
            "HTTPValidationError)",
            "databar:status=422", "databar", true, 422,
            "detail/0/loc:array ; detail/0/msg:string ; detail/0/type:string");
        row("databar retry-after=4 is 429 with Retry-After (databar-python client.py 429)",
            "databar:retry-after=4", "databar", false, 429, "detail:string", "Retry-After=4");
        row("bigdata status=503 is {statusCode, message, errorCode, requestId} (VERIFIED.md "
            "bigdata)",
            "bigdata:status=503", "bigdata", true, 503,
            "statusCode=503 ; message:string ; errorCode:string ; requestId:string",
            "x-amzn-RequestId?");
        row("bigdata status=502 is the gateway's {message} (docs/sandbox.md bigdata)",
            "bigdata:status=502", "bigdata", false, 502,
            "message=\"Internal server error\" ; statusCode:missing");
        row("bigdata retry-after=5 is the gateway's 429 Too Many Requests (docs/sandbox.md "
            "bigdata)",
            "bigdata:retry-after=5", "bigdata", false, 429, "message=\"Too Many Requests\"",
            "Retry-After=5");
        for (const char* v : {"timbal", "aisquared", "b3os", "databar", "bigdata"}) {
            const QByteArray name = QByteArray(v) +
                                    " html=403 is a text/html firewall page, the handler does "
                                    "not run (docs/sandbox.md html fault)";
            const QByteArray spec = QByteArray(v) + ":html=403";
            row(name.constData(), spec.constData(), v, true, 403,
                "nojson ; ~<html ; ~<title>403 Forbidden</title> ; ~Request blocked",
                "Content-Type~text/html");
        }
        row("html=502 is a gateway page with that status (docs/sandbox.md html fault)",
            "databar:html=502", "databar", false, 502,
            "nojson ; ~<title>502 Bad Gateway</title> ; ~Request blocked",
            "Content-Type~text/html");
    }
    void injectedAnswerIsVendorShaped()
    {
        QFETCH(QString, spec);
        QFETCH(QString, vendor);
        QFETCH(bool, write);
        QFETCH(int, status);
        QFETCH(QString, expect);
        QFETCH(QString, headers);
        const QString id = stateId(m_sandbox, vendor, [vendor](const QJsonObject& c) {
            // timbal: one the update would really dispatch to, so that "nothing ran" means it.
            return vendor != QLatin1String("timbal") ||
                   (c.value(QLatin1String("_sandbox"))
                        .toObject()
                        .value(QLatin1String("reachable"))
                        .toBool() &&
                    c.value(QLatin1String("version")).toString() > QLatin1String("0.1.0"));
        });
        QVERIFY(!id.isEmpty());
        setFault(spec);
        const QByteArray before = stateBytes(m_sandbox);
        const TestResponse r = write ? call(m_sandbox, vendor, writeMethod(vendor),
                                            writePath(vendor, id), minimalWriteBody(vendor))
                                     : call(m_sandbox, vendor, "GET", itemPath(vendor, id));
        QCOMPARE(r.status, status);
        const QString e = expectationError(r.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        const QString he = headerError(r, headers);
        QVERIFY2(he.isEmpty(), qPrintable(he));
        QVERIFY2(stateBytes(m_sandbox) == before, "the handler ran under an answering fault");
        // Without the fault the same request is answered by the handler.
        QVERIFY(setFaults({}).status < 300);
        const TestResponse normal = write ? call(m_sandbox, vendor, writeMethod(vendor),
                                                 writePath(vendor, id), minimalWriteBody(vendor))
                                          : call(m_sandbox, vendor, "GET", itemPath(vendor, id));
        QVERIFY2(normal.status == 200 || normal.status == 202, normal.body.constData());
        if (write)
            QVERIFY(stateBytes(m_sandbox) != before);
    }

    void retryAfterIs429WithHeader()
    {
        setFault(QStringLiteral("databar:retry-after=2"));
        const TestResponse r = getDatabarItem();
        QCOMPARE(r.status, 429);
        QCOMPARE(r.header("Retry-After"), QByteArray("2"));
    }

    void hangNeverAnswersButHandlerRan()
    {
        const QString v = QStringLiteral("b3os");
        const QString id = idOf(v, listAll(m_sandbox, v).first().toObject());
        setFault(QStringLiteral("b3os:hang"));
        const TestResponse r =
            call(m_sandbox, v, "PUT", itemPath(v, id),
                 QJsonObject{{QStringLiteral("name"), QStringLiteral("written, answer lost")}},
                 kKey, 700);
        QVERIFY2(!r.finished, "a hung request was answered");
        QCOMPARE(r.status, 0);
        QVERIFY(r.body.isEmpty());
        QCOMPARE(findKey(stateEntry(m_sandbox, v, id), QStringLiteral("name")).toString(),
                 QStringLiteral("written, answer lost"));
    }

    void resetGivesNetworkError()
    {
        const TestResponse normal = getDatabarItem();
        setFault(QStringLiteral("databar:reset"));
        const TestResponse r = getDatabarItem(5000);
        QVERIFY2(r.finished, "reset should end the request, not hang it");
        // Qt 6.4 reports an RST that arrives mid-body either as an error or, depending on timing,
        // as a finished reply with fewer bytes than announced. Either way the answer is cut short.
        const qint64 announced = r.header("Content-Length").toLongLong();
        QVERIFY2(r.error != QNetworkReply::NoError || (announced > 0 && r.body.size() < announced),
                 qPrintable(QStringLiteral("status %1, error %2, %3 of %4 bytes")
                                .arg(r.status)
                                .arg(int(r.error))
                                .arg(r.body.size())
                                .arg(announced)));
        QVERIFY(r.body != normal.body);
    }

    void malformedIs200WithNonJsonBody()
    {
        setFault(QStringLiteral("databar:malformed"));
        const TestResponse r = getDatabarItem();
        QCOMPARE(r.status, 200);
        QVERIFY(!r.body.isEmpty());
        QJsonParseError err{};
        QJsonDocument::fromJson(r.body, &err);
        QVERIFY2(err.error != QJsonParseError::NoError, r.body.constData());
    }

    void truncatedBodyIsShortOrAnError()
    {
        setFault(QStringLiteral("databar:truncated"));
        const TestResponse r = getDatabarItem(5000);
        QVERIFY(r.finished);
        const qint64 announced = r.header("Content-Length").toLongLong();
        QVERIFY2(r.error != QNetworkReply::NoError || r.body.size() < announced,
                 qPrintable(QStringLiteral("error %1, %2 of %3 bytes")
                                .arg(int(r.error))
                                .arg(r.body.size())
                                .arg(announced)));
    }

    // Read the head and a little of the body over a raw socket, then hang up: 50 MB is never
    // buffered.
    void oversizedAnnouncesHugeBody()
    {
        setFault(QStringLiteral("databar:oversized=50000000"));
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), quint16(m_sandbox.baseUrl().port()));
        QVERIFY(socket.waitForConnected(5000));
        const QByteArray path = itemPath(kDatabar, databarId()).toUtf8();
        socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-apikey: " + kKey +
                     "\r\n\r\n");
        QByteArray got;
        QDeadlineTimer deadline(10000);
        qsizetype headEnd = -1;
        while (!deadline.hasExpired()) {
            if (headEnd < 0)
                headEnd = got.indexOf("\r\n\r\n");
            if (headEnd >= 0 && got.size() - (headEnd + 4) >= 65536)
                break;
            if (!socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
                break;
            got += socket.read(65536 * 2);
        }
        socket.abort();
        QVERIFY2(headEnd > 0, got.left(300).constData());
        const QByteArray head = got.left(headEnd);
        QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
        qint64 length = -1;
        for (const QByteArray& line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        QCOMPARE(length, qint64(50000000));
        const QByteArray bodyStart = got.mid(headEnd + 4).trimmed();
        QVERIFY(bodyStart.size() >= 65536 - 16);
        QVERIFY2(bodyStart.startsWith('{') || bodyStart.startsWith('['),
                 bodyStart.left(40).constData());
        // The sandbox survives the client hanging up mid-stream.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   {{QStringLiteral("faults"), QJsonArray()}}));
        QCOMPARE(getDatabarItem().status, 200);
    }

    void dripDeliversCompleteBody()
    {
        const TestResponse normal = getDatabarItem();
        QVERIFY(normal.body.size() > 0 && normal.body.size() < 4000); // keeps the drip short
        setFault(QStringLiteral("databar:drip=2000"));
        const TestResponse r = getDatabarItem();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, normal.body);
    }

    void countExpires()
    {
        setFault(QStringLiteral("databar:status=503#2"));
        QCOMPARE(getDatabarItem().status, 503);
        QCOMPARE(getDatabarItem().status, 503);
        QCOMPARE(getDatabarItem().status, 200);
        QCOMPARE(getDatabarItem().status, 200);
    }

    void rateZeroNeverApplies()
    {
        setFault(QStringLiteral("databar:status=503@0"));
        for (int i = 0; i < 10; ++i)
            QCOMPARE(getDatabarItem().status, 200);
        setFault(QStringLiteral("databar:status=503@1"));
        QCOMPARE(getDatabarItem().status, 503);
    }

    void wildcardVendorAppliesToAllButNeverToControl()
    {
        setFault(QStringLiteral("*:status=502"));
        for (const QString& v : vendorIds())
            QCOMPARE(call(m_sandbox, v, "GET", listPath(v)).status, 502);
        QCOMPARE(TestHttp::get(m_sandbox.url(QStringLiteral("/_sandbox/state"))).status, 200);
        QCOMPARE(TestHttp::get(m_sandbox.url(QStringLiteral("/_sandbox/requests"))).status, 200);
    }

    void otherVendorsUnaffected()
    {
        setFault(QStringLiteral("databar:status=503"));
        QCOMPARE(
            call(m_sandbox, QStringLiteral("bigdata"), "GET", listPath(QStringLiteral("bigdata")))
                .status,
            200);
        QCOMPARE(getDatabarItem().status, 503);
    }

    void firstMatchingFaultWins()
    {
        QVERIFY(setFaults(
                    {QStringLiteral("databar:status=503#1"), QStringLiteral("databar:status=502")})
                    .status < 300);
        QCOMPARE(getDatabarItem().status, 503);
        QCOMPARE(getDatabarItem().status, 502); // the first expired
    }

    void methodAndPathFilters()
    {
        const QString v = QStringLiteral("b3os");
        const QJsonArray items = listAll(m_sandbox, v);
        const QString target = idOf(v, items.at(0).toObject());
        const QString other = idOf(v, items.at(1).toObject());
        QVERIFY(!target.contains(other) && !other.contains(target));
        QVERIFY(setFaults({QJsonObject{{QStringLiteral("spec"), QStringLiteral("b3os:status=503")},
                                       {QStringLiteral("method"), QStringLiteral("PUT")},
                                       {QStringLiteral("path"), target}}})
                    .status < 300);
        const QJsonObject rename{{QStringLiteral("name"), QStringLiteral("x")}};
        QCOMPARE(call(m_sandbox, v, "GET", itemPath(v, target)).status, 200); // method differs
        QCOMPARE(call(m_sandbox, v, "PUT", itemPath(v, other), rename).status, 200); // path differs
        QCOMPARE(call(m_sandbox, v, "PUT", itemPath(v, target), rename).status, 503);
    }

    void emptyListClearsFaults()
    {
        setFault(QStringLiteral("databar:status=503"));
        QVERIFY(TestHttp::get(m_sandbox.url(QStringLiteral("/_sandbox/faults")))
                    .body.contains("databar:status=503"));
        QVERIFY(setFaults({}).status < 300);
        QVERIFY(!TestHttp::get(m_sandbox.url(QStringLiteral("/_sandbox/faults")))
                     .body.contains("databar"));
        QCOMPARE(getDatabarItem().status, 200);
    }

    void resetClearsFaults()
    {
        setFault(QStringLiteral("databar:status=503"));
        QVERIFY(reset(m_sandbox));
        QCOMPARE(getDatabarItem().status, 200);
    }

    void badGrammarIs400_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("unknown vendor") << QStringLiteral("nosuchvendor:status=503");
        QTest::newRow("unknown kind") << QStringLiteral("databar:explode");
        QTest::newRow("status not a number") << QStringLiteral("databar:status=abc");
        QTest::newRow("latency without ms") << QStringLiteral("databar:latency");
        QTest::newRow("rate above 1") << QStringLiteral("databar:status=503@2");
        QTest::newRow("count not a number") << QStringLiteral("databar:status=503#x");
        QTest::newRow("no kind") << QStringLiteral("databar");
        QTest::newRow("html without a code") << QStringLiteral("databar:html");
        QTest::newRow("html code out of range") << QStringLiteral("databar:html=99");
        QTest::newRow("report fault for every vendor") << QStringLiteral("*:stuck");
        QTest::newRow("report fault for another vendor") << QStringLiteral("databar:drop");
        QTest::newRow("report fault with count") << QStringLiteral("timbal:stuck#1");
        QTest::newRow("revert with a bad ms") << QStringLiteral("timbal:revert=soon");
    }
    void badGrammarIs400()
    {
        QFETCH(QString, spec);
        setFault(QStringLiteral("databar:status=503"));
        const TestResponse r = setFaults({QStringLiteral("bigdata:latency=1"), spec});
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains(spec.toUtf8()), r.body.constData());
        QCOMPARE(getDatabarItem().status, 503); // the active set is left as it was
    }

    void faultIsNotedInRequestLog()
    {
        setFault(QStringLiteral("databar:status=503#1"));
        getDatabarItem();
        const QJsonObject faulted = lastVendorEntry();
        QCOMPARE(faulted.value(QLatin1String("status")).toInt(), 503);
        QVERIFY(faultNoted(faulted.value(QLatin1String("fault"))));
        getDatabarItem();
        const QJsonObject normal = lastVendorEntry();
        QCOMPARE(normal.value(QLatin1String("status")).toInt(), 200);
        QVERIFY(!faultNoted(normal.value(QLatin1String("fault"))));
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractFaults)
#include "tst_sandbox_contract_faults.moc"
