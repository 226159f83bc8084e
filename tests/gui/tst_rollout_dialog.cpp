#include "../timbal/TimbalTestSupport.h"
#include "RolloutDialog.h"
#include "RolloutStore.h"
#include "RolloutWavesView.h"
#include "TimbalRollout.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTreeWidget>

#include <cmath>

using namespace ca;
using namespace timbaltest;

// The rollout dialog driven like an admin would (offscreen), against the real sandbox: its plan,
// a rollout it drives to the end, one driven elsewhere that it follows and acts on, and Pause.
class TestRolloutDialog : public QObject, UpdateFixture
{
    Q_OBJECT

public:
    TestRolloutDialog() : UpdateFixture(this, 40, 300) {}

private:
    QPointer<RolloutDialog> m_dialog;
    std::unique_ptr<TimbalRollout> m_elsewhere; // "another process": its own driver and lock

    QString dataDir() const { return m_audit->directory(); }

    RolloutDialog* open(const QList<Connector>& connectors)
    {
        m_dialog = new RolloutDialog(*m_service, &m_http, connectors, m_audit.get());
        m_dialog->setPollIntervalMs(100);
        m_dialog->show();
        return m_dialog;
    }
    template <typename T> T* child(const char* name)
    {
        T* found = m_dialog ? m_dialog->findChild<T*>(QLatin1String(name)) : nullptr;
        if (!found)
            qWarning("no child %s", name);
        return found;
    }
    QPushButton* button(const char* name) { return child<QPushButton>(name); }
    QString text(const char* label) { return child<QLabel>(label)->text(); }
    void setText(const char* edit, const QString& text) { child<QLineEdit>(edit)->setText(text); }
    // The preview's top-level rows ("canary — 2 connector(s)", …) with their children counts.
    QList<QPair<QString, int>> previewGroups()
    {
        QList<QPair<QString, int>> out;
        QTreeWidget* tree = child<QTreeWidget>("previewTree");
        for (int i = 0; i < tree->topLevelItemCount(); ++i)
            out.append({tree->topLevelItem(i)->text(0), tree->topLevelItem(i)->childCount()});
        return out;
    }
    bool onLivePage()
    {
        return child<QStackedWidget>("pages")->currentWidget() == child<QWidget>("livePage");
    }
    // A rollout started and driven by m_elsewhere, as connectorctl would.
    bool startElsewhere(const QList<Connector>& connectors, RolloutOptions options)
    {
        options.pollIntervalMs = 100;
        QString error;
        const auto planned = TimbalRollout::plan(m_service.get(), connectors, options,
                                                 m_audit.get(), AuditTool::Cli, &error);
        if (!planned) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        m_elsewhere = std::make_unique<TimbalRollout>(m_service.get(), m_audit.get(),
                                                      AuditTool::Cli, dataDir());
        if (!m_elsewhere->start(*planned, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return true;
    }
    Profile lockProfile() const
    {
        Profile p;
        p.name = m_service->profile().name;
        p.baseUrl = m_service->profile().baseUrl;
        p.orgId = m_service->profile().orgId;
        return p;
    }
    // Update POSTs the sandbox received, per connector id.
    QHash<QString, int> postsById() const
    {
        QHash<QString, int> out;
        for (const QJsonObject& p : updatePosts(m_sandbox))
            ++out[postedId(p)];
        return out;
    }
    std::optional<Rollout> stored()
    {
        return RolloutStore(dataDir(), m_service->profile().name).latest();
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
        delete m_dialog;
        m_elsewhere.reset();
    }

    void planShowsTheWavesForTheOptions()
    {
        open(m_all);
        // "latest" is Timbal's choice: the fleet's newest version is only a hint.
        m_dialog->setFleetNewestVersion(QStringLiteral("0.1.4"));
        QVERIFY2(text("planSummary")
                     .contains(QStringLiteral("to the latest release (chosen by "
                                              "Timbal)")),
                 qPrintable(text("planSummary")));
        QVERIFY2(text("planSummary")
                     .contains(QStringLiteral("0.1.4 is the newest version in this "
                                              "fleet")),
                 qPrintable(text("planSummary")));
        child<QSpinBox>("canarySpin")->setValue(2);
        setText("wavesEdit", QStringLiteral("10%,50%,100%"));
        setText("versionEdit", QStringLiteral("0.1.5"));
        QVERIFY(!onLivePage());
        // Which connectors are eligible is the network layer's rule (offline, no version, …);
        // how they are split into waves is checked here from the percentages.
        QString error;
        RolloutOptions o;
        o.target = QStringLiteral("0.1.5");
        const auto plan =
            TimbalRollout::plan(m_service.get(), m_all, o, m_audit.get(), AuditTool::Gui, &error);
        QVERIFY2(plan, qPrintable(error));
        const int eligible = plan->allCounts().total;
        const int skipped = plan->skippedCount();
        QVERIFY(eligible > 10 && skipped > 0);
        const int rest = eligible - 2;
        const int upTo10 = int(std::ceil(rest * 0.10));
        const int upTo50 = int(std::ceil(rest * 0.50));
        const QList<QPair<QString, int>> expected{
            {QStringLiteral("canary — 2 connector(s)"), 2},
            {QStringLiteral("wave 1 — %1 connector(s)").arg(upTo10), upTo10},
            {QStringLiteral("wave 2 — %1 connector(s)").arg(upTo50 - upTo10), upTo50 - upTo10},
            {QStringLiteral("wave 3 — %1 connector(s)").arg(rest - upTo50), rest - upTo50},
            {QStringLiteral("Skipped — %1 connector(s), not part of any wave").arg(skipped),
             skipped}};
        QTRY_COMPARE(previewGroups(), expected);
        QPushButton* start = button("startButton");
        QVERIFY(start->isEnabled());
        QCOMPARE(start->text(),
                 QStringLiteral("&Start rollout: %1 connector(s) in 4 wave(s)").arg(eligible));
        // Each planned row says from → to; each skipped one why.
        QTreeWidgetItem* canary = child<QTreeWidget>("previewTree")->topLevelItem(0);
        QVERIFY2(canary->child(0)->text(1).endsWith(QStringLiteral(" → 0.1.5")),
                 qPrintable(canary->child(0)->text(1)));
        QTreeWidgetItem* skippedGroup = child<QTreeWidget>("previewTree")->topLevelItem(4);
        for (int i = 0; i < skippedGroup->childCount(); ++i)
            QVERIFY(!skippedGroup->child(i)->text(2).isEmpty());
        QVERIFY(updatePosts(m_sandbox).isEmpty()); // a plan sends nothing
    }

    void badInputBlocksStartAtTheField_data()
    {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("errorLabel");
        QTest::addColumn<QString>("error");
        QTest::newRow("waves not rising") << "wavesEdit"
                                          << "50%,25%,100%"
                                          << "wavesError"
                                          << "must be larger than the one before";
        QTest::newRow("waves not a number") << "wavesEdit"
                                            << "5%,most"
                                            << "wavesError"
                                            << "\"most\" is not a percentage";
        QTest::newRow("waves over 100") << "wavesEdit"
                                        << "5%,150%"
                                        << "wavesError"
                                        << "\"150\" is not a percentage from 1 to 100";
        QTest::newRow("no waves") << "wavesEdit"
                                  << ""
                                  << "wavesError"
                                  << "give at least one percentage";
        QTest::newRow("report time-out") << "reportTimeoutEdit"
                                         << "soon"
                                         << "reportTimeoutError"
                                         << "is not a duration";
        QTest::newRow("version") << "versionEdit"
                                 << "1.2"
                                 << "versionError"
                                 << "expected MAJOR.MINOR.PATCH";
    }
    void badInputBlocksStartAtTheField()
    {
        QFETCH(QString, edit);
        QFETCH(QString, typed);
        QFETCH(QString, errorLabel);
        QFETCH(QString, error);
        open(m_all);
        QPushButton* start = button("startButton");
        QTRY_VERIFY(start->isEnabled());
        QLineEdit* field = child<QLineEdit>(qPrintable(edit));
        field->selectAll();
        QTest::keyClick(field, Qt::Key_Backspace);
        QTest::keyClicks(field, typed);
        QLabel* label = child<QLabel>(qPrintable(errorLabel));
        // At once, not after the plan's pause: the field says what is wrong.
        QVERIFY(label->isVisible());
        QVERIFY2(label->text().contains(error), qPrintable(label->text()));
        QCOMPARE(field->accessibleDescription(), label->text());
        QVERIFY(!start->isEnabled());
        QCOMPARE(start->toolTip(), label->text());
        QTest::qWait(400); // the plan comes: still blocked
        QVERIFY(!start->isEnabled());
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(!onLivePage());
        QVERIFY(!stored().has_value()); // nothing started, nothing written

        // Fixed: the error goes, Start comes back.
        field->setText(edit == QLatin1String("versionEdit")         ? QStringLiteral("latest")
                       : edit == QLatin1String("reportTimeoutEdit") ? QStringLiteral("30m")
                                                                    : QStringLiteral("5%,100%"));
        QVERIFY(!label->isVisible());
        QTRY_VERIFY(start->isEnabled());
    }

    void startRunsToCompletion()
    {
        const QList<Connector> fleet = updatable(QStringLiteral("0.1.5"));
        QVERIFY(fleet.size() >= 10);
        open(fleet);
        setText("versionEdit", QStringLiteral("0.1.5"));
        child<QSpinBox>("canarySpin")->setValue(2);
        setText("wavesEdit", QStringLiteral("50%,100%"));
        setText("reportTimeoutEdit", QStringLiteral("20s"));
        QPushButton* start = button("startButton");
        QTRY_COMPARE(
            start->text(),
            QStringLiteral("&Start rollout: %1 connector(s) in 3 wave(s)").arg(fleet.size()));
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(onLivePage());
        QVERIFY(m_dialog->isRunning());
        QVERIFY(text("driverLabel").startsWith(QStringLiteral("Driven by this window")));
        QTRY_VERIFY_WITH_TIMEOUT(text("stateLabel").startsWith(QStringLiteral("completed")), 60000);
        QCOMPARE(text("stateLabel"),
                 QStringLiteral("completed: %1 of %1 updated, 0 failed").arg(fleet.size()));
        // Every connector got exactly one POST; the file says completed; the lock is free.
        const QHash<QString, int> posts = postsById();
        QCOMPARE(posts.size(), fleet.size());
        for (const Connector& c : fleet)
            QCOMPARE(posts.value(c.id), 1);
        const auto file = stored();
        QVERIFY(file);
        QCOMPARE(file->status, Rollout::Status::Completed);
        QCOMPARE(file->waveCount, 3);
        QTRY_VERIFY(!m_dialog->isRunning());
        QVERIFY(TimbalRollout::driverOf(lockProfile(), dataDir()).isEmpty());
        QVERIFY(text("driverLabel").startsWith(QStringLiteral("Over")));
        QVERIFY(button("newRolloutButton")->isVisible());
        QVERIFY(!button("pauseButton")->isEnabled());
        // Every wave's bar is full.
        const QString waves = child<RolloutWavesView>("wavesView")->accessibleDescription();
        QVERIFY2(waves.startsWith(QStringLiteral("canary: 2 of 2 done (2 succeeded, 0 failed)")),
                 qPrintable(waves));
        QCOMPARE(waves.count(QStringLiteral("0 in flight, 0 waiting")), 3);
        QVERIFY(
            child<QPlainTextEdit>("eventLog")->toPlainText().contains(QStringLiteral("completed")));
    }

    void opensTheLiveViewOfARolloutDrivenElsewhere()
    {
        // Started "in connectorctl": it stops after the canary for approval.
        RolloutOptions o;
        o.target = QStringLiteral("0.1.5");
        o.canaryCount = 2;
        o.wavePercents = {50, 100};
        o.approveEach = true;
        QVERIFY(startElsewhere(updatable(o.target), o));
        QTRY_VERIFY_WITH_TIMEOUT(m_elsewhere->rollout().status == Rollout::Status::AwaitingApproval,
                                 30000);

        open(m_all); // the list's connectors: the active rollout wins over a new plan
        QVERIFY(onLivePage());
        QCOMPARE(text("stateLabel"), m_elsewhere->rollout().stateText());
        QVERIFY2(text("stateLabel")
                     .contains(QStringLiteral("canary (1 of 3) finished (2 of 2 "
                                              "done, 0 failed)")),
                 qPrintable(text("stateLabel")));
        const QString waves = child<RolloutWavesView>("wavesView")->accessibleDescription();
        QVERIFY2(
            waves.startsWith(QStringLiteral("canary: 2 of 2 done (2 succeeded, 0 failed), 0 in "
                                            "flight, 0 waiting\nwave 1: 0 of")),
            qPrintable(waves));
        const QString pid = QString::number(QCoreApplication::applicationPid());
        QVERIFY2(text("driverLabel").startsWith(QStringLiteral("Driven by process %1").arg(pid)),
                 qPrintable(text("driverLabel")));
        QVERIFY(!m_dialog->isRunning());
        QVERIFY(button("continueButton")->isEnabled());
        QVERIFY(!button("resumeButton")->isEnabled());

        // Continue is handed to the driver; the view follows its file.
        QTest::mouseClick(button("continueButton"), Qt::LeftButton);
        QVERIFY2(text("noticeLabel").startsWith(QStringLiteral("Asked process %1").arg(pid)),
                 qPrintable(text("noticeLabel")));
        QTRY_VERIFY_WITH_TIMEOUT(m_elsewhere->rollout().currentWave == 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            child<QPlainTextEdit>("eventLog")
                ->toPlainText()
                .contains(
                    QStringLiteral("wave 1 approved and started (asked by the window (process %1))")
                        .arg(pid)),
            10000);
        QTRY_COMPARE_WITH_TIMEOUT(text("stateLabel"), m_elsewhere->rollout().stateText(), 20000);
        QVERIFY(!m_dialog->isRunning());
    }

    void notDrivenRolloutIsResumedHere_data()
    {
        QTest::addColumn<bool>("paused");
        QTest::addColumn<QString>("state");
        QTest::newRow("paused, then connectorctl exited") << true << "paused in wave 1";
        QTest::newRow("connectorctl gone in the middle of a wave") << false << "wave 1 (1 of 1)";
    }
    void notDrivenRolloutIsResumedHere()
    {
        // connectorctl went away in the middle of its only wave: the rollout is active, its file
        // current, and nobody drives it.
        QFETCH(bool, paused);
        QFETCH(QString, state);
        QVERIFY(setFaults(m_sandbox, {fault(QStringLiteral("timbal:latency=150"),
                                            QStringLiteral("POST"), QStringLiteral("/update"))}));
        RolloutOptions o;
        o.target = QStringLiteral("0.1.5");
        o.wavePercents = {100};
        o.parallel = 1;
        const QList<Connector> fleet = updatable(o.target);
        QVERIFY(startElsewhere(fleet, o));
        QTRY_VERIFY_WITH_TIMEOUT(updatePosts(m_sandbox).size() >= 3, 20000);
        if (paused) {
            m_elsewhere->pause();
            QTest::qWait(400); // the POST in flight answers
        }
        m_elsewhere.reset(); // saves and lets go of the lock

        open(m_all);
        QVERIFY(onLivePage());
        QVERIFY2(text("driverLabel").startsWith(QStringLiteral("Not driven")),
                 qPrintable(text("driverLabel")));
        QVERIFY2(text("stateLabel").startsWith(state), qPrintable(text("stateLabel")));
        QVERIFY(!m_dialog->isRunning());
        QCOMPARE(button("pauseButton")->isEnabled(), !paused);
        QPushButton* resume = button("resumeButton");
        QVERIFY(resume->isEnabled());
        QTest::mouseClick(resume, Qt::LeftButton);
        // This window drives it now, from where it was: nobody gets a second POST.
        QVERIFY(m_dialog->isRunning());
        QVERIFY2(text("driverLabel").startsWith(QStringLiteral("Driven by this window")),
                 qPrintable(text("driverLabel")));
        QTRY_VERIFY_WITH_TIMEOUT(text("stateLabel").startsWith(QStringLiteral("completed")), 60000);
        QCOMPARE(stored()->status, Rollout::Status::Completed);
        const QHash<QString, int> posts = postsById();
        QCOMPARE(posts.size(), fleet.size());
        for (const Connector& c : fleet)
            QCOMPARE(posts.value(c.id), 1);
    }

    void abortAndRollBackAsksFirst()
    {
        const QList<Connector> fleet = updatable(QStringLiteral("0.1.5"));
        open(fleet);
        setText("versionEdit", QStringLiteral("0.1.5"));
        child<QSpinBox>("canarySpin")->setValue(2);
        child<QCheckBox>("approveCheck")->setChecked(true);
        QPushButton* start = button("startButton");
        QTRY_VERIFY(start->text().contains(QStringLiteral("in 4 wave(s)")));
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            text("stateLabel").contains(QStringLiteral("waiting for Continue")), 30000);
        QCOMPARE(updatePosts(m_sandbox).size(), 2);

        // Asked, not done: the box is open (not exec'd) and Cancel changes nothing.
        QTest::mouseClick(button("rollbackButton"), Qt::LeftButton);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = m_dialog->findChild<QMessageBox*>(QStringLiteral("confirmAbortBox"))) &&
                    box->isVisible());
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!m_dialog->findChild<QMessageBox*>(QStringLiteral("confirmAbortBox")));
        QVERIFY(text("stateLabel").contains(QStringLiteral("waiting for Continue")));

        QTest::mouseClick(button("rollbackButton"), Qt::LeftButton);
        QTRY_VERIFY((box = m_dialog->findChild<QMessageBox*>(QStringLiteral("confirmAbortBox"))) &&
                    box->isVisible());
        box->findChild<QPushButton*>(QStringLiteral("confirmAbortButton"))->click();
        // The rollback is a rollout of its own, shown in the same view: the canary goes back.
        QTRY_VERIFY_WITH_TIMEOUT(text("liveTitle").startsWith(QStringLiteral("<b>Rollback ")),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(text("stateLabel").startsWith(QStringLiteral("completed: 2 of 2")),
                                 60000);
        const QHash<QString, int> posts = postsById();
        QCOMPARE(posts.size(), 2);
        for (int n : std::as_const(posts))
            QCOMPARE(n, 2);
        QVERIFY(!m_dialog->isRunning());
    }

    void pauseStopsSending()
    {
        // One POST at a time, each held 150 ms: Pause lands in the middle of the only wave.
        QVERIFY(setFaults(m_sandbox, {fault(QStringLiteral("timbal:latency=150"),
                                            QStringLiteral("POST"), QStringLiteral("/update"))}));
        const QList<Connector> fleet = updatable(QStringLiteral("0.1.5"));
        open(fleet);
        setText("versionEdit", QStringLiteral("0.1.5"));
        setText("wavesEdit", QStringLiteral("100%"));
        child<QSpinBox>("parallelSpin")->setValue(1);
        QPushButton* start = button("startButton");
        QTRY_VERIFY(start->text().contains(QStringLiteral("in 1 wave(s)")));
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(updatePosts(m_sandbox).size() >= 3, 20000);
        QPushButton* pause = button("pauseButton");
        QVERIFY(pause->isEnabled());
        QTest::mouseClick(pause, Qt::LeftButton);
        QTRY_VERIFY(text("stateLabel").startsWith(QStringLiteral("paused")));
        QVERIFY(!pause->isEnabled());
        QVERIFY(button("resumeButton")->isEnabled());
        QVERIFY(m_dialog->isRunning()); // still this window's: it applies a resume from anywhere
        // The POST in flight at the click may still arrive; then nothing more.
        QTest::qWait(500);
        const qsizetype sent = updatePosts(m_sandbox).size();
        QVERIFY2(sent < fleet.size(), qPrintable(QString::number(sent)));
        QTest::qWait(1500);
        QCOMPARE(updatePosts(m_sandbox).size(), sent);
        QCOMPARE(stored()->status, Rollout::Status::Paused);
        QVERIFY(
            child<QPlainTextEdit>("eventLog")->toPlainText().contains(QStringLiteral("paused")));
    }
};

QTEST_MAIN(TestRolloutDialog)
#include "tst_rollout_dialog.moc"
