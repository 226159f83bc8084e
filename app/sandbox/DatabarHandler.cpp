#include "HandlerSupport.h"
#include "Handlers.h"
#include "SeedData.h"

#include <cmath>

// Databar.ai (FastAPI + pydantic v2). The PUT (ConnectorCreate) is the seed page; the official
// SDK (databar-ai/databar-python src/databar/client.py, models.py) lists at "/connectors/" with
// the trailing slash and maps 401/403/404/406/422/429; FastAPI's redirect_slashes answers the
// other spelling with a 307. Plan caps and error details are assumed (docs/sandbox.md,
// "databar") and live in this file only.
namespace sandbox {
namespace {

using namespace support;

constexpr const char* kVendor = "databar";
constexpr int kIdBase = 1000; // connector i has id 1000 + i
constexpr int kMaxName = 256;
constexpr int kMaxUrl = 512;
constexpr int kMaxTemplate = 2048;
constexpr int kRateLimitCap = 10; // the plan's caps: larger values are stored capped
constexpr int kConcurrencyCap = 5;
const QStringList kMethods = {QStringLiteral("get"), QStringLiteral("post"), QStringLiteral("put"),
                              QStringLiteral("patch")};
const QStringList kTypes = {QStringLiteral("simple"), QStringLiteral("enrichment"),
                            QStringLiteral("exporter")};

SandboxReply detail(int status, const QString& message, bool authorized = true)
{
    return withAuth(SandboxReply::json(status, QJsonObject{{QStringLiteral("detail"), message}}),
                    authorized);
}

// One pydantic v2 error entry.
QJsonObject issue(const QString& type, const QJsonArray& loc, const QString& msg,
                  const QJsonValue& input, const QJsonObject& ctx = {})
{
    QJsonObject o{{QStringLiteral("type"), type},
                  {QStringLiteral("loc"), loc},
                  {QStringLiteral("msg"), msg},
                  {QStringLiteral("input"), input.isUndefined() ? QJsonValue() : input}};
    if (!ctx.isEmpty())
        o.insert(QStringLiteral("ctx"), ctx);
    return o;
}

SandboxReply unprocessable(const QJsonArray& issues, bool authorized = true)
{
    return withAuth(SandboxReply::json(422, QJsonObject{{QStringLiteral("detail"), issues}}),
                    authorized);
}

// "'get', 'post', 'put' or 'patch'" as pydantic words a Literal's expected values.
QString expected(const QStringList& values)
{
    QStringList quoted;
    for (const QString& v : values)
        quoted << QLatin1Char('\'') + v + QLatin1Char('\'');
    const QString last = quoted.takeLast();
    return quoted.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

int characters(const QString& s)
{
    return int(s.toUcs4().size());
}

// pydantic's checks of ConnectorCreate, in field order; appends issues, returns the valid value.
class BodyValidator
{
public:
    explicit BodyValidator(const QJsonObject& body) : m_body(body) {}

    QJsonArray issues() const { return m_issues; }

    QString string(const QString& field, bool required, int maxLength, const QString& fallback = {})
    {
        const QJsonValue v = given(field, required);
        if (v.isUndefined())
            return fallback;
        return checkString(v, loc(field), maxLength);
    }

    QString literal(const QString& field, bool required, const QStringList& values,
                    const QString& fallback = {})
    {
        const QJsonValue v = given(field, required);
        if (v.isUndefined())
            return fallback;
        if (!v.isString() || !values.contains(v.toString())) {
            const QString e = expected(values);
            m_issues.append(issue(QStringLiteral("literal_error"), loc(field),
                                  QStringLiteral("Input should be ") + e, v,
                                  {{QStringLiteral("expected"), e}}));
            return fallback;
        }
        return v.toString();
    }

    QJsonValue nullableString(const QString& field, int maxLength)
    {
        const QJsonValue v = m_body.value(field);
        if (v.isUndefined() || v.isNull())
            return QJsonValue();
        return checkString(v, loc(field), maxLength);
    }

    // Integer >= 1 or null; capped at `cap` (the plan limit) once valid.
    QJsonValue nullableLimit(const QString& field, int cap)
    {
        const QJsonValue v = m_body.value(field);
        if (v.isUndefined() || v.isNull())
            return QJsonValue();
        const double d = v.toDouble();
        if (!v.isDouble() || std::floor(d) != d) {
            const QString why =
                v.isString()   ? QStringLiteral(", unable to parse string as an integer")
                : v.isDouble() ? QStringLiteral(", got a number with a fractional part")
                               : QString();
            m_issues.append(issue(QStringLiteral("int_parsing"), loc(field),
                                  QStringLiteral("Input should be a valid integer") + why, v));
            return QJsonValue();
        }
        if (d < 1) {
            m_issues.append(issue(QStringLiteral("greater_than_equal"), loc(field),
                                  QStringLiteral("Input should be greater than or equal to 1"), v,
                                  {{QStringLiteral("ge"), 1}}));
            return QJsonValue();
        }
        return qint64(qMin(d, double(cap)));
    }

    // A list of NameValue: {name (required), value (default "")}.
    QJsonArray nameValues(const QString& field)
    {
        const QJsonValue v = m_body.value(field);
        if (v.isUndefined())
            return {};
        if (!v.isArray()) {
            m_issues.append(issue(QStringLiteral("list_type"), loc(field),
                                  QStringLiteral("Input should be a valid list"), v));
            return {};
        }
        QJsonArray out;
        const QJsonArray items = v.toArray();
        for (qsizetype i = 0; i < items.size(); ++i) {
            QJsonArray at = loc(field);
            at.append(int(i));
            const QJsonValue item = items.at(i);
            if (!item.isObject()) {
                m_issues.append(issue(
                    QStringLiteral("model_type"), at,
                    QStringLiteral("Input should be a valid dictionary or instance of NameValue"),
                    item, {{QStringLiteral("class_name"), QStringLiteral("NameValue")}}));
                continue;
            }
            const QJsonObject o = item.toObject();
            QJsonArray nameLoc = at;
            nameLoc.append(QStringLiteral("name"));
            QJsonArray valueLoc = at;
            valueLoc.append(QStringLiteral("value"));
            QString name;
            if (!o.contains(QLatin1String("name")))
                m_issues.append(
                    issue(QStringLiteral("missing"), nameLoc, QStringLiteral("Field required"), o));
            else
                name = checkString(o.value(QLatin1String("name")), nameLoc, 0);
            const QString value = o.contains(QLatin1String("value"))
                                      ? checkString(o.value(QLatin1String("value")), valueLoc, 0)
                                      : QString();
            out.append(
                QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
        }
        return out;
    }

private:
    static QJsonArray loc(const QString& field) { return {QStringLiteral("body"), field}; }

    // The field's value; undefined when absent, which is a "missing" issue when it is required.
    QJsonValue given(const QString& field, bool required)
    {
        const QJsonValue v = m_body.value(field);
        if (v.isUndefined() && required)
            m_issues.append(issue(QStringLiteral("missing"), loc(field),
                                  QStringLiteral("Field required"), m_body));
        return v;
    }

    QString checkString(const QJsonValue& v, const QJsonArray& at, int maxLength)
    {
        if (!v.isString()) {
            m_issues.append(issue(QStringLiteral("string_type"), at,
                                  QStringLiteral("Input should be a valid string"), v));
            return {};
        }
        if (maxLength > 0 && characters(v.toString()) > maxLength) {
            m_issues.append(
                issue(QStringLiteral("string_too_long"), at,
                      QStringLiteral("String should have at most %1 characters").arg(maxLength), v,
                      {{QStringLiteral("max_length"), maxLength}}));
            return {};
        }
        return v.toString();
    }

    QJsonObject m_body;
    QJsonArray m_issues;
};

enum Field
{
    FType = 1,
    FMethod,
    FHost,
    FAuth,
    FSecret,
    FParam,
    FTemplate,
    FRate,
    FConcurrency,
    FCreated,
    FPath,
};

class DatabarHandler final : public SeededHandler
{
public:
    DatabarHandler() : SeededHandler(kVendor) {}

    void reset(const SandboxOptions& options) override
    {
        SeededHandler::reset(options);
        m_credits = -1;
    }

    // "databarCredits": N; 0 makes every PUT answer 406. A negative value means unlimited.
    void configure(const QJsonObject& settings) override
    {
        const QJsonValue credits = settings.value(QLatin1String("databarCredits"));
        if (credits.isDouble())
            m_credits = credits.toInt();
    }

    SandboxReply handle(const SandboxRequest& request) override;

    // HTTPException(detail="...") for every status; a 422 is a validation error list.
    SandboxReply faultReply(int status, std::optional<qint64>, const SandboxRequest&) override
    {
        SandboxReply r =
            status == 422
                ? unprocessable(
                      {issue(QStringLiteral("value_error"), {QStringLiteral("body")},
                             QStringLiteral("Value error, request rejected"), QJsonValue())})
            : status == 406 ? detail(406, QStringLiteral("Insufficient credits"))
            : status == 429 ? detail(429, QStringLiteral("Rate limit exceeded"))
                            : detail(status, reasonPhrase(status));
        r.authorized.reset();
        return r;
    }

private:
    // Starlette's redirect_slashes: the path with its trailing slash added or removed, as an
    // absolute URL on the origin the client used, query kept; 307, empty body. It happens in
    // the router, before any dependency (the API key) is looked at.
    static SandboxReply redirect(const SandboxRequest& request, const QString& path)
    {
        QString location = origin(request) + QStringLiteral("/databar/") + path;
        const QString query = request.query.toString(QUrl::FullyEncoded);
        if (!query.isEmpty())
            location += QLatin1Char('?') + query;
        SandboxReply r = SandboxReply::empty(307);
        r.headers.append({QByteArrayLiteral("Location"), location.toUtf8()});
        return r;
    }

    QJsonObject generate(int index) const override;
    SandboxReply update(int index, const SandboxRequest& request);

    int m_credits = -1;
};

// Stored form is the answered Connector (header values included: the vendor does not mask them).
QJsonObject DatabarHandler::generate(int index) const
{
    static const QStringList hosts = {
        QStringLiteral("api.peopledata.example"), QStringLiteral("api.firmographics.example"),
        QStringLiteral("enrich.leadscore.example"), QStringLiteral("hooks.crm-sync.example")};
    static const QStringList paths = {QStringLiteral("/v1/person/enrich"),
                                      QStringLiteral("/v2/company"), QStringLiteral("/v1/score"),
                                      QStringLiteral("/v1/export/rows")};
    static const QStringList params = {QStringLiteral("email"), QStringLiteral("domain"),
                                       QStringLiteral("linkedin_url"), QStringLiteral("company")};
    const int typeDraw = pick(index, FType, 100);
    const QString type = typeDraw < 60 ? kTypes[1] : typeDraw < 85 ? kTypes[0] : kTypes[2];
    const int methodDraw = pick(index, FMethod, 100);
    const QString method = methodDraw < 50   ? kMethods[0]
                           : methodDraw < 85 ? kMethods[1]
                           : methodDraw < 95 ? kMethods[2]
                                             : kMethods[3];
    const QString secret = hex(draw(index, FSecret), 16) + hex(draw(index, FSecret + 100), 8);

    QJsonArray headers;
    switch (pick(index, FAuth, 3)) {
    case 0:
        headers.append(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("Authorization")},
                        {QStringLiteral("value"), QStringLiteral("Bearer sk_live_") + secret}});
        break;
    case 1:
        headers.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("X-Api-Key")},
                                   {QStringLiteral("value"), secret}});
        break;
    default:
        break;
    }
    QJsonArray parameters;
    QJsonArray body;
    QJsonValue bodyTemplate;
    const QString param = params[pick(index, FParam, int(params.size()))];
    const QString placeholder = QStringLiteral("{{ %1 }}").arg(param);
    if (method == kMethods[0]) {
        parameters.append(
            QJsonObject{{QStringLiteral("name"), param}, {QStringLiteral("value"), placeholder}});
    } else {
        headers.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("Content-Type")},
                                   {QStringLiteral("value"), QStringLiteral("application/json")}});
        if (pick(index, FTemplate, 3) == 0)
            bodyTemplate = QStringLiteral("{\"%1\": \"%2\", \"limit\": 5}").arg(param, placeholder);
        else
            body.append(QJsonObject{{QStringLiteral("name"), param},
                                    {QStringLiteral("value"), placeholder}});
    }
    const int rate = pick(index, FRate, 13);              // 0..2: null, else 1..10
    const int concurrency = pick(index, FConcurrency, 7); // 0..1: null, else 1..5
    return {{QStringLiteral("id"), kIdBase + index},
            {QStringLiteral("name"), seed::displayName(m_options.seed, kVendor, index)},
            {QStringLiteral("type"), type},
            {QStringLiteral("method"), method},
            {QStringLiteral("url"), QStringLiteral("https://") +
                                        hosts[pick(index, FHost, int(hosts.size()))] +
                                        paths[pick(index, FPath, int(paths.size()))]},
            {QStringLiteral("headers"), headers},
            {QStringLiteral("parameters"), parameters},
            {QStringLiteral("body"), body},
            {QStringLiteral("body_template"), bodyTemplate},
            {QStringLiteral("rate_limit"), rate < 3 ? QJsonValue() : QJsonValue(rate - 2)},
            {QStringLiteral("max_concurrency"),
             concurrency < 2 ? QJsonValue() : QJsonValue(concurrency - 1)},
            {QStringLiteral("created_at"),
             seed::iso(seed::timestamp(m_options.seed, kVendor, index, FCreated))}};
}

