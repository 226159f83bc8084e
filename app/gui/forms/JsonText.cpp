#include "JsonText.h"

#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace ca {

QString JsonTextParse::message() const
{
    if (ok)
        return {};
    if (empty)
        return QStringLiteral("is empty");
    return QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(error);
}

JsonTextParse parseJsonText(const QString& text)
{
    JsonTextParse out;
    if (text.trimmed().isEmpty()) {
        out.empty = true;
        return out;
    }
    const QByteArray utf8 = text.toUtf8();
    QJsonParseError e;
    QJsonDocument doc = QJsonDocument::fromJson(utf8, &e);
    if (e.error == QJsonParseError::NoError) {
        out.ok = true;
        out.value = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
        return out;
    }
    const QByteArray trimmed = utf8.trimmed();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
        // A bare scalar: read it inside an array so Qt accepts it, report positions unshifted.
        QJsonParseError inner;
        doc = QJsonDocument::fromJson("[" + utf8 + "]", &inner);
        if (inner.error == QJsonParseError::NoError && doc.array().size() == 1) {
            out.ok = true;
            out.value = doc.array().at(0);
            return out;
        }
    }
    // Qt's offset counts UTF-8 bytes; people count lines and characters.
    const QString before = QString::fromUtf8(utf8.left(qMax(0, e.offset)));
    out.line = int(before.count(QLatin1Char('\n'))) + 1;
    const qsizetype lastBreak = before.lastIndexOf(QLatin1Char('\n'));
    out.column = int(QStringView(before).mid(lastBreak + 1).toUcs4().size()) + 1;
    out.error = e.errorString();
    return out;
}

QString jsonEditorText(const QJsonValue& value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented));
    if (value.isUndefined())
        return {};
    const QString wrapped =
        QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact));
    return wrapped.mid(1, wrapped.size() - 2);
}

QFont editorMonospaceFont()
{
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
}

} // namespace ca
