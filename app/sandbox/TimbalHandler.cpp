#include "HandlerSupport.h"
#include "Handlers.h"
#include "SeedData.h"
#include "TimbalReportFaults.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRegularExpression>

// Timbal Platform, as its published OpenAPI describes it (timbal-ai/timbal
// docs/api-reference/openapi.json, pagination.mdx, errors.mdx; shared/vendor-apis/VERIFIED.md):
// ConnectorView records, server-chosen pages continued by an opaque page_token, no release list,
// no pending state, ErrorMessage {code, message} errors. What the spec leaves open (the list's
// wrapper key, page size, release set, the codes of 422s) is chosen here and documented in
// docs/sandbox.md, "timbal".
namespace sandbox {
namespace {

using namespace support;

constexpr const char* kVendor = "timbal";
const QString kOrg = QStringLiteral("demo-org");
// Oldest first. The server resolves "latest" to the last one; seeded connectors run the first
// six only, so the fleet's newest version (0.1.4) is older than the server's latest (0.1.5).
const QStringList kReleases = {QStringLiteral("0.0.9"), QStringLiteral("0.1.0"),
                               QStringLiteral("0.1.1"), QStringLiteral("0.1.2"),
                               QStringLiteral("0.1.3"), QStringLiteral("0.1.4"),
                               QStringLiteral("0.1.5")};
constexpr int kSeededReleases = 6;
const QString kMinRemoteVersion = QStringLiteral("0.1.0");
struct Platform
{
    const char* os;
    const char* arch;
};
constexpr Platform kPlatforms[] = {
    {"linux", "x86_64"}, {"linux", "arm64"}, {"darwin", "arm64"}, {"windows", "x86_64"}};
const QStringList kListShapes = {QStringLiteral("connectors"), QStringLiteral("data"),
                                 QStringLiteral("items"), QStringLiteral("results"),
                                 QStringLiteral("array")};
constexpr int kDefaultPageSize = 100;
// RateLimit-* on 2xx answers: a fixed window per key, large enough never to bind in tests (the
// retry-after fault is how a test gets a 429).
constexpr int kRateLimit = 100000;
constexpr qint64 kRateWindowMs = 60000;

QString latest()
{
    return kReleases.last();
}

QString artifact(const QString& version, const QString& os, const QString& arch)
{
    const QString ext =
        os == QLatin1String("windows") ? QStringLiteral("zip") : QStringLiteral("tar.gz");
    return QStringLiteral("timbal-connector-%1-%2-%3.%4").arg(version, os, arch, ext);
}

// Releases are ordered oldest first, so their index orders them.
bool olderThan(const QString& a, const QString& b)
{
    return kReleases.indexOf(a) < kReleases.indexOf(b);
}

// ErrorMessage {code, message} (openapi.json components.schemas.ErrorMessage).
SandboxReply error(int status, const QString& code, const QString& message,
                   std::optional<bool> authorized = true)
{
    SandboxReply r = SandboxReply::json(
        status, QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}});
    r.authorized = authorized;
    return r;
}

// The platform's code for a status (errors.mdx lists the statuses; codes are upper snake case
// like the spec's BAD_REQUEST / ALREADY_EXISTS examples).
QString codeFor(int status)
{
    static const QList<int> named = {400, 401, 403, 404, 405, 422, 429, 502, 503, 504};
    static const QHash<int, QString> own = {{402, QStringLiteral("REQUEST_FAILED")},
                                            {409, QStringLiteral("ALREADY_EXISTS")},
                                            {500, QStringLiteral("INTERNAL_ERROR")}};
    return errorCode(status, named, own);
}

QString messageFor(int status)
{
    static const QHash<int, QString> own = {{402, QStringLiteral("request failed")},
                                            {429, QStringLiteral("rate limit exceeded")}};
    return own.contains(status) ? own.value(status) : reasonPhrase(status).toLower();
}

struct Record
{
    QJsonValue name;    // string or null
    QJsonValue version; // string or null (enrolled, never reported)
    bool online = true;
    bool connected = true;
    bool reachable = true; // sandbox only: whether an update would reach the box
    QStringList capabilities;
    QString enrolledAt;
    QJsonValue lastSeenAt; // string or null
    QJsonValue hostname;
    QJsonValue os;
    QJsonValue arch;
};

