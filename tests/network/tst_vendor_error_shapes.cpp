// Each vendor's parser fed the error shapes its real server sends (../shared/vendor-apis/
// VERIFIED.md, with the source in each row's name): the words the person reads, the field errors
// shown at the field, the vendor's request id and code, the remedy offered. Nothing is sent:
// the answers are built here, as an HTTP client would hand them over.
#include "ConnectorService.h"
#include "HttpClient.h"
#include "TimbalService.h"

#include <QJsonDocument>
#include <QtTest>

using namespace ca;

Q_DECLARE_METATYPE(ca::ApiError::Kind)
Q_DECLARE_METATYPE(ca::ApiError::Remedy)

namespace {

ConnectorProfile profileOf(Vendor vendor, const QByteArray& key)
{
    ConnectorProfile p;
    p.name = QStringLiteral("prod");
    p.vendor = vendor;
    p.baseUrl = QUrl(QStringLiteral("https://api.example.com"));
    p.orgId = vendor == Vendor::Timbal ? QStringLiteral("org1") : QString();
    p.workspaceId = QStringLiteral("7");
    p.apiKey = key;
    return p;
}

HttpResponse answer(int status, const QByteArray& body, const QByteArray& type = "application/json")
{
    HttpResponse r;
    r.status = status;
    r.body = body;
    r.headers = {{QByteArrayLiteral("Content-Type"), type}};
    r.attempts = 1;
    return r;
}

QString fieldErrorsText(const ApiError& e)
{
    QStringList out;
    for (const ApiError::FieldError& f : e.fieldErrors)
        out << f.path + QLatin1Char('=') + f.message;
    return out.join(QLatin1Char(';'));
}

const QByteArray kWafPage =
    "<!DOCTYPE html>\n<html><head><title>403 Forbidden - Request blocked</title></head><body>"
    "<h1>Request blocked</h1><p>The request was blocked by the web application firewall. "
    "Reference #18.5f3c2e17.1733212345.9a8b7c</p><script>var t=1;</script></body></html>";

} // namespace

class TestVendorErrorShapes : public QObject
{
    Q_OBJECT

    HttpClient m_http;
    int m_keys = 0;

