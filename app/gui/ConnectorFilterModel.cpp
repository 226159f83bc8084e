#include "ConnectorFilterModel.h"

#include "ConnectorTableModel.h"

namespace ca {

ConnectorFilterModel::ConnectorFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(false); // locale-aware compare is several times slower on big lists
}

void ConnectorFilterModel::setSourceModel(QAbstractItemModel* model)
{
    m_connectors = qobject_cast<ConnectorTableModel*>(model);
    Q_ASSERT(m_connectors);
    QSortFilterProxyModel::setSourceModel(model);
    // A sorted proxy places inserted rows one at a time (a vector insert each: O(rows × batch)),
    // which froze the window for a second when a 20,000-connector page arrived. Large batches are
    // appended unsorted instead and the whole list is sorted once (O(n log n)).
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this,
            [this](const QModelIndex&, int first, int last) {
                if (last - first + 1 >= kBulkInsertRows && dynamicSortFilter()) {
                    m_bulkInsert = true;
                    setDynamicSortFilter(false);
                }
            });
    connect(model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_bulkInsert)
            return;
        m_bulkInsert = false;
        setDynamicSortFilter(true); // re-sorts everything once
    });
}

void ConnectorFilterModel::refilter()
{
    // invalidateRowsFilter() diffs old and new rows and signals every gap separately: narrowing
    // 60,000 rows to 51,000 took most of a second. Rebuilding the mapping in one layout change
    // costs a filter pass and a sort of what is left.
    invalidate();
}

void ConnectorFilterModel::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_terms = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    refilter();
}

void ConnectorFilterModel::setVendorFilter(const QString& vendorId)
{
    if (vendorId == m_vendor)
        return;
    m_vendor = vendorId;
    refilter();
}

void ConnectorFilterModel::setProfileFilter(const QString& profile)
{
    if (profile == m_profile)
        return;
    m_profile = profile;
    refilter();
}

bool ConnectorFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const Connector& c = m_connectors->connector(sourceRow);
    if (!m_vendor.isEmpty() && vendorId(c.vendor) != m_vendor)
        return false;
    if (!m_profile.isEmpty() && c.profileName != m_profile)
        return false;
    const QString& haystack = m_connectors->searchText(sourceRow);
    for (const QString& term : m_terms) {
        if (!haystack.contains(term))
            return false;
    }
    return true;
}

bool ConnectorFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    // Straight from the rows, no QVariant: sorting 100,000 connectors stays well under a frame per
    // thousand comparisons.
    const Connector& a = m_connectors->connector(left.row());
    const Connector& b = m_connectors->connector(right.row());
    auto text = [](const QString& x, const QString& y) {
        return x.compare(y, Qt::CaseInsensitive) < 0;
    };
    switch (left.column()) {
    case ConnectorTableModel::VendorColumn:
        return text(vendorDisplayName(a.vendor), vendorDisplayName(b.vendor));
    case ConnectorTableModel::ProfileColumn:
        return text(a.profileName, b.profileName);
    case ConnectorTableModel::NameColumn:
        return m_connectors->nameKey(left.row()) < m_connectors->nameKey(right.row());
    case ConnectorTableModel::TypeColumn:
        return text(a.type, b.type);
    case ConnectorTableModel::StatusColumn:
        return text(ConnectorTableModel::statusText(a), ConnectorTableModel::statusText(b));
    case ConnectorTableModel::IdColumn: {
        // Numeric ids (Databar, AI Squared) sort as numbers.
        bool okA = false, okB = false;
        const qlonglong na = a.id.toLongLong(&okA), nb = b.id.toLongLong(&okB);
        if (okA && okB)
            return na < nb;
        return a.id < b.id;
    }
    case ConnectorTableModel::UpdatedColumn:
        return a.updatedAt < b.updatedAt; // ISO 8601 sorts as text
    }
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace ca