// A dispatched update the connector has not reported yet (or, hit by `revert`, not gone back
// from yet).
struct Pending
{
    QString target;
    qint64 dueMs = -1; // handler clock; <0 = never
    QDateTime dueAt;   // wall clock: when the connector reports (becomes last_seen_at)
    // revert: the version reported before the update comes back at revertMs (<0 = never)
    QJsonValue revertTo;
    qint64 revertMs = -1;
    QDateTime revertAt;
};

enum Field
{
    FState = 1, // kept from the earlier seeding: states stay where "offline" used to be
    FOldVersion = 2,
    FVersion = 3,
    FPlatform = 4,
    FEnrolledA = 5,
    FEnrolledB = 6,
    FSeenRecent = 7,
    FSeenOld = 8,
    FNameNull = 9,
    FFilesystem = 10,
    FSync = 11,
    FHostStyle = 12,
    FHostA = 13,
    FHostB = 14,
    FHostWord = 15,
    FHostNumber = 16,
    FHostHex = 17,
};

class TimbalHandler final : public VendorHandler
{
public:
    QString vendorId() const override { return QString::fromLatin1(kVendor); }

    void reset(const SandboxOptions& options) override
    {
        m_options = options;
        m_delayMs = options.timbalUpdateDelayMs;
        m_pageSize = kDefaultPageSize;
        m_listShape = kListShapes.first();
        m_changed.clear();
        m_pending.clear();
        m_dispatches.clear();
        m_reportFaults.clear();
        m_hitBy.clear();
        m_clock.start();
        m_windowStartMs = 0;
        m_windowCount = 0;
    }

    QString configError(const QJsonObject& settings) const override
    {
        const QJsonValue delay = settings.value(QLatin1String("timbalUpdateDelayMs"));
        if (!delay.isUndefined() && !delay.isDouble())
            return QStringLiteral("timbalUpdateDelayMs must be a number");
        const QJsonValue size = settings.value(QLatin1String("timbalPageSize"));
        if (!size.isUndefined() &&
            (!size.isDouble() || size.toDouble() != double(size.toInteger()) ||
             size.toInteger() < 1 || size.toInteger() > 1000000))
            return QStringLiteral("timbalPageSize must be an integer from 1 to 1000000");
        const QJsonValue shape = settings.value(QLatin1String("timbalListShape"));
        if (!shape.isUndefined() && !kListShapes.contains(shape.toString()))
            return QStringLiteral("timbalListShape must be one of ") +
                   kListShapes.join(QStringLiteral(", "));
        return {};
    }

    void configure(const QJsonObject& settings) override
    {
        const QJsonValue delay = settings.value(QLatin1String("timbalUpdateDelayMs"));
        if (delay.isDouble())
            m_delayMs = delay.toInt();
        const QJsonValue size = settings.value(QLatin1String("timbalPageSize"));
        if (size.isDouble())
            m_pageSize = int(size.toInteger());
        const QJsonValue shape = settings.value(QLatin1String("timbalListShape"));
        if (shape.isString())
            m_listShape = shape.toString();
    }

    SandboxReply handle(const SandboxRequest& request) override
    {
        SandboxReply r = route(request);
        if (r.status >= 200 && r.status < 300)
            addRateLimitHeaders(r, countRequest(), secondsToWindowEnd());
        return r;
    }

    SandboxReply faultReply(int status, std::optional<qint64> retryAfterSeconds,
                            const SandboxRequest&) override
    {
        SandboxReply r = error(status, codeFor(status), messageFor(status), std::nullopt);
        if (retryAfterSeconds) {
            r.headers.append(
                {QByteArrayLiteral("Retry-After"), QByteArray::number(*retryAfterSeconds)});
            addRateLimitHeaders(r, kRateLimit, *retryAfterSeconds);
        }
        return r;
    }

    void setReportFaults(const QList<FaultSpec>& faults) override { m_reportFaults = faults; }

    // The stored truth: the API's ConnectorView plus a sandbox-only "_sandbox" member.
    QJsonArray state() const override
    {
        QJsonArray all;
        for (int i = 1; i <= m_options.connectors; ++i)
            all.append(toJson(i, true));
        return all;
    }

private:
    SandboxReply route(const SandboxRequest& request);
    SandboxReply list(const SandboxRequest& request) const;
    SandboxReply update(int index, const QString& id, const SandboxRequest& request);
    void dispatch(int index, const Record& r, const QString& target);

