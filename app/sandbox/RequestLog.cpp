#include "RequestLog.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace sandbox {

bool RequestLog::isCredentialHeader(const QByteArray& lowerName)
{
    return lowerName == "authorization" || lowerName == "x-apikey" || lowerName == "x-api-key";
}

QByteArray RequestLog::redact(const QByteArray& value)
{
    const QByteArray digest = QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex();
    return "[redacted sha256:" + digest.left(8) + "]";
}

qint64 RequestLog::append(Entry entry)
{
    entry.seq = m_nextSeq++;
    for (auto& [name, value] : entry.headers) {
        name = name.toLower();
        if (isCredentialHeader(name))
            value = redact(value);
    }
    m_entries.push_back(std::move(entry));
    while (qsizetype(m_entries.size()) > kCapacity)
        m_entries.pop_front();
    return m_entries.back().seq;
}

RequestLog::Entry* RequestLog::find(qint64 seq)
{
    if (m_entries.empty())
        return nullptr;
    // Seqs are consecutive within the deque, so the position is arithmetic.
    const qint64 index = seq - m_entries.front().seq;
    if (index < 0 || index >= qint64(m_entries.size()))
        return nullptr;
    return &m_entries[size_t(index)];
}

void RequestLog::markAnswered(qint64 seq, int status, qint64 answeredMs)
{
    if (Entry* e = find(seq)) {
        e->status = status;
        e->answeredMs = answeredMs;
    }
}

void RequestLog::setAuthorized(qint64 seq, bool authorized)
{
    if (Entry* e = find(seq))
        e->authorized = authorized;
}

void RequestLog::clear()
{
    m_entries.clear();
}

QJsonArray RequestLog::toJson(qint64 since) const
{
    QJsonArray array;
    for (const Entry& e : m_entries) {
        if (e.seq <= since)
            continue;
        QJsonObject headers;
        for (const auto& [name, value] : e.headers)
            headers.insert(QString::fromLatin1(name), QString::fromUtf8(value));
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(e.body, &parseError);
        QJsonValue json;
        if (parseError.error == QJsonParseError::NoError && !e.body.isEmpty())
            json = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        QJsonObject o{
            {QStringLiteral("seq"), e.seq},
            {QStringLiteral("vendor"), e.vendor},
            {QStringLiteral("method"), QString::fromLatin1(e.method)},
            {QStringLiteral("path"), e.path},
            {QStringLiteral("query"), e.query},
            {QStringLiteral("headers"), headers},
            {QStringLiteral("body"), QString::fromUtf8(e.body)},
            {QStringLiteral("json"), json},
            {QStringLiteral("authorized"), e.authorized},
            {QStringLiteral("status"), e.status},
            {QStringLiteral("fault"), e.fault.isEmpty() ? QJsonValue() : QJsonValue(e.fault)},
            {QStringLiteral("receivedMs"), e.receivedMs},
            {QStringLiteral("answeredMs"), e.answeredMs},
        };
        array.append(o);
    }
    return array;
}

} // namespace sandbox
