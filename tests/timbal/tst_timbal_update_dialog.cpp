#include "AuditLog.h"
#include "HttpClient.h"
#include "TimbalTestSupport.h"
#include "TimbalUpdateDialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>

using namespace ca;
using namespace timbaltest;
using State = TimbalUpdateRun::RowState;

// The update dialog driven like an admin would (offscreen), against the real sandbox.
class TestTimbalUpdateDialog : public QObject, UpdateFixture
{
    Q_OBJECT

public:
    TestTimbalUpdateDialog() : UpdateFixture(this, 40, 300) {}

private:
    QPointer<TimbalUpdateDialog> m_dialog;

    TimbalUpdateDialog* open(const QList<Connector>& connectors, TimbalService* service = nullptr)
    {
        m_dialog =
            new TimbalUpdateDialog(service ? service : m_service.get(), connectors, m_audit.get());
        m_dialog->setPollOptions(100, 20000);
        m_dialog->show();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(m_dialog->run() != nullptr, 30000); }();
        return m_dialog;
    }
    template <typename T> T* child(const char* name)
    {
        return m_dialog ? m_dialog->findChild<T*>(QLatin1String(name)) : nullptr;
    }
    QPushButton* button(const char* name) { return child<QPushButton>(name); }
    void typeVersion(const QString& text)
    {
        QLineEdit* edit = child<QComboBox>("versionCombo")->lineEdit();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
    }
    int countShown(const char* name) { return child<QLabel>(name)->text().toInt(); }
    QString resultText(int row) { return child<QTableWidget>("rowsTable")->item(row, 4)->text(); }
    // Every count label, summed: must always equal the number of rows.
    int countsShownSum()
    {
        int sum = 0;
        for (const char* n : {"countPending", "countDispatching", "countAlreadyCurrent",
                              "countDispatched", "countPolling", "countUpdated", "countTimedOut",
                              "countFailed", "countSkipped", "countCancelled"})
            sum += countShown(n);
        return sum;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startFixture(&error), qPrintable(error));
    }
    void init() { QVERIFY(beginTest()); }
    void cleanup()
    {
        if (m_dialog && m_dialog->run() && m_dialog->isRunning()) {
            m_dialog->run()->cancelRemaining();
            QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->isRunning(), 60000);
        }
        delete m_dialog;
    }

    void seedStatusShownInResultColumn_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("countLabel");
        QTest::addColumn<QString>("message");
        QTest::newRow("200") << "200"
                             << "countAlreadyCurrent"
                             << "already on 0.1.3, nothing to do";
        QTest::newRow("202") << "202"
                             << "countUpdated"
                             << "updated to 0.1.3";
        QTest::newRow("403") << "403"
                             << "countFailed"
                             << "this API key may not update connectors";
        QTest::newRow("404 connector") << "404-connector"
                                       << "countFailed"
                                       << "connector not found (server: ";
        QTest::newRow("404 release 0.9.9") << "404-release"
                                           << "countFailed"
                                           << "release 0.9.9 not found at Timbal";
        QTest::newRow("422 offline") << "422-offline"
                                     << "countFailed"
                                     << "offline: Timbal could not reach the connector";
        QTest::newRow("422 too old") << "422-old"
                                     << "countFailed"
                                     << "too old to update remotely — update it on its machine";
    }
    void seedStatusShownInResultColumn()
    {
        QFETCH(QString, kind);
        QFETCH(QString, countLabel);
        QFETCH(QString, message);
        QString version = QStringLiteral("0.1.3");
        TimbalService* service = m_service.get();
        Connector c;
        auto onVersion = [this](const char* v) {
            return find(m_all, [v](const Connector& x) {
                return isLive(x) && x.version == QLatin1String(v);
            });
        };
        if (kind == QLatin1String("200")) {
            c = onVersion("0.1.3");
            c.version = QStringLiteral("0.1.2"); // stale list
        } else if (kind == QLatin1String("202") || kind == QLatin1String("403")) {
            c = onVersion("0.1.2");
            if (kind == QLatin1String("403"))
                service = m_readOnly.get();
        } else if (kind == QLatin1String("404-connector")) {
            c.id = QStringLiteral("con_999999");
            c.version = QStringLiteral("0.1.2");
            c.online = true;
            c.connected = true;
        } else if (kind == QLatin1String("404-release")) {
            version = QStringLiteral("0.9.9"); // no release list: only the server can tell
            c = onVersion("0.1.2");
        } else if (kind == QLatin1String("422-offline")) {
            c = find(m_all, [](const Connector& x) {
                return isOffline(x) && x.version != QLatin1String("0.0.9");
            });
            c.connected = true; // it went away after the list was loaded
        } else if (kind == QLatin1String("422-old")) {
            c = onVersion("0.0.9");
        }
        QVERIFY2(!c.id.isEmpty(), "no suitable connector in the seeded sandbox");

        open({c}, service);
        typeVersion(version);
        QVERIFY2(!child<QLabel>("versionError")->isVisible(),
                 qPrintable(child<QLabel>("versionError")->text()));
        QPushButton* confirm = button("confirmButton");
        QTRY_VERIFY(confirm->isEnabled());
        QCOMPARE(confirm->text(), QStringLiteral("&Update 1 connector(s)"));
        QTest::mouseClick(confirm, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(countShown(qPrintable(countLabel)), 1, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->isRunning(), 60000);
        QVERIFY2(resultText(0).contains(message), qPrintable(resultText(0)));
        QCOMPARE(child<QProgressBar>("progressBar")->value(), 1);
        QCOMPARE(countsShownSum(), 1);
        QCOMPARE(m_audit->records().size(), 1);
        QCOMPARE(m_audit->records().first().tool, AuditTool::Gui);
        QCOMPARE(updatePosts(m_sandbox).size(), 1);
    }

    void typedVersionIsValidatedAtTheField_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("error");
        QTest::newRow("two parts") << "1.2"
                                   << "expected MAJOR.MINOR.PATCH";
        QTest::newRow("letters") << "x.y.z"
                                 << "major version 'x' is not a number";
        QTest::newRow("any semver: Timbal has no release list") << "0.9.9"
                                                                << "";
        QTest::newRow("v prefix is fine") << "v0.1.3"
                                          << "";
        QTest::newRow("latest is fine") << "latest"
                                        << "";
    }
    void typedVersionIsValidatedAtTheField()
    {
        QFETCH(QString, typed);
        QFETCH(QString, error);
        open(m_all);
        typeVersion(typed);
        QLabel* label = child<QLabel>("versionError");
        QCOMPARE(label->isVisible(), !error.isEmpty());
        if (!error.isEmpty())
            QVERIFY2(label->text().contains(error), qPrintable(label->text()));
        QCOMPARE(button("confirmButton")->isEnabled(), error.isEmpty());
    }

    void latestIsChosenByTimbalAndShownAfterDispatch()
    {
        // No release list (timbal openapi.json): the preview names latest as Timbal's choice
        // and the fleet's newest version as a hint; the answer's target_version is shown.
        const Connector c = find(m_all, [](const Connector& x) {
            return isLive(x) && x.version == QLatin1String("0.1.2");
        });
        open({c});
        m_dialog->setFleetNewestVersion(QStringLiteral("0.1.4")); // as the list knows it
        auto* combo = child<QComboBox>("versionCombo");
        QCOMPARE(combo->currentText(), QStringLiteral("latest (chosen by Timbal)"));
        QCOMPARE(combo->count(), 1); // nothing to list
        const QString summary = child<QLabel>("summaryLabel")->text();
        QVERIFY2(summary.contains(QStringLiteral("latest release (chosen by Timbal)")),
                 qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("0.1.4 is the newest version in this fleet")),
                 qPrintable(summary));
        QCOMPARE(child<QTableWidget>("rowsTable")->item(0, 1)->text(),
                 QStringLiteral("0.1.2 → latest"));
        QTest::mouseClick(button("confirmButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->isRunning(), 60000);
        QCOMPARE(child<QTableWidget>("rowsTable")->item(0, 1)->text(),
                 QStringLiteral("0.1.2 → 0.1.5"));
        QCOMPARE(m_audit->records().last().after.value(QLatin1String("version")).toString(),
                 QStringLiteral("0.1.5"));
        QVERIFY(!updatePosts(m_sandbox).first().value(QLatin1String("path")).toString().isEmpty());
        for (const QJsonValue& r : requestsSince(m_sandbox))
            QVERIFY(!r.toObject().value(QLatin1String("path")).toString().contains("releases"));
    }

    void windowThenConnectorctlNeverDispatchTwice()
    {
        // The window and connectorctl share the audit log: what the window dispatched and the
        // connector has not reported yet is skipped by connectorctl, with the reason; --force
        // sends it.
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QVERIFY(setUpdateDelay(m_sandbox, -1)); // it never reports the new version
        m_audit = std::make_unique<AuditLog>(home.filePath(QStringLiteral("data/ConnectorAdmin")));
        const Connector c = find(m_all, [](const Connector& x) {
            return isLive(x) && x.version == QLatin1String("0.1.2");
        });
        open({c});
        m_dialog->setPollOptions(100, 300);
        typeVersion(QStringLiteral("0.1.3"));
        QTest::mouseClick(button("confirmButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->isRunning(), 60000);
        QCOMPARE(updatePosts(m_sandbox).size(), 1);
        QVERIFY(m_audit->flush());

        auto ctl = [&](const QStringList& args) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("HOME"), home.path());
            env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
            env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
            env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                       QStringLiteral("unix:path=/nonexistent/bus"));
            env.insert(QStringLiteral("CONNECTOR_ADMIN_API_KEY"), QStringLiteral("demo-key"));
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(CA_CONNECTORCTL_BIN), args);
            p.waitForFinished(120000);
            return qMakePair(p.exitCode(), p.readAllStandardOutput() + p.readAllStandardError());
        };
        const auto added =
            ctl({QStringLiteral("profile"), QStringLiteral("add"), m_service->profile().name,
                 QStringLiteral("--vendor"), QStringLiteral("timbal"), QStringLiteral("--base-url"),
                 m_service->profile().baseUrl.toString(), QStringLiteral("--org"),
                 QStringLiteral("demo-org")});
        QVERIFY2(added.first == 0, added.second.constData());
        const QStringList update{QStringLiteral("update"), m_service->profile().name, c.id,
                                 QStringLiteral("--version"), QStringLiteral("0.1.3")};
        const auto skipped = ctl(update);
        QVERIFY2(skipped.first == 0, skipped.second.constData());
        QVERIFY2(skipped.second.contains("skipped: dispatched ") &&
                     skipped.second.contains("waiting for it to report 0.1.3"),
                 skipped.second.constData());
        QCOMPARE(updatePosts(m_sandbox).size(), 1);
        const auto forced = ctl(update + QStringList{QStringLiteral("--force")});
        QVERIFY2(forced.first == 0, forced.second.constData());
        QCOMPARE(updatePosts(m_sandbox).size(), 2);
    }

    void previewListsEveryConnectorWithSkipReasons()
    {
        open(m_all);
        typeVersion(QStringLiteral("0.1.3"));
        auto* table = child<QTableWidget>("rowsTable");
        QCOMPARE(table->rowCount(), 40);
        int skipped = 0;
        for (int r = 0; r < 40; ++r) {
            const Connector& c = m_all.at(r);
            const QString reason = table->item(r, 3)->text();
            if (isOffline(c))
                QCOMPARE(reason,
                         QStringLiteral("offline: not connected and no live connection to Timbal"));
            else if (c.version == QLatin1String("0.1.3"))
                QCOMPARE(reason, QStringLiteral("already on 0.1.3"));
            else
                QVERIFY2(reason.isEmpty(), qPrintable(reason));
            const QString from = c.version.isEmpty() ? QStringLiteral("unknown") : c.version;
            QCOMPARE(table->item(r, 1)->text(), from + QStringLiteral(" → 0.1.3"));
            skipped += !reason.isEmpty();
        }
        QVERIFY(skipped > 0);
        QCOMPARE(button("confirmButton")->text(),
                 QStringLiteral("&Update %1 connector(s)").arg(40 - skipped));
        QCOMPARE(updatePosts(m_sandbox).size(), 0); // a preview sends nothing
    }

    void cancelThenRetryFailedThroughButtons()
    {
        QList<Connector> targets;
        for (const Connector& c : m_all) {
            if (isLive(c) && c.version != QLatin1String("0.1.4") && !c.version.isEmpty())
                targets.append(c);
        }
        QVERIFY(targets.size() > 10);
        const QString flaky = find(targets, [](const Connector& x) {
                                  return x.version != QLatin1String("0.0.9");
                              }).id;
        QVERIFY(setFaults(
            m_sandbox, {fault(QStringLiteral("timbal:status=503#1"), QStringLiteral("POST"), flaky),
                        fault(QStringLiteral("timbal:latency=250"), QStringLiteral("POST"))}));
        open(targets);
        child<QSpinBox>("concurrencySpin")->setValue(2);
        QTest::mouseClick(button("confirmButton"), Qt::LeftButton);
        QVERIFY(m_dialog->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(countShown("countFailed") >= 1, 30000);
        QVERIFY(button("cancelRemainingButton")->isEnabled());
        QTest::mouseClick(button("cancelRemainingButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->isRunning(), 60000);
        QVERIFY(countShown("countCancelled") > 0);
        QCOMPARE(countsShownSum(), int(targets.size()));
        QCOMPARE(child<QProgressBar>("progressBar")->value(), int(targets.size()));

        const QSet<QString> failed = [&] {
            QSet<QString> s;
            for (const auto& r : m_dialog->run()->rows())
                if (r.state == State::Failed)
                    s.insert(r.connector.id);
            return s;
        }();
        QVERIFY(failed.contains(flaky));
        QSet<QString> cancelled;
        for (const auto& r : m_dialog->run()->rows())
            if (r.state == State::Cancelled)
                cancelled.insert(r.connector.id);
        for (const QJsonObject& p : updatePosts(m_sandbox))
            QVERIFY2(!cancelled.contains(postedId(p)), qPrintable(postedId(p)));

        const qint64 seq = lastSeq(m_sandbox);
        QPushButton* retry = button("retryFailedButton");
        QVERIFY(retry->isEnabled());
        QTest::mouseClick(retry, Qt::LeftButton);
        QCOMPARE(child<QTableWidget>("rowsTable")->rowCount(), int(failed.size()));
        QTRY_VERIFY_WITH_TIMEOUT(!m_dialog->isRunning(), 60000);
        QSet<QString> resent;
        for (const QJsonObject& p : updatePosts(m_sandbox, seq))
            resent.insert(postedId(p));
        QCOMPARE(resent, failed);
        for (const auto& r : m_dialog->run()->rows())
            if (r.connector.id == flaky)
                QCOMPARE(r.state, State::Updated);
    }

    void closingWhileRunningKeepsTheRunGoing()
    {
        QList<Connector> targets;
        for (const Connector& c : m_all) {
            if (isLive(c) && c.version != QLatin1String("0.1.4") &&
                c.version != QLatin1String("0.0.9") && !c.version.isEmpty())
                targets.append(c);
        }
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:latency=100"), QStringLiteral("POST"))}));
        open(targets);
        typeVersion(QStringLiteral("0.1.4"));
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        QSignalSpy finished(m_dialog.data(), &TimbalUpdateDialog::runFinished);
        QTest::mouseClick(button("confirmButton"), Qt::LeftButton);
        QTest::mouseClick(button("closeButton"), Qt::LeftButton);
        QVERIFY(m_dialog); // hidden, not deleted
        QVERIFY(!m_dialog->isVisible());
        QVERIFY(m_dialog->isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        QTRY_VERIFY(!m_dialog); // deleted itself once done
        QCOMPARE(updatePosts(m_sandbox).size(), int(targets.size()));
        int updated = 0;
        for (const QJsonObject& s : stateById(m_sandbox))
            updated += s.value(QLatin1String("version")).toString() == QLatin1String("0.1.4");
        QVERIFY(updated >= int(targets.size()));
    }
};

QTEST_MAIN(TestTimbalUpdateDialog)
#include "tst_timbal_update_dialog.moc"