    // RateLimit-* (and the legacy X-RateLimit-* aliases, errors.mdx "Rate limiting").
    static void addRateLimitHeaders(SandboxReply& r, int used, qint64 resetSeconds)
    {
        const QByteArray limit = QByteArray::number(kRateLimit);
        const QByteArray remaining = QByteArray::number(qMax(0, kRateLimit - used));
        const QByteArray reset = QByteArray::number(resetSeconds);
        for (const char* prefix : {"", "X-"}) {
            const QByteArray p(prefix);
            r.headers.append({p + "RateLimit-Limit", limit});
            r.headers.append({p + "RateLimit-Remaining", remaining});
            r.headers.append({p + "RateLimit-Reset", reset});
        }
    }
    int countRequest()
    {
        const qint64 now = m_clock.elapsed();
        if (now - m_windowStartMs >= kRateWindowMs) {
            m_windowStartMs = now - (now - m_windowStartMs) % kRateWindowMs;
            m_windowCount = 0;
        }
        return ++m_windowCount;
    }
    qint64 secondsToWindowEnd() const
    {
        const qint64 left = kRateWindowMs - (m_clock.elapsed() - m_windowStartMs);
        return qMax<qint64>(1, (left + 999) / 1000);
    }

    QString idOf(int index) const
    {
        return QStringLiteral("con_") + QString::number(index).rightJustified(6, QLatin1Char('0'));
    }

    // 1-based index of "con_000007", or 0 when no such connector exists.
    int indexOf(const QString& id) const
    {
        if (!id.startsWith(QLatin1String("con_")))
            return 0;
        bool ok = false;
        const int index = id.mid(4).toInt(&ok);
        if (!ok || index < 1 || index > m_options.connectors || idOf(index) != id)
            return 0;
        return index;
    }

