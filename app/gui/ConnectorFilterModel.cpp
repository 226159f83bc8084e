#include "ConnectorFilterModel.h"

#include "ConnectorTableModel.h"

namespace ca {

ConnectorFilterModel::ConnectorFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {}

void ConnectorFilterModel::setSourceModel(QAbstractItemModel* model)
{
    m_connectors = qobject_cast<ConnectorTableModel*>(model);
    Q_ASSERT(m_connectors);
    refilter(); // the model takes this proxy's search
    QSortFilterProxyModel::setSourceModel(model);
}

void ConnectorFilterModel::sort(int column, Qt::SortOrder order)
{
    // Not QSortFilterProxyModel::sort: the proxy stays unsorted (sortColumn() -1) and shows
    // the source's order.
    if (m_connectors)
        m_connectors->sort(column, order);
}

void ConnectorFilterModel::refilter()
{
    if (m_connectors)
        m_connectors->setSearch(ConnectorTableModel::Search{
            m_text.split(QLatin1Char(' '), Qt::SkipEmptyParts), m_vendor, m_profile});
    // invalidateRowsFilter() diffs old and new rows and signals every gap separately, a signal
    // per gap on a large list. Rebuilding the mapping in one layout change is one pass of flag
    // lookups (no sort: the source is in order).
    invalidate();
}

void ConnectorFilterModel::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
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
    return m_connectors->rowMatches(sourceRow);
}

} // namespace ca
