#include "ThreeWayMerge.h"

#include "Connector.h"

#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <optional>

namespace ca {

namespace {

class MergeWalker
{
public:
    MergeWalker(const DiffRules& rules, QList<MergeConflict>& conflicts)
        : m_rules(rules), m_conflicts(conflicts)
    {}

    // The merged value at the current path; Undefined: absent from the result.
    QJsonValue merge(const QJsonValue& b, const QJsonValue& s, const QJsonValue& m)
    {
        if (s == m || s == b)
            return m;
        if (m == b)
            return s;
        // Both changed, differently: look inside where the structure allows it.
        if (s.isObject() && m.isObject() && (b.isObject() || b.isUndefined()))
            return mergeObject(b.toObject(), s.toObject(), m.toObject());
        if (b.isArray() && s.isArray() && m.isArray()) {
            const std::optional<QString> key = m_rules.arrayKeyFor(m_mine);
            if (key) {
                if (const std::optional<QJsonValue> merged =
                        mergeKeyed(b.toArray(), s.toArray(), m.toArray(), *key))
                    return *merged;
            }
        }
        conflict(b, s, m);
        return m;
    }

private:
    struct Level
    {
        JsonPathToken base;
        JsonPathToken server;
        JsonPathToken mine;
        QString selector;
    };

    void push(const Level& l)
    {
        m_base.append(l.base);
        m_server.append(l.server);
        m_mine.append(l.mine);
        m_selectors.append(l.selector);
    }
    void pop()
    {
        m_base.removeLast();
        m_server.removeLast();
        m_mine.removeLast();
        m_selectors.removeLast();
    }

    QJsonValue mergeObject(const QJsonObject& b, const QJsonObject& s, const QJsonObject& m)
    {
        QStringList keys = b.keys() + s.keys() + m.keys();
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        QJsonObject out;
        for (const QString& key : keys) {
            push({{key, -1}, {key, -1}, {key, -1}, {}});
            const QJsonValue v = merge(b.value(key), s.value(key), m.value(key));
            pop();
            if (!v.isUndefined())
                out.insert(key, v);
        }
        return out;
    }

    // Whether a side changed the relative order of the items it kept from base.
    static bool reordered(const QStringList& ids, const QHash<QString, int>& baseIndex)
    {
        int last = -1;
        for (const QString& id : ids) {
            const int i = baseIndex.value(id, -1);
            if (i < 0)
                continue;
            if (i < last)
                return true;
            last = i;
        }
        return false;
    }

    std::optional<QJsonValue> mergeKeyed(const QJsonArray& b, const QJsonArray& s,
                                         const QJsonArray& m, const QString& key)
    {
        QStringList bIds, sIds, mIds;
        QHash<QString, int> bIndex, sIndex, mIndex;
        QString reason;
        if (!DiffRules::itemIdentities(b, key, &bIds, &bIndex, &reason) ||
            !DiffRules::itemIdentities(s, key, &sIds, &sIndex, &reason) ||
            !DiffRules::itemIdentities(m, key, &mIds, &mIndex, &reason))
            return std::nullopt; // whole-array conflict, like a positional array

        // The order of the side that reordered (mine when both or neither did), with the other
        // side's items placed after the item they follow there.
        const bool serverOrder = reordered(sIds, bIndex) && !reordered(mIds, bIndex);
        const QStringList& skeleton = serverOrder ? sIds : mIds;
        const QStringList& other = serverOrder ? mIds : sIds;
        const QSet<QString> inSkeleton(skeleton.begin(), skeleton.end());
        QHash<QString, QString> follower; // each item has at most one: its successor in `other`
        QString first;
        for (qsizetype k = 0; k < other.size(); ++k) {
            if (inSkeleton.contains(other.at(k)))
                continue;
            if (k == 0)
                first = other.at(k);
            else
                follower.insert(other.at(k - 1), other.at(k));
        }
        QStringList order;
        auto place = [&](QString id) {
            for (;;) {
                order.append(id);
                const auto next = follower.constFind(id);
                if (next == follower.constEnd())
                    break;
                id = *next;
            }
        };
        if (!first.isEmpty())
            place(first);
        for (const QString& id : skeleton)
            place(id);

        QJsonArray out;
        for (const QString& id : std::as_const(order)) {
            const int bi = bIndex.value(id, -1);
            const int si = sIndex.value(id, -1);
            const int mi = mIndex.value(id, -1);
            const QJsonValue bv = bi >= 0 ? b.at(bi) : QJsonValue(QJsonValue::Undefined);
            const QJsonValue sv = si >= 0 ? s.at(si) : QJsonValue(QJsonValue::Undefined);
            const QJsonValue mv = mi >= 0 ? m.at(mi) : QJsonValue(QJsonValue::Undefined);
            const QJsonValue shown = mi >= 0 ? mv : si >= 0 ? sv : bv;
            bool keySecret = false;
            for (auto [path, index] :
                 {std::pair{&m_base, bi}, std::pair{&m_server, si}, std::pair{&m_mine, mi}}) {
                if (index < 0)
                    continue;
                path->append({QString(), index});
                if (!key.isEmpty())
                    path->append({key, -1});
                keySecret = keySecret || m_rules.isSecret(*path);
                if (!key.isEmpty())
                    path->removeLast();
                path->removeLast();
            }
            push({{QString(), bi},
                  {QString(), si},
                  {QString(), mi},
                  DiffRules::itemSelector(shown, key, keySecret)});
            const QJsonValue v = merge(bv, sv, mv);
            pop();
            if (!v.isUndefined())
                out.append(v);
        }
        return QJsonValue(out);
    }

