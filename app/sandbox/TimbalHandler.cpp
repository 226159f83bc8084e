#include "Handlers.h"
#include "SeedData.h"

#include <QByteArrayView>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRegularExpression>

// Timbal Platform. Only POST .../update is in the seed page; listing, reading, releases, the org
// and the record shape are assumed (docs/sandbox.md, "timbal") and live in this file only.
namespace sandbox {
namespace {

constexpr const char* kVendor = "timbal";
const QString kOrg = QStringLiteral("demo-org");
const QStringList kReleases = {QStringLiteral("0.0.9"), QStringLiteral("0.1.0"),
                               QStringLiteral("0.1.1"), QStringLiteral("0.1.2"),
                               QStringLiteral("0.1.3"), QStringLiteral("0.1.4")}; // oldest first
const QString kMinRemoteVersion = QStringLiteral("0.1.0");
const QStringList kPlatforms = {QStringLiteral("linux-x86_64"), QStringLiteral("linux-arm64"),
                                QStringLiteral("darwin-arm64"), QStringLiteral("windows-x86_64")};
constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;

QString latest()
{
    return kReleases.last();
}

QString artifact(const QString& version, const QString& platform)
{
    const QString ext = platform.startsWith(QLatin1String("windows")) ? QStringLiteral("zip")
                                                                      : QStringLiteral("tar.gz");
    return QStringLiteral("timbal-connector-%1-%2.%3").arg(version, platform, ext);
}

// Releases are ordered oldest first, so their index orders them.
bool olderThan(const QString& a, const QString& b)
{
    return kReleases.indexOf(a) < kReleases.indexOf(b);
}

SandboxReply error(int status, const QString& message, std::optional<bool> authorized = true)
{
    SandboxReply r = SandboxReply::json(status, QJsonObject{{QStringLiteral("error"), message}});
    r.authorized = authorized;
    return r;
}

struct Record
{
    QString name;
    QString version;
    bool online = true;
    QString platform;
    QString createdAt;
    QString updatedAt;
    QString lastSeenAt;
};

// A dispatched update the connector has not reported yet.
struct Pending
{
    QString target;
    qint64 dueMs = -1; // handler clock; <0 = never
    QDateTime dueAt;   // wall clock, becomes updated_at
};

class TimbalHandler final : public VendorHandler
{
public:
    QString vendorId() const override { return QString::fromLatin1(kVendor); }

    void reset(const SandboxOptions& options) override
    {
        m_options = options;
        m_delayMs = options.timbalUpdateDelayMs;
        m_changed.clear();
        m_pending.clear();
        m_clock.start();
    }

    void configure(const QJsonObject& settings) override
    {
        const QJsonValue delay = settings.value(QStringLiteral("timbalUpdateDelayMs"));
        if (delay.isDouble())
            m_delayMs = delay.toInt();
    }

    SandboxReply handle(const SandboxRequest& request) override;

    QJsonArray state() const override
    {
        QJsonArray all;
        for (int i = 1; i <= m_options.connectors; ++i)
            all.append(toJson(i));
        return all;
    }

private:
    SandboxReply list(const SandboxRequest& request) const;
    SandboxReply releases() const;
    SandboxReply update(int index, const SandboxRequest& request);

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

    Record seeded(int index) const
    {
        const quint32 s = m_options.seed;
        Record r;
        r.name = seed::displayName(s, kVendor, index);
        r.online = !seed::chance(s, kVendor, index, 1, 15);
        r.version =
            seed::chance(s, kVendor, index, 2, 10)
                ? kReleases.first()
                : kReleases.at(1 + seed::pick(s, kVendor, index, 3, int(kReleases.size()) - 1));
        r.platform = seed::pickFrom(kPlatforms, s, kVendor, index, 4);
        QDateTime created = seed::timestamp(s, kVendor, index, 5);
        QDateTime updated = seed::timestamp(s, kVendor, index, 6);
        if (updated < created)
            std::swap(created, updated);
        QDateTime seen = r.online ? QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC)
                                        .addMSecs(-seed::pick(s, kVendor, index, 7, 600000))
                                  : seed::timestamp(s, kVendor, index, 8);
        if (seen < updated)
            seen = updated;
        r.createdAt = seed::iso(created);
        r.updatedAt = seed::iso(updated);
        r.lastSeenAt = seed::iso(seen);
        return r;
    }

