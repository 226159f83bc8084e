#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <span>
#include <type_traits>

namespace ca {

// JSON pointers (RFC 6901: "/a/0/b", "~1" = "/", "~0" = "~"), the one parser and writer of them.

// One step of a path while walking a document: an object key, or an array position.
struct JsonPathToken
{
    QString key;
    int index = -1; // >= 0: an array position (key unused)
};

// The unescaped tokens of `pointer` ("" is the root: no tokens).
QStringList jsonPointerTokens(const QString& pointer);
// The same tokens as a path (every token a key; a pattern compares "3" with position 3).
QList<JsonPathToken> jsonPathOf(const QString& pointer);
QString jsonPointerAppend(const QString& pointer, const QString& token);
// A pointer as a person reads it in a message or an objectName: "/credentials/password" →
// "credentials.password".
QString jsonPointerDotted(const QString& pointer);
QString jsonPointerFrom(std::span<const JsonPathToken> path);

// Undefined where `pointer` leads nowhere.
QJsonValue jsonValueAt(const QJsonValue& root, const QString& pointer);
// `root` with the value at `pointer` replaced (parents must exist; an array index must be in
// range). An Undefined `value` removes the member or item. Returns `root` unchanged otherwise.
QJsonValue jsonValueSet(const QJsonValue& root, const QString& pointer, const QJsonValue& value);
// The same, creating the objects on the way where members are missing (a missing array item
// becomes null); an array item is replaced, never removed (Undefined sets it to null), so other
// indexes stay valid.
QJsonValue jsonValueSetCreating(const QJsonValue& root, const QString& pointer,
                                const QJsonValue& value);
// The pointers (below `at`) of every scalar in `value` that `match` accepts, in document order.
QStringList jsonLeafPointers(const QJsonValue& value,
                             const std::function<bool(const QJsonValue&)>& match,
                             const QString& at = {});
// Appends every non-empty string anywhere inside `value` (the values a secret subtree holds).
void collectJsonStrings(const QJsonValue& value, QStringList* out);

// `value` with each member of an object, or each item of an array, passed through
// `child(token, childValue, &changed)`; where the child sets `changed`, its result takes the
// child's place. The object or array is copied only at the first change, else `value` itself
// comes back: documents are walked (masked, redacted) far more often than anything in them is
// hidden. Scalars come back as they are. `anyChanged` (optional) is set when a child changed.
template <typename Child>
QJsonValue jsonChildrenReplaced(const QJsonValue& value, Child&& child, bool* anyChanged = nullptr)
{
    const auto visit = [&](const auto& original) -> QJsonValue {
        using Container = std::decay_t<decltype(original)>; // QJsonObject or QJsonArray
        constexpr bool isObject = std::is_same_v<Container, QJsonObject>;
        std::optional<Container> copy;
        qsizetype i = 0;
        for (auto it = original.begin(); it != original.end(); ++it, ++i) {
            JsonPathToken token;
            if constexpr (isObject)
                token.key = it.key();
            else
                token.index = int(i);
            bool changed = false;
            const QJsonValue out = child(token, QJsonValue(*it), &changed);
            if (!changed)
                continue;
            if (anyChanged)
                *anyChanged = true;
            if (!copy)
                copy = original;
            if constexpr (isObject)
                copy->insert(token.key, out);
            else
                copy->replace(i, out);
        }
        return copy ? QJsonValue(*copy) : value;
    };
    if (value.isObject())
        return visit(value.toObject());
    if (value.isArray())
        return visit(value.toArray());
    return value;
}

// A pointer in which a "*" token matches any one token (an array index or an object key) and a
// "**" token any number of tokens, including none: "/headers/*/value", "/configuration/**",
// "/**/headers/*/value".
class JsonPointerPattern
{
public:
    explicit JsonPointerPattern(const QString& pattern);

    // `prefix`: the pattern may stop above the end of `path` (a value below a secret subtree).
    bool matches(std::span<const JsonPathToken> path, bool prefix) const;
    bool matches(const QString& pointer, bool prefix) const;
    int wildcards() const { return m_wildcards; }
    qsizetype size() const { return m_tokens.size(); }
    const QString& text() const { return m_text; }

private:
    bool matchFrom(qsizetype token, std::span<const JsonPathToken> path, size_t step,
                   bool prefix) const;

    struct Token
    {
        enum Kind
        {
            Literal,
            AnyOne,
            AnyDepth
        } kind = Literal;
        QString text;
        int index = -1; // the literal read as an array position, or -1
    };
    QList<Token> m_tokens;
    QString m_text;
    int m_wildcards = 0;
};

} // namespace ca
