#include "AiSquaredCatalog.h"
#include "AiSquaredContracts.h"
#include "AiSquaredDefinitions.h"
#include "AiSquaredErrors.h"
#include "HandlerSupport.h"
#include "Handlers.h"
#include "SeedData.h"

#include <QMap>
#include <QUrl>

#include <algorithm>
#include <vector>

// AI Squared, whose server is the open-source Multiwoven (Multiwoven/multiwoven, server/):
// application_controller.rb (auth, Workspace-Id, validate_contract, render_error),
// concerns/exception_handler.rb, api/v1/connectors_controller.rb, contracts/connector_contracts.rb,
// models/connector.rb (default scope, masked_configuration), serializers/connector_serializer.rb,
// config/initializers/{kaminari_config,custom_pagination_links}.rb, and the integrations' real
// config/spec.json files (connection_specification). Everything vendor-specific lives in the
// AiSquared*.cpp files: this one has the seed data, the routes and the connectors' actions; the
// catalogue of kinds and secret masking (AiSquaredCatalog, the definitions' texts in
// AiSquaredSpecs), the connector definitions' actions (AiSquaredDefinitions), the params'
// contracts (AiSquaredContracts) and the error shapes (AiSquaredErrors) have their own.
namespace sandbox {
namespace {

using namespace support;
using namespace aisquared;

constexpr const char* kVendor = "aisquared";
constexpr int kDefaultPerPage = 10; // kaminari_config.rb; no max_per_page

// Field numbers of the seed draws, so that each value has its own stream.
enum Field
{
    FKind = 1,
    FType,
    FCreated,
    FUpdated,
    FHost,
    FPassword,
    FUser,
    FDatabase,
    FSecret,
    FToken,
    FAccount,
    FDescription,
    FDescriptionWord,
    FAuthHeader,
    FAddedKind, // whether the connector is of a kind added after the first five, and which
    FRegion,
    FFlag,
    FPath,
};

// An entry of the list order: updated_at descending (model default scope), id descending on ties.
struct OrderKey
{
    qint64 updatedMs;
    int index;
};
bool before(const OrderKey& a, const OrderKey& b)
{
    return a.updatedMs != b.updatedMs ? a.updatedMs > b.updatedMs : a.index > b.index;
}

class AiSquaredHandler final : public SeededHandler
{
public:
    AiSquaredHandler() : SeededHandler(kVendor) {}

    void reset(const SandboxOptions& options) override
    {
        SeededHandler::reset(options);
        m_updatedMs.clear();
        m_order.clear();
        m_orderBuilt = false;
        m_lastWriteMs = 0;
        m_churnPerPage = 0;
    }

    QString configError(const QJsonObject& settings) const override
    {
        const QJsonValue churn = settings.value(QLatin1String("aisquaredChurnPerPage"));
        if (!churn.isUndefined() &&
            (!churn.isDouble() || churn.toDouble() != double(churn.toInteger()) ||
             churn.toInteger() < 0 || churn.toInteger() > 1000000))
            return QStringLiteral("aisquaredChurnPerPage must be an integer from 0 to 1000000");
        return {};
    }

    // "aisquaredChurnPerPage": N connectors edited "concurrently" after every list page.
    void configure(const QJsonObject& settings) override
    {
        const QJsonValue churn = settings.value(QLatin1String("aisquaredChurnPerPage"));
        if (churn.isDouble())
            m_churnPerPage = int(churn.toInteger());
    }

    SandboxReply handle(const SandboxRequest& request) override;

    // A check_connection body holds secrets: the log keeps them as digests only.
    QByteArray loggedBody(const SandboxRequest& request) const override
    {
        return routeDefinitions(request, nullptr) == DefinitionsAction::CheckConnection
                   ? loggedCheckConnectionBody(request.body)
                   : request.body;
    }

