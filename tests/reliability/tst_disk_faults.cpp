// Full disks, failing writes and a connectorctl killed while sending (ctest -L disk). The fault
// shim (FaultShim.cpp, preloaded into this test and inherited by connectorctl) fails
// write()/fsync() on one chosen file with ENOSPC or EIO, at the first byte or in the middle, while
// every other file is written as usual. Each of the app's files meets each fault: the audit log
// (through a real `connectorctl apply`), drafts, profiles.ini (in-process and through `connectorctl
// profile add`) and a profile export. Each must give a clear message, leave no partial file as the
// live one, send no PUT without its intent record, and lose nothing written before.
#include "AuditLog.h"
#include "CtlProcess.h"
#include "DraftStore.h"
#include "FaultShimControl.h"
#include "ProfileStore.h"
#include "ReliabilityFixtures.h"
#include "SandboxProcess.h"
#include "TestHttp.h"
#include "UiSettings.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <csignal>
#include <cstring>

using namespace ca;
using fixtures::bytesOf;
using fixtures::draft;
using fixtures::profile;

namespace {

struct Fault
{
    int error = ENOSPC;
    long long after = 0; // bytes that still succeed
    int ops = FaultShim::kWriteAndSync;
};

QStringList filesIn(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

QString reasonOf(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

class TestDiskFaults : public QObject
{
    Q_OBJECT

    FaultShim m_shim;
    QTemporaryDir m_home;
    SandboxProcess m_sandbox;

    static void addFaultRows()
    {
        QTest::addColumn<int>("error");
        QTest::addColumn<qlonglong>("after");
        QTest::addColumn<int>("ops");
        QTest::newRow("ENOSPC at the first byte") << ENOSPC << 0LL << int(FaultShim::kWrite);
        QTest::newRow("ENOSPC after 60 bytes") << ENOSPC << 60LL << int(FaultShim::kWrite);
        QTest::newRow("EIO at the first byte") << EIO << 0LL << int(FaultShim::kWrite);
        QTest::newRow("EIO on fsync") << EIO << (1LL << 40) << int(FaultShim::kSync);
    }

    static Fault fault()
    {
        QFETCH(int, error);
        QFETCH(qlonglong, after);
        QFETCH(int, ops);
        return Fault{error, after, ops};
    }

    QMap<QString, QString> faultEnvironment(const QString& file, const Fault& f) const
    {
        return {{QStringLiteral("CA_FAULT_FILE"), file},
                {QStringLiteral("CA_FAULT_AFTER"), QString::number(f.after)},
                {QStringLiteral("CA_FAULT_ERRNO"),
                 f.error == EIO ? QStringLiteral("EIO") : QStringLiteral("ENOSPC")},
                {QStringLiteral("CA_FAULT_ON"), f.ops == FaultShim::kWrite ? QStringLiteral("write")
                                                : f.ops == FaultShim::kSync
                                                    ? QStringLiteral("sync")
                                                    : QStringLiteral("both")}};
    }

    // Timbal connectors an update to 0.1.4 reaches (online, connected, not on it, not too old).
    QStringList updatableTimbalIds(int count) const
    {
        QStringList ids;
        const CtlRun list =
            runCtl(m_home.path(),
                   {QStringLiteral("list"), QStringLiteral("t-timbal"), QStringLiteral("--json")});
        for (const QJsonValue& v : QJsonDocument::fromJson(list.out).array()) {
            const QJsonObject c = v.toObject();
            const QString version = c.value(QLatin1String("version")).toString();
            if (c.value(QLatin1String("online")).toBool() &&
                c.value(QLatin1String("connected")).toBool() && !version.isEmpty() &&
                version != QLatin1String("0.0.9") && version != QLatin1String("0.1.4"))
                ids << c.value(QLatin1String("id")).toString();
        }
        return ids.mid(0, count);
    }
    static QStringList update(const QStringList& ids, int parallel)
    {
        return QStringList{QStringLiteral("update"), QStringLiteral("t-timbal")} + ids +
               QStringList{QStringLiteral("--version"), QStringLiteral("0.1.4"),
                           QStringLiteral("--parallel"), QString::number(parallel)};
    }
    qsizetype posts() const
    {
        return m_sandbox.requestsTo(QStringLiteral("timbal"), QStringLiteral("POST")).size();
    }

    int puts() const
    {
        return int(m_sandbox.requestsTo(QStringLiteral("databar"), QStringLiteral("PUT")).size());
    }

    // A document for `apply` that renames the first Databar connector.
    QString applyFile(const QString& id, const QString& name)
    {
        const CtlRun got =
            runCtl(m_home.path(), {QStringLiteral("get"), QStringLiteral("t-databar"), id,
                                   QStringLiteral("--json")});
        QJsonObject doc = QJsonDocument::fromJson(got.out).object();
        doc.insert(QStringLiteral("name"), name);
        const QString path = m_home.filePath(QStringLiteral("apply.json"));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(QJsonDocument(doc).toJson());
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_shim.isLoaded(), "the fault shim is not preloaded (LD_PRELOAD from ctest)");
        QVERIFY(m_home.isValid());
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        const CtlRun r =
            runCtl(m_home.path(), {QStringLiteral("profile"), QStringLiteral("add"),
                                   QStringLiteral("t-databar"), QStringLiteral("--vendor"),
                                   QStringLiteral("databar"), QStringLiteral("--base-url"),
                                   m_sandbox.vendorUrl(QStringLiteral("databar")).toString()});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        const CtlRun t =
            runCtl(m_home.path(), {QStringLiteral("profile"), QStringLiteral("add"),
                                   QStringLiteral("t-timbal"), QStringLiteral("--vendor"),
                                   QStringLiteral("timbal"), QStringLiteral("--base-url"),
                                   m_sandbox.vendorUrl(QStringLiteral("timbal")).toString(),
                                   QStringLiteral("--org"), QStringLiteral("demo-org")});
        QVERIFY2(t.code == 0, qPrintable(t.describe()));
    }

    void cleanup() { m_shim.disarm(); }

    // The audit log cannot take the intent: exit 9, the reason and the file on stderr, no PUT,
    // every earlier line as it was; with the disk back, the next apply goes through.
    void auditLogFaultSendsNothing_data() { addFaultRows(); }
    void auditLogFaultSendsNothing()
    {
        const Fault f = fault();
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QDir(ctlDataDirectory(m_home.path())).removeRecursively();
        const CtlRun list =
            runCtl(m_home.path(),
                   {QStringLiteral("list"), QStringLiteral("t-databar"), QStringLiteral("--json")});
        const QString id = QJsonDocument::fromJson(list.out)
                               .array()
                               .first()
                               .toObject()
                               .value(QLatin1String("id"))
                               .toString();
        QVERIFY2(!id.isEmpty(), qPrintable(list.describe()));
        const QStringList apply{QStringLiteral("apply"), QStringLiteral("t-databar"), id,
                                applyFile(id, QStringLiteral("Before the fault")),
                                QStringLiteral("--yes")};
        const CtlRun before = runCtl(m_home.path(), apply);
        QVERIFY2(before.code == 0, qPrintable(before.describe()));
        QCOMPARE(puts(), 1);
        const QString log = ctlDataDirectory(m_home.path()) + QStringLiteral("/audit.jsonl");
        const QByteArray earlier = bytesOf(log);
        QVERIFY(earlier.endsWith('\n'));

        QStringList faulty = apply;
        faulty[3] = applyFile(id, QStringLiteral("During the fault"));
        const CtlRun r =
            runCtl(m_home.path(), faulty, faultEnvironment(QStringLiteral("/audit.jsonl"), f));
        QVERIFY2(r.code == 9, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("nothing was sent") && r.err.contains(log.toUtf8()) &&
                     r.err.contains(reasonOf(f.error).toUtf8()),
                 qPrintable(r.describe()));
        QCOMPARE(puts(), 1);
        QVERIFY2(bytesOf(log).startsWith(earlier), "a line written before the fault was lost");

        faulty[3] = applyFile(id, QStringLiteral("After the fault"));
        const CtlRun after = runCtl(m_home.path(), faulty);
        QVERIFY2(after.code == 0, qPrintable(after.describe()));
        QCOMPARE(puts(), 2);
        // Both applies that were sent are recorded as applied, the one that was not is not (a
        // synced-but-unsure intent is closed by the next command as not landed: "failed").
        AuditLog audit(ctlDataDirectory(m_home.path()));
        QStringList outcomes;
        const QList<AuditRecord> records = audit.records(QStringLiteral("t-databar"), id, 50);
        for (const AuditRecord& rec : records)
            outcomes << auditOutcomeName(rec.outcome);
        QVERIFY2(outcomes.count(QStringLiteral("applied")) == 2, qPrintable(outcomes.join(u',')));
        QVERIFY2(outcomes.size() <= 3, qPrintable(outcomes.join(u',')));
    }

    // The same for a Timbal fleet update: no POST leaves while the intents cannot be written
    // (exit 9, the reason and the log on stderr); with the disk back the next run sends each
    // update once, says nothing about unfinished sends, and leaves no intent open.
    void timbalUpdateFaultSendsNothing_data() { addFaultRows(); }
    void timbalUpdateFaultSendsNothing()
    {
        const Fault f = fault();
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QDir(ctlDataDirectory(m_home.path())).removeRecursively();
        const QStringList ids = updatableTimbalIds(5);
        QCOMPARE(ids.size(), 5);
        const CtlRun first = runCtl(m_home.path(), update(ids.mid(0, 1), 2));
        QVERIFY2(first.code == 0, qPrintable(first.describe()));
        QCOMPARE(posts(), 1);
        const QString log = ctlDataDirectory(m_home.path()) + QStringLiteral("/audit.jsonl");
        const QByteArray earlier = bytesOf(log);
        QVERIFY(earlier.endsWith('\n'));

        const CtlRun r = runCtl(m_home.path(), update(ids.mid(1), 2),
                                faultEnvironment(QStringLiteral("/audit.jsonl"), f));
        QVERIFY2(r.code == 9, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("4 connector(s) not updated") && r.err.contains("not sent") &&
                     r.err.contains(log.toUtf8()) && r.err.contains(reasonOf(f.error).toUtf8()),
                 qPrintable(r.describe()));
        QCOMPARE(posts(), 1);
        QVERIFY2(bytesOf(log).startsWith(earlier), "a line written before the fault was lost");

        const CtlRun after = runCtl(m_home.path(), update(ids.mid(1), 2));
        QVERIFY2(after.code == 0, qPrintable(after.describe()));
        QVERIFY2(!after.err.contains("stopped while sending"), qPrintable(after.describe()));
        QCOMPARE(posts(), 5);
        AuditLog audit(ctlDataDirectory(m_home.path()));
        int dispatched = 0;
        for (const AuditRecord& rec : audit.records(QStringLiteral("t-timbal"))) {
            QVERIFY(rec.outcome != AuditOutcome::Intent);
            dispatched += rec.outcome == AuditOutcome::Dispatched;
        }
        QCOMPARE(dispatched, 5);
    }

    // The one-run-per-profile lock cannot be written (the same full disk): nothing is sent, and
    // the message says so, not that another run holds it.
    void rolloutLockFaultSendsNothing()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QDir(ctlDataDirectory(m_home.path())).removeRecursively();
        const QStringList ids = updatableTimbalIds(2);
        QCOMPARE(ids.size(), 2);
        const qsizetype before = posts();
        const CtlRun r = runCtl(m_home.path(), update(ids, 2),
                                faultEnvironment(QStringLiteral("/locks/"), Fault{}));
        QVERIFY2(r.code == 9, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("lock could not be taken") && r.err.contains("nothing was sent") &&
                     !r.err.contains("another update run"),
                 qPrintable(r.describe()));
        QCOMPARE(posts(), before);
    }

    // connectorctl killed in the middle of a fleet update (a crash, power loss): its intents are
    // on disk, so the next command on the profile tells each update it had begun, closes it, and
    // the same updates are not sent again while they may still be on their way.
    void updateKilledMidRunIsToldAndNotSentAgain()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QDir(ctlDataDirectory(m_home.path())).removeRecursively();
        const QStringList ids = updatableTimbalIds(4);
        QCOMPARE(ids.size(), 4);
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"), QJsonArray{QStringLiteral("timbal:latency=4000")}}}));
        QProcess ctl;
        ctl.setProcessEnvironment(ctlEnvironment(m_home.path()));
        ctl.start(QStringLiteral(CA_CONNECTORCTL_BIN), update(ids, 1));
        QVERIFY(ctl.waitForStarted(10000));
        // Its intents are written ahead, all four in one batch; then one POST goes, and waits.
        const QString log = ctlDataDirectory(m_home.path()) + QStringLiteral("/audit.jsonl");
        QTRY_COMPARE_WITH_TIMEOUT(bytesOf(log).count("\"outcome\":\"intent\""), 4, 30000);
        QTest::qWait(500);
        ::kill(pid_t(ctl.processId()), SIGKILL);
        QVERIFY(ctl.waitForFinished(10000));
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   {{QStringLiteral("faults"), QJsonArray()}}));
        const qsizetype postsBefore = posts();
        QVERIFY(postsBefore <= 1);

        const CtlRun next =
            runCtl(m_home.path(), {QStringLiteral("list"), QStringLiteral("t-timbal")});
        QVERIFY2(next.code == 0, qPrintable(next.describe()));
        QCOMPARE(next.err.count("stopped while sending a software update"), 4);
        for (const QString& id : ids)
            QVERIFY2(next.err.contains(id.toUtf8()), qPrintable(next.describe()));
        const CtlRun again = runCtl(m_home.path(), update(ids, 1));
        QVERIFY2(!again.err.contains("stopped while sending"), qPrintable(again.describe()));
        QCOMPARE(posts(), postsBefore);
        QVERIFY2(again.out.count(" skipped: ") == 4, qPrintable(again.describe()));
        AuditLog audit(ctlDataDirectory(m_home.path()));
        for (const AuditRecord& rec : audit.records(QStringLiteral("t-timbal")))
            QVERIFY(rec.outcome != AuditOutcome::Intent);
    }

    // A draft that cannot be saved: false with the reason, the earlier draft intact, no
    // temporary file left beside it.
    void draftFaultKeepsTheEarlierDraft_data() { addFaultRows(); }
    void draftFaultKeepsTheEarlierDraft()
    {
        const Fault f = fault();
        QTemporaryDir dir;
        DraftStore store(dir.filePath(QStringLiteral("drafts")));
        QVERIFY(store.save(draft(QStringLiteral("First"))));
        const QStringList before = filesIn(store.directory());
        const qint64 hits = m_shim.hits();

        m_shim.arm("/drafts/", f.after, f.error, f.ops);
        QString error;
        QVERIFY(!store.save(draft(QStringLiteral("Second")), &error));
        m_shim.disarm();
        QVERIFY(m_shim.hits() > hits);
        QVERIFY2(error.contains(store.directory()), qPrintable(error));
        QCOMPARE(filesIn(store.directory()), before);
        const auto kept = store.load(QStringLiteral("prod"), Vendor::Databar, QStringLiteral("42"));
        QVERIFY(kept);
        QCOMPARE(kept->editedDocument.value(QLatin1String("name")).toString(),
                 QStringLiteral("First"));
    }

    // profiles.ini that cannot be written: the save fails with a message, the file keeps every
    // earlier profile, and the store does not pretend the new one exists.
    // A save writes a lock file (~95 bytes) and then the whole file to temporary files in the
    // same directory, so the fault is set on the directory and `after` says which write fails.
    // (QSettings' own sync renamed a torn file into place after such a failure, and ignored a
    // failed fsync: ProfileStore no longer lets it write, see changeSettingsWhole().)
    void profilesFaultKeepsEveryProfile_data()
    {
        QTest::addColumn<int>("error");
        QTest::addColumn<qlonglong>("after");
        QTest::addColumn<int>("ops");
        QTest::newRow("ENOSPC at the lock file") << ENOSPC << 0LL << int(FaultShim::kWrite);
        QTest::newRow("ENOSPC in the file") << ENOSPC << 200LL << int(FaultShim::kWrite);
        QTest::newRow("EIO in the file") << EIO << 200LL << int(FaultShim::kWrite);
        QTest::newRow("ENOSPC in a larger file") << ENOSPC << 2000LL << int(FaultShim::kWrite);
        QTest::newRow("EIO on fsync") << EIO << (1LL << 40) << int(FaultShim::kSync);
    }
    void profilesFaultKeepsEveryProfile()
    {
        const Fault f = fault();
        QTemporaryDir dir;
        const QString ini = dir.filePath(QStringLiteral("profiles.ini"));
        ProfileStore store(ini);
        QString error;
        QVERIFY(store.save(profile(QStringLiteral("first")), &error));
        if (f.after > 1000) { // a file of several writes: fill it first
            for (int i = 0; i < 60; ++i)
                QVERIFY(store.save(profile(QStringLiteral("filler-%1").arg(i)), &error));
        }
        const QByteArray before = bytesOf(ini);
        const int count = int(store.profiles().size());
        const qint64 hits = m_shim.hits();

        m_shim.arm(qPrintable(dir.path() + QLatin1Char('/')), f.after, f.error, f.ops);
        QVERIFY(!store.save(profile(QStringLiteral("second")), &error));
        m_shim.disarm();
        QVERIFY(m_shim.hits() > hits);
        QVERIFY2(error.contains(ini), qPrintable(error));
        QCOMPARE(bytesOf(ini), before);
        QCOMPARE(filesIn(dir.path()), QStringList{QStringLiteral("profiles.ini")});
        QCOMPARE(store.profiles().size(), count);
        QCOMPARE(ProfileStore(ini).profiles().size(), count);
        QVERIFY(!store.find(QStringLiteral("second")));
    }

    // ui.ini (the window's layout and preferences) the same way: a failed save says why and where,
    // and leaves the earlier file whole, with no scratch file beside it.
    void uiSettingsFaultKeepsTheEarlierFile_data() { profilesFaultKeepsEveryProfile_data(); }
    void uiSettingsFaultKeepsTheEarlierFile()
    {
        const Fault f = fault();
        QTemporaryDir config;
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, config.path());
        const QString dir = config.filePath(QStringLiteral("ConnectorAdmin"));
        const QString ini = dir + QStringLiteral("/ui.ini");
        {
            UiSettings s;
            s.setValue(Setting::AutoRefreshMinutes, 5);
            s.setValue(Setting::WindowGeometry, QByteArray(3000, 'g')); // a file of several writes
            QString error;
            QVERIFY2(s.save(&error), qPrintable(error));
        }
        const QByteArray before = bytesOf(ini);
        QVERIFY(before.contains("minutes=5"));
        const qint64 hits = m_shim.hits();

        m_shim.arm(qPrintable(dir + QLatin1Char('/')), f.after, f.error, f.ops);
        QString error;
        {
            UiSettings s;
            s.setValue(Setting::AutoRefreshMinutes, 7);
            s.setValue(Setting::WindowGeometry, QByteArray(3000, 'h'));
            QVERIFY(!s.save(&error));
        } // not tried again here
        m_shim.disarm();
        QVERIFY(m_shim.hits() > hits);
        QVERIFY2(error.contains(ini), qPrintable(error));
        QCOMPARE(bytesOf(ini), before);
        QCOMPARE(filesIn(dir), QStringList{QStringLiteral("ui.ini")});
        QCOMPARE(UiSettings().value(Setting::AutoRefreshMinutes).toInt(), 5);
    }

    // The same through `connectorctl profile add`: a non-zero exit and the reason on stderr.
    void profileAddFaultFailsClearly()
    {
        const Fault f{ENOSPC, 200, FaultShim::kWrite}; // the lock file, then part of the file
        const QString ini = m_home.filePath(QStringLiteral("config/ConnectorAdmin/profiles.ini"));
        const QByteArray before = bytesOf(ini);
        QVERIFY(!before.isEmpty());
        const CtlRun r =
            runCtl(m_home.path(),
                   {QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("late"),
                    QStringLiteral("--vendor"), QStringLiteral("databar")},
                   faultEnvironment(QStringLiteral("/config/ConnectorAdmin/"), f));
        QVERIFY2(r.code != 0 && r.err.contains(ini.toUtf8()), qPrintable(r.describe()));
        QCOMPARE(bytesOf(ini), before);
        const CtlRun list =
            runCtl(m_home.path(), {QStringLiteral("profile"), QStringLiteral("list")});
        QVERIFY2(list.code == 0 && list.out.contains("t-databar") && !list.out.contains("late"),
                 qPrintable(list.describe()));
    }

    // An export over an earlier one: refused with the reason, the earlier export intact.
    void exportFaultKeepsTheEarlierExport_data() { addFaultRows(); }
    void exportFaultKeepsTheEarlierExport()
    {
        const Fault f = fault();
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        QString error;
        QVERIFY(store.save(profile(QStringLiteral("first")), &error));
        const QString path = dir.filePath(QStringLiteral("export.json"));
        QVERIFY2(store.exportTo(path, &error), qPrintable(error));
        const QByteArray before = bytesOf(path);
        QVERIFY(store.save(profile(QStringLiteral("second")), &error));
        const qint64 hits = m_shim.hits();

        // The directory, not the name: QSaveFile's temporary file is an unnamed O_TMPFILE there.
        m_shim.arm(qPrintable(dir.path() + QLatin1Char('/')), f.after, f.error, f.ops);
        QVERIFY(!store.exportTo(path, &error));
        m_shim.disarm();
        QVERIFY(m_shim.hits() > hits);
        QVERIFY2(error.contains(path) && error.contains(reasonOf(f.error)), qPrintable(error));
        QCOMPARE(bytesOf(path), before);
        QCOMPARE(filesIn(dir.path()),
                 (QStringList{QStringLiteral("export.json"), QStringLiteral("profiles.ini")}));
    }
};

QTEST_GUILESS_MAIN(TestDiskFaults)
#include "tst_disk_faults.moc"
