#pragma once

#include <QSet>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace ca {

class ConnectorTableModel;

// Filter-as-you-type over name, id, type, vendor and profile (every word must match), plus
// vendor and profile choices. Reads the source rows directly: no QVariant per row and keystroke.
// Sorting is the source model's: it keeps its rows in order, so this proxy never sorts and a
// keystroke over 100,000 connectors is one filter pass (a sorting proxy re-sorted every survivor).
class ConnectorFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ConnectorFilterModel(QObject* parent = nullptr);
    void setSourceModel(QAbstractItemModel* model) override;

    void setFilterText(const QString& text);
    void setVendorFilter(const QString& vendorId); // empty: all vendors
    void setProfileFilter(const QString& profile); // empty: all profiles
    // Sorts the connector list itself (the view's header calls this).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    void refilter();
    ConnectorTableModel* m_connectors = nullptr;
    QString m_text;
    QString m_vendor;
    QString m_profile;
};

} // namespace ca
