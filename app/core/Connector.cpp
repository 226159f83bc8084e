#include "Connector.h"

#include <QJsonArray>

#include <cstring>

namespace ca {

ConnectorProfile::~ConnectorProfile()
{
    // Only the last holder may wipe: data() on a shared array would detach and wipe a copy.
    if (!apiKey.isEmpty() && apiKey.isDetached()) {
        volatile char* p = apiKey.data();
        for (qsizetype i = 0; i < apiKey.size(); ++i)
            p[i] = 0;
    }
}

QList<ValueDifference>
compareSentWithReceived(const QJsonValue& sent, const QJsonValue& received, const QString& basePath,
                        const std::function<bool(const QString&, const QJsonValue&)>& ignore)
{
    QList<ValueDifference> out;
    // Stored as sent (the usual answer): no leaf differs, and no path needs to be built.
    if (sent == received || (ignore && ignore(basePath, received)))
        return out;
    if (sent.isObject() && received.isObject()) {
        const QJsonObject s = sent.toObject();
        const QJsonObject r = received.toObject();
        for (auto it = s.begin(); it != s.end(); ++it) {
            const QString path = jsonPointerAppend(basePath, it.key());
            out += compareSentWithReceived(it.value(),
                                           r.contains(it.key()) ? r.value(it.key())
                                                                : QJsonValue(QJsonValue::Undefined),
                                           path, ignore);
        }
        return out;
    }
    if (sent.isArray() && received.isArray() &&
        sent.toArray().size() == received.toArray().size()) {
        const QJsonArray s = sent.toArray();
        const QJsonArray r = received.toArray();
        for (int i = 0; i < s.size(); ++i)
            out += compareSentWithReceived(s.at(i), r.at(i),
                                           jsonPointerAppend(basePath, QString::number(i)), ignore);
        return out;
    }
    if (sent != received)
        out.append({basePath, sent, received});
    return out;
}

} // namespace ca
