// `connectorctl rollout` as a black box: the built binary run as processes (one in the
// background driving, others acting or looking) against a connector-sandbox process, HOME and the
// XDG dirs in a temp dir, the key from the environment. The sandbox's request log and state are
// the truth about what was sent; `rollout status --json` and the rollout files about what the
// rollout says.
#include "CtlProcess.h"
#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <memory>

#ifdef Q_OS_UNIX
#include <csignal>
#endif

namespace {

const QString kProfile = QStringLiteral("t-timbal");

QStringList args(std::initializer_list<const char*> words)
{
    QStringList out;
    for (const char* w : words)
        out << QString::fromUtf8(w);
    return out;
}

// Waits (running the event loop) until `done` holds or `ms` passed.
bool waitUntil(const std::function<bool()>& done, int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms)
            return false;
        QTest::qWait(50);
    }
    return true;
}

} // namespace

class TestRolloutCli : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("300")}};
    QTemporaryDir m_home;

    CtlRun ctl(const QStringList& a) { return runCtlIn(ctlEnvironment(m_home.path()), a); }

    // connectorctl in the background (a driver), its output read when it ends.
    std::unique_ptr<QProcess> spawn(const QStringList& a)
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(ctlEnvironment(m_home.path()));
        p->start(QStringLiteral(CA_CONNECTORCTL_BIN), a);
        p->closeWriteChannel();
        return p;
    }
    static QString finished(QProcess& p, int ms = 60000)
    {
        if (!p.waitForFinished(ms))
            p.kill();
        p.waitForFinished(2000);
        return QStringLiteral("exit %1 (%2)\nstdout: %3\nstderr: %4")
            .arg(p.exitCode())
            .arg(p.exitStatus() == QProcess::NormalExit ? "normal" : "crashed")
            .arg(QString::fromUtf8(p.readAllStandardOutput()),
                 QString::fromUtf8(p.readAllStandardError()));
    }

    QJsonArray fleet()
    {
        return TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=timbal")))
            .value(QLatin1String("timbal"))
            .toArray();
    }
    // The first `n` connectors of the fleet that `pick` takes.
    QStringList fleetIds(int n, const std::function<bool(const QJsonObject&)>& pick)
    {
        QStringList ids;
        for (const QJsonValue& v : fleet()) {
            if (ids.size() < n && pick(v.toObject()))
                ids << v.toObject().value(QLatin1String("id")).toString();
        }
        return ids;
    }
    // Connectors that accept an update and report it: connected, online, reachable, on a version
    // that Timbal updates remotely (0.1.0 … 0.1.4, all below the target 0.1.5).
    QStringList updatable(int n)
    {
        return fleetIds(n, [](const QJsonObject& c) {
            return c.value(QLatin1String("connected")).toBool() &&
                   c.value(QLatin1String("online")).toBool() &&
                   c.value(QLatin1String("_sandbox"))
                       .toObject()
                       .value(QLatin1String("reachable"))
                       .toBool() &&
                   c.value(QLatin1String("version")).toString().startsWith(QLatin1String("0.1."));
        });
    }
    QStringList offline(int n)
    {
        return fleetIds(n, [](const QJsonObject& c) {
            return !c.value(QLatin1String("connected")).toBool() &&
                   !c.value(QLatin1String("online")).toBool();
        });
    }

    // The update POSTs the sandbox received, in arrival order: connector id and body.
    QList<QPair<QString, QJsonObject>> updatePosts()
    {
        QList<QPair<QString, QJsonObject>> out;
        for (const QJsonObject& r :
             m_sandbox.requestsTo(QStringLiteral("timbal"), QStringLiteral("POST"))) {
            const QStringList path =
                r.value(QLatin1String("path")).toString().split(QLatin1Char('/'));
            if (path.size() >= 2 && path.last() == QLatin1String("update"))
                out.append({path.at(path.size() - 2), r.value(QLatin1String("json")).toObject()});
        }
        return out;
    }

    QString dataDir() const { return ctlDataDirectory(m_home.path()); }
    QStringList rolloutFiles() const
    {
        QStringList out;
        QDirIterator it(dataDir() + QStringLiteral("/rollouts"), {QStringLiteral("r*.json")},
                        QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            out << it.next();
        return out;
    }

    QJsonObject status()
    {
        const CtlRun r = ctl({QStringLiteral("rollout"), QStringLiteral("status"), kProfile,
                              QStringLiteral("--json")});
        return QJsonDocument::fromJson(r.out).object();
    }
    QString statusId()
    {
        return status()
            .value(QLatin1String("rollout"))
            .toObject()
            .value(QLatin1String("status"))
            .toString();
    }

    QStringList startArgs(const QStringList& ids, const QStringList& extra)
    {
        return QStringList{QStringLiteral("rollout"),
                           QStringLiteral("start"),
                           kProfile,
                           QStringLiteral("--ids"),
                           ids.join(QLatin1Char(',')),
                           QStringLiteral("--version"),
                           QStringLiteral("0.1.5")} +
               extra;
    }

    void setUpdateDelay(int ms)
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("timbalUpdateDelayMs"), ms}}));
    }

    // A driver in the background over `ids` in one wave, its update POSTs answered after
    // `latencyMs` and sent `parallel` at a time; returned once `posts` of them reached the
    // sandbox, else null with *why.
    std::unique_ptr<QProcess> slowDriver(const QStringList& ids, int latencyMs, int parallel,
                                         int posts, QString* why)
    {
        const QJsonObject fault{
            {QStringLiteral("spec"), QStringLiteral("timbal:latency=%1").arg(latencyMs)},
            {QStringLiteral("method"), QStringLiteral("POST")}};
        if (!TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                {{QStringLiteral("timbalUpdateDelayMs"), 100}}) ||
            !TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                {{QStringLiteral("faults"), QJsonArray{fault}}})) {
            *why = QStringLiteral("the sandbox refused the config or the fault");
            return nullptr;
        }
        auto driver = spawn(startArgs(ids, args({"--waves", "100%", "--poll-interval", "100ms",
                                                 "--report-timeout", "10s", "--parallel"}) +
                                               QStringList{QString::number(parallel)}));
        if (!driver->waitForStarted() ||
            !waitUntil([&] { return updatePosts().size() >= posts; }, 20000)) {
            *why = finished(*driver, 0);
            return nullptr;
        }
        return driver;
    }

    // The update POSTs per "connector target"; `twice` gets those sent more than once.
    QMap<QString, int> postsPerTarget(QStringList* twice)
    {
        QMap<QString, int> out;
        for (const auto& [id, body] : updatePosts()) {
            const QString key =
                id + QLatin1Char(' ') + body.value(QLatin1String("version")).toString();
            if (++out[key] == 2)
                *twice << key;
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        const CtlRun r =
            ctl({QStringLiteral("profile"), QStringLiteral("add"), kProfile,
                 QStringLiteral("--vendor"), QStringLiteral("timbal"), QStringLiteral("--base-url"),
                 m_sandbox.vendorUrl(QStringLiteral("timbal")).toString(), QStringLiteral("--org"),
                 QStringLiteral("demo-org")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
    }
    void init()
    {
        // A fresh fleet, and no rollout, lock or dispatch record of an earlier test.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QVERIFY(QDir(dataDir()).removeRecursively());
    }

    // Catches: a dry run that starts (POSTs, a file), waves not taken from --waves/--canary, the
    // preview leaving out the skipped ones or the target.
    void dryRunPrintsTheWavesAndSendsNothing()
    {
        const QStringList ids = updatable(100);
        QCOMPARE(ids.size(), 100);
        const QStringList down = offline(2);
        QCOMPARE(down.size(), 2);
        const QStringList extra = args({"--canary", "2", "--waves", "10%,50%,100%", "--dry-run"});
        const CtlRun r = ctl(startArgs(ids + down, extra));
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        // 100 eligible: the canary 2, then of the 98 left 10% (10), up to 50% (39 more), the rest.
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QStringLiteral(
                     "100 connector(s) of t-timbal to 0.1.5 in 4 wave(s); 2 skipped")),
                 qPrintable(out));
        const QList<QPair<QString, int>> expected{{QStringLiteral("canary: 2 connector(s)"), 2},
                                                  {QStringLiteral("wave 1: 10 connector(s)"), 10},
                                                  {QStringLiteral("wave 2: 39 connector(s)"), 39},
                                                  {QStringLiteral("wave 3: 49 connector(s)"), 49},
                                                  {QStringLiteral("skipped: 2 connector(s)"), 2}};
        const QStringList lines = out.split(QLatin1Char('\n'));
        QSet<QString> listed;
        for (const auto& [heading, n] : expected) {
            const qsizetype at = lines.indexOf(heading);
            QVERIFY2(at >= 0, qPrintable(heading + QStringLiteral(" in\n") + out));
            for (int k = 1; k <= n; ++k) {
                const QString line = lines.value(at + k);
                QVERIFY2(line.startsWith(QLatin1String("  con_")), qPrintable(line));
                listed.insert(line.section(QLatin1Char(' '), 2, 2));
                const bool skipped = heading.startsWith(QLatin1String("skipped"));
                QVERIFY2(skipped ? line.contains(QLatin1String("offline"))
                                 : line.contains(QStringLiteral("→ 0.1.5")),
                         qPrintable(line));
            }
            QVERIFY(!lines.value(at + n + 1).startsWith(QLatin1String("  con_")));
        }
        QCOMPARE(listed.size(), 102);
        // The same plan as JSON, and the canary chosen the same way again.
        const CtlRun json =
            ctl(startArgs(ids + down, extra + QStringList{QStringLiteral("--json")}));
        QVERIFY2(json.code == 0, qPrintable(json.describe()));
        QMap<int, QStringList> byWave;
        for (const QJsonValue& v :
             QJsonDocument::fromJson(json.out).object().value(QLatin1String("items")).toArray())
            byWave[v.toObject().value(QLatin1String("wave")).toInt()]
                << v.toObject().value(QLatin1String("id")).toString();
        QCOMPARE(byWave.value(0).size(), 2);
        QCOMPARE(byWave.value(1).size(), 10);
        QCOMPARE(byWave.value(2).size(), 39);
        QCOMPARE(byWave.value(3).size(), 49);
        QCOMPARE(byWave.value(-1).size(), 2);
        QCOMPARE(
            lines.value(lines.indexOf(expected.first().first) + 1).section(QLatin1Char(' '), 2, 2),
            byWave.value(0).first());
        QVERIFY(updatePosts().isEmpty());
        QVERIFY2(rolloutFiles().isEmpty(), qPrintable(rolloutFiles().join(QLatin1Char(' '))));
        QCOMPARE(ctl({QStringLiteral("rollout"), QStringLiteral("status"), kProfile}).code, 3);
    }

    // Catches: a wrong exit code at the end, the driver not finishing the command, a wave sent
    // before the one before finished, a connector sent twice, escapes on a pipe.
    void smallRolloutCompletes()
    {
        setUpdateDelay(100);
        const QStringList ids = updatable(20);
        const CtlRun r = ctl(startArgs(ids, args({"--waves", "50%,100%", "--poll-interval", "100ms",
                                                  "--report-timeout", "3s"})));
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("completed: 20 of 20 updated, 0 failed"), qPrintable(r.describe()));
        QVERIFY(!r.out.contains('\r') && !r.out.contains('\033') && !r.err.contains('\033'));
        const QJsonObject s = status();
        const QJsonObject rollout = s.value(QLatin1String("rollout")).toObject();
        QCOMPARE(rollout.value(QLatin1String("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(s.value(QLatin1String("driver")).toString(), QString());
        QMap<QString, int> waveOf;
        for (const QJsonValue& v : rollout.value(QLatin1String("items")).toArray()) {
            const QJsonObject it = v.toObject();
            QCOMPARE(it.value(QLatin1String("state")).toString(), QStringLiteral("succeeded"));
            waveOf.insert(it.value(QLatin1String("id")).toString(),
                          it.value(QLatin1String("wave")).toInt());
        }
        QCOMPARE(waveOf.size(), 20);
        const auto posts = updatePosts();
        QCOMPARE(posts.size(), 20);
        QSet<QString> sent;
        int lastWave = 0;
        for (const auto& [id, body] : posts) {
            QVERIFY2(!sent.contains(id), qPrintable(id));
            sent.insert(id);
            QVERIFY(waveOf.value(id, -1) >= lastWave); // wave 2 only after the whole of wave 1
            lastWave = waveOf.value(id);
            QCOMPARE(body.value(QLatin1String("version")).toString(), QStringLiteral("0.1.5"));
        }
        QCOMPARE(lastWave, 1);
    }

    // Catches: a second start not refused (or not with 7, or without naming the rollout), status
    // not seeing the other process's rollout or its driver, SIGTERM killing the driver outright
    // instead of letting go of the rollout.
    void secondStartIsRefusedAndEveryProcessSeesTheRollout()
    {
        setUpdateDelay(100);
        const QStringList ids = updatable(8);
        auto driver = spawn(
            startArgs(ids.mid(0, 6), args({"--waves", "50%,100%", "--pause-between", "1h",
                                           "--poll-interval", "100ms", "--report-timeout", "5s"})));
        QVERIFY(driver->waitForStarted());
        if (!waitUntil([&] { return statusId() == QLatin1String("between-waves"); }, 20000))
            QFAIL(qPrintable(finished(*driver, 0)));
        const QJsonObject s = status();
        const QString id =
            s.value(QLatin1String("rollout")).toObject().value(QLatin1String("id")).toString();
        QVERIFY(!id.isEmpty());
        QVERIFY2(s.value(QLatin1String("driver"))
                     .toString()
                     .contains(QStringLiteral("process %1").arg(driver->processId())),
                 qPrintable(s.value(QLatin1String("driver")).toString()));

        const CtlRun second = ctl(startArgs(ids.mid(6), {}));
        QVERIFY2(second.code == 7, qPrintable(second.describe()));
        QVERIFY2(second.err.contains(id.toUtf8()), qPrintable(second.describe()));
        QCOMPARE(updatePosts().size(), 3);

        const CtlRun text = ctl({QStringLiteral("rollout"), QStringLiteral("status"), kProfile});
        QVERIFY2(text.code == 0 && text.out.contains(id.toUtf8()) &&
                     text.out.contains(
                         QStringLiteral("driver: process %1").arg(driver->processId()).toUtf8()),
                 qPrintable(text.describe()));

        // SIGTERM: the driver lets go; the rollout stays where it was, undriven.
#ifndef Q_OS_UNIX
        QSKIP("SIGTERM is POSIX");
#endif
        driver->terminate();
        QVERIFY(driver->waitForFinished(10000));
        QCOMPARE(driver->exitStatus(), QProcess::NormalExit);
        QCOMPARE(driver->exitCode(), 143);
        const QJsonObject after = status();
        QCOMPARE(after.value(QLatin1String("rollout"))
                     .toObject()
                     .value(QLatin1String("status"))
                     .toString(),
                 QStringLiteral("between-waves"));
        QCOMPARE(after.value(QLatin1String("driver")).toString(), QString());
        QVERIFY(ctl({QStringLiteral("rollout"), QStringLiteral("status"), kProfile})
                    .out.contains(
                        "driver: nobody: run `connectorctl rollout resume t-timbal` to go on"));
        // Nobody drives it: abort is applied by the asking process itself.
        const CtlRun abort = ctl({QStringLiteral("rollout"), QStringLiteral("abort"), kProfile});
        QVERIFY2(abort.code == 0 && abort.out.startsWith("aborted"), qPrintable(abort.describe()));
        QCOMPARE(statusId(), QStringLiteral("aborted"));
        QCOMPARE(updatePosts().size(), 3);
    }

    // Catches: a resumed rollout sending again what the killed one sent (or may have sent), a
    // resume that does not drive it to the end, an inconsistent file after kill -9.
    void killedMidWaveResumesWithoutSendingTwice()
    {
        QString why;
        const auto driver = slowDriver(updatable(60), 300, 2, 5, &why);
        QVERIFY2(driver, qPrintable(why));
        driver->kill(); // SIGKILL: no handler, no last save
        QVERIFY(driver->waitForFinished(5000));
        const int before = int(updatePosts().size());
        QVERIFY(before < 30);
        QCOMPARE(statusId(), QStringLiteral("running"));

        const CtlRun resumed = ctl({QStringLiteral("rollout"), QStringLiteral("resume"), kProfile});
        // First what must hold however the resume ended: never two POSTs for one target.
        QStringList twice;
        QCOMPARE((postsPerTarget(&twice), twice), QStringList());
        // Intents written ahead of POSTs that never left cannot be told from POSTs whose answer
        // was lost: those connectors are watched, not sent again, and when they never report,
        // the rollout stops for the user (exit 8) instead of completing. Retry sends them once.
        if (resumed.code == 8) {
            QVERIFY2(resumed.out.contains("may never have been sent") ||
                         resumed.err.contains("may never have been sent"),
                     qPrintable(resumed.describe()));
            QCOMPARE(statusId(), QStringLiteral("needs-attention"));
            const CtlRun retried =
                ctl({QStringLiteral("rollout"), QStringLiteral("retry"), kProfile});
            QVERIFY2(retried.code == 0, qPrintable(retried.describe()));
        } else {
            QVERIFY2(resumed.code == 0, qPrintable(resumed.describe()));
        }
        const QMap<QString, int> posts = postsPerTarget(&twice);
        QCOMPARE(twice, QStringList());
        const QJsonObject rollout = status().value(QLatin1String("rollout")).toObject();
        QCOMPARE(rollout.value(QLatin1String("status")).toString(), QStringLiteral("completed"));
        int succeeded = 0;
        for (const QJsonValue& v : rollout.value(QLatin1String("items")).toArray()) {
            const QString state = v.toObject().value(QLatin1String("state")).toString();
            QVERIFY2(state == QLatin1String("succeeded") || state == QLatin1String("skipped"),
                     qPrintable(QJsonDocument(v.toObject()).toJson()));
            succeeded += state == QLatin1String("succeeded");
        }
        QCOMPARE(succeeded, 60);
        QCOMPARE(posts.size(), 60);
    }

    // Catches: Ctrl-C ending the driver without letting go (no handler: killed with POSTs in
    // flight, intents left open), an exit code other than 130, a resume that sends again.
    void interruptedMidWaveResumes()
    {
#ifndef Q_OS_UNIX
        QSKIP("signals are POSIX; on Windows Ctrl-C ends connectorctl at once");
#endif
        QString why;
        const auto driver = slowDriver(updatable(24), 300, 2, 3, &why);
        QVERIFY2(driver, qPrintable(why));
#ifdef Q_OS_UNIX
        ::kill(pid_t(driver->processId()), SIGINT);
#endif
        const QString out = finished(*driver, 10000);
        QVERIFY2(driver->exitStatus() == QProcess::NormalExit && driver->exitCode() == 130,
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("interrupted: rollout ")) &&
                     out.contains(QStringLiteral("`connectorctl rollout resume t-timbal` goes on")),
                 qPrintable(out));
        QCOMPARE(statusId(), QStringLiteral("running"));
        QCOMPARE(status().value(QLatin1String("driver")).toString(), QString());
        QVERIFY(updatePosts().size() < 24);

        const CtlRun resumed = ctl({QStringLiteral("rollout"), QStringLiteral("resume"), kProfile});
        QVERIFY2(resumed.code == 0 && resumed.out.contains("completed: 24 of 24 updated, 0 failed"),
                 qPrintable(resumed.describe()));
        QStringList twice;
        QCOMPARE(postsPerTarget(&twice).size(), 24);
        QCOMPARE(twice, QStringList());
    }

    // Catches: a pause request not reaching the driving process (or not awaited), the driver not
    // ending with 0 when paused, resume not going on from where it stopped.
    void pauseFromAnotherProcessThenResume()
    {
        QString why;
        const auto driver = slowDriver(updatable(30), 200, 1, 2, &why);
        QVERIFY2(driver, qPrintable(why));
        const CtlRun pause = ctl({QStringLiteral("rollout"), QStringLiteral("pause"), kProfile});
        QVERIFY2(pause.code == 0 && pause.out.startsWith("paused"), qPrintable(pause.describe()));
        const QString out = finished(*driver, 20000);
        QVERIFY2(driver->exitStatus() == QProcess::NormalExit && driver->exitCode() == 0,
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral(
                     "paused: nothing more is sent until Resume (asked by connectorctl (process ")),
                 qPrintable(out));
        QCOMPARE(statusId(), QStringLiteral("paused"));
        const int whilePaused = int(updatePosts().size());
        QVERIFY(whilePaused < 30);
        QTest::qWait(500);
        QCOMPARE(int(updatePosts().size()), whilePaused); // paused: nothing is sent

        const CtlRun resume = ctl({QStringLiteral("rollout"), QStringLiteral("resume"), kProfile});
        QVERIFY2(resume.code == 0 && resume.out.contains("completed: 30 of 30 updated, 0 failed"),
                 qPrintable(resume.describe()));
        QCOMPARE(updatePosts().size(), 30);
    }

    // Catches: a halt that does not end the foreground command with 8 and the commands that go
    // on, a POST after the halt, abort --rollback ending before its rollback ran (or rolling
    // back connectors that did not move).
    void haltThenAbortAndRollBack()
    {
        setUpdateDelay(100);
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"), QJsonArray{QStringLiteral("timbal:stuck@0.5")}}}));
        const QStringList ids = updatable(20);
        const CtlRun halted = ctl(startArgs(ids, args({"--waves", "50%,100%", "--poll-interval",
                                                       "100ms", "--report-timeout", "1s"})));
        QVERIFY2(halted.code == 8, qPrintable(halted.describe()));
        QVERIFY2(halted.out.contains("needs attention in wave 1 (1 of 2)"),
                 qPrintable(halted.describe()));
        for (const char* next :
             {"`connectorctl rollout resume t-timbal`", "`connectorctl rollout retry t-timbal`",
              "`connectorctl rollout abort [--rollback] t-timbal`"})
            QVERIFY2(halted.err.contains(next), qPrintable(halted.describe()));
        const auto sent = updatePosts();
        QCOMPARE(sent.size(), 10); // wave 1 only: nothing after the halt
        QTest::qWait(300);
        QCOMPARE(updatePosts().size(), 10);
        QCOMPARE(statusId(), QStringLiteral("needs-attention"));

        // The versions before: what the rollback sends back, to those that moved only.
        QMap<QString, QString> before;
        QMap<QString, QString> now;
        for (const QJsonValue& v : fleet()) {
            const QJsonObject c = v.toObject();
            now.insert(c.value(QLatin1String("id")).toString(),
                       c.value(QLatin1String("version")).toString());
        }
        const QJsonArray items = status()
                                     .value(QLatin1String("rollout"))
                                     .toObject()
                                     .value(QLatin1String("items"))
                                     .toArray();
        for (const QJsonValue& v : items)
            before.insert(v.toObject().value(QLatin1String("id")).toString(),
                          v.toObject().value(QLatin1String("from")).toString());
        QStringList moved;
        for (const auto& [id, body] : sent) {
            if (now.value(id) == QLatin1String("0.1.5"))
                moved << id;
        }
        QVERIFY(!moved.isEmpty() && moved.size() < sent.size());

        const CtlRun back = ctl({QStringLiteral("rollout"), QStringLiteral("abort"), kProfile,
                                 QStringLiteral("--rollback")});
        QVERIFY2(back.code == 0, qPrintable(back.describe()));
        QVERIFY2(back.out.contains("now driving rollout") &&
                     back.out.contains(QStringLiteral("completed: %1 of %1 updated, 0 failed")
                                           .arg(moved.size())
                                           .toUtf8()),
                 qPrintable(back.describe()));
        const auto all = updatePosts();
        QCOMPARE(all.size(), sent.size() + moved.size());
        QStringList rolledBack;
        for (qsizetype i = sent.size(); i < all.size(); ++i) {
            rolledBack << all.at(i).first;
            QCOMPARE(all.at(i).second.value(QLatin1String("version")).toString(),
                     before.value(all.at(i).first));
        }
        rolledBack.sort();
        moved.sort();
        QCOMPARE(rolledBack, moved);
        const QJsonObject rollback = status().value(QLatin1String("rollout")).toObject();
        QCOMPARE(rollback.value(QLatin1String("kind")).toString(), QStringLiteral("rollback"));
        QCOMPARE(rollback.value(QLatin1String("status")).toString(), QStringLiteral("completed"));
    }

    // Catches: bad values accepted (or with another exit code, or without saying which option),
    // an unknown id not refused before anything is sent, status without a rollout.
    void badInputIsRefused()
    {
        const QStringList ids = updatable(3);
        CtlRun r = ctl(startArgs(ids, args({"--waves", "50,10"})));
        QVERIFY2(r.code == 2 && r.err.contains("waves"), qPrintable(r.describe()));
        r = ctl(startArgs(ids, args({"--max-failures", "x"})));
        QVERIFY2(r.code == 2 && r.err.contains("max failures"), qPrintable(r.describe()));
        r = ctl(startArgs(ids, args({"--report-timeout", "soon"})));
        QVERIFY2(r.code == 2 && r.err.contains("--report-timeout"), qPrintable(r.describe()));
        r = ctl(startArgs(ids, args({"--canary", "1", "--canary-ids", "con_000001"})));
        QVERIFY2(r.code == 2, qPrintable(r.describe()));
        r = ctl({QStringLiteral("rollout"), QStringLiteral("start"), kProfile});
        QVERIFY2(r.code == 2 && r.err.contains("--ids"), qPrintable(r.describe()));
        r = ctl({QStringLiteral("rollout"), QStringLiteral("pause"), kProfile,
                 QStringLiteral("--rollback")});
        QCOMPARE(r.code, 2);
        r = ctl(startArgs(ids + QStringList{QStringLiteral("con_999999")}, {}));
        QVERIFY2(r.code == 3 && r.err.contains("con_999999"), qPrintable(r.describe()));
        r = ctl({QStringLiteral("rollout"), QStringLiteral("status"), kProfile});
        QVERIFY2(r.code == 3, qPrintable(r.describe()));
        r = ctl({QStringLiteral("rollout"), QStringLiteral("resume"), kProfile});
        QVERIFY2(r.code == 3, qPrintable(r.describe()));
        QVERIFY(updatePosts().isEmpty());
        QVERIFY(rolloutFiles().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRolloutCli)
#include "tst_rollout_cli.moc"