    SandboxReply faultReply(int status, std::optional<qint64> retryAfterSeconds,
                            const SandboxRequest&) override
    {
        return faultAnswer(status, retryAfterSeconds);
    }

private:
    // Most connectors keep the kind the seed drew before the catalogue grew (one of the first
    // kSeedKindsBefore); a quarter are of the kinds added since.
    const Kind& kindOf(int index) const
    {
        const quint64 added = draw(index, FAddedKind);
        if (added % 100 < 25)
            return kinds().at(kSeedKindsBefore +
                              int((added / 100) % quint64(kinds().size() - kSeedKindsBefore)));
        return kinds().at(pick(index, FKind, kSeedKindsBefore));
    }
    QString generatedType(int index) const
    {
        const Kind& k = kindOf(index);
        if (k.source.exists() && k.destination.exists())
            return seed::chance(m_options.seed, kVendor, index, FType, 60) ? kSource : kDestination;
        return k.source.exists() ? kSource : kDestination;
    }
    bool holdsSecrets(const QString& type, const QString& name,
                      const QList<SecretValue>& secrets) const;
    QString typeOf(int index) const
    {
        if (const QJsonObject* e = m_store.edited(index))
            return e->value(QLatin1String("connector_type")).toString();
        return generatedType(index);
    }
    qint64 updatedMsOf(int index) const
    {
        const auto it = m_updatedMs.constFind(index);
        if (it != m_updatedMs.cend())
            return it.value();
        return qMax(seed::timestampMs(m_options.seed, kVendor, index, FCreated),
                    seed::timestampMs(m_options.seed, kVendor, index, FUpdated));
    }

    QJsonObject generate(int index) const override;
    QJsonObject configurationFor(const Kind& kind, const QString& type, int index) const;
    QJsonObject resource(const QJsonObject& stored) const;
    void buildOrder() const;
    // Stores a changed record with a fresh updated_at and moves it to the front of the order.
    void touch(int index, QJsonObject record);

    SandboxReply list(const SandboxRequest& request, const QMap<QString, QString>& query);
    SandboxReply update(int index, const QJsonObject& connector, bool readOnly);
    int indexOf(qint64 id) const;

