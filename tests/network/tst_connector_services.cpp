#include "NetworkTestSupport.h"

#include "HttpClient.h"

// The five services against the real sandbox: listing (all pages), reading, updating, errors and
// credentials, the same behaviour asked of every vendor.
class TestConnectorServices : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("60")}};
    ca::HttpClient* m_http = nullptr;

    ca::ConnectorService* service(ca::Vendor vendor, const QByteArray& key = nettest::kKey)
    {
        auto* s =
            ca::createConnectorService(nettest::profileFor(m_sandbox, vendor, key), m_http, this);
        s->setPageSize(25);
        return s;
    }

    // First connector of a vendor (by a real list call).
    ca::Connector firstConnector(ca::Vendor vendor,
                                 std::function<bool(const ca::Connector&)> accept = {})
    {
        auto* s = service(vendor);
        ca::ConnectorListJob* job = s->list();
        QSignalSpy spy(job, &ca::ConnectorListJob::finished);
        if (!spy.wait(30000))
            return {};
        const auto result = spy.first().first().value<ca::ConnectorListResult>();
        for (const ca::Connector& c : result.connectors) {
            if (!accept || accept(c))
                return c;
        }
        return {};
    }

    static QString nameField(ca::Vendor vendor)
    {
        return vendor == ca::Vendor::Bigdata ? QStringLiteral("label") : QStringLiteral("name");
    }

    static void vendorRows()
    {
        QTest::addColumn<ca::Vendor>("vendor");
        for (ca::Vendor v : ca::allVendors())
            QTest::newRow(qPrintable(ca::vendorId(v))) << v;
    }
    static void editableVendorRows()
    {
        QTest::addColumn<ca::Vendor>("vendor");
        for (ca::Vendor v : nettest::editableVendors())
            QTest::newRow(qPrintable(ca::vendorId(v))) << v;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_http = nettest::newHttpClient(this);
    }

    void init() { QVERIFY(nettest::resetSandbox(m_sandbox)); }

    void listsEveryConnectorAcrossPages_data() { vendorRows(); }
    void listsEveryConnectorAcrossPages()
    {
        QFETCH(ca::Vendor, vendor);
        // Timbal's pages are the server's choice (its list documents no parameters).
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("timbalPageSize"), 25}}));
        ca::ConnectorListJob* job = service(vendor)->list();
        QSignalSpy pages(job, &ca::ConnectorListJob::pageLoaded);
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.connectors.size(), 60);
        QCOMPARE(pages.count(), result.pages);
        QCOMPARE(pages.last().at(1).toInt(), 60); // loadedSoFar on the last page
        QSet<QString> ids;
        for (const ca::Connector& c : result.connectors) {
            QCOMPARE(c.vendor, vendor);
            QVERIFY(!c.id.isEmpty());
            ids.insert(c.id);
        }
        QCOMPARE(ids.size(), 60);
        // Paged vendors really walked several pages (page size 25).
        if (vendor == ca::Vendor::Timbal || vendor == ca::Vendor::AiSquared ||
            vendor == ca::Vendor::B3os)
            QCOMPARE(result.pages, 3);
        // Timbal's next page is asked for before this one is parsed (its cursor is peeked from
        // the body): still exactly one GET per page, each cursor once, none dropped.
        if (vendor == ca::Vendor::Timbal) {
            const QList<QJsonObject> gets = nettest::requestsTo(m_sandbox, "timbal", "GET");
            QCOMPARE(gets.size(), result.pages);
            QSet<QString> paths;
            for (const QJsonObject& r : gets)
                paths.insert(r.value(QLatin1String("path")).toString() +
                             r.value(QLatin1String("query")).toString());
            QCOMPARE(paths.size(), result.pages);
        }
    }

    void getsOneConnector_data() { vendorRows(); }
    void getsOneConnector()
    {
        QFETCH(ca::Vendor, vendor);
        const ca::Connector listed = firstConnector(vendor);
        QVERIFY(!listed.id.isEmpty());
        ca::ConnectorJob* job = service(vendor)->get(listed.id);
        CA_AWAIT(job, ca::ConnectorResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.connector.id, listed.id);
        QCOMPARE(result.connector.displayName, listed.displayName);
        QCOMPARE(result.connector.editable, listed.editable);
        if (vendor == ca::Vendor::Timbal) {
            QVERIFY(!result.connector.version.isEmpty());
            QVERIFY(result.connector.online.has_value());
            QVERIFY(result.connector.editable.isEmpty());
        }
    }

    void updateRoundTrip_data() { editableVendorRows(); }
    void updateRoundTrip()
    {
        QFETCH(ca::Vendor, vendor);
        const ca::Connector listed = firstConnector(vendor);
        auto* s = service(vendor);
        ca::ConnectorJob* getJob = s->get(listed.id);
        CA_AWAIT(getJob, ca::ConnectorResult, fresh);
        QVERIFY2(fresh.ok(), qPrintable(fresh.error.toString()));

        QJsonObject edited = fresh.connector.editable;
        edited.insert(nameField(vendor), QStringLiteral("Renamed by test"));
        ca::ConnectorUpdateJob* job = s->update(fresh.connector, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QVERIFY(result.sent);
        QCOMPARE(result.httpStatus, 200);
        QCOMPARE(result.connector.displayName, QStringLiteral("Renamed by test"));
        QVERIFY2(result.differences.isEmpty(), qPrintable(result.differences.value(0).path));

        ca::ConnectorJob* again = s->get(listed.id);
        CA_AWAIT(again, ca::ConnectorResult, reread);
        QCOMPARE(reread.connector.displayName, QStringLiteral("Renamed by test"));
    }

    void noOpUpdateLeavesStateIdentical_data() { vendorRows(); }
    void noOpUpdateLeavesStateIdentical()
    {
        QFETCH(ca::Vendor, vendor);
        const ca::Connector listed = firstConnector(vendor);
        auto* s = service(vendor);
        ca::ConnectorJob* getJob = s->get(listed.id);
        CA_AWAIT(getJob, ca::ConnectorResult, fresh);
        QVERIFY(fresh.ok());
        const QByteArray before = nettest::stateBytes(m_sandbox);
        ca::ConnectorUpdateJob* job = s->update(fresh.connector, fresh.connector.editable);
        CA_AWAIT(job, ca::UpdateResult, result);
        if (vendor == ca::Vendor::Timbal) {
            // Nothing to edit: refused without sending.
            QCOMPARE(result.error.kind, ca::ApiError::Kind::Refused);
            QVERIFY(!result.sent);
        } else {
            QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        }
        QCOMPARE(nettest::stateBytes(m_sandbox), before);
    }

    void unknownIdIsNotFound_data()
    {
        QTest::addColumn<ca::Vendor>("vendor");
        QTest::addColumn<QString>("id");
        QTest::newRow("timbal") << ca::Vendor::Timbal << QStringLiteral("con_999999");
        QTest::newRow("aisquared") << ca::Vendor::AiSquared << QStringLiteral("999999");
        QTest::newRow("b3os") << ca::Vendor::B3os << QStringLiteral("conn_does_not_exist");
        QTest::newRow("databar") << ca::Vendor::Databar << QStringLiteral("999999");
        QTest::newRow("bigdata") << ca::Vendor::Bigdata
                                 << QStringLiteral("00000000-0000-0000-0000-000000000000");
    }
    void unknownIdIsNotFound()
    {
        QFETCH(ca::Vendor, vendor);
        QFETCH(QString, id);
        ca::ConnectorJob* job = service(vendor)->get(id);
        CA_AWAIT(job, ca::ConnectorResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::NotFound);
        QCOMPARE(result.error.httpStatus, 404);
        QVERIFY2(result.error.message.contains(QStringLiteral("connector %1 not found").arg(id)),
                 qPrintable(result.error.message));
        QVERIFY(!result.error.hint.isEmpty());
        if (vendor == ca::Vendor::B3os)
            QVERIFY2(!result.error.requestId.isEmpty(),
                     "B3OS errors carry the requestId support asks for");
    }

    void badKeyIsUnauthorized_data() { vendorRows(); }
    void badKeyIsUnauthorized()
    {
        QFETCH(ca::Vendor, vendor);
        ca::ConnectorListJob* job = service(vendor, "wrong-key-123")->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::Unauthorized);
        QCOMPARE(result.error.httpStatus, 401);
        // AI Squared keys are JWTs that expire (Multiwoven: 30 minutes by default).
        const QString words = vendor == ca::Vendor::AiSquared
                                  ? QStringLiteral("token rejected: it is wrong or has expired")
                                  : QStringLiteral("API key rejected");
        QVERIFY2(result.error.message.contains(words), qPrintable(result.error.message));
        QVERIFY2(!result.error.rawBody.contains("wrong-key-123"), result.error.rawBody.constData());
    }

    void sendsVendorAuthHeaders_data()
    {
        QTest::addColumn<ca::Vendor>("vendor");
        QTest::addColumn<QString>("keyHeader");
        QTest::addColumn<QByteArray>("keyValue");
        QTest::addColumn<QString>("extraHeader");
        QTest::addColumn<QString>("extraValue");
        QTest::newRow("timbal") << ca::Vendor::Timbal << "authorization"
                                << QByteArray("Bearer demo-key") << QString() << QString();
        QTest::newRow("aisquared") << ca::Vendor::AiSquared << "authorization"
                                   << QByteArray("Bearer demo-key") << "workspace-id"
                                   << "1";
        // The official client sends no X-Org-ID with a key (b3os client.ts buildHeaders).
        QTest::newRow("b3os, no X-Org-ID")
            << ca::Vendor::B3os << "authorization" << QByteArray("Bearer demo-key") << "x-org-id"
            << "";
        QTest::newRow("databar") << ca::Vendor::Databar << "x-apikey" << QByteArray("demo-key")
                                 << QString() << QString();
        QTest::newRow("bigdata") << ca::Vendor::Bigdata << "x-api-key" << QByteArray("demo-key")
                                 << QString() << QString();
    }
    void sendsVendorAuthHeaders()
    {
        QFETCH(ca::Vendor, vendor);
        QFETCH(QString, keyHeader);
        QFETCH(QByteArray, keyValue);
        QFETCH(QString, extraHeader);
        QFETCH(QString, extraValue);
        ca::ConnectorListJob* job = service(vendor)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QList<QJsonObject> requests =
            nettest::requestsTo(m_sandbox, ca::vendorId(vendor), QStringLiteral("GET"));
        QVERIFY(!requests.isEmpty());
        for (const QJsonObject& r : requests) {
            QCOMPARE(nettest::loggedHeader(r, keyHeader), nettest::redactedHash(keyValue));
            if (!extraHeader.isEmpty())
                QCOMPARE(nettest::loggedHeader(r, extraHeader), extraValue);
            QVERIFY(r.value(QLatin1String("authorized")).toBool());
            QCOMPARE(nettest::loggedHeader(r, QStringLiteral("accept")),
                     QStringLiteral("application/json"));
            QCOMPARE(nettest::loggedHeader(r, QStringLiteral("user-agent")),
                     QStringLiteral("ConnectorAdmin"));
            // Which transport sent it: the pool asks for identity, Qt offers compression.
            const bool pooled =
                m_http->maxConnectionsPerHost() > ca::HttpClient::kQtConnectionsPerHost;
            QCOMPARE(nettest::loggedHeader(r, QStringLiteral("accept-encoding")) ==
                         QLatin1String("identity"),
                     pooled);
        }
    }

    void b3osSendsTheOrgIdOnlyWhenTheProfileSetsIt()
    {
        ca::ConnectorProfile p = nettest::profileFor(m_sandbox, ca::Vendor::B3os);
        p.orgId = QStringLiteral("demo-org");
        auto* s = ca::createConnectorService(p, m_http, this);
        ca::ConnectorListJob* job = s->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        for (const QJsonObject& r : nettest::requestsTo(m_sandbox, QStringLiteral("b3os")))
            QCOMPARE(nettest::loggedHeader(r, QStringLiteral("x-org-id")),
                     QStringLiteral("demo-org"));
    }

    void databarListsWithTheTrailingSlash()
    {
        // databar-python client.py list_connectors: GET /connectors/; the slashless path is a
        // FastAPI 307, never needed.
        ca::ConnectorListJob* job = service(ca::Vendor::Databar)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QList<QJsonObject> gets = nettest::requestsTo(m_sandbox, "databar", "GET");
        QCOMPARE(gets.size(), 1);
        QCOMPARE(gets.first().value(QLatin1String("path")).toString(),
                 QStringLiteral("/v1/connectors/"));
        QCOMPARE(gets.first().value(QLatin1String("status")).toInt(), 200);
    }

    void timbalListAcceptsEveryWrapper_data()
    {
        // The spec's 200 schema does not pin the wrapper (timbal openapi.json).
        QTest::addColumn<QString>("shape");
        for (const char* shape : {"connectors", "data", "items", "results", "array"})
            QTest::newRow(shape) << QString::fromLatin1(shape);
    }
    void timbalListAcceptsEveryWrapper()
    {
        QFETCH(QString, shape);
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/config")),
            {{QStringLiteral("timbalListShape"), shape}, {QStringLiteral("timbalPageSize"), 25}}));
        ca::ConnectorListJob* job = service(ca::Vendor::Timbal)->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.connectors.size(), 60);
        QCOMPARE(result.pages, shape == QLatin1String("array") ? 1 : 3);
        for (const QJsonObject& r : nettest::requestsTo(m_sandbox, "timbal", "GET")) {
            const QString query = r.value(QLatin1String("query")).toString();
            QVERIFY2(query.isEmpty() || query.startsWith(QLatin1String("page_token=")),
                     qPrintable(query));
        }
    }

    void aisquaredWalkWhileConnectorsChangeListsEachOnce()
    {
        // Ordered by updated_at descending (Multiwoven Connector default_scope): connectors
        // edited during the walk jump to the first page. The walk deduplicates, notices, and
        // walks once more for the ones it skipped.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("aisquaredChurnPerPage"), 3}}));
        auto* s = service(ca::Vendor::AiSquared);
        s->setPageSize(10);
        ca::ConnectorListJob* job = s->list();
        QSignalSpy pages(job, &ca::ConnectorListJob::pageLoaded);
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QSet<QString> ids;
        for (const ca::Connector& c : result.connectors) {
            QVERIFY2(!ids.contains(c.id), qPrintable(c.id));
            ids.insert(c.id);
        }
        QCOMPARE(ids.size(), 60);
        QCOMPARE(result.count, 60);
        // What pageLoaded delivered, counted once per id, is the same set.
        QSet<QString> delivered;
        for (const QList<QVariant>& page : std::as_const(pages))
            for (const ca::Connector& c : page.first().value<QList<ca::Connector>>())
                delivered.insert(c.id);
        QCOMPARE(delivered, ids);
        QCOMPARE(pages.last().at(1).toInt(), 60);
        // Two walks: page 1 was asked for twice.
        int firstPages = 0;
        for (const QJsonObject& r : nettest::requestsTo(m_sandbox, "aisquared", "GET"))
            firstPages += r.value(QLatin1String("query")).toString().startsWith("page=1&");
        QCOMPARE(firstPages, 2);
    }

    void aisquaredStillListIsWalkedOnce()
    {
        auto* s = service(ca::Vendor::AiSquared);
        s->setPageSize(10);
        ca::ConnectorListJob* job = s->list();
        CA_AWAIT(job, ca::ConnectorListResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.connectors.size(), 60);
        QCOMPARE(nettest::requestsTo(m_sandbox, "aisquared", "GET").size(), 6);
    }

    void idIsOneEncodedPathSegment_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("encodedTail");
        QTest::newRow("dot-dot-slash") << "../../etc"
                                       << "/connectors/..%2F..%2Fetc";
        QTest::newRow("encoded slash") << "a%2Fb"
                                       << "/connectors/a%252Fb";
        QTest::newRow("space and query") << "x y?z#w"
                                         << "/connectors/x%20y%3Fz%23w";
    }
    void idIsOneEncodedPathSegment()
    {
        QFETCH(QString, id);
        QFETCH(QString, encodedTail);
        auto* s = service(ca::Vendor::B3os);
        const QString url = QString::fromLatin1(s->connectorUrl(id).toEncoded());
        QVERIFY2(url.endsWith(encodedTail), qPrintable(url));
        QVERIFY(url.startsWith(m_sandbox.vendorUrl(QStringLiteral("b3os")).toString() +
                               QStringLiteral("/v1/connectors/")));
        // The server sees one unknown id, not another resource.
        ca::ConnectorJob* job = s->get(id);
        CA_AWAIT(job, ca::ConnectorResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::NotFound);
    }

    void malformedIdRefusedBeforeSending_data()
    {
        QTest::addColumn<ca::Vendor>("vendor");
        QTest::addColumn<QString>("id");
        QTest::newRow("databar not integer") << ca::Vendor::Databar << "12a";
        QTest::newRow("databar traversal") << ca::Vendor::Databar << "../1";
        QTest::newRow("bigdata not uuid") << ca::Vendor::Bigdata << "not-a-uuid";
        QTest::newRow("timbal dot-dot") << ca::Vendor::Timbal << "..";
        QTest::newRow("aisquared empty") << ca::Vendor::AiSquared << "";
        // Multiwoven's contracts: id filled(:integer).
        QTest::newRow("aisquared not integer") << ca::Vendor::AiSquared << "../12";
    }
    void malformedIdRefusedBeforeSending()
    {
        QFETCH(ca::Vendor, vendor);
        QFETCH(QString, id);
        nettest::clearRequestLog(m_sandbox);
        ca::ConnectorJob* job = service(vendor)->get(id);
        CA_AWAIT(job, ca::ConnectorResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::Refused);
        QVERIFY(nettest::requestLog(m_sandbox).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConnectorServices)
#include "tst_connector_services.moc"
