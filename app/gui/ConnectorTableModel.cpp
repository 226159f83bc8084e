#include "ConnectorTableModel.h"

#include "Semver.h"

#include <QDateTime>
#include <QFont>
#include <QLocale>

#include <algorithm>
#include <string_view>

namespace ca {

ConnectorTableModel::ConnectorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int ConnectorTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_slotOfRow.size());
}

int ConnectorTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QIcon ConnectorTableModel::vendorIcon(Vendor v)
{
    static QHash<int, QIcon> cache;
    auto it = cache.find(int(v));
    if (it == cache.end())
        it = cache.insert(int(v), QIcon(QStringLiteral(":/icons/vendor-%1.svg").arg(vendorId(v))));
    return *it;
}

QString ConnectorTableModel::statusText(const Connector& c)
{
    if (c.vendor == Vendor::Timbal) {
        QString s = c.version.isEmpty() ? tr("no version reported") : c.version;
        const bool connected = c.connected.value_or(false);
        const bool online = c.online.value_or(false);
        if (!c.connected.has_value() && !c.online.has_value())
            return s;
        if (connected && online)
            s += tr(" · connected · online");
        else if (connected)
            s += tr(" · connected · not online");
        else if (online)
            s += tr(" · online · not connected");
        else
            s += tr(" · offline");
        return s;
    }
    return c.version;
}

QString ConnectorTableModel::timbalConnectedHelp()
{
    return tr("Connected: Timbal's last known connected flag for this connector. It survives "
              "restarts of Timbal's servers, so it can say connected while no server holds a "
              "live connection right now.");
}

QString ConnectorTableModel::timbalOnlineHelp()
{
    return tr("Online: whether the Timbal server that answered holds a live connection to this "
              "connector right now. Another of its servers may hold it, so an update is sent "
              "unless the connector is neither connected nor online.");
}

QString ConnectorTableModel::flagText(const std::optional<bool>& flag, const QString& yes,
                                      const QString& no)
{
    return !flag.has_value() ? tr("unknown") : *flag ? yes : no;
}

QString ConnectorTableModel::fleetHint(const QString& newest)
{
    return tr("%1 is the newest version in this fleet (a hint: Timbal publishes no list of "
              "releases, and its latest may be newer).")
        .arg(newest);
}

QByteArray ConnectorTableModel::makeSearchText(const Connector& c)
{
    return (c.displayName + QLatin1Char(' ') + c.id + QLatin1Char(' ') + c.type + QLatin1Char(' ') +
            vendorId(c.vendor) + QLatin1Char(' ') + vendorDisplayName(c.vendor) + QLatin1Char(' ') +
            c.profileName)
        .toLower()
        .toUtf8();
}

void ConnectorTableModel::computeKeys(Row& row)
{
    row.searchText = makeSearchText(row.connector);
    row.nameKey = row.connector.displayName.toLower();
    row.statusKey = statusText(row.connector).toLower();
    row.numericId = row.connector.id.toLongLong(&row.idIsNumber);
}

QVariant ConnectorTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_slotOfRow.size())
        return {};
    const Row& row = rowAt(index.row());
    const Connector& c = row.connector;
    switch (role) {
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && c.vendor == Vendor::Timbal) {
            QString tip = timbalConnectedHelp() + QLatin1Char('\n') + timbalOnlineHelp();
            if (isBehindFleet(c))
                tip += QLatin1Char('\n') + fleetHint(m_fleetNewest.value(c.profileName));
            return tip;
        }
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (index.column()) {
        case VendorColumn:
            return vendorDisplayName(c.vendor);
        case ProfileColumn:
            return c.profileName;
        case NameColumn:
            return row.modified ? QStringLiteral("• ") + c.displayName : c.displayName;
        case TypeColumn:
            return c.type;
        case IdColumn:
            return c.id;
        case StatusColumn:
            return isBehindFleet(c) ? tr("%1 · fleet has %2")
                                          .arg(statusText(c), m_fleetNewest.value(c.profileName))
                                    : statusText(c);
        case UpdatedColumn: {
            if (role == Qt::ToolTipRole)
                return c.updatedAt;
            const QDateTime t = QDateTime::fromString(c.updatedAt, Qt::ISODateWithMs);
            return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat)
                               : c.updatedAt;
        }
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == VendorColumn)
            return vendorIcon(c.vendor);
        break;
    case Qt::FontRole:
        if (row.modified && index.column() == NameColumn) {
            QFont f;
            f.setBold(true);
            return f;
        }
        break;
    case Qt::AccessibleTextRole:
        if (index.column() == NameColumn && row.modified)
            return tr("%1 (unsaved changes)").arg(c.displayName);
        break;
    case VendorIdRole:
        return vendorId(c.vendor);
    case ProfileRole:
        return c.profileName;
    case ConnectorIdRole:
        return c.id;
    case ModifiedRole:
        return row.modified;
    }
    return {};
}

