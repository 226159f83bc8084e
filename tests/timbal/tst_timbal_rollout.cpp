#include "AuditLog.h"
#include "HttpClient.h"
#include "Rollout.h"
#include "RolloutStore.h"
#include "TimbalRollout.h"
#include "TimbalTestSupport.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

#include <memory>

using namespace ca;
using namespace timbaltest;
using ItemState = RolloutItem::State;
using Status = Rollout::Status;

namespace {

constexpr int kDelayMs = 50;     // the sandbox reports an update this long after its 202
constexpr int kPollMs = 100;     // the rollout lists the fleet this often
constexpr int kTimeoutMs = 1500; // per connector: no report of the target in this time fails it
const QString kTarget = QStringLiteral("0.1.5"); // the server's latest; no seeded connector runs it

QString versionPosted(const QJsonObject& post)
{
    const QJsonValue v =
        post.value(QLatin1String("json")).toObject().value(QLatin1String("version"));
    return v.isNull() ? QStringLiteral("<null>") : v.toString();
}

QString describe(const Rollout& r)
{
    QStringList events;
    for (const RolloutEvent& e : r.events)
        events << e.kind + QLatin1String(": ") + e.text;
    const Rollout::WaveCounts a = r.allCounts();
    return QStringLiteral("%1 (%2) kind %3, wave %4 of %5; %6 succeeded, %7 failed, %8 in flight, "
                          "%9 waiting; halt: %10\n  events: %11")
        .arg(Rollout::statusId(r.status), r.stateText(), r.kind)
        .arg(r.currentWave)
        .arg(r.waveCount)
        .arg(a.succeeded)
        .arg(a.failed)
        .arg(a.inFlight)
        .arg(a.waiting)
        .arg(r.haltReason, events.join(QLatin1String("\n          ")));
}

int countIn(const Rollout& r, ItemState state)
{
    return int(std::count_if(r.items.cbegin(), r.items.cend(),
                             [state](const RolloutItem& it) { return it.state == state; }));
}

const RolloutItem* itemOf(const Rollout& r, const QString& id)
{
    for (const RolloutItem& it : r.items) {
        if (it.id == id)
            return &it;
    }
    return nullptr;
}

QHash<QString, int> postCounts(const QList<QJsonObject>& posts)
{
    QHash<QString, int> out;
    for (const QJsonObject& p : posts)
        out[postedId(p)] += 1;
    return out;
}

} // namespace

