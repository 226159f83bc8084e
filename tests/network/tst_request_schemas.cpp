#include "NetworkTestSupport.h"

#include "AiSquaredService.h"
#include "HttpClient.h"
#include "TimbalService.h"

#include <valijson/adapters/qtjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <QFile>

// Every body the services put on the wire validates against the vendor's published request schema
// (resources/schemas/requests/<vendor>.json, transcribed from the seed pages).
class TestRequestSchemas : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    ca::HttpClient* m_http = nullptr;

    static bool loadSchema(const QString& vendor, valijson::Schema* schema)
    {
        QFile f(QStringLiteral(CA_SOURCE_DIR "/resources/schemas/requests/%1.json").arg(vendor));
        if (!f.open(QIODevice::ReadOnly))
            return false;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
        valijson::SchemaParser parser;
        valijson::adapters::QtJsonAdapter adapter(QJsonValue(doc.object()));
        parser.populateSchema(adapter, *schema);
        return true;
    }

    // Empty when valid, else the validator's complaints.
    static QString violations(const QString& vendor, const QJsonValue& body)
    {
        valijson::Schema schema;
        if (!loadSchema(vendor, &schema))
            return QStringLiteral("schema file missing");
        valijson::Validator validator;
        valijson::ValidationResults results;
        valijson::adapters::QtJsonAdapter target(body);
        if (validator.validate(schema, target, &results))
            return {};
        QStringList out;
        valijson::ValidationResults::Error error;
        while (results.popError(error)) {
            QStringList ctx;
            for (const std::string& c : error.context)
                ctx << QString::fromStdString(c);
            out << ctx.join(QString()) + QStringLiteral(": ") +
                       QString::fromStdString(error.description);
        }
        return out.join(QStringLiteral("\n"));
    }

    ca::ConnectorService* service(ca::Vendor vendor)
    {
        return ca::createConnectorService(nettest::profileFor(m_sandbox, vendor), m_http, this);
    }

    QList<ca::Connector> listAll(ca::Vendor vendor)
    {
        ca::ConnectorListJob* job = service(vendor)->list();
        QSignalSpy spy(job, &ca::ConnectorListJob::finished);
        if (!spy.wait(30000))
            return {};
        return spy.first().first().value<ca::ConnectorListResult>().connectors;
    }

    bool runUpdate(ca::Vendor vendor, const ca::Connector& base, const QJsonObject& edited)
    {
        ca::ConnectorUpdateJob* job = service(vendor)->update(base, edited);
        QSignalSpy spy(job, &ca::ConnectorUpdateJob::finished);
        return spy.wait(30000);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_http = nettest::newHttpClient(this);
    }

    void schemasRejectWhatTheSeedForbids_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("timbal version not string") << "timbal" << QByteArray(R"({"version":3})");
        QTest::newRow("aisquared bad type")
            << "aisquared"
            << QByteArray(
                   R"({"connector":{"name":"a","connector_type":"sideways","connector_name":"x"}})");
        QTest::newRow("aisquared no wrapper") << "aisquared" << QByteArray(R"({"name":"a"})");
        QTest::newRow("b3os maskedData") << "b3os" << QByteArray(R"({"name":"a","maskedData":{}})");
        QTest::newRow("databar missing url")
            << "databar" << QByteArray(R"({"name":"a","method":"get"})");
        QTest::newRow("databar rate_limit 0")
            << "databar" << QByteArray(R"({"name":"a","method":"get","url":"u","rate_limit":0})");
        QTest::newRow("bigdata no email_hash")
            << "bigdata" << QByteArray(R"({"label":"a","config":{"allowed_emails":[]}})");
        QTest::newRow("bigdata no label") << "bigdata" << QByteArray(R"({"description":"a"})");
    }
    void schemasRejectWhatTheSeedForbids()
    {
        QFETCH(QString, vendor);
        QFETCH(QByteArray, body);
        QVERIFY(!violations(vendor, QJsonDocument::fromJson(body).object()).isEmpty());
    }

    void everySentBodyMatchesTheVendorSchema()
    {
        QVERIFY(nettest::resetSandbox(m_sandbox));
        // AI Squared: a rename, and a configuration change with secrets re-entered.
        for (const ca::Connector& c : listAll(ca::Vendor::AiSquared).mid(0, 3)) {
            QJsonObject edited = c.editable;
            edited.insert(QStringLiteral("name"), c.displayName + QStringLiteral(" 2"));
            QVERIFY(runUpdate(ca::Vendor::AiSquared, c, edited));
            QJsonObject config = edited.value(QLatin1String("configuration")).toObject();
            for (auto it = config.begin(); it != config.end(); ++it) {
                if (it.value().toString() == ca::AiSquaredService::maskedPlaceholder())
                    it.value() = QStringLiteral("new-secret");
            }
            config.insert(QStringLiteral("extra"), 1);
            edited.insert(QStringLiteral("configuration"), config);
            QVERIFY(runUpdate(ca::Vendor::AiSquared, c, edited));
        }
        // B3OS: description only, and new data.
        for (const ca::Connector& c : listAll(ca::Vendor::B3os).mid(0, 2)) {
            QJsonObject edited = c.editable;
            edited.insert(QStringLiteral("description"), QStringLiteral("d"));
            QVERIFY(runUpdate(ca::Vendor::B3os, c, edited));
            edited.insert(QStringLiteral("data"),
                          QJsonObject{{QStringLiteral("token"), QStringLiteral("t-123456")}});
            QVERIFY(runUpdate(ca::Vendor::B3os, c, edited));
        }
        // Databar: as fetched, and with a changed rate limit.
        for (const ca::Connector& c : listAll(ca::Vendor::Databar).mid(0, 3)) {
            QJsonObject edited = c.editable;
            QVERIFY(runUpdate(ca::Vendor::Databar, c, edited));
            edited.insert(QStringLiteral("rate_limit"), 60);
            QVERIFY(runUpdate(ca::Vendor::Databar, c, edited));
        }
        // Bigdata: both types.
        for (const ca::Connector& c : listAll(ca::Vendor::Bigdata).mid(0, 6)) {
            QJsonObject edited = c.editable;
            edited.insert(QStringLiteral("label"), QStringLiteral("L"));
            QVERIFY(runUpdate(ca::Vendor::Bigdata, c, edited));
        }
        // Timbal: latest (null) and an explicit version.
        auto* timbal = qobject_cast<ca::TimbalService*>(service(ca::Vendor::Timbal));
        const QList<ca::Connector> timbalConnectors = listAll(ca::Vendor::Timbal);
        QVERIFY(timbalConnectors.size() >= 2);
        for (const QString& version : {QString(), QStringLiteral("v0.1.3")}) {
            ca::TimbalSoftwareUpdateJob* job = timbal->triggerSoftwareUpdate(
                timbalConnectors.at(version.isEmpty() ? 0 : 1).id, version);
            QSignalSpy spy(job, &ca::TimbalSoftwareUpdateJob::finished);
            QVERIFY(spy.wait(30000));
        }

        int checked = 0;
        for (const QJsonValue& v : nettest::requestLog(m_sandbox)) {
            const QJsonObject r = v.toObject();
            const QString method = r.value(QLatin1String("method")).toString();
            if (method != QLatin1String("PUT") && method != QLatin1String("POST"))
                continue;
            const QString vendor = r.value(QLatin1String("vendor")).toString();
            const QString problems = violations(vendor, r.value(QLatin1String("json")));
            QVERIFY2(problems.isEmpty(), qPrintable(vendor + QStringLiteral(" ") +
                                                    r.value(QLatin1String("path")).toString() +
                                                    QStringLiteral(": ") + problems));
            ++checked;
        }
        QCOMPARE(checked, 6 + 4 + 6 + 6 + 2);
    }
};

QTEST_GUILESS_MAIN(TestRequestSchemas)
#include "tst_request_schemas.moc"
