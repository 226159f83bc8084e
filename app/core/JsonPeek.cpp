#include "JsonPeek.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ca {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// From the opening quote at `i`: the index just past the closing quote, or -1.
qsizetype skipString(QByteArrayView s, qsizetype i, bool* hasEscape)
{
    for (++i; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\') {
            *hasEscape = true;
            ++i; // the escaped character (\uXXXX's hex digits are plain characters)
        } else if (c == '"') {
            return i + 1;
        }
    }
    return -1;
}

// From the first character of a value at `i`: the index just past it, or -1. Strings and nested
// containers are skipped exactly; scalars run to the next delimiter.
qsizetype skipValue(QByteArrayView s, qsizetype i)
{
    if (i >= s.size())
        return -1;
    bool escape = false;
    if (s[i] == '"')
        return skipString(s, i, &escape);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        while (i < s.size()) {
            const char c = s[i];
            if (c == '"') {
                i = skipString(s, i, &escape);
                if (i < 0)
                    return -1;
                continue;
            }
            if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            ++i;
        }
        return -1;
    }
    while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !isSpace(s[i]))
        ++i;
    return i;
}

qsizetype skipSpace(QByteArrayView s, qsizetype i)
{
    while (i < s.size() && isSpace(s[i]))
        ++i;
    return i;
}

} // namespace

std::optional<QString> peekTopLevelString(QByteArrayView json, QByteArrayView key)
{
    qsizetype i = skipSpace(json, 0);
    if (i >= json.size() || json[i] != '{')
        return std::nullopt;
    i = skipSpace(json, i + 1);
    // Like QJsonDocument, the last of repeated members wins.
    qsizetype valueStart = -1;
    qsizetype valueEnd = -1;
    while (i < json.size() && json[i] == '"') {
        bool keyEscaped = false;
        const qsizetype keyEnd = skipString(json, i, &keyEscaped);
        if (keyEnd < 0)
            return std::nullopt;
        // An escaped key could still spell `key`: only the full parse can tell.
        if (keyEscaped)
            return std::nullopt;
        const bool match = QByteArrayView(json.data() + i + 1, keyEnd - i - 2) == key;
        i = skipSpace(json, keyEnd);
        if (i >= json.size() || json[i] != ':')
            return std::nullopt;
        i = skipSpace(json, i + 1);
        const qsizetype end = skipValue(json, i);
        if (end < 0 || end == i)
            return std::nullopt;
        if (match) {
            valueStart = i;
            valueEnd = end;
        }
        i = skipSpace(json, end);
        if (i < json.size() && json[i] == ',') {
            i = skipSpace(json, i + 1);
            continue;
        }
        break;
    }
    if (i >= json.size() || json[i] != '}' || valueStart < 0 || json[valueStart] != '"')
        return std::nullopt;
    const QByteArrayView token(json.data() + valueStart, valueEnd - valueStart);
    bool escaped = false;
    skipString(token, 0, &escaped);
    if (!escaped)
        return QString::fromUtf8(token.data() + 1, token.size() - 2);
    // Rare: let the real parser decode the escapes of this one string.
    const QJsonDocument doc = QJsonDocument::fromJson('[' + token.toByteArray() + ']');
    if (!doc.isArray() || !doc.array().at(0).isString())
        return std::nullopt;
    return doc.array().at(0).toString();
}

} // namespace ca
