#include "HandlerSupport.h"

#include "ResponseDelivery.h"
#include "SeedData.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QRandomGenerator>

namespace sandbox::support {

void SeededStore::reset(int count, Generator generate)
{
    m_count = qMax(0, count);
    m_generate = std::move(generate);
    m_edited.clear();
}

QJsonObject SeededStore::record(int index) const
{
    const auto it = m_edited.constFind(index);
    return it != m_edited.cend() ? it.value() : m_generate(index);
}

const QJsonObject* SeededStore::edited(int index) const
{
    const auto it = m_edited.constFind(index);
    return it != m_edited.cend() ? &it.value() : nullptr;
}

bool SeededStore::store(int index, const QJsonObject& updated)
{
    if (record(index) == updated)
        return false;
    m_edited.insert(index, updated);
    return true;
}

QJsonObject SeededStore::write(int index, QJsonObject updated, const QJsonObject& stamp)
{
    if (updated != record(index)) {
        for (auto it = stamp.begin(); it != stamp.end(); ++it)
            updated.insert(it.key(), it.value());
        m_edited.insert(index, updated);
    }
    return record(index);
}

QJsonArray SeededStore::all() const
{
    QJsonArray out;
    for (int i = 1; i <= m_count; ++i)
        out.append(record(i));
    return out;
}

QString SeededHandler::vendorId() const
{
    return QString::fromLatin1(m_vendor);
}

void SeededHandler::reset(const SandboxOptions& options)
{
    m_options = options;
    m_idKey = seed::hash(options.seed, m_vendor, 0, m_idSalt);
    m_store.reset(options.connectors, [this](int i) { return generate(i); });
}

quint64 SeededHandler::draw(int index, int field) const
{
    return seed::hash(m_options.seed, m_vendor, index, field);
}

int SeededHandler::pick(int index, int field, int n) const
{
    return seed::pick(m_options.seed, m_vendor, index, field, n);
}

RequestIds::RequestIds() : m_nonce(QRandomGenerator::global()->generate64()) {}

quint64 RequestIds::next()
{
    return seed::mix(m_nonce + ++m_count);
}

namespace {

quint64 mask(int bits)
{
    return bits >= 64 ? ~0ull : (1ull << bits) - 1;
}

// An odd multiplier derived from the key, and its inverse modulo 2^64 (Newton's iteration).
quint64 multiplier(quint64 key)
{
    return seed::mix(key) | 1ull;
}

quint64 inverse(quint64 odd)
{
    quint64 x = odd; // correct to 3 bits; each step doubles the correct bits
    for (int i = 0; i < 5; ++i)
        x *= 2 - odd * x;
    return x;
}

} // namespace

quint64 scramble(quint64 value, int bits, quint64 key)
{
    const quint64 m = mask(bits);
    quint64 x = (value ^ (seed::mix(key ^ 0x5bd1e995ull) & m)) & m;
    x = (x * multiplier(key)) & m;
    return x ^ (x >> (bits / 2));
}

quint64 unscramble(quint64 value, int bits, quint64 key)
{
    const quint64 m = mask(bits);
    // Undo x ^= x >> (bits/2): one step suffices since the shift covers half the width.
    quint64 x = value & m;
    x ^= x >> (bits / 2);
    x = (x * inverse(multiplier(key))) & m;
    return (x ^ (seed::mix(key ^ 0x5bd1e995ull) & m)) & m;
}

QString hex(quint64 value, int digits)
{
    return QString::number(value, 16).rightJustified(digits, QLatin1Char('0')).right(digits);
}

QByteArray bearerToken(const SandboxRequest& request)
{
    const QByteArray h = request.header("authorization").trimmed();
    if (h.size() < 7 || qstrnicmp(h.constData(), "bearer ", 7) != 0)
        return {};
    return h.mid(7).trimmed();
}

std::optional<QJsonValue> parseBody(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return std::nullopt;
    if (doc.isArray())
        return QJsonValue(doc.array());
    return QJsonValue(doc.object());
}

QString nowIso()
{
    return seed::iso(QDateTime::currentDateTimeUtc());
}

std::optional<int> queryInt(const SandboxRequest& request, const QString& name, int fallback)
{
    if (!request.query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const int v = request.query.queryItemValue(name).toInt(&ok);
    if (!ok)
        return std::nullopt;
    return v;
}

SandboxReply withAuth(SandboxReply reply, bool authorized)
{
    reply.authorized = authorized;
    return reply;
}

SandboxReply withAllow(SandboxReply reply, bool itemPath)
{
    reply.headers.append({QByteArrayLiteral("Allow"),
                          itemPath ? QByteArrayLiteral("GET, PUT") : QByteArrayLiteral("GET")});
    return reply;
}

QString origin(const SandboxRequest& request)
{
    QByteArray host = request.header("host").trimmed();
    if (host.isEmpty())
        host = "127.0.0.1";
    return QStringLiteral("http://") + QString::fromLatin1(host);
}

bool hasJsonContentType(const SandboxRequest& request)
{
    const QByteArray type = request.header("content-type").split(';').value(0).trimmed().toLower();
    return type == "application/json" ||
           (type.startsWith("application/") && type.endsWith("+json"));
}

QString reasonPhrase(int status)
{
    return QString::fromLatin1(delivery::reasonPhrase(status));
}

QString errorCode(int status, const QList<int>& named, const QHash<int, QString>& own)
{
    if (const auto it = own.constFind(status); it != own.cend())
        return it.value();
    if (named.contains(status))
        return reasonPhrase(status).toUpper().replace(QLatin1Char(' '), QLatin1Char('_'));
    return QStringLiteral("HTTP_%1").arg(status);
}

SandboxReply htmlErrorPage(int status, const QString& reference)
{
    const QString title = QString::number(status) + QLatin1Char(' ') + reasonPhrase(status);
    const QString page =
        QStringLiteral("<!DOCTYPE html>\n"
                       "<html lang=\"en\">\n"
                       "<head>\n"
                       "<meta charset=\"utf-8\">\n"
                       "<title>%1</title>\n"
                       "<style>body{font-family:Arial,sans-serif;margin:3em;color:#333}"
                       "h1{font-size:1.6em}small{color:#777}</style>\n"
                       "</head>\n"
                       "<body>\n"
                       "<h1>%1</h1>\n"
                       "<p>Request blocked. The web application firewall in front of this service "
                       "did not let the request through.</p>\n"
                       "<p>If you believe this is an error, contact the site owner and quote the "
                       "reference below.</p>\n"
                       "<hr>\n"
                       "<p><small>Reference: %2</small></p>\n"
                       "</body>\n"
                       "</html>\n")
            .arg(title, reference);
    SandboxReply r;
    r.status = status;
    r.body = page.toUtf8();
    r.contentType = "text/html; charset=utf-8";
    return r;
}

} // namespace sandbox::support
