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

bool Connector::isSecretPath(const QString& pointer) const
{
    for (const QString& secret : secretPaths) {
        if (pointer == secret || pointer.startsWith(secret + QLatin1Char('/')))
            return true;
    }
    return false;
}

QString jsonPointerAppend(const QString& pointer, const QString& token)
{
    QString escaped = token;
    escaped.replace(QLatin1Char('~'), QLatin1String("~0"))
        .replace(QLatin1Char('/'), QLatin1String("~1"));
    return pointer + QLatin1Char('/') + escaped;
}

QJsonValue jsonValueAt(const QJsonValue& root, const QString& pointer)
{
    if (pointer.isEmpty())
        return root;
    if (!pointer.startsWith(QLatin1Char('/')))
        return QJsonValue(QJsonValue::Undefined);
    QJsonValue current = root;
    const QStringList tokens = pointer.mid(1).split(QLatin1Char('/'));
    for (QString token : tokens) {
        token.replace(QLatin1String("~1"), QLatin1String("/"))
            .replace(QLatin1String("~0"), QLatin1String("~"));
        if (current.isObject()) {
            const QJsonObject o = current.toObject();
            if (!o.contains(token))
                return QJsonValue(QJsonValue::Undefined);
            current = o.value(token);
        } else if (current.isArray()) {
            bool ok = false;
            const int index = token.toInt(&ok);
            const QJsonArray a = current.toArray();
            if (!ok || index < 0 || index >= a.size())
                return QJsonValue(QJsonValue::Undefined);
            current = a.at(index);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return current;
}

QList<ValueDifference>
compareSentWithReceived(const QJsonValue& sent, const QJsonValue& received, const QString& basePath,
                        const std::function<bool(const QString&, const QJsonValue&)>& ignore)
{
    QList<ValueDifference> out;
    if (ignore && ignore(basePath, received))
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

namespace {
QJsonValue setAt(const QJsonValue& root, const QStringList& tokens, int i, const QJsonValue& value)
{
    if (i == tokens.size())
        return value;
    const QString token = QString(tokens.at(i))
                              .replace(QStringLiteral("~1"), QStringLiteral("/"))
                              .replace(QStringLiteral("~0"), QStringLiteral("~"));
    const bool last = i + 1 == tokens.size();
    if (root.isObject()) {
        QJsonObject o = root.toObject();
        if (last && value.isUndefined())
            o.remove(token);
        else if (last || o.contains(token))
            o.insert(token, setAt(o.value(token), tokens, i + 1, value));
        return o;
    }
    if (root.isArray()) {
        QJsonArray a = root.toArray();
        bool ok = false;
        const int n = token.toInt(&ok);
        if (ok && n >= 0 && n < a.size()) {
            if (last && value.isUndefined())
                a.removeAt(n);
            else
                a.replace(n, setAt(a.at(n), tokens, i + 1, value));
        }
        return a;
    }
    return root;
}
} // namespace

QJsonValue jsonValueSet(const QJsonValue& root, const QString& pointer, const QJsonValue& value)
{
    if (pointer.isEmpty())
        return value;
    return setAt(root, pointer.mid(1).split(QLatin1Char('/')), 0, value);
}

void collectJsonStrings(const QJsonValue& value, QStringList* out)
{
    if (value.isString() && !value.toString().isEmpty())
        out->append(value.toString());
    else if (value.isObject())
        for (const QJsonValue& child : value.toObject())
            collectJsonStrings(child, out);
    else if (value.isArray())
        for (const QJsonValue& child : value.toArray())
            collectJsonStrings(child, out);
}

} // namespace ca