SandboxReply DatabarHandler::handle(const SandboxRequest& request)
{
    // Routes: GET /v1/connectors/ (list) and /v1/connectors/{connector_id} (get, put).
    const QStringList& s = request.segments;
    const bool prefix =
        s.size() >= 2 && s[0] == QLatin1String("v1") && s[1] == QLatin1String("connectors");
    if (prefix && s.size() == 2)
        return redirect(request, QStringLiteral("v1/connectors/"));
    if (prefix && s.size() == 4 && !s[2].isEmpty() && s[3].isEmpty())
        return redirect(request, QStringLiteral("v1/connectors/") +
                                     QString::fromLatin1(QUrl::toPercentEncoding(s[2])));
    const bool isList = prefix && s.size() == 3 && s[2].isEmpty();

    if (!request.headers.contains("x-apikey"))
        return unprocessable({issue(QStringLiteral("missing"),
                                    {QStringLiteral("header"), QStringLiteral("x-apikey")},
                                    QStringLiteral("Field required"), QJsonValue())},
                             false);
    const QByteArray key = request.header("x-apikey");
    if (key != m_options.key && key != m_options.readOnlyKey)
        return detail(401, QStringLiteral("Invalid API key"), false);

    if (!prefix || s.size() != 3)
        return detail(404, QStringLiteral("Not Found"));
    const bool get = request.method == "GET";
    const bool put = request.method == "PUT";
    if (isList) {
        if (!get)
            return withAllow(detail(405, QStringLiteral("Method Not Allowed")), false);
        return SandboxReply::json(200, m_store.all());
    }
    if (!get && !put)
        return withAllow(detail(405, QStringLiteral("Method Not Allowed")), true);
    bool ok = false;
    const qint64 id = s[2].trimmed().toLongLong(&ok);
    if (!ok)
        return unprocessable({issue(
            QStringLiteral("int_parsing"), {QStringLiteral("path"), QStringLiteral("connector_id")},
            QStringLiteral("Input should be a valid integer, unable to parse string as an integer"),
            s[2])});
    if (put && key != m_options.key)
        return detail(403, QStringLiteral("Not allowed"));
    const qint64 index = id - kIdBase;
    const bool exists = index >= 1 && index <= m_store.count();
    if (get)
        return exists ? SandboxReply::json(200, m_store.record(int(index)))
                      : detail(404, QStringLiteral("Connector not found"));
    // FastAPI validates the body before the endpoint runs: 422 comes before 404.
    return update(exists ? int(index) : 0, request);
}

