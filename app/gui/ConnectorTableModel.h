#pragma once

#include "Connector.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QSet>

namespace ca {

// All connectors of all profiles, one row each. Pages are merged in as they arrive (upsert by
// profile + id), so a refresh updates rows in place instead of clearing the list.
class ConnectorTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        VendorColumn,
        ProfileColumn,
        NameColumn,
        TypeColumn,
        IdColumn,
        StatusColumn,
        UpdatedColumn,
        ColumnCount
    };
    enum Role
    {
        VendorIdRole = Qt::UserRole + 1,
        ProfileRole,
        ConnectorIdRole,
        ModifiedRole
    };

    explicit ConnectorTableModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Adds or replaces these connectors (all of one profile).
    void upsert(const QString& profile, const QList<Connector>& connectors);
    // After a full reload of `profile`: drops its rows whose id is not in `seen`.
    void removeMissing(const QString& profile, const QSet<QString>& seen);
    void removeProfile(const QString& profile);
    void clear();

    const Connector& connector(int row) const { return m_rows.at(row).connector; }
    // Lower-case "name id type vendor profile" of a row: what the filter searches.
    const QString& searchText(int row) const { return m_rows.at(row).searchText; }
    // Lower-case display name: the name column sorts on it without case folding per comparison.
    const QString& nameKey(int row) const { return m_rows.at(row).nameKey; }
    int rowOf(const QString& profile, const QString& id) const
    {
        return m_index.value(key(profile, id), -1);
    }

    // Unsaved edits: the row is marked (bold name, "•") until cleared.
    void setModified(const QString& profile, const QString& id, bool modified);
    bool isModified(int row) const { return m_rows.at(row).modified; }

    // The newest Timbal release of a profile: connectors below it show "update available".
    void setLatestVersion(const QString& profile, const QString& version);
    bool isOutdated(const Connector& c) const;

    static QIcon vendorIcon(Vendor v);
    static QString statusText(const Connector& c);

private:
    struct Row
    {
        Connector connector;
        QString searchText;
        QString nameKey;
        bool modified = false;
    };
    static QString key(const QString& profile, const QString& id)
    {
        return profile + QChar(u'\x1f') + id;
    }
    static QString makeSearchText(const Connector& c);
    static void computeKeys(Row& row);
    void rebuildIndex();

    QList<Row> m_rows;
    QHash<QString, int> m_index;
    QHash<QString, QString> m_latest; // profile -> newest release
};

} // namespace ca
