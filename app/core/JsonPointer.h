#pragma once

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <span>

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
