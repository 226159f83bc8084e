#include "AiSquaredDefinitions.h"

#include "AiSquaredCatalog.h"
#include "AiSquaredContracts.h"
#include "AiSquaredErrors.h"
#include "HandlerSupport.h"
#include "RequestLog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QUrl>

// Multiwoven/multiwoven at 8c78a572: server/app/controllers/api/v1/
// connector_definitions_controller.rb, interactors/connector_definitions/
// filter_connector_definitions.rb, policies/connector_definition_policy.rb with the roles of
// db/data/*_add_*_permission_to_roles.rb (Viewer: connector_definition read only),
// contracts/connector_definition_contracts.rb, lib/utils/json_helpers.rb,
// spec/requests/api/v1/connector_definitions_spec.rb; integrations/lib/multiwoven/integrations/
// service.rb, protocol/protocol.rb (ConnectionStatus) and each kind's client.rb check_connection.
namespace sandbox::aisquared {

using support::withAuth;

DefinitionsAction routeDefinitions(const SandboxRequest& request, QByteArray* allow)
{
    const QStringList& s = request.segments;
    if (s.size() < 3 || s.size() > 4 || s[0] != QLatin1String("api") ||
        s[1] != QLatin1String("v1") || s[2] != QLatin1String("connector_definitions") ||
        (s.size() == 4 && s[3].isEmpty()))
        return DefinitionsAction::None;
    const QByteArray& method = request.method;
    const bool check = s.size() == 4 && s[3] == QLatin1String("check_connection");
    if (check && method == "POST")
        return DefinitionsAction::CheckConnection;
    if (method == "GET") // GET .../check_connection is show with that id
        return s.size() == 3 ? DefinitionsAction::Index : DefinitionsAction::Show;
    if (allow)
        *allow = check ? QByteArrayLiteral("GET, POST") : QByteArrayLiteral("GET");
    return DefinitionsAction::None;
}

namespace {

// What render json: makes of a value through active_model_serializers' json_api adapter: an
// empty array is a collection with nothing to serialise ({"data":[]}, connector_definitions_spec
// "returns empty array not found"); a hash or an array of hashes has no serializer and is
// rendered as it is; nil is "null".
SandboxReply render(const QJsonValue& value)
{
    if (value.isNull()) {
        SandboxReply r = SandboxReply::json(200, QJsonObject{});
        r.body = QByteArrayLiteral("null");
        return r;
    }
    if (value.isArray() && value.toArray().isEmpty())
        return SandboxReply::json(200, QJsonObject{{QStringLiteral("data"), QJsonArray{}}});
    return SandboxReply::json(200, value);
}

// FilterConnectorDefinitions with params.permit(:type, :category): both lists, filtered by
// category when one is given ("data" and "ai_ml" name Connector's category groups), then the
// list of `type` when one is given: null for a type of another case ("Source"), which the
// contract lets through but the indifferent hash does not know.
QJsonValue filteredDefinitions(const QMap<QString, QString>& query)
{
    QJsonObject all{{kSource, definitionsOf(kSource)}, {kDestination, definitionsOf(kDestination)}};
    if (query.contains(QStringLiteral("category"))) {
        const QString category = query.value(QStringLiteral("category"));
        static const QStringList data =
            QStringLiteral("Data Warehouse|Retail|Data Lake|Database|Marketing "
                           "Automation|CRM|Ad-Tech|Team Collaboration|"
                           "Productivity Tools|Payments|File Storage|HTTP|"
                           "Customer Support|data")
                .split(QLatin1Char('|'));
        const QStringList categories = category == QLatin1String("data") ? data
                                       : category == QLatin1String("ai_ml")
                                           ? QStringList{QStringLiteral("AI Model")}
                                           : QStringList{category};
        for (const QString& type : {kSource, kDestination}) {
            QJsonArray kept;
            for (const QJsonValue& d : all.value(type).toArray()) {
                if (categories.contains(d[QLatin1String("category")].toString()))
                    kept.append(d);
            }
            all.insert(type, kept);
        }
    }
    if (!query.contains(QStringLiteral("type")))
        return all;
    return all.contains(query.value(QStringLiteral("type")))
               ? all.value(query.value(QStringLiteral("type")))
               : QJsonValue(QJsonValue::Null);
}

// ActiveSupport's String#camelize: the first lower-case run capitalised, then every "_x" run.
QString camelize(const QString& s)
{
    static const QRegularExpression head(QStringLiteral("^[a-z\\d]*"));
    static const QRegularExpression part(QStringLiteral("_([a-z\\d]*)"),
                                         QRegularExpression::CaseInsensitiveOption);
    auto capitalize = [](const QString& w) {
        return w.isEmpty() ? w : w.left(1).toUpper() + w.mid(1).toLower();
    };
    QString out = s;
    const QRegularExpressionMatch h = head.match(out);
    out.replace(0, h.capturedLength(), capitalize(h.captured()));
    QString result;
    qsizetype from = 0;
    for (auto it = part.globalMatch(out); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        result += out.mid(from, m.capturedStart() - from) + capitalize(m.captured(1));
        from = m.capturedEnd();
    }
    return result + out.mid(from);
}

// Utils::JsonHelpers#resolve_values_from_env: a string holding ENV['X'] or ENV["X"] becomes the
// server's environment variable X; the sandbox's server has none, so it becomes nil. Only hashes
// are walked, as in the helper.
QJsonObject resolveValuesFromEnv(const QJsonObject& o)
{
    static const QRegularExpression env(QStringLiteral("ENV\\['[^']*'\\]|ENV\\[\"[^\"]*\"\\]"));
    QJsonObject out = o;
    for (auto it = out.begin(); it != out.end(); ++it) {
        if (it.value().isObject())
            it.value() = resolveValuesFromEnv(it.value().toObject());
        else if (it.value().isString() && env.match(it.value().toString()).hasMatch())
            it.value() = QJsonValue(QJsonValue::Null);
    }
    return out;
}

// Every value of a secret name in `v` (objects and arrays walked, as masking does) with its path.
void collectSecrets(const QJsonValue& v, const QSet<QString>& names, const QStringList& at,
                    QList<SecretValue>* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (names.contains(it.key()))
                out->append({at + QStringList{it.key()}, it.value()});
            else
                collectSecrets(it.value(), names, at + QStringList{it.key()}, out);
        }
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            collectSecrets(a.at(i), names, at + QStringList{QString::number(i)}, out);
    }
}