    // The record as the connector reports it now: a due pending update counts as done.
    Record current(int index, const Pending** pendingOut = nullptr) const
    {
        Record r = m_changed.contains(index) ? m_changed.value(index) : seeded(index);
        const auto p = m_pending.constFind(index);
        const Pending* pending = p == m_pending.cend() ? nullptr : &p.value();
        if (pending && isDue(*pending)) {
            applyUpdate(r, *pending);
            pending = nullptr;
        }
        if (pendingOut)
            *pendingOut = pending;
        return r;
    }

    // Stores a due update for good, so that a new one starts from it.
    void settle(int index)
    {
        const auto p = m_pending.find(index);
        if (p == m_pending.end() || !isDue(*p))
            return;
        m_changed.insert(index, current(index));
        m_pending.erase(p);
    }

    bool isDue(const Pending& p) const { return p.dueMs >= 0 && m_clock.elapsed() >= p.dueMs; }

    static void applyUpdate(Record& r, const Pending& p)
    {
        if (r.version == p.target)
            return;
        r.version = p.target;
        r.updatedAt = seed::iso(p.dueAt);
    }

    QJsonObject toJson(int index) const
    {
        const Pending* pending = nullptr;
        const Record r = current(index, &pending);
        QJsonObject o{
            {QStringLiteral("id"), idOf(index)},
            {QStringLiteral("name"), r.name},
            {QStringLiteral("version"), r.version},
            {QStringLiteral("online"), r.online},
            {QStringLiteral("platform"), r.platform},
            {QStringLiteral("created_at"), r.createdAt},
            {QStringLiteral("updated_at"), r.updatedAt},
            {QStringLiteral("last_seen_at"), r.lastSeenAt},
        };
        if (pending)
            o.insert(QStringLiteral("pending_version"), pending->target);
        return o;
    }