// TimbalRollout (staged rollouts, issue 22) against the real sandbox: waves in order and only
// after the previous one finished, the failure threshold that halts (and what a resume counts),
// abort and roll back, pause and resume, taking over after a stop without sending twice, one
// active rollout per profile, and "latest" pinned by the first answer.
class TestTimbalRollout : public QObject, UpdateFixture
{
    Q_OBJECT

public:
    // 170 connectors: more than 100 a real update reaches (live, new enough).
    TestTimbalRollout() : UpdateFixture(this, 170, kDelayMs) {}

private:
    // Listed connectors an update to kTarget reaches for sure: connected and online here (so
    // reachable), at 0.1.0 or newer, having reported a version.
    QList<Connector> reachable(int n) const
    {
        QList<Connector> out;
        for (const Connector& c : m_all) {
            if (isLive(c) && !c.version.isEmpty() && c.version != QLatin1String("0.0.9") &&
                c.version != kTarget)
                out.append(c);
        }
        return out.mid(0, n);
    }
    static RolloutOptions options()
    {
        RolloutOptions o;
        o.target = kTarget;
        o.pollIntervalMs = kPollMs;
        o.reportTimeoutMs = kTimeoutMs;
        o.parallel = 4;
        return o;
    }
    std::optional<Rollout> plan(const QList<Connector>& connectors, const RolloutOptions& o)
    {
        QString error;
        auto r = TimbalRollout::plan(m_service.get(), connectors, o, m_audit.get(), AuditTool::Cli,
                                     &error);
        if (!r)
            qWarning().noquote() << "plan failed:" << error;
        return r;
    }
    // A driver whose data directory is the audit log's (one per test function).
    std::unique_ptr<TimbalRollout> driver(TimbalService* service = nullptr)
    {
        return std::make_unique<TimbalRollout>(service ? service : m_service.get(), m_audit.get(),
                                               AuditTool::Cli, m_audit->directory());
    }
    // The rollout's audit records (AuditAction::Rollout), oldest first.
    QList<AuditRecord> rolloutRecords(const QString& rolloutId) const
    {
        AuditLog::Query q;
        q.action = AuditAction::Rollout;
        QList<AuditRecord> out;
        for (const AuditRecord& r : m_audit->records(q)) {
            if (r.changeSetId == rolloutId)
                out.prepend(r);
        }
        return out;
    }
    QList<AuditRecord> recordsOfEvent(const QString& rolloutId, const QString& event) const
    {
        QList<AuditRecord> out;
        for (const AuditRecord& r : rolloutRecords(rolloutId)) {
            if (r.after.value(QLatin1String("event")).toString() == event)
                out << r;
        }
        return out;
    }
    Profile plainProfile() const
    {
        Profile p;
        p.name = m_service->profile().name;
        p.vendor = Vendor::Timbal;
        p.baseUrl = m_service->profile().baseUrl;
        p.orgId = m_service->profile().orgId;
        return p;
    }
    static int eventCount(const Rollout& r, const QString& kind)
    {
        return int(std::count_if(r.events.cbegin(), r.events.cend(),
                                 [&](const RolloutEvent& e) { return e.kind == kind; }));
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startFixture(&error), qPrintable(error));
    }
    void init() { QVERIFY(beginTest()); }

    // 1. Waves: canary 2, then 10% / 50% / 100% of the rest, 4 in parallel. The request log
    // shows the POSTs grouped by wave, in order, as many as planned, each connector once; and
    // a wave's first POST comes only after every connector of the previous one reported.
    void wavesAreSentInOrderAndOnlyAfterThePreviousFinished()
    {
        const QList<Connector> list = reachable(100);
        QCOMPARE(list.size(), 100);
        // A report delay far above what sending a wave's first POST takes (its intent's fsync
        // included): a wave that started before the previous one reported shows in the times.
        const int delay = 400;
        QVERIFY(setUpdateDelay(m_sandbox, delay));
        RolloutOptions o = options();
        o.canaryCount = 2;
        o.wavePercents = {10, 50, 100};
        const auto planned = plan(list, o);
        QVERIFY(planned);

        // What the plan says, and that it is what was asked.
        QHash<QString, int> waveOf;
        QList<int> perWave(planned->waveCount, 0);
        for (const RolloutItem& it : planned->items) {
            if (it.wave < 0) {
                QCOMPARE(it.state, ItemState::Skipped);
                continue;
            }
            waveOf.insert(it.id, it.wave);
            perWave[it.wave] += 1;
        }
        const int eligible = int(waveOf.size());
        QVERIFY2(eligible > 90, qPrintable(QString::number(eligible)));
        const int rest = eligible - 2;
        const int w1 = int(std::ceil(rest * 0.10));
        const int w2 = int(std::ceil(rest * 0.50)) - w1;
        QCOMPARE(planned->waveCount, 4);
        QCOMPARE(perWave, (QList<int>{2, w1, w2, rest - w1 - w2}));

        auto d = driver();
        QString error;
        bool conflict = false;
        QVERIFY2(d->start(*planned, &error, &conflict), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::Completed,
                                  qPrintable(describe(d->rollout())), 30000);

        const QList<QJsonObject> posts = updatePosts(m_sandbox);
        QCOMPARE(posts.size(), eligible);
        const QHash<QString, int> counts = postCounts(posts);
        QCOMPARE(counts.size(), eligible);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            QVERIFY2(waveOf.contains(it.key()), qPrintable(it.key()));
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        }
        // Grouped by wave, in order, with the counts planned.
        QList<int> sent(planned->waveCount, 0);
        QList<double> firstMs(planned->waveCount, -1), lastMs(planned->waveCount, -1);
        int previous = 0;
        for (const QJsonObject& p : posts) {
            const int w = waveOf.value(postedId(p));
            QVERIFY2(w >= previous, qPrintable(QStringLiteral("%1 of wave %2 after wave %3")
                                                   .arg(postedId(p))
                                                   .arg(w)
                                                   .arg(previous)));
            previous = w;
            sent[w] += 1;
            const double ms = p.value(QLatin1String("receivedMs")).toDouble();
            if (firstMs[w] < 0)
                firstMs[w] = ms;
            lastMs[w] = ms;
            QCOMPARE(versionPosted(p), kTarget);
        }
        QCOMPARE(sent, perWave);
        // The next wave only after the previous one finished: its last connector reports
        // `delay` after its POST, a fleet list sees that, and only then the next wave starts.
        const QJsonArray log = requestsSince(m_sandbox);
        for (int w = 0; w + 1 < planned->waveCount; ++w) {
            qInfo("wave %d: %d POSTs in %.0f ms; the next wave's first POST %.0f ms after its last",
                  w, sent[w], lastMs[w] - firstMs[w], firstMs[w + 1] - lastMs[w]);
            QVERIFY2(firstMs[w + 1] - lastMs[w] >= delay - 2,
                     qPrintable(QStringLiteral("wave %1 started %2 ms after the last POST of "
                                               "wave %3")
                                    .arg(w + 1)
                                    .arg(firstMs[w + 1] - lastMs[w])
                                    .arg(w)));
            bool listedAfterReport = false;
            for (const QJsonValue& v : log) {
                const QJsonObject r = v.toObject();
                const double ms = r.value(QLatin1String("receivedMs")).toDouble();
                if (r.value(QLatin1String("method")).toString() == QLatin1String("GET") &&
                    r.value(QLatin1String("path"))
                        .toString()
                        .endsWith(QLatin1String("/connectors")) &&
                    ms >= lastMs[w] + delay - 2 && ms <= firstMs[w + 1])
                    listedAfterReport = true;
            }
            QVERIFY2(listedAfterReport, qPrintable(QStringLiteral("wave %1").arg(w + 1)));
        }

        const Rollout& r = d->rollout();
        QCOMPARE(r.allCounts().succeeded, eligible);
        QCOMPARE(r.allCounts().failed, 0);
        QCOMPARE(r.currentWave, planned->waveCount - 1);
        const auto saved = d->store().load(r.id);
        QVERIFY(saved);
        QCOMPARE(saved->status, Status::Completed);
        // Audit: the start, each later wave, the end.
        QCOMPARE(recordsOfEvent(r.id, QStringLiteral("started")).size(), 1);
        QCOMPARE(recordsOfEvent(r.id, QStringLiteral("wave")).size(), planned->waveCount - 1);
        QCOMPARE(recordsOfEvent(r.id, QStringLiteral("completed")).size(), 1);
        const QHash<QString, QJsonObject> state = stateById(m_sandbox);
        for (const QString& id : waveOf.keys())
            QCOMPARE(state.value(id).value(QLatin1String("version")).toString(), kTarget);
    }

    // 2. Threshold: half the connectors never report (stuck@0.5); the default threshold (20% of
    // finished once 5 finished) halts the first wave, nothing is sent after the halt, the halt
    // is audited; a resume counts only the failures after it.
    void thresholdHaltsAndResumeCountsOnlyNewFailures()
    {
        const QList<Connector> list = reachable(60);
        QCOMPARE(list.size(), 60);
        // One POST at a time, each answered after 150 ms: the first wave (30) takes 4.5 s to
        // send, longer than a stuck connector takes to fail (kTimeoutMs): it halts mid-wave.
        QVERIFY(setFaults(m_sandbox,
                          {QStringLiteral("timbal:stuck@0.5"),
                           fault(QStringLiteral("timbal:latency=150"), QStringLiteral("POST"))}));
        RolloutOptions o = options();
        o.wavePercents = {50, 100};
        o.parallel = 1;
        QCOMPARE(o.maxFailurePercent, 20);
        QCOMPARE(o.minFinished, 5);
        const auto planned = plan(list, o);
        QVERIFY(planned);
        QCOMPARE(planned->waveCount, 2);
        const int wave0 = planned->waveCounts(0).total;
        QVERIFY(wave0 >= 10);

        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status != Status::Running,
                                  qPrintable(describe(d->rollout())), 30000);
        const int postsAtHalt = int(updatePosts(m_sandbox).size());
        const Rollout& r = d->rollout();
        QVERIFY2(r.status == Status::NeedsAttention, qPrintable(describe(r)));
        QCOMPARE(r.currentWave, 0);
        QVERIFY2(r.haltReason.contains(QStringLiteral("finished connectors failed")) &&
                     r.haltReason.contains(QStringLiteral("20%")),
                 qPrintable(r.haltReason));
        const Rollout::Tally atHalt = r.tally();
        QVERIFY2(atHalt.finished >= 5 && atHalt.failed * 100 >= 20 * atHalt.finished,
                 qPrintable(describe(r)));
        QVERIFY2(r.haltReason.startsWith(
                     QStringLiteral("%1 of %2 ").arg(atHalt.failed).arg(atHalt.finished)),
                 qPrintable(r.haltReason));
        // The halt is audited with its counts.
        const QList<AuditRecord> halts = recordsOfEvent(r.id, QStringLiteral("halt"));
        QCOMPARE(halts.size(), 1);
        QCOMPARE(halts.first().action, AuditAction::Rollout);
        QCOMPARE(halts.first().after.value(QLatin1String("epochFailed")).toInt(), atHalt.failed);
        QCOMPARE(halts.first().after.value(QLatin1String("epochFinished")).toInt(),
                 atHalt.finished);
        QCOMPARE(halts.first().after.value(QLatin1String("threshold")).toString(),
                 o.thresholdText());
        QCOMPARE(halts.first().after.value(QLatin1String("wave")).toInt(), 0);
        QVERIFY2(halts.first().message.contains(r.haltReason), qPrintable(halts.first().message));

        // Nothing is sent after the halt: the POST in flight may end, then the log stays still
        // for many poll intervals.
        QTRY_COMPARE_WITH_TIMEOUT(countIn(d->rollout(), ItemState::Sending), 0, 5000);
        const int settled = int(updatePosts(m_sandbox).size());
        QVERIFY2(
            settled - postsAtHalt <= o.parallel,
            qPrintable(QStringLiteral("%1 at the halt, %2 later").arg(postsAtHalt).arg(settled)));
        QTest::qWait(8 * kPollMs);
        QCOMPARE(int(updatePosts(m_sandbox).size()), settled);
        QCOMPARE(d->rollout().status, Status::NeedsAttention);
        // It halted mid-wave: part of the first wave was never sent, and what is waiting was not.
        const int waiting = d->rollout().waveCounts(0).waiting;
        QVERIFY2(waiting > 0, qPrintable(describe(d->rollout())));
        QCOMPARE(settled, wave0 - waiting);
        QCOMPARE(d->rollout().waveCounts(1).waiting, d->rollout().waveCounts(1).total);

        // Resume: earlier failures stop counting.
        QSet<QString> finishedBefore;
        for (const RolloutItem& it : d->rollout().items) {
            if (it.isFinal() && it.wave >= 0)
                finishedBefore.insert(it.id);
        }
        const int epoch = d->rollout().epoch;
        d->resume(QStringLiteral("the test"));
        QCOMPARE(d->rollout().epoch, epoch + 1);
        QCOMPARE(d->rollout().tally().finished, 0);
        QCOMPARE(d->rollout().tally().failed, 0);
        QVERIFY(d->rollout().haltReason.isEmpty());
        QCOMPARE(recordsOfEvent(r.id, QStringLiteral("resume")).size(), 1);
        // It sends the rest of the first wave.
        QTRY_VERIFY2_WITH_TIMEOUT(int(updatePosts(m_sandbox).size()) > settled,
                                  qPrintable(describe(d->rollout())), 5000);
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status != Status::Running,
                                  qPrintable(describe(d->rollout())), 30000);
        const Rollout& after = d->rollout();
        if (after.status == Status::NeedsAttention) {
            // Halted again: the reason counts only what finished since the resume.
            int finished = 0, failed = 0;
            for (const RolloutItem& it : after.items) {
                if (!it.isFinal() || it.wave < 0 || finishedBefore.contains(it.id))
                    continue;
                ++finished;
                failed += it.state == ItemState::Failed;
            }
            QVERIFY2(
                after.haltReason.startsWith(QStringLiteral("%1 of %2 ").arg(failed).arg(finished)),
                qPrintable(QStringLiteral("%1; since the resume %2 of %3 failed")
                               .arg(describe(after))
                               .arg(failed)
                               .arg(finished)));
            QCOMPARE(recordsOfEvent(r.id, QStringLiteral("halt")).size(), 2);
        } else {
            QVERIFY2(after.status == Status::Completed, qPrintable(describe(after)));
        }
        // Never twice.
        const QHash<QString, int> counts = postCounts(updatePosts(m_sandbox));
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        // The failed are exactly the stuck ones (the sandbox says which it hit).
        const QHash<QString, QJsonObject> state = stateById(m_sandbox);
        for (const RolloutItem& it : after.items) {
            if (!it.isFinal() || it.wave < 0)
                continue;
            const bool stuck = sandboxFacts(state, it.id).value(QLatin1String("reportFault")) ==
                               QLatin1String("stuck");
            QVERIFY2(stuck == (it.state == ItemState::Failed),
                     qPrintable(it.id + ": " + it.message));
        }
    }

    // 3. Abort and roll back: after the first wave (some connectors stuck, the others moved),
    // every one that moved gets one POST back to the version it had; the stuck ones nothing.
    void abortAndRollBackSendsEachMovedConnectorBackOnce()
    {
        const QList<Connector> list = reachable(24);
        QCOMPARE(list.size(), 24);
        QVERIFY(setFaults(m_sandbox, {QStringLiteral("timbal:stuck@0.3")}));
        RolloutOptions o = options();
        o.wavePercents = {50, 100};
        o.approveEach = true;    // stops after the first wave: a clean point to abort
        o.maxFailurePercent = 0; // no halt: the first wave ends with its stuck ones failed
        const auto planned = plan(list, o);
        QVERIFY(planned);
        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::AwaitingApproval,
                                  qPrintable(describe(d->rollout())), 30000);
        const Rollout parent = d->rollout();
        QHash<QString, QString> moved; // id → the version before
        QSet<QString> stuck, secondWave;
        for (const RolloutItem& it : parent.items) {
            if (it.wave == 1)
                secondWave.insert(it.id);
            if (it.wave != 0)
                continue;
            QVERIFY2(it.isFinal(), qPrintable(it.id));
            if (it.state == ItemState::Succeeded) {
                QVERIFY(it.moved());
                QCOMPARE(it.reported, kTarget);
                moved.insert(it.id, it.fromVersion);
            } else {
                QVERIFY2(!it.moved(), qPrintable(it.id));
                stuck.insert(it.id);
            }
        }
        QVERIFY2(!moved.isEmpty() && !stuck.isEmpty(), qPrintable(describe(parent)));
        // Their old versions differ: the rollback has several targets.
        QVERIFY(QSet<QString>(moved.cbegin(), moved.cend()).size() > 1);

        const qint64 seq = lastSeq(m_sandbox);
        d->abort(true, QStringLiteral("the test"));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().kind == QLatin1String("rollback"),
                                  qPrintable(describe(d->rollout())), 10000);
        // The rollback copies the parent's options (approval between waves included).
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                if (d->rollout().status == Status::AwaitingApproval)
                    d->continueWave(QStringLiteral("the test"));
                return d->rollout().status == Status::Completed;
            }(),
            qPrintable(describe(d->rollout())), 30000);

        const Rollout& back = d->rollout();
        QCOMPARE(back.parentId, parent.id);
        QVERIFY(back.id != parent.id);
        QCOMPARE(back.allCounts().succeeded, moved.size());
        QCOMPARE(back.allCounts().failed, 0);
        QCOMPARE(back.items.size(), moved.size());
        const QList<QJsonObject> posts = updatePosts(m_sandbox, seq);
        const QHash<QString, int> counts = postCounts(posts);
        QCOMPARE(posts.size(), moved.size());
        for (const QJsonObject& p : posts) {
            const QString id = postedId(p);
            QVERIFY2(moved.contains(id), qPrintable(id + " did not move"));
            QCOMPARE(counts.value(id), 1);
            QCOMPARE(versionPosted(p), moved.value(id));
        }
        for (const QString& id : stuck)
            QVERIFY2(!counts.contains(id), qPrintable(id));
        // The second wave was never sent at all.
        const QHash<QString, int> all = postCounts(updatePosts(m_sandbox));
        for (const QString& id : secondWave)
            QVERIFY2(!all.contains(id), qPrintable(id));
        const QHash<QString, QJsonObject> state = stateById(m_sandbox);
        for (auto it = moved.cbegin(); it != moved.cend(); ++it)
            QCOMPARE(state.value(it.key()).value(QLatin1String("version")).toString(), it.value());

        // On disk: the parent aborted and pointing at its rollback, which is active no more.
        const auto savedParent = d->store().load(parent.id);
        QVERIFY(savedParent);
        QCOMPARE(savedParent->status, Status::Aborted);
        QCOMPARE(savedParent->rollbackId, back.id);
        const auto savedBack = d->store().load(back.id);
        QVERIFY(savedBack);
        QCOMPARE(savedBack->kind, QStringLiteral("rollback"));
        QCOMPARE(savedBack->status, Status::Completed);
        QVERIFY(!d->store().active());
        QCOMPARE(recordsOfEvent(parent.id, QStringLiteral("abort")).size(), 1);
        QCOMPARE(recordsOfEvent(parent.id, QStringLiteral("rollback")).size(), 1);
        const QList<AuditRecord> started = recordsOfEvent(back.id, QStringLiteral("started"));
        QCOMPARE(started.size(), 1);
        QCOMPARE(started.first().after.value(QLatin1String("parentId")).toString(), parent.id);
    }

    // 3b. The fleet list after an abort fails (an outage longer than the client's retries): the
    // rollback still starts once the fleet can be read again.
    void rollbackStartsAfterAFailedListOnceTheFleetCanBeRead()
    {
        const QList<Connector> list = reachable(8);
        QCOMPARE(list.size(), 8);
        RolloutOptions o = options();
        o.wavePercents = {50, 100};
        o.approveEach = true;
        const auto planned = plan(list, o);
        QVERIFY(planned);
        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::AwaitingApproval,
                                  qPrintable(describe(d->rollout())), 30000);
        const int moved = d->rollout().waveCounts(0).succeeded;
        QCOMPARE(moved, 4);

        // Every fleet list fails until the faults are cleared.
        QVERIFY(setFaults(m_sandbox, {fault(QStringLiteral("timbal:status=503"),
                                            QStringLiteral("GET"), QStringLiteral("connectors"))}));
        QSignalSpy warnings(d.get(), &TimbalRollout::warning);
        const qint64 seq = lastSeq(m_sandbox);
        d->abort(true, QStringLiteral("the test"));
        QTRY_VERIFY_WITH_TIMEOUT(!warnings.isEmpty(), 15000); // the list after the abort failed
        QVERIFY2(warnings.first().first().toString().contains(QStringLiteral("could not be read")),
                 qPrintable(warnings.first().first().toString()));
        QCOMPARE(d->rollout().kind, QStringLiteral("update")); // no rollback without the list
        QCOMPARE(updatePosts(m_sandbox, seq).size(), 0);

        QVERIFY(setFaults(m_sandbox, {}));
        // (qWaitFor: a failing QTRY would wait twice as long again to say how long it needed.)
        const bool rolledBack =
            QTest::qWaitFor([&] { return d->rollout().kind == QLatin1String("rollback"); }, 5000);
        QVERIFY2(rolledBack, qPrintable(QStringLiteral("no rollback 5 s after the fleet could be "
                                                       "read again: ") +
                                        describe(d->rollout())));
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                if (d->rollout().status == Status::AwaitingApproval)
                    d->continueWave(QStringLiteral("the test"));
                return d->rollout().status == Status::Completed;
            }(),
            qPrintable(describe(d->rollout())), 30000);
        QCOMPARE(updatePosts(m_sandbox, seq).size(), moved);
    }

    // 3c. A connector that reports the target and later its old version again (revert) fails,
    // also after its wave is done: with most of the first wave reverting, the rollout halts while
    // it waits for Continue, and the next wave is never sent.
    void revertAfterSuccessFailsAndHalts()
    {
        const QList<Connector> list = reachable(20);
        QCOMPARE(list.size(), 20);
        // Reported after 50 ms, the old version back 400 ms later.
        QVERIFY(setFaults(m_sandbox, {QStringLiteral("timbal:revert=400@0.5")}));
        RolloutOptions o = options();
        o.wavePercents = {50, 100};
        o.approveEach = true;
        const auto planned = plan(list, o);
        QVERIFY(planned);
        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::NeedsAttention,
                                  qPrintable(describe(d->rollout())), 30000);
        const Rollout& r = d->rollout();
        QVERIFY2(eventCount(r, QStringLiteral("wave-done")) == 1, qPrintable(describe(r)));
        QCOMPARE(r.currentWave, 0);
        const QHash<QString, QJsonObject> state = stateById(m_sandbox);
        int reverted = 0;
        for (const RolloutItem& it : r.items) {
            if (it.wave != 0)
                continue;
            const bool hit = sandboxFacts(state, it.id).value(QLatin1String("reportFault")) ==
                             QLatin1String("revert");
            if (hit && it.state == ItemState::Failed) {
                ++reverted;
                QVERIFY2(it.message.startsWith(QStringLiteral("went back to ")),
                         qPrintable(it.message));
            }
        }
        QVERIFY2(reverted >= 2, qPrintable(describe(r)));
        QTest::qWait(4 * kPollMs);
        // Nothing of the second wave was sent.
        QCOMPARE(int(updatePosts(m_sandbox).size()), r.waveCounts(0).total);
    }

    // 3d. A connector that goes offline after its 202 (drop) fails by its time-out, saying so,
    // and is not sent again; the others complete.
    void droppedConnectorsFailByTheirTimeOut()
    {
        const QList<Connector> list = reachable(12);
        QCOMPARE(list.size(), 12);
        QVERIFY(setFaults(m_sandbox, {QStringLiteral("timbal:drop@0.25")}));
        RolloutOptions o = options();
        o.wavePercents = {100};
        o.maxFailurePercent = 0;
        const auto planned = plan(list, o);
        QVERIFY(planned);
        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::Completed,
                                  qPrintable(describe(d->rollout())), 30000);
        const QHash<QString, QJsonObject> state = stateById(m_sandbox);
        int dropped = 0;
        for (const RolloutItem& it : d->rollout().items) {
            const bool hit = sandboxFacts(state, it.id).value(QLatin1String("reportFault")) ==
                             QLatin1String("drop");
            dropped += hit;
            QCOMPARE(it.state, hit ? ItemState::Failed : ItemState::Succeeded);
            if (hit)
                QVERIFY2(it.message.startsWith(QStringLiteral("went offline and did not report")),
                         qPrintable(it.message));
        }
        QVERIFY(dropped > 0 && dropped < 12);
        const QHash<QString, int> counts = postCounts(updatePosts(m_sandbox));
        QCOMPARE(counts.size(), 12);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
    }

    // 4. Pause mid-wave: nothing is sent once the POSTs in flight ended; resume sends the rest,
    // each connector still once.
    void pauseStopsSendingAndResumeSendsTheRestOnce()
    {
        const QList<Connector> list = reachable(30);
        QCOMPARE(list.size(), 30);
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:latency=100"), QStringLiteral("POST"))}));
        RolloutOptions o = options();
        o.wavePercents = {100};
        o.parallel = 2;
        const auto planned = plan(list, o);
        QVERIFY(planned);
        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(updatePosts(m_sandbox).size() >= 6, 10000);
        QSignalSpy settledSpy(d.get(), &TimbalRollout::settled);
        d->pause(QStringLiteral("the test"));
        const int atPause = int(updatePosts(m_sandbox).size());
        QCOMPARE(d->rollout().status, Status::Paused);
        QTRY_COMPARE_WITH_TIMEOUT(countIn(d->rollout(), ItemState::Sending), 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(settledSpy.count() >= 1, 5000);
        const int settled = int(updatePosts(m_sandbox).size());
        QVERIFY2(settled - atPause <= o.parallel,
                 qPrintable(QStringLiteral("%1 at the pause, %2 later").arg(atPause).arg(settled)));
        QTest::qWait(6 * kPollMs);
        QCOMPARE(int(updatePosts(m_sandbox).size()), settled);
        QVERIFY(settled < 30);
        QCOMPARE(countIn(d->rollout(), ItemState::Waiting), 30 - settled);
        QCOMPARE(recordsOfEvent(d->rollout().id, QStringLiteral("pause")).size(), 1);
        const auto saved = d->store().load(d->rollout().id);
        QVERIFY(saved);
        QCOMPARE(saved->status, Status::Paused);

        d->resume(QStringLiteral("the test"));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::Completed,
                                  qPrintable(describe(d->rollout())), 30000);
        const QHash<QString, int> counts = postCounts(updatePosts(m_sandbox));
        QCOMPARE(counts.size(), 30);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        QCOMPARE(d->rollout().allCounts().succeeded, 30);
    }

    // 5a. Taking over after a kill (in-process): the audit log holds intents without outcome
    // (a killed process's), the rollout file has those items "sending". The next driver watches
    // them, never sends them again, and sends the rest.
    void attachAfterAKillWatchesIntentsAndSendsTheRest()
    {
        const QList<Connector> list = reachable(12);
        QCOMPARE(list.size(), 12);
        RolloutOptions o = options();
        o.wavePercents = {100};
        auto planned = plan(list, o);
        QVERIFY(planned);
        Rollout r = *planned;
        r.status = Status::Running;
        r.tool = AuditTool::Cli;
        r.addEvent(QStringLiteral("started"), QStringLiteral("started by a process since killed"));
        QCOMPARE(r.items.size(), 12);
        // 0, 1: intent written, POST sent, process killed before the answer was recorded.
        // 2: intent written, killed before the POST left.
        // 3: "sending" in the file, but its intent never became durable: not sent.
        // 4: intent of another target (0.1.4): does not cover this rollout's.
        const QStringList sentIds{r.items[0].id, r.items[1].id};
        const QString unsentWithIntent = r.items[2].id;
        const QString noIntent = r.items[3].id;
        const QString otherTarget = r.items[4].id;
        for (int i = 0; i <= 4; ++i)
            r.items[i].state = ItemState::Sending;
        for (int i : {0, 1, 2, 4}) {
            AuditRecord rec;
            rec.tool = AuditTool::Cli;
            rec.profile = m_service->profile().name;
            rec.vendor = Vendor::Timbal;
            rec.connectorId = r.items[i].id;
            rec.connectorName = r.items[i].name;
            rec.action = AuditAction::SoftwareUpdate;
            rec.operationId = r.id + QStringLiteral("-killed-") + QString::number(i);
            rec.changeSetId = r.id;
            rec.outcome = AuditOutcome::Intent;
            rec.message =
                QStringLiteral("sending: update %1 → %2").arg(r.items[i].fromVersion, kTarget);
            rec.before = QJsonObject{{QStringLiteral("version"), r.items[i].fromVersion}};
            rec.after = QJsonObject{
                {QStringLiteral("version"), i == 4 ? QStringLiteral("0.1.4") : kTarget}};
            QVERIFY(m_audit->append(rec));
        }
        QVERIFY(m_audit->flush());
        for (const QString& id : sentIds) {
            TimbalSoftwareUpdateJob* job = m_service->triggerSoftwareUpdate(id, kTarget);
            QSignalSpy done(job, &TimbalSoftwareUpdateJob::finished);
            QVERIFY(done.wait(10000));
        }
        QString error;
        QVERIFY2(RolloutStore(m_audit->directory(), m_service->profile().name).save(r, &error),
                 qPrintable(error));
        const qint64 seq = lastSeq(m_sandbox);

        auto d = driver();
        bool conflict = false, none = false;
        QVERIFY2(d->attach(&error, &conflict, &none), qPrintable(error));
        QCOMPARE(d->rollout().id, r.id);
        for (const QString& id : sentIds + QStringList{unsentWithIntent})
            QCOMPARE(itemOf(d->rollout(), id)->state, ItemState::Dispatched);
        QCOMPARE(itemOf(d->rollout(), noIntent)->state, ItemState::Waiting);
        QCOMPARE(itemOf(d->rollout(), otherTarget)->state, ItemState::Waiting);
        QCOMPARE(updatePosts(m_sandbox, seq).size(), 0); // attach sends nothing
        d->drive();
        // The one that may never have left keeps the rollout from completing: the user decides.
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::NeedsAttention,
                                  qPrintable(describe(d->rollout())), 30000);
        QVERIFY2(d->rollout().haltReason.contains(QLatin1String("may never have been sent")),
                 qPrintable(d->rollout().haltReason));
        QCOMPARE(d->rollout().tally().failed, 0); // not counted against the threshold

        const QHash<QString, int> counts = postCounts(updatePosts(m_sandbox, seq));
        QCOMPARE(counts.size(), 12 - 3);
        for (const RolloutItem& it : d->rollout().items) {
            const bool watched = sentIds.contains(it.id) || it.id == unsentWithIntent;
            QVERIFY2(counts.value(it.id) == (watched ? 0 : 1), qPrintable(it.id));
        }
        // Those really sent report the target; the one whose POST never left fails by its time-out
        // (never sent again: whether it left is not known to the app).
        for (const QString& id : sentIds)
            QCOMPARE(itemOf(d->rollout(), id)->state, ItemState::Succeeded);
        QCOMPARE(itemOf(d->rollout(), unsentWithIntent)->state, ItemState::Failed);
        QCOMPARE(d->rollout().allCounts().succeeded, 11);
    }

    // 5b. The driving object goes away mid-wave without detach (a stop): the next driver sends
    // only what was not sent, each connector exactly once in all.
    void driverGoneMidWaveNextDriverSendsEachOnce()
    {
        const QList<Connector> list = reachable(20);
        QCOMPARE(list.size(), 20);
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:latency=200"), QStringLiteral("POST"))}));
        RolloutOptions o = options();
        o.wavePercents = {100};
        o.parallel = 2;
        const auto planned = plan(list, o);
        QVERIFY(planned);
        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        const QString id = planned->id;
        // Two answered, two in flight (received by the sandbox, answer pending).
        QTRY_VERIFY_WITH_TIMEOUT(updatePosts(m_sandbox).size() >= 4, 10000);
        d.reset();
        const int before = int(updatePosts(m_sandbox).size());
        QVERIFY(before < 20);
        QTest::qWait(300); // the POSTs in flight get their answers at the sandbox

        auto next = driver();
        bool conflict = false;
        QVERIFY2(next->attach(&error, &conflict), qPrintable(error));
        QCOMPARE(next->rollout().id, id);
        next->drive();
        QTRY_VERIFY2_WITH_TIMEOUT(next->rollout().status == Status::Completed,
                                  qPrintable(describe(next->rollout())), 30000);
        const QHash<QString, int> counts = postCounts(updatePosts(m_sandbox));
        QCOMPARE(counts.size(), 20);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key()));
        QVERIFY2(next->rollout().allCounts().succeeded == 20,
                 qPrintable(describe(next->rollout())));
    }

    // 6. One active rollout per profile: a second start is refused (conflict); an action from a
    // second object is handed to the driving one, which applies it within a few poll intervals.
    void secondRolloutIsRefusedAndActionsReachTheDriver()
    {
        const QList<Connector> list = reachable(20);
        QCOMPARE(list.size(), 20);
        QVERIFY(setFaults(m_sandbox,
                          {fault(QStringLiteral("timbal:latency=150"), QStringLiteral("POST"))}));
        RolloutOptions o = options();
        o.wavePercents = {100};
        o.parallel = 1;
        const auto first = plan(list, o);
        QVERIFY(first);
        auto d1 = driver();
        QString error;
        QVERIFY2(d1->start(*first, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(updatePosts(m_sandbox).size() >= 1, 10000);

        // A second rollout (another service object on the same profile, another driver).
        TimbalService otherService(profileFor(m_sandbox), &m_http);
        auto d2 = driver(&otherService);
        const auto second = plan(reachable(25).mid(20), o);
        QVERIFY(second);
        bool conflict = false;
        error.clear();
        QVERIFY(!d2->start(*second, &error, &conflict));
        QVERIFY(conflict);
        QVERIFY(!error.isEmpty());
        QVERIFY(!d2->isDriving());
        QCOMPARE(d2->store().ids(), QStringList{first->id});
        conflict = false;
        bool none = false;
        QVERIFY(!d2->attach(&error, &conflict, &none));
        QVERIFY(conflict);
        QVERIFY(!none);
        QVERIFY2(!TimbalRollout::driverOf(plainProfile(), m_audit->directory()).isEmpty(),
                 "someone drives it");

        // pause from the second object: a request the driver applies.
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(d2->act(QStringLiteral("pause"), QStringLiteral("second"), &error),
                 TimbalRollout::ActResult::Requested);
        QTRY_VERIFY2_WITH_TIMEOUT(d1->rollout().status == Status::Paused,
                                  qPrintable(describe(d1->rollout())), 5 * kPollMs + 500);
        QVERIFY2(clock.elapsed() <= 5 * kPollMs + 500,
                 qPrintable(QString::number(clock.elapsed())));
        QVERIFY(d1->rollout().events.constLast().text.contains(QStringLiteral("second")));
        QTRY_COMPARE_WITH_TIMEOUT(countIn(d1->rollout(), ItemState::Sending), 0, 5000);
        QVERIFY(d1->store().takeRequests().isEmpty());
        const int posted = int(updatePosts(m_sandbox).size());
        QVERIFY(posted < 20);

        // With the first driver gone, the rollout is still active: a new start is still
        // refused; resume from the second object takes it over and finishes it.
        d1->detach();
        QVERIFY(TimbalRollout::driverOf(plainProfile(), m_audit->directory()).isEmpty());
        conflict = false;
        QVERIFY(!d2->start(*second, &error, &conflict));
        QVERIFY(conflict);
        QCOMPARE(d2->act(QStringLiteral("resume"), QStringLiteral("second"), &error),
                 TimbalRollout::ActResult::Applied);
        QVERIFY(d2->isDriving());
        QTRY_VERIFY2_WITH_TIMEOUT(d2->rollout().status == Status::Completed,
                                  qPrintable(describe(d2->rollout())), 30000);
        const QHash<QString, int> counts = postCounts(updatePosts(m_sandbox));
        QCOMPARE(counts.size(), 20);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() == 1 && itemOf(*first, it.key()), qPrintable(it.key()));
        d2.reset();
        d1.reset();
    }

    // 7. "latest": the first answer's target_version pins the target; later waves send it.
    void latestIsPinnedByTheFirstAnswer()
    {
        const QList<Connector> list = reachable(10);
        QCOMPARE(list.size(), 10);
        RolloutOptions o = options();
        o.target.clear();
        o.wavePercents = {50, 100};
        o.parallel = 1;
        const auto planned = plan(list, o);
        QVERIFY(planned);
        QVERIFY(planned->options.target.isEmpty());
        QVERIFY(planned->pinnedTarget.isEmpty());
        auto d = driver();
        QString error;
        QVERIFY2(d->start(*planned, &error), qPrintable(error));
        QTRY_VERIFY2_WITH_TIMEOUT(d->rollout().status == Status::Completed,
                                  qPrintable(describe(d->rollout())), 30000);
        const Rollout& r = d->rollout();
        QCOMPARE(r.pinnedTarget, kTarget);
        QCOMPARE(eventCount(r, QStringLiteral("pinned")), 1);
        QCOMPARE(r.allCounts().succeeded, 10);
        const QList<QJsonObject> posts = updatePosts(m_sandbox);
        QCOMPARE(posts.size(), 10);
        // The first POST asks for latest; every one of a later wave names the pinned version.
        QCOMPARE(versionPosted(posts.first()), QStringLiteral("<null>"));
        for (const QJsonObject& p : posts) {
            if (itemOf(r, postedId(p))->wave == 1)
                QCOMPARE(versionPosted(p), kTarget);
        }
        const auto saved = d->store().load(r.id);
        QVERIFY(saved);
        QCOMPARE(saved->pinnedTarget, kTarget);
    }
};

QTEST_GUILESS_MAIN(TestTimbalRollout)
#include "tst_timbal_rollout.moc"
