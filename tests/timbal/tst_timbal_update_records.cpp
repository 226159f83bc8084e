// The records of a Timbal update run (ctest -L timbal): no POST leaves before the record of its
// intent is in the audit log; every intent gets its outcome record, also for rows never sent
// (cancelled, the profile closed, the run closed); an intent whose app stopped is read back at the
// next start, said in words and closed; and meanwhile it keeps the same update from being sent
// again (Timbal keeps no pending state: these records are the only memory of it).
#include "AuditLog.h"
#include "HttpClient.h"
#include "IntentReconciler.h"
#include "TimbalTestSupport.h"

#include <QTemporaryDir>

using namespace ca;
using namespace timbaltest;
using State = TimbalUpdateRun::RowState;

namespace {

// Intents in `log` with no outcome record (records() leaves out the concluded ones).
int openIntentCount(const AuditLog& log)
{
    int n = 0;
    for (const AuditRecord& r : log.records())
        n += r.outcome == AuditOutcome::Intent;
    return n;
}

// An intent left by a process that is gone, as a crash mid-run leaves it.
AuditRecord strandedIntent(const Connector& c, const QString& from, const QString& to)
{
    AuditRecord r;
    r.time = QDateTime::currentDateTimeUtc().addSecs(-30);
    r.tool = AuditTool::Cli;
    r.profile = QStringLiteral("test-timbal");
    r.vendor = Vendor::Timbal;
    r.connectorId = c.id;
    r.connectorName = c.displayName;
    r.action = AuditAction::SoftwareUpdate;
    r.outcome = AuditOutcome::Intent;
    r.operationId = QStringLiteral("op-stranded-") + c.id;
    r.processId = 2147483646; // no system hands out this id: the writer is gone
    r.host = QSysInfo::machineHostName();
    r.before = QJsonObject{{QStringLiteral("version"), from}};
    r.after = QJsonObject{{QStringLiteral("version"), to}};
    return r;
}

} // namespace