    QHash<int, qint64> m_updatedMs;        // updated_at of edited records, ms since the epoch
    mutable std::vector<OrderKey> m_order; // built on the first list, kept sorted by before()
    mutable bool m_orderBuilt = false;
    qint64 m_lastWriteMs = 0;
    int m_churnPerPage = 0;
};

QJsonObject AiSquaredHandler::configurationFor(const Kind& kind, const QString& type,
                                               int index) const
{
    const QString word =
        seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FDatabase).toLower();
    const QString user =
        QStringLiteral("svc_") +
        seed::pickFrom(seed::words(), m_options.seed, kVendor, index, FUser).toLower();
    const QString password = QStringLiteral("pw-") + hex(draw(index, FPassword), 16);
    const QString host = hex(draw(index, FHost), 6);
    auto credentials = [&](const QString& username) {
        return QJsonObject{{QStringLiteral("auth_type"), QStringLiteral("username/password")},
                           {QStringLiteral("username"), username},
                           {QStringLiteral("password"), password}};
    };
    if (kind.name == QLatin1String("Postgresql")) {
        QJsonObject c{
            {QStringLiteral("credentials"), credentials(user)},
            {QStringLiteral("host"), QStringLiteral("pg-%1.db.acme-corp.internal").arg(host)},
            {QStringLiteral("port"), QStringLiteral("5432")},
            {QStringLiteral("database"), word},
            {QStringLiteral("schema"), QStringLiteral("public")}};
        if (type == kSource)
            c.insert(QStringLiteral("data_type"), QStringLiteral("structured"));
        return c;
    }
    if (kind.name == QLatin1String("Snowflake"))
        return {{QStringLiteral("credentials"), credentials(user.toUpper())},
                {QStringLiteral("host"), QStringLiteral("%1.eu-west-1.aws.snowflakecomputing.com")
                                             .arg(hex(draw(index, FAccount), 7))},
                {QStringLiteral("role"), QStringLiteral("TRANSFORMER")},
                {QStringLiteral("warehouse"), word.toUpper() + QStringLiteral("_WH")},
                {QStringLiteral("database"), word.toUpper()},
                {QStringLiteral("schema"), QStringLiteral("PUBLIC")}};
    if (kind.name == QLatin1String("SalesforceCrm"))
        return {
            {QStringLiteral("access_token"),
             QStringLiteral("00D5g000004Xy2J!AQ0AQ") + hex(draw(index, FToken), 16)},
            {QStringLiteral("refresh_token"),
             QStringLiteral("5Aep861") + hex(draw(index, FSecret), 16)},
            {QStringLiteral("instance_url"),
             QStringLiteral("https://acme-corp-%1.my.salesforce.com").arg(host)},
            {QStringLiteral("client_id"), QStringLiteral("3MVG9") + hex(draw(index, FAccount), 16)},
            {QStringLiteral("client_secret"), hex(seed::mix(draw(index, FSecret)), 16).toUpper()}};
    if (kind.name == QLatin1String("Databricks"))
        return {
            {QStringLiteral("host"), QStringLiteral("dbc-%1-%2.cloud.databricks.com")
                                         .arg(hex(draw(index, FAccount), 8), host.left(4))},
            {QStringLiteral("port"), QStringLiteral("443")},
            {QStringLiteral("access_token"),
             QStringLiteral("dapi") + hex(draw(index, FToken), 16) + hex(draw(index, FSecret), 16)},
            {QStringLiteral("http_path"), QStringLiteral("sql/protocolv1/o/%1/0412-%2")
                                              .arg(draw(index, FAccount) % 10000000000000000ull)
                                              .arg(hex(draw(index, FPath), 14))},
            {QStringLiteral("catalog"), QStringLiteral("hive_metastore")},
            {QStringLiteral("schema"), word}};
    if (kind.name == QLatin1String("Klaviyo"))
        return {
            {QStringLiteral("public_api_key"),
             QStringLiteral("PUB") + hex(draw(index, FAccount), 8).toUpper()},
            {QStringLiteral("private_api_key"),
             QStringLiteral("pk_") + hex(draw(index, FToken), 16) + hex(draw(index, FSecret), 16)}};
    if (kind.name == QLatin1String("AmazonS3")) {
        static const QStringList regions{QStringLiteral("us-east-1"), QStringLiteral("us-east-2"),
                                         QStringLiteral("eu-west-1"),
                                         QStringLiteral("eu-central-1")};
        QJsonObject c{
            {QStringLiteral("data_type"), QStringLiteral("structured")},
            {QStringLiteral("region"), regions.at(pick(index, FRegion, int(regions.size())))},
            {QStringLiteral("bucket"), QStringLiteral("acme-%1-%2").arg(word, host.left(4))},
            {QStringLiteral("path"), QStringLiteral("/exports/%1/").arg(word)},
            {QStringLiteral("file_type"),
             draw(index, FFlag) % 2 ? QStringLiteral("csv") : QStringLiteral("parquet")},
            {QStringLiteral("path_style"), (draw(index, FFlag) >> 1) % 4 == 0}};
        if ((draw(index, FFlag) >> 3) % 2)
            c.insert(QStringLiteral("prefixes"),
                     QJsonArray{QStringLiteral("daily/"), word + QLatin1Char('/')});
        if ((draw(index, FFlag) >> 4) % 10 < 7) { // an IAM user, with its secret
            c.insert(QStringLiteral("auth_type"), QStringLiteral("user"));
            c.insert(QStringLiteral("access_id"),
                     QStringLiteral("AKIA") + hex(draw(index, FAccount), 16).toUpper());
            c.insert(QStringLiteral("secret_access"), hex(draw(index, FSecret), 16) +
                                                          hex(draw(index, FToken), 16) +
                                                          hex(draw(index, FPassword), 8));
        } else { // an IAM role: no secret at all
            c.insert(QStringLiteral("auth_type"), QStringLiteral("role"));
            c.insert(QStringLiteral("arn"),
                     QStringLiteral("arn:aws:iam::%1:role/multiwoven-%2")
                         .arg(draw(index, FAccount) % 1000000000000ull, 12, 10, QLatin1Char('0'))
                         .arg(word));
            c.insert(QStringLiteral("external_id"), hex(draw(index, FSecret), 16));
        }
        return c;
    }
    if (kind.name == QLatin1String("Sftp"))
        return {{QStringLiteral("host"), QStringLiteral("sftp-%1.acme-corp.internal").arg(host)},
                {QStringLiteral("port"), draw(index, FFlag) % 3 ? 22 : 2222},
                {QStringLiteral("username"), user},
                {QStringLiteral("password"), password},
                {QStringLiteral("file_path"), QStringLiteral("/outbound/") + word},
                {QStringLiteral("file_name"), word + QStringLiteral(".csv")},
                {QStringLiteral("format_type"), QStringLiteral("csv")}};
    if (kind.name == QLatin1String("Http")) {
        // Http has no secret property: its headers, an Authorization one included, are shown.
        QJsonObject headers{{QStringLiteral("Content-Type"), QStringLiteral("application/json")}};
        if (seed::chance(m_options.seed, kVendor, index, FAuthHeader, 50))
            headers.insert(QStringLiteral("Authorization"),
                           QStringLiteral("Bearer tok_") + hex(draw(index, FToken), 16));
        return {{QStringLiteral("destination_url"),
                 QStringLiteral("https://hooks.acme-corp.example/ingest/%1").arg(host)},
                {QStringLiteral("headers"), headers}};
    }
    return {{QStringLiteral("api_token"), QStringLiteral("xoxb-%1-%2")
                                              .arg(draw(index, FAccount) % 1000000000000ull)
                                              .arg(hex(draw(index, FToken), 16))},
            {QStringLiteral("channel_id"), QStringLiteral("C0") + host.toUpper()}};
}

// Stored form: the attributes flattened next to the id, configuration unmasked.
QJsonObject AiSquaredHandler::generate(int index) const
{
    const Kind& kind = kindOf(index);
    const QString type = generatedType(index);
    const QDateTime a = seed::timestamp(m_options.seed, kVendor, index, FCreated);
    const QDateTime b = seed::timestamp(m_options.seed, kVendor, index, FUpdated);
    const QString name = seed::displayName(m_options.seed, kVendor, index);
    const QJsonValue description =
        seed::chance(m_options.seed, kVendor, index, FDescription, 20)
            ? QJsonValue()
            : QJsonValue(QStringLiteral("%1 %2 for the %3 team")
                             .arg(kind.name,
                                  type == kSource ? QStringLiteral("source")
                                                  : QStringLiteral("destination"),
                                  seed::pickFrom(seed::words(), m_options.seed, kVendor, index,
                                                 FDescriptionWord)));
    return {{QStringLiteral("id"), QString::number(index)},
            {QStringLiteral("name"), name},
            {QStringLiteral("description"), description},
            {QStringLiteral("connector_type"), type},
            {QStringLiteral("workspace_id"), kWorkspace},
            {QStringLiteral("created_at"), seed::iso(qMin(a, b))},
            {QStringLiteral("updated_at"), seed::iso(qMax(a, b))},
            {QStringLiteral("configuration"), configurationFor(kind, type, index)},
            {QStringLiteral("connector_name"), kind.name}};
}

// ConnectorSerializer: JSON:API resource; configuration is Connector#masked_configuration; icon
// is the definition's (BaseConnector#meta_data: the icon's raw GitHub URL).
QJsonObject AiSquaredHandler::resource(const QJsonObject& stored) const
{
    const QString type = stored.value(QLatin1String("connector_type")).toString();
    const QString name = stored.value(QLatin1String("connector_name")).toString();
    QJsonObject attributes = stored;
    attributes.remove(QStringLiteral("id"));
    attributes.insert(
        QStringLiteral("configuration"),
        maskSecrets(stored.value(QLatin1String("configuration")), secretKeys(type, name)));
    const Kind* kind = kindNamed(name);
    attributes.insert(
        QStringLiteral("icon"),
        QStringLiteral("https://raw.githubusercontent.com/Multiwoven/multiwoven/main/integrations/"
                       "lib/multiwoven/integrations/%1/%2/icon.svg")
            .arg(type, kind ? kind->folder : name.toLower()));
    return {{QStringLiteral("id"), stored.value(QLatin1String("id"))},
            {QStringLiteral("type"), QStringLiteral("connectors")},
            {QStringLiteral("attributes"), attributes}};
}

void AiSquaredHandler::buildOrder() const
{
    if (m_orderBuilt)
        return;
    m_order.clear();
    m_order.reserve(size_t(m_store.count()));
    for (int i = 1; i <= m_store.count(); ++i)
        m_order.push_back({updatedMsOf(i), i});
    std::sort(m_order.begin(), m_order.end(), before);
    m_orderBuilt = true;
}

void AiSquaredHandler::touch(int index, QJsonObject record)
{
    // The wall clock, but never earlier than the seed data or the previous write: an edit sorts
    // first even on a machine whose clock is behind 2026-11.
    const qint64 now =
        qMax(QDateTime::currentMSecsSinceEpoch(), qMax(seed::kEpochMs, m_lastWriteMs + 1));
    m_lastWriteMs = now;
    if (m_orderBuilt) {
        const OrderKey old{updatedMsOf(index), index};
        const auto it = std::lower_bound(m_order.begin(), m_order.end(), old, before);
        if (it != m_order.end() && it->index == index)
            m_order.erase(it);
        const OrderKey fresh{now, index};
        m_order.insert(std::lower_bound(m_order.begin(), m_order.end(), fresh, before), fresh);
    }
    m_updatedMs.insert(index, now);
    record.insert(QStringLiteral("updated_at"),
                  seed::iso(QDateTime::fromMSecsSinceEpoch(now, Qt::UTC)));
    m_store.store(index, record);
}

// The connectors of (type, name) as the state holds them: generated ones of another kind are
// skipped without being generated.
bool AiSquaredHandler::holdsSecrets(const QString& type, const QString& name,
                                    const QList<SecretValue>& secrets) const
{
    for (int i = 1; i <= m_store.count(); ++i) {
        const QJsonObject* edited = m_store.edited(i);
        if (!edited && (kindOf(i).name != name || generatedType(i) != type))
            continue;
        const QJsonObject r = edited ? *edited : m_store.record(i);
        if (r.value(QLatin1String("connector_type")).toString() == type &&
            r.value(QLatin1String("connector_name")).toString() == name &&
            aisquared::holdsSecrets(r.value(QLatin1String("configuration")), secrets))
            return true;
    }
    return false;
}

int AiSquaredHandler::indexOf(qint64 id) const
{
    return id >= 1 && id <= m_store.count() ? int(id) : 0;
}

SandboxReply AiSquaredHandler::handle(const SandboxRequest& request)
{
    // Routing comes first (config/routes.rb): an unknown path is Rails' 404, whoever asks.
    const QStringList& s = request.segments;
    QByteArray allow;
    const DefinitionsAction definitions = routeDefinitions(request, &allow);
    const bool prefix = s.size() >= 3 && s[0] == QLatin1String("api") &&
                        s[1] == QLatin1String("v1") && s[2] == QLatin1String("connectors");
    const bool collection = prefix && s.size() == 3;
    const bool item = prefix && s.size() == 4 && !s[3].isEmpty();
    if (!collection && !item && definitions == DefinitionsAction::None && allow.isEmpty())
        return railsPublic(404);
    const QByteArray& method = request.method;
    const bool write = item && (method == "PUT" || method == "PATCH");
    if ((collection && method != "GET") || (item && method != "GET" && !write))
        allow = item ? QByteArrayLiteral("GET, PUT, PATCH") : QByteArrayLiteral("GET");
    if (!allow.isEmpty()) {
        SandboxReply r = railsPublic(405);
        r.headers.append({QByteArrayLiteral("Allow"), allow});
        return r;
    }

    // before_action :authenticate_user!
    const QByteArray token = bearerToken(request);
    if (token.isEmpty() || (token != m_options.key && token != m_options.readOnlyKey))
        return renderError(401, QStringLiteral("Unauthorized"), {}, false);
    const bool readOnly = token != m_options.key;
    if (definitions != DefinitionsAction::None)
        return connectorDefinitions(
            definitions, request, readOnly,
            [this](const QString& type, const QString& name, const QList<SecretValue>& secrets) {
                return holdsSecrets(type, name, secrets);
            });

    // Rails params: the query string, plus a JSON body when the request says it is JSON. A body
    // that does not parse raises in validate_contract, outside handle_with_exception.
    QMap<QString, QString> query;
    for (const auto& [k, v] : request.query.queryItems(QUrl::FullyDecoded))
        query.insert(k, v);
    QJsonObject body;
    const bool jsonBody = hasJsonContentType(request);
    if (write && jsonBody && !request.body.trimmed().isEmpty()) {
        const std::optional<QJsonValue> parsed = parseBody(request.body);
        if (!parsed)
            return withAuth(railsPublic(400), true);
        body = parsed->toObject(); // an array lands in params[:_json]: nothing to wrap
    }

    // before_action :validate_contract (ConnectorContracts::Index / Show / Update).
    const ContractResult params =
        collection ? indexContract(query) : itemContract(s[3], write, body, jsonBody);
    if (!params.errors.isEmpty())
        return contractFailure(params.errors);

    // current_workspace: "Workspace not found" is a StandardError, answered 400.
    if (!knownWorkspace(request.header("workspace-id")))
        return badRequest(QStringLiteral("Workspace not found"));

    if (collection)
        return list(request, query);
    // set_connector
    const int index = indexOf(*params.id);
    if (index == 0)
        return renderError(404, QStringLiteral("Connector not found"));
    if (!write)
        return SandboxReply::json(
            200, QJsonObject{{QStringLiteral("data"), resource(m_store.record(index))}});
    return update(index, params.connector, readOnly);
}

// index: current_workspace.connectors (updated_at desc), optional type scope, Kaminari paging,
// JSON:API links as custom_pagination_links.rb builds them.
SandboxReply AiSquaredHandler::list(const SandboxRequest& request,
                                    const QMap<QString, QString>& query)
{
    const QString type = query.value(QStringLiteral("type")).toLower();
    const qint64 page = qMax<qint64>(1, rubyToI(query.value(QStringLiteral("page"))));
    int perPage = kDefaultPerPage;
    if (query.contains(QStringLiteral("per_page"))) {
        const QString text = query.value(QStringLiteral("per_page"));
        const qint64 n = rubyToI(text);
        if (n >= 0 && !text.isEmpty() && text.at(0).isDigit()) {
            if (n == 0) // Kaminari::ZeroPerPageOperation, a StandardError
                return badRequest(QStringLiteral(
                    "The number of total pages was incalculable. Perhaps you called .per(0)?"));
            perPage = int(qMin<qint64>(n, 1 << 30));
        }
    }

    buildOrder();
    std::vector<int> matching;
    if (type.isEmpty()) {
        matching.reserve(m_order.size());
        for (const OrderKey& k : m_order)
            matching.push_back(k.index);
    } else {
        for (const OrderKey& k : m_order) {
            if (typeOf(k.index) == type)
                matching.push_back(k.index);
        }
    }
    const qint64 total = qint64(matching.size());
    const qint64 totalPages = (total + perPage - 1) / perPage;
    QJsonArray data;
    const qint64 first = (page - 1) * perPage;
    for (qint64 i = first; i < qMin<qint64>(first + perPage, total); ++i)
        data.append(resource(m_store.record(matching[size_t(i)])));

    const QString url = origin(request) + QStringLiteral("/aisquared/api/v1/connectors");
    auto link = [&](qint64 p) -> QJsonValue {
        QMap<QString, QString> q = query;
        q.insert(QStringLiteral("page"), QString::number(p));
        q.insert(QStringLiteral("per_page"), QString::number(perPage));
        return url + QLatin1Char('?') + toQuery(q);
    };
    const bool lastPage = page == totalPages;
    const QJsonObject links{
        {QStringLiteral("self"), url + QLatin1Char('?') + toQuery(query)},
        {QStringLiteral("first"), link(1)},
        {QStringLiteral("prev"), page == 1 ? QJsonValue() : link(page - 1)},
        {QStringLiteral("next"), !lastPage && totalPages > 1 ? link(page + 1) : QJsonValue()},
        {QStringLiteral("last"), link(qMax<qint64>(totalPages, 1))}};
    const SandboxReply reply = SandboxReply::json(
        200, QJsonObject{{QStringLiteral("data"), data}, {QStringLiteral("links"), links}});

    // The churn knob: connectors "edited by someone else" right after this page was served. The
    // ones currently last in this order move to the front, so a naive page walk skips some and
    // sees others twice.
    const qint64 churn = qMin<qint64>(m_churnPerPage, total);
    std::vector<int> bumped(matching.end() - churn, matching.end());
    std::reverse(bumped.begin(), bumped.end());
    for (const int index : bumped)
        touch(index, m_store.record(index));
    return reply;
}

// update: authorize (viewer → 403), connector_params (blank → 422 param missing), then
// Connector#update with the model's validations (→ 422 "Connector update failed").
SandboxReply AiSquaredHandler::update(int index, const QJsonObject& connector, bool readOnly)
{
    if (readOnly)
        return renderError(403, QStringLiteral("You are not authorized to do this action"));
    if (connector.isEmpty()) // ActionController::ParameterMissing
        return withAuth(
            SandboxReply::json(422, QJsonObject{{QStringLiteral("error"),
                                                 QStringLiteral("param is missing or the value is "
                                                                "empty: connector")}}),
            true);
    if (connector.contains(QLatin1String("query_type"))) // permitted, but not an attribute
        return badRequest(QStringLiteral("unknown attribute 'query_type' for Connector."));

    const QJsonObject old = m_store.record(index);
    QJsonObject updated = old;
    // permit(:name, :connector_name, :connector_type, :description, configuration: {}); the
    // contract already made name/connector_name/connector_type non-empty strings.
    for (const char* key : {"name", "connector_name"}) {
        const QJsonValue v = connector.value(QLatin1String(key));
        if (v.isString())
            updated.insert(QLatin1String(key), v);
    }
    const QJsonValue type = connector.value(QLatin1String("connector_type"));
    if (type.isString()) {
        if (type.toString() != kSource && type.toString() != kDestination) // enum assignment
            return badRequest(
                QStringLiteral("'%1' is not a valid connector_type").arg(type.toString()));
        updated.insert(QStringLiteral("connector_type"), type);
    }
    const QJsonValue description = connector.value(QLatin1String("description"));
    if (description.isString() || description.isNull()) {
        updated.insert(QStringLiteral("description"), description);
    } else if (description.isBool()) { // ActiveModel::Type::String
        updated.insert(QStringLiteral("description"),
                       description.toBool() ? QStringLiteral("t") : QStringLiteral("f"));
    } else if (description.isDouble()) {
        const double d = description.toDouble();
        updated.insert(QStringLiteral("description"),
                       d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d));
    } // arrays and objects are not permitted scalars: dropped
    if (connector.value(QLatin1String("configuration")).isObject()) // stored exactly as sent
        updated.insert(QStringLiteral("configuration"),
                       connector.value(QLatin1String("configuration")));

