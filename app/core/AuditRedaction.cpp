// Which values of an audit record or a draft are secret, and how they are masked.
#include "AuditLog.h"

#include <QJsonArray>

namespace ca {

const QString AuditLog::kRedacted = QStringLiteral("<redacted>");

namespace {

QStringList pointerTokens(const QString& pointer)
{
    if (pointer.isEmpty())
        return {};
    return pointer.mid(1).split(QLatin1Char('/'));
}

// Words of a key name: "clientSecret" -> client, secret; "X-Api-Key" -> x, api, key.
QStringList keyWords(const QString& key)
{
    QStringList words;
    QString current;
    QChar previous;
    for (const QChar c : key) {
        const bool separator = c == QLatin1Char('-') || c == QLatin1Char('_') ||
                               c == QLatin1Char('.') || c == QLatin1Char(' ');
        const bool camelBreak = c.isUpper() && previous.isLower();
        if ((separator || camelBreak) && !current.isEmpty()) {
            words.append(current);
            current.clear();
        }
        if (!separator)
            current.append(c.toLower());
        previous = c;
    }
    if (!current.isEmpty())
        words.append(current);
    return words;
}

// Every string at or below `value` (objects and arrays walked) becomes the redaction marker.
QJsonValue redactStrings(const QJsonValue& value)
{
    if (value.isString())
        return AuditLog::kRedacted;
    if (value.isObject()) {
        QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = redactStrings(it.value());
        return o;
    }
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (auto it = a.begin(); it != a.end(); ++it)
            *it = redactStrings(*it);
        return a;
    }
    return value;
}

bool pointerLooksSecret(const QStringList& secretPaths, const QString& pointer)
{
    if (isAtOrBelowSecretPath(secretPaths, pointer))
        return true;
    const QStringList tokens = pointerTokens(pointer);
    for (const QString& token : tokens) {
        if (isSecretKeyName(token))
            return true;
    }
    return false;
}

// A {"name": "Authorization", "value": "..."} pair (headers, query parameters): the value is
// secret when the name is.
bool isSecretNameValuePair(const QJsonObject& o)
{
    if (!o.contains(QStringLiteral("value")))
        return false;
    for (const char* field : {"name", "key", "header"}) {
        const QJsonValue name = o.value(QLatin1String(field));
        if (name.isString() && isSecretKeyName(name.toString()))
            return true;
    }
    return false;
}

// Redacts a document: values at or below `secretPaths` (whatever their type, except null) and
// strings under secret-looking keys. `pointer` is the position of `value` in the document.
QJsonValue redactDocument(const QJsonValue& value, const QString& pointer,
                          const QStringList& secretPaths)
{
    if (!secretPaths.isEmpty() && isAtOrBelowSecretPath(secretPaths, pointer) && !value.isNull() &&
        !value.isUndefined())
        return AuditLog::kRedacted;
    if (value.isObject()) {
        QJsonObject o = value.toObject();
        const bool secretPair = isSecretNameValuePair(o);
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString child = jsonPointerAppend(pointer, it.key());
            if (isSecretKeyName(it.key()) || (secretPair && it.key() == QLatin1String("value")))
                it.value() = redactDocument(redactStrings(it.value()), child, secretPaths);
            else
                it.value() = redactDocument(it.value(), child, secretPaths);
        }
        return o;
    }
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = redactDocument(a.at(i), jsonPointerAppend(pointer, QString::number(i)),
                                  secretPaths);
        return a;
    }
    return value;
}