// The kind's client failing to authenticate, in the words of the library it uses (each kind's
// client.rb rescues the error and answers its message; the texts are assumed, the libraries'
// usual ones). Klaviyo reads a "message" that Klaviyo's error body does not have: null.
QJsonValue authenticationFailure(const QString& name, const QJsonObject& config)
{
    const QString username =
        config.value(QLatin1String("credentials"))[QLatin1String("username")].toString();
    if (name == QLatin1String("Postgresql")) // PG::ConnectionBad
        return QStringLiteral("connection to server at \"%1\", port %2 failed: FATAL:  password "
                              "authentication failed for user \"%3\"")
            .arg(config.value(QLatin1String("host")).toString(),
                 config.value(QLatin1String("port")).toString(), username);
    if (name == QLatin1String("Snowflake")) // Sequel::DatabaseConnectionError over ODBC
        return QStringLiteral(
            "ODBC::Error: 28000 (390100) Incorrect username or password was specified.");
    if (name == QLatin1String("Databricks"))
        return QStringLiteral("ODBC::Error: HY000 ([Simba][ThriftExtension] (14) Unexpected "
                              "response from server during a HTTP connection: "
                              "Unauthorized/Forbidden error response returned, but no token "
                              "expired message received.)");
    if (name == QLatin1String("SalesforceCrm")) // Restforce::AuthenticationError
        return QStringLiteral("invalid_grant: authentication failure");
    if (name == QLatin1String("Slack")) // Slack::Web::Api::Errors::InvalidAuth
        return QStringLiteral("invalid_auth");
    if (name == QLatin1String("Klaviyo"))
        return QJsonValue(QJsonValue::Null);
    if (name == QLatin1String("AmazonS3")) // Aws::S3::Errors::SignatureDoesNotMatch
        return QStringLiteral("The request signature we calculated does not match the signature "
                              "you provided. Check your key and signing method.");
    if (name == QLatin1String("Sftp")) // Net::SSH::AuthenticationFailed
        return QStringLiteral("Authentication failed for user %1@%2")
            .arg(config.value(QLatin1String("username")).toString(),
                 config.value(QLatin1String("host")).toString());
    return QStringLiteral("authentication failed");
}