    // The model's validations; format_errors keeps each attribute's first message.
    const QString newType = updated.value(QLatin1String("connector_type")).toString();
    const QString newName = updated.value(QLatin1String("connector_name")).toString();
    QJsonObject invalid;
    if (updated.value(QLatin1String("configuration")).toObject().isEmpty())
        invalid.insert(QStringLiteral("configuration"), QStringLiteral("can't be blank"));
    const QJsonObject* spec = specFor(newType, newName);
    if (!spec)
        return badRequest(QStringLiteral("the sandbox has no connection_specification for %1 %2")
                              .arg(newType, newName));
    if (!invalid.contains(QLatin1String("configuration")) &&
        !matchesSchema(updated.value(QLatin1String("configuration")), *spec))
        invalid.insert(QStringLiteral("configuration"), QStringLiteral("is invalid"));
    if (updated.value(QLatin1String("name")).toString().trimmed().isEmpty())
        invalid.insert(QStringLiteral("name"), QStringLiteral("can't be blank"));
    if (newName.trimmed().isEmpty())
        invalid.insert(QStringLiteral("connector_name"), QStringLiteral("can't be blank"));
    if (!invalid.isEmpty())
        return renderError(422, QStringLiteral("Connector update failed"), invalid);

    if (updated != old) // Rails saves (and moves updated_at) only when something changed
        touch(index, updated);
    return SandboxReply::json(
        200, QJsonObject{{QStringLiteral("data"), resource(m_store.record(index))}});
}

} // namespace

std::unique_ptr<VendorHandler> makeAiSquaredHandler()
{
    return std::make_unique<AiSquaredHandler>();
}

} // namespace sandbox
