#include "AuditLog.h"
#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorForm.h"
#include "ConnectorTableModel.h"
#include "DraftStore.h"
#include "HistoryDialog.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "ReviewChangesDialog.h"
#include "SandboxProcess.h"
#include "SecretField.h"
#include "TestHttp.h"

#include <QComboBox>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <csignal>

using namespace ca;

// Audit records, history with revert, and drafts that survive a crash — against a real sandbox.
class TestRecords : public QObject
{
    Q_OBJECT

    // The demo's sandbox: same seed and size, so ids match a real `connector-admin --demo`.
    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("25")}};
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<ApiKeys> m_keys;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<DraftStore> m_drafts;
    std::unique_ptr<MainWindow> m_window;

    QString dataDir() const { return m_dir->filePath(QStringLiteral("data")); }

    std::unique_ptr<MainWindow> openWindow()
    {
        auto w = std::make_unique<MainWindow>(*m_profiles, *m_keys);
        w->setRecordKeeping(m_audit.get(), m_drafts.get());
        w->show();
        return w;
    }
    bool settled(MainWindow* w)
    {
        const auto statuses = w->catalog()->statuses();
        for (const auto& s : statuses)
            if (s.state != ConnectorCatalog::LoadState::Loaded)
                return false;
        return !statuses.isEmpty();
    }
    Connector selectDatabar(MainWindow* w, const QString& id)
    {
        const int row = w->connectorModel()->rowOf(QStringLiteral("demo-databar"), id);
        if (row < 0)
            return {};
        w->findChild<QTableView*>(QStringLiteral("connectorView"))
            ->setCurrentIndex(w->filterModel()->mapFromSource(w->connectorModel()->index(row, 0)));
        return w->connectorModel()->connector(row);
    }
    QLineEdit* nameEdit(MainWindow* w)
    {
        auto* form = w->findChild<ConnectorForm*>(QStringLiteral("connectorForm"));
        return form ? form->findChild<QLineEdit*>(QStringLiteral("nameEdit")) : nullptr;
    }
    ReviewChangesDialog* review(MainWindow* w)
    {
        ReviewChangesDialog* d = nullptr;
        [&] { QTRY_VERIFY((d = w->findChild<ReviewChangesDialog*>()) && d->isVisible()); }();
        return d;
    }
    void apply(ReviewChangesDialog* d)
    {
        QTest::mouseClick(d->findChild<QPushButton*>(QStringLiteral("applyButton")),
                          Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(d->lastOutcome().has_value(), 10000);
        QCOMPARE(int(d->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Applied));
        QTest::mouseClick(d->findChild<QPushButton*>(QStringLiteral("closeButton")),
                          Qt::LeftButton);
    }
    QString storedName(const QString& id)
    {
        for (const QJsonValue& v :
             TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=databar")))
                 .value(QStringLiteral("databar"))
                 .toArray())
            if (v.toObject().value(QStringLiteral("id")).toVariant().toString() == id)
                return v.toObject().value(QStringLiteral("name")).toString();
        return {};
    }
    static QByteArray allBytesUnder(const QString& dir)
    {
        QByteArray all;
        QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly))
                all += f.readAll();
        }
        return all;
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
        m_dir = std::make_unique<QTemporaryDir>();
        m_profiles = std::make_unique<ProfileStore>(m_dir->filePath(QStringLiteral("p.conf")));
        Profile p{QStringLiteral("demo-databar"),
                  Vendor::Databar,
                  m_sandbox.vendorUrl(QStringLiteral("databar")),
                  {},
                  {}};
        QString error;
        QVERIFY2(m_profiles->save(p, &error), qPrintable(error));
        auto backing = std::make_unique<MemoryKeyStore>();
        backing->store(p.name, SecretBytes("demo-key"));
        m_keys = std::make_unique<ApiKeys>(std::move(backing));
        m_audit = std::make_unique<AuditLog>(dataDir());
        m_drafts = std::make_unique<DraftStore>(dataDir() + QStringLiteral("/drafts"));
    }

    void cleanup()
    {
        if (m_window) {
            if (auto* form = m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm")))
                form->setConnector(form->connector());
            m_window.reset();
        }
    }

    void applyWritesAnAuditRecordWithoutSecrets()
    {
        m_window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(settled(m_window.get()), 20000);
        const Connector c = selectDatabar(m_window.get(), QStringLiteral("1001"));
        QVERIFY(!c.id.isEmpty());
        QTRY_VERIFY(nameEdit(m_window.get()));
        // Replace the first header's value: a secret that must never reach the audit log.
        auto* table = m_window->findChild<QTableWidget*>(QStringLiteral("headersTable"));
        QVERIFY(table && table->rowCount() > 0);
        auto* secret = qobject_cast<SecretField*>(table->cellWidget(0, 1));
        QVERIFY(secret);
        secret->findChild<QComboBox*>(QStringLiteral("secretState"))->setCurrentIndex(1); // replace
        QTest::keyClicks(secret->findChild<QLineEdit*>(QStringLiteral("secretEdit")),
                         QStringLiteral("sk-live-TYPED-9f8e7d"));
        QTRY_VERIFY(m_window->findChild<QPushButton*>(QStringLiteral("reviewButton"))->isEnabled());
        m_window->reviewAndApply();
        apply(review(m_window.get()));

        const QList<AuditRecord> records =
            m_audit->records(QStringLiteral("demo-databar"), QStringLiteral("1001"));
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().outcome, AuditOutcome::Applied);
        QCOMPARE(records.first().tool, AuditTool::Gui);
        QCOMPARE(records.first().httpStatus, 200);
        QVERIFY(m_audit->flush()); // what is on disk, not what is still queued
        const QByteArray bytes = allBytesUnder(dataDir());
        QVERIFY(!bytes.isEmpty());
        QVERIFY(!bytes.contains("sk-live-TYPED-9f8e7d"));
        for (const QString& path : c.secretPaths) {
            const QByteArray stored = jsonValueAt(c.editable, path).toString().toUtf8();
            if (stored.size() >= 6)
                QVERIFY2(!bytes.contains(stored), stored.constData());
        }
    }

    void historyRevertRestoresTheEarlierState()
    {
        m_window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(settled(m_window.get()), 20000);
        const Connector c = selectDatabar(m_window.get(), QStringLiteral("1002"));
        const QString original = c.displayName;
        QTRY_VERIFY(nameEdit(m_window.get()));
        nameEdit(m_window.get())->setText(QStringLiteral("Changed then reverted"));
        emit nameEdit(m_window.get())->textEdited(nameEdit(m_window.get())->text());
        QTRY_VERIFY(m_window->findChild<QPushButton*>(QStringLiteral("reviewButton"))->isEnabled());
        m_window->reviewAndApply();
        apply(review(m_window.get()));
        QCOMPARE(storedName(c.id), QStringLiteral("Changed then reverted"));

        QTRY_VERIFY(
            m_window->findChild<QPushButton*>(QStringLiteral("historyButton"))->isEnabled());
        QTest::mouseClick(m_window->findChild<QPushButton*>(QStringLiteral("historyButton")),
                          Qt::LeftButton);
        HistoryDialog* history = nullptr;
        QTRY_VERIFY((history = m_window->findChild<HistoryDialog*>()) && history->isVisible());
        QCOMPARE(history->recordCount(), 1);
        QTRY_VERIFY(history->findChild<QPushButton*>(QStringLiteral("revertButton"))->isEnabled());
        QTest::mouseClick(history->findChild<QPushButton*>(QStringLiteral("revertButton")),
                          Qt::LeftButton);

        ReviewChangesDialog* revert = review(m_window.get());
        QCOMPARE(revert->bodyToSend().value(QStringLiteral("name")).toString(), original);
        QCOMPARE(revert->diff().changedCount(), 1);
        apply(revert);
        QCOMPARE(storedName(c.id), original);
        const auto records = m_audit->records(QStringLiteral("demo-databar"), c.id);
        QCOMPARE(records.size(), 2);
        QCOMPARE(records.first().action, AuditAction::Revert);
    }

    void anEditIsAutosavedAndOfferedAfterARestart()
    {
        m_window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(settled(m_window.get()), 20000);
        selectDatabar(m_window.get(), QStringLiteral("1003"));
        QTRY_VERIFY(nameEdit(m_window.get()));
        QTest::keyClicks(nameEdit(m_window.get()), QStringLiteral(" draft"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_drafts->load(QStringLiteral("demo-databar"), Vendor::Databar, QStringLiteral("1003"))
                .has_value(),
            5000);
        const QString edited = nameEdit(m_window.get())->text();
        // Simulate a crash: the window goes without the close prompt or a flush.
        m_window->setRecordKeeping(nullptr, nullptr);
        m_window.reset();

        auto again = openWindow();
        QCOMPARE(again->pendingDraftCount(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(settled(again.get()), 20000);
        auto* restore = again->findChild<QPushButton*>(QStringLiteral("restoreDraftButton"));
        QTRY_VERIFY(restore->isEnabled());
        QTest::mouseClick(restore, Qt::LeftButton);
        QTRY_COMPARE(nameEdit(again.get())->text(), edited);
        QVERIFY(again->isWindowModified());
        QCOMPARE(again->pendingDraftCount(), 0);
        m_window = std::move(again);
    }

    void aDraftSurvivesKill9OfARealProcess()
    {
        // A real connector-admin in demo mode edits a connector, then is killed without warning.
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("config")));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(CA_ADMIN_BIN),
                  {QStringLiteral("--demo"), QStringLiteral("--demo-edit"),
                   QStringLiteral("--data-dir"), dataDir()});
        app.setProcessChannelMode(QProcess::SeparateChannels);
        QVERIFY(app.waitForStarted(10000));
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += app.readAllStandardOutput()).contains("edited") ||
                                     app.state() != QProcess::Running,
                                 30000);
        QVERIFY2(app.state() == QProcess::Running, app.readAllStandardError().constData());
        QTRY_VERIFY_WITH_TIMEOUT(m_drafts->all().size() == 1, 10000);
        ::kill(pid_t(app.processId()), SIGKILL);
        QVERIFY(app.waitForFinished(5000));
        QCOMPARE(app.exitStatus(), QProcess::CrashExit);

        QStringList unreadable;
        const QList<ConnectorDraft> drafts = m_drafts->all(&unreadable);
        QVERIFY(unreadable.isEmpty());
        QCOMPARE(drafts.size(), 1);
        QCOMPARE(drafts.first().connectorId, QStringLiteral("1001"));
        const QString editedName =
            drafts.first().editedDocument.value(QStringLiteral("name")).toString();
        QVERIFY2(editedName.endsWith(QStringLiteral(" (EU)")), qPrintable(editedName));

        // Restart (here in-process, against the same seeded data) and restore.
        m_window = openWindow();
        QCOMPARE(m_window->pendingDraftCount(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(settled(m_window.get()), 20000);
        auto* restore = m_window->findChild<QPushButton*>(QStringLiteral("restoreDraftButton"));
        QTRY_VERIFY(restore->isEnabled());
        QTest::mouseClick(restore, Qt::LeftButton);
        QTRY_COMPARE(nameEdit(m_window.get())->text(), editedName);
        QVERIFY(m_window->isWindowModified());
    }
};

QTEST_MAIN(TestRecords)
#include "tst_records.moc"