    // Opaque page tokens (pagination.mdx: "never parse or modify them"): base64url of the last
    // index served plus a check, so that a made-up or edited token is refused.
    QString tokenFor(int after) const
    {
        const QByteArray plain =
            "p1:" + QByteArray::number(after) + ':' +
            hex(seed::hash(m_options.seed, kVendor, after, 0x70C3) & 0xffffffffull, 8).toLatin1();
        return QString::fromLatin1(
            plain.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    }
    std::optional<int> afterOf(const QString& token) const
    {
        const auto decoded = QByteArray::fromBase64Encoding(
            token.toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return std::nullopt;
        const QList<QByteArray> parts = decoded.decoded.split(':');
        if (parts.size() != 3 || parts[0] != "p1")
            return std::nullopt;
        bool ok = false;
        const int after = parts[1].toInt(&ok);
        if (!ok || after < 1 || after >= m_options.connectors || tokenFor(after) != token)
            return std::nullopt;
        return after;
    }

    Record seeded(int index) const
    {
        const quint32 s = m_options.seed;
        Record r;
        // ~2% enrolled but never reported, ~10% offline, ~3% stale "connected" flag (gone),
        // ~8% connected to another monolith instance, the rest connected here.
        const int state = seed::pick(s, kVendor, index, FState, 100);
        const bool neverReported = state < 2;
        const bool offline = state < 12;
        const bool stale = state >= 12 && state < 15;
        const bool otherInstance = state >= 15 && state < 23;
        r.connected = !offline;
        r.online = !offline && !stale && !otherInstance;
        r.reachable = !offline && !stale;

        r.name = seed::chance(s, kVendor, index, FNameNull, 3)
                     ? QJsonValue()
                     : QJsonValue(seed::displayName(s, kVendor, index));
        const QString version =
            seed::chance(s, kVendor, index, FOldVersion, 10)
                ? kReleases.first()
                : kReleases.at(1 + seed::pick(s, kVendor, index, FVersion, kSeededReleases - 1));
        const QDateTime a = seed::timestamp(s, kVendor, index, FEnrolledA);
        const QDateTime b = seed::timestamp(s, kVendor, index, FEnrolledB);
        const QDateTime enrolled = qMin(a, b);
        r.enrolledAt = seed::iso(enrolled);
        if (neverReported) {
            r.version = QJsonValue();
            r.lastSeenAt = QJsonValue();
            r.hostname = QJsonValue();
            r.os = QJsonValue();
            r.arch = QJsonValue();
            return r;
        }
        r.version = version;
        const Platform& p = kPlatforms[seed::pick(s, kVendor, index, FPlatform, 4)];
        r.os = QString::fromLatin1(p.os);
        r.arch = QString::fromLatin1(p.arch);
        r.hostname = hostname(index, QString::fromLatin1(p.os));
        r.capabilities = {QStringLiteral("query")};
        if (seed::chance(s, kVendor, index, FFilesystem, 70))
            r.capabilities << QStringLiteral("filesystem");
        if (!olderThan(version, QStringLiteral("0.1.2")) &&
            seed::chance(s, kVendor, index, FSync, 60))
            r.capabilities << QStringLiteral("sync");
        QDateTime seen = r.online || otherInstance
                             ? QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC)
                                   .addMSecs(-seed::pick(s, kVendor, index, FSeenRecent, 600000))
                             : seed::timestamp(s, kVendor, index, FSeenOld);
        if (seen < qMax(a, b))
            seen = qMax(a, b);
        r.lastSeenAt = seed::iso(seen);
        return r;
    }

    QString hostname(int index, const QString& os) const
    {
        const quint32 s = m_options.seed;
        const QString word = seed::pickFrom(seed::words(), s, kVendor, index, FHostWord);
        if (os == QLatin1String("windows"))
            return QStringLiteral("WIN-") +
                   hex(seed::hash(s, kVendor, index, FHostHex), 7).toUpper();
        if (os == QLatin1String("darwin"))
            return word + QStringLiteral("s-MacBook-Pro.local");
        if (seed::pick(s, kVendor, index, FHostStyle, 2) == 0)
            return QStringLiteral("ip-10-0-%1-%2.ec2.internal")
                .arg(seed::pick(s, kVendor, index, FHostA, 256))
                .arg(seed::pick(s, kVendor, index, FHostB, 254) + 1);
        return word.toLower() + QLatin1Char('-') +
               QString::number(seed::pick(s, kVendor, index, FHostNumber, 20) + 1)
                   .rightJustified(2, QLatin1Char('0'));
    }

    // The record as the connector reports it now: a due update counts as reported.
    Record current(int index) const
    {
        Record r = m_changed.contains(index) ? m_changed.value(index) : seeded(index);
        const auto p = m_pending.constFind(index);
        if (p != m_pending.cend() && isDue(*p)) {
            applyUpdate(r, *p);
            if (revertIsDue(*p)) {
                r.version = p->revertTo;
                r.lastSeenAt = seed::iso(p->revertAt);
            }
        }
        return r;
    }

    // Stores a due update (and its revert, if it has one) for good, so that a new one starts
    // from it.
    void settle(int index)
    {
        const auto p = m_pending.find(index);
        if (p == m_pending.end() || !isDue(*p) || (hasRevert(*p) && !revertIsDue(*p)))
            return;
        m_changed.insert(index, current(index));
        m_pending.erase(p);
    }

    bool isDue(const Pending& p) const { return p.dueMs >= 0 && m_clock.elapsed() >= p.dueMs; }
    static bool hasRevert(const Pending& p) { return p.revertMs >= 0; }
    bool revertIsDue(const Pending& p) const
    {
        return hasRevert(p) && m_clock.elapsed() >= p.revertMs;
    }

    // The connector restarted on the target: it reports the version (and so was seen).
    static void applyUpdate(Record& r, const Pending& p)
    {
        if (r.version == QJsonValue(p.target))
            return;
        r.version = p.target;
        r.lastSeenAt = seed::iso(p.dueAt);
    }

    QJsonObject toJson(int index, bool withSandbox = false) const
    {
        const Record r = current(index);
        QJsonObject o{
            {QStringLiteral("id"), idOf(index)},
            {QStringLiteral("name"), r.name},
            {QStringLiteral("version"), r.version},
            {QStringLiteral("online"), r.online},
            {QStringLiteral("connected"), r.connected},
            {QStringLiteral("capabilities"), QJsonArray::fromStringList(r.capabilities)},
            {QStringLiteral("enrolled_at"), r.enrolledAt},
            {QStringLiteral("last_seen_at"), r.lastSeenAt},
            {QStringLiteral("hostname"), r.hostname},
            {QStringLiteral("os"), r.os},
            {QStringLiteral("arch"), r.arch},
        };
        if (withSandbox) {
            QJsonObject sandbox{{QStringLiteral("reachable"), r.reachable},
                                {QStringLiteral("dispatches"), m_dispatches.value(index)}};
            const auto hit = m_hitBy.constFind(index);
            if (hit != m_hitBy.cend())
                sandbox.insert(QStringLiteral("reportFault"), kindName(*hit));
            o.insert(QStringLiteral("_sandbox"), sandbox);
        }
        return o;
    }

    SandboxOptions m_options;
    int m_delayMs = 2000;
    int m_pageSize = kDefaultPageSize;
    QString m_listShape = kListShapes.first();
    QElapsedTimer m_clock;
    QHash<int, Record> m_changed; // only records that differ from their seed
    QHash<int, Pending> m_pending;
    QHash<int, int> m_dispatches;    // 202s per connector
    QList<FaultSpec> m_reportFaults; // active stuck / revert / drop, in the order given
    QHash<int, FaultKind> m_hitBy;   // the report fault that hit a connector's latest dispatch
    qint64 m_windowStartMs = 0;
    int m_windowCount = 0;
};

SandboxReply TimbalHandler::route(const SandboxRequest& request)
{
    const QByteArray key = bearerToken(request);
    const bool readOnly = !key.isEmpty() && key == m_options.readOnlyKey;
    if (key.isEmpty() || (key != m_options.key && !readOnly))
        return error(401, codeFor(401), QStringLiteral("missing or invalid API key"), false);

    const QStringList& seg = request.segments;
    if (seg.size() < 3 || seg.at(0) != QLatin1String("orgs") ||
        seg.at(2) != QLatin1String("connectors"))
        return error(404, codeFor(404), QStringLiteral("route not found"));
    if (seg.at(1) != kOrg)
        return error(403, codeFor(403),
                     QStringLiteral("no access to organization %1").arg(seg.at(1)));

    const QByteArray& method = request.method;
    auto allow = [](SandboxReply r, const QByteArray& methods) {
        r.headers.append({QByteArrayLiteral("Allow"), methods});
        return r;
    };
    auto notAllowed = [&](const QByteArray& methods) {
        return allow(error(405, codeFor(405), QStringLiteral("method not allowed")), methods);
    };

    if (seg.size() == 3)
        return method == "GET" ? list(request) : notAllowed("GET");
    // No release list exists: ".../connectors/releases" is the connector "releases".
    if (seg.size() == 4) {
        if (method != "GET")
            return notAllowed("GET");
        const int index = indexOf(seg.at(3));
        if (index == 0)
            return error(404, codeFor(404),
                         QStringLiteral("connector %1 not found").arg(seg.at(3)));
        return SandboxReply::json(200, toJson(index));
    }
    if (seg.size() == 5 && seg.at(4) == QLatin1String("update")) {
        if (method != "POST")
            return notAllowed("POST");
        if (readOnly)
            return error(403, codeFor(403),
                         QStringLiteral("this API key may not update connectors"));
        return update(indexOf(seg.at(3)), seg.at(3), request);
    }
    return error(404, codeFor(404), QStringLiteral("route not found"));
}

// The spec documents no parameters: the page size is the server's (knob timbalPageSize), unknown
// parameters are ignored, and a page that is not the last carries next_page_token.
SandboxReply TimbalHandler::list(const SandboxRequest& request) const
{
    const int total = m_options.connectors;
    if (m_listShape == QLatin1String("array")) {
        QJsonArray all;
        for (int i = 1; i <= total; ++i)
            all.append(toJson(i));
        return SandboxReply::json(200, all);
    }
    int after = 0;
    const QString token =
        request.query.queryItemValue(QStringLiteral("page_token"), QUrl::FullyDecoded);
    if (!token.isEmpty()) {
        const std::optional<int> decoded = afterOf(token);
        if (!decoded)
            return error(400, codeFor(400), QStringLiteral("invalid page_token"));
        after = *decoded;
    }
    QJsonArray connectors;
    const int last = int(qMin<qint64>(qint64(after) + m_pageSize, total));
    for (int i = after + 1; i <= last; ++i)
        connectors.append(toJson(i));
    return SandboxReply::json(
        200, QJsonObject{{m_listShape, connectors},
                         {QStringLiteral("next_page_token"),
                          last < total ? QJsonValue(tokenFor(last)) : QJsonValue()}});
}

SandboxReply TimbalHandler::update(int index, const QString& id, const SandboxRequest& request)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return error(400, codeFor(400), QStringLiteral("request body must be a JSON object"));
    const QJsonValue versionValue = doc.object().value(QStringLiteral("version"));
    QString target;
    if (versionValue.isUndefined() || versionValue.isNull()) {
        target = latest();
    } else if (versionValue.isString()) {
        static const QRegularExpression semver(QStringLiteral("^v?(\\d+\\.\\d+\\.\\d+)$"));
        const auto m = semver.match(versionValue.toString());
        if (!m.hasMatch())
            return error(400, codeFor(400),
                         QStringLiteral("version must be semver such as 0.1.3 or v0.1.3"));
        target = m.captured(1);
    } else {
        return error(400, codeFor(400), QStringLiteral("version must be a string or null"));
    }