// What the kind's check_connection answers, the sandbox's way: "failed" when the configuration
// does not match the specification (the first mismatch, json_schemer-style) or when its secrets
// are not those of one of the sandbox's connectors of that kind; "succeeded" (no message key)
// otherwise.
QJsonObject connectionStatus(const QString& type, const QString& name, const QJsonObject& config,
                             const QJsonObject& spec, const SecretHolder& holds)
{
    auto failed = [](const QJsonValue& message) {
        return QJsonObject{{QStringLiteral("status"), QStringLiteral("failed")},
                           {QStringLiteral("message"), message}};
    };
    const QString mismatch = schemaError(config, spec);
    if (!mismatch.isEmpty())
        return failed(mismatch);
    QList<SecretValue> secrets;
    collectSecrets(config, secretKeys(type, name), {}, &secrets);
    if (!secrets.isEmpty() && !holds(type, name, secrets))
        return failed(authenticationFailure(name, config));
    return {{QStringLiteral("status"), QStringLiteral("succeeded")}};
}

SandboxReply checkConnection(const SandboxRequest& request, const QMap<QString, QString>& query,
                             bool readOnly, const SecretHolder& holds)
{
    // Rails params: the query, then the JSON body's keys over it.
    QJsonObject params;
    for (auto it = query.begin(); it != query.end(); ++it)
        params.insert(it.key(), it.value());
    if (support::hasJsonContentType(request) && !request.body.trimmed().isEmpty()) {
        const std::optional<QJsonValue> body = support::parseBody(request.body);
        if (!body)
            return withAuth(railsPublic(400), true);
        const QJsonObject o = body->toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            params.insert(it.key(), it.value());
    }
    const QJsonObject errors = checkConnectionContract(params);
    if (!errors.isEmpty())
        return contractFailure(errors);

    // set_connector_client: Service.connector_class(type.camelize, name.camelize), whose
    // const_get raises NameError for a class that does not exist (400 through
    // handle_with_exception). Reached with a type of another case only ("Source"): the contract
    // checks lower-case types' names against the enabled lists.
    const QString type = camelize(params.value(QLatin1String("type")).toString());
    const QString name = camelize(params.value(QLatin1String("name")).toString());
    if (type != QLatin1String("Source") && type != QLatin1String("Destination"))
        return badRequest(QStringLiteral("uninitialized constant Multiwoven::Integrations::") +
                          type);
    const QString lower = type.toLower();
    if (!(lower == kSource ? enabledSources() : enabledDestinations()).contains(name))
        return badRequest(QStringLiteral("uninitialized constant Multiwoven::Integrations::%1::%2")
                              .arg(type, name));
    const QJsonObject* spec = specFor(lower, name);
    if (!spec)
        return badRequest(QStringLiteral("the sandbox has no connection_specification for %1 %2")
                              .arg(lower, name));

    // authorize: current_workspace, then check_connection? (create on connector_definition).
    if (!knownWorkspace(request.header("workspace-id")))
        return badRequest(QStringLiteral("Workspace not found"));
    if (readOnly)
        return renderError(403, QStringLiteral("You are not authorized to do this action"));

    const QJsonObject config =
        resolveValuesFromEnv(params.value(QLatin1String("connection_spec")).toObject());
    return SandboxReply::json(
        200, QJsonObject{{QStringLiteral("type"), QStringLiteral("connection_status")},
                         {QStringLiteral("connection_status"),
                          connectionStatus(lower, name, config, *spec, holds)}});
}

} // namespace

