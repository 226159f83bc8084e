#include "ConnectorTableModel.h"

#include "Semver.h"

#include <QDateTime>
#include <QFont>
#include <QLocale>

namespace ca {

ConnectorTableModel::ConnectorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

int ConnectorTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
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
        QString s = c.version.isEmpty() ? tr("unknown version") : c.version;
        if (!c.pendingVersion.isEmpty())
            s += tr(" → %1 pending").arg(c.pendingVersion);
        if (c.online.has_value())
            s += *c.online ? tr(" · online") : tr(" · offline");
        return s;
    }
    return c.version;
}

QString ConnectorTableModel::makeSearchText(const Connector& c)
{
    return (c.displayName + QLatin1Char(' ') + c.id + QLatin1Char(' ') + c.type + QLatin1Char(' ') +
            vendorId(c.vendor) + QLatin1Char(' ') + vendorDisplayName(c.vendor) + QLatin1Char(' ') +
            c.profileName)
        .toLower();
}

void ConnectorTableModel::computeKeys(Row& row)
{
    row.searchText = makeSearchText(row.connector);
    row.nameKey = row.connector.displayName.toLower();
}

QVariant ConnectorTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& row = m_rows.at(index.row());
    const Connector& c = row.connector;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
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
            return isOutdated(c)
                       ? tr("%1 · %2 available").arg(statusText(c), m_latest.value(c.profileName))
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

void ConnectorTableModel::upsert(const QString& profile, const QList<Connector>& connectors)
{
    QList<Row> added;
    for (const Connector& c : connectors) {
        const int row = m_index.value(key(profile, c.id), -1);
        if (row >= 0) {
            Row& r = m_rows[row];
            r.connector = c;
            r.connector.profileName = profile;
            computeKeys(r);
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        } else {
            Row r{c, {}, {}, false};
            r.connector.profileName = profile;
            computeKeys(r);
            added.append(std::move(r));
        }
    }
    if (added.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    for (Row& r : added) {
        m_index.insert(key(profile, r.connector.id), int(m_rows.size()));
        m_rows.append(std::move(r));
    }
    endInsertRows();
}

void ConnectorTableModel::removeMissing(const QString& profile, const QSet<QString>& seen)
{
    // Remove from the back in contiguous runs so row numbers ahead stay valid.
    int row = int(m_rows.size()) - 1;
    bool removed = false;
    while (row >= 0) {
        auto gone = [&](int r) {
            const Connector& c = m_rows.at(r).connector;
            return c.profileName == profile && !seen.contains(c.id);
        };
        if (!gone(row)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && gone(first - 1))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        removed = true;
        row = first - 1;
    }
    if (removed)
        rebuildIndex();
}

void ConnectorTableModel::removeProfile(const QString& profile)
{
    removeMissing(profile, {});
}

void ConnectorTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
}

void ConnectorTableModel::setLatestVersion(const QString& profile, const QString& version)
{
    if (m_latest.value(profile) == version)
        return;
    m_latest.insert(profile, version);
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, StatusColumn), index(int(m_rows.size()) - 1, StatusColumn));
}

bool ConnectorTableModel::isOutdated(const Connector& c) const
{
    if (c.vendor != Vendor::Timbal || c.version.isEmpty())
        return false;
    const QString latest = m_latest.value(c.profileName);
    const auto order = latest.isEmpty() ? std::nullopt : Semver::compare(c.version, latest);
    return order.has_value() && *order < 0;
}

void ConnectorTableModel::setModified(const QString& profile, const QString& id, bool modified)
{
    const int row = rowOf(profile, id);
    if (row < 0 || m_rows[row].modified == modified)
        return;
    m_rows[row].modified = modified;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void ConnectorTableModel::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_index.insert(key(m_rows.at(i).connector.profileName, m_rows.at(i).connector.id), i);
}

} // namespace ca