    QString displayPath() const
    {
        QString path;
        for (qsizetype i = 0; i < m_mine.size(); ++i) {
            if (!m_selectors.at(i).isEmpty())
                path += m_selectors.at(i);
            else
                path = jsonPointerAppend(path, m_mine.at(i).key);
        }
        return path;
    }

    void conflict(const QJsonValue& b, const QJsonValue& s, const QJsonValue& m)
    {
        MergeConflict c;
        c.path = displayPath();
        const bool nodeSecret = (!b.isUndefined() && m_rules.isSecret(m_base)) ||
                                (!s.isUndefined() && m_rules.isSecret(m_server)) ||
                                (!m.isUndefined() && m_rules.isSecret(m_mine));
        auto side = [&](const QJsonValue& v, const QList<JsonPathToken>& path, QString* pointer,
                        QJsonValue* shown) {
            if (v.isUndefined())
                return;
            *pointer = jsonPointerFrom(path);
            if (nodeSecret) {
                *shown = DiffRules::secretMarker(v);
                c.secret = true;
                return;
            }
            bool replaced = false;
            *shown = m_rules.masked(v, path, &replaced);
            c.secret = c.secret || replaced;
        };
        side(b, m_base, &c.basePointer, &c.base);
        side(s, m_server, &c.serverPointer, &c.server);
        side(m, m_mine, &c.minePointer, &c.mine);
        m_conflicts.append(c);
    }

    const DiffRules& m_rules;
    QList<MergeConflict>& m_conflicts;
    QList<JsonPathToken> m_base;
    QList<JsonPathToken> m_server;
    QList<JsonPathToken> m_mine;
    QStringList m_selectors;
};

QString conflictValueText(const QJsonValue& v)
{
    return v.isUndefined() ? QStringLiteral("absent") : ConnectorDiff::valueText(v);
}

} // namespace

ThreeWayMerge::ThreeWayMerge(const QJsonObject& base, const QJsonObject& server,
                             const QJsonObject& mine, const DiffOptions& options)
{
    const DiffRules rules(options);
    MergeWalker walker(rules, m_conflicts);
    m_merged = walker.merge(base, server, mine).toObject();
}

QJsonObject ThreeWayMerge::toJson() const
{
    QJsonArray conflicts;
    for (const MergeConflict& c : m_conflicts) {
        QJsonObject o{{QStringLiteral("path"), c.path}};
        auto put = [&](const char* name, const char* pointerName, const QJsonValue& v,
                       const QString& pointer) {
            if (v.isUndefined())
                return;
            o.insert(QLatin1String(name), v);
            o.insert(QLatin1String(pointerName), pointer);
        };
        put("base", "basePointer", c.base, c.basePointer);
        put("server", "serverPointer", c.server, c.serverPointer);
        put("mine", "minePointer", c.mine, c.minePointer);
        if (c.secret)
            o.insert(QStringLiteral("secret"), true);
        conflicts.append(o);
    }
    return QJsonObject{{QStringLiteral("clean"), isClean()},
                       {QStringLiteral("conflicts"), conflicts}};
}

QString ThreeWayMerge::toText() const
{
    QStringList lines;
    for (const MergeConflict& c : m_conflicts)
        lines << QStringLiteral("! %1: base %2, server %3, mine %4")
                     .arg(c.path.isEmpty() ? QStringLiteral("/") : c.path,
                          conflictValueText(c.base), conflictValueText(c.server),
                          conflictValueText(c.mine));
    return lines.join(QLatin1Char('\n'));
}

} // namespace ca