QVariant ConnectorTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VendorColumn:
        return tr("Vendor");
    case ProfileColumn:
        return tr("Profile");
    case NameColumn:
        return tr("Name");
    case TypeColumn:
        return tr("Type");
    case IdColumn:
        return tr("Id");
    case StatusColumn:
        return tr("Status / version");
    case UpdatedColumn:
        return tr("Last updated");
    }
    return {};
}

bool ConnectorTableModel::matches(const Row& row) const
{
    if (m_searchVendor && row.connector.vendor != *m_searchVendor)
        return false;
    if (!m_search.profile.isEmpty() && row.connector.profileName != m_search.profile)
        return false;
    // Bytes, not QString::contains: a memchr-driven search with no conversion per row; a UTF-8
    // needle can only match at character boundaries.
    const std::string_view haystack(row.searchText.constData(), size_t(row.searchText.size()));
    for (const QByteArray& term : m_terms) {
        if (haystack.find(std::string_view(term.constData(), size_t(term.size()))) ==
            std::string_view::npos)
            return false;
    }
    return true;
}

namespace {
// Every term of `wide` occurs inside some term of `narrow`: what matches `narrow` matches `wide`.
bool covers(const QStringList& wide, const QStringList& narrow)
{
    for (const QString& w : wide) {
        if (std::none_of(narrow.cbegin(), narrow.cend(),
                         [&w](const QString& n) { return n.contains(w); }))
            return false;
    }
    return true;
}
} // namespace

void ConnectorTableModel::setSearch(const Search& search)
{
    Search next = search;
    for (QString& term : next.terms)
        term = term.toLower();
    // Only rows that can change are searched again: after a narrowing keystroke the ones that
    // matched, after a widening one the ones that did not.
    const bool sameScope = next.vendorId == m_search.vendorId && next.profile == m_search.profile;
    const bool narrower = sameScope && covers(m_search.terms, next.terms);
    const bool wider = sameScope && covers(next.terms, m_search.terms);
    m_search = next;
    m_terms.clear();
    for (const QString& term : std::as_const(m_search.terms))
        m_terms.append(term.toUtf8());
    m_searchVendor.reset();
    if (!m_search.vendorId.isEmpty()) // an unknown vendor matches nothing
        m_searchVendor = vendorFromId(m_search.vendorId).value_or(Vendor(-1));
    if (narrower && wider)
        return; // the same search
    m_matches.resize(slotCount());
    for (int slot = 0; slot < slotCount(); ++slot) {
        quint8& flag = m_matches[slot];
        if ((narrower && !flag) || (wider && flag))
            continue;
        flag = matches(m_rows[size_t(slot)]) ? 1 : 0;
    }
}

int ConnectorTableModel::compareRows(const Row& x, const Row& y) const
{
    const Connector& p = x.connector;
    const Connector& q = y.connector;
    switch (m_sortColumn) {
    case VendorColumn:
        return QString::compare(vendorDisplayName(p.vendor), vendorDisplayName(q.vendor),
                                Qt::CaseInsensitive);
    case ProfileColumn:
        return QString::compare(p.profileName, q.profileName, Qt::CaseInsensitive);
    case NameColumn:
        return QString::compare(x.nameKey, y.nameKey);
    case TypeColumn:
        return QString::compare(p.type, q.type, Qt::CaseInsensitive);
    case IdColumn:
        if (x.idIsNumber && y.idIsNumber)
            return x.numericId < y.numericId ? -1 : x.numericId > y.numericId ? 1 : 0;
        return QString::compare(p.id, q.id);
    case StatusColumn:
        return QString::compare(x.statusKey, y.statusKey);
    case UpdatedColumn:
        return QString::compare(p.updatedAt, q.updatedAt); // ISO 8601 sorts as text
    }
    return 0;
}

bool ConnectorTableModel::slotLess(int a, int b) const
{
    // Ties keep arrival order, in both directions: a total order, so merges and sorts agree.
    const int c = compareRows(m_rows[size_t(a)], m_rows[size_t(b)]);
    if (c != 0)
        return m_sortOrder == Qt::AscendingOrder ? c < 0 : c > 0;
    return a < b;
}

