#include "JsonPointer.h"

#include <QJsonArray>
#include <QJsonObject>

namespace ca {

QStringList jsonPointerTokens(const QString& pointer)
{
    if (pointer.isEmpty())
        return {};
    QStringList tokens = pointer.mid(1).split(QLatin1Char('/'));
    for (QString& t : tokens)
        t.replace(QLatin1String("~1"), QLatin1String("/"))
            .replace(QLatin1String("~0"), QLatin1String("~"));
    return tokens;
}

QList<JsonPathToken> jsonPathOf(const QString& pointer)
{
    QList<JsonPathToken> path;
    const QStringList tokens = jsonPointerTokens(pointer);
    path.reserve(tokens.size());
    for (const QString& t : tokens)
        path.append({t, -1});
    return path;
}

QString jsonPointerDotted(const QString& pointer)
{
    return jsonPointerTokens(pointer).join(QLatin1Char('.'));
}

QString jsonPointerAppend(const QString& pointer, const QString& token)
{
    QString escaped = token;
    escaped.replace(QLatin1Char('~'), QLatin1String("~0"))
        .replace(QLatin1Char('/'), QLatin1String("~1"));
    return pointer + QLatin1Char('/') + escaped;
}

QString jsonPointerFrom(std::span<const JsonPathToken> path)
{
    QString pointer;
    for (const JsonPathToken& t : path)
        pointer = jsonPointerAppend(pointer, t.index >= 0 ? QString::number(t.index) : t.key);
    return pointer;
}

QJsonValue jsonValueAt(const QJsonValue& root, const QString& pointer)
{
    if (!pointer.isEmpty() && !pointer.startsWith(QLatin1Char('/')))
        return QJsonValue(QJsonValue::Undefined);
    QJsonValue current = root;
    const QStringList tokens = jsonPointerTokens(pointer);
    for (const QString& token : tokens) {
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

namespace {

QJsonValue setAt(const QJsonValue& root, const QStringList& tokens, qsizetype i,
                 const QJsonValue& value)
{
    if (i == tokens.size())
        return value;
    const QString& token = tokens.at(i);
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
    return setAt(root, jsonPointerTokens(pointer), 0, value);
}

namespace {
QJsonValue setCreating(const QJsonValue& node, QStringList tokens, const QJsonValue& value)
{
    if (tokens.isEmpty())
        return value;
    const QString token = tokens.takeFirst();
    if (node.isArray()) {
        QJsonArray a = node.toArray();
        bool ok = false;
        const int index = token.toInt(&ok);
        if (!ok || index < 0)
            return node;
        while (a.size() <= index)
            a.append(QJsonValue::Null);
        const QJsonValue child = setCreating(a.at(index), tokens, value);
        a.replace(index, child.isUndefined() ? QJsonValue(QJsonValue::Null) : child);
        return a;
    }
    QJsonObject o = node.toObject();
    const QJsonValue child = setCreating(o.value(token), tokens, value);
    if (child.isUndefined())
        o.remove(token);
    else
        o.insert(token, child);
    return o;
}
} // namespace

QJsonValue jsonValueSetCreating(const QJsonValue& root, const QString& pointer,
                                const QJsonValue& value)
{
    return setCreating(root, jsonPointerTokens(pointer), value);
}

namespace {
void collectLeaves(const QJsonValue& v, const QString& pointer,
                   const std::function<bool(const QJsonValue&)>& match, QStringList* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            collectLeaves(it.value(), jsonPointerAppend(pointer, it.key()), match, out);
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            collectLeaves(a.at(i), jsonPointerAppend(pointer, QString::number(i)), match, out);
    } else if (match(v)) {
        out->append(pointer);
    }
}
} // namespace

QStringList jsonLeafPointers(const QJsonValue& value,
                             const std::function<bool(const QJsonValue&)>& match, const QString& at)
{
    QStringList out;
    collectLeaves(value, at, match, &out);
    return out;
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

JsonPointerPattern::JsonPointerPattern(const QString& pattern) : m_text(pattern)
{
    const QStringList tokens = jsonPointerTokens(pattern);
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QString& t = tokens.at(i);
        Token p;
        if (t == QLatin1String("*")) {
            p.kind = Token::AnyOne;
        } else if (t == QLatin1String("**")) {
            p.kind = Token::AnyDepth;
        } else {
            p.text = t;
            bool ok = false;
            const int index = t.toInt(&ok);
            p.index = ok && index >= 0 ? index : -1;
        }
        if (p.kind != Token::Literal)
            ++m_wildcards;
        m_tokens.append(p);
    }
}

bool JsonPointerPattern::matches(std::span<const JsonPathToken> path, bool prefix) const
{
    return matchFrom(0, path, 0, prefix);
}

bool JsonPointerPattern::matchFrom(qsizetype t, std::span<const JsonPathToken> path, size_t p,
                                   bool prefix) const
{
    for (; t < m_tokens.size(); ++t, ++p) {
        const Token& token = m_tokens.at(t);
        if (token.kind == Token::AnyDepth) {
            if (t == m_tokens.size() - 1)
                return true;
            for (size_t skip = p; skip <= path.size(); ++skip) {
                if (matchFrom(t + 1, path, skip, prefix))
                    return true;
            }
            return false;
        }
        if (p >= path.size())
            return false;
        if (token.kind == Token::AnyOne)
            continue;
        const JsonPathToken& step = path[p];
        if (step.index >= 0 ? token.index != step.index : token.text != step.key)
            return false;
    }
    return prefix || p == path.size();
}

bool JsonPointerPattern::matches(const QString& pointer, bool prefix) const
{
    return matches(jsonPathOf(pointer), prefix);
}

} // namespace ca
