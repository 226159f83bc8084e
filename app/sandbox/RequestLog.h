#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QList>
#include <QPair>
#include <QString>

#include <deque>

namespace sandbox {

// What /_sandbox/requests shows: every vendor request in arrival order, credentials redacted.
class RequestLog
{
public:
    static constexpr qsizetype kCapacity = 200000; // oldest entries are dropped beyond this

    struct Entry
    {
        qint64 seq = 0;
        QString vendor;
        QByteArray method;
        QString path;  // below the vendor prefix, percent-encoded as received
        QString query; // raw query string without '?', "" when none
        QList<QPair<QByteArray, QByteArray>> headers; // lower-case names, credentials redacted
        QByteArray body;
        bool authorized = false;
        int status = -1;
        QString fault; // the fault spec applied, empty for none
        qint64 receivedMs = 0;
        qint64 answeredMs = -1;
    };

    // Header values that carry credentials; they are stored as a short digest only.
    static bool isCredentialHeader(const QByteArray& lowerName);
    static QByteArray redact(const QByteArray& value);

    // Adds an entry (seq assigned here, headers redacted here) and returns its seq.
    qint64 append(Entry entry);
    // Records the answer of request seq (no-op when it was dropped or cleared meanwhile).
    void markAnswered(qint64 seq, int status, qint64 answeredMs);
    void setAuthorized(qint64 seq, bool authorized);
    void clear(); // seq keeps counting so that ?since=N stays meaningful

    QJsonArray toJson(qint64 since = 0) const;
    qsizetype size() const { return qsizetype(m_entries.size()); }

private:
    Entry* find(qint64 seq);

    std::deque<Entry> m_entries;
    qint64 m_nextSeq = 1;
};

} // namespace sandbox
