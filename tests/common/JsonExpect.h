#pragma once

// Small expectations on a JSON answer, written as text in data tables so that a contract row
// reads like the doc it comes from:
//   "errors/0/status=\"404\""   the value at that path equals the compact JSON after '='
//   "requestId:string"          the value at that path has that type
//   (string,int,bool,array,object,null) "detail/0/loc=[\"body\",\"name\"]"
//   "errors/0/source:missing"   that path is absent (type "missing")
//   "~Request blocked"          the raw body contains the text after '~' ("!~text": it does not)
//   "nojson"                    the body is not JSON at all; "empty": the body is empty
// Expectations are separated by " ; ". Paths use '/' between object keys and array indices.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

namespace contract {

inline QJsonValue valueAt(const QJsonValue& root, const QString& path)
{
    QJsonValue v = root;
    if (path.isEmpty())
        return v;
    for (const QString& part : path.split(QLatin1Char('/'))) {
        bool isIndex = false;
        const int i = part.toInt(&isIndex);
        if (isIndex && v.isArray()) {
            const QJsonArray a = v.toArray();
            if (i < 0 || i >= a.size())
                return QJsonValue(QJsonValue::Undefined);
            v = a.at(i);
        } else if (v.isObject()) {
            v = v.toObject().value(part);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return v;
}

inline QString typeName(const QJsonValue& v)
{
    if (v.isString())
        return QStringLiteral("string");
    if (v.isBool())
        return QStringLiteral("bool");
    if (v.isDouble())
        return v.toDouble() == double(qint64(v.toDouble())) ? QStringLiteral("int")
                                                            : QStringLiteral("number");
    if (v.isArray())
        return QStringLiteral("array");
    if (v.isObject())
        return QStringLiteral("object");
    if (v.isNull())
        return QStringLiteral("null");
    return QStringLiteral("missing");
}

// Empty when every expectation holds for `body`; otherwise what failed.
inline QString expectationError(const QByteArray& body, const QString& expectations)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
    const bool isJson = err.error == QJsonParseError::NoError;
    const QJsonValue root = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    const QString shown = QString::fromUtf8(body.left(400));
    for (const QString& raw : expectations.split(QStringLiteral(" ; "), Qt::SkipEmptyParts)) {
        const QString e = raw.trimmed();
        if (e.startsWith(QLatin1Char('~')) || e.startsWith(QLatin1String("!~"))) {
            const bool negated = e.startsWith(QLatin1Char('!'));
            const QByteArray text = e.mid(negated ? 2 : 1).toUtf8();
            if (body.contains(text) == negated)
                return QStringLiteral("body %1 '%2': %3")
                    .arg(negated ? QStringLiteral("contains") : QStringLiteral("lacks"),
                         QString::fromUtf8(text), shown);
            continue;
        }
        if (e == QLatin1String("nojson")) {
            if (isJson)
                return QStringLiteral("body is JSON: ") + shown;
            continue;
        }
        if (e == QLatin1String("empty")) {
            if (!body.isEmpty())
                return QStringLiteral("body is not empty: ") + shown;
            continue;
        }
        if (!isJson)
            return QStringLiteral("body is not JSON: ") + QString::fromUtf8(body.left(300));
        const int eq = e.indexOf(QLatin1Char('='));
        const int colon = e.lastIndexOf(QLatin1Char(':'));
        if (eq > 0) {
            const QString path = e.left(eq);
            const QByteArray want = e.mid(eq + 1).toUtf8();
            // Wrap to parse scalars too.
            const QJsonDocument wantDoc = QJsonDocument::fromJson("[" + want + "]");
            if (wantDoc.isNull())
                return QStringLiteral("bad expectation: ") + e;
            const QJsonValue wantValue = wantDoc.array().at(0);
            const QJsonValue got = valueAt(root, path);
            if (got != wantValue)
                return QStringLiteral("%1: want %2, got %3 in %4")
                    .arg(path, QString::fromUtf8(want),
                         typeName(got) == QLatin1String("missing")
                             ? QStringLiteral("(missing)")
                             : QString::fromUtf8(
                                   QJsonDocument(QJsonArray{got}).toJson(QJsonDocument::Compact)),
                         shown);
        } else if (colon > 0) {
            const QString path = e.left(colon);
            const QString want = e.mid(colon + 1);
            const QString got = typeName(valueAt(root, path));
            if (got != want && !(want == QLatin1String("number") && got == QLatin1String("int")))
                return QStringLiteral("%1: want type %2, got %3 in %4").arg(path, want, got, shown);
        } else {
            return QStringLiteral("bad expectation: ") + e;
        }
    }
    return {};
}

} // namespace contract
