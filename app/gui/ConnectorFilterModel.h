#pragma once

#include <QSet>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace ca {

class ConnectorTableModel;

// Filter-as-you-type over name, id, type, vendor and profile (every word must match), plus
// vendor and profile choices. Reads the source rows directly: no QVariant per row and keystroke,
// so 100,000 connectors filter within a frame.
class ConnectorFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ConnectorFilterModel(QObject* parent = nullptr);
    void setSourceModel(QAbstractItemModel* model) override;

    void setFilterText(const QString& text);
    void setVendorFilter(const QString& vendorId); // empty: all vendors
    void setProfileFilter(const QString& profile); // empty: all profiles
    QString filterText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void refilter();
    static constexpr int kBulkInsertRows = 500;
    ConnectorTableModel* m_connectors = nullptr;
    bool m_bulkInsert = false;
    QString m_text;
    QStringList m_terms;
    QString m_vendor;
    QString m_profile;
};

} // namespace ca
