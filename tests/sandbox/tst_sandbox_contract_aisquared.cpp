#include "ContractFacts.h"

#include <QSet>
#include <QUrlQuery>
#include <QtTest>

using namespace contract;

// AI Squared as the Multiwoven server behind it answers (Multiwoven/multiwoven server/app:
// controllers/application_controller.rb, concerns/exception_handler.rb,
// api/v1/connectors_controller.rb, contracts/connector_contracts.rb, models/connector.rb,
// serializers/connector_serializer.rb, config/initializers/{kaminari_config,
// custom_pagination_links}.rb; integrations/**/config/spec.json) and VERIFIED.md "aisquared".
// 60 connectors, so that paging needs several pages.
class TestSandboxContractAiSquared : public QObject
{
    Q_OBJECT

    const QString kVendor = QStringLiteral("aisquared");
    const QString kMask = QStringLiteral("*************");
    static constexpr int kConnectors = 60;
    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QString::number(kConnectors)}};

    // The property names flagged multiwoven_secret in each seeded kind's real spec.json.
    static QSet<QString> secretsOf(const QString& connectorName)
    {
        if (connectorName == QLatin1String("Postgresql") ||
            connectorName == QLatin1String("Snowflake"))
            return {QStringLiteral("password")}; // credentials.password
        if (connectorName == QLatin1String("SalesforceCrm"))
            return {QStringLiteral("access_token"), QStringLiteral("refresh_token"),
                    QStringLiteral("client_secret")};
        if (connectorName == QLatin1String("Slack"))
            return {QStringLiteral("api_token")};
        return {}; // Http: destination/http/config/spec.json has none
    }

    QString resolve(const QString& name) const
    {
        auto kind = [this](const char* connectorName, const char* type = nullptr) {
            return stateId(m_sandbox, kVendor, [&](const QJsonObject& c) {
                return c.value(QLatin1String("connector_name")).toString() ==
                           QLatin1String(connectorName) &&
                       (!type ||
                        c.value(QLatin1String("connector_type")).toString() == QLatin1String(type));
            });
        };
        if (name == QLatin1String("first"))
            return stateId(m_sandbox, kVendor, [](const QJsonObject&) { return true; });
        if (name == QLatin1String("described"))
            return stateId(m_sandbox, kVendor, [](const QJsonObject& c) {
                return c.value(QLatin1String("description")).isString();
            });
        if (name == QLatin1String("undescribed"))
            return stateId(m_sandbox, kVendor, [](const QJsonObject& c) {
                return c.value(QLatin1String("description")).isNull();
            });
        if (name == QLatin1String("postgres"))
            return kind("Postgresql", "source");
        if (name == QLatin1String("snowflake"))
            return kind("Snowflake");
        if (name == QLatin1String("salesforce"))
            return kind("SalesforceCrm");
        if (name == QLatin1String("http"))
            return kind("Http");
        if (name == QLatin1String("slack"))
            return kind("Slack");
        return {};
    }

    TestResponse put(const QString& id, const QJsonObject& body) const
    {
        return call(m_sandbox, kVendor, "PUT", itemPath(kVendor, id), body);
    }
    QJsonObject attributes(const QString& id) const
    {
        return call(m_sandbox, kVendor, "GET", itemPath(kVendor, id))
            .object()
            .value(QLatin1String("data"))
            .toObject()
            .value(QLatin1String("attributes"))
            .toObject();
    }
    QJsonArray page(int p, int perPage, const QString& extra = {}) const
    {
        return call(m_sandbox, kVendor, "GET",
                    listPath(kVendor) + QStringLiteral("?page=%1&per_page=%2").arg(p).arg(perPage) +
                        extra)
            .object()
            .value(QLatin1String("data"))
            .toArray();
    }

    // Every key of `answered` (at any depth) against the stored `truth`: secrets masked, the
    // rest as stored. Returns the number of masked values.
    int compareMasked(const QJsonValue& answered, const QJsonValue& truth,
                      const QSet<QString>& secrets, const QString& where) const
    {
        int masked = 0;
        if (truth.isObject()) {
            const QJsonObject a = answered.toObject();
            const QJsonObject t = truth.toObject();
            if (a.keys() != t.keys()) {
                QTest::qFail(qPrintable(where + QStringLiteral(": keys differ")), __FILE__,
                             __LINE__);
                return masked;
            }
            for (auto it = t.begin(); it != t.end(); ++it) {
                if (secrets.contains(it.key())) {
                    if (a.value(it.key()) != QJsonValue(kMask))
                        QTest::qFail(qPrintable(where + QLatin1Char('.') + it.key() +
                                                QStringLiteral(" is not masked")),
                                     __FILE__, __LINE__);
                    ++masked;
                } else {
                    masked += compareMasked(a.value(it.key()), it.value(), secrets,
                                            where + QLatin1Char('.') + it.key());
                }
            }
            return masked;
        }
        if (answered != truth)
            QTest::qFail(qPrintable(where + QStringLiteral(" differs from the stored value")),
                         __FILE__, __LINE__);
        return masked;
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void facts_data()
    {
        addFactColumns();
        const QString a = kVendor;
        const QString list = listPath(a);
        const QString item = collectionPath(a) + QStringLiteral("/");
        const QString cfg = QStringLiteral("data/attributes/configuration/");
        const QString mask = QStringLiteral("\"*************\"");
        const QByteArray rename = "{\"connector\":{\"name\":\"Renamed\"}}";

        // The resource
        fact("aisquared resource is JSON:API type connectors with a string id (multiwoven "
             "connector_serializer.rb, active_model_serializers.rb json_api)",
             a, "GET", item + "{first}", {}, {}, 200,
             "data/type=\"connectors\" ; data/id=\"{first}\" ; data/attributes/workspace_id=1");
        fact("aisquared attributes include description (multiwoven connector_serializer.rb)", a,
             "GET", item + "{described}", {}, {}, 200, "data/attributes/description:string");
        fact("aisquared description may be null (multiwoven db/schema.rb connectors.description)",
             a, "GET", item + "{undescribed}", {}, {}, 200, "data/attributes/description=null");
        fact("aisquared icon is the definition's icon URL (multiwoven base_connector.rb "
             "meta_data)",
             a, "GET", item + "{postgres}", {}, {}, 200,
             "data/attributes/icon=\"https://raw.githubusercontent.com/Multiwoven/multiwoven/main/"
             "integrations/lib/multiwoven/integrations/source/postgresql/icon.svg\"");
        fact("aisquared nested secret credentials.password is masked with 13 asterisks "
             "(multiwoven connector.rb masked_configuration; source/postgresql spec.json)",
             a, "GET", item + "{postgres}", {}, {}, 200,
             cfg + "credentials/password=" + mask + " ; " + cfg + "credentials/username:string ; " +
                 cfg + "host:string ; " + cfg + "port:string");
        fact("aisquared Snowflake credentials.password is masked (source/snowflake spec.json)", a,
             "GET", item + "{snowflake}", {}, {}, 200,
             cfg + "credentials/password=" + mask + " ; " + cfg + "warehouse:string");
        fact("aisquared SalesforceCrm access_token, refresh_token, client_secret are masked "
             "(destination/salesforce_crm spec.json)",
             a, "GET", item + "{salesforce}", {}, {}, 200,
             cfg + "access_token=" + mask + " ; " + cfg + "refresh_token=" + mask + " ; " + cfg +
                 "client_secret=" + mask + " ; " + cfg + "instance_url:string");
        fact("aisquared Slack api_token is masked (destination/slack spec.json)", a, "GET",
             item + "{slack}", {}, {}, 200,
             cfg + "api_token=" + mask + " ; " + cfg + "channel_id:string");
        fact("aisquared Http has no secret property, nothing is masked (destination/http "
             "spec.json)",
             a, "GET", item + "{http}", {}, {}, 200,
             "!~*************" + QStringLiteral(" ; ") + cfg + "destination_url:string");

        // The list
        fact("aisquared default per_page is 10 (multiwoven kaminari_config.rb)", a, "GET", list, {},
             {}, 200, "data/9/id:string ; data/10:missing ; links/next:string");
        fact("aisquared per_page has no maximum (multiwoven kaminari_config.rb max_per_page nil)",
             a, "GET", list + "?per_page=500", {}, {}, 200,
             "data/59/id:string ; links/next=null ; links/prev=null");
        fact("aisquared links self/first/prev/next/last, next null on the last page (multiwoven "
             "custom_pagination_links.rb)",
             a, "GET", list + "?page=6&per_page=10", {}, {}, 200,
             "data/9/id:string ; links/next=null ; links/prev:string ; links/self:string ; "
             "links/first:string ; links/last:string ; ~page=5&per_page=10 ; ~page=6&per_page=10");
        fact("aisquared links are absolute with page and per_page (multiwoven "
             "connectors_controller_spec.rb links first)",
             a, "GET", list + "?page=1&per_page=20", {}, {}, 200,
             "links/first=\"{origin}/aisquared/api/v1/connectors?page=1&per_page=20\" ; "
             "links/prev=null ; links/next=\"{origin}/aisquared/api/v1/connectors?page=2&per_page="
             "20\" ; links/last=\"{origin}/aisquared/api/v1/connectors?page=3&per_page=20\"");
        fact("aisquared type=source lists sources only (multiwoven connectors_controller.rb index)",
             a, "GET", list + "?type=source&per_page=100", {}, {}, 200,
             "data/0/attributes/connector_type=\"source\" ; !~\"destination\"");
        fact("aisquared an unknown type is a 400 contract hash (multiwoven connector_contracts.rb "
             "Index)",
             a, "GET", list + "?type=sideways", {}, {}, 400, "errors/type=[\"invalid type\"]", {},
             true);
        fact("aisquared per_page=0 is a 400 bad request (Kaminari ZeroPerPageOperation; "
             "multiwoven exception_handler.rb)",
             a, "GET", list + "?per_page=0", {}, {}, 400,
             "errors/0/status=400 ; errors/0/title=\"Bad Request\" ; errors/0/detail:string");

        // Auth and workspace
        fact("aisquared 401 render_error Unauthorized (multiwoven application_controller.rb "
             "authenticate_user!)",
             a, "GET", list, {}, "key=wrong", 401,
             "errors/0/status=401 ; errors/0/title=\"Error\" ; errors/0/detail=\"Unauthorized\"");
        fact("aisquared missing Workspace-Id is 400 Workspace not found (multiwoven "
             "application_controller.rb current_workspace; exception_handler.rb)",
             a, "GET", list, {}, "-Workspace-Id", 400,
             "errors/0/status=400 ; errors/0/title=\"Bad Request\" ; errors/0/detail=\"There was "
             "a problem with the request format: Workspace not found\" ; "
             "errors/0/source/pointer=\"/request/payload\"");
        fact("aisquared unknown Workspace-Id is 400 Workspace not found, not 403 (VERIFIED.md "
             "aisquared)",
             a, "GET", item + "{first}", {}, "+Workspace-Id: 2", 400,
             "errors/0/detail=\"There was a problem with the request format: Workspace not "
             "found\"");
        fact("aisquared read-only key on PUT is 403 render_error (multiwoven exception_handler.rb "
             "Pundit::NotAuthorizedError)",
             a, "PUT", item + "{first}", rename, "key=readonly", 403,
             "errors/0/status=403 ; errors/0/title=\"Error\" ; errors/0/detail=\"You are not "
             "authorized to do this action\"",
             {}, true);

        // Errors of show and update
        fact("aisquared non-integer id is a 400 hash (multiwoven connector_contracts.rb Show; "
             "connectors_controller_spec.rb)",
             a, "GET", item + "test", {}, {}, 400, "errors/id=[\"must be an integer\"]");
        fact("aisquared unknown id is 404 Connector not found (multiwoven connectors_controller.rb "
             "set_connector)",
             a, "GET", item + "99999", {}, {}, 404,
             "errors/0/status=404 ; errors/0/title=\"Error\" ; errors/0/detail=\"Connector not "
             "found\"");
        fact("aisquared PUT of an unknown id is 404 (multiwoven connectors_controller.rb "
             "set_connector)",
             a, "PUT", item + "99999", rename, {}, 404, "errors/0/detail=\"Connector not found\"",
             {}, true);
        fact("aisquared empty name is a 400 contract hash (multiwoven connector_contracts.rb "
             "Update optional(:name).filled)",
             a, "PUT", item + "{first}", "{\"connector\":{\"name\":\"\"}}", {}, 400,
             "errors/connector/name=[\"must be filled\"]", {}, true);
        fact("aisquared empty configuration is a 400 contract hash (multiwoven "
             "connector_contracts.rb Update optional(:configuration).filled(:hash))",
             a, "PUT", item + "{first}", "{\"connector\":{\"configuration\":{}}}", {}, 400,
             "errors/connector/configuration=[\"must be filled\"]", {}, true);
        fact("aisquared non-object configuration is a 400 contract hash (multiwoven "
             "connector_contracts.rb Update)",
             a, "PUT", item + "{first}", "{\"connector\":{\"configuration\":\"x\"}}", {}, 400,
             "errors/connector/configuration=[\"must be a hash\"]", {}, true);
        fact("aisquared unknown connector_type is a 400 contract hash (multiwoven "
             "connector_contracts.rb Update rule)",
             a, "PUT", item + "{first}", "{\"connector\":{\"connector_type\":\"sideways\"}}", {},
             400, "errors/connector/connector_type=[\"invalid connector type\"]", {}, true);
        fact("aisquared connector_type without its connector_name is a 400 (multiwoven "
             "connector_contracts.rb Update rule on connector_type and connector_name)",
             a, "PUT", item + "{first}", "{\"connector\":{\"connector_type\":\"destination\"}}", {},
             400, "errors/connector/connector_type=[\"invalid connector destination name\"]", {},
             true);
        fact("aisquared a body without connector is 422 param is missing (multiwoven "
             "exception_handler.rb ParameterMissing)",
             a, "PUT", item + "{first}", "{\"foo\":1}", {}, 422,
             "error=\"param is missing or the value is empty: connector\"", {}, true);
        fact("aisquared a configuration invalid for its kind is 422 Connector update failed "
             "(multiwoven connector.rb validates configuration json schema; "
             "connectors_controller.rb update)",
             a, "PUT", item + "{postgres}", "{\"connector\":{\"configuration\":{\"host\":\"x\"}}}",
             {}, 422,
             "errors/0/status=422 ; errors/0/title=\"Error\" ; errors/0/detail=\"Connector update "
             "failed\" ; errors/0/source/configuration:string",
             {}, true);
        fact("aisquared a body that is not JSON is Rails' 400 (docs/sandbox.md aisquared, "
             "assumed)",
             a, "PUT", item + "{first}", "{nope", {}, 400, "status=400 ; error=\"Bad Request\"", {},
             true);
        fact("aisquared a body sent without a JSON Content-Type is not read: connector is "
             "missing (Rails params parsing; multiwoven connector_contracts.rb Update)",
             a, "PUT", item + "{first}", rename, "+Content-Type: text/plain", 400,
             "errors/connector=[\"is missing\"]", {}, true);
        fact("aisquared unknown path is Rails' routing 404 (docs/sandbox.md aisquared)", a, "GET",
             "/aisquared/api/v2/things", {}, {}, 404, "status=404 ; error=\"Not Found\"");

        // Partial update
        fact("aisquared PUT of description alone changes it (multiwoven connectors_controller.rb "
             "connector_params permits description)",
             a, "PUT", item + "{first}", "{\"connector\":{\"description\":\"Changed\"}}", {}, 200,
             "data/attributes/description=\"Changed\" ; data/id=\"{first}\"");
        fact("aisquared PUT of description null clears it (multiwoven connector_params)", a, "PUT",
             item + "{described}", "{\"connector\":{\"description\":null}}", {}, 200,
             "data/attributes/description=null");
        fact("aisquared a JSON body without connector is wrapped under it (Rails 7.1 "
             "wrap_parameters; multiwoven config/application.rb load_defaults 7.1)",
             a, "PUT", item + "{first}", "{\"name\":\"Wrapped\"}", {}, 200,
             "data/attributes/name=\"Wrapped\"");
    }
    void facts()
    {
        runFact(m_sandbox, [this](const QString& name) {
            if (name == QLatin1String("origin"))
                return m_sandbox.baseUrl().toString();
            return resolve(name);
        });
    }

    // ---- masking, per kind, against the stored truth ----

    void maskingFollowsTheKindsSpec_data()
    {
        QTest::addColumn<QString>("placeholder");
        QTest::addColumn<int>("masked");
        QTest::newRow("aisquared Postgresql masks credentials.password only (source/postgresql "
                      "spec.json multiwoven_secret)")
            << QStringLiteral("postgres") << 1;
        QTest::newRow("aisquared Snowflake masks credentials.password only (source/snowflake "
                      "spec.json)")
            << QStringLiteral("snowflake") << 1;
        QTest::newRow("aisquared SalesforceCrm masks its three secrets only "
                      "(destination/salesforce_crm spec.json)")
            << QStringLiteral("salesforce") << 3;
        QTest::newRow("aisquared Slack masks api_token only (destination/slack spec.json)")
            << QStringLiteral("slack") << 1;
        QTest::newRow("aisquared Http masks nothing, its Authorization header included "
                      "(destination/http spec.json)")
            << QStringLiteral("http") << 0;
    }
    void maskingFollowsTheKindsSpec()
    {
        QFETCH(QString, placeholder);
        QFETCH(int, masked);
        const QString id = resolve(placeholder);
        QVERIFY(!id.isEmpty());
        const QJsonObject stored = stateEntry(m_sandbox, kVendor, id);
        const QJsonObject shown = attributes(id);
        const int n = compareMasked(
            shown.value(QLatin1String("configuration")),
            stored.value(QLatin1String("configuration")),
            secretsOf(stored.value(QLatin1String("connector_name")).toString()), placeholder);
        QCOMPARE(n, masked);
        QVERIFY(!stored.value(QLatin1String("configuration")).toObject().isEmpty());
    }

    void maskingAppliesAtAnyDepth()
    {
        // masked_configuration masks every key of a secret name wherever it sits, even where
        // the spec does not put it (mask_secret_values walks hashes and arrays).
        const QString id = resolve(QStringLiteral("salesforce"));
        const QJsonObject stored = stateEntry(m_sandbox, kVendor, id);
        QJsonObject configuration = stored.value(QLatin1String("configuration")).toObject();
        configuration.insert(QStringLiteral("extra"),
                             QJsonObject{{QStringLiteral("deeper"),
                                          QJsonArray{QJsonObject{
                                              {QStringLiteral("client_secret"),
                                               QStringLiteral("nested-secret-value")},
                                              {QStringLiteral("note"), QStringLiteral("kept")}}}}});
        const TestResponse r =
            put(id, {{QStringLiteral("connector"),
                      QJsonObject{{QStringLiteral("configuration"), configuration}}}});
        QVERIFY2(r.status == 200, r.body.constData());
        QVERIFY(!r.body.contains("nested-secret-value"));
        const QJsonObject deeper = r.object()
                                       .value(QLatin1String("data"))
                                       .toObject()
                                       .value(QLatin1String("attributes"))
                                       .toObject()
                                       .value(QLatin1String("configuration"))
                                       .toObject()
                                       .value(QLatin1String("extra"))
                                       .toObject()
                                       .value(QLatin1String("deeper"))
                                       .toArray()
                                       .first()
                                       .toObject();
        QCOMPARE(deeper.value(QLatin1String("client_secret")).toString(), kMask);
        QCOMPARE(deeper.value(QLatin1String("note")).toString(), QStringLiteral("kept"));
        QCOMPARE(findKey(stateEntry(m_sandbox, kVendor, id), QStringLiteral("extra"))
                     .toObject()
                     .value(QLatin1String("deeper"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QLatin1String("client_secret"))
                     .toString(),
                 QStringLiteral("nested-secret-value"));
    }

    void masksSentBackAreStoredAsTheSecret()
    {
        // VERIFIED.md aisquared: configuration replaces the stored one whole, masks included.
        const QString id = resolve(QStringLiteral("postgres"));
        const QJsonObject shown = attributes(id).value(QLatin1String("configuration")).toObject();
        const TestResponse r = put(id, {{QStringLiteral("connector"),
                                         QJsonObject{{QStringLiteral("configuration"), shown}}}});
        QCOMPARE(r.status, 200);
        const QJsonObject stored =
            stateEntry(m_sandbox, kVendor, id).value(QLatin1String("configuration")).toObject();
        QCOMPARE(stored, shown);
        QCOMPARE(stored.value(QLatin1String("credentials"))
                     .toObject()
                     .value(QLatin1String("password"))
                     .toString(),
                 kMask);
    }

    void renameKeepsConfigurationAndMovesUpdatedAt()
    {
        // VERIFIED.md aisquared: every field is optional; only the given ones change.
        const QString id = resolve(QStringLiteral("snowflake"));
        const QJsonObject before = stateEntry(m_sandbox, kVendor, id);
        QCOMPARE(put(id, {{QStringLiteral("connector"),
                           QJsonObject{{QStringLiteral("name"), QStringLiteral("Renamed")}}}})
                     .status,
                 200);
        const QJsonObject after = stateEntry(m_sandbox, kVendor, id);
        QCOMPARE(after.value(QLatin1String("configuration")),
                 before.value(QLatin1String("configuration")));
        QCOMPARE(after.value(QLatin1String("description")),
                 before.value(QLatin1String("description")));
        QCOMPARE(after.value(QLatin1String("name")).toString(), QStringLiteral("Renamed"));
        QVERIFY(after.value(QLatin1String("updated_at")) !=
                before.value(QLatin1String("updated_at")));
    }

    // ---- order and churn ----

    void listIsOrderedByUpdatedAtDescending()
    {
        // models/connector.rb: default_scope { order(updated_at: :desc) }.
        const QJsonArray all = page(1, 1000);
        QCOMPARE(all.size(), kConnectors);
        auto key = [](const QJsonValue& v) {
            return std::make_pair(
                v[QLatin1String("attributes")][QLatin1String("updated_at")].toString(),
                v[QLatin1String("id")].toString().toInt());
        };
        for (qsizetype i = 1; i < all.size(); ++i)
            QVERIFY2(key(all.at(i - 1)) > key(all.at(i)),
                     qPrintable(QStringLiteral("out of order at %1").arg(i)));
        // An edit moves the connector to the front.
        const QString lastId = all.last()[QLatin1String("id")].toString();
        QCOMPARE(
            put(lastId, {{QStringLiteral("connector"),
                          QJsonObject{{QStringLiteral("description"), QStringLiteral("bump")}}}})
                .status,
            200);
        QCOMPARE(page(1, 1).first()[QLatin1String("id")].toString(), lastId);
    }

    void churnKnobShiftsAPagedWalk_data()
    {
        QTest::addColumn<int>("churn");
        QTest::newRow("aisquared without churn a page walk sees every connector once "
                      "(docs/sandbox.md aisquaredChurnPerPage 0)")
            << 0;
        QTest::newRow("aisquared with concurrent edits a naive page walk skips or repeats "
                      "connectors (VERIFIED.md aisquared ordered by updated_at)")
            << 3;
    }
    void churnKnobShiftsAPagedWalk()
    {
        QFETCH(int, churn);
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("aisquaredChurnPerPage"), churn}}));
        const QByteArray before = stateBytes(m_sandbox);
        QStringList seen;
        for (int p = 1; p <= kConnectors / 10; ++p) {
            for (const QJsonValue& v : page(p, 10))
                seen << v[QLatin1String("id")].toString();
        }
        const QSet<QString> distinct(seen.begin(), seen.end());
        if (churn == 0) {
            QCOMPARE(seen.size(), kConnectors);
            QCOMPARE(distinct.size(), kConnectors);
            QVERIFY(stateBytes(m_sandbox) == before);
            return;
        }
        QCOMPARE(seen.size(), kConnectors);
        QVERIFY2(distinct.size() < kConnectors, "churn did not make the walk repeat connectors");
        QVERIFY(stateBytes(m_sandbox) != before);
        // Deduplicating and re-reading from page 1 finds the ones a walk skipped.
        QSet<QString> all = distinct;
        for (const QJsonValue& v : page(1, 1000))
            all << v[QLatin1String("id")].toString();
        QCOMPARE(all.size(), kConnectors);
    }

    void churnMovesTheLastConnectorsToTheFront()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("aisquaredChurnPerPage"), 2}}));
        const QJsonArray before = page(1, 1000); // served, then its last two are bumped
        QStringList lastTwo{before.at(kConnectors - 1)[QLatin1String("id")].toString(),
                            before.at(kConnectors - 2)[QLatin1String("id")].toString()};
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("aisquaredChurnPerPage"), 0}}));
        const QJsonArray after = page(1, 2);
        QStringList front{after.at(0)[QLatin1String("id")].toString(),
                          after.at(1)[QLatin1String("id")].toString()};
        std::sort(lastTwo.begin(), lastTwo.end());
        std::sort(front.begin(), front.end());
        QCOMPARE(front, lastTwo);
    }

    void churnKnobIsChecked()
    {
        const TestResponse r =
            TestHttp::sendJson("POST", m_sandbox.url(QStringLiteral("/_sandbox/config")), {},
                               QJsonObject{{QStringLiteral("aisquaredChurnPerPage"), -1}});
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("aisquaredChurnPerPage"), r.body.constData());
    }

    void linksFollowedToTheEndSeeEveryConnector()
    {
        QUrl url = m_sandbox.url(listPath(kVendor) + QStringLiteral("?per_page=7"));
        QStringList ids;
        int pages = 0;
        while (!url.isEmpty()) {
            const TestResponse r = TestHttp::get(url, authHeaders(kVendor));
            QCOMPARE(r.status, 200);
            QVERIFY(++pages <= 20);
            for (const QJsonValue& v : r.object().value(QLatin1String("data")).toArray())
                ids << v[QLatin1String("id")].toString();
            const QJsonValue next = r.object()[QLatin1String("links")][QLatin1String("next")];
            url = next.isString() ? QUrl(next.toString()) : QUrl();
        }
        QCOMPARE(pages, 9);
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), kConnectors);
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractAiSquared)
#include "tst_sandbox_contract_aisquared.moc"
