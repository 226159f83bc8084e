#include "ConnectorFilterModel.h"
#include "ConnectorTableModel.h"

#include <QtTest>

Q_DECLARE_METATYPE(std::optional<bool>)

using namespace ca;

// The list's model and filter, without a window.
class TestConnectorList : public QObject
{
    Q_OBJECT

    static Connector make(Vendor v, const QString& id, const QString& name,
                          const QString& type = {})
    {
        Connector c;
        c.vendor = v;
        c.id = id;
        c.displayName = name;
        c.type = type;
        return c;
    }

private slots:
    void upsertReplacesInPlaceAndAppendsNew()
    {
        ConnectorTableModel model;
        model.upsert(QStringLiteral("p"),
                     {make(Vendor::Databar, QStringLiteral("1"), QStringLiteral("One")),
                      make(Vendor::Databar, QStringLiteral("2"), QStringLiteral("Two"))});
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.upsert(QStringLiteral("p"),
                     {make(Vendor::Databar, QStringLiteral("2"), QStringLiteral("Two v2")),
                      make(Vendor::Databar, QStringLiteral("3"), QStringLiteral("Three"))});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.connector(1).displayName, QStringLiteral("Two v2"));
        QCOMPARE(model.connector(1).profileName, QStringLiteral("p"));
    }

    void sameIdInTwoProfilesAreTwoRows()
    {
        ConnectorTableModel model;
        model.upsert(QStringLiteral("a"),
                     {make(Vendor::Databar, QStringLiteral("1"), QStringLiteral("x"))});
        model.upsert(QStringLiteral("b"),
                     {make(Vendor::Databar, QStringLiteral("1"), QStringLiteral("x"))});
        QCOMPARE(model.rowCount(), 2);
    }

    void removeMissingDropsOnlyThatProfilesUnseenRows()
    {
        ConnectorTableModel model;
        QList<Connector> page;
        for (int i = 0; i < 10; ++i)
            page.append(make(Vendor::Databar, QString::number(i), QStringLiteral("c%1").arg(i)));
        model.upsert(QStringLiteral("a"), page);
        model.upsert(QStringLiteral("b"), page);
        model.removeMissing(QStringLiteral("a"),
                            {QStringLiteral("0"), QStringLiteral("5"), QStringLiteral("9")});
        QCOMPARE(model.rowCount(), 13);
        QCOMPARE(model.rowOf(QStringLiteral("a"), QStringLiteral("5")) >= 0, true);
        QCOMPARE(model.rowOf(QStringLiteral("a"), QStringLiteral("4")), -1);
        // The index still points at the right rows after removal.
        for (int row = 0; row < model.rowCount(); ++row) {
            const Connector& c = model.connector(row);
            QCOMPARE(model.rowOf(c.profileName, c.id), row);
        }
    }

    void filterMatchesEveryWordAcrossFields_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QStringList>("expectedIds");
        QTest::newRow("all") << ""
                             << ""
                             << "" << QStringList{"1001", "con_1", "7", "x-1"};
        QTest::newRow("name, any case") << "sales"
                                        << ""
                                        << "" << QStringList{"1001", "con_1"};
        QTest::newRow("two words") << "sales timbal"
                                   << ""
                                   << "" << QStringList{"con_1"};
        QTest::newRow("id") << "1001"
                            << ""
                            << "" << QStringList{"1001"};
        QTest::newRow("type") << "postgres"
                              << ""
                              << "" << QStringList{"7"};
        QTest::newRow("vendor display name") << "ai squared"
                                             << ""
                                             << "" << QStringList{"7"};
        QTest::newRow("vendor filter") << ""
                                       << "databar"
                                       << "" << QStringList{"1001"};
        QTest::newRow("profile filter") << ""
                                        << ""
                                        << "prod" << QStringList{"1001", "7"};
        QTest::newRow("nothing") << "zzz"
                                 << ""
                                 << "" << QStringList{};
    }
    void filterMatchesEveryWordAcrossFields()
    {
        QFETCH(QString, text);
        QFETCH(QString, vendor);
        QFETCH(QString, profile);
        QFETCH(QStringList, expectedIds);
        ConnectorTableModel model;
        model.upsert(QStringLiteral("prod"),
                     {make(Vendor::Databar, QStringLiteral("1001"), QStringLiteral("Sales Leads"),
                           QStringLiteral("enrichment")),
                      make(Vendor::AiSquared, QStringLiteral("7"), QStringLiteral("Warehouse"),
                           QStringLiteral("Postgresql"))});
        model.upsert(QStringLiteral("dev"),
                     {make(Vendor::Timbal, QStringLiteral("con_1"), QStringLiteral("Sales Agent")),
                      make(Vendor::Bigdata, QStringLiteral("x-1"), QStringLiteral("Inbox"),
                           QStringLiteral("email"))});
        ConnectorFilterModel filter;
        filter.setSourceModel(&model);
        filter.setFilterText(text);
        filter.setVendorFilter(vendor);
        filter.setProfileFilter(profile);
        QStringList ids;
        for (int r = 0; r < filter.rowCount(); ++r)
            ids.append(filter.index(r, ConnectorTableModel::IdColumn).data().toString());
        ids.sort();
        expectedIds.sort();
        QCOMPARE(ids, expectedIds);
    }

    void numericIdsSortAsNumbers()
    {
        ConnectorTableModel model;
        model.upsert(QStringLiteral("p"),
                     {make(Vendor::Databar, QStringLiteral("1010"), QStringLiteral("a")),
                      make(Vendor::Databar, QStringLiteral("999"), QStringLiteral("b")),
                      make(Vendor::Databar, QStringLiteral("1002"), QStringLiteral("c"))});
        ConnectorFilterModel filter;
        filter.setSourceModel(&model);
        filter.sort(ConnectorTableModel::IdColumn, Qt::AscendingOrder);
        QCOMPARE(filter.index(0, ConnectorTableModel::IdColumn).data().toString(),
                 QStringLiteral("999"));
        QCOMPARE(filter.index(2, ConnectorTableModel::IdColumn).data().toString(),
                 QStringLiteral("1010"));
    }

    static QStringList names(const QAbstractItemModel& m)
    {
        QStringList out;
        for (int r = 0; r < m.rowCount(); ++r)
            out << m.index(r, ConnectorTableModel::NameColumn).data().toString();
        return out;
    }

    // Every model row is found again by profile + id (the index survives reorders).
    static void verifyIndex(const ConnectorTableModel& model)
    {
        for (int row = 0; row < model.rowCount(); ++row) {
            const Connector& c = model.connector(row);
            QCOMPARE(model.rowOf(c.profileName, c.id), row);
        }
    }

    void newPagesMergeIntoTheSortedOrder()
    {
        ConnectorTableModel model;
        ConnectorFilterModel filter;
        filter.setSourceModel(&model);
        filter.sort(ConnectorTableModel::NameColumn, Qt::AscendingOrder);
        QCOMPARE(filter.sortColumn(), -1); // the proxy itself never sorts
        model.upsert(QStringLiteral("a"),
                     {make(Vendor::B3os, QStringLiteral("1"), QStringLiteral("delta")),
                      make(Vendor::B3os, QStringLiteral("2"), QStringLiteral("Bravo"))});
        model.upsert(QStringLiteral("b"),
                     {make(Vendor::B3os, QStringLiteral("1"), QStringLiteral("charlie")),
                      make(Vendor::B3os, QStringLiteral("2"), QStringLiteral("alpha")),
                      make(Vendor::B3os, QStringLiteral("3"), QStringLiteral("Echo"))});
        const QStringList sorted{QStringLiteral("alpha"), QStringLiteral("Bravo"),
                                 QStringLiteral("charlie"), QStringLiteral("delta"),
                                 QStringLiteral("Echo")};
        QCOMPARE(names(model), sorted);
        QCOMPARE(names(filter), sorted);
        verifyIndex(model);

        filter.sort(ConnectorTableModel::NameColumn, Qt::DescendingOrder);
        QStringList reversed = sorted;
        std::reverse(reversed.begin(), reversed.end());
        QCOMPARE(names(filter), reversed);
        verifyIndex(model);
    }

    void renamedRowMovesToItsPlace()
    {
        ConnectorTableModel model;
        model.sort(ConnectorTableModel::NameColumn, Qt::AscendingOrder);
        model.upsert(QStringLiteral("p"),
                     {make(Vendor::Databar, QStringLiteral("1"), QStringLiteral("a")),
                      make(Vendor::Databar, QStringLiteral("2"), QStringLiteral("b")),
                      make(Vendor::Databar, QStringLiteral("3"), QStringLiteral("c"))});
        model.setModified(QStringLiteral("p"), QStringLiteral("1"), true);
        model.upsert(QStringLiteral("p"),
                     {make(Vendor::Databar, QStringLiteral("1"), QStringLiteral("z"))});
        QCOMPARE(names(model),
                 (QStringList{QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("• z")}));
        QVERIFY(model.isModified(2)); // the unsaved-edit mark travels with its row
        verifyIndex(model);
    }

    void selectionFollowsItsConnectorThroughSortsAndLoads()
    {
        ConnectorTableModel model;
        ConnectorFilterModel filter;
        filter.setSourceModel(&model);
        filter.sort(ConnectorTableModel::NameColumn, Qt::AscendingOrder);
        QList<Connector> page;
        for (int i = 0; i < 50; ++i)
            page.append(make(Vendor::Databar, QString::number(i), QStringLiteral("n%1").arg(i)));
        model.upsert(QStringLiteral("p"), page);
        QPersistentModelIndex selected =
            filter.mapFromSource(model.index(model.rowOf(QStringLiteral("p"), QStringLiteral("7")),
                                             ConnectorTableModel::NameColumn));
        QVERIFY(selected.isValid());
        auto idAt = [&](const QModelIndex& i) {
            return i.siblingAtColumn(ConnectorTableModel::IdColumn).data().toString();
        };
        QCOMPARE(idAt(selected), QStringLiteral("7"));
        filter.sort(ConnectorTableModel::IdColumn, Qt::DescendingOrder);
        QCOMPARE(idAt(selected), QStringLiteral("7"));
        QList<Connector> more;
        for (int i = 50; i < 3000; ++i)
            more.append(make(Vendor::Databar, QString::number(i), QStringLiteral("n%1").arg(i)));
        model.upsert(QStringLiteral("q"), more); // merged in with one layout change
        QCOMPARE(idAt(selected), QStringLiteral("7"));
        QCOMPARE(selected.data(ConnectorTableModel::ProfileRole).toString(), QStringLiteral("p"));
        model.removeProfile(QStringLiteral("q")); // scattered rows, removed at once
        QCOMPARE(idAt(selected), QStringLiteral("7"));
        QCOMPARE(model.rowCount(), 50);
        verifyIndex(model);
    }

    void scatteredRemovalKeepsTheRestInOrder()
    {
        ConnectorTableModel model;
        model.sort(ConnectorTableModel::NameColumn, Qt::AscendingOrder);
        QList<Connector> a, b;
        for (int i = 0; i < 40; ++i) {
            (i % 2 ? a : b)
                .append(make(Vendor::B3os, QString::number(i),
                             QStringLiteral("n%1").arg(i, 2, 10, QChar(u'0'))));
        }
        model.upsert(QStringLiteral("a"), a);
        model.upsert(QStringLiteral("b"), b);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.removeProfile(QStringLiteral("a"));
        QCOMPARE(removed.count(), 1); // 20 gaps, one signal
        QStringList expected;
        for (int i = 0; i < 40; i += 2)
            expected << QStringLiteral("n%1").arg(i, 2, 10, QChar(u'0'));
        QCOMPARE(names(model), expected);
        verifyIndex(model);
    }

    void filterKeepsTheSortedOrder()
    {
        ConnectorTableModel model;
        ConnectorFilterModel filter;
        filter.setSourceModel(&model);
        filter.sort(ConnectorTableModel::NameColumn, Qt::AscendingOrder);
        model.upsert(QStringLiteral("p"),
                     {make(Vendor::B3os, QStringLiteral("1"), QStringLiteral("sales west")),
                      make(Vendor::B3os, QStringLiteral("2"), QStringLiteral("billing")),
                      make(Vendor::B3os, QStringLiteral("3"), QStringLiteral("sales east"))});
        filter.setFilterText(QStringLiteral("SALES"));
        QCOMPARE(names(filter),
                 (QStringList{QStringLiteral("sales east"), QStringLiteral("sales west")}));
        filter.setFilterText(QString());
        QCOMPARE(filter.rowCount(), 3);
    }

    void modifiedRowsAreMarked()
    {
        ConnectorTableModel model;
        model.upsert(QStringLiteral("p"),
                     {make(Vendor::Databar, QStringLiteral("1"), QStringLiteral("One"))});
        model.setModified(QStringLiteral("p"), QStringLiteral("1"), true);
        QCOMPARE(model.index(0, ConnectorTableModel::NameColumn).data().toString(),
                 QStringLiteral("• One"));
        QVERIFY(model.index(0, 0).data(ConnectorTableModel::ModifiedRole).toBool());
        model.setModified(QStringLiteral("p"), QStringLiteral("1"), false);
        QCOMPARE(model.index(0, ConnectorTableModel::NameColumn).data().toString(),
                 QStringLiteral("One"));
    }

    void timbalStatusSaysConnectedAndOnline_data()
    {
        // ConnectorView has both flags (timbal openapi.json); the list shows both.
        QTest::addColumn<std::optional<bool>>("connected");
        QTest::addColumn<std::optional<bool>>("online");
        QTest::addColumn<QString>("text");
        QTest::newRow("both") << std::optional(true) << std::optional(true)
                              << "0.1.2 · connected · online";
        QTest::newRow("connected only")
            << std::optional(true) << std::optional(false) << "0.1.2 · connected · not online";
        QTest::newRow("neither") << std::optional(false) << std::optional(false)
                                 << "0.1.2 · offline";
        QTest::newRow("online only")
            << std::optional(false) << std::optional(true) << "0.1.2 · online · not connected";
        QTest::newRow("unknown") << std::optional<bool>() << std::optional<bool>() << "0.1.2";
    }
    void timbalStatusSaysConnectedAndOnline()
    {
        QFETCH(std::optional<bool>, connected);
        QFETCH(std::optional<bool>, online);
        QFETCH(QString, text);
        Connector c = make(Vendor::Timbal, QStringLiteral("con_1"), QStringLiteral("a"));
        c.version = QStringLiteral("0.1.2");
        c.connected = connected;
        c.online = online;
        QCOMPARE(ConnectorTableModel::statusText(c), text);
    }

    void timbalStatusExplainsFlagsAndFleetHint()
    {
        ConnectorTableModel model;
        Connector c = make(Vendor::Timbal, QStringLiteral("con_1"), QStringLiteral("a"));
        c.profileName = QStringLiteral("p");
        c.version = QStringLiteral("0.1.2");
        c.connected = true;
        c.online = true;
        model.upsert(QStringLiteral("p"), {c});
        const QModelIndex status = model.index(0, ConnectorTableModel::StatusColumn);
        QVERIFY(status.data(Qt::ToolTipRole).toString().contains(QLatin1String("Connected:")));
        QVERIFY(status.data(Qt::ToolTipRole).toString().contains(QLatin1String("Online:")));
        model.setFleetNewestVersion(QStringLiteral("p"), QStringLiteral("0.1.4"));
        // A hint, never "update available": Timbal publishes no release list.
        QCOMPARE(status.data().toString(),
                 QStringLiteral("0.1.2 · connected · online · fleet has 0.1.4"));
        QVERIFY(status.data(Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("0.1.4 is the newest version in this fleet")));
        model.setFleetNewestVersion(QStringLiteral("p"), QStringLiteral("0.1.2"));
        QCOMPARE(status.data().toString(), QStringLiteral("0.1.2 · connected · online"));
    }
};

QTEST_MAIN(TestConnectorList)
#include "tst_connector_list.moc"
