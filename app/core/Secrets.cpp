#include "Secrets.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>

namespace ca {

namespace {

// Lives only in this process: fingerprints cannot be matched against guesses outside it.
const QByteArray& fingerprintKey()
{
    static const QByteArray key = [] {
        quint32 words[8];
        QRandomGenerator::system()->fillRange(words);
        return QByteArray(reinterpret_cast<const char*>(words), sizeof words);
    }();
    return key;
}

void wipe(QByteArray& bytes)
{
    volatile char* p = bytes.data();
    for (qsizetype i = 0; i < bytes.size(); ++i)
        p[i] = 0;
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

// Every secret-looking name holds one of these: most keys are decided without splitting them.
bool mayBeSecretName(QStringView key)
{
    for (const char* part : {"key", "pass", "pwd", "secret", "token", "auth", "credential"}) {
        if (key.contains(QLatin1String(part), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// Strings and numbers become the placeholder, objects and arrays keep their shape: a printed
// document stays editable and a placeholder read back is found at its place.
QJsonValue placeholderAll(const QJsonValue& v)
{
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = placeholderAll(it.value());
        return o;
    }
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a.replace(i, placeholderAll(a.at(i)));
        return a;
    }
    if (v.isString() || v.isDouble())
        return SecretMarker::placeholder;
    return v;
}

} // namespace

SecretRules SecretRules::byKeyNames(const QStringList& paths)
{
    SecretRules rules;
    rules.m_keyNames = true;
    rules.addPaths(paths);
    return rules;
}

void SecretRules::addPaths(const QStringList& patterns)
{
    for (const QString& p : patterns) {
        const bool known = std::any_of(m_patterns.begin(), m_patterns.end(),
                                       [&p](const JsonPointerPattern& q) { return q.text() == p; });
        if (!known)
            m_patterns.append(JsonPointerPattern(p));
    }
}

void SecretRules::addValues(const QStringList& values)
{
    for (const QString& v : values) {
        if (!v.isEmpty() && !m_values.contains(v) && v != SecretMarker::placeholder)
            m_values.append(v);
    }
}

void SecretRules::add(const SecretRules& other)
{
    m_keyNames = m_keyNames || other.m_keyNames;
    addPaths(other.paths());
    addValues(other.m_values);
}

QStringList SecretRules::paths() const
{
    QStringList out;
    out.reserve(m_patterns.size());
    for (const JsonPointerPattern& p : m_patterns)
        out.append(p.text());
    return out;
}

bool SecretRules::isSecret(std::span<const JsonPathToken> path) const
{
    for (const JsonPointerPattern& p : m_patterns) {
        if (p.matches(path, true))
            return true;
    }
    if (m_keyNames) {
        for (const JsonPathToken& t : path) {
            if (t.index < 0 && isSecretKeyName(t.key))
                return true;
        }
    }
    return false;
}

bool SecretRules::isSecretPointer(const QString& pointer) const
{
    return isSecret(jsonPathOf(pointer));
}

bool SecretRules::isSecretMember(const QJsonObject& object, const QString& key) const
{
    if (!m_keyNames)
        return false;
    if (isSecretKeyName(key))
        return true;
    if (key != QLatin1String("value"))
        return false;
    for (const char* field : {"name", "key", "header"}) {
        const QJsonValue name = object.value(QLatin1String(field));
        if (name.isString() && isSecretKeyName(name.toString()))
            return true;
    }
    return false;
}

QJsonValue SecretRules::hide(const QJsonValue& value, Mask mask)
{
    switch (mask) {
    case Mask::Fingerprint:
        return fingerprint(value);
    case Mask::Placeholder:
        return placeholderAll(value);
    case Mask::Redacted: // a cleared value or a flag tells nothing
        return value.isNull() || value.isBool() ? value : QJsonValue(SecretMarker::redacted);
    }
    return value;
}

QJsonValue SecretRules::masked(const QJsonValue& value, Mask mask,
                               std::span<const JsonPathToken> at, bool* replaced) const
{
    return maskedWith(
        value,
        [mask](const QJsonValue& v, std::span<const JsonPathToken>) { return hide(v, mask); }, at,
        replaced);
}

QJsonValue SecretRules::masked(const QJsonValue& value, Mask mask, const QString& pointer,
                               bool* replaced) const
{
    return masked(value, mask, jsonPathOf(pointer), replaced);
}

QJsonValue SecretRules::maskedWith(const QJsonValue& value, const Hide& hide,
                                   std::span<const JsonPathToken> at, bool* replaced) const
{
    bool any = false;
    QJsonValue out = value;
    if (!at.empty() && isSecret(at) && !value.isUndefined()) {
        any = !value.isNull();
        out = any ? hide(value, at) : value;
    } else if (!isEmpty()) {
        QList<JsonPathToken> path(at.begin(), at.end());
        out = walk(value, hide, path, &any);
    }
    if (replaced)
        *replaced = any;
    return out;
}

QJsonValue SecretRules::walk(const QJsonValue& value, const Hide& hide, QList<JsonPathToken>& path,
                             bool* replaced) const
{
    if (value.isUndefined() || value.isNull())
        return value;
    // Ancestors were checked on the way down, and object members by name below: only the path
    // rules can start here.
    const bool secretHere = !path.isEmpty() && std::any_of(m_patterns.begin(), m_patterns.end(),
                                                           [&path](const JsonPointerPattern& p) {
                                                               return p.matches(path, true);
                                                           });
    if (secretHere ||
        (!m_values.isEmpty() && value.isString() && m_values.contains(value.toString()))) {
        *replaced = true;
        return hide(value, path);
    }
    // Copied only where something is hidden (jsonChildrenReplaced): rebuilding every object and
    // array of a document was most of an audit record's cost.
    const QJsonObject object = value.toObject(); // empty unless an object: its name/value pairs
    return jsonChildrenReplaced(
        value,
        [&](const JsonPathToken& token, const QJsonValue& child, bool* here) {
            path.append(token);
            QJsonValue out;
            if (token.index < 0 && isSecretMember(object, token.key) && !child.isNull()) {
                *here = true;
                out = hide(child, path);
            } else {
                out = walk(child, hide, path, here);
            }
            path.removeLast();
            return out;
        },
        replaced);
}

QString SecretRules::maskedText(QString text, const QString& marker) const
{
    for (const QString& value : m_values) {
        if (value.size() >= 4)
            text.replace(value, marker);
    }
    return text;
}

QByteArray SecretRules::maskedBytes(QByteArray bytes, const QString& marker) const
{
    const QByteArray replacement = marker.toUtf8();
    for (const QString& value : m_values) {
        const QByteArray utf8 = value.toUtf8();
        if (utf8.size() >= 4)
            bytes.replace(utf8, replacement);
    }
    return bytes;
}

bool SecretRules::showsValueIn(const QJsonValue& value) const
{
    const auto shows = [this](const QString& text) {
        return std::any_of(m_values.begin(), m_values.end(),
                           [&text](const QString& v) { return v.size() >= 4 && text.contains(v); });
    };
    if (m_values.isEmpty())
        return false;
    if (value.isString())
        return shows(value.toString());
    if (value.isArray()) {
        const QJsonArray a = value.toArray();
        return std::any_of(a.begin(), a.end(),
                           [this](const QJsonValue& v) { return showsValueIn(v); });
    }
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (shows(it.key()) || showsValueIn(it.value()))
                return true;
        }
    }
    return false;
}

QStringList SecretRules::valuesAt(const QJsonObject& document) const
{
    QStringList out;
    for (const JsonPointerPattern& p : m_patterns) {
        if (p.wildcards() > 0)
            continue;
        collectJsonStrings(jsonValueAt(document, p.text()), &out);
    }
    out.removeAll(SecretMarker::placeholder);
    out.removeDuplicates();
    return out;
}

bool SecretRules::isSecretKeyName(const QString& key)
{
    // The same few key names come back in every document of a list or a change set: each is
    // judged once per thread (bounded: header names are the user's).
    thread_local QHash<QString, bool> judged;
    const auto found = judged.constFind(key);
    if (found != judged.cend())
        return *found;
    if (judged.size() >= 4096)
        judged.clear();
    const bool secret = judgeKeyName(key);
    judged.insert(key, secret);
    return secret;
}

bool SecretRules::judgeKeyName(const QString& key)
{
    if (!mayBeSecretName(key))
        return false;
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
                                   QStringLiteral("refreshtoken"), QStringLiteral("passphrase"),
                                   QStringLiteral("credential"),   QStringLiteral("credentials")};
    if (whole.contains(joined))
        return true;
    static const QStringList anywhere{QStringLiteral("password"),   QStringLiteral("passwd"),
                                      QStringLiteral("passphrase"), QStringLiteral("secret"),
                                      QStringLiteral("secrets"),    QStringLiteral("authorization"),
                                      QStringLiteral("credential"), QStringLiteral("credentials"),
                                      QStringLiteral("apikey")};
    for (const QString& w : words) {
        if (anywhere.contains(w))
            return true;
    }
    // "access_token", "refreshToken", "api_tokens", "api_key", "private-key": but not
    // "max_tokens" (a count), a bare "tokens", or "primary_key" (a column name).
    const QString& last = words.last();
    if (last == QLatin1String("token"))
        return true;
    if (last == QLatin1String("tokens") && words.size() >= 2) {
        static const QStringList counts{QStringLiteral("max"),   QStringLiteral("min"),
                                        QStringLiteral("num"),   QStringLiteral("count"),
                                        QStringLiteral("total"), QStringLiteral("limit")};
        return std::none_of(words.begin(), words.end() - 1,
                            [](const QString& w) { return counts.contains(w); });
    }
    if (last == QLatin1String("key") && words.size() >= 2) {
        static const QStringList keyKinds{QStringLiteral("api"),     QStringLiteral("private"),
                                          QStringLiteral("secret"),  QStringLiteral("access"),
                                          QStringLiteral("signing"), QStringLiteral("auth")};
        return keyKinds.contains(words.at(words.size() - 2));
    }
    return false;
}

QString SecretRules::fingerprint(const QJsonValue& value)
{
    QByteArray bytes = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    const QByteArray mac =
        QMessageAuthenticationCode::hash(bytes, fingerprintKey(), QCryptographicHash::Sha256);
    wipe(bytes);
    return SecretMarker::fingerprintPrefix + QString::fromLatin1(mac.toHex().left(8)) +
           QLatin1Char('>');
}

bool SecretRules::isFingerprint(const QString& text)
{
    static const QRegularExpression re(QLatin1Char('^') +
                                       QRegularExpression::escape(SecretMarker::fingerprintPrefix) +
                                       QStringLiteral("[0-9a-f]{8}>$"));
    return text.startsWith(SecretMarker::fingerprintPrefix) && re.match(text).hasMatch();
}

bool SecretRules::looksLikeVendorMask(const QString& text)
{
    static const QRegularExpression mask(QStringLiteral("^\\*{4,}.{0,4}$"));
    return mask.match(text).hasMatch();
}

} // namespace ca
