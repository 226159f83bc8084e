#include "ContractFacts.h"

#include <QSet>
#include <QtTest>

using namespace contract;

// B3OS as its official client talks to it (b3-fun/b3os packages/mcp/src/client.ts, types.ts,
// tools/connectors.ts), the error bodies of docs.b3os.org/api/introduction, the seed PUT page and
// VERIFIED.md "b3os".
class TestSandboxContractB3os : public QObject
{
    Q_OBJECT

    const QString kVendor = QStringLiteral("b3os");
    SandboxProcess m_sandbox;

    QString resolve(const QString& name) const
    {
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
        const QString b = kVendor;
        const QString list = listPath(b);
        const QString item = collectionPath(b) + QStringLiteral("/");
        const QString rid = QStringLiteral("requestId:string");
        const QString ridHeader = QStringLiteral("X-Request-Id?");
        const QString failure =
            QStringLiteral("success=false ; error/message:string ; error/code:string ; ") + rid;

        fact("b3os a runtime key alone is enough, no X-Org-ID (b3os client.ts buildHeaders)", b,
             "GET", list, {}, "-X-Org-ID", 200,
             "code=200 ; message=\"success\" ; data/items:array ; " + rid, ridHeader);
        fact("b3os list data is {items, limit, offset, hasMore} (b3os types.ts; "
             "tools/connectors.ts)",
             b, "GET", list + "?limit=5&offset=20", {}, {}, 200,
             "data/items/4/id:string ; data/items/5:missing ; data/limit=5 ; data/offset=20 ; "
             "data/hasMore=false");
        fact("b3os hasMore is true before the end (b3os types.ts)", b, "GET",
             list + "?limit=5&offset=0", {}, {}, 200, "data/hasMore=true ; data/items/4/id:string");
        fact("b3os X-Org-ID of the key's org is accepted (VERIFIED.md b3os)", b, "GET", list, {},
             "+X-Org-ID: demo-org", 200, "code=200");
        fact("b3os X-Org-ID of another org is a 403 envelope (docs/sandbox.md b3os)", b, "GET",
             list, {}, "+X-Org-ID: other-org", 403,
             "code=403 ; message:string ; " + rid + " ; success:missing", ridHeader);
        fact("b3os a wrong key is a 401 envelope with message (docs.b3os.org: the envelope's "
             "message)",
             b, "GET", list, {}, "key=wrong", 401, "code=401 ; message:string ; " + rid, ridHeader);
        fact("b3os the read-only key on PUT is a 403 envelope (docs/sandbox.md b3os)", b, "PUT",
             item + "{first}", "{\"name\":\"x\"}", "key=readonly", 403,
             "code=403 ; message:string ; " + rid, ridHeader, true);
        fact("b3os 404 is {success:false, error:{message, code}} (docs.b3os.org "
             "api/introduction)",
             b, "GET", item + "conn_000000000000", {}, {}, 404,
             failure + " ; error/code=\"NOT_FOUND\"", ridHeader);
        fact("b3os 404 on PUT of an unknown connector (b3os seed PUT 404)", b, "PUT",
             item + "conn_000000000000", "{\"name\":\"x\"}", {}, 404,
             failure + " ; error/code=\"NOT_FOUND\"", ridHeader, true);
        fact("b3os validation 400 is {success:false, error:{...}} (docs.b3os.org "
             "api/introduction; b3os seed PUT 400)",
             b, "PUT", item + "{first}", "{\"name\":42}", {}, 400,
             failure + " ; error/code=\"VALIDATION_ERROR\"", ridHeader, true);
        fact("b3os data that is not an object is a validation 400 (b3os seed PUT data object)", b,
             "PUT", item + "{first}", "{\"data\":\"x\"}", {}, 400, failure, ridHeader, true);
        fact("b3os a limit below 1 is a validation 400 (docs/sandbox.md b3os)", b, "GET",
             list + "?limit=0", {}, {}, 400, failure, ridHeader);
        fact("b3os a body that is not JSON gets {error: text} (VERIFIED.md b3os: accept "
             "{error: \"text\"})",
             b, "PUT", item + "{first}", "{not json", {}, 400,
             "error=\"invalid JSON body\" ; " + rid + " ; success:missing", ridHeader, true);
        fact("b3os PUT answers the envelope with the Connector, maskedData computed and data "
             "never returned (b3os seed PUT 200)",
             b, "PUT", item + "{first}", "{\"description\":\"d\"}", {}, 200,
             "code=200 ; message=\"success\" ; data/description=\"d\" ; data/maskedData:object ; "
             "data/data:missing ; " +
                 rid,
             ridHeader);
        fact("b3os unknown path is a 404 failure body (docs/sandbox.md b3os)", b, "GET",
             "/b3os/v2/things", {}, {}, 404, failure, ridHeader);
    }
    void facts()
    {
        runFact(m_sandbox, [this](const QString& name) { return resolve(name); });
    }

    void requestIdsAreUniqueAndMatchTheHeader_data()
    {
        QTest::addColumn<QString>("tweaks");
        QTest::addColumn<int>("status");
        QTest::newRow("b3os every success has a requestId (b3os seed PUT 200 requestId)")
            << QString() << 200;
        QTest::newRow("b3os every error has a requestId (VERIFIED.md b3os)")
            << QStringLiteral("key=wrong") << 401;
    }
    void requestIdsAreUniqueAndMatchTheHeader()
    {
        QFETCH(QString, tweaks);
        QFETCH(int, status);
        QSet<QString> seen;
        for (int i = 0; i < 5; ++i) {
            const TestResponse r =
                TestHttp::get(m_sandbox.url(listPath(kVendor)), requestHeaders(kVendor, tweaks));
            QCOMPARE(r.status, status);
            const QString id = r.object().value(QLatin1String("requestId")).toString();
            QVERIFY(!id.isEmpty());
            QCOMPARE(QString::fromLatin1(r.header("X-Request-Id")), id);
            seen << id;
        }
        QCOMPARE(seen.size(), 5);
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractB3os)
#include "tst_sandbox_contract_b3os.moc"