    // A fresh key per service: "the key worked before" is remembered per key in this process.
    std::unique_ptr<ConnectorService> service(Vendor vendor)
    {
        const QByteArray key = "key-" + QByteArray::number(++m_keys) + "-0123456789";
        return std::unique_ptr<ConnectorService>(
            createConnectorService(profileOf(vendor, key), &m_http));
    }

private slots:
    void errorBodiesAreRead_data()
    {
        QTest::addColumn<Vendor>("vendor");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("requestIdHeader");
        QTest::addColumn<ApiError::Kind>("kind");
        QTest::addColumn<QString>("message");       // contained in the message
        QTest::addColumn<QString>("serverMessage"); // exactly
        QTest::addColumn<QString>("serverCode");
        QTest::addColumn<QString>("fields"); // "path=message;…"
        QTest::addColumn<QString>("requestId");
        QTest::addColumn<ApiError::Remedy>("remedy");
        const QByteArray json = "application/json";
        using K = ApiError::Kind;
        using R = ApiError::Remedy;

        // --- Timbal: ErrorMessage {code, message} (timbal openapi.json, errors.mdx)
        QTest::newRow("timbal 404 {code,message} (openapi.json ErrorMessage)")
            << Vendor::Timbal << 404
            << QByteArray(R"({"code":"NOT_FOUND","message":"connector con_9 not found"})") << json
            << QByteArray() << K::NotFound << "connector con_9 not found"
            << "connector con_9 not found"
            << "NOT_FOUND" << QString() << QString() << R::None;
        QTest::newRow("timbal 403 legacy {error} still read (docs/sandbox.md)")
            << Vendor::Timbal << 403 << QByteArray(R"({"error":"forbidden"})") << json
            << QByteArray() << K::Forbidden << "not allowed with this API key"
            << "forbidden" << QString() << QString() << QString() << R::None;
        QTest::newRow("timbal 402 request failed (errors.mdx)")
            << Vendor::Timbal << 402
            << QByteArray(R"({"code":"REQUEST_FAILED","message":"request failed"})") << json
            << QByteArray() << K::Http
            << "the request was valid, but it failed at Timbal (HTTP 402)"
            << "request failed"
            << "REQUEST_FAILED" << QString() << QString() << R::None;

        // --- AI Squared (Multiwoven): the 400 contract hash, render_error, exception_handler
        QTest::newRow("aisquared 400 contract hash (application_controller.rb validate_contract)")
            << Vendor::AiSquared << 400
            << QByteArray(R"({"errors":{"connector":{"name":["must be filled"]}}})") << json
            << QByteArray() << K::Validation << "the server rejected the request"
            << "name: must be filled" << QString() << "/name=must be filled" << QString()
            << R::None;
        QTest::newRow("aisquared 400 hash, two fields (connector_contracts.rb Update)")
            << Vendor::AiSquared << 400
            << QByteArray(R"({"errors":{"connector":{"configuration":["must be filled"],)"
                          R"("connector_type":["invalid connector type"]}}})")
            << json << QByteArray() << K::Validation << "the server rejected the request"
            << "configuration: must be filled; connector_type: invalid connector type" << QString()
            << "/configuration=must be filled;/connector_type=invalid connector type" << QString()
            << R::None;
        QTest::newRow("aisquared 400 hash on the path id (connector_contracts.rb Show)")
            << Vendor::AiSquared << 400 << QByteArray(R"({"errors":{"id":["must be an integer"]}})")
            << json << QByteArray() << K::Validation << "the server rejected the request"
            << "id: must be an integer" << QString() << QString() << QString() << R::None;
        QTest::newRow("aisquared 422 update failed, source holds fields (connectors_controller.rb)")
            << Vendor::AiSquared << 422
            << QByteArray(R"({"errors":[{"status":422,"title":"Error","detail":"Connector update )"
                          R"(failed","source":{"name":"has already been taken"}}]})")
            << json << QByteArray() << K::Validation << "Connector update failed"
            << "Connector update failed; name: has already been taken" << QString()
            << "/name=has already been taken" << QString() << R::None;
        QTest::newRow("aisquared 422 {error} param missing (exception_handler.rb)")
            << Vendor::AiSquared << 422
            << QByteArray(R"({"error":"param is missing or the value is empty: connector"})")
            << json << QByteArray() << K::Validation << "param is missing"
            << "param is missing or the value is empty: connector" << QString() << QString()
            << QString() << R::None;
        QTest::newRow("aisquared 404 status is an integer (application_controller.rb render_error)")
            << Vendor::AiSquared << 404
            << QByteArray(R"({"errors":[{"status":404,"title":"Error","detail":"Connector not )"
                          R"(found"}]})")
            << json << QByteArray() << K::NotFound << "not found"
            << "Connector not found" << QString() << QString() << QString() << R::None;
        QTest::newRow(
            "aisquared 400 unknown workspace (application_controller.rb current_workspace)")
            << Vendor::AiSquared << 400
            << QByteArray(R"({"errors":[{"status":400,"title":"Bad Request","detail":"There was a )"
                          R"(problem with the request format: Workspace not found","source":)"
                          R"({"pointer":"/request/payload"}}]})")
            << json << QByteArray() << K::Forbidden
            << "workspace 7 is not one of this key's workspaces"
            << "There was a problem with the request format: Workspace not found" << QString()
            << QString() << QString() << R::EditProfile;
        QTest::newRow("aisquared 401 before any success: token wrong or expired (JWT 30 min)")
            << Vendor::AiSquared << 401
            << QByteArray(R"({"errors":[{"status":401,"title":"Error","detail":"Unauthorized"}]})")
            << json << QByteArray() << K::Unauthorized << "wrong or has expired"
            << "Unauthorized" << QString() << QString() << QString() << R::ReplaceKey;

        // --- B3OS: three shapes (b3os client.ts; docs.b3os.org/api/introduction)
        QTest::newRow("b3os {success:false, error:{message,code}} (docs.b3os.org)")
            << Vendor::B3os << 400
            << QByteArray(R"({"success":false,"error":{"message":"name is too long",)"
                          R"("code":"VALIDATION_ERROR"},"requestId":"req_1"})")
            << json << QByteArray() << K::Validation << "name is too long"
            << "name is too long"
            << "VALIDATION_ERROR" << QString() << "req_1" << R::None;
        QTest::newRow("b3os envelope message (client.ts ApiResponse)")
            << Vendor::B3os << 403
            << QByteArray(R"({"code":403,"message":"forbidden","data":null,"requestId":"req_2"})")
            << json << QByteArray() << K::Forbidden << "forbidden"
            << "forbidden" << QString() << QString() << "req_2" << R::None;
        QTest::newRow("b3os {error: text}, request id from the header (NOTES.md seed)")
            << Vendor::B3os << 400 << QByteArray(R"({"error":"invalid JSON body"})") << json
            << QByteArray("req_3") << K::Validation << "invalid JSON body"
            << "invalid JSON body" << QString() << QString() << "req_3" << R::None;
        QTest::newRow("b3os 409 is a conflict (client.ts friendlyHint)")
            << Vendor::B3os << 409
            << QByteArray(R"({"success":false,"error":{"message":"another update may have )"
                          R"(occurred","code":"CONFLICT"},"requestId":"req_4"})")
            << json << QByteArray() << K::Conflict << "changed the connector meanwhile"
            << "another update may have occurred"
            << "CONFLICT" << QString() << "req_4" << R::None;

        // --- Databar (databar-python client.py _raise_for_response)
        QTest::newRow("databar 422 detail[] onto fields (client.py)")
            << Vendor::Databar << 422
            << QByteArray(R"({"detail":[{"type":"string_too_long","loc":["body","headers",0,)"
                          R"("value"],"msg":"String should have at most 2048 characters"}]})")
            << json << QByteArray() << K::Validation << "headers.0.value"
            << "headers.0.value: String should have at most 2048 characters" << QString()
            << "/headers/0/value=String should have at most 2048 characters" << QString()
            << R::None;
        QTest::newRow("databar 406 insufficient credits (client.py)")
            << Vendor::Databar << 406 << QByteArray(R"({"detail":"Insufficient credits"})") << json
            << QByteArray() << K::Precondition << "insufficient Databar credits"
            << "Insufficient credits" << QString() << QString() << QString() << R::None;
        QTest::newRow("databar {detail: text} (client.py)")
            << Vendor::Databar << 404 << QByteArray(R"({"detail":"not found"})") << json
            << QByteArray() << K::NotFound << "not found"
            << "not found" << QString() << QString() << QString() << R::None;

        // --- Bigdata (docs.bigdata.com error bodies, the API gateway, a web firewall)
        QTest::newRow("bigdata {statusCode,message,errorCode,requestId} (docs.bigdata.com)")
            << Vendor::Bigdata << 404
            << QByteArray(R"({"statusCode":404,"message":"Connector not found",)"
                          R"("errorCode":"CONNECTOR_NOT_FOUND","requestId":"9f1c"})")
            << json << QByteArray() << K::NotFound << "Connector not found"
            << "Connector not found"
            << "CONNECTOR_NOT_FOUND" << QString() << "9f1c" << R::None;
        QTest::newRow("bigdata gateway {message} on an unknown route (docs.bigdata.com)")
            << Vendor::Bigdata << 403 << QByteArray(R"({"message":"Missing Authentication Token"})")
            << json << QByteArray() << K::NotFound << "the API gateway knows no such path"
            << "Missing Authentication Token" << QString() << QString() << QString() << R::None;
        QTest::newRow("bigdata web firewall HTML page (docs.bigdata.com)")
            << Vendor::Bigdata << 403 << kWafPage << QByteArray("text/html; charset=utf-8")
            << QByteArray() << K::Forbidden
            << "the server answered with a web page instead of JSON (status 403)"
            << "403 Forbidden - Request blocked" << QString() << QString() << QString() << R::None;
        // Any vendor may sit behind a proxy that answers with a page.
        for (Vendor v : allVendors())
            QTest::newRow(qPrintable(vendorId(v) + QStringLiteral(" 502 gateway page")))
                << v << 502
                << QByteArray("<html><head><title>502 Bad Gateway</title></head><body>"
                              "<center><h1>502 Bad Gateway</h1></center></body></html>")
                << QByteArray("text/html") << QByteArray() << K::Server
                << "the server answered with a web page instead of JSON (status 502)"
                << "502 Bad Gateway" << QString() << QString() << QString() << R::None;
    }
    void errorBodiesAreRead()
    {
        QFETCH(Vendor, vendor);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, requestIdHeader);
        QFETCH(ApiError::Kind, kind);
        QFETCH(QString, message);
        QFETCH(QString, serverMessage);
        QFETCH(QString, serverCode);
        QFETCH(QString, fields);
        QFETCH(QString, requestId);
        QFETCH(ApiError::Remedy, remedy);
        auto s = service(vendor);
        HttpResponse r = answer(status, body, contentType);
        if (!requestIdHeader.isEmpty())
            r.headers.append({QByteArrayLiteral("X-Request-Id"), requestIdHeader});
        const QString id = vendor == Vendor::Databar ? QStringLiteral("1001")
                           : vendor == Vendor::Bigdata
                               ? QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e")
                               : QStringLiteral("12");
        const ApiError e = s->parseConnectorAnswer(r, id).error;
        QCOMPARE(e.httpStatus, status);
        QCOMPARE(e.kind, kind);
        QVERIFY2(e.message.contains(message), qPrintable(e.message));
        QCOMPARE(e.serverMessage, serverMessage);
        QCOMPARE(e.serverCode, serverCode);
        QCOMPARE(fieldErrorsText(e), fields);
        QCOMPARE(e.requestId, requestId);
        QCOMPARE(e.remedy, remedy);
        QVERIFY(!e.hint.isEmpty());
        // Which connector and which account, in the words.
        QVERIFY2(e.message.startsWith(vendorDisplayName(vendor) + QStringLiteral(" (prod)")),
                 qPrintable(e.message));
        // Never HTML in the words; the page's first bytes only in the details.
        QVERIFY2(!e.message.contains(QLatin1Char('<')) && !e.toString().contains(QLatin1Char('<')),
                 qPrintable(e.toString()));
        if (contentType.startsWith("text/html")) {
            QVERIFY(e.rawBody.startsWith(body.left(20)));
            QVERIFY(e.rawBody.size() <= 2048);
        } else {
            // The details pane's copy, re-serialised by the redaction (nothing secret here).
            QCOMPARE(QJsonDocument::fromJson(e.rawBody), QJsonDocument::fromJson(body));
        }
        if (!requestId.isEmpty())
            QVERIFY2(e.toString().contains(requestId), qPrintable(e.toString()));
    }

    void aWebPageWhereJsonWasExpectedSaysSo()
    {
        auto s = service(Vendor::Bigdata);
        const ApiError e = s->parseConnectorAnswer(answer(200, kWafPage, "text/html"),
                                                   QStringLiteral("0f8fad5b-d9cb-469f-a165-"
                                                                  "70867728950e"))
                               .error;
        QCOMPARE(e.kind, ApiError::Kind::Malformed);
        QVERIFY2(e.message.contains(QStringLiteral("a web page instead of JSON (status 200)")),
                 qPrintable(e.message));
        QVERIFY(!e.toString().contains(QLatin1Char('<')));
    }

    void aisquared401AfterTheKeyWorkedSaysItMayHaveExpired()
    {
        // Multiwoven JWTs last 30 minutes by default: a 401 after a success is not "wrong key".
        auto s = service(Vendor::AiSquared);
        ApiError listError;
        s->parseListAnswer(answer(200, R"({"data":[],"links":{"next":null}})"), QVariant(),
                           &listError);
        QVERIFY(!listError.isError());
        const ApiError e =
            s->parseConnectorAnswer(
                 answer(401,
                        R"({"errors":[{"status":401,"title":"Error","detail":"Unauthorized"}]})"),
                 QStringLiteral("12"))
                .error;
        QCOMPARE(e.kind, ApiError::Kind::Unauthorized);
        QVERIFY2(e.message.contains(QStringLiteral("may have expired")), qPrintable(e.message));
        QVERIFY2(!e.message.contains(QStringLiteral("wrong")), qPrintable(e.message));
        QCOMPARE(e.remedy, ApiError::Remedy::ReplaceKey);
    }

    void keyEchoedInAnErrorNeverReachesTheWords()
    {
        auto s = service(Vendor::Bigdata);
        const QByteArray key = s->profile().apiKey;
        const ApiError e =
            s->parseConnectorAnswer(answer(401, R"({"statusCode":401,"message":"bad key )" + key +
                                                    R"(","errorCode":"UNAUTHORIZED"})"),
                                    QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e"))
                .error;
        QVERIFY(!e.toString().contains(QString::fromUtf8(key)));
        QVERIFY(!e.rawBody.contains(key));
    }

    void timbalUpdateRefusalsInWords_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("message");
        QTest::newRow("422 connector_offline (openapi.json local-config/update 422)")
            << 422 << QByteArray(R"({"code":"connector_offline","message":"connector is offline"})")
            << QString() << "the connector is offline: Timbal could not reach it";
        QTest::newRow("422 too old (seed page)")
            << 422
            << QByteArray(R"({"code":"connector_too_old","message":"connector version 0.0.9 is )"
                          R"(too old to update remotely"})")
            << QString() << "the connector is too old to update remotely";
        QTest::newRow("404 release with an explicit version (seed page)")
            << 404 << QByteArray(R"({"code":"NOT_FOUND","message":"release 9.9.9 not found"})")
            << QStringLiteral("9.9.9") << "release 9.9.9 not found at Timbal";
        QTest::newRow("404 naming the connector (seed page)")
            << 404 << QByteArray(R"({"code":"NOT_FOUND","message":"connector con_1 not found"})")
            << QStringLiteral("9.9.9") << "connector con_1 not found";
    }
    void timbalUpdateRefusalsInWords()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, version);
        QFETCH(QString, message);
        auto s = service(Vendor::Timbal);
        const SoftwareUpdateResult r =
            static_cast<TimbalService*>(s.get())->parseSoftwareUpdateAnswer(
                answer(status, body), QStringLiteral("con_1"), version);
        QVERIFY2(r.error.message.contains(message), qPrintable(r.error.message));
        QVERIFY(!r.error.hint.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestVendorErrorShapes)
#include "tst_vendor_error_shapes.moc"
