#include "ContractFacts.h"

#include <QtTest>

using namespace contract;

// Databar as its official SDK talks to it (databar-ai/databar-python src/databar/client.py,
// models.py), the seed PUT page (FastAPI/pydantic) and VERIFIED.md "databar".
class TestSandboxContractDatabar : public QObject
{
    Q_OBJECT

    const QString kVendor = QStringLiteral("databar");
    SandboxProcess m_sandbox;

    QString resolve(const QString& name) const
    {
        if (name == QLatin1String("origin"))
            return m_sandbox.baseUrl().toString();
        if (name == QLatin1String("first"))
            return stateId(m_sandbox, kVendor, [](const QJsonObject&) { return true; });
        return {};
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void facts_data()
    {
        addFactColumns();
        const QString d = kVendor;
        const QString item = QStringLiteral("/databar/v1/connectors/");
        const QByteArray valid =
            "{\"name\":\"n\",\"method\":\"get\",\"url\":\"https://api.example.com/v1/score\"}";

        fact("databar list path has a trailing slash (databar-python client.py "
             "list_connectors)",
             d, "GET", "/databar/v1/connectors/", {}, {}, 200,
             "0/id:int ; 0/name:string ; 24/id:int ; 25:missing");
        fact("databar slashless list is a 307 to the slash path, absolute Location, empty body "
             "(FastAPI redirect_slashes; VERIFIED.md databar)",
             d, "GET", "/databar/v1/connectors", {}, {}, 307, "empty",
             "Location={origin}/databar/v1/connectors/");
        fact("databar the 307 keeps the query string (Starlette redirect_slashes)", d, "GET",
             "/databar/v1/connectors?x=1", {}, {}, 307, "empty",
             "Location={origin}/databar/v1/connectors/?x=1");
        fact("databar the 307 comes from the router, before the API key is read (Starlette "
             "Router redirect_slashes)",
             d, "GET", "/databar/v1/connectors", {}, "key=none", 307, "empty",
             "Location={origin}/databar/v1/connectors/");
        fact("databar get is /v1/connectors/{id} without a slash (databar-python client.py "
             "get_connector)",
             d, "GET", item + "{first}", {}, {}, 200,
             "id:int ; method:string ; headers:array ; created_at:string");
        fact("databar /v1/connectors/{id}/ is a 307 to the slashless path (Starlette "
             "redirect_slashes)",
             d, "GET", item + "{first}/", {}, {}, 307, "empty",
             "Location={origin}/databar/v1/connectors/{first}");
        fact("databar update is PUT /v1/connectors/{id} without a slash (databar-python "
             "client.py update_connector)",
             d, "PUT", item + "{first}", valid, {}, 200, "name=\"n\" ; type=\"enrichment\"");
        fact("databar 404 is a plain-string detail (VERIFIED.md databar: {\"detail\": \"not "
             "found\"})",
             d, "GET", item + "99999999", {}, {}, 404, "detail=\"Connector not found\"");
        fact("databar 401 is a plain-string detail (databar-python client.py 401/403 auth)", d,
             "GET", "/databar/v1/connectors/", {}, "key=wrong", 401, "detail=\"Invalid API key\"");
        fact("databar 403 for the read-only key is a plain-string detail (databar-python "
             "client.py 401/403)",
             d, "PUT", item + "{first}", valid, "key=readonly", 403, "detail:string", {}, true);
        fact("databar 422 detail[] has loc/msg/type (databar seed HTTPValidationError; "
             "client.py 422)",
             d, "PUT", item + "{first}", "{\"method\":\"get\",\"url\":\"u\"}", {}, 422,
             "detail/0/loc=[\"body\",\"name\"] ; detail/0/msg=\"Field required\" ; "
             "detail/0/type=\"missing\"",
             {}, true);
        fact("databar a missing x-apikey header is a 422 on loc header (databar seed x-apikey "
             "header parameter)",
             d, "GET", "/databar/v1/connectors/", {}, "key=none", 422,
             "detail/0/loc=[\"header\",\"x-apikey\"] ; detail/0/type=\"missing\"");
        fact("databar plan caps: rate_limit 60 sent, 10 stored (VERIFIED.md databar docs "
             "example)",
             d, "PUT", item + "{first}",
             "{\"name\":\"n\",\"method\":\"get\",\"url\":\"u\",\"rate_limit\":60}", {}, 200,
             "rate_limit=10");
        fact("databar header values come back unmasked (VERIFIED.md databar)", d, "PUT",
             item + "{first}",
             "{\"name\":\"n\",\"method\":\"get\",\"url\":\"u\",\"headers\":[{\"name\":"
             "\"Authorization\",\"value\":\"Bearer sk-real\"}]}",
             {}, 200, "headers/0/value=\"Bearer sk-real\"");
    }
    void facts()
    {
        runFact(m_sandbox, [this](const QString& name) { return resolve(name); });
    }

    void redirectLeadsToTheList()
    {
        const TestResponse r = TestHttp::get(
            m_sandbox.url(QStringLiteral("/databar/v1/connectors")), authHeaders(kVendor));
        QCOMPARE(r.status, 307);
        const TestResponse followed =
            TestHttp::get(QUrl(QString::fromUtf8(r.header("Location"))), authHeaders(kVendor));
        QCOMPARE(followed.status, 200);
        QCOMPARE(followed.body, call(m_sandbox, kVendor, "GET", listPath(kVendor)).body);
    }

    void insufficientCreditsIs406()
    {
        // databar-python client.py: 406 = insufficient credits.
        const QString id = resolve(QStringLiteral("first"));
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("databarCredits"), 0}}));
        const QByteArray before = stateBytes(m_sandbox);
        const TestResponse r =
            call(m_sandbox, kVendor, "PUT", itemPath(kVendor, id), minimalWriteBody(kVendor));
        QCOMPARE(r.status, 406);
        QCOMPARE(r.object().value(QLatin1String("detail")).toString(),
                 QStringLiteral("Insufficient credits"));
        QVERIFY(stateBytes(m_sandbox) == before);
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractDatabar)
#include "tst_sandbox_contract_databar.moc"
