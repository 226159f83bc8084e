#include "FieldEdit.h"

#include "JsonPointer.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>

namespace ca {

namespace {
// lupdate sees this context; free functions below translate through it.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(FieldEdit)
};

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// RFC 6901 array index: decimal digits, no leading zero; -1 for anything else.
int arrayIndex(const QString& token)
{
    if (token.isEmpty() || token.size() > 9 || (token.size() > 1 && token.front() == u'0'))
        return -1;
    for (const QChar c : token) {
        if (c < u'0' || c > u'9')
            return -1;
    }
    return token.toInt();
}

// The text a selector's value is compared with: a string as is, a number in decimal, so that
// "[port=8080]" finds {"port": 8080}. Other values never match.
std::optional<QString> selectorText(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d == double(qint64(d)) && qAbs(d) < 9007199254740992.0) // exact integers without exponent
        return QString::number(qint64(d));
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

QString named(const QString& display)
{
    return display.isEmpty() ? Text::tr("the document") : display;
}

} // namespace

enum class FieldEdit::Found
{
    Yes,
    Absent, // not there; `message` says so, an error unless the operation allows it
    Error
};

std::optional<FieldEdit> FieldEdit::parse(const QString& path, QString* error)
{
    if (!path.startsWith(u'/')) {
        fail(error, Text::tr("%1 is not a JSON pointer: it must start with /").arg(path));
        return std::nullopt;
    }
    FieldEdit edit;
    edit.m_path = path;
    const QStringList tokens = jsonPointerTokens(path);
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const QString& token = tokens.at(i);
        Step step;
        if (token == QLatin1String("-")) {
            if (i + 1 != tokens.size()) {
                fail(error, Text::tr("%1: - can only be the last token").arg(path));
                return std::nullopt;
            }
            if (i == 0) {
                fail(error, Text::tr("%1: - must follow the path of an array").arg(path));
                return std::nullopt;
            }
            step.kind = Step::End;
        } else if (token.startsWith(u'[')) {
            if (!token.endsWith(u']') || token.size() < 2) {
                fail(error, Text::tr("%1: %2 has no closing ]").arg(path, token));
                return std::nullopt;
            }
            const QString inner = token.mid(1, token.size() - 2);
            const qsizetype equals = inner.indexOf(u'=');
            if (equals < 0) {
                fail(error,
                     Text::tr("%1: %2 is not a selector: write [key=value]").arg(path, token));
                return std::nullopt;
            }
            if (equals == 0) {
                fail(error, Text::tr("%1: %2 needs a key").arg(path, token));
                return std::nullopt;
            }
            step.kind = Step::Selector;
            step.key = inner.left(equals);
            step.value = inner.mid(equals + 1);
        } else {
            step.key = token;
        }
        edit.m_steps.append(step);
    }
    return edit;
}

QString FieldEdit::displayPath() const
{
    return displayOf(m_steps.size());
}

QString FieldEdit::displayOf(qsizetype steps) const
{
    QString display;
    for (qsizetype i = 0; i < steps; ++i) {
        const Step& s = m_steps.at(i);
        if (s.kind == Step::Selector)
            display += QStringLiteral("[%1=%2]").arg(s.key, s.value);
        else
            display = jsonPointerAppend(display, s.kind == Step::End ? QStringLiteral("-") : s.key);
    }
    return display;
}