bool holdsSecrets(const QJsonValue& configuration, const QList<SecretValue>& secrets)
{
    for (const SecretValue& s : secrets) {
        QJsonValue v = configuration;
        for (const QString& step : s.path)
            v = v.isArray() ? v.toArray().at(step.toInt()) : v.toObject().value(step);
        if (v != s.value)
            return false;
    }
    return true;
}

SandboxReply connectorDefinitions(DefinitionsAction action, const SandboxRequest& request,
                                  bool readOnly, const SecretHolder& holds)
{
    QMap<QString, QString> query;
    for (const auto& [k, v] : request.query.queryItems(QUrl::FullyDecoded))
        query.insert(k, v);
    if (action == DefinitionsAction::CheckConnection)
        return checkConnection(request, query, readOnly, holds);

    const QJsonObject errors = action == DefinitionsAction::Index ? definitionsIndexContract(query)
                                                                  : definitionShowContract(query);
    if (!errors.isEmpty())
        return contractFailure(errors);
    const QJsonValue connectors = filteredDefinitions(query); // set_connectors
    // authorize: current_workspace, then index?/show? (read on connector_definition), which
    // every role has, the viewer's included.
    if (!knownWorkspace(request.header("workspace-id")))
        return badRequest(QStringLiteral("Workspace not found"));
    if (action == DefinitionsAction::Index)
        return render(connectors);

    // show: @connectors.find { |hash| hash[:name].downcase == params[:id].downcase } || [].
    if (!connectors.isArray()) // nil: a type of another case (show's contract requires one)
        return badRequest(QStringLiteral("undefined method `find' for nil:NilClass"));
    const QString id = request.segments.at(3).toLower();
    for (const QJsonValue& d : connectors.toArray()) {
        if (d[QLatin1String("name")].toString().toLower() == id)
            return render(d);
    }
    return render(QJsonArray{});
}

QByteArray loggedCheckConnectionBody(const QByteArray& body)
{
    const std::optional<QJsonValue> parsed = support::parseBody(body);
    if (!parsed || !parsed->isObject())
        return body;
    QJsonObject o = parsed->toObject();
    const QJsonValue spec = o.value(QLatin1String("connection_spec"));
    if (!spec.isObject() && !spec.isArray())
        return body;
    const QString type = o.value(QLatin1String("type")).toString();
    const QString name = o.value(QLatin1String("name")).toString();
    QSet<QString> names = secretKeys(type, name);
    if (!specFor(type, name)) {
        for (const Kind& k : kinds()) {
            names += secretKeys(kSource, k.name);
            names += secretKeys(kDestination, k.name);
        }
    }
    QList<SecretValue> secrets;
    collectSecrets(spec, names, {}, &secrets);
    // Rewrites the value at `path` inside `v`.
    std::function<QJsonValue(const QJsonValue&, const QStringList&, const QJsonValue&)> put =
        [&put](const QJsonValue& v, const QStringList& path, const QJsonValue& value) {
            if (path.isEmpty())
                return value;
            if (v.isArray()) {
                QJsonArray a = v.toArray();
                const int i = path.first().toInt();
                a[i] = put(a.at(i), path.mid(1), value);
                return QJsonValue(a);
            }
            QJsonObject obj = v.toObject();
            obj.insert(path.first(), put(obj.value(path.first()), path.mid(1), value));
            return QJsonValue(obj);
        };
    QJsonValue redacted = spec;
    for (const SecretValue& s : secrets) {
        const QByteArray bytes = s.value.isString() ? s.value.toString().toUtf8()
                                                    : QJsonDocument(QJsonArray{s.value})
                                                          .toJson(QJsonDocument::Compact)
                                                          .chopped(1)
                                                          .mid(1);
        redacted = put(redacted, s.path, QString::fromLatin1(RequestLog::redact(bytes)));
    }
    o.insert(QStringLiteral("connection_spec"), redacted);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace sandbox::aisquared
