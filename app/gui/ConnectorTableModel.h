#pragma once

#include "Connector.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QIcon>
#include <QSet>

#include <deque>
#include <optional>

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

    const Connector& connector(int row) const { return rowAt(row).connector; }

    // The search of the window's filter: every term (lower case) must occur in a row's "name id
    // type vendor profile", and vendor and profile must match when set. The model answers it per
    // row from flags it keeps up to date as rows arrive, so a keystroke scans the rows once in
    // memory order (and only the rows that can change when the search narrows or widens), and
    // the filter proxy's own pass is a flag lookup per row.
    struct Search
    {
        QStringList terms;
        QString vendorId; // empty: any
        QString profile;  // empty: any
    };
    void setSearch(const Search& search);
    bool rowMatches(int row) const { return m_matches.at(m_slotOfRow.at(row)) != 0; }
    int rowOf(const QString& profile, const QString& id) const
    {
        const auto ids = m_index.constFind(profile);
        const int slot = ids == m_index.cend() ? -1 : ids->value(id, -1);
        return slot < 0 ? -1 : m_rowOfSlot.at(slot);
    }

    // The model keeps its rows in the order of the sorted column (-1: arrival order), so a view's
    // filter proxy never sorts: filtering 100,000 rows is one pass, and a page of new rows is
    // merged into place (sort the page, merge, one layout change) instead of placed row by row.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // Unsaved edits: the row is marked (bold name, "•") until cleared.
    void setModified(const QString& profile, const QString& id, bool modified);
    bool isModified(int row) const { return rowAt(row).modified; }

    // The newest version any Timbal connector of a profile reports: connectors below it say so,
    // as a hint only (Timbal publishes no release list; its latest may be newer still).
    void setFleetNewestVersion(const QString& profile, const QString& version);
    QString fleetNewestVersion(const QString& profile) const
    {
        return m_fleetNewest.value(profile);
    }
    bool isBehindFleet(const Connector& c) const;

    static QIcon vendorIcon(Vendor v);
    static QString statusText(const Connector& c);
    // What Timbal's connected and online flags mean (tooltips of the list and the form).
    static QString timbalConnectedHelp();
    static QString timbalOnlineHelp();
    // `yes` / `no` for a flag the vendor sent, "unknown" when it sent none.
    static QString flagText(const std::optional<bool>& flag, const QString& yes, const QString& no);
    // "0.1.4 is the newest version in this fleet …" for a connector below it.
    static QString fleetHint(const QString& newest);

private:
    struct Row
    {
        Connector connector;
        QByteArray searchText;
        QString nameKey;   // lower-case name: the name column compares without case folding
        QString statusKey; // lower-case status text
        qlonglong numericId = 0;
        bool idIsNumber = false; // Databar and AI Squared ids sort as numbers
        bool modified = false;
    };
    static QByteArray makeSearchText(const Connector& c);
    bool matches(const Row& row) const;
    static void computeKeys(Row& row);
    const Row& rowAt(int row) const { return m_rows[size_t(m_slotOfRow.at(row))]; }
    int slotCount() const { return int(m_rows.size()); }
    // Three-way comparison of two rows on the sort column, ascending.
    int compareRows(const Row& x, const Row& y) const;
    bool slotLess(int a, int b) const;
    // Reorders m_slotOfRow inside one layout change, keeping persistent indexes on their rows.
    template <typename Reorder> void relayout(Reorder reorder);
    void rebuildRowOfSlot();
    void compactSlots();

    // Rows are stored in arrival order ("slots") and shown through a permutation, so sorting and
    // merging move ints, and the id index (slot numbers) survives every reorder.
    // A deque: growing never moves the rows already there (a QList would reallocate and move
    // every row again and again while a large list loads).
    std::deque<Row> m_rows; // by slot
    QList<int> m_slotOfRow; // model row -> slot
    QList<int> m_rowOfSlot; // slot -> model row
    // profile -> id -> slot: one small table per profile, so no key is built per lookup and a
    // growing table rehashes one profile's ids, not everyone's.
    QHash<QString, QHash<QString, int>> m_index;
    QHash<QString, QString> m_fleetNewest; // profile -> newest version its connectors report
    QList<quint8> m_matches;               // by slot: 1 if the row matches the search
    Search m_search;
    QList<QByteArray> m_terms; // m_search.terms in UTF-8: rows are searched as bytes
    std::optional<Vendor> m_searchVendor;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace ca
