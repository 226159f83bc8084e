#include "DocumentSecrets.h"

#include "Connector.h"

#include <QJsonArray>

namespace ca::DocumentSecrets {

namespace {

QJsonValue maskAll(const QJsonValue& v)
{
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = maskAll(it.value());
        return o;
    }
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a.replace(i, maskAll(a.at(i)));
        return a;
    }
    if (v.isString() || v.isDouble())
        return kPlaceholder;
    return v;
}

QJsonValue maskWalk(const QJsonValue& v, QList<JsonPathToken>& path, const DiffRules& rules,
                    const QStringList& values)
{
    if (!path.isEmpty() && rules.isSecret(path))
        return maskAll(v);
    if (v.isString())
        return values.contains(v.toString()) ? QJsonValue(kPlaceholder) : v;
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            path.append(JsonPathToken{it.key(), -1});
            it.value() = maskWalk(it.value(), path, rules, values);
            path.removeLast();
        }
        return o;
    }
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            path.append(JsonPathToken{QString(), int(i)});
            a.replace(i, maskWalk(a.at(i), path, rules, values));
            path.removeLast();
        }
        return a;
    }
    return v;
}

QJsonValue restoreWalk(const QJsonValue& edited, const QJsonValue& stored,
                       QList<JsonPathToken>& path, const DiffRules& rules, QString* where)
{
    if (!where->isEmpty())
        return edited;
    if (edited.isString() && edited.toString() == kPlaceholder) {
        if (stored.isUndefined()) {
            *where = jsonPointerFrom(path);
            if (where->isEmpty())
                *where = QStringLiteral("/");
            return edited;
        }
        return stored;
    }
    if (edited.isObject()) {
        QJsonObject o = edited.toObject();
        const QJsonObject s = stored.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            path.append(JsonPathToken{it.key(), -1});
            it.value() = restoreWalk(it.value(),
                                     stored.isObject() ? s.value(it.key())
                                                       : QJsonValue(QJsonValue::Undefined),
                                     path, rules, where);
            path.removeLast();
        }
        return o;
    }
    if (edited.isArray()) {
        QJsonArray a = edited.toArray();
        const QJsonArray s = stored.toArray();
        const std::optional<QString> key = rules.arrayKeyFor(path);
        for (qsizetype i = 0; i < a.size(); ++i) {
            QJsonValue counterpart(QJsonValue::Undefined);
            const QJsonValue item = a.at(i);
            if (key && !key->isEmpty() && item.isObject() && item.toObject().contains(*key)) {
                // An edit may reorder or insert items: the stored secret of the same key is kept.
                const QJsonValue id = item.toObject().value(*key);
                for (const QJsonValue& candidate : s) {
                    if (candidate.isObject() && candidate.toObject().value(*key) == id) {
                        counterpart = candidate;
                        break;
                    }
                }
            } else if (stored.isArray() && i < s.size()) {
                counterpart = s.at(i);
            }
            path.append(JsonPathToken{QString(), int(i)});
            a.replace(i, restoreWalk(item, counterpart, path, rules, where));
            path.removeLast();
        }
        return a;
    }
    return edited;
}

} // namespace

QStringList valuesAt(const QJsonObject& doc, const QStringList& secretPaths)
{
    QStringList out;
    for (const QString& path : secretPaths) {
        if (path.contains(QLatin1Char('*')))
            continue;
        collectJsonStrings(jsonValueAt(doc, path), &out);
    }
    out.removeAll(kPlaceholder);
    out.removeDuplicates();
    return out;
}

QJsonValue masked(const QJsonValue& value, const DiffOptions& options,
                  const QStringList& secretValues)
{
    const DiffRules rules(options);
    QList<JsonPathToken> path;
    return maskWalk(value, path, rules, secretValues);
}

bool restorePlaceholders(QJsonObject* edited, const QJsonObject& stored, const DiffOptions& options,
                         QString* where)
{
    const DiffRules rules(options);
    QList<JsonPathToken> path;
    QString found;
    const QJsonValue out = restoreWalk(*edited, stored, path, rules, &found);
    if (!found.isEmpty()) {
        if (where)
            *where = found;
        return false;
    }
    *edited = out.toObject();
    return true;
}

QString maskText(QString text, const QStringList& secretValues)
{
    for (const QString& value : secretValues) {
        if (value.size() >= 4)
            text.replace(value, kPlaceholder);
    }
    return text;
}

} // namespace ca::DocumentSecrets
