#include "ConnectorDiff.h"

#include "Connector.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <tuple>

namespace ca {

namespace {

// Identity of an array item for matching; typed so that 1 and "1" stay different. Strings stand
// for themselves (no copy: most keys are strings); other scalars start with a NUL character.
QString scalarIdentity(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return QChar(0) + QLatin1Char('n') + QString::number(v.toDouble(), 'g', 17);
    case QJsonValue::Bool:
        return QChar(0) + QLatin1Char(v.toBool() ? 't' : 'f');
    case QJsonValue::Null:
        return QChar(0) + QLatin1Char('z');
    default:
        return {};
    }
}

bool isScalar(const QJsonValue& v)
{
    return !v.isObject() && !v.isArray() && !v.isUndefined();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Options and rules

DiffOptions diffOptionsFor(Vendor vendor)
{
    DiffOptions o;
    switch (vendor) {
    case Vendor::Timbal:
        break; // no editable settings, only a version
    case Vendor::AiSquared:
        // Source/destination configurations hold lists of names (tables, scopes): a set, not a
        // sequence.
        o.arrayKeys.insert(QStringLiteral("/configuration/**"), QString());
        break;
    case Vendor::B3os:
        break;
    case Vendor::Databar:
        for (const char* list : {"/headers", "/parameters", "/body"})
            o.arrayKeys.insert(QLatin1String(list), QStringLiteral("name"));
        break;
    case Vendor::Bigdata:
        o.arrayKeys.insert(QStringLiteral("/config/allowed_emails"), QString());
        break;
    }
    return o;
}

DiffRules::DiffRules(const DiffOptions& options) : m_secrets(options.secrets)
{
    QList<std::tuple<int, qsizetype, QString, QString>> keys;
    for (auto it = options.arrayKeys.begin(); it != options.arrayKeys.end(); ++it) {
        const JsonPointerPattern p(it.key());
        keys.append({p.wildcards(), -p.size(), it.key(), it.value()});
    }
    // Most specific rule first; ties by text so that the choice never depends on hash order.
    std::sort(keys.begin(), keys.end(), [](const auto& l, const auto& r) {
        return std::tie(std::get<0>(l), std::get<1>(l), std::get<2>(l)) <
               std::tie(std::get<0>(r), std::get<1>(r), std::get<2>(r));
    });
    for (const auto& k : keys)
        m_arrayKeys.append({JsonPointerPattern(std::get<2>(k)), std::get<3>(k)});
}

std::optional<QString> DiffRules::arrayKeyFor(std::span<const JsonPathToken> path) const
{
    for (const auto& [pattern, key] : m_arrayKeys) {
        if (pattern.matches(path, false))
            return key;
    }
    return std::nullopt;
}

bool DiffRules::itemIdentities(const QJsonArray& array, const QString& key, QStringList* ids,
                               QHash<QString, int>* index, QString* reason)
{
    ids->reserve(array.size());
    index->reserve(array.size());
    for (int i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        QString id;
        if (key.isEmpty()) {
            if (!isScalar(item))
                return false;
            id = scalarIdentity(item);
        } else {
            const QJsonValue field = item.toObject().value(key);
            if (!field.isString() && !field.isDouble()) {
                *reason =
                    QStringLiteral("item %1 has no \"%2\": compared by position").arg(i).arg(key);
                return false;
            }
            id = scalarIdentity(field);
        }
        const qsizetype before = index->size();
        index->insert(id, i);
        if (index->size() == before) {
            // Never the value itself: it may be secret.
            *reason =
                key.isEmpty()
                    ? QStringLiteral("duplicate values: compared by position")
                    : QStringLiteral("duplicate \"%1\" values: compared by position").arg(key);
            return false;
        }
        ids->append(id);
    }
    return true;
}

QString DiffRules::itemSelector(const QJsonValue& item, const QString& key, bool secret)
{
    const QJsonValue shown = key.isEmpty() ? item : item.toObject().value(key);
    QString text;
    if (secret)
        text = secretMarker(shown);
    else if (key.isEmpty() || !shown.isString())
        text = ConnectorDiff::valueText(shown);
    else
        text = shown.toString();
    return key.isEmpty() ? QLatin1Char('[') + text + QLatin1Char(']')
                         : QStringLiteral("[%1=%2]").arg(key, text);
}

// ---------------------------------------------------------------------------------------------
// The walk

namespace {

// A matched array item is named by its key or value ("[name=X]"); the text is made only when an
// entry needs it, as most items are unchanged.
struct ItemName
{
    bool named = false;
    QJsonValue item;
    QString key;
};

class DiffWalker
{
public:
    DiffWalker(const DiffRules& rules, QList<DiffEntry>& out,
               QList<ConnectorDiff::Fallback>& fallbacks)
        : m_rules(rules), m_out(out), m_fallbacks(fallbacks)
    {
        m_before.reserve(32);
        m_after.reserve(32);
        m_names.reserve(32);
    }

    // Entries for the value at the current path; true when anything differs.
    bool diffValue(const QJsonValue& b, const QJsonValue& a)
    {
        if (b.isObject() && a.isObject())
            return diffObject(b.toObject(), a.toObject());
        if (b.isArray() && a.isArray())
            return diffArray(b.toArray(), a.toArray());
        if (b == a)
            return false;
        emitChanged(b, a);
        return true;
    }

private:
    void push(const JsonPathToken& b, const JsonPathToken& a, const ItemName& name = {})
    {
        m_before.append(b);
        m_after.append(a);
        m_names.append(name);
    }
    void pop()
    {
        m_before.removeLast();
        m_after.removeLast();
        m_names.removeLast();
    }

    QString selectorAt(qsizetype level) const
    {
        const ItemName& n = m_names.at(level);
        auto secretIn = [&](const QList<JsonPathToken>& side) {
            if (side.at(level).index < 0)
                return false;
            QList<JsonPathToken> path(side.begin(), side.begin() + level + 1);
            if (!n.key.isEmpty())
                path.append({n.key, -1});
            return m_rules.isSecret(path);
        };
        return DiffRules::itemSelector(n.item, n.key, secretIn(m_before) || secretIn(m_after));
    }

    // Matched items by name; other levels are spelled as in `after` (for removed positional
    // items the after token carries the old index).
    QString displayPath() const
    {
        QString path;
        for (qsizetype i = 0; i < m_after.size(); ++i) {
            if (m_names.at(i).named)
                path += selectorAt(i);
            else
                path = jsonPointerAppend(path, m_after.at(i).index >= 0
                                                   ? QString::number(m_after.at(i).index)
                                                   : m_after.at(i).key);
        }
        return path;
    }

    DiffEntry entry(DiffEntry::Kind kind) const
    {
        DiffEntry e;
        e.kind = kind;
        e.path = displayPath();
        e.depth = int(m_after.size()) - 1;
        e.positional = m_positionalDepth > 0;
        return e;
    }

    // Inside a member the key-name rule makes secret (the value of a secret name/value pair), or
    // at or below a secret path.
    bool secretHere() const
    {
        return m_secretMembers > 0 || m_rules.isSecret(m_before) || m_rules.isSecret(m_after);
    }
    QJsonValue maskedHere(const QJsonValue& v, const QList<JsonPathToken>& path, bool* secret)
    {
        if (m_secretMembers == 0)
            return m_rules.masked(v, path, secret);
        *secret = true;
        return DiffRules::secretMarker(v);
    }

    void emitChanged(const QJsonValue& b, const QJsonValue& a)
    {
        DiffEntry e = entry(DiffEntry::Kind::Changed);
        e.beforePointer = jsonPointerFrom(m_before);
        e.afterPointer = jsonPointerFrom(m_after);
        if (secretHere()) {
            e.before = DiffRules::secretMarker(b);
            e.after = DiffRules::secretMarker(a);
            e.secret = true;
        } else {
            bool mb = false;
            bool ma = false;
            e.before = m_rules.masked(b, m_before, &mb);
            e.after = m_rules.masked(a, m_after, &ma);
            e.secret = mb || ma;
        }
        m_out.append(e);
    }

    void emitAdded(const QJsonValue& a, bool byValue = false)
    {
        DiffEntry e = entry(DiffEntry::Kind::Added);
        e.afterPointer = jsonPointerFrom(m_after);
        e.after = maskedHere(a, m_after, &e.secret);
        e.byValue = byValue;
        m_out.append(e);
    }

    void emitRemoved(const QJsonValue& b, bool byValue = false)
    {
        DiffEntry e = entry(DiffEntry::Kind::Removed);
        e.beforePointer = jsonPointerFrom(m_before);
        e.before = maskedHere(b, m_before, &e.secret);
        e.byValue = byValue;
        m_out.append(e);
    }

    // Called with the container's own path on the stack.
    void insertUnchanged(qsizetype at, int count, bool items)
    {
        DiffEntry e = entry(DiffEntry::Kind::Unchanged);
        e.depth = int(m_after.size());
        e.beforePointer = jsonPointerFrom(m_before);
        e.afterPointer = jsonPointerFrom(m_after);
        e.unchangedCount = count;
        e.unchangedItems = items;
        m_out.insert(at, e);
    }

    // Counts unchanged children into runs; the run entry goes in front of the next change.
    struct Runs
    {
        int run = 0;
        bool any = false;
    };
    void afterChild(Runs& r, bool changed, qsizetype startedAt, bool items)
    {
        if (!changed) {
            ++r.run;
            return;
        }
        if (r.run > 0)
            insertUnchanged(startedAt, r.run, items);
        r.run = 0;
        r.any = true;
    }
    bool finish(Runs& r, bool items)
    {
        if (r.any && r.run > 0)
            insertUnchanged(m_out.size(), r.run, items);
        return r.any;
    }

    bool diffObject(const QJsonObject& b, const QJsonObject& a)
    {
        QStringList keys = b.keys();
        const QStringList afterKeys = a.keys();
        // Same keys in sorted storage order (the usual case): walk both objects side by side.
        const bool inStep = afterKeys == keys && std::is_sorted(keys.begin(), keys.end());
        if (!inStep) {
            keys += afterKeys;
            std::sort(keys.begin(), keys.end());
            keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        }
        Runs runs;
        for (qsizetype k = 0; k < keys.size(); ++k) {
            const QString& key = keys.at(k);
            const auto bi = inStep ? b.constBegin() + k : b.constFind(key);
            const auto ai = inStep ? a.constBegin() + k : a.constFind(key);
            push({key, -1}, {key, -1});
            const bool secretMember = m_rules.secrets().isSecretMember(b, key) ||
                                      m_rules.secrets().isSecretMember(a, key);
            m_secretMembers += secretMember ? 1 : 0;
            const qsizetype at = m_out.size();
            bool changed = true;
            if (bi == b.constEnd())
                emitAdded(*ai);
            else if (ai == a.constEnd())
                emitRemoved(*bi);
            else
                changed = diffValue(*bi, *ai);
            m_secretMembers -= secretMember ? 1 : 0;
            pop();
            afterChild(runs, changed, at, false);
        }
        return finish(runs, false);
    }

    bool diffPositional(const QJsonArray& b, const QJsonArray& a)
    {
        Runs runs;
        const int common = int(std::min(b.size(), a.size()));
        for (int i = 0; i < common; ++i) {
            push({QString(), i}, {QString(), i});
            const qsizetype at = m_out.size();
            const bool changed = diffValue(b.at(i), a.at(i));
            pop();
            afterChild(runs, changed, at, true);
        }
        for (int i = common; i < a.size(); ++i) {
            push({QString(), -1}, {QString(), i});
            const qsizetype at = m_out.size();
            emitAdded(a.at(i));
            pop();
            afterChild(runs, true, at, true);
        }
        for (int i = common; i < b.size(); ++i) {
            push({QString(), i}, {QString(), i});
            const qsizetype at = m_out.size();
            emitRemoved(b.at(i));
            pop();
            afterChild(runs, true, at, true);
        }
        return finish(runs, true);
    }

    bool fallBack(const QJsonArray& b, const QJsonArray& a, const QString& reason)
    {
        ++m_positionalDepth;
        const bool changed = diffPositional(b, a);
        --m_positionalDepth;
        if (changed && !reason.isEmpty())
            m_fallbacks.append({displayPath(), reason});
        return changed;
    }

    bool diffArray(const QJsonArray& b, const QJsonArray& a)
    {
        std::optional<QString> key = m_rules.arrayKeyFor(m_after);
        if (!key)
            key = m_rules.arrayKeyFor(m_before);
        if (!key)
            return diffPositional(b, a);

        QStringList beforeIds;
        QStringList afterIds;
        QHash<QString, int> beforeIndex;
        QHash<QString, int> afterIndex;
        QString reason;
        if (!DiffRules::itemIdentities(b, *key, &beforeIds, &beforeIndex, &reason) ||
            !DiffRules::itemIdentities(a, *key, &afterIds, &afterIndex, &reason))
            return fallBack(b, a, reason);

        // match[j]: position in before of after's item j, or -1 (added).
        QList<int> match(a.size(), -1);
        QList<bool> matchedBefore(b.size(), false);
        for (int j = 0; j < a.size(); ++j) {
            const int i = beforeIndex.value(afterIds.at(j), -1);
            match[j] = i;
            if (i >= 0)
                matchedBefore[i] = true;
        }
        const QList<bool> stays = longestIncreasingRun(match);

        Runs runs;
        int nextRemoved = 0;
        auto emitRemovedBefore = [&](int limit) {
            limit = std::min(limit, int(b.size()));
            for (; nextRemoved < limit; ++nextRemoved) {
                if (matchedBefore.at(nextRemoved))
                    continue;
                const int i = nextRemoved;
                push({QString(), i}, {QString(), -1}, {true, b.at(i), *key});
                const qsizetype at = m_out.size();
                emitRemoved(b.at(i), key->isEmpty());
                pop();
                afterChild(runs, true, at, true);
            }
        };

        for (int j = 0; j < a.size(); ++j) {
            const int i = match.at(j);
            // Removed items go where they were: before the next item that kept its place, or
            // before an item that took their position.
            if (i >= 0 && stays.at(j))
                emitRemovedBefore(i);
            else if (i < 0)
                emitRemovedBefore(j + 1);
            push({QString(), i}, {QString(), j}, {true, a.at(j), *key});
            const qsizetype at = m_out.size();
            bool changed = true;
            if (i < 0) {
                emitAdded(a.at(j), key->isEmpty());
            } else if (!stays.at(j)) {
                DiffEntry e = entry(DiffEntry::Kind::Moved);
                e.beforePointer = jsonPointerFrom(m_before);
                e.afterPointer = jsonPointerFrom(m_after);
                e.fromIndex = i;
                e.toIndex = j;
                e.byValue = key->isEmpty();
                m_out.append(e);
                if (!key->isEmpty() && diffValue(b.at(i), a.at(j)))
                    m_out[at].movedAndChanged = true;
            } else {
                changed = !key->isEmpty() && diffValue(b.at(i), a.at(j));
            }
            pop();
            afterChild(runs, changed, at, true);
        }
        emitRemovedBefore(int(b.size()));
        return finish(runs, true);
    }

    // Items that keep their relative order: the longest increasing run of before-positions in
    // after order (O(n log n)). The others moved.
    static QList<bool> longestIncreasingRun(const QList<int>& match)
    {
        QList<bool> stays(match.size(), false);
        QList<int> tails; // tails[k]: index into match of the smallest tail of a run of length k+1
        QList<int> previous(match.size(), -1);
        for (int j = 0; j < match.size(); ++j) {
            if (match.at(j) < 0)
                continue;
            const auto pos =
                std::lower_bound(tails.begin(), tails.end(), match.at(j),
                                 [&](int tail, int value) { return match.at(tail) < value; });
            const qsizetype k = pos - tails.begin();
            previous[j] = k > 0 ? tails.at(k - 1) : -1;
            if (pos == tails.end())
                tails.append(j);
            else
                *pos = j;
        }
        for (int j = tails.isEmpty() ? -1 : tails.last(); j >= 0; j = previous.at(j))
            stays[j] = true;
        return stays;
    }

    const DiffRules& m_rules;
    QList<DiffEntry>& m_out;
    QList<ConnectorDiff::Fallback>& m_fallbacks;
    QList<JsonPathToken> m_before;
    QList<JsonPathToken> m_after;
    QList<ItemName> m_names;
    int m_positionalDepth = 0;
    int m_secretMembers = 0;
};

} // namespace

// ---------------------------------------------------------------------------------------------
// The result

ConnectorDiff::ConnectorDiff(const QJsonValue& before, const QJsonValue& after,
                             const DiffOptions& options)
{
    const DiffRules rules(options);
    DiffWalker walker(rules, m_entries, m_fallbacks);
    walker.diffValue(before, after);
    for (const DiffEntry& e : std::as_const(m_entries)) {
        switch (e.kind) {
        case DiffEntry::Kind::Added:
            ++m_added;
            break;
        case DiffEntry::Kind::Removed:
            ++m_removed;
            break;
        case DiffEntry::Kind::Changed:
            ++m_changed;
            break;
        case DiffEntry::Kind::Moved:
            ++m_moved;
            break;
        case DiffEntry::Kind::Unchanged:
            m_unchanged += e.unchangedCount;
            break;
        }
    }
}

} // namespace ca
