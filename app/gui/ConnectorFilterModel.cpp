#include "ConnectorFilterModel.h"

#include "ConnectorTableModel.h"

namespace ca {

ConnectorFilterModel::ConnectorFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(false);  // locale-aware compare is several times slower on big lists
}

void ConnectorFilterModel::setSourceModel(QAbstractItemModel* model)
{
    m_connectors = qobject_cast<ConnectorTableModel*>(model);
    Q_ASSERT(m_connectors);
    QSortFilterProxyModel::setSourceModel(model);
}

void ConnectorFilterModel::setFilterText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_terms = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateRowsFilter();
}

void ConnectorFilterModel::setVendorFilter(const QString& vendorId)
{
    if (vendorId == m_vendor)
        return;
    m_vendor = vendorId;
    invalidateRowsFilter();
}

void ConnectorFilterModel::setProfileFilter(const QString& profile)
{
    if (profile == m_profile)
        return;
    m_profile = profile;
    invalidateRowsFilter();
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
    const Connector& a = m_connectors->connector(left.row());
    const Connector& b = m_connectors->connector(right.row());
    switch (left.column()) {
    case ConnectorTableModel::IdColumn: {
        // Numeric ids (Databar, AI Squared) sort as numbers.
        bool okA = false, okB = false;
        const qlonglong na = a.id.toLongLong(&okA), nb = b.id.toLongLong(&okB);
        if (okA && okB)
            return na < nb;
        return a.id < b.id;
    }
    case ConnectorTableModel::UpdatedColumn:
        return a.updatedAt < b.updatedAt;   // ISO 8601 sorts as text
    default:
        return QSortFilterProxyModel::lessThan(left, right);
    }
}

} // namespace ca
