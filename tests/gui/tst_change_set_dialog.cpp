// Change sets in the window, driven like an admin would (offscreen, by objectName) against a real
// connector-sandbox process: select many connectors, "Edit selected…", a bulk edit, its review
// (classification, filters, each connector's diff, conflicts that need a choice), Apply with
// per-connector results, faults in the middle and Retry failed; the sandbox shows exactly what
// was changed. Every control of both dialogs that takes the focus has an accessible name.
#include "AuditLog.h"
#include "BulkEditDialog.h"
#include "ChangeSetDialog.h"
#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorFolder.h"
#include "ConnectorTableModel.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "SandboxProcess.h"
#include "SecretField.h"
#include "SessionFixture.h"
#include "TestHttp.h"

#include <QAccessible>
#include <QAction>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using namespace ca;

class TestChangeSetDialog : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("30")}};
    QTemporaryDir m_dir;
    std::unique_ptr<ProfileStore> m_profiles;
    MemoryKeyStore* m_backing = nullptr;
    std::unique_ptr<ApiKeys> m_keys;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<MainWindow> m_window;

    static QString profileOf(Vendor v) { return QStringLiteral("sb-") + vendorId(v); }

    void addProfile(Vendor v)
    {
        Profile p;
        p.name = profileOf(v);
        p.vendor = v;
        p.baseUrl = m_sandbox.vendorUrl(vendorId(v));
        if (vendorNeedsOrg(v))
            p.orgId = QStringLiteral("demo-org");
        if (vendorNeedsWorkspace(v))
            p.workspaceId = QStringLiteral("1");
        QString error;
        QVERIFY2(m_profiles->save(p, &error), qPrintable(error));
        m_backing->store(p.name, SecretBytes(fixture::kKey));
    }

    bool loaded() const
    {
        const auto statuses = m_window->catalog()->statuses();
        return !statuses.isEmpty() &&
               std::all_of(statuses.cbegin(), statuses.cend(), [](const auto& s) {
                   return s.state == ConnectorCatalog::LoadState::Loaded;
               });
    }

    // The window on Databar and Bigdata profiles, loaded, with an audit log.
    void openWindow()
    {
        addProfile(Vendor::Databar);
        addProfile(Vendor::Bigdata);
        m_window = std::make_unique<MainWindow>(*m_profiles, *m_keys);
        m_window->setRecordKeeping(m_audit.get(), nullptr);
        m_window->show();
        QTRY_VERIFY_WITH_TIMEOUT(loaded(), 20000);
    }

    QTableView* view() const
    {
        return m_window->findChild<QTableView*>(QStringLiteral("connectorView"));
    }
    QAction* editSelectedAction() const
    {
        return m_window->findChild<QAction*>(QStringLiteral("editSelectedAction"));
    }

    // Clicks the rows of `ids` in the list, the first plainly and the others with Ctrl.
    void selectByClicks(const QStringList& ids)
    {
        QTableView* v = view();
        bool first = true;
        for (const QString& id : ids) {
            const QModelIndex index = m_window->filterModel()->mapFromSource(
                m_window->connectorModel()->index(rowOfId(id), 0));
            v->scrollTo(index);
            QTest::mouseClick(v->viewport(), Qt::LeftButton,
                              first ? Qt::NoModifier : Qt::ControlModifier,
                              v->visualRect(index).center());
            first = false;
        }
    }
    int rowOfId(const QString& id) const
    {
        for (int r = 0; r < m_window->connectorModel()->rowCount(); ++r) {
            if (m_window->connectorModel()->connector(r).id == id)
                return r;
        }
        return -1;
    }
    QList<Connector> connectorsOf(Vendor v) const
    {
        QList<Connector> out;
        for (int r = 0; r < m_window->connectorModel()->rowCount(); ++r) {
            if (m_window->connectorModel()->connector(r).vendor == v)
                out.append(m_window->connectorModel()->connector(r));
        }
        std::sort(out.begin(), out.end(),
                  [](const Connector& a, const Connector& b) { return a.id < b.id; });
        return out;
    }
    // Databar connectors whose rate limit is not `rate` (so setting it changes each).
    QStringList databarIdsWithout(int rate, int count) const
    {
        QStringList ids;
        for (const Connector& c : connectorsOf(Vendor::Databar)) {
            if (ids.size() < count && c.editable.value(QLatin1String("rate_limit")) != rate)
                ids.append(c.id);
        }
        return ids;
    }

    QJsonObject stateById(Vendor v) const
    {
        QJsonObject out;
        const QJsonArray all =
            TestHttp::getJson(
                m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=") + vendorId(v)))
                .value(vendorId(v))
                .toArray();
        for (const QJsonValue& c : all) {
            const QJsonObject o = c.toObject();
            const QJsonValue id = o.contains(QLatin1String("connector_id"))
                                      ? o.value(QLatin1String("connector_id"))
                                      : o.value(QLatin1String("id"));
            out.insert(id.toVariant().toString(), c);
        }
        return out;
    }
    int putsTo(Vendor v, const QString& id) const
    {
        int n = 0;
        for (const QJsonObject& r : m_sandbox.requestsTo(vendorId(v), QStringLiteral("PUT")))
            n += r.value(QLatin1String("path")).toString().endsWith(QLatin1Char('/') + id);
        return n;
    }

    template <typename T> static T* in(QWidget* parent, const QString& name)
    {
        return parent ? parent->findChild<T*>(name) : nullptr;
    }

    // "Edit selected…" on `ids`: the bulk edit dialog.
    BulkEditDialog* openBulkEdit(const QStringList& ids)
    {
        selectByClicks(ids);
        if (!editSelectedAction()->isEnabled())
            return nullptr;
        editSelectedAction()->trigger();
        BulkEditDialog* dialog = nullptr;
        (void)QTest::qWaitFor(
            [&] { return (dialog = m_window->findChild<BulkEditDialog*>()) != nullptr; }, 5000);
        return dialog;
    }
    // The field row set to "Set to…" with `text` typed into its spin box.
    static void setSpin(BulkEditDialog* bulk, const QString& field, const QString& text)
    {
        auto* mode = in<QComboBox>(bulk, QStringLiteral("bulkField_%1_mode").arg(field));
        QVERIFY(mode);
        mode->setFocus();
        QTest::keyClick(mode, Qt::Key_Down); // "Leave as is" → "Set to…"
        QCOMPARE(mode->currentIndex(), 1);
        auto* spin = in<QSpinBox>(bulk, QStringLiteral("bulkField_%1_value").arg(field));
        QVERIFY(spin && spin->isEnabled());
        spin->selectAll();
        QTest::keyClicks(spin, text);
        QCOMPARE(spin->text(), text);
    }
    // Review… and the change-set review once planned.
    ChangeSetDialog* review(BulkEditDialog* bulk)
    {
        auto* button = in<QPushButton>(bulk, QStringLiteral("reviewButton"));
        if (!button || !button->isEnabled())
            return nullptr;
        QTest::mouseClick(button, Qt::LeftButton);
        ChangeSetDialog* dialog = nullptr;
        (void)QTest::qWaitFor(
            [&] {
                dialog = m_window->findChild<ChangeSetDialog*>();
                return dialog && !dialog->isPlanning();
            },
            20000);
        return dialog && !dialog->isPlanning() ? dialog : nullptr;
    }
    static QString summary(ChangeSetDialog* d)
    {
        return in<QLabel>(d, QStringLiteral("changeSetSummary"))->text();
    }
    static void click(QWidget* dialog, const char* name)
    {
        auto* button = in<QPushButton>(dialog, QLatin1String(name));
        QVERIFY2(button, name);
        QVERIFY2(button->isEnabled(), name);
        QTest::mouseClick(button, Qt::LeftButton);
    }
    static bool runDone(ChangeSetDialog* d) { return d->run() && d->run()->isFinished(); }
    // The result column's text of the connector `id`.
    static QString resultOf(ChangeSetDialog* d, const QString& id)
    {
        auto* items = in<QTreeView>(d, QStringLiteral("changeSetItems"));
        QAbstractItemModel* m = items->model();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, 0).data(ChangeSetDialog::IdRole).toString() == id)
                return m->index(r, ChangeSetDialog::ResultColumn).data().toString();
        }
        return {};
    }
    // Makes the row of `id` the current one of the review's list.
    static bool selectItem(ChangeSetDialog* d, const QString& id)
    {
        auto* items = in<QTreeView>(d, QStringLiteral("changeSetItems"));
        QAbstractItemModel* m = items->model();
        for (int r = 0; r < m->rowCount(); ++r) {
            if (m->index(r, 0).data(ChangeSetDialog::IdRole).toString() == id) {
                items->scrollTo(m->index(r, 0));
                QTest::mouseClick(items->viewport(), Qt::LeftButton, {},
                                  items->visualRect(m->index(r, 0)).center());
                return items->currentIndex().row() == r;
            }
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
    }

    void init()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   QJsonObject{{QStringLiteral("faults"), QJsonArray()}}));
        TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")));
        QFile::remove(m_dir.filePath(QStringLiteral("p.conf")));
        m_profiles = std::make_unique<ProfileStore>(m_dir.filePath(QStringLiteral("p.conf")));
        auto backing = std::make_unique<MemoryKeyStore>();
        m_backing = backing.get();
        m_keys = std::make_unique<ApiKeys>(std::move(backing));
        QDir(m_dir.filePath(QStringLiteral("audit"))).removeRecursively();
        m_audit = std::make_unique<AuditLog>(m_dir.filePath(QStringLiteral("audit")));
    }

    void cleanup()
    {
        if (m_window) {
            for (ChangeSetDialog* d : m_window->findChildren<ChangeSetDialog*>()) {
                if (d->isRunning()) {
                    d->run()->cancelRemaining();
                    QTRY_VERIFY_WITH_TIMEOUT(!d->isRunning(), 30000);
                }
            }
        }
        m_window.reset();
        m_audit.reset();
    }

    // "Edit selected…" wants two or more editable connectors of one vendor, and says why not.
    void editSelectedNeedsTwoOfOneVendor()
    {
        openWindow();
        const QList<Connector> databar = connectorsOf(Vendor::Databar);
        const QList<Connector> bigdata = connectorsOf(Vendor::Bigdata);
        selectByClicks({databar.at(0).id});
        QVERIFY(!editSelectedAction()->isEnabled());
        QVERIFY2(editSelectedAction()->toolTip().contains(QStringLiteral("two or more")),
                 qPrintable(editSelectedAction()->toolTip()));
        // The details still show the current row.
        QTRY_VERIFY(m_window->findChild<QLabel*>(QStringLiteral("detailTitle"))
                        ->text()
                        .contains(databar.at(0).id));
        selectByClicks({databar.at(0).id, databar.at(1).id});
        QCOMPARE(view()->selectionModel()->selectedRows().size(), 2);
        QVERIFY(editSelectedAction()->isEnabled());
        QTRY_VERIFY(m_window->findChild<QLabel*>(QStringLiteral("detailTitle"))
                        ->text()
                        .contains(databar.at(1).id));
        selectByClicks({databar.at(0).id, bigdata.at(0).id});
        QVERIFY(!editSelectedAction()->isEnabled());
        QVERIFY2(editSelectedAction()->toolTip().contains(QStringLiteral("several vendors")),
                 qPrintable(editSelectedAction()->toolTip()));
    }

    // Ten Databar connectors get one rate limit: the review says 10 to change, Apply sends
    // exactly those, the sandbox holds exactly those changes, and each has its audit record.
    void bulkEditOfTenAppliesExactlyThose()
    {
        openWindow();
        const QStringList ids = databarIdsWithout(7, 10);
        QCOMPARE(ids.size(), 10);
        const QJsonObject before = stateById(Vendor::Databar);
        BulkEditDialog* bulk = openBulkEdit(ids);
        QVERIFY(bulk);
        QVERIFY(!in<QPushButton>(bulk, QStringLiteral("reviewButton"))->isEnabled());
        setSpin(bulk, QStringLiteral("rate_limit"), QStringLiteral("7"));
        QVERIFY(!QTest::currentTestFailed());
        ChangeSetDialog* review = this->review(bulk);
        QVERIFY(review);
        QVERIFY2(summary(review).contains(QStringLiteral("10 to change")),
                 qPrintable(summary(review)));
        // The current row's own diff, in the same widget as a single edit's review.
        auto* tree = in<QTreeWidget>(review, QStringLiteral("changeTree"));
        QVERIFY(tree && tree->topLevelItemCount() > 0);
        QStringList fields;
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            fields << tree->topLevelItem(i)->text(1).trimmed();
        QVERIFY2(fields.contains(QStringLiteral("/rate_limit")), qPrintable(fields.join(", ")));

        click(review, "applyButton");
        QTRY_VERIFY_WITH_TIMEOUT(runDone(review), 30000);
        QCOMPARE(review->run()->counts().applied, 10);
        auto* progress = in<QProgressBar>(review, QStringLiteral("changeSetProgress"));
        QCOMPARE(progress->value(), 10);
        QCOMPARE(progress->maximum(), 10);
        for (const QString& id : ids)
            QVERIFY2(resultOf(review, id)
                         .startsWith(ChangeSetRun::stateName(ChangeSetRun::State::Applied)),
                     qPrintable(resultOf(review, id)));

        const QJsonObject after = stateById(Vendor::Databar);
        QCOMPARE(after.size(), before.size());
        for (auto it = before.begin(); it != before.end(); ++it) {
            QJsonObject expected = it.value().toObject();
            if (ids.contains(it.key()))
                expected.insert(QStringLiteral("rate_limit"), 7);
            QJsonObject got = after.value(it.key()).toObject();
            // The server's own stamps move on a write; everything else must be as expected.
            for (const char* stamp : {"updated_at", "modified_at"}) {
                expected.remove(QLatin1String(stamp));
                got.remove(QLatin1String(stamp));
            }
            QVERIFY2(got == expected, qPrintable(it.key()));
        }
        QVERIFY(m_audit->flush());
        int applied = 0;
        for (const AuditRecord& r : m_audit->records())
            applied += r.outcome == AuditOutcome::Applied && !r.connectorId.isEmpty() &&
                       r.changeSetId == review->run()->changeSetId();
        QCOMPARE(applied, 10);
    }

    // Two connectors fail with a 503 in the middle of the apply; Retry failed (after the
    // fault is gone) sends those two again and nothing else.
    void faultsFailTwoAndRetryFailedAppliesThem()
    {
        openWindow();
        const QStringList ids = databarIdsWithout(8, 10);
        BulkEditDialog* bulk = openBulkEdit(ids);
        QVERIFY(bulk);
        setSpin(bulk, QStringLiteral("rate_limit"), QStringLiteral("8"));
        QVERIFY(!QTest::currentTestFailed());
        ChangeSetDialog* review = this->review(bulk);
        QVERIFY(review);
        QVERIFY(summary(review).contains(QStringLiteral("10 to change")));
        QJsonArray faults;
        for (const QString& id : {ids.at(2), ids.at(6)})
            faults.append(
                QJsonObject{{QStringLiteral("spec"), QStringLiteral("databar:status=503")},
                            {QStringLiteral("method"), QStringLiteral("PUT")},
                            {QStringLiteral("path"), QLatin1Char('/') + id}});
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   QJsonObject{{QStringLiteral("faults"), faults}}));
        click(review, "applyButton");
        QTRY_VERIFY_WITH_TIMEOUT(runDone(review), 30000);
        QCOMPARE(review->run()->counts().applied, 8);
        QCOMPARE(review->run()->counts().failed, 2);
        const QString failed = ChangeSetRun::stateName(ChangeSetRun::State::Failed);
        QVERIFY2(resultOf(review, ids.at(2)).startsWith(failed),
                 qPrintable(resultOf(review, ids.at(2))));
        QVERIFY(resultOf(review, ids.at(6)).startsWith(failed));
        // The failed filter shows those two.
        auto* filter = in<QComboBox>(review, QStringLiteral("changeSetFilter"));
        filter->setCurrentIndex(filter->findData(QStringLiteral("failed")));
        QCOMPARE(in<QTreeView>(review, QStringLiteral("changeSetItems"))->model()->rowCount(), 2);
        QVERIFY(!in<QPushButton>(review, QStringLiteral("applyButton"))->isEnabled());

        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   QJsonObject{{QStringLiteral("faults"), QJsonArray()}}));
        filter->setCurrentIndex(0);
        const QString firstRun = review->run()->changeSetId();
        click(review, "retryFailedButton");
        QTRY_VERIFY_WITH_TIMEOUT(runDone(review) && review->run()->changeSetId() != firstRun,
                                 30000);
        QCOMPARE(review->run()->counts().total, 2);
        QCOMPARE(review->run()->counts().applied, 2);
        QVERIFY2(resultOf(review, ids.at(2))
                     .startsWith(ChangeSetRun::stateName(ChangeSetRun::State::Applied)),
                 qPrintable(resultOf(review, ids.at(2))));
        const QJsonObject after = stateById(Vendor::Databar);
        for (const QString& id : ids) {
            QCOMPARE(after.value(id).toObject().value(QLatin1String("rate_limit")).toInt(), 8);
            // A 503 stored nothing: the retry is the second PUT, the others had one.
            QCOMPARE(putsTo(Vendor::Databar, id), id == ids.at(2) || id == ids.at(6) ? 2 : 1);
        }
        QVERIFY(!in<QPushButton>(review, QStringLiteral("retryFailedButton"))->isEnabled());
    }

    // A connector changed on the server after the window read it, in the same field: a
    // conflict, not sent until the admin keeps a side; the review of the choice is what is sent.
    void conflictNeedsKeepMineOrKeepServer()
    {
        openWindow();
        const QStringList ids = databarIdsWithout(7, 3);
        // Someone sets the first one's rate limit in the vendor's console meanwhile.
        ConnectorService* service = m_window->catalog()->service(profileOf(Vendor::Databar));
        ConnectorResult current;
        QVERIFY(fixture::await(service->get(ids.at(0)), &current) && current.ok());
        QJsonObject theirs = current.connector.editable;
        theirs.insert(QStringLiteral("rate_limit"), 3);
        UpdateResult updated;
        QVERIFY(fixture::await(service->update(current.connector, theirs), &updated) &&
                updated.ok());
        TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")));

        BulkEditDialog* bulk = openBulkEdit(ids);
        QVERIFY(bulk);
        setSpin(bulk, QStringLiteral("rate_limit"), QStringLiteral("7"));
        QVERIFY(!QTest::currentTestFailed());
        ChangeSetDialog* review = this->review(bulk);
        QVERIFY(review);
        QVERIFY2(summary(review).contains(QStringLiteral("2 to change, 1 conflict")),
                 qPrintable(summary(review)));
        auto* apply = in<QPushButton>(review, QStringLiteral("applyButton"));
        QVERIFY(apply->text().contains(QStringLiteral("2")));
        auto* filter = in<QComboBox>(review, QStringLiteral("changeSetFilter"));
        filter->setCurrentIndex(filter->findData(QStringLiteral("conflict")));
        QCOMPARE(in<QTreeView>(review, QStringLiteral("changeSetItems"))->model()->rowCount(), 1);
        QVERIFY(selectItem(review, ids.at(0)));
        auto* conflicts = in<QTreeWidget>(review, QStringLiteral("conflictTree"));
        QVERIFY(conflicts->isVisible());
        QCOMPARE(conflicts->topLevelItemCount(), 1);
        QCOMPARE(conflicts->topLevelItem(0)->text(0), QStringLiteral("/rate_limit"));

        click(review, "keepServerButton");
        QVERIFY2(summary(review).contains(QStringLiteral("2 to change, 1 unchanged")),
                 qPrintable(summary(review)));
        click(review, "keepMineButton");
        QVERIFY2(summary(review).contains(QStringLiteral("3 to change")),
                 qPrintable(summary(review)));
        // The filter still shows the former conflict, and its diff is the chosen side's.
        QCOMPARE(in<QTreeView>(review, QStringLiteral("changeSetItems"))->model()->rowCount(), 1);
        QVERIFY(in<QPlainTextEdit>(review, QStringLiteral("afterText"))
                    ->toPlainText()
                    .contains(QStringLiteral("\"rate_limit\": 7")));

        click(review, "applyButton");
        QTRY_VERIFY_WITH_TIMEOUT(runDone(review), 30000);
        QCOMPARE(review->run()->counts().applied, 3);
        QVERIFY(!in<QPushButton>(review, QStringLiteral("keepMineButton"))->isEnabled());
        QCOMPARE(stateById(Vendor::Databar)
                     .value(ids.at(0))
                     .toObject()
                     .value(QLatin1String("rate_limit"))
                     .toInt(),
                 7);
        QCOMPARE(putsTo(Vendor::Databar, ids.at(0)), 1);
    }

    // A header put on every connector (its value secret: never shown), another removed where
    // there is one: connectors without it are unchanged, the others' headers are kept.
    void headerOperationsKeepTheOtherHeaders()
    {
        openWindow();
        const QList<Connector> all = connectorsOf(Vendor::Databar);
        QStringList ids;
        for (int i = 0; i < 6; ++i)
            ids << all.at(i).id;
        const QJsonObject before = stateById(Vendor::Databar);
        const QString secret = QStringLiteral("rotated-Zq81xVb2");

        BulkEditDialog* bulk = openBulkEdit(ids);
        QVERIFY(bulk);
        auto* mode = in<QComboBox>(bulk, QStringLiteral("bulkHeaderMode"));
        mode->setCurrentIndex(1); // add or replace
        QTest::keyClicks(in<QLineEdit>(bulk, QStringLiteral("bulkHeaderName")),
                         QStringLiteral("X-Rotated"));
        auto* value = in<SecretField>(bulk, QStringLiteral("bulkHeaderValue"));
        QCOMPARE(value->valueEdit()->echoMode(), QLineEdit::Password);
        QTest::keyClicks(value->valueEdit(), secret);
        ChangeSetDialog* review = this->review(bulk);
        QVERIFY(review);
        QVERIFY2(summary(review).contains(QStringLiteral("6 to change")),
                 qPrintable(summary(review)));
        // No view of the review shows the value.
        for (const QString& id : ids) {
            QVERIFY(selectItem(review, id));
            for (QPlainTextEdit* t : review->findChildren<QPlainTextEdit*>())
                QVERIFY(!t->toPlainText().contains(secret));
            for (QTreeWidget* t : review->findChildren<QTreeWidget*>())
                for (int i = 0; i < t->topLevelItemCount(); ++i)
                    for (int c = 0; c < t->columnCount(); ++c)
                        QVERIFY(!t->topLevelItem(i)->text(c).contains(secret));
        }
        click(review, "applyButton");
        QTRY_VERIFY_WITH_TIMEOUT(runDone(review), 30000);
        QCOMPARE(review->run()->counts().applied, 6);
        const QJsonObject after = stateById(Vendor::Databar);
        for (const QString& id : ids) {
            QJsonArray expected =
                before.value(id).toObject().value(QLatin1String("headers")).toArray();
            expected.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("X-Rotated")},
                                        {QStringLiteral("value"), secret}});
            QCOMPARE(after.value(id).toObject().value(QLatin1String("headers")).toArray(),
                     expected);
        }
        QVERIFY(m_audit->flush());
        QFile log(m_audit->filePath());
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(!log.readAll().contains(secret.toUtf8()));
        m_window->findChild<ChangeSetDialog*>()->close();
        QTRY_VERIFY(!m_window->findChild<ChangeSetDialog*>());
        QTRY_VERIFY_WITH_TIMEOUT(loaded(), 20000);

        // Removing a header only some connectors have: the others are unchanged.
        QStringList withKey;
        for (const QString& id : ids) {
            const QJsonArray headers =
                after.value(id).toObject().value(QLatin1String("headers")).toArray();
            for (const QJsonValue& h : headers)
                if (h.toObject().value(QLatin1String("name")) == QLatin1String("X-Api-Key"))
                    withKey << id;
        }
        QVERIFY(!withKey.isEmpty() && withKey.size() < ids.size());
        bulk = openBulkEdit(ids);
        QVERIFY(bulk);
        in<QComboBox>(bulk, QStringLiteral("bulkHeaderMode"))->setCurrentIndex(2);
        QVERIFY(!in<SecretField>(bulk, QStringLiteral("bulkHeaderValue"))->isEnabled());
        QTest::keyClicks(in<QLineEdit>(bulk, QStringLiteral("bulkHeaderName")),
                         QStringLiteral("X-Api-Key"));
        review = this->review(bulk);
        QVERIFY(review);
        QCOMPARE(summary(review), QStringLiteral("<b>%1 to change, %2 unchanged</b>")
                                      .arg(withKey.size())
                                      .arg(ids.size() - withKey.size()));
    }

    // Bigdata: an address added to every email connector's allowed senders; a connector
    // without that list is listed as refused, with the reason, and sent nothing.
    void bigdataAddressAddedWhereItFits()
    {
        openWindow();
        QStringList emails;
        QString other;
        for (const Connector& c : connectorsOf(Vendor::Bigdata)) {
            if (c.type == QLatin1String("email") && emails.size() < 3)
                emails << c.id;
            else if (c.type != QLatin1String("email") && other.isEmpty() &&
                     !c.editable.value(QLatin1String("config")).isObject())
                other = c.id;
        }
        QVERIFY(emails.size() == 3 && !other.isEmpty());
        BulkEditDialog* bulk = openBulkEdit(emails + QStringList{other});
        QVERIFY(bulk);
        in<QComboBox>(bulk, QStringLiteral("bulkAddressMode"))->setCurrentIndex(1);
        QTest::keyClicks(in<QLineEdit>(bulk, QStringLiteral("bulkAddressValue")),
                         QStringLiteral("ops@example.com"));
        ChangeSetDialog* review = this->review(bulk);
        QVERIFY(review);
        QVERIFY2(summary(review).contains(QStringLiteral("3 to change, 1 refused")),
                 qPrintable(summary(review)));
        auto* filter = in<QComboBox>(review, QStringLiteral("changeSetFilter"));
        filter->setCurrentIndex(filter->findData(QStringLiteral("refused|gone")));
        QCOMPARE(in<QTreeView>(review, QStringLiteral("changeSetItems"))->model()->rowCount(), 1);
        QVERIFY(selectItem(review, other));
        QVERIFY2(in<QLabel>(review, QStringLiteral("itemReason"))
                     ->text()
                     .contains(QStringLiteral("does not fit")),
                 qPrintable(in<QLabel>(review, QStringLiteral("itemReason"))->text()));
        click(review, "applyButton");
        QTRY_VERIFY_WITH_TIMEOUT(runDone(review), 30000);
        QCOMPARE(review->run()->counts().applied, 3);
        const QJsonObject after = stateById(Vendor::Bigdata);
        for (const QString& id : emails)
            QVERIFY2(after.value(id)
                         .toObject()
                         .value(QLatin1String("config"))
                         .toObject()
                         .value(QLatin1String("allowed_emails"))
                         .toArray()
                         .contains(QStringLiteral("ops@example.com")),
                     QJsonDocument(after.value(id).toObject()).toJson().constData());
        QCOMPARE(putsTo(Vendor::Bigdata, other), 0);
    }

    // An assistive-technology walk of both dialogs finds no keyboard-reachable control without a
    // name.
    // File → Export connectors… then Compare with folder…: the folder written as connectorctl
    // writes it, one edited file planned as the only change, applied from the review, the
    // folder's base brought up to date (a second compare has nothing to do).
    void exportThenCompareWithFolder()
    {
        openWindow();
        QVERIFY(m_window->findChild<QAction*>(QStringLiteral("exportConnectorsAction")));
        QVERIFY(m_window->findChild<QAction*>(QStringLiteral("compareFolderAction")));
        const QString folder = m_dir.filePath(QStringLiteral("folder"));
        QSignalSpy changed(m_window.get(), &MainWindow::foldersChanged);
        m_window->exportConnectorsTo(folder);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 20000);
        const QString id = connectorsOf(Vendor::Databar).first().id;
        const ConnectorFolder files(folder);
        const QString path = files.documentPath(profileOf(Vendor::Databar), id);
        QVERIFY2(QFile::exists(path), qPrintable(path));
        QCOMPARE(files.read().size(),
                 connectorsOf(Vendor::Databar).size() + connectorsOf(Vendor::Bigdata).size());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        doc.insert(QStringLiteral("name"), QStringLiteral("Renamed in the folder"));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(jsonFileText(doc));
        f.close();

        ChangeSetDialog* review = m_window->compareWithFolder(folder);
        QVERIFY(review);
        QTRY_VERIFY_WITH_TIMEOUT(!review->isPlanning(), 20000);
        QVERIFY2(summary(review).contains(QStringLiteral(">1 to change,")),
                 qPrintable(summary(review)));
        click(review, "applyButton");
        QTRY_VERIFY_WITH_TIMEOUT(runDone(review), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 10000);
        QCOMPARE(stateById(Vendor::Databar).value(id).toObject().value(QLatin1String("name")),
                 QJsonValue(QStringLiteral("Renamed in the folder")));
        for (const FolderEntry& e : files.read({profileOf(Vendor::Databar)})) {
            if (e.id == id)
                QCOMPARE(e.base->document, e.desired);
        }
        ChangeSetDialog* again = m_window->compareWithFolder(folder);
        QVERIFY(again);
        QTRY_VERIFY_WITH_TIMEOUT(!again->isPlanning(), 20000);
        QVERIFY2(!summary(again).contains(QStringLiteral("to change")), qPrintable(summary(again)));
    }

    void everyFocusableControlHasAName()
    {
        openWindow();
        BulkEditDialog* bulk = openBulkEdit(databarIdsWithout(9, 3));
        QVERIFY(bulk);
        setSpin(bulk, QStringLiteral("rate_limit"), QStringLiteral("9"));
        QVERIFY(!QTest::currentTestFailed());
        auto unnamed = [](QWidget* root) {
            QStringList out;
            for (QWidget* w : root->findChildren<QWidget*>()) {
                if (!w->isVisibleTo(root) || !(w->focusPolicy() & Qt::TabFocus))
                    continue;
                QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
                if (!iface || iface->text(QAccessible::Name).trimmed().isEmpty())
                    out << QStringLiteral("%1 (%2)").arg(w->objectName(),
                                                         w->metaObject()->className());
            }
            return out;
        };
        QVERIFY2(unnamed(bulk).isEmpty(), qPrintable(unnamed(bulk).join(", ")));
        ChangeSetDialog* review = this->review(bulk);
        QVERIFY(review);
        QVERIFY(selectItem(review, databarIdsWithout(9, 3).value(0)));
        QVERIFY2(unnamed(review).isEmpty(), qPrintable(unnamed(review).join(", ")));
    }
};

QTEST_MAIN(TestChangeSetDialog)
#include "tst_change_set_dialog.moc"
