#include "JsonExpect.h"
#include "SandboxProcess.h"
#include "TestHttp.h"
#include "VendorContract.h"

#include <QSet>
#include <QUrlQuery>
#include <QtTest>

using namespace contract;

// List/paging, get, update round trip and every documented status of each vendor's seed page,
// checked against the seed response schemas, VERIFIED.md and docs/sandbox.md. 60 connectors per
// vendor, so that paging needs several pages.
class TestSandboxContractShapes : public QObject
{
    Q_OBJECT

    static constexpr int kConnectors = 60;
    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QString::number(kConnectors)}};

    static QStringList vendorsWithPut()
    {
        return {QStringLiteral("aisquared"), QStringLiteral("b3os"), QStringLiteral("databar"),
                QStringLiteral("bigdata")};
    }

    // One connector id of the vendor satisfying `pred` (first one otherwise).
    QString pickId(const QString& vendor,
                   const std::function<bool(const QJsonObject&)>& pred = {}) const
    {
        for (const QJsonValue& v : listAll(m_sandbox, vendor)) {
            if (!pred || pred(v.toObject()))
                return idOf(vendor, v.toObject());
        }
        return {};
    }

    // Collects ids of every page; fails the test (returns false) on a broken page.
    bool walkPages(const QString& vendor, int pageSize, QStringList* ids, int* pages)
    {
        *pages = 0;
        if (vendor == QLatin1String("timbal")) {
            // Server-chosen pages (knob timbalPageSize), continued by page_token.
            if (!TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                    {{QStringLiteral("timbalPageSize"), pageSize}}))
                return false;
            QString cursor;
            do {
                QString path = listPath(vendor);
                if (!cursor.isEmpty())
                    path += QStringLiteral("?page_token=") +
                            QString::fromLatin1(QUrl::toPercentEncoding(cursor));
                const TestResponse r = call(m_sandbox, vendor, "GET", path);
                if (r.status != 200 || ++*pages > 100)
                    return false;
                const QJsonArray items = listItems(vendor, r.json());
                if (items.size() > pageSize)
                    return false;
                for (const QJsonValue& v : items)
                    ids->append(idOf(vendor, v.toObject()));
                const QJsonValue next = r.object().value(QLatin1String("next_page_token"));
                if (!next.isNull() && !next.isString())
                    return false;
                cursor = next.toString();
            } while (!cursor.isEmpty());
            return true;
        }
        if (vendor == QLatin1String("aisquared")) {
            QUrl url = m_sandbox.url(listPath(vendor) + QStringLiteral("?page=1&per_page=") +
                                     QString::number(pageSize));
            const Headers h = authHeaders(vendor);
            int page = 0;
            QString lastLink;
            while (url.isValid() && !url.isEmpty()) {
                const TestResponse r = TestHttp::get(url, h);
                if (r.status != 200 || ++*pages > 100)
                    return false;
                ++page;
                const QJsonObject links = r.object().value(QLatin1String("links")).toObject();
                for (const char* k : {"self", "first", "last"}) {
                    if (!links.value(QLatin1String(k)).isString())
                        return false;
                }
                for (const char* k : {"prev", "next"}) {
                    const QJsonValue v = links.value(QLatin1String(k));
                    if (!v.isNull() && !v.isString())
                        return false;
                }
                if ((page == 1) != links.value(QLatin1String("prev")).isNull())
                    return false;
                lastLink = links.value(QLatin1String("last")).toString();
                for (const QJsonValue& v : listItems(vendor, r.json()))
                    ids->append(idOf(vendor, v.toObject()));
                const QJsonValue next = links.value(QLatin1String("next"));
                // Absolute URLs on the sandbox: follow them as they are.
                url = next.isString() ? QUrl(next.toString()) : QUrl();
                if (url.isValid() && !url.isEmpty() && url.host() != QLatin1String("127.0.0.1"))
                    return false;
            }
            // "last" names the page we ended on.
            return QUrlQuery(QUrl(lastLink)).queryItemValue(QStringLiteral("page")) ==
                   QString::number(page);
        }
        if (vendor == QLatin1String("b3os")) {
            int offset = 0;
            for (;;) {
                const TestResponse r =
                    call(m_sandbox, vendor, "GET",
                         listPath(vendor) +
                             QStringLiteral("?limit=%1&offset=%2").arg(pageSize).arg(offset));
                if (r.status != 200 || ++*pages > 100)
                    return false;
                const QJsonObject data = r.object().value(QLatin1String("data")).toObject();
                if (data.value(QLatin1String("total")).toInt() != kConnectors ||
                    data.value(QLatin1String("limit")).toInt() != pageSize ||
                    data.value(QLatin1String("offset")).toInt() != offset)
                    return false;
                const QJsonArray items = data.value(QLatin1String("items")).toArray();
                for (const QJsonValue& v : items)
                    ids->append(idOf(vendor, v.toObject()));
                offset += pageSize;
                const bool hasMore = data.value(QLatin1String("hasMore")).toBool();
                if (hasMore != (offset < kConnectors))
                    return false;
                if (!hasMore)
                    return true;
            }
        }
        // databar and bigdata: one unpaged list.
        const TestResponse r = call(m_sandbox, vendor, "GET", listPath(vendor));
        *pages = 1;
        if (r.status != 200)
            return false;
        for (const QJsonValue& v : listItems(vendor, r.json()))
            ids->append(idOf(vendor, v.toObject()));
        return true;
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void pagingSeesEveryIdExactlyOnce_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("pages");
        QTest::newRow("timbal page_token") << QStringLiteral("timbal") << 7 << 9;
        QTest::newRow("aisquared page/per_page") << QStringLiteral("aisquared") << 7 << 9;
        QTest::newRow("b3os limit/offset") << QStringLiteral("b3os") << 7 << 9;
        QTest::newRow("databar bare array") << QStringLiteral("databar") << 0 << 1;
        QTest::newRow("bigdata results") << QStringLiteral("bigdata") << 0 << 1;
    }
    void pagingSeesEveryIdExactlyOnce()
    {
        QFETCH(QString, vendor);
        QFETCH(int, pageSize);
        QFETCH(int, pages);
        QStringList ids;
        int seenPages = 0;
        QVERIFY2(walkPages(vendor, pageSize, &ids, &seenPages),
                 qPrintable(QStringLiteral("broken page %1").arg(seenPages)));
        QCOMPARE(seenPages, pages);
        QCOMPARE(ids.size(), kConnectors);
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), kConnectors);
        QVERIFY(!ids.contains(QString()));
    }

    void defaultPageSize_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<int>("size");
        QTest::newRow("timbal 100 (all 60)") << QStringLiteral("timbal") << kConnectors;
        QTest::newRow("aisquared 10") << QStringLiteral("aisquared") << 10;
        QTest::newRow("b3os 20") << QStringLiteral("b3os") << 20;
        QTest::newRow("databar all") << QStringLiteral("databar") << kConnectors;
        QTest::newRow("bigdata all") << QStringLiteral("bigdata") << kConnectors;
    }
    void defaultPageSize()
    {
        QFETCH(QString, vendor);
        QFETCH(int, size);
        const TestResponse r = call(m_sandbox, vendor, "GET", listPath(vendor));
        QCOMPARE(r.status, 200);
        QCOMPARE(listItems(vendor, r.json()).size(), size);
    }

    void listAndGetHaveDocumentedShape_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : vendorIds())
            QTest::newRow(qPrintable(v)) << v;
    }
    void listAndGetHaveDocumentedShape()
    {
        QFETCH(QString, vendor);
        const TestResponse list = call(m_sandbox, vendor, "GET", listPath(vendor));
        QCOMPARE(list.status, 200);
        QVERIFY2(list.header("Content-Type").startsWith("application/json"),
                 list.header("Content-Type").constData());
        QVERIFY2(!list.body.contains('\n'), "JSON answers are compact");
        if (vendor == QLatin1String("b3os")) {
            const QString e = expectationError(
                list.body, QStringLiteral("code=200 ; message=\"success\" ; requestId:string ; "
                                          "data/total:int ; data/hasMore:bool"));
            QVERIFY2(e.isEmpty(), qPrintable(e));
        }
        const QJsonArray items = listItems(vendor, list.json());
        QVERIFY(!items.isEmpty());
        for (const QJsonValue& v : items) {
            const QString e = connectorShapeError(vendor, v.toObject());
            QVERIFY2(e.isEmpty(), qPrintable(e));
        }
        const QJsonObject first = items.first().toObject();
        const TestResponse one =
            call(m_sandbox, vendor, "GET", itemPath(vendor, idOf(vendor, first)));
        QCOMPARE(one.status, 200);
        QVERIFY(one.header("Content-Type").startsWith("application/json"));
        const QJsonObject c = connectorOf(vendor, one.object());
        const QString e = connectorShapeError(vendor, c);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        QCOMPARE(c, first); // the same connector, whichever way it is read
    }

    void b3osAnswersCarryUniqueRequestIds()
    {
        const TestResponse a =
            call(m_sandbox, QStringLiteral("b3os"), "GET", listPath(QStringLiteral("b3os")));
        const TestResponse b =
            call(m_sandbox, QStringLiteral("b3os"), "GET", listPath(QStringLiteral("b3os")));
        const QString ra = a.object().value(QLatin1String("requestId")).toString();
        const QString rb = b.object().value(QLatin1String("requestId")).toString();
        QVERIFY(!ra.isEmpty());
        QVERIFY(ra != rb);
        QCOMPARE(a.header("X-Request-Id"), ra.toUtf8());
    }

    // Rename (the one edit every PUT vendor has) round trip: answer, GET and stored state agree.
    void updateRoundTrip_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : vendorsWithPut())
            QTest::newRow(qPrintable(v)) << v;
    }
    void updateRoundTrip()
    {
        QFETCH(QString, vendor);
        const QString newName = QStringLiteral("Renamed by contract test");
        const QString id = pickId(vendor);
        const QJsonObject before =
            connectorOf(vendor, call(m_sandbox, vendor, "GET", itemPath(vendor, id)).object());
        QJsonObject body;
        QString nameKey = QStringLiteral("name");
        if (vendor == QLatin1String("aisquared")) {
            body = {{QStringLiteral("connector"), QJsonObject{{QStringLiteral("name"), newName}}}};
        } else if (vendor == QLatin1String("b3os")) {
            body = {{QStringLiteral("name"), newName}};
        } else if (vendor == QLatin1String("databar")) {
            body = before;
            body.remove(QStringLiteral("id"));
            body.remove(QStringLiteral("created_at"));
            body[QStringLiteral("name")] = newName;
        } else {
            nameKey = QStringLiteral("label");
            body = {
                {QStringLiteral("label"), newName},
                {QStringLiteral("description"), before.value(QLatin1String("description"))},
                {QStringLiteral("share_with_org"), before.value(QLatin1String("share_with_org"))},
                {QStringLiteral("config"),
                 before.value(QLatin1String("type")).toString() == QLatin1String("email")
                     ? before.value(QLatin1String("config"))
                     : QJsonValue(QJsonValue::Null)}};
        }
        const QByteArray stateBefore = stateBytes(m_sandbox);
        const TestResponse put = call(m_sandbox, vendor, "PUT", itemPath(vendor, id), body);
        QVERIFY2(put.status == 200, put.body.constData());
        const QJsonObject answered = connectorOf(vendor, put.object());
        QString e = connectorShapeError(vendor, answered);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        auto nameOf = [&](const QJsonObject& c) {
            return vendor == QLatin1String("aisquared")
                       ? c.value(QLatin1String("attributes")).toObject().value(nameKey).toString()
                       : c.value(nameKey).toString();
        };
        QCOMPARE(nameOf(answered), newName);
        QCOMPARE(idOf(vendor, answered), id);
        const TestResponse get = call(m_sandbox, vendor, "GET", itemPath(vendor, id));
        QCOMPARE(get.status, 200);
        QCOMPARE(connectorOf(vendor, get.object()), answered);
        QVERIFY(stateBytes(m_sandbox) != stateBefore);
        QCOMPARE(findKey(stateEntry(m_sandbox, vendor, id), nameKey).toString(), newName);
    }

    // Every documented status of the seed pages (plus sandbox.md's error shapes), data-driven.
    // {id} is a real connector id; expectations use JsonExpect.h's small grammar.
    void documentedStatus_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");    // below the vendor's list path
        QTest::addColumn<QByteArray>("body"); // raw; empty = none
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        const QString errors404 = QStringLiteral(
            "errors/0/status=404 ; errors/0/title=\"Error\" ; errors/0/detail:string");
        const QString paramMissing =
            QStringLiteral("error=\"param is missing or the value is empty: connector\"");
        const QString b3osFailure = QStringLiteral(
            "success=false ; error/message:string ; error/code:string ; requestId:string");
        const QString bigdataError =
            QStringLiteral("statusCode:int ; message:string ; errorCode:string ; requestId:string");
        QTest::newRow("aisquared 200 get")
            << QStringLiteral("aisquared") << QByteArray("GET") << QStringLiteral("/{id}")
            << QByteArray() << 200
            << QStringLiteral("data/type=\"connectors\" ; data/attributes/workspace_id=1");
        QTest::newRow("aisquared 404 get")
            << QStringLiteral("aisquared") << QByteArray("GET") << QStringLiteral("/99999999")
            << QByteArray() << 404 << errors404;
        QTest::newRow("aisquared 404 put")
            << QStringLiteral("aisquared") << QByteArray("PUT") << QStringLiteral("/99999999")
            << QByteArray("{\"connector\":{\"name\":\"x\"}}") << 404 << errors404;
        QTest::newRow("aisquared 400 connector_type")
            << QStringLiteral("aisquared") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"connector\":{\"connector_type\":\"sideways\"}}") << 400
            << QStringLiteral("errors/connector/connector_type=[\"invalid connector type\"]");
        QTest::newRow("aisquared 422 no connector")
            << QStringLiteral("aisquared") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"foo\":\"x\"}") << 422 << paramMissing;
        QTest::newRow("aisquared 422 not an object")
            << QStringLiteral("aisquared") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("[1,2]") << 422 << paramMissing;

        QTest::newRow("b3os 200 put")
            << QStringLiteral("b3os") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"description\":\"d\"}") << 200
            << QStringLiteral(
                   "code=200 ; message=\"success\" ; requestId:string ; data/description=\"d\"");
        QTest::newRow("b3os 404 get")
            << QStringLiteral("b3os") << QByteArray("GET") << QStringLiteral("/no-such-connector")
            << QByteArray() << 404 << b3osFailure;
        QTest::newRow("b3os 404 put")
            << QStringLiteral("b3os") << QByteArray("PUT") << QStringLiteral("/no-such-connector")
            << QByteArray("{\"name\":\"x\"}") << 404 << b3osFailure;
        QTest::newRow("b3os 400 name not a string")
            << QStringLiteral("b3os") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"name\":42}") << 400 << b3osFailure;
        QTest::newRow("b3os 400 data not an object")
            << QStringLiteral("b3os") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"data\":\"x\"}") << 400 << b3osFailure;
        QTest::newRow("b3os 400 not JSON")
            << QStringLiteral("b3os") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{not json") << 400 << QStringLiteral("error=\"invalid JSON body\"");

        QTest::newRow("databar 200 get")
            << QStringLiteral("databar") << QByteArray("GET") << QStringLiteral("/{id}")
            << QByteArray() << 200 << QStringLiteral("id:int ; method:string");
        QTest::newRow("databar 404")
            << QStringLiteral("databar") << QByteArray("GET") << QStringLiteral("/99999999")
            << QByteArray() << 404 << QStringLiteral("detail=\"Connector not found\"");
        QTest::newRow("databar 404 put")
            << QStringLiteral("databar") << QByteArray("PUT") << QStringLiteral("/99999999")
            << QByteArray("{\"name\":\"n\",\"method\":\"get\",\"url\":\"https://a.example/x\"}")
            << 404 << QStringLiteral("detail=\"Connector not found\"");
        QTest::newRow("databar 422 missing name")
            << QStringLiteral("databar") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"method\":\"get\",\"url\":\"https://a.example/x\"}") << 422
            << QStringLiteral("detail/0/type=\"missing\" ; detail/0/loc=[\"body\",\"name\"] ; "
                              "detail/0/msg=\"Field required\"");
        QTest::newRow("databar 422 name too long")
            << QStringLiteral("databar") << QByteArray("PUT") << QStringLiteral("/{id}")
            << (QByteArray("{\"method\":\"get\",\"url\":\"https://a.example/x\",\"name\":\"") +
                QByteArray(257, 'n') + QByteArray("\"}"))
            << 422
            << QStringLiteral(
                   "detail/0/type=\"string_too_long\" ; detail/0/loc=[\"body\",\"name\"] ; "
                   "detail/0/msg=\"String should have at most 256 characters\"");
        QTest::newRow("databar 422 rate_limit 0")
            << QStringLiteral("databar") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"name\":\"n\",\"method\":\"get\",\"url\":\"https://a.example/"
                          "x\",\"rate_limit\":0}")
            << 422
            << QStringLiteral(
                   "detail/0/type=\"greater_than_equal\" ; detail/0/loc=[\"body\",\"rate_limit\"] "
                   "; detail/0/msg=\"Input should be greater than or equal to 1\"");
        QTest::newRow("databar 422 method literal")
            << QStringLiteral("databar") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"name\":\"n\",\"method\":\"delete\",\"url\":\"https://a.example/x\"}")
            << 422
            << QStringLiteral("detail/0/type=\"literal_error\" ; "
                              "detail/0/loc=[\"body\",\"method\"] ; detail/0/msg:string");
        QTest::newRow("databar 422 type literal")
            << QStringLiteral("databar") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"name\":\"n\",\"method\":\"get\",\"url\":\"https://a.example/"
                          "x\",\"type\":\"weird\"}")
            << 422
            << QStringLiteral("detail/0/type=\"literal_error\" ; detail/0/loc=[\"body\",\"type\"]");
        QTest::newRow("databar 422 path id not int")
            << QStringLiteral("databar") << QByteArray("GET") << QStringLiteral("/abc")
            << QByteArray() << 422
            << QStringLiteral(
                   "detail/0/type=\"int_parsing\" ; detail/0/loc=[\"path\",\"connector_id\"]");

        QTest::newRow("bigdata 200 get")
            << QStringLiteral("bigdata") << QByteArray("GET") << QStringLiteral("/{id}")
            << QByteArray() << 200 << QStringLiteral("connector_id:string ; archived:bool");
        QTest::newRow("bigdata 400 malformed uuid")
            << QStringLiteral("bigdata") << QByteArray("GET") << QStringLiteral("/not-a-uuid")
            << QByteArray() << 400 << bigdataError;
        QTest::newRow("bigdata 400 malformed uuid put")
            << QStringLiteral("bigdata") << QByteArray("PUT") << QStringLiteral("/not-a-uuid")
            << QByteArray("{\"label\":\"x\"}") << 400 << bigdataError;
        QTest::newRow("bigdata 400 label missing")
            << QStringLiteral("bigdata") << QByteArray("PUT") << QStringLiteral("/{id}")
            << QByteArray("{\"description\":\"x\"}") << 400 << bigdataError;
        QTest::newRow("bigdata 404") << QStringLiteral("bigdata") << QByteArray("GET")
                                     << QStringLiteral("/00000000-0000-7000-8000-000000000000")
                                     << QByteArray() << 404 << bigdataError;
        QTest::newRow("bigdata 404 put") << QStringLiteral("bigdata") << QByteArray("PUT")
                                         << QStringLiteral("/00000000-0000-7000-8000-000000000000")
                                         << QByteArray("{\"label\":\"x\"}") << 404 << bigdataError;
    }
    void documentedStatus()
    {
        QFETCH(QString, vendor);
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, expect);
        path.replace(QStringLiteral("{id}"), pickId(vendor));
        Headers h = authHeaders(vendor);
        if (!body.isEmpty())
            h.append(qMakePair(QByteArrayLiteral("Content-Type"),
                               QByteArrayLiteral("application/json")));
        const TestResponse r =
            TestHttp::request(method, m_sandbox.url(collectionPath(vendor) + path), h, body);
        QVERIFY2(r.status == status, qPrintable(QStringLiteral("status %1, body %2")
                                                    .arg(r.status)
                                                    .arg(QString::fromUtf8(r.body.left(400)))));
        const QString e = expectationError(r.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        if (vendor == QLatin1String("b3os") &&
            r.json().object().contains(QLatin1String("requestId")))
            QCOMPARE(r.header("X-Request-Id"),
                     r.object().value(QLatin1String("requestId")).toString().toUtf8());
    }

    // The seed lists databar 400 "Validation error"; sandbox.md names no trigger for it. A body
    // that is not JSON is the one case the seed's 422 schema cannot describe (FastAPI itself would
    // answer 422 json_invalid), so 400 with {"detail": ...} is expected here.
    void databarBodyNotJsonIs400()
    {
        const QString id = pickId(QStringLiteral("databar"));
        Headers h = authHeaders(QStringLiteral("databar"));
        h.append(
            qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")));
        const TestResponse r = TestHttp::request(
            "PUT", m_sandbox.url(itemPath(QStringLiteral("databar"), id)), h, "{oops");
        QCOMPARE(r.status, 400);
        QVERIFY2(r.object().value(QLatin1String("detail")).isString(), r.body.constData());
    }

    void databarInsufficientCreditsIs406()
    {
        const QString vendor = QStringLiteral("databar");
        const QString id = pickId(vendor);
        const QJsonObject body = minimalWriteBody(vendor);
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("databarCredits"), 0}}));
        const QByteArray before = stateBytes(m_sandbox);
        const TestResponse r = call(m_sandbox, vendor, "PUT", itemPath(vendor, id), body);
        QCOMPARE(r.status, 406);
        QCOMPARE(r.object().value(QLatin1String("detail")).toString(),
                 QStringLiteral("Insufficient credits"));
        QVERIFY(stateBytes(m_sandbox) == before);
        // reset brings the command line's configuration back: credits again.
        QVERIFY(reset(m_sandbox));
        QCOMPARE(call(m_sandbox, vendor, "PUT", itemPath(vendor, id), body).status, 200);
    }

    void unknownPathGetsVendorAnswer_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        QTest::newRow("timbal") << QStringLiteral("timbal") << 404
                                << QStringLiteral("code=\"NOT_FOUND\" ; message:string");
        QTest::newRow("aisquared Rails routing")
            << QStringLiteral("aisquared") << 404 << QStringLiteral("status=404 ; error:string");
        QTest::newRow("b3os") << QStringLiteral("b3os") << 404
                              << QStringLiteral("success=false ; requestId:string");
        QTest::newRow("databar") << QStringLiteral("databar") << 404
                                 << QStringLiteral("detail:string");
        QTest::newRow("bigdata API gateway")
            << QStringLiteral("bigdata") << 403
            << QStringLiteral("message=\"Missing Authentication Token\"");
    }
    void unknownPathGetsVendorAnswer()
    {
        QFETCH(QString, vendor);
        QFETCH(int, status);
        QFETCH(QString, expect);
        const TestResponse r = call(m_sandbox, vendor, "GET",
                                    QLatin1Char('/') + vendor + QStringLiteral("/no/such/path"));
        QCOMPARE(r.status, status);
        const QString e = expectationError(r.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
    }

    void wrongMethodOnKnownPath_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<int>("status");
        QTest::newRow("timbal 405") << QStringLiteral("timbal") << 405;
        QTest::newRow("aisquared 405") << QStringLiteral("aisquared") << 405;
        QTest::newRow("b3os 405") << QStringLiteral("b3os") << 405;
        QTest::newRow("databar 405") << QStringLiteral("databar") << 405;
        // API Gateway: a method the resource does not define is "Missing Authentication Token".
        QTest::newRow("bigdata gateway 403") << QStringLiteral("bigdata") << 403;
    }
    void wrongMethodOnKnownPath()
    {
        QFETCH(QString, vendor);
        QFETCH(int, status);
        const TestResponse r = call(m_sandbox, vendor, "PATCH", listPath(vendor), QJsonObject{});
        QCOMPARE(r.status, status);
        if (status == 405)
            QVERIFY(!r.header("Allow").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractShapes)
#include "tst_sandbox_contract_shapes.moc"