FieldEdit::Found FieldEdit::locate(const QJsonValue& container, const Step& step,
                                   const QString& where, QString* token, QString* message)
{
    if (container.isObject()) {
        if (step.kind == Step::Selector) {
            *message = Text::tr("%1 is not an array").arg(named(where));
            return Found::Error;
        }
        *token = step.key;
        if (container.toObject().contains(step.key))
            return Found::Yes;
        *message = Text::tr("%1 does not exist").arg(jsonPointerAppend(where, step.key));
        return Found::Absent;
    }
    if (!container.isArray()) {
        *message = Text::tr("%1 is not an object or array").arg(named(where));
        return Found::Error;
    }
    const QJsonArray array = container.toArray();
    if (step.kind == Step::Key) {
        const int index = arrayIndex(step.key);
        if (index < 0) {
            *message = Text::tr("%1 is an array: %2 is not an index").arg(where, step.key);
            return Found::Error;
        }
        *token = step.key;
        if (index < array.size())
            return Found::Yes;
        *message = Text::tr("%1 has no item %2").arg(where, step.key);
        return Found::Absent;
    }
    int matches = 0;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject item = array.at(i).toObject();
        if (item.contains(step.key) && selectorText(item.value(step.key)) == step.value) {
            ++matches;
            *token = QString::number(i);
        }
    }
    if (matches == 1)
        return Found::Yes;
    *message = matches == 0
                   ? Text::tr("%1 has no item with %2 = %3").arg(where, step.key, step.value)
                   : Text::tr("%1 has %2 items with %3 = %4")
                         .arg(where, QString::number(matches), step.key, step.value);
    return matches == 0 ? Found::Absent : Found::Error;
}

bool FieldEdit::apply(QJsonObject* document, Op op, const QJsonValue& value, QString* error,
                      QStringList* written) const
{
    if (written)
        written->clear();
    qsizetype last = m_steps.size() - 1;
    if (m_steps.at(last).kind == Step::End) {
        if (op == Op::Set)
            op = Op::Append;
        if (op != Op::Append)
            return fail(error, Text::tr("%1: - can only append").arg(displayPath()));
        --last;
    }
    if (op != Op::Delete && value.isUndefined())
        return fail(error, Text::tr("%1: no value given").arg(displayPath()));

    // Walk to the container of the last step, spelling the plain pointer on the way.
    QJsonValue container = *document;
    QString pointer;
    QString token;
    QString message;
    for (qsizetype i = 0; i < last; ++i) {
        if (locate(container, m_steps.at(i), displayOf(i), &token, &message) != Found::Yes)
            return fail(error, message);
        pointer = jsonPointerAppend(pointer, token);
        container = jsonValueAt(*document, pointer);
    }
    const Found found = locate(container, m_steps.at(last), displayOf(last), &token, &message);
    if (found == Found::Error)
        return fail(error, message);
    pointer = jsonPointerAppend(pointer, token);
    const QString where = displayOf(last + 1);
    const QJsonValue target = jsonValueAt(*document, pointer);

    QJsonValue result;
    QString wrote;
    if (found == Found::Absent) {
        if (op == Op::Delete || op == Op::RemoveValue)
            return false;          // already gone
        if (!container.isObject()) // only a member can be created; an item needs its position
            return fail(error, message);
        result = op == Op::Set ? value : QJsonArray{value};
        wrote = op == Op::Set ? pointer : jsonPointerAppend(pointer, QStringLiteral("0"));
    } else if (op == Op::Set) {
        if (target == value)
            return false;
        result = value;
        wrote = pointer;
    } else if (op == Op::Delete) {
        result = QJsonValue(QJsonValue::Undefined); // jsonValueSet removes the member or item
    } else {
        if (!target.isArray())
            return fail(error, Text::tr("%1 is not an array").arg(where));
        QJsonArray array = target.toArray();
        if (op == Op::Append) {
            if (array.contains(value))
                return false; // running the same append twice changes nothing
            wrote = jsonPointerAppend(pointer, QString::number(array.size()));
            array.append(value);
        } else {
            const qsizetype before = array.size();
            for (qsizetype i = array.size() - 1; i >= 0; --i) {
                if (array.at(i) == value)
                    array.removeAt(i);
            }
            if (array.size() == before)
                return false;
        }
        result = array;
    }
    *document = jsonValueSet(*document, pointer, result).toObject();
    if (written && !wrote.isEmpty())
        written->append(wrote);
    return true;
}

} // namespace ca
