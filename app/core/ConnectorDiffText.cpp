// How a diff is written: its summary, text lines, JSON and side-by-side rows.
#include "ConnectorDiff.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ca {

namespace {

QString plural(int n, const char* one, const char* many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

QString unchangedText(const DiffEntry& e)
{
    return plural(e.unchangedCount, e.unchangedItems ? "unchanged item" : "unchanged field",
                  e.unchangedItems ? "unchanged items" : "unchanged fields");
}

QString shownPath(const QString& path)
{
    return path.isEmpty() ? QStringLiteral("/") : path;
}

QString sideText(const QJsonValue& v)
{
    if (v.isUndefined())
        return {};
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented))
            .trimmed();
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented))
            .trimmed();
    return ConnectorDiff::valueText(v);
}

} // namespace

QString diffKindName(DiffEntry::Kind kind)
{
    switch (kind) {
    case DiffEntry::Kind::Added:
        return QStringLiteral("added");
    case DiffEntry::Kind::Removed:
        return QStringLiteral("removed");
    case DiffEntry::Kind::Changed:
        return QStringLiteral("changed");
    case DiffEntry::Kind::Moved:
        return QStringLiteral("moved");
    case DiffEntry::Kind::Unchanged:
        return QStringLiteral("unchanged");
    }
    return {};
}

QString ConnectorDiff::summaryLine() const
{
    if (isEmpty())
        return QStringLiteral("no changes");
    QString line = QStringLiteral("%1 changed, %2 added, %3 removed")
                       .arg(m_changed)
                       .arg(m_added)
                       .arg(m_removed);
    if (m_moved > 0)
        line += QStringLiteral(", %1 moved").arg(m_moved);
    return line;
}

QString ConnectorDiff::valueText(const QJsonValue& value)
{
    if (value.isUndefined())
        return {};
    if (value.isString() && SecretRules::isFingerprint(value.toString()))
        return value.toString();
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    // "[...]" around the value itself.
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

QJsonObject ConnectorDiff::toJson() const
{
    QJsonArray entries;
    for (const DiffEntry& e : m_entries) {
        QJsonObject o{{QStringLiteral("op"), diffKindName(e.kind)},
                      {QStringLiteral("path"), e.path},
                      {QStringLiteral("depth"), e.depth}};
        if (e.kind != DiffEntry::Kind::Added)
            o.insert(QStringLiteral("beforePointer"), e.beforePointer);
        if (e.kind != DiffEntry::Kind::Removed)
            o.insert(QStringLiteral("afterPointer"), e.afterPointer);
        if (!e.before.isUndefined())
            o.insert(QStringLiteral("before"), e.before);
        if (!e.after.isUndefined())
            o.insert(QStringLiteral("after"), e.after);
        if (e.kind == DiffEntry::Kind::Moved) {
            o.insert(QStringLiteral("from"), e.fromIndex);
            o.insert(QStringLiteral("to"), e.toIndex);
            o.insert(QStringLiteral("changed"), e.movedAndChanged);
        }
        if (e.kind == DiffEntry::Kind::Unchanged) {
            o.insert(QStringLiteral("count"), e.unchangedCount);
            o.insert(QStringLiteral("of"),
                     e.unchangedItems ? QStringLiteral("items") : QStringLiteral("fields"));
        }
        if (e.secret)
            o.insert(QStringLiteral("secret"), true);
        if (e.positional)
            o.insert(QStringLiteral("positional"), true);
        if (e.byValue)
            o.insert(QStringLiteral("byValue"), true);
        entries.append(o);
    }
    QJsonArray fallbacks;
    for (const Fallback& f : m_fallbacks)
        fallbacks.append(
            QJsonObject{{QStringLiteral("path"), f.path}, {QStringLiteral("reason"), f.reason}});
    const QJsonObject summary{
        {QStringLiteral("changed"), m_changed},     {QStringLiteral("added"), m_added},
        {QStringLiteral("removed"), m_removed},     {QStringLiteral("moved"), m_moved},
        {QStringLiteral("unchanged"), m_unchanged}, {QStringLiteral("text"), summaryLine()}};
    return QJsonObject{{QStringLiteral("summary"), summary},
                       {QStringLiteral("entries"), entries},
                       {QStringLiteral("positionalFallbacks"), fallbacks}};
}

QString ConnectorDiff::toText() const
{
    QStringList lines;
    for (const Fallback& f : m_fallbacks)
        lines << QStringLiteral("! %1: %2").arg(shownPath(f.path), f.reason);
    for (const DiffEntry& e : m_entries) {
        const QString path = shownPath(e.path);
        switch (e.kind) {
        case DiffEntry::Kind::Changed:
            lines << QStringLiteral("~ %1: %2 → %3")
                         .arg(path, valueText(e.before), valueText(e.after));
            break;
        case DiffEntry::Kind::Added:
            lines << (e.byValue ? QStringLiteral("+ ") + path
                                : QStringLiteral("+ %1: %2").arg(path, valueText(e.after)));
            break;
        case DiffEntry::Kind::Removed:
            lines << (e.byValue ? QStringLiteral("- ") + path
                                : QStringLiteral("- %1: %2").arg(path, valueText(e.before)));
            break;
        case DiffEntry::Kind::Moved:
            lines
                << QStringLiteral("> %1: moved %2 → %3").arg(path).arg(e.fromIndex).arg(e.toIndex);
            break;
        case DiffEntry::Kind::Unchanged:
            lines << (e.path.isEmpty() ? QStringLiteral("= ") + unchangedText(e)
                                       : QStringLiteral("= %1: %2").arg(path, unchangedText(e)));
            break;
        }
    }
    return lines.join(QLatin1Char('\n'));
}

QList<DiffRow> ConnectorDiff::sideBySide() const
{
    QList<DiffRow> rows;
    rows.reserve(m_entries.size());
    for (const DiffEntry& e : m_entries) {
        DiffRow r;
        r.kind = e.kind;
        r.path = shownPath(e.path);
        r.depth = e.depth;
        switch (e.kind) {
        case DiffEntry::Kind::Moved:
            r.beforeText = QStringLiteral("position %1").arg(e.fromIndex);
            r.afterText = QStringLiteral("position %1").arg(e.toIndex);
            break;
        case DiffEntry::Kind::Unchanged:
            r.beforeText = r.afterText = unchangedText(e);
            break;
        default:
            r.beforeText = sideText(e.before);
            r.afterText = sideText(e.after);
            break;
        }
        rows.append(r);
    }
    return rows;
}

} // namespace ca
