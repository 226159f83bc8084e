#include "AuditLog.h"
#include "HttpClient.h"
#include "TimbalTestSupport.h"

#include <QTemporaryDir>

using namespace ca;
using namespace timbaltest;
using State = TimbalUpdateRun::RowState;

Q_DECLARE_METATYPE(ca::TimbalUpdateRun::RowState)

// TimbalUpdateRun against the real sandbox: every status of the seed page, the plan's skip
// reasons, bounded concurrency, cancel, retry of failures, polling, and no POST ever sent twice.
class TestTimbalUpdateRun : public QObject, UpdateFixture
{
    Q_OBJECT

public:
    TestTimbalUpdateRun() : UpdateFixture(this, 200, 300) {}

private:
    static bool runToEnd(TimbalUpdateRun* run)
    {
        QSignalSpy done(run, &TimbalUpdateRun::finished);
        run->start();
        [&] { QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 90000); }();
        return done.count() == 1;
    }
    static bool sumIsTotal(const TimbalUpdateRun::Counts& c)
    {
        int sum = 0;
        for (int n : c.byState)
            sum += n;
        return sum == c.total;
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startFixture(&error), qPrintable(error));
    }
    void init() { QVERIFY(beginTest()); }

    void seedStatusEndsRowAsDocumented_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<State>("state");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("outcome");
        QTest::newRow("200 already on target")
            << "200" << State::AlreadyCurrent << 200 << "already on 0.1.3, nothing to do"
            << "already-current";
        QTest::newRow("202 dispatched, then updated")
            << "202" << State::Updated << 202 << "updated to 0.1.3"
            << "dispatched";
        QTest::newRow("403 read-only key")
            << "403" << State::Failed << 403 << "this API key may not update connectors"
            << "failed";
        QTest::newRow("404 connector")
            << "404-connector" << State::Failed << 404 << "connector not found (server: "
            << "failed";
        // No release list (timbal openapi.json): an unknown release is learnt from the 404.
        QTest::newRow("404 release 0.9.9")
            << "404-release" << State::Failed << 404 << "release 0.9.9 not found at Timbal"
            << "failed";
        QTest::newRow("422 offline") << "422-offline" << State::Failed << 422
                                     << "offline: Timbal could not reach the connector (server: "
                                     << "failed";
        QTest::newRow("422 too old")
            << "422-old" << State::Failed << 422
            << "too old to update remotely — update it on its machine (server: "
            << "failed";
    }
    void seedStatusEndsRowAsDocumented()
    {
        QFETCH(QString, kind);
        QFETCH(State, state);
        QFETCH(int, status);
        QFETCH(QString, message);
        QFETCH(QString, outcome);

        QString target = QStringLiteral("0.1.3");
        TimbalService* service = m_service.get();
        Connector c;
        if (kind == QLatin1String("200")) {
            // Listed before someone else updated it: the snapshot is stale.
            c = liveOn(QStringLiteral("0.1.3"));
            c.version = QStringLiteral("0.1.2");
        } else if (kind == QLatin1String("202") || kind == QLatin1String("403")) {
            c = liveOn(QStringLiteral("0.1.2"));
            if (kind == QLatin1String("403"))
                service = m_readOnly.get();
        } else if (kind == QLatin1String("404-connector")) {
            c.id = QStringLiteral("con_999999"); // deleted since the list was loaded
            c.version = QStringLiteral("0.1.2");
            c.online = true;
            c.connected = true;
        } else if (kind == QLatin1String("404-release")) {
            target = QStringLiteral("0.9.9");
            c = liveOn(QStringLiteral("0.1.2"));
        } else if (kind == QLatin1String("422-offline")) {
            c = find(m_all, [](const Connector& x) {
                return isOffline(x) && x.version != QLatin1String("0.0.9");
            });
            c.connected = true; // it went offline after the list was loaded
        } else if (kind == QLatin1String("422-old")) {
            c = liveOn(QStringLiteral("0.0.9"));
        }
        QVERIFY2(!c.id.isEmpty(), "no suitable connector in the seeded sandbox");

        TimbalUpdateRun* run = makeRun({c}, target, service);
        QVERIFY(runToEnd(run));
        const TimbalUpdateRun::Row& row = run->rows().first();
        QCOMPARE(row.state, state);
        QCOMPARE(row.httpStatus, status);
        QVERIFY2(row.message.startsWith(message), qPrintable(row.message));

        const QList<QJsonObject> posts = updatePosts(m_sandbox);
        QCOMPARE(posts.size(), 1);
        QCOMPARE(postedId(posts.first()), c.id);
        QCOMPARE(posts.first()
                     .value(QLatin1String("json"))
                     .toObject()
                     .value(QLatin1String("version"))
                     .toString(),
                 target);

        const QList<AuditRecord> records = m_audit->records();
        QCOMPARE(records.size(), 1);
        QCOMPARE(auditOutcomeName(records.first().outcome), outcome);
        QCOMPARE(records.first().action, AuditAction::SoftwareUpdate);
        QCOMPARE(records.first().tool, AuditTool::Cli);
        QCOMPARE(records.first().httpStatus, status);
        QCOMPARE(records.first().connectorId, c.id);
        QCOMPARE(records.first().before.value(QLatin1String("version")).toString(), c.version);
        QCOMPARE(records.first().after.value(QLatin1String("version")).toString(), target);
        if (status == 202)
            QVERIFY2(records.first().message.startsWith(QStringLiteral(
                         "update to 0.1.3 dispatched (artifact timbal-connector-0.1.3-")),
                     qPrintable(records.first().message));
    }

    void previewSkipsWithReason_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("reason");
        QTest::newRow("offline: neither connected nor online")
            << "offline"
            << "0.1.3"
            << "offline: not connected and no live connection to Timbal";
        QTest::newRow("already on target") << "current"
                                           << "0.1.3"
                                           << "already on 0.1.3";
        QTest::newRow("already on target, v prefix") << "current"
                                                     << "v0.1.3"
                                                     << "already on 0.1.3";
        QTest::newRow("not a version") << "plain"
                                       << "0.1"
                                       << "is not a version";
        QTest::newRow("listed twice") << "twice"
                                      << "0.1.3"
                                      << "listed twice";
    }
    void previewSkipsWithReason()
    {
        QFETCH(QString, kind);
        QFETCH(QString, target);
        QFETCH(QString, reason);
        QList<Connector> list;
        const Connector plain = liveOn(QStringLiteral("0.1.2"));
        if (kind == QLatin1String("offline")) {
            list = {find(m_all, isOffline)};
        } else if (kind == QLatin1String("current")) {
            list = {liveOn(QStringLiteral("0.1.3"))};
        } else if (kind == QLatin1String("twice")) {
            list = {plain, plain};
        } else {
            list = {plain};
        }
        TimbalUpdateRun* run = makeRun(list, target);
        QSignalSpy ready(run, &TimbalUpdateRun::previewReady);
        run->preview();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        const TimbalUpdateRun::Row& skipped = run->rows().last();
        QCOMPARE(skipped.state, State::Skipped);
        QVERIFY2(skipped.skipReason.contains(reason), qPrintable(skipped.skipReason));

        const qint64 before = lastSeq(m_sandbox);
        QVERIFY(runToEnd(run));
        const int expectedPosts = kind == QLatin1String("twice") ? 1 : 0;
        QCOMPARE(updatePosts(m_sandbox, before).size(), expectedPosts);
    }

    void connectedButNotOnlineIsSentAndTheServerDecides()
    {
        // online is "a live socket on this instance" only (timbal openapi.json): such a connector
        // is sent, and the server's answer is reported per connector.
        const QHash<QString, QJsonObject> state = stateById(m_sandbox);
        QList<Connector> list;
        int reachable = 0;
        for (const Connector& c : m_all) {
            if (c.connected.value_or(false) && !c.online.value_or(true) &&
                c.version != QLatin1String("0.0.9") && !c.version.isEmpty()) {
                list.append(c);
                reachable += sandboxFacts(state, c.id).value(QLatin1String("reachable")).toBool();
            }
        }
        QVERIFY2(reachable > 0 && reachable < list.size(),
                 "the sandbox seeds both kinds of connected-but-not-online connectors");
        TimbalUpdateRun* run = makeRun(list, QStringLiteral("0.1.5"));
        run->setPollingEnabled(false);
        run->preview();
        QCOMPARE(run->plannedCount(), list.size());
        QVERIFY(runToEnd(run));
        QCOMPARE(updatePosts(m_sandbox).size(), list.size());
        for (const TimbalUpdateRun::Row& r : run->rows()) {
            const bool ok = sandboxFacts(state, r.connector.id).value("reachable").toBool();
            QCOMPARE(r.state, ok ? State::Dispatched : State::Failed);
            if (!ok) {
                QCOMPARE(r.httpStatus, 422);
                QVERIFY2(r.message.startsWith(QStringLiteral("offline: Timbal could not reach")),
                         qPrintable(r.message));
            }
        }
    }

    void latestIsChosenByTheServer()
    {
        // No release list (timbal openapi.json): the preview says "latest", the POST carries
        // null, the answer's target_version is shown and recorded; the fleet's newest is a hint.
        const Connector c = liveOn(QStringLiteral("0.1.2"));
        TimbalUpdateRun* run = makeRun({c}, QString());
        run->setPollingEnabled(false);
        run->preview();
        QCOMPARE(run->resolvedTarget(), QString());
        QCOMPARE(run->rows().first().toVersion, QString());
        QVERIFY2(run->planWarning().contains(QStringLiteral("Timbal chooses the latest release")),
                 qPrintable(run->planWarning()));
        QVERIFY2(run->planWarning().contains(QStringLiteral("0.1.2 is the newest version in this "
                                                            "fleet")),
                 qPrintable(run->planWarning()));
        QVERIFY(runToEnd(run));
        QCOMPARE(run->rows().first().state, State::Dispatched);
        QCOMPARE(run->rows().first().toVersion, QStringLiteral("0.1.5"));
        const QList<QJsonObject> posts = updatePosts(m_sandbox);
        QCOMPARE(posts.size(), 1);
        QCOMPARE(
            posts.first().value(QLatin1String("json")).toObject().value(QLatin1String("version")),
            QJsonValue(QJsonValue::Null));
        for (const QJsonValue& r : requestsSince(m_sandbox))
            QVERIFY(!r.toObject().value(QLatin1String("path")).toString().contains("releases"));
        QCOMPARE(m_audit->records().first().after.value(QLatin1String("version")).toString(),
                 QStringLiteral("0.1.5"));
    }

    void dispatchedRecentlyIsNotSentAgainUnlessForced()
    {
        // Timbal keeps no pending state (timbal openapi.json): the app's own record of the
        // dispatch keeps a second run from sending the same update while it is not reported.
        QVERIFY(setUpdateDelay(m_sandbox, -1)); // never reports
        const Connector c = liveOn(QStringLiteral("0.1.2"));
        TimbalUpdateRun* first = makeRun({c}, QStringLiteral("0.1.3"));
        first->setPollingEnabled(false);
        QVERIFY(runToEnd(first));
        QCOMPARE(first->rows().first().state, State::Dispatched);

        TimbalUpdateRun* again = makeRun({c}, QStringLiteral("0.1.3"));
        again->preview();
        QCOMPARE(again->rows().first().state, State::Skipped);
        QVERIFY2(again->rows().first().skipReason.startsWith(QStringLiteral("dispatched ")),
                 qPrintable(again->rows().first().skipReason));
        QVERIFY2(again->rows().first().skipReason.endsWith(
                     QStringLiteral("ago, waiting for it to report 0.1.3")),
                 qPrintable(again->rows().first().skipReason));
        // "latest" is the same request as far as anyone can tell: skipped too.
        TimbalUpdateRun* latest = makeRun({c}, QString());
        latest->preview();
        QCOMPARE(latest->rows().first().state, State::Skipped);
        QVERIFY(runToEnd(again));
        QCOMPARE(updatePosts(m_sandbox).size(), 1);

        // Another target, a window of 0, or --force: sent.
        TimbalUpdateRun* other = makeRun({c}, QStringLiteral("0.1.4"));
        other->preview();
        QCOMPARE(other->rows().first().state, State::Pending);
        TimbalUpdateRun* noWindow = makeRun({c}, QStringLiteral("0.1.3"));
        noWindow->setDispatchWindowMs(0);
        noWindow->preview();
        QCOMPARE(noWindow->rows().first().state, State::Pending);
        TimbalUpdateRun* forced = makeRun({c}, QStringLiteral("0.1.3"));
        forced->setForce(true);
        forced->setPollingEnabled(false);
        QVERIFY(runToEnd(forced));
        QCOMPARE(forced->rows().first().state, State::Dispatched);
        QCOMPARE(updatePosts(m_sandbox).size(), 2);
    }

    void dispatchRecordedAfterThePreviewStillStopsTheRun()
    {
        // Planned, then someone else (another window, connectorctl) dispatched meanwhile.
        QVERIFY(setUpdateDelay(m_sandbox, -1));
        const Connector c = liveOn(QStringLiteral("0.1.2"));
        TimbalUpdateRun* planned = makeRun({c}, QStringLiteral("0.1.3"));
        planned->preview();
        QCOMPARE(planned->rows().first().state, State::Pending);
        AuditLog other(m_audit->directory());
        AuditRecord r;
        r.tool = AuditTool::Gui;
        r.profile = m_service->profile().name;
        r.vendor = Vendor::Timbal;
        r.connectorId = c.id;
        r.action = AuditAction::SoftwareUpdate;
        r.outcome = AuditOutcome::Dispatched;
        r.httpStatus = 202;
        r.before = QJsonObject{{QStringLiteral("version"), c.version}};
        r.after = QJsonObject{{QStringLiteral("version"), QStringLiteral("0.1.3")}};
        QVERIFY(other.append(r));
        QVERIFY(other.flush());
        QVERIFY(runToEnd(planned));
        QCOMPARE(planned->rows().first().state, State::Skipped);
        QCOMPARE(updatePosts(m_sandbox).size(), 0);
    }

    void connectorInFlightInAnotherRunIsSkipped()
    {
        const Connector c = liveOn(QStringLiteral("0.1.2"));
        QVERIFY(setFaults(m_sandbox, {fault(QStringLiteral("timbal:latency=800"),
                                            QStringLiteral("POST"), c.id)}));
        TimbalUpdateRun* first = makeRun({c}, QStringLiteral("0.1.3"));
        QSignalSpy firstDone(first, &TimbalUpdateRun::finished);
        first->start();
        QTRY_COMPARE_WITH_TIMEOUT(first->rows().first().state, State::Dispatching, 30000);

        TimbalUpdateRun* second = makeRun({c}, QStringLiteral("0.1.3"));
        QSignalSpy ready(second, &TimbalUpdateRun::previewReady);
        second->preview();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
        QCOMPARE(second->rows().first().state, State::Skipped);
        QCOMPARE(second->rows().first().skipReason,
                 QStringLiteral("already being updated by another run"));
        QTRY_COMPARE_WITH_TIMEOUT(firstDone.count(), 1, 60000);
        QCOMPARE(updatePosts(m_sandbox).size(), 1);
    }

    void bulkRunEndsWithCorrectCounts()
    {
        const QList<Connector> targets = updatable(QStringLiteral("0.1.5"));
        QVERIFY(targets.size() > 20);
        const QString notFound = targets.at(3).id;
        const QString flaky = targets.at(7).id;
        QVERIFY(
            setFaults(m_sandbox,
                      {fault(QStringLiteral("timbal:status=404"), QStringLiteral("POST"), notFound),
                       fault(QStringLiteral("timbal:status=503#1"), QStringLiteral("POST"), flaky),
                       fault(QStringLiteral("timbal:latency=30"), QStringLiteral("POST"))}));

        // What the sandbox will answer, from its state: offline ones are skipped, too old and
        // unreachable ones refused (422), the others updated to the server's latest.
        const QHash<QString, QJsonObject> state = stateById(m_sandbox);
        TimbalUpdateRun* run = makeRun(m_all, QString());
        QList<TimbalUpdateRun::Counts> seen;
        connect(run, &TimbalUpdateRun::countsChanged, this,
                [&seen](const TimbalUpdateRun::Counts& c) { seen.append(c); });
        QVERIFY(runToEnd(run));

        const TimbalUpdateRun::Counts c = run->counts();
        QCOMPARE(c.total, 200);
        QCOMPARE(c.of(State::Pending) + c.of(State::Dispatching) + c.of(State::Polling) +
                     c.of(State::Cancelled) + c.of(State::TimedOut),
                 0);
        QCOMPARE(c.finished, 200);
        for (const TimbalUpdateRun::Counts& s : seen)
            QVERIFY(sumIsTotal(s));
        int skipped = 0, refused = 0;
        for (const TimbalUpdateRun::Row& r : run->rows()) {
            const Connector& listed =
                find(m_all, [&](const Connector& x) { return x.id == r.connector.id; });
            const bool reachable =
                sandboxFacts(state, r.connector.id).value(QLatin1String("reachable")).toBool();
            if (isOffline(listed)) {
                ++skipped;
                QCOMPARE(r.state, State::Skipped);
            } else if (r.connector.id == notFound) {
                QVERIFY2(r.message.startsWith(QStringLiteral("connector not found")),
                         qPrintable(r.message));
            } else if (r.connector.id == flaky) {
                QCOMPARE(r.state, State::Failed);
                QCOMPARE(r.httpStatus, 503);
            } else if (listed.version == QLatin1String("0.0.9") || !reachable) {
                ++refused;
                QCOMPARE(r.state, State::Failed);
                QCOMPARE(r.httpStatus, 422);
            } else if (!listed.version.isEmpty()) {
                QCOMPARE(r.state, State::Updated);
                QCOMPARE(r.toVersion, QStringLiteral("0.1.5"));
            }
        }
        QCOMPARE(c.of(State::Skipped), skipped);
        QVERIFY(skipped > 0 && refused > 0);
        // One audit record per POST.
        QCOMPARE(m_audit->records().size(), updatePosts(m_sandbox).size());
    }

    void bulkRunNeverPostsTwiceNorAboveConcurrency_data()
    {
        QTest::addColumn<int>("concurrency");
        QTest::addColumn<int>("latencyMs");
        QTest::newRow("default 4") << 4 << 30;
        QTest::newRow("10: several HTTP clients") << 10 << 100;
    }
    void bulkRunNeverPostsTwiceNorAboveConcurrency()
    {
        QFETCH(int, concurrency);
        QFETCH(int, latencyMs);
        QVERIFY(setFaults(m_sandbox, {fault(QStringLiteral("timbal:latency=%1").arg(latencyMs),
                                            QStringLiteral("POST"))}));
        TimbalUpdateRun* run = makeRun(m_all, QStringLiteral("0.1.4"));
        run->setConcurrency(concurrency);
        run->setPollingEnabled(false);
        QVERIFY(runToEnd(run));

        const QList<QJsonObject> posts = updatePosts(m_sandbox);
        QCOMPARE(posts.size(), run->plannedCount());
        QSet<QString> ids;
        for (const QJsonObject& p : posts) {
            QVERIFY2(!ids.contains(postedId(p)), qPrintable(postedId(p)));
            ids.insert(postedId(p));
        }
        const int most = maxInFlight(posts);
        QVERIFY2(most <= concurrency, qPrintable(QString::number(most)));
        // The limit is really used (above 6 only with more than one connection pool).
        QVERIFY2(most > qMin(concurrency, 6) - (concurrency > 6 ? 0 : 2),
                 qPrintable(QString::number(most)));
    }

    void cancelLeavesNotStartedConnectorsUntouched()
    {
        const QList<Connector> targets = updatable(QStringLiteral("0.1.4")).mid(0, 30);
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:latency=300"), QStringLiteral("POST"))}));
        const QHash<QString, QJsonObject> before = stateById(m_sandbox);
        TimbalUpdateRun* run = makeRun(targets, QStringLiteral("0.1.4"));
        run->setConcurrency(2);
        QSignalSpy done(run, &TimbalUpdateRun::finished);
        run->start();
        QTRY_VERIFY_WITH_TIMEOUT(
            run->counts().of(State::Polling) + run->counts().of(State::Updated) >= 1, 30000);
        run->cancelRemaining();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);

        const int cancelled = run->counts().of(State::Cancelled);
        QVERIFY(cancelled > 0);
        QCOMPARE(cancelled + run->counts().of(State::Updated), 30);
        QSet<QString> posted;
        for (const QJsonObject& p : updatePosts(m_sandbox))
            posted.insert(postedId(p));
        const QHash<QString, QJsonObject> after = stateById(m_sandbox);
        for (const TimbalUpdateRun::Row& r : run->rows()) {
            if (r.state != State::Cancelled)
                continue;
            QCOMPARE(r.message, QStringLiteral("not started: cancelled"));
            QVERIFY2(!posted.contains(r.connector.id), qPrintable(r.connector.id));
            QCOMPARE(after.value(r.connector.id), before.value(r.connector.id));
        }
    }

    void retryFailedResendsOnlyFailedRows()
    {
        const QList<Connector> targets = updatable(QStringLiteral("0.1.4")).mid(0, 12);
        const QString notFound = targets.at(2).id;
        const QString flaky = targets.at(5).id;
        const QString slow = targets.at(8).id;
        QList<Connector> list = targets;
        list.append(liveOn(QStringLiteral("0.0.9")));
        // `slow` never reports the new version in time: TimedOut is not retried.
        QVERIFY(
            setFaults(m_sandbox,
                      {fault(QStringLiteral("timbal:status=404"), QStringLiteral("POST"), notFound),
                       fault(QStringLiteral("timbal:status=503#1"), QStringLiteral("POST"), flaky),
                       fault(QStringLiteral("timbal:status=500"), QStringLiteral("GET"), slow)}));
        TimbalUpdateRun* run = makeRun(list, QStringLiteral("0.1.4"));
        run->setPollTimeoutMs(1500);
        QVERIFY(runToEnd(run));
        QCOMPARE(run->counts().of(State::Failed), 3);
        QCOMPARE(run->counts().of(State::TimedOut), 1);

        const qint64 seq = lastSeq(m_sandbox);
        TimbalUpdateRun* retry = run->retryFailed(this);
        QVERIFY(retry);
        QCOMPARE(retry->rows().size(), 3);
        QVERIFY(runToEnd(retry));
        QStringList resent;
        for (const QJsonObject& p : updatePosts(m_sandbox, seq))
            resent.append(postedId(p));
        resent.sort();
        QStringList expected{notFound, flaky, list.last().id};
        expected.sort();
        QCOMPARE(resent, expected);
        for (const TimbalUpdateRun::Row& r : retry->rows())
            QCOMPARE(r.state, r.connector.id == flaky ? State::Updated : State::Failed);
    }

    void pollingTimesOutWhenVersionNeverChanges()
    {
        QVERIFY(setUpdateDelay(m_sandbox, -1));
        const Connector c = liveOn(QStringLiteral("0.1.2"));
        TimbalUpdateRun* run = makeRun({c}, QStringLiteral("0.1.3"));
        run->setPollIntervalMs(200);
        run->setPollTimeoutMs(1000);
        QVERIFY(runToEnd(run));
        QCOMPARE(run->rows().first().state, State::TimedOut);
        QCOMPARE(run->rows().first().message,
                 QStringLiteral("dispatched, but still on 0.1.2 after 1 s"));
        QCOMPARE(updatePosts(m_sandbox).size(), 1);
        QVERIFY(run->retryFailed(this) == nullptr); // a dispatched update is not sent again
    }

    void serviceDeletedMidRunEndsEveryRow()
    {
        auto* service = new TimbalService(profileFor(m_sandbox), &m_http);
        const QList<Connector> targets = updatable(QStringLiteral("0.1.4")).mid(0, 10);
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:latency=300"), QStringLiteral("POST"))}));
        TimbalUpdateRun* run = makeRun(targets, QStringLiteral("0.1.4"), service);
        run->setConcurrency(2);
        QSignalSpy done(run, &TimbalUpdateRun::finished);
        run->start();
        QTRY_VERIFY_WITH_TIMEOUT(run->counts().of(State::Polling) >= 1 &&
                                     run->counts().of(State::Dispatching) >= 1,
                                 30000);
        delete service; // e.g. the profile was removed in the main window
        QCOMPARE(done.count(), 1);
        const TimbalUpdateRun::Counts c = run->counts();
        QVERIFY(sumIsTotal(c));
        QCOMPARE(c.finished, 10);
        QVERIFY(c.of(State::Cancelled) > 0);
        for (const TimbalUpdateRun::Row& r : run->rows())
            QVERIFY(!TimbalUpdateRun::isInFlightAnywhere(m_service.get(), r.connector.id));
    }

    void lostAnswerIsResolvedByReadingNotResending()
    {
        // The POST's answer is lost; Timbal shows no pending state, so the run records the lost
        // answer and watches the reported version instead of posting again.
        const Connector c = liveOn(QStringLiteral("0.1.2"));
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:reset#1"), QStringLiteral("POST"), c.id)}));
        TimbalUpdateRun* run = makeRun({c}, QStringLiteral("0.1.3"));
        QVERIFY(runToEnd(run));
        QCOMPARE(run->rows().first().state, State::Updated);
        QCOMPARE(run->rows().first().message,
                 QStringLiteral("the answer was lost, but the connector now reports 0.1.3"));
        QCOMPARE(updatePosts(m_sandbox).size(), 1);
        QCOMPARE(m_audit->records().size(), 1);
        QCOMPARE(m_audit->records().first().outcome, AuditOutcome::AnswerLost);
        // The record alone keeps the next run from sending it again meanwhile.
        QVERIFY(setUpdateDelay(m_sandbox, -1));
    }

    void lostAnswerNeverReportedIsNotRetried()
    {
        QVERIFY(setUpdateDelay(m_sandbox, -1));
        const Connector c = liveOn(QStringLiteral("0.1.2"));
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:reset#1"), QStringLiteral("POST"), c.id)}));
        TimbalUpdateRun* run = makeRun({c}, QStringLiteral("0.1.3"));
        run->setPollTimeoutMs(800);
        QVERIFY(runToEnd(run));
        const TimbalUpdateRun::Row& r = run->rows().first();
        QCOMPARE(r.state, State::Failed);
        QVERIFY(r.mayHaveBeenDispatched);
        QVERIFY2(r.message.contains(QStringLiteral("may still be on its way")),
                 qPrintable(r.message));
        QVERIFY(run->retryFailed(this) == nullptr);
        TimbalUpdateRun* next = makeRun({c}, QStringLiteral("0.1.3"));
        next->preview();
        QCOMPARE(next->rows().first().state, State::Skipped);
        QVERIFY2(next->rows().first().skipReason.contains(QStringLiteral("without an answer")),
                 qPrintable(next->rows().first().skipReason));
        QCOMPARE(updatePosts(m_sandbox).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTimbalUpdateRun)
#include "tst_timbal_update_run.moc"