// Seed PUT: a full ConnectorCreate replaces the configuration; omitted fields take their defaults.
SandboxReply DatabarHandler::update(int index, const SandboxRequest& request)
{
    if (request.body.trimmed().isEmpty())
        return unprocessable({issue(QStringLiteral("missing"), {QStringLiteral("body")},
                                    QStringLiteral("Field required"), QJsonValue())});
    const std::optional<QJsonValue> parsed = parseBody(request.body);
    if (!parsed)
        return detail(400, QStringLiteral("Validation error: request body is not valid JSON"));
    if (!parsed->isObject())
        return unprocessable({issue(
            QStringLiteral("model_attributes_type"), {QStringLiteral("body")},
            QStringLiteral("Input should be a valid dictionary or object to extract fields from"),
            *parsed)});
    BodyValidator v(parsed->toObject());
    const QString name = v.string(QStringLiteral("name"), true, kMaxName);
    const QString type =
        v.literal(QStringLiteral("type"), false, kTypes, QStringLiteral("enrichment"));
    const QString method = v.literal(QStringLiteral("method"), true, kMethods);
    const QString url = v.string(QStringLiteral("url"), true, kMaxUrl);
    const QJsonArray headers = v.nameValues(QStringLiteral("headers"));
    const QJsonArray parameters = v.nameValues(QStringLiteral("parameters"));
    const QJsonArray body = v.nameValues(QStringLiteral("body"));
    const QJsonValue bodyTemplate = v.nullableString(QStringLiteral("body_template"), kMaxTemplate);
    const QJsonValue rateLimit = v.nullableLimit(QStringLiteral("rate_limit"), kRateLimitCap);
    const QJsonValue maxConcurrency =
        v.nullableLimit(QStringLiteral("max_concurrency"), kConcurrencyCap);
    if (!v.issues().isEmpty())
        return unprocessable(v.issues());
    if (index == 0)
        return detail(404, QStringLiteral("Connector not found"));
    if (m_credits == 0)
        return detail(406, QStringLiteral("Insufficient credits"));

    const QJsonObject old = m_store.record(index);
    const QJsonObject updated{
        {QStringLiteral("id"), old.value(QLatin1String("id"))},
        {QStringLiteral("name"), name},
        {QStringLiteral("type"), type},
        {QStringLiteral("method"), method},
        {QStringLiteral("url"), url},
        {QStringLiteral("headers"), headers},
        {QStringLiteral("parameters"), parameters},
        {QStringLiteral("body"), body},
        {QStringLiteral("body_template"), bodyTemplate},
        {QStringLiteral("rate_limit"), rateLimit},
        {QStringLiteral("max_concurrency"), maxConcurrency},
        {QStringLiteral("created_at"), old.value(QLatin1String("created_at"))}};
    m_store.store(index, updated);
    return SandboxReply::json(200, m_store.record(index));
}

} // namespace

std::unique_ptr<VendorHandler> makeDatabarHandler()
{
    return std::make_unique<DatabarHandler>();
}

} // namespace sandbox