class TestTimbalUpdateRecords : public QObject, UpdateFixture
{
    Q_OBJECT

public:
    TestTimbalUpdateRecords() : UpdateFixture(this, 200, 100) {}

private:
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startFixture(&error), qPrintable(error));
    }
    void init() { QVERIFY(beginTest()); }

    // Each row starts sending only once its intent line is in the file; with more rows than
    // intentsAhead() the intents go in several batches. Afterwards every POST has one intent
    // and one outcome under the same operationId, and none is left open.
    void everyPostLeavesAfterItsIntentIsWritten()
    {
        const QList<Connector> targets = updatable(QStringLiteral("0.1.4"));
        QVERIFY(targets.size() > 100);
        TimbalUpdateRun* run = makeRun(targets, QStringLiteral("0.1.4"));
        run->setConcurrency(8);
        run->setPollingEnabled(false);
        QVERIFY(run->intentsAhead() < targets.size());
        QStringList sentBeforeItsIntent;
        connect(run, &TimbalUpdateRun::rowChanged, this, [&, run](int i) {
            const TimbalUpdateRun::Row& r = run->rows().at(i);
            if (r.state != State::Dispatching)
                return;
            QFile file(m_audit->filePath());
            const QByteArray bytes = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
            if (r.operationId.isEmpty() || !bytes.contains(r.operationId.toUtf8()))
                sentBeforeItsIntent << r.connector.id;
        });
        QSignalSpy done(run, &TimbalUpdateRun::finished);
        run->start();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 90000);
        QVERIFY2(sentBeforeItsIntent.isEmpty(), qPrintable(sentBeforeItsIntent.join(u' ')));

        const QList<QJsonObject> posts = updatePosts(m_sandbox);
        QCOMPARE(posts.size(), run->plannedCount());
        QVERIFY(m_audit->flush());
        QHash<QString, QStringList> byOperation;
        QFile file(m_audit->filePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        for (const QByteArray& line : file.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            const auto rec = AuditRecord::fromJson(QJsonDocument::fromJson(line).object());
            QVERIFY(rec);
            byOperation[rec->operationId] << auditOutcomeName(rec->outcome);
        }
        QCOMPARE(byOperation.size(), posts.size());
        for (auto it = byOperation.cbegin(); it != byOperation.cend(); ++it) {
            QVERIFY(!it.key().isEmpty());
            QCOMPARE(it.value().size(), 2);
            QCOMPARE(it.value().first(), QStringLiteral("intent"));
        }
        QCOMPARE(openIntentCount(*m_audit), 0);
    }

    // Rows that got an intent and were never sent are closed as such: cancel, the profile
    // closed, the run deleted mid-way.
    void rowsNeverSentCloseTheirIntents_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("cancelled") << QStringLiteral("cancel");
        QTest::newRow("profile closed") << QStringLiteral("service");
        QTest::newRow("run closed") << QStringLiteral("delete");
    }
    void rowsNeverSentCloseTheirIntents()
    {
        QFETCH(QString, how);
        auto* service = new TimbalService(profileFor(m_sandbox), &m_http);
        const QList<Connector> targets = updatable(QStringLiteral("0.1.4")).mid(0, 30);
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:latency=300"), QStringLiteral("POST"))}));
        TimbalUpdateRun* run = makeRun(targets, QStringLiteral("0.1.4"), service);
        run->setConcurrency(2);
        run->setPollingEnabled(false);
        run->start();
        QTRY_VERIFY_WITH_TIMEOUT(run->counts().of(State::Dispatched) >= 1 &&
                                     run->counts().of(State::Dispatching) >= 1,
                                 30000);
        // The intents of the rows after these were written ahead, not sent.
        if (how == QLatin1String("cancel")) {
            QSignalSpy done(run, &TimbalUpdateRun::finished);
            run->cancelRemaining();
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        } else if (how == QLatin1String("service")) {
            delete service;
            service = nullptr;
        } else {
            delete run;
        }
        delete service;
        QTRY_COMPARE_WITH_TIMEOUT(openIntentCount(*m_audit), 0, 5000);
        int notSent = 0;
        for (const AuditRecord& r : m_audit->records())
            notSent += r.outcome == AuditOutcome::Failed &&
                       r.message.startsWith(QLatin1String("not sent: "));
        QVERIFY2(notSent >= 20, qPrintable(QString::number(notSent)));
        QCOMPARE(m_audit->records().size(), targets.size());
    }

    // An update whose app stopped while sending: until the next start reconciles it, the same
    // update is not sent again; the reconciler reads each connector, says what it found and
    // closes the intent (went out: the target is reported; not known: the old version is).
    void anUpdateLeftOpenByACrashIsToldAndClosed()
    {
        const Connector still = liveOn(QStringLiteral("0.1.2"));
        const Connector moved = liveOn(QStringLiteral("0.1.3"));
        QVERIFY(!still.id.isEmpty() && !moved.id.isEmpty());
        {
            AuditLog crashed(m_audit->directory());
            QVERIFY(crashed.append(
                strandedIntent(still, QStringLiteral("0.1.2"), QStringLiteral("0.1.3"))));
            QVERIFY(crashed.append(
                strandedIntent(moved, QStringLiteral("0.1.2"), QStringLiteral("0.1.3"))));
            QVERIFY(crashed.flush());
        }
        TimbalUpdateRun* before = makeRun({still}, QStringLiteral("0.1.3"));
        before->preview();
        QCOMPARE(before->rows().first().state, State::Skipped);
        QVERIFY2(before->rows().first().skipReason.contains(QLatin1String("no recorded outcome")),
                 qPrintable(before->rows().first().skipReason));

        auto* reconciler = new IntentReconciler(m_audit.get(), m_service.get(), AuditTool::Gui);
        std::optional<QList<IntentReconciler::Result>> results;
        connect(reconciler, &IntentReconciler::finished, this,
                [&results](const QList<IntentReconciler::Result>& r) { results = r; });
        reconciler->start();
        QTRY_VERIFY_WITH_TIMEOUT(results.has_value(), 30000);
        QCOMPARE(results->size(), 2);
        for (const IntentReconciler::Result& r : *results) {
            QVERIFY2(r.text.contains(QStringLiteral("software update (0.1.2 → 0.1.3)")),
                     qPrintable(r.text));
            QVERIFY(r.outcome);
            if (r.intent.connectorId == still.id) {
                QCOMPARE(*r.outcome, AuditOutcome::AnswerLost);
                QVERIFY2(r.text.contains(QLatin1String("not known")), qPrintable(r.text));
            } else {
                QCOMPARE(*r.outcome, AuditOutcome::Dispatched);
                QVERIFY2(r.text.contains(QLatin1String("went out")), qPrintable(r.text));
            }
        }
        QVERIFY(m_audit
                    ->openIntents(QStringLiteral("test-timbal"),
                                  QDateTime::currentDateTimeUtc().addDays(-1))
                    .isEmpty());
        // Still not sent again inside the dispatch window (it may have gone out), unless forced.
        TimbalUpdateRun* after = makeRun({still}, QStringLiteral("0.1.3"));
        after->preview();
        QCOMPARE(after->rows().first().state, State::Skipped);
        QVERIFY2(after->rows().first().skipReason.contains(QLatin1String("without an answer")),
                 qPrintable(after->rows().first().skipReason));
        QCOMPARE(updatePosts(m_sandbox).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTimbalUpdateRecords)
#include "tst_timbal_update_records.moc"