// A diff has its own shape (ConnectorDiff::toJson(): entries with beforePointer/afterPointer and
// before/after values): an object whose pointer field names a secret has its values redacted.
QJsonValue redactDiff(const QJsonValue& value, const QStringList& secretPaths)
{
    if (value.isObject()) {
        QJsonObject o = value.toObject();
        bool secretEntry = false;
        for (const char* field : {"path", "pointer", "beforePointer", "afterPointer"}) {
            const QJsonValue p = o.value(QLatin1String(field));
            if (p.isString() && p.toString().startsWith(QLatin1Char('/')) &&
                pointerLooksSecret(secretPaths, p.toString()))
                secretEntry = true;
        }
        for (auto it = o.begin(); it != o.end(); ++it) {
            static const QStringList valueFields{
                QStringLiteral("before"), QStringLiteral("after"),    QStringLiteral("value"),
                QStringLiteral("sent"),   QStringLiteral("received"), QStringLiteral("old"),
                QStringLiteral("new")};
            if (secretEntry && valueFields.contains(it.key()) && !it.value().isNull())
                it.value() = AuditLog::kRedacted;
            else if (isSecretKeyName(it.key()))
                it.value() = redactStrings(it.value());
            else
                it.value() = redactDiff(it.value(), secretPaths);
        }
        if (isSecretNameValuePair(o))
            o.insert(QStringLiteral("value"), redactStrings(o.value(QStringLiteral("value"))));
        return o;
    }
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (auto it = a.begin(); it != a.end(); ++it)
            *it = redactDiff(*it, secretPaths);
        return a;
    }
    return value;
}

} // namespace

bool isSecretKeyName(const QString& key)
{
    const QStringList words = keyWords(key);
    if (words.isEmpty())
        return false;
    const QString joined = words.join(QString());
    static const QStringList whole{QStringLiteral("key"),          QStringLiteral("apikey"),
                                   QStringLiteral("xapikey"),      QStringLiteral("privatekey"),
                                   QStringLiteral("secretkey"),    QStringLiteral("accesskey"),
                                   QStringLiteral("password"),     QStringLiteral("passwd"),
                                   QStringLiteral("pwd"),          QStringLiteral("secret"),
                                   QStringLiteral("token"),        QStringLiteral("authorization"),
                                   QStringLiteral("clientsecret"), QStringLiteral("accesstoken"),
                                   QStringLiteral("refreshtoken")};
    if (whole.contains(joined))
        return true;
    static const QStringList anywhere{
        QStringLiteral("password"),      QStringLiteral("passwd"),      QStringLiteral("secret"),
        QStringLiteral("authorization"), QStringLiteral("credentials"), QStringLiteral("apikey")};
    for (const QString& w : words) {
        if (anywhere.contains(w))
            return true;
    }
    // "access_token", "refreshToken", "api_key", "private-key": but not "max_tokens" or
    // "primary_key" (a column name).
    const QString& last = words.last();
    if (last == QLatin1String("token"))
        return true;
    if (last == QLatin1String("key") && words.size() >= 2) {
        static const QStringList keyKinds{QStringLiteral("api"),     QStringLiteral("private"),
                                          QStringLiteral("secret"),  QStringLiteral("access"),
                                          QStringLiteral("signing"), QStringLiteral("auth")};
        return keyKinds.contains(words.at(words.size() - 2));
    }
    return false;
}

bool isAtOrBelowSecretPath(const QStringList& secretPaths, const QString& pointer)
{
    const QStringList tokens = pointerTokens(pointer);
    for (const QString& secret : secretPaths) {
        const QStringList pattern = pointerTokens(secret);
        bool matches = true;
        for (qsizetype i = 0; i < pattern.size(); ++i) {
            if (pattern.at(i) == QLatin1String("**") && i == pattern.size() - 1)
                break;
            if (i >= tokens.size() ||
                (pattern.at(i) != QLatin1String("*") && pattern.at(i) != tokens.at(i))) {
                matches = false;
                break;
            }
        }
        if (matches)
            return true;
    }
    return false;
}

AuditRecord AuditLog::redacted(const AuditRecord& record)
{
    AuditRecord r = record;
    r.before = redactDocument(record.before, QString(), record.secretPaths).toObject();
    r.after = redactDocument(record.after, QString(), record.secretPaths).toObject();
    r.diff = redactDiff(record.diff, record.secretPaths);
    for (ValueDifference& d : r.serverDifferences) {
        if (pointerLooksSecret(record.secretPaths, d.path)) {
            if (!d.sent.isUndefined() && !d.sent.isNull())
                d.sent = kRedacted;
            if (!d.received.isUndefined() && !d.received.isNull())
                d.received = kRedacted;
        } else {
            d.sent = redactDocument(d.sent, d.path, record.secretPaths);
            d.received = redactDocument(d.received, d.path, record.secretPaths);
        }
    }
    return r;
}

} // namespace ca
