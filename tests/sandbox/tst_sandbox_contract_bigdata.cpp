#include "ContractFacts.h"

#include <QtTest>

using namespace contract;

// Bigdata.com as its docs describe it (docs.bigdata.com/api-reference/connectors/*, the seed PUT
// page, the error bodies and gateway/firewall answers of the same API) and VERIFIED.md
// "bigdata". 60 connectors, so that each type is seeded.
class TestSandboxContractBigdata : public QObject
{
    Q_OBJECT

    const QString kVendor = QStringLiteral("bigdata");
    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("60")}};

    QString resolve(const QString& name) const
    {
        for (const char* type : {"email", "investment_research", "sharepoint"}) {
            if (name == QLatin1String(type))
                return stateId(m_sandbox, kVendor, [type](const QJsonObject& c) {
                    return c.value(QLatin1String("type")).toString() == QLatin1String(type);
                });
        }
        return {};
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void facts_data()
    {
        addFactColumns();
        const QString g = kVendor;
        const QString list = listPath(g);
        const QString item = collectionPath(g) + QStringLiteral("/");
        const QString apiError =
            QStringLiteral("statusCode:int ; message:string ; errorCode:string ; requestId:string");
        const QString amzn = QStringLiteral("x-amzn-RequestId?");

        fact("bigdata list is {results: [...]} (docs.bigdata.com list connectors)", g, "GET", list,
             {}, {}, 200, "results:array ; results/59/connector_id:string", amzn);
        fact("bigdata a sharepoint connector's config is {} (VERIFIED.md bigdata: third type "
             "sharepoint)",
             g, "GET", item + "{sharepoint}", {}, {}, 200,
             "type=\"sharepoint\" ; config={} ; connector_id=\"{sharepoint}\"");
        fact("bigdata sharepoint config cannot be updated: non-null config is 400 (VERIFIED.md "
             "bigdata: only email has an updatable config)",
             g, "PUT", item + "{sharepoint}", "{\"label\":\"x\",\"config\":{}}", {}, 400,
             apiError + " ; statusCode=400 ; errorCode=\"CONFIG_NOT_UPDATABLE\"", amzn, true);
        fact("bigdata sharepoint with config null is updatable (VERIFIED.md bigdata)", g, "PUT",
             item + "{sharepoint}", "{\"label\":\"Renamed\",\"config\":null}", {}, 200,
             "label=\"Renamed\" ; config={} ; type=\"sharepoint\"");
        fact("bigdata investment_research config cannot be updated (bigdata seed PUT)", g, "PUT",
             item + "{investment_research}",
             "{\"label\":\"x\",\"config\":{\"user_id\":\"u@example.com\"}}", {}, 400,
             apiError + " ; errorCode=\"CONFIG_NOT_UPDATABLE\"", {}, true);
        fact("bigdata email config is updatable (bigdata seed PUT)", g, "GET", item + "{email}", {},
             {}, 200, "type=\"email\" ; config/email_hash:string ; config/allowed_emails:array");
        fact("bigdata 404 is {statusCode, message, errorCode, requestId} with "
             "CONNECTOR_NOT_FOUND (VERIFIED.md bigdata error body)",
             g, "GET", item + "00000000-0000-7000-8000-000000000000", {}, {}, 404,
             apiError + " ; statusCode=404 ; errorCode=\"CONNECTOR_NOT_FOUND\"", amzn);
        fact("bigdata a malformed uuid is 400 (bigdata seed PUT 400 malformed connector_id)", g,
             "GET", item + "not-a-uuid", {}, {}, 400,
             apiError + " ; statusCode=400 ; errorCode=\"INVALID_CONNECTOR_ID\"");
        fact("bigdata a missing label is a 400 validation error (bigdata seed "
             "ConnectorUpdatePayload label required)",
             g, "PUT", item + "{email}", "{\"description\":\"x\"}", {}, 400,
             apiError + " ; errorCode=\"VALIDATION_ERROR\"", {}, true);
        fact("bigdata a missing key is 401 in the API's error body (bigdata seed 401)", g, "GET",
             list, {}, "key=none", 401,
             apiError + " ; statusCode=401 ; errorCode=\"UNAUTHORIZED\"");
        fact("bigdata a wrong key is 401 (bigdata seed 401)", g, "GET", list, {}, "key=wrong", 401,
             apiError + " ; statusCode=401");
        fact("bigdata an unknown route is the gateway's 403 Missing Authentication Token "
             "(VERIFIED.md bigdata)",
             g, "GET", "/bigdata/contents/v2/connectors", {}, {}, 403,
             "message=\"Missing Authentication Token\" ; statusCode:missing ; errorCode:missing",
             amzn);
        fact("bigdata the gateway answers an unknown route before any key is checked "
             "(VERIFIED.md bigdata)",
             g, "GET", "/bigdata/no/such/route", {}, "key=none", 403,
             "message=\"Missing Authentication Token\"");
        fact("bigdata a method the route does not have is the gateway's 403 (docs/sandbox.md "
             "bigdata)",
             g, "PATCH", list, "{}", {}, 403, "message=\"Missing Authentication Token\"");
        fact("bigdata the firewall blocks <script in a body with an HTML page, nothing changes "
             "(VERIFIED.md bigdata: a blocked request may get an HTML page)",
             g, "PUT", item + "{email}", "{\"label\":\"<script>alert(1)</script>\"}", {}, 403,
             "nojson ; ~<html ; ~<title> ; ~Request blocked", "Content-Type~text/html", true);
        fact("bigdata the firewall blocks <script in the query (VERIFIED.md bigdata)", g, "GET",
             list + "?q=%3Cscript%3E", {}, {}, 403, "nojson ; ~Request blocked",
             "Content-Type~text/html");
        fact("bigdata the firewall answers before the key is checked (VERIFIED.md bigdata)", g,
             "GET", list + "?q=%3CSCRIPT%20src=x%3E", {}, "key=none", 403, "nojson ; ~<html",
             "Content-Type~text/html");
    }
    void facts()
    {
        runFact(m_sandbox, [this](const QString& name) { return resolve(name); });
    }

    void requestIdMatchesTheHeader()
    {
        const TestResponse r =
            call(m_sandbox, kVendor, "GET", itemPath(kVendor, QStringLiteral("not-a-uuid")));
        QCOMPARE(r.status, 400);
        const QString id = r.object().value(QLatin1String("requestId")).toString();
        QVERIFY(!id.isEmpty());
        QCOMPARE(QString::fromLatin1(r.header("x-amzn-RequestId")), id);
        QVERIFY(call(m_sandbox, kVendor, "GET", itemPath(kVendor, QStringLiteral("not-a-uuid")))
                    .object()
                    .value(QLatin1String("requestId"))
                    .toString() != id);
    }

    void seedHasEveryType_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("bigdata seeds email connectors (bigdata seed Connector.type)")
            << QStringLiteral("email");
        QTest::newRow("bigdata seeds investment_research connectors (bigdata seed "
                      "Connector.type)")
            << QStringLiteral("investment_research");
        QTest::newRow("bigdata seeds a few sharepoint connectors (VERIFIED.md bigdata)")
            << QStringLiteral("sharepoint");
    }
    void seedHasEveryType()
    {
        QFETCH(QString, type);
        int n = 0;
        for (const QJsonValue& v : listAll(m_sandbox, kVendor)) {
            if (v.toObject().value(QLatin1String("type")).toString() == type) {
                ++n;
                const QString e = connectorShapeError(kVendor, v.toObject());
                QVERIFY2(e.isEmpty(), qPrintable(e));
            }
        }
        QVERIFY2(n >= 3, qPrintable(QString::number(n)));
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractBigdata)
#include "tst_sandbox_contract_bigdata.moc"