    SandboxOptions m_options;
    int m_delayMs = 2000;
    QElapsedTimer m_clock;
    QHash<int, Record> m_changed; // only records that differ from their seed
    QHash<int, Pending> m_pending;
};

SandboxReply TimbalHandler::handle(const SandboxRequest& request)
{
    const QByteArray auth = request.header("authorization");
    const QByteArray key = auth.startsWith("Bearer ") ? auth.mid(7).trimmed() : QByteArray();
    const bool readOnly = !key.isEmpty() && key == m_options.readOnlyKey;
    if (key.isEmpty() || (key != m_options.key && !readOnly))
        return error(401, QStringLiteral("unauthorized"), false);

    const QStringList& seg = request.segments;
    if (seg.size() < 3 || seg.at(0) != QLatin1String("orgs") ||
        seg.at(2) != QLatin1String("connectors"))
        return error(404, QStringLiteral("not found"));
    if (seg.at(1) != kOrg)
        return error(403, QStringLiteral("forbidden"));

    const QByteArray& method = request.method;
    auto onlyGet = [&](auto&& answer) -> SandboxReply {
        if (method != "GET") {
            SandboxReply r = error(405, QStringLiteral("method not allowed"));
            r.headers.append(qMakePair(QByteArray("Allow"), QByteArray("GET")));
            return r;
        }
        return answer();
    };

    if (seg.size() == 3)
        return onlyGet([&] { return list(request); });
    // "releases" is routed before {id}: it would otherwise be looked up as a connector id.
    if (seg.size() == 4 && seg.at(3) == QLatin1String("releases"))
        return onlyGet([&] { return releases(); });
    if (seg.size() == 4) {
        return onlyGet([&] {
            const int index = indexOf(seg.at(3));
            if (index == 0)
                return error(404, QStringLiteral("connector not found"));
            return SandboxReply::json(200, toJson(index));
        });
    }
    if (seg.size() == 5 && seg.at(4) == QLatin1String("update")) {
        if (method != "POST") {
            SandboxReply r = error(405, QStringLiteral("method not allowed"));
            r.headers.append(qMakePair(QByteArray("Allow"), QByteArray("POST")));
            return r;
        }
        if (readOnly)
            return error(403, QStringLiteral("forbidden"));
        const int index = indexOf(seg.at(3));
        return update(index, request);
    }
    return error(404, QStringLiteral("not found"));
}

SandboxReply TimbalHandler::list(const SandboxRequest& request) const
{
    int limit = kDefaultLimit;
    const QString limitText =
        request.query.queryItemValue(QStringLiteral("limit"), QUrl::FullyDecoded);
    if (request.query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1)
            return error(400, QStringLiteral("limit must be a positive integer"));
        limit = qMin(limit, kMaxLimit);
    }
    // The cursor is opaque to clients: base64url of "after:<index>".
    int after = 0;
    const QString cursor =
        request.query.queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded);
    if (!cursor.isEmpty()) {
        const auto decoded = QByteArray::fromBase64Encoding(
            cursor.toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        bool ok = decoded && decoded.decoded.startsWith("after:");
        if (ok)
            after = decoded.decoded.mid(6).toInt(&ok);
        if (!ok || after < 0)
            return error(400, QStringLiteral("invalid cursor"));
    }
    QJsonArray connectors;
    const int last = int(qMin<qint64>(qint64(after) + limit, m_options.connectors));
    for (int i = after + 1; i <= last; ++i)
        connectors.append(toJson(i));
    QJsonValue next;
    if (last < m_options.connectors) {
        next = QString::fromLatin1(
            ("after:" + QByteArray::number(last))
                .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    }
    return SandboxReply::json(200, QJsonObject{{QStringLiteral("connectors"), connectors},
                                               {QStringLiteral("next_cursor"), next}});
}

SandboxReply TimbalHandler::releases() const
{
    QJsonArray list;
    for (qsizetype i = kReleases.size() - 1; i >= 0; --i) {
        const QString v = kReleases.at(i);
        QJsonObject artifacts;
        for (const QString& p : kPlatforms)
            artifacts.insert(p, artifact(v, p));
        // Fixed dates, a month apart, newest last published.
        const QDateTime published =
            QDateTime(QDate(2026, 1, 15), QTime(12, 0), Qt::UTC).addMonths(int(i));
        list.append(QJsonObject{{QStringLiteral("version"), v},
                                {QStringLiteral("published_at"), seed::iso(published)},
                                {QStringLiteral("artifacts"), artifacts}});
    }
    return SandboxReply::json(
        200, QJsonObject{{QStringLiteral("latest"), latest()}, {QStringLiteral("releases"), list}});
}

SandboxReply TimbalHandler::update(int index, const SandboxRequest& request)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return error(400, QStringLiteral("body must be a JSON object"));
    const QJsonValue versionValue = doc.object().value(QStringLiteral("version"));
    QString target;
    if (versionValue.isUndefined() || versionValue.isNull()) {
        target = latest();
    } else if (versionValue.isString()) {
        static const QRegularExpression semver(QStringLiteral("^v?(\\d+\\.\\d+\\.\\d+)$"));
        const auto m = semver.match(versionValue.toString());
        if (!m.hasMatch())
            return error(400, QStringLiteral("version must be semver such as 0.1.3 or v0.1.3"));
        target = m.captured(1);
    } else {
        return error(400, QStringLiteral("version must be a string or null"));
    }

    if (index == 0)
        return error(404, QStringLiteral("connector not found"));
    if (!kReleases.contains(target))
        return error(404, QStringLiteral("release %1 not found").arg(target));

    settle(index);
    const Pending* pending = nullptr;
    const Record r = current(index, &pending);
    if (!r.online)
        return error(422, QStringLiteral("connector is offline"));
    if (olderThan(r.version, kMinRemoteVersion)) {
        return error(
            422,
            QStringLiteral("connector version %1 is too old to update remotely").arg(r.version));
    }
    const QJsonObject body{{QStringLiteral("target_version"), target},
                           {QStringLiteral("artifact"), artifact(target, r.platform)},
                           {QStringLiteral("dispatched"), r.version != target}};
    if (r.version == target)
        return SandboxReply::json(200, body); // a no-op: the stored state stays byte-identical

    Pending p;
    p.target = target;
    if (m_delayMs >= 0) {
        p.dueMs = m_clock.elapsed() + m_delayMs;
        p.dueAt = QDateTime::currentDateTimeUtc().addMSecs(m_delayMs);
    }
    m_pending.insert(index, p);
    return SandboxReply::json(202, body);
}

} // namespace

std::unique_ptr<VendorHandler> makeTimbalHandler()
{
    return std::make_unique<TimbalHandler>();
}

} // namespace sandbox
