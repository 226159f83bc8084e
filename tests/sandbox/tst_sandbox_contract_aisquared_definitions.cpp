#include "ContractFacts.h"

#include <QCryptographicHash>
#include <QSet>
#include <QtTest>

using namespace contract;

// AI Squared's connector definitions and check_connection as the Multiwoven server behind it
// answers them (Multiwoven/multiwoven server/app: controllers/api/v1/
// connector_definitions_controller.rb, interactors/connector_definitions/
// filter_connector_definitions.rb, policies/connector_definition_policy.rb, contracts/
// connector_definition_contracts.rb, spec/requests/api/v1/connector_definitions_spec.rb;
// integrations/lib/multiwoven/integrations/service.rb and <type>/<kind>/config/{meta,spec}.json)
// and docs/sandbox.md "aisquared". The specifications are read from the definitions endpoint and
// checked here with the test's own draft-07 reading, not the sandbox's.
class TestSandboxContractAiSquaredDefinitions : public QObject
{
    Q_OBJECT

    const QString kVendor = QStringLiteral("aisquared");
    const QString kMask = QStringLiteral("*************");
    const QString kDefinitions = QStringLiteral("/aisquared/api/v1/connector_definitions");
    static constexpr int kConnectors = 60;
    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QString::number(kConnectors)}};

    QJsonArray definitions(const QString& type) const
    {
        return call(m_sandbox, kVendor, "GET", kDefinitions + QStringLiteral("?type=") + type)
            .array();
    }
    QJsonObject specOf(const QString& type, const QString& name) const
    {
        return call(m_sandbox, kVendor, "GET",
                    kDefinitions + QLatin1Char('/') + name + QStringLiteral("?type=") + type)
            .object()
            .value(QLatin1String("connector_spec"))
            .toObject()
            .value(QLatin1String("connection_specification"))
            .toObject();
    }
    QJsonArray state() const
    {
        return TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=") + kVendor))
            .value(kVendor)
            .toArray();
    }
    // The first stored connector of (type, name) that holds at least `secrets` flagged values.
    QJsonObject storedOf(const QString& type, const QString& name, int secrets = 0) const
    {
        const QSet<QString> names = flagged(specOf(type, name));
        for (const QJsonValue& v : state()) {
            const QJsonObject c = v.toObject();
            if (c.value(QLatin1String("connector_type")).toString() == type &&
                c.value(QLatin1String("connector_name")).toString() == name &&
                flaggedValues(c.value(QLatin1String("configuration")), names) >= secrets)
                return c;
        }
        return {};
    }
    TestResponse check(const QString& type, const QString& name, const QJsonValue& spec,
                       const QByteArray& key = kKey, int timeoutMs = 10000) const
    {
        return call(m_sandbox, kVendor, "POST", kDefinitions + QStringLiteral("/check_connection"),
                    QJsonObject{{QStringLiteral("type"), type},
                                {QStringLiteral("name"), name},
                                {QStringLiteral("connection_spec"), spec}},
                    key, timeoutMs);
    }
    static QJsonObject statusOf(const TestResponse& r)
    {
        return r.object().value(QLatin1String("connection_status")).toObject();
    }

    // The property names a specification flags multiwoven_secret, at any depth.
    static QSet<QString> flagged(const QJsonObject& schema)
    {
        QSet<QString> out;
        const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            if (it.value()[QLatin1String("multiwoven_secret")].toBool())
                out << it.key();
            out += flagged(it.value().toObject());
        }
        return out;
    }
    // How many values of a flagged name `v` holds, at any depth.
    static int flaggedValues(const QJsonValue& v, const QSet<QString>& names)
    {
        int n = 0;
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.begin(); it != o.end(); ++it)
                n += names.contains(it.key()) ? 1 : flaggedValues(it.value(), names);
        } else if (v.isArray()) {
            for (const QJsonValue& item : v.toArray())
                n += flaggedValues(item, names);
        }
        return n;
    }
    // Every property of a schema at any depth (object properties), as "path: schema".
    static void eachProperty(const QJsonObject& schema, const QString& at,
                             QList<QPair<QString, QJsonObject>>* out)
    {
        const QJsonObject properties = schema.value(QLatin1String("properties")).toObject();
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            out->append({at + QLatin1Char('/') + it.key(), it.value().toObject()});
            eachProperty(it.value().toObject(), at + QLatin1Char('/') + it.key(), out);
        }
    }

    // The test's own reading of the draft-07 keywords the specifications use: where `v` first
    // breaks `schema`, empty when it does not.
    static QString violation(const QJsonValue& v, const QJsonObject& s, const QString& at = {})
    {
        const QString type = s.value(QLatin1String("type")).toString();
        const bool typed = type.isEmpty() || (type == QLatin1String("string") && v.isString()) ||
                           (type == QLatin1String("integer") && v.isDouble() &&
                            v.toDouble() == double(qint64(v.toDouble()))) ||
                           (type == QLatin1String("boolean") && v.isBool()) ||
                           (type == QLatin1String("object") && v.isObject()) ||
                           (type == QLatin1String("array") && v.isArray());
        if (!typed)
            return at + QStringLiteral(": not ") + type;
        if (s.contains(QLatin1String("enum")) &&
            !s.value(QLatin1String("enum")).toArray().contains(v))
            return at + QStringLiteral(": not in enum");
        if (s.contains(QLatin1String("oneOf"))) {
            int n = 0;
            for (const QJsonValue& alt : s.value(QLatin1String("oneOf")).toArray())
                n += alt[QLatin1String("const")] == v ? 1 : 0;
            if (n != 1)
                return at + QStringLiteral(": not one of the oneOf consts");
        }
        if (v.isDouble() && s.contains(QLatin1String("minimum")) &&
            v.toDouble() < s[QLatin1String("minimum")].toDouble())
            return at + QStringLiteral(": below minimum");
        if (v.isDouble() && s.contains(QLatin1String("maximum")) &&
            v.toDouble() > s[QLatin1String("maximum")].toDouble())
            return at + QStringLiteral(": above maximum");
        if (s.contains(QLatin1String("if"))) {
            const bool taken = violation(v, s.value(QLatin1String("if")).toObject(), at).isEmpty();
            const QString e = violation(
                v, s.value(taken ? QLatin1String("then") : QLatin1String("else")).toObject(), at);
            if (!e.isEmpty())
                return e;
        }
        if (v.isArray()) {
            const QJsonArray a = v.toArray();
            for (qsizetype i = 0; i < a.size(); ++i) {
                const QString e = violation(a.at(i), s.value(QLatin1String("items")).toObject(),
                                            at + QLatin1Char('/') + QString::number(i));
                if (!e.isEmpty())
                    return e;
            }
        }
        if (!v.isObject())
            return {};
        const QJsonObject o = v.toObject();
        for (const QJsonValue& r : s.value(QLatin1String("required")).toArray()) {
            if (!o.contains(r.toString()))
                return at + QStringLiteral(": missing ") + r.toString();
        }
        const QJsonObject properties = s.value(QLatin1String("properties")).toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QJsonObject sub = properties.contains(it.key())
                                        ? properties.value(it.key()).toObject()
                                        : s.value(QLatin1String("additionalProperties")).toObject();
            const QString e = violation(it.value(), sub, at + QLatin1Char('/') + it.key());
            if (!e.isEmpty())
                return e;
        }
        return {};
    }

    // `v` with the value at a JSON pointer replaced (an undefined value removes the key).
    static QJsonValue with(const QJsonValue& v, const QStringList& path, const QJsonValue& value)
    {
        if (path.isEmpty())
            return value;
        if (v.isArray()) {
            QJsonArray a = v.toArray();
            a[path.first().toInt()] = with(a.at(path.first().toInt()), path.mid(1), value);
            return a;
        }
        QJsonObject o = v.toObject();
        if (path.size() == 1 && value.isUndefined())
            o.remove(path.first());
        else
            o.insert(path.first(), with(o.value(path.first()), path.mid(1), value));
        return o;
    }
    static QByteArray redacted(const QString& secret)
    {
        return "[redacted sha256:" +
               QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256)
                   .toHex()
                   .left(8) +
               "]";
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void facts_data()
    {
        addFactColumns();
        const QString a = kVendor;
        const QString defs = kDefinitions;
        const QString check = kDefinitions + QStringLiteral("/check_connection");
        const QString json = QStringLiteral("+Content-Type: application/json");
        const QByteArray pg =
            "{\"type\":\"source\",\"name\":\"Postgresql\",\"connection_spec\":{\"host\":\"h\"}}";

        // Listing and showing
        fact("aisquared definitions ?type=source is the array of source definitions "
             "(filter_connector_definitions.rb context.connectors[context.type])",
             a, "GET", defs + "?type=source", {}, {}, 200,
             "0/connector_type=\"source\" ; 0/connector_spec/connection_specification/type="
             "\"object\" ; ~\"name\":\"Snowflake\" ; !~\"connector_type\":\"destination\"",
             {}, true);
        fact("aisquared definitions without type are {source, destination} "
             "(filter_connector_definitions.rb; connector_definitions_spec.rb index)",
             a, "GET", defs, {}, {}, 200,
             "source:array ; destination:array ; source/0/name:string");
        fact("aisquared a definition is meta.json data plus connector_spec (service.rb "
             "build_connectors; base_connector.rb meta_data icon URL)",
             a, "GET", defs + "/Postgresql?type=source", {}, {}, 200,
             "name=\"Postgresql\" ; title=\"PostgreSQL\" ; category=\"Data Warehouse\" ; "
             "sub_category=\"Relational Database\" ; github_issue_label=\"source-postgresql\" ; "
             "license=\"MIT\" ; release_stage=\"alpha\" ; support_level=\"community\" ; "
             "tags=[\"language:ruby\",\"multiwoven\"] ; icon=\"https://raw.githubusercontent.com/"
             "Multiwoven/multiwoven/main/integrations/lib/multiwoven/integrations/source/"
             "postgresql/icon.svg\" ; connector_spec/stream_type=\"dynamic\" ; "
             "connector_spec/connector_query_type=\"raw_sql\" ; "
             "connector_spec/supports_normalization=false ; connector_spec/supports_dbt=false ; "
             "connector_spec/documentation_url:string ; "
             "connector_spec/supported_destination_sync_modes:missing");
        fact("aisquared show matches the name case-insensitively (connector_definitions_"
             "controller.rb show downcase)",
             a, "GET", defs + "/pOSTGRESQL?type=destination", {}, {}, 200,
             "name=\"Postgresql\" ; connector_type=\"destination\"");
        fact("aisquared show of an unknown name is {\"data\":[]} (connector_definitions_spec.rb "
             "returns empty array not found; json_api adapter on [])",
             a, "GET", defs + "/Unknown?type=source", {}, {}, 200, "data=[]");
        fact("aisquared show of a destination-only kind as a source is {\"data\":[]} "
             "(connector_definitions_controller.rb show)",
             a, "GET", defs + "/Slack?type=source", {}, {}, 200, "data=[]");
        fact("aisquared show without type is a 400 contract hash (connector_definition_"
             "contracts.rb Show required(:type))",
             a, "GET", defs + "/Postgresql", {}, {}, 400, "errors/type=[\"is missing\"]");
        fact("aisquared list with an unknown type is a 400 contract hash (connector_definition_"
             "contracts.rb Index rule(:type))",
             a, "GET", defs + "?type=sideways", {}, {}, 400,
             "errors/type=[\"invalid connector type\"]");
        fact("aisquared category=ai_ml keeps AI Model kinds only: none here, {\"data\":[]} "
             "(filter_connector_definitions.rb; connector.rb AI_ML_CATEGORIES)",
             a, "GET", defs + "?type=source&category=ai_ml", {}, {}, 200, "data=[]");
        fact("aisquared a viewer may list definitions (connector_definition_policy.rb index?; "
             "Viewer role connector_definition read true)",
             a, "GET", defs + "?type=destination", {}, "key=readonly", 200,
             "0/connector_type=\"destination\"");
        fact("aisquared a viewer may show a definition (connector_definition_policy.rb show?)", a,
             "GET", defs + "/Slack?type=destination", {}, "key=readonly", 200, "name=\"Slack\"");
        fact("aisquared definitions need a user: 401 (application_controller.rb "
             "authenticate_user!)",
             a, "GET", defs, {}, "key=wrong", 401, "errors/0/detail=\"Unauthorized\"");
        fact("aisquared definitions need the workspace: 400 Workspace not found "
             "(application_controller.rb current_workspace through authorize)",
             a, "GET", defs + "?type=source", {}, "-Workspace-Id", 400,
             "errors/0/detail=\"There was a problem with the request format: Workspace not "
             "found\"");
        fact("aisquared a method the definitions do not route is 405 (docs/sandbox.md aisquared, "
             "assumed)",
             a, "DELETE", defs + "/Slack", {}, {}, 405, "status=405", "Allow=GET");

        // check_connection's params, client class and policy
        fact("aisquared a viewer may not check a connection: 403 (connector_definition_policy.rb "
             "check_connection? create; connector_definitions_spec.rb view role)",
             a, "POST", check, pg, "key=readonly ; " + json, 403,
             "errors/0/status=403 ; errors/0/title=\"Error\" ; errors/0/detail=\"You are not "
             "authorized to do this action\"",
             {}, true);
        fact("aisquared check_connection without connection_spec is a 400 contract hash "
             "(connector_definition_contracts.rb CheckConnection)",
             a, "POST", check, "{\"type\":\"source\",\"name\":\"Postgresql\"}", json, 400,
             "errors/connection_spec=[\"is missing\"]");
        fact("aisquared check_connection of a name not enabled for the type is a 400 contract "
             "hash (connector_definition_contracts.rb rule(:name, :type))",
             a, "POST", check,
             "{\"type\":\"destination\",\"name\":\"Snowflake\",\"connection_spec\":{\"a\":1}}",
             json, 400, "errors/name=[\"invalid connector destination name\"]");
        fact("aisquared check_connection of a type of another case reaches const_get: 400 "
             "uninitialized constant (service.rb connector_class; exception_handler.rb)",
             a, "POST", check,
             "{\"type\":\"SOURCE\",\"name\":\"Postgresql\",\"connection_spec\":{\"a\":1}}", json,
             400,
             "errors/0/detail=\"There was a problem with the request format: uninitialized "
             "constant Multiwoven::Integrations::SOURCE\"");
        fact("aisquared check_connection of an enabled kind the sandbox lacks is a 400 (docs/"
             "sandbox.md aisquared, sandbox limitation)",
             a, "POST", check,
             "{\"type\":\"source\",\"name\":\"Redshift\",\"connection_spec\":{\"a\":1}}", json, 400,
             "errors/0/detail:string ; ~no connection_specification for source Redshift");
        fact("aisquared check_connection answers a connection_status message (protocol.rb "
             "ConnectionStatus#to_multiwoven_message)",
             a, "POST", check, pg, json, 200,
             "type=\"connection_status\" ; connection_status/status=\"failed\" ; "
             "connection_status/message:string",
             {}, true);
    }
    void facts()
    {
        runFact(m_sandbox, [](const QString&) { return QString(); });
    }

    void definitionsAreDraft07InTheVendorsShape()
    {
        QSet<QString> kinds;
        bool nestedSecret = false, readOnly = false, integer = false, boolean = false,
             stringArray = false, oneOfConsts = false, severalSecrets = false;
        for (const QString& type : {QStringLiteral("source"), QStringLiteral("destination")}) {
            const QJsonArray list = definitions(type);
            QVERIFY(!list.isEmpty());
            for (const QJsonValue& d : list) {
                const QString name = d[QLatin1String("name")].toString();
                kinds << name;
                for (const char* key :
                     {"title", "connector_type", "category", "documentation_url",
                      "github_issue_label", "icon", "license", "release_stage", "support_level"})
                    QVERIFY2(d[QLatin1String(key)].isString(), qPrintable(name + key));
                QVERIFY(d[QLatin1String("tags")].isArray());
                QCOMPARE(d[QLatin1String("connector_type")].toString(), type);
                const QJsonObject cs = d[QLatin1String("connector_spec")].toObject();
                QVERIFY2(cs.value(QLatin1String("stream_type")).isString(), qPrintable(name));
                QVERIFY(cs.value(QLatin1String("supports_normalization")).isBool());
                QVERIFY(cs.value(QLatin1String("supports_dbt")).isBool());
                const QJsonObject spec =
                    cs.value(QLatin1String("connection_specification")).toObject();
                QCOMPARE(spec.value(QLatin1String("$schema")).toString(),
                         QStringLiteral("http://json-schema.org/draft-07/schema#"));
                QCOMPARE(spec.value(QLatin1String("type")).toString(), QStringLiteral("object"));
                QVERIFY(spec.value(QLatin1String("title")).isString());
                QList<QPair<QString, QJsonObject>> properties;
                eachProperty(spec, {}, &properties);
                QVERIFY2(!properties.isEmpty(), qPrintable(name));
                int topSecrets = 0;
                for (const auto& [path, p] : properties) {
                    const QString where = type + QLatin1Char(' ') + name + path;
                    QVERIFY2(p.value(QLatin1String("order")).isDouble(), qPrintable(where));
                    const bool secret = p.value(QLatin1String("multiwoven_secret")).toBool();
                    nestedSecret |= secret && path.count(QLatin1Char('/')) >= 2;
                    topSecrets += secret && path.count(QLatin1Char('/')) == 1 ? 1 : 0;
                    readOnly |= p.value(QLatin1String("readOnly")).toBool();
                    integer |= p.value(QLatin1String("type")) == QLatin1String("integer");
                    boolean |= p.value(QLatin1String("type")) == QLatin1String("boolean");
                    stringArray |=
                        p.value(QLatin1String("type")) == QLatin1String("array") &&
                        p[QLatin1String("items")][QLatin1String("type")] == QLatin1String("string");
                    for (const QJsonValue& alt : p.value(QLatin1String("oneOf")).toArray())
                        oneOfConsts |= alt[QLatin1String("const")].isString() &&
                                       alt[QLatin1String("title")].isString();
                }
                severalSecrets |= topSecrets >= 2;
            }
        }
        QVERIFY2(kinds.size() >= 8, qPrintable(QStringList(kinds.begin(), kinds.end()).join(',')));
        QVERIFY2(nestedSecret, "no secret at depth >= 2");
        QVERIFY(readOnly);
        QVERIFY(integer);
        QVERIFY(boolean);
        QVERIFY(stringArray);
        QVERIFY(oneOfConsts);
        QVERIFY(severalSecrets);
        // credentials.password is the nested secret, credentials.auth_type the read-only field.
        const QJsonObject credentials =
            specOf(QStringLiteral("source"), QStringLiteral("Postgresql"))
                .value(QLatin1String("properties"))
                .toObject()
                .value(QLatin1String("credentials"))
                .toObject();
        QCOMPARE(credentials.value(QLatin1String("type")).toString(), QStringLiteral("object"));
        QVERIFY(credentials[QLatin1String("properties")][QLatin1String("password")]
                           [QLatin1String("multiwoven_secret")]
                               .toBool());
        QVERIFY(credentials[QLatin1String("properties")][QLatin1String("auth_type")]
                           [QLatin1String("readOnly")]
                               .toBool());
    }

    void everySeededConnectorMatchesItsDefinitionAndChecksOut()
    {
        // Seeded configurations are valid and hold the real secrets: check_connection with the
        // stored configuration succeeds, with no message (ConnectionStatus without one).
        QSet<QString> kinds;
        for (const QJsonValue& v : state()) {
            const QJsonObject c = v.toObject();
            const QString type = c.value(QLatin1String("connector_type")).toString();
            const QString name = c.value(QLatin1String("connector_name")).toString();
            const QString where = c.value(QLatin1String("id")).toString() + QLatin1Char(' ') +
                                  type + QLatin1Char(' ') + name;
            kinds << type + QLatin1Char(' ') + name;
            const QJsonObject spec = specOf(type, name);
            QVERIFY2(!spec.isEmpty(), qPrintable(where));
            const QString broken = violation(c.value(QLatin1String("configuration")), spec);
            QVERIFY2(broken.isEmpty(), qPrintable(where + QStringLiteral(": ") + broken));
            const TestResponse r = check(type, name, c.value(QLatin1String("configuration")));
            QCOMPARE(r.status, 200);
            const QJsonObject succeeded{{QStringLiteral("status"), QStringLiteral("succeeded")}};
            QVERIFY2(statusOf(r) == succeeded,
                     qPrintable(where + QStringLiteral(": ") + QString::fromUtf8(r.body)));
        }
        QVERIFY2(kinds.size() >= 9, qPrintable(QStringList(kinds.begin(), kinds.end()).join(',')));
    }

    void getMasksExactlyTheFlaggedKeys()
    {
        int masked = 0;
        for (const QJsonValue& v : state()) {
            const QJsonObject c = v.toObject();
            const QString id = c.value(QLatin1String("id")).toString();
            const QSet<QString> names =
                flagged(specOf(c.value(QLatin1String("connector_type")).toString(),
                               c.value(QLatin1String("connector_name")).toString()));
            const QJsonObject shown =
                call(m_sandbox, kVendor, "GET", itemPath(kVendor, id))
                    .object()[QLatin1String("data")][QLatin1String("attributes")]
                             [QLatin1String("configuration")]
                    .toObject();
            // The stored configuration with every flagged key masked is what GET shows.
            QJsonValue expected = c.value(QLatin1String("configuration"));
            std::function<QJsonValue(const QJsonValue&)> mask = [&](const QJsonValue& x) {
                if (!x.isObject())
                    return x;
                QJsonObject o = x.toObject();
                for (auto it = o.begin(); it != o.end(); ++it) {
                    if (names.contains(it.key())) {
                        it.value() = kMask;
                        ++masked;
                    } else {
                        it.value() = mask(it.value());
                    }
                }
                return QJsonValue(o);
            };
            const QJsonValue want = mask(expected);
            QVERIFY2(QJsonValue(shown) == want,
                     qPrintable(id + QStringLiteral(": shown ") + compact(shown) +
                                QStringLiteral(", want ") + compact(want)));
        }
        QVERIFY(masked >= kConnectors / 2);
    }

    void checkFailsWithTheMask_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("message"); // {host}, {port}, {username} from the stored one
        auto row = [](const char* type, const char* name, const char* message) {
            QTest::addRow("aisquared %s %s with the mask fails to authenticate (docs/sandbox.md "
                          "aisquared check_connection)",
                          type, name)
                << QString::fromLatin1(type) << QString::fromLatin1(name)
                << QString::fromUtf8(message);
        };
        row("source", "Postgresql",
            "connection to server at \"{host}\", port {port} failed: FATAL:  password "
            "authentication failed for user \"{credentials.username}\"");
        row("destination", "Postgresql",
            "connection to server at \"{host}\", port {port} failed: FATAL:  password "
            "authentication failed for user \"{credentials.username}\"");
        row("source", "Snowflake",
            "ODBC::Error: 28000 (390100) Incorrect username or password was specified.");
        row("source", "Databricks",
            "ODBC::Error: HY000 ([Simba][ThriftExtension] (14) Unexpected "
            "response from server during a HTTP connection: "
            "Unauthorized/Forbidden error response returned, but no token "
            "expired message received.)");
        row("destination", "SalesforceCrm", "invalid_grant: authentication failure");
        row("destination", "Slack", "invalid_auth");
        row("destination", "Klaviyo", "null");
        row("source", "AmazonS3",
            "The request signature we calculated does not match the signature you provided. "
            "Check your key and signing method.");
        row("source", "Sftp", "Authentication failed for user {username}@{host}");
    }
    void checkFailsWithTheMask()
    {
        QFETCH(QString, type);
        QFETCH(QString, name);
        QFETCH(QString, message);
        const QJsonObject stored = storedOf(type, name, 1);
        QVERIFY2(!stored.isEmpty(), "no seeded connector of that kind with a secret");
        const QJsonObject shown =
            call(m_sandbox, kVendor, "GET",
                 itemPath(kVendor, stored.value(QLatin1String("id")).toString()))
                .object()[QLatin1String("data")][QLatin1String("attributes")]
                         [QLatin1String("configuration")]
                .toObject();
        QVERIFY(QJsonDocument(shown).toJson().contains(kMask.toUtf8()));
        const QJsonObject config = stored.value(QLatin1String("configuration")).toObject();
        for (const char* field : {"host", "port", "username"})
            message.replace(QStringLiteral("{%1}").arg(QLatin1String(field)),
                            config.value(QLatin1String(field)).toVariant().toString());
        message.replace(QStringLiteral("{credentials.username}"),
                        config[QLatin1String("credentials")][QLatin1String("username")].toString());
        const TestResponse r = check(type, name, shown);
        QCOMPARE(r.status, 200);
        QCOMPARE(statusOf(r).value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        const QJsonValue got = statusOf(r).value(QLatin1String("message"));
        if (message == QLatin1String("null")) // Klaviyo's error body has no "message"
            QVERIFY2(got.isNull(), r.body.constData());
        else
            QCOMPARE(got.toString(), message);
    }

    void checkFailsOnASchemaMismatch_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QByteArray>("value"); // JSON; empty removes the key
        QTest::addColumn<QString>("message");
        auto row = [](const char* what, const char* type, const char* name, const char* pointer,
                      const QByteArray& value, const char* message) {
            QTest::addRow("aisquared check_connection names the first mismatch: %s (docs/"
                          "sandbox.md aisquared, assumed wording)",
                          what)
                << QString::fromLatin1(type) << QString::fromLatin1(name)
                << QString::fromLatin1(pointer) << value << QString::fromUtf8(message);
        };
        row("a string port as an integer", "source", "Postgresql", "/port", "5432",
            "value at `/port` is not a string");
        row("a required key missing", "source", "Postgresql", "/host", {},
            "object at root is missing required properties: host");
        row("a nested required key missing", "source", "Postgresql", "/credentials/password", {},
            "object at `/credentials` is missing required properties: password");
        row("a oneOf value outside its consts", "source", "Postgresql", "/data_type", "\"tabular\"",
            "value at `/data_type` does not match exactly one `oneOf` schema");
        row("an integer above its maximum", "source", "Sftp", "/port", "70000",
            "number at `/port` is greater than: 65536");
        row("an integer port as a string", "source", "Sftp", "/port", "\"22\"",
            "value at `/port` is not an integer");
        row("a boolean as a string", "source", "AmazonS3", "/path_style", "\"yes\"",
            "value at `/path_style` is not a boolean");
        row("an enum value outside it", "source", "AmazonS3", "/file_type", "\"json\"",
            "value at `/file_type` is not one of: [\"csv\",\"parquet\"]");
        row("an array item of the wrong type", "source", "AmazonS3", "/prefixes", "[\"a/\",1]",
            "value at `/prefixes/1` is not a string");
        row("an additionalProperties value of the wrong type", "destination", "Http",
            "/headers/X-Count", "1", "value at `/headers/X-Count` is not a string");
        row("an ENV reference, which the server resolves from its own (empty) environment",
            "source", "Postgresql", "/host", "\"ENV['PG_HOST']\"",
            "value at `/host` is not a string");
    }
    void checkFailsOnASchemaMismatch()
    {
        QFETCH(QString, type);
        QFETCH(QString, name);
        QFETCH(QString, pointer);
        QFETCH(QByteArray, value);
        QFETCH(QString, message);
        const QJsonObject stored = storedOf(type, name, name == QLatin1String("AmazonS3") ? 1 : 0);
        QVERIFY2(!stored.isEmpty(), "no seeded connector of that kind");
        const QJsonValue v = value.isEmpty()
                                 ? QJsonValue(QJsonValue::Undefined)
                                 : QJsonDocument::fromJson("[" + value + "]").array().at(0);
        const QJsonValue config =
            with(stored.value(QLatin1String("configuration")), pointer.mid(1).split('/'), v);
        const TestResponse r = check(type, name, config);
        QCOMPARE(r.status, 200);
        QCOMPARE(statusOf(r).value(QLatin1String("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(statusOf(r).value(QLatin1String("message")).toString(), message);
    }

    void checkNeedsTheSecretsOfOneConnector()
    {
        // Real values, but from two different connectors: no connector holds that pair.
        QJsonObject first, second;
        for (const QJsonValue& v : state()) {
            const QJsonObject c = v.toObject();
            if (c.value(QLatin1String("connector_name")) != QLatin1String("SalesforceCrm"))
                continue;
            (first.isEmpty() ? first : second) = c.value(QLatin1String("configuration")).toObject();
            if (!second.isEmpty())
                break;
        }
        QVERIFY2(!second.isEmpty(), "two seeded SalesforceCrm connectors needed");
        QJsonObject mixed = first;
        mixed.insert(QStringLiteral("client_secret"), second.value(QLatin1String("client_secret")));
        const TestResponse r =
            check(QStringLiteral("destination"), QStringLiteral("SalesforceCrm"), mixed);
        QCOMPARE(statusOf(r).value(QLatin1String("message")).toString(),
                 QStringLiteral("invalid_grant: authentication failure"));
        QCOMPARE(
            statusOf(check(QStringLiteral("destination"), QStringLiteral("SalesforceCrm"), first))
                .value(QLatin1String("status"))
                .toString(),
            QStringLiteral("succeeded"));
    }

    void checkFollowsAnEditedSecret()
    {
        // The state is what counts: after a PUT that stores the mask, the mask is the secret.
        const QJsonObject stored =
            storedOf(QStringLiteral("destination"), QStringLiteral("Slack"), 1);
        const QString id = stored.value(QLatin1String("id")).toString();
        QJsonObject config = stored.value(QLatin1String("configuration")).toObject();
        const QJsonValue real = config.value(QLatin1String("api_token"));
        config.insert(QStringLiteral("api_token"), kMask);
        QCOMPARE(call(m_sandbox, kVendor, "PUT", itemPath(kVendor, id),
                      QJsonObject{{QStringLiteral("connector"),
                                   QJsonObject{{QStringLiteral("configuration"), config}}}})
                     .status,
                 200);
        QCOMPARE(statusOf(check(QStringLiteral("destination"), QStringLiteral("Slack"), config))
                     .value(QLatin1String("status"))
                     .toString(),
                 QStringLiteral("succeeded"));
        config.insert(QStringLiteral("api_token"), real);
        QCOMPARE(statusOf(check(QStringLiteral("destination"), QStringLiteral("Slack"), config))
                     .value(QLatin1String("message"))
                     .toString(),
                 QStringLiteral("invalid_auth"));
    }

    void requestLogRedactsTheSpecsSecrets()
    {
        const QJsonObject sf =
            storedOf(QStringLiteral("destination"), QStringLiteral("SalesforceCrm"), 3);
        const QJsonObject pg = storedOf(QStringLiteral("source"), QStringLiteral("Postgresql"), 1);
        QVERIFY(!sf.isEmpty() && !pg.isEmpty());
        const QJsonObject sfConfig = sf.value(QLatin1String("configuration")).toObject();
        const QJsonObject pgConfig = pg.value(QLatin1String("configuration")).toObject();
        QVERIFY(TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                    .status == 200);
        QCOMPARE(
            check(QStringLiteral("destination"), QStringLiteral("SalesforceCrm"), sfConfig).status,
            200);
        QCOMPARE(check(QStringLiteral("source"), QStringLiteral("Postgresql"), pgConfig).status,
                 200);
        // A kind the sandbox lacks: every kind's secret names are redacted.
        QCOMPARE(check(QStringLiteral("source"), QStringLiteral("Redshift"),
                       QJsonObject{{QStringLiteral("password"), QStringLiteral("redshift-pw-1")}})
                     .status,
                 400);
        const QList<QJsonObject> logged = m_sandbox.requestsTo(kVendor, QStringLiteral("POST"));
        QCOMPARE(logged.size(), 3);
        const QJsonObject sfSpec =
            logged.at(0)[QLatin1String("json")][QLatin1String("connection_spec")].toObject();
        for (const char* secret : {"access_token", "refresh_token", "client_secret"}) {
            const QString real = sfConfig.value(QLatin1String(secret)).toString();
            QCOMPARE(sfSpec.value(QLatin1String(secret)).toString().toUtf8(), redacted(real));
            QVERIFY2(!logged.at(0).value(QLatin1String("body")).toString().contains(real), secret);
        }
        QCOMPARE(sfSpec.value(QLatin1String("instance_url")),
                 sfConfig.value(QLatin1String("instance_url")));
        const QJsonObject pgSpec =
            logged.at(1)[QLatin1String("json")][QLatin1String("connection_spec")].toObject();
        const QString password =
            pgConfig[QLatin1String("credentials")][QLatin1String("password")].toString();
        QCOMPARE(
            pgSpec[QLatin1String("credentials")][QLatin1String("password")].toString().toUtf8(),
            redacted(password));
        QCOMPARE(pgSpec[QLatin1String("credentials")][QLatin1String("username")],
                 pgConfig[QLatin1String("credentials")][QLatin1String("username")]);
        QCOMPARE(pgSpec.value(QLatin1String("host")), pgConfig.value(QLatin1String("host")));
        QVERIFY(!logged.at(1).value(QLatin1String("body")).toString().contains(password));
        QCOMPARE(logged
                     .at(2)[QLatin1String("json")][QLatin1String("connection_spec")]
                           [QLatin1String("password")]
                     .toString()
                     .toUtf8(),
                 redacted(QStringLiteral("redshift-pw-1")));
    }

    void faultsApplyToCheckConnectionByPath_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("aisquared hang on check_connection: no answer, the rest answered "
                      "(docs/sandbox.md fault injection path filter)")
            << QStringLiteral("aisquared:hang");
        QTest::newRow("aisquared status=500 on check_connection: Rails' 500, the rest answered "
                      "(docs/sandbox.md aisquared fault shapes)")
            << QStringLiteral("aisquared:status=500");
    }
    void faultsApplyToCheckConnectionByPath()
    {
        QFETCH(QString, spec);
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"),
              QJsonArray{
                  QJsonObject{{QStringLiteral("spec"), spec},
                              {QStringLiteral("path"), QStringLiteral("check_connection")}}}}}));
        const QJsonObject pg = storedOf(QStringLiteral("source"), QStringLiteral("Postgresql"), 1);
        const TestResponse listed =
            call(m_sandbox, kVendor, "GET", kDefinitions + QStringLiteral("?type=source"));
        QCOMPARE(listed.status, 200);
        const bool hang = spec.endsWith(QLatin1String("hang"));
        const TestResponse r =
            check(QStringLiteral("source"), QStringLiteral("Postgresql"),
                  pg.value(QLatin1String("configuration")), kKey, hang ? 1500 : 10000);
        if (hang) {
            QVERIFY2(!r.finished && r.status == 0, r.body.constData());
            QVERIFY(r.elapsedMs >= 1400);
        } else {
            QCOMPARE(r.status, 500);
            QCOMPARE(r.object(), (QJsonObject{{QStringLiteral("status"), 500},
                                              {QStringLiteral("error"),
                                               QStringLiteral("Internal Server Error")}}));
        }
        const QList<QJsonObject> posts = m_sandbox.requestsTo(kVendor, QStringLiteral("POST"));
        QCOMPARE(posts.size(), 1);
        QCOMPARE(posts.first().value(QLatin1String("fault")).toString(), spec);
        // The connectors' own paths are not filtered in.
        QCOMPARE(call(m_sandbox, kVendor, "GET", listPath(kVendor)).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractAiSquaredDefinitions)
#include "tst_sandbox_contract_aisquared_definitions.moc"
