#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorTableModel.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "SandboxProcess.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

using namespace ca;

// The real main window against a real connector-sandbox process, offscreen.
class TestMainWindow : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("30")}};
    QTemporaryDir m_dir;
    std::unique_ptr<ProfileStore> m_profiles;
    MemoryKeyStore* m_backing = nullptr;
    std::unique_ptr<ApiKeys> m_keys;

    void addProfile(Vendor v, const QByteArray& key)
    {
        Profile p;
        p.name = QStringLiteral("sb-") + vendorId(v);
        p.vendor = v;
        p.baseUrl = m_sandbox.vendorUrl(vendorId(v));
        if (vendorNeedsOrg(v))
            p.orgId = QStringLiteral("demo-org");
        if (vendorNeedsWorkspace(v))
            p.workspaceId = QStringLiteral("1");
        QString error;
        QVERIFY2(m_profiles->save(p, &error), qPrintable(error));
        m_backing->store(p.name, SecretBytes(key));
    }

    static bool allSettled(MainWindow& w)
    {
        const auto statuses = w.catalog()->statuses();
        if (statuses.isEmpty())
            return false;
        for (const auto& s : statuses) {
            if (s.state == ConnectorCatalog::LoadState::Loading ||
                s.state == ConnectorCatalog::LoadState::Idle)
                return false;
        }
        return true;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
    }

    void init()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("p.conf")));
        m_profiles = std::make_unique<ProfileStore>(m_dir.filePath(QStringLiteral("p.conf")));
        auto backing = std::make_unique<MemoryKeyStore>();
        m_backing = backing.get();
        m_keys = std::make_unique<ApiKeys>(std::move(backing));
    }

    // A profiles file that is not one: kept aside, and the window says so once, without blocking.
    void aGarbageProfilesFileIsKeptAsideAndShown()
    {
        const QString ini = m_dir.filePath(QStringLiteral("garbage.conf"));
        QFile f(ini);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("\x7f"
                           "ELF\x02\x01\x00\x00 not settings\n",
                           20));
        f.close();
        ProfileStore garbage(ini);
        MainWindow w(garbage, *m_keys);
        w.show();
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox*>(QStringLiteral("fileNoticesBox"))));
        QVERIFY(box->isVisible()); // opened with open(), not exec(): the event loop goes on
        QCOMPARE(box->windowModality(), Qt::WindowModal);
        QVERIFY2(box->informativeText().contains(QStringLiteral("kept as")),
                 qPrintable(box->informativeText()));
        QVERIFY(
            !QDir(m_dir.path()).entryList({QStringLiteral("garbage.conf.corrupt-*")}).isEmpty());
    }

    void listsEveryConnectorOfEveryProfile()
    {
        for (Vendor v : allVendors())
            addProfile(v, "demo-key");
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        for (const auto& s : w.catalog()->statuses())
            QCOMPARE(int(s.state), int(ConnectorCatalog::LoadState::Loaded));
        QCOMPARE(w.connectorModel()->rowCount(), 5 * 30);
        auto* count = w.findChild<QLabel*>(QStringLiteral("countLabel"));
        QCOMPARE(count->text(), QStringLiteral("150 connector(s)"));
    }

    void filterAsYouTypeAndByVendorAndProfile()
    {
        for (Vendor v : allVendors())
            addProfile(v, "demo-key");
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        auto* filter = w.findChild<QLineEdit*>(QStringLiteral("filterEdit"));
        auto* view = w.findChild<QTableView*>(QStringLiteral("connectorView"));
        QTest::keyClicks(filter, QStringLiteral("databar"));
        QCOMPARE(view->model()->rowCount(), 30);
        filter->clear();
        QTest::keyClicks(filter, QStringLiteral("con_000007"));
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->index(0, ConnectorTableModel::VendorColumn).data().toString(),
                 QStringLiteral("Timbal"));
        filter->clear();

        auto* vendor = w.findChild<QComboBox*>(QStringLiteral("vendorFilter"));
        vendor->setCurrentIndex(vendor->findData(QStringLiteral("bigdata")));
        QCOMPARE(view->model()->rowCount(), 30);
        for (int r = 0; r < view->model()->rowCount(); ++r)
            QCOMPARE(view->model()->index(r, 0).data(ConnectorTableModel::VendorIdRole).toString(),
                     QStringLiteral("bigdata"));
        vendor->setCurrentIndex(0);
        auto* profile = w.findChild<QComboBox*>(QStringLiteral("profileFilter"));
        profile->setCurrentIndex(profile->findData(QStringLiteral("sb-b3os")));
        QCOMPARE(view->model()->rowCount(), 30);
        QCOMPARE(w.findChild<QLabel*>(QStringLiteral("countLabel"))->text(),
                 QStringLiteral("30 of 150 connector(s)"));
    }

    void aFailingProfileShowsInlineErrorAndRetryRecovers()
    {
        addProfile(Vendor::Databar, "demo-key");
        addProfile(Vendor::Bigdata, "wrong-key");
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        QCOMPARE(int(w.catalog()->status(QStringLiteral("sb-databar")).state),
                 int(ConnectorCatalog::LoadState::Loaded));
        QCOMPARE(int(w.catalog()->status(QStringLiteral("sb-bigdata")).state),
                 int(ConnectorCatalog::LoadState::Failed));
        QWidget* row = w.findChild<QWidget*>(QStringLiteral("profileStatus-sb-bigdata"));
        QVERIFY(row);
        auto* text = row->findChild<QLabel*>(QStringLiteral("statusText"));
        QVERIFY2(text->text().contains(QStringLiteral("API key rejected")),
                 qPrintable(text->text()));
        auto* retry = row->findChild<QPushButton*>(QStringLiteral("retryButton"));
        QVERIFY(retry->isVisibleTo(&w));
        QCOMPARE(w.connectorModel()->rowCount(), 30); // the good profile is unaffected

        m_backing->store(QStringLiteral("sb-bigdata"), SecretBytes("demo-key"));
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(int(w.catalog()->status(QStringLiteral("sb-bigdata")).state),
                                  int(ConnectorCatalog::LoadState::Loaded), 20000);
        QCOMPARE(w.connectorModel()->rowCount(), 60);
        QVERIFY(!retry->isVisibleTo(&w));
    }

    void selectionShowsDetailsWithSecretsMasked()
    {
        addProfile(Vendor::Databar, "demo-key");
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        auto* view = w.findChild<QTableView*>(QStringLiteral("connectorView"));
        // Find a Databar connector that has header values (they are secrets).
        int row = -1;
        for (int r = 0; r < w.connectorModel()->rowCount() && row < 0; ++r) {
            const Connector& c = w.connectorModel()->connector(r);
            if (!c.secretPaths.isEmpty())
                row = r;
        }
        QVERIFY2(row >= 0, "the seed has Databar connectors with headers");
        const Connector c = w.connectorModel()->connector(row);
        const QModelIndex proxyIndex =
            w.filterModel()->mapFromSource(w.connectorModel()->index(row, 0));
        view->setCurrentIndex(proxyIndex);
        QWidget* pane = w.findChild<QWidget*>(QStringLiteral("detailPane"));
        QTRY_VERIFY(w.findChild<QWidget*>(QStringLiteral("connectorForm")));
        QTRY_VERIFY(w.findChild<QLabel*>(QStringLiteral("detailTitle"))->text().contains(c.id));
        // Every text a person can see in the pane: no secret among them.
        QStringList shown;
        for (QLabel* l : pane->findChildren<QLabel*>())
            shown.append(l->text());
        for (QLineEdit* e : pane->findChildren<QLineEdit*>())
            if (e->echoMode() == QLineEdit::Normal)
                shown.append(e->text());
        for (QPlainTextEdit* e : pane->findChildren<QPlainTextEdit*>())
            shown.append(e->toPlainText());
        for (QTableWidget* t : pane->findChildren<QTableWidget*>())
            for (int r = 0; r < t->rowCount(); ++r)
                for (int col = 0; col < t->columnCount(); ++col)
                    if (t->item(r, col))
                        shown.append(t->item(r, col)->text());
        const QString all = shown.join(QLatin1Char('\n'));
        QVERIFY(all.contains(c.displayName));
        for (const QString& path : c.secretPaths) {
            const QString secret = jsonValueAt(c.editable, path).toString();
            if (secret.size() >= 4)
                QVERIFY2(!all.contains(secret), qPrintable(path));
        }
    }

    void testConnectionInTheProfilesDialogListsForReal()
    {
        addProfile(Vendor::B3os, "demo-key");
        addProfile(Vendor::Databar, "wrong-key");
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        w.showProfilesDialog();
        QDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = w.findChild<QDialog*>(QStringLiteral("profilesDialog"))));
        auto* list = dialog->findChild<QListWidget*>(QStringLiteral("profileList"));
        auto* test = dialog->findChild<QPushButton*>(QStringLiteral("testButton"));
        auto* result = dialog->findChild<QLabel*>(QStringLiteral("resultLabel"));

        list->setCurrentItem(list->findItems(QStringLiteral("sb-b3os"), Qt::MatchExactly).first());
        QTRY_VERIFY(test->isEnabled());
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(result->text(),
                                  QStringLiteral("Connected: 30 connector(s) listed."), 10000);

        list->setCurrentItem(
            list->findItems(QStringLiteral("sb-databar"), Qt::MatchExactly).first());
        QTRY_VERIFY(test->isEnabled());
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(result->text().contains(QStringLiteral("401")) ||
                                     result->text().contains(QStringLiteral("rejected")),
                                 10000);
        QVERIFY(!result->text().contains(QStringLiteral("wrong-key")));
    }

    void unknownWorkspaceOffersToFixTheProfile()
    {
        // Multiwoven answers a workspace the key's user is not in with 400 "Workspace not found"
        // (application_controller.rb): the row says so and offers the profile, on that profile.
        Profile p;
        p.name = QStringLiteral("sb-aisquared");
        p.vendor = Vendor::AiSquared;
        p.baseUrl = m_sandbox.vendorUrl(QStringLiteral("aisquared"));
        p.workspaceId = QStringLiteral("999");
        QString error;
        QVERIFY2(m_profiles->save(p, &error), qPrintable(error));
        m_backing->store(p.name, SecretBytes("demo-key"));
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        const auto status = w.catalog()->status(p.name);
        QCOMPARE(status.state, ConnectorCatalog::LoadState::Failed);
        QVERIFY2(status.message.contains(
                     QStringLiteral("workspace 999 is not one of this key's workspaces")),
                 qPrintable(status.message));
        QWidget* row = w.findChild<QWidget*>(QStringLiteral("profileStatus-sb-aisquared"));
        QVERIFY(row);
        auto* remedy = row->findChild<QPushButton*>(QStringLiteral("remedyButton"));
        QVERIFY(remedy && remedy->isVisibleTo(&w));
        QCOMPARE(remedy->text(), QStringLiteral("&Edit profile…"));
        QTest::mouseClick(remedy, Qt::LeftButton);
        QDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = w.findChild<QDialog*>(QStringLiteral("profilesDialog"))));
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("workspaceEdit"))->text(),
                 QStringLiteral("999"));
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("nameEdit"))->text(), p.name);
        dialog->reject();
    }

    void timbalConnectorsShowUpdatesAndOpenTheUpdateDialog()
    {
        addProfile(Vendor::Timbal, "demo-key");
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        ConnectorTableModel* model = w.connectorModel();
        // Once loaded, connectors below the newest version of the fleet say so, as a hint: Timbal
        // has no release list.
        int outdated = -1;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int r = 0; r < model->rowCount(); ++r)
                    if (model->isBehindFleet(model->connector(r))) {
                        outdated = r;
                        return true;
                    }
                return false;
            }(),
            10000);
        QVERIFY(model->index(outdated, ConnectorTableModel::StatusColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("fleet has 0.1.4")));

        // The detail pane's button: a dialog for that one connector.
        w.findChild<QTableView*>(QStringLiteral("connectorView"))
            ->setCurrentIndex(w.filterModel()->mapFromSource(model->index(outdated, 0)));
        auto* update = w.findChild<QPushButton*>(QStringLiteral("updateButton"));
        QTRY_VERIFY(update->isVisibleTo(&w));
        QTest::mouseClick(update, Qt::LeftButton);
        QDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = w.findChild<QDialog*>(QStringLiteral("TimbalUpdateDialog"))) &&
                    dialog->isVisible());
        auto* rows = dialog->findChild<QTableWidget*>(QStringLiteral("rowsTable"));
        QTRY_COMPARE(rows->rowCount(), 1);
        QPointer<QDialog> closing(dialog);
        dialog->close(); // WA_DeleteOnClose: it deletes itself (no run is going)
        QTRY_VERIFY(closing.isNull());

        // The menu action: every Timbal connector of the profile.
        w.findChild<QAction*>(QStringLiteral("updateTimbalAction"))->trigger();
        QTRY_VERIFY((dialog = w.findChild<QDialog*>(QStringLiteral("TimbalUpdateDialog"))) &&
                    dialog->isVisible());
        rows = dialog->findChild<QTableWidget*>(QStringLiteral("rowsTable"));
        QTRY_COMPARE(rows->rowCount(), 30);
    }

    void refreshPicksUpServerChangesInPlace()
    {
        addProfile(Vendor::Databar, "demo-key");
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        const int before = w.connectorModel()->rowCount();
        w.refreshAll();
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(w), 20000);
        QCOMPARE(w.connectorModel()->rowCount(), before);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