void ConnectorTableModel::rebuildRowOfSlot()
{
    m_rowOfSlot.resize(slotCount());
    for (int row = 0; row < m_slotOfRow.size(); ++row)
        m_rowOfSlot[m_slotOfRow.at(row)] = row;
}

template <typename Reorder> void ConnectorTableModel::relayout(Reorder reorder)
{
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    QList<int> slotsBefore;
    slotsBefore.reserve(before.size());
    for (const QModelIndex& i : before)
        slotsBefore.append(m_slotOfRow.at(i.row()));
    reorder();
    rebuildRowOfSlot();
    QModelIndexList after;
    after.reserve(before.size());
    for (int i = 0; i < before.size(); ++i)
        after.append(index(m_rowOfSlot.at(slotsBefore.at(i)), before.at(i).column()));
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void ConnectorTableModel::sort(int column, Qt::SortOrder order)
{
    if (column >= ColumnCount)
        column = -1;
    m_sortColumn = column;
    m_sortOrder = order;
    if (m_slotOfRow.isEmpty())
        return;
    relayout([this] {
        if (m_sortColumn < 0)
            std::sort(m_slotOfRow.begin(), m_slotOfRow.end());
        else
            std::sort(m_slotOfRow.begin(), m_slotOfRow.end(),
                      [this](int a, int b) { return slotLess(a, b); });
    });
}

void ConnectorTableModel::upsert(const QString& profile, const QList<Connector>& connectors)
{
    QList<int> changedRows;
    bool keyChanged = false; // an existing row's sort key moved: a full re-sort, not a merge
    const int firstNew = slotCount();
    QHash<QString, int>& ids = m_index[profile];
    for (const Connector& c : connectors) {
        const int slot = ids.value(c.id, -1);
        if (slot >= 0) {
            Row& r = m_rows[size_t(slot)];
            Row updated{c, {}, {}, {}, 0, false, r.modified};
            updated.connector.profileName = profile;
            computeKeys(updated);
            keyChanged = keyChanged || (m_sortColumn >= 0 && compareRows(r, updated) != 0);
            r = std::move(updated);
            m_matches[slot] = matches(r) ? 1 : 0;
            changedRows.append(m_rowOfSlot.at(slot));
        } else {
            Row r{c, {}, {}, {}, 0, false, false};
            r.connector.profileName = profile;
            computeKeys(r);
            ids.insert(c.id, slotCount());
            m_matches.append(matches(r) ? 1 : 0);
            m_rows.push_back(std::move(r));
        }
    }
    // Few changed rows: one signal each. Many (a refresh of a whole page): one span, since
    // thousands of single-row signals cost the proxy and the view more than one pass.
    if (changedRows.size() <= 64) {
        for (int row : std::as_const(changedRows))
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    } else {
        const auto [lo, hi] = std::minmax_element(changedRows.cbegin(), changedRows.cend());
        emit dataChanged(index(*lo, 0), index(*hi, ColumnCount - 1));
    }
    const int added = slotCount() - firstNew;
    if (added > 0) {
        // New rows arrive at the end (one insert signal), then move into place in one layout
        // change: the page is sorted on its own and merged (O(n)), never placed one by one.
        const int oldCount = int(m_slotOfRow.size());
        beginInsertRows({}, oldCount, oldCount + added - 1);
        for (int slot = firstNew; slot < slotCount(); ++slot)
            m_slotOfRow.append(slot);
        rebuildRowOfSlot();
        endInsertRows();
    }
    if (m_sortColumn >= 0 && (added > 0 || keyChanged)) {
        const int oldCount = int(m_slotOfRow.size()) - added;
        relayout([this, oldCount, keyChanged] {
            const auto less = [this](int a, int b) { return slotLess(a, b); };
            if (keyChanged) {
                std::sort(m_slotOfRow.begin(), m_slotOfRow.end(), less);
                return;
            }
            // Sort the page, then find each new row's place by binary search (k log n string
            // comparisons rather than a linear merge's n) and splice the runs together.
            QList<int> incoming(m_slotOfRow.begin() + oldCount, m_slotOfRow.end());
            std::sort(incoming.begin(), incoming.end(), less);
            QList<int> merged;
            merged.reserve(m_slotOfRow.size());
            auto from = m_slotOfRow.cbegin();
            const auto oldEnd = m_slotOfRow.cbegin() + oldCount;
            for (int slot : std::as_const(incoming)) {
                const auto at = std::upper_bound(from, oldEnd, slot, less);
                merged.append(from, at);
                merged.append(slot);
                from = at;
            }
            merged.append(from, oldEnd);
            m_slotOfRow = std::move(merged);
        });
    }
}

void ConnectorTableModel::removeMissing(const QString& profile, const QSet<QString>& seen)
{
    QList<int> gone; // model rows, ascending
    for (int row = 0; row < m_slotOfRow.size(); ++row) {
        const Connector& c = rowAt(row).connector;
        if (c.profileName == profile && !seen.contains(c.id))
            gone.append(row);
    }
    if (gone.isEmpty())
        return;
    int runs = 1;
    for (int i = 1; i < gone.size(); ++i)
        runs += gone.at(i) != gone.at(i - 1) + 1;
    if (runs <= 16) {
        // A few gaps: remove each run from the back, so rows ahead keep their numbers.
        int last = int(gone.size()) - 1;
        while (last >= 0) {
            int first = last;
            while (first > 0 && gone.at(first - 1) == gone.at(first) - 1)
                --first;
            beginRemoveRows({}, gone.at(first), gone.at(last));
            m_slotOfRow.remove(gone.at(first), last - first + 1);
            endRemoveRows();
            last = first - 1;
        }
    } else {
        // Rows scattered through the list (a profile's rows in name order): gather them at the
        // end in one layout change and remove them with one signal.
        QSet<int> goneSlots;
        for (int row : std::as_const(gone))
            goneSlots.insert(m_slotOfRow.at(row));
        relayout([this, &goneSlots] {
            std::stable_partition(m_slotOfRow.begin(), m_slotOfRow.end(),
                                  [&goneSlots](int slot) { return !goneSlots.contains(slot); });
        });
        const int keep = int(m_slotOfRow.size() - gone.size());
        beginRemoveRows({}, keep, int(m_slotOfRow.size()) - 1);
        m_slotOfRow.resize(keep);
        endRemoveRows();
    }
    compactSlots();
}

void ConnectorTableModel::compactSlots()
{
    // Drop the rows no model row shows any more and renumber the slots (arrival order kept).
    QList<int> newSlot(slotCount(), -1);
    for (int slot : std::as_const(m_slotOfRow))
        newSlot[slot] = 0;
    std::deque<Row> kept;
    QList<quint8> keptMatches;
    keptMatches.reserve(m_slotOfRow.size());
    for (int slot = 0; slot < slotCount(); ++slot) {
        if (newSlot.at(slot) < 0)
            continue;
        newSlot[slot] = int(kept.size());
        kept.push_back(std::move(m_rows[size_t(slot)]));
        keptMatches.append(m_matches.at(slot));
    }
    m_rows = std::move(kept);
    m_matches = std::move(keptMatches);
    for (int& slot : m_slotOfRow)
        slot = newSlot.at(slot);
    rebuildRowOfSlot();
    // Renumber the index in place: no key is rebuilt or rehashed.
    for (auto ids = m_index.begin(); ids != m_index.end();) {
        for (auto it = ids->begin(); it != ids->end();) {
            const int slot = newSlot.at(it.value());
            if (slot < 0) {
                it = ids->erase(it);
            } else {
                it.value() = slot;
                ++it;
            }
        }
        ids = ids->isEmpty() ? m_index.erase(ids) : std::next(ids);
    }
}

void ConnectorTableModel::removeProfile(const QString& profile)
{
    removeMissing(profile, {});
}

void ConnectorTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_matches.clear();
    m_slotOfRow.clear();
    m_rowOfSlot.clear();
    m_index.clear();
    endResetModel();
}

void ConnectorTableModel::setFleetNewestVersion(const QString& profile, const QString& version)
{
    if (m_fleetNewest.value(profile) == version)
        return;
    m_fleetNewest.insert(profile, version);
    if (!m_slotOfRow.isEmpty())
        emit dataChanged(index(0, StatusColumn), index(int(m_slotOfRow.size()) - 1, StatusColumn));
}

bool ConnectorTableModel::isBehindFleet(const Connector& c) const
{
    if (c.vendor != Vendor::Timbal || c.version.isEmpty())
        return false;
    const QString newest = m_fleetNewest.value(c.profileName);
    const auto order = newest.isEmpty() ? std::nullopt : Semver::compare(c.version, newest);
    return order.has_value() && *order < 0;
}

void ConnectorTableModel::setModified(const QString& profile, const QString& id, bool modified)
{
    const int row = rowOf(profile, id);
    if (row < 0 || rowAt(row).modified == modified)
        return;
    m_rows[size_t(m_slotOfRow.at(row))].modified = modified;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

} // namespace ca