    if (index == 0)
        return error(404, codeFor(404), QStringLiteral("connector %1 not found").arg(id));
    if (!kReleases.contains(target))
        return error(404, codeFor(404), QStringLiteral("release %1 not found").arg(target));

    settle(index);
    const Record r = current(index);
    // `online` is only this instance's socket: what decides is whether the box can be reached.
    if (!r.reachable || r.version.isNull())
        return error(422, QStringLiteral("connector_offline"),
                     QStringLiteral("connector is offline"));
    const QString version = r.version.toString();
    if (olderThan(version, kMinRemoteVersion)) {
        return error(422, QStringLiteral("connector_too_old"),
                     QStringLiteral("connector version %1 is too old to update remotely (needs %2)")
                         .arg(version, kMinRemoteVersion));
    }
    const QJsonObject body{
        {QStringLiteral("target_version"), target},
        {QStringLiteral("artifact"), artifact(target, r.os.toString(), r.arch.toString())},
        {QStringLiteral("dispatched"), version != target}};
    if (version == target)
        return SandboxReply::json(200, body); // a no-op: the stored state stays byte-identical

    dispatch(index, r, target);
    m_dispatches[index] += 1;
    return SandboxReply::json(202, body);
}

// The connector got the update; from now on it reports what the first active report fault that
// hits it makes it report (docs/sandbox.md "Report faults"), or the target after the delay.
// Dispatched again if an earlier one is not reported yet: the server keeps no pending state.
void TimbalHandler::dispatch(int index, const Record& r, const QString& target)
{
    // A reported update whose revert is still to come: the connector runs (and keeps reporting)
    // the target it is updated from; the new dispatch replaces the revert.
    const auto earlier = m_pending.constFind(index);
    if (earlier != m_pending.cend() && isDue(*earlier))
        m_changed.insert(index, r);

    const std::optional<FaultSpec> fault =
        timbalReportFaultHit(m_reportFaults, m_options.seed, index);
    auto hitBy = [&fault](FaultKind kind) { return fault && fault->kind == kind; };
    if (fault)
        m_hitBy.insert(index, fault->kind);
    else
        m_hitBy.remove(index);

    if (hitBy(FaultKind::Drop)) { // it restarts and never comes back
        Record gone = r;
        gone.online = false;
        gone.connected = false;
        gone.reachable = false;
        m_changed.insert(index, gone);
        m_pending.remove(index);
        return;
    }
    Pending p;
    p.target = target;
    if (m_delayMs >= 0 && !hitBy(FaultKind::Stuck)) {
        p.dueMs = m_clock.elapsed() + m_delayMs;
        p.dueAt = QDateTime::currentDateTimeUtc().addMSecs(m_delayMs);
    }
    if (hitBy(FaultKind::Revert) && p.dueMs >= 0) {
        const qint64 after = fault->arg >= 0 ? fault->arg : m_delayMs;
        p.revertTo = r.version;
        p.revertMs = p.dueMs + after;
        p.revertAt = p.dueAt.addMSecs(after);
    }
    m_pending.insert(index, p);
}

} // namespace

std::unique_ptr<VendorHandler> makeTimbalHandler()
{
    return std::make_unique<TimbalHandler>();
}

} // namespace sandbox
