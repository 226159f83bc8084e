// Corrupt and hostile files (ctest -L files): a last audit line torn by a crash, a garbage
// profiles.ini, a draft that is not JSON, an export of 100 MB or nested 100,000 deep, and links
// planted where the app writes (audit.jsonl, a draft, profiles.ini) pointing out of its directory.
// Each is handled with a message; a bad file is kept aside under a suffix, never destroyed; a link
// is never followed.
#include "AuditLog.h"
#include "CtlProcess.h"
#include "DraftStore.h"
#include "ProfileStore.h"
#include "ReliabilityFixtures.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace ca;
using fixtures::bytesOf;
using fixtures::draft;
using fixtures::profile;
using fixtures::writeBytes;

namespace {

// Names in `dir` that start with `prefix` and are not exactly it: what was kept aside.
QStringList keptAside(const QString& dir, const QString& prefix)
{
    QStringList out;
    const QStringList names = QDir(dir).entryList(QDir::Files | QDir::System | QDir::Hidden);
    for (const QString& name : names) {
        if (name.startsWith(prefix + QLatin1Char('.')))
            out << name;
    }
    return out;
}

AuditRecord record(const QString& message)
{
    AuditRecord r;
    r.tool = AuditTool::Cli;
    r.profile = QStringLiteral("prod");
    r.vendor = Vendor::Databar;
    r.connectorId = QStringLiteral("42");
    r.connectorName = QStringLiteral("Enrichment");
    r.action = AuditAction::Apply;
    r.outcome = AuditOutcome::Applied;
    r.message = message;
    return r;
}

const QByteArray kOutside = "root:x:0:0:root:/root:/bin/bash\n"; // stands for /etc/passwd

} // namespace

class TestHostileFiles : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;     // the app's data directory
    QTemporaryDir m_outside; // somewhere a planted link points to
    QString m_target;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void init()
    {
        QVERIFY(m_dir.isValid() && m_outside.isValid());
        QDir(m_dir.path()).removeRecursively();
        QVERIFY(QDir().mkpath(m_dir.path()));
        m_target = m_outside.filePath(QStringLiteral("passwd"));
        QVERIFY(writeBytes(m_target, kOutside));
    }

    // A crash in the middle of a line: the whole records before it are read, the torn one is
    // counted as skipped, and the next record starts on a line of its own.
    void tornLastAuditLineKeepsEveryWholeRecord()
    {
        {
            AuditLog log(m_dir.path());
            QVERIFY(log.append(record(QStringLiteral("first"))));
            QVERIFY(log.append(record(QStringLiteral("second"))));
            QVERIFY(log.flush());
        }
        const QString file = path(QStringLiteral("audit.jsonl"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::Append));
        f.write(
            "{\"time\":\"2026-12-06T10:00:00.000Z\",\"tool\":\"cli\",\"profile\":\"prod\",\"act");
        f.close();

        AuditLog log(m_dir.path());
        QList<AuditRecord> records = log.records(QStringLiteral("prod"), QString(), 10);
        QCOMPARE(records.size(), 2);
        QCOMPARE(log.skippedLines(), 1);
        QVERIFY(log.append(record(QStringLiteral("third"))));
        QVERIFY(log.flush());
        records = log.records(QStringLiteral("prod"), QString(), 10);
        QCOMPARE(records.size(), 3);
        QCOMPARE(records.first().message, QStringLiteral("third"));
        QCOMPARE(log.skippedLines(), 1);
    }

    // Binary garbage as profiles.ini: kept aside byte for byte, said once, and a new file works.
    void garbageProfilesIniIsKeptAside()
    {
        const QString ini = path(QStringLiteral("profiles.ini"));
        QByteArray garbage("\x7f"
                           "ELF\x02\x01\x01\x00 not settings at all\n\x00\x00\xff\xfe",
                           34);
        QVERIFY(writeBytes(ini, garbage));
        ProfileStore store(ini);
        QVERIFY2(store.notice().contains(QStringLiteral("kept as")), qPrintable(store.notice()));
        const QStringList kept = keptAside(m_dir.path(), QStringLiteral("profiles.ini"));
        QCOMPARE(kept.size(), 1);
        QVERIFY(kept.first().startsWith(QStringLiteral("profiles.ini.corrupt-")));
        QCOMPARE(bytesOf(path(kept.first())), garbage);
        QVERIFY(store.profiles().isEmpty());
        QString error;
        QVERIFY2(store.save(profile(QStringLiteral("fresh")), &error), qPrintable(error));
        QCOMPARE(ProfileStore(ini).profiles().size(), 1);
        QVERIFY(ProfileStore(ini).notice().isEmpty());
    }

    // A file QSettings wrote, with hand edits and comments: not garbage, left alone.
    void handEditedProfilesIniIsNotGarbage()
    {
        const QString ini = path(QStringLiteral("profiles.ini"));
        QVERIFY(writeBytes(ini, "; my profiles\n[profiles]\nprod\\vendor=databar\n\n"
                                "prod\\baseUrl=\"https://api.databar.ai\"\n"));
        ProfileStore store(ini);
        QVERIFY2(store.notice().isEmpty(), qPrintable(store.notice()));
        QCOMPARE(store.profiles().size(), 1);
        QVERIFY(keptAside(m_dir.path(), QStringLiteral("profiles.ini")).isEmpty());
    }

    // The same through connectorctl: a warning on stderr, the command still works.
    void garbageProfilesIniIsToldByConnectorctl()
    {
        const QString config = path(QStringLiteral("config/ConnectorAdmin"));
        QVERIFY(QDir().mkpath(config));
        QVERIFY(writeBytes(config + QStringLiteral("/profiles.ini"), QByteArray(64, '\0')));
        const CtlRun r = runCtl(m_dir.path(), {QStringLiteral("profile"), QStringLiteral("list")});
        QVERIFY2(r.code == 0 && r.err.contains("warning") && r.err.contains("kept as"),
                 qPrintable(r.describe()));
        QCOMPARE(keptAside(config, QStringLiteral("profiles.ini")).size(), 1);
    }

    // A draft that is not JSON (a crash of another tool, a bad edit): kept aside with its bytes,
    // reported by all() and load(), and a new draft of the same connector saves.
    void draftThatIsNotJsonIsKeptAside()
    {
        DraftStore store(path(QStringLiteral("drafts")));
        const ConnectorDraft d = draft();
        QVERIFY(store.save(d));
        const QString file = store.filePathFor(d.profile, d.vendor, d.connectorId);
        QVERIFY(writeBytes(file, "{\"profile\": \"prod\", \"vendor\": "));
        QStringList unreadable;
        QVERIFY(store.all(&unreadable).isEmpty());
        QCOMPARE(unreadable.size(), 1);
        QVERIFY2(unreadable.first().contains(QStringLiteral("kept as")),
                 qPrintable(unreadable.first()));
        const QStringList kept = keptAside(store.directory(), QFileInfo(file).fileName());
        QCOMPARE(kept.size(), 1);
        QCOMPARE(bytesOf(QDir(store.directory()).filePath(kept.first())),
                 QByteArray("{\"profile\": \"prod\", \"vendor\": "));
        QVERIFY(store.save(d));
        QVERIFY(store.load(d.profile, d.vendor, d.connectorId));
    }

    // An "export" of 100 MB is refused by its size before any of it is read.
    void hugeExportIsRefusedBySize()
    {
        const QString file = path(QStringLiteral("huge.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(100LL * 1024 * 1024)); // sparse: no 100 MB written to the test disk
        f.close();
        ProfileStore store(path(QStringLiteral("profiles.ini")));
        QString error;
        QCOMPARE(store.importFrom(file, &error), -1);
        QVERIFY2(error.contains(QStringLiteral("MB")) && error.contains(file), qPrintable(error));
        QVERIFY(store.profiles().isEmpty());
    }

    // Nesting deeper than any parser should follow: a clear message, nothing imported.
    void deeplyNestedExportIsRefused()
    {
        const QString file = path(QStringLiteral("deep.json"));
        QVERIFY(writeBytes(file, QByteArray(100000, '[') + QByteArray(100000, ']')));
        ProfileStore store(path(QStringLiteral("profiles.ini")));
        QString error;
        QCOMPARE(store.importFrom(file, &error), -1);
        QVERIFY2(error.contains(QStringLiteral("nested too deeply")), qPrintable(error));
    }

    // audit.jsonl -> /etc/passwd: the record goes to a new file of ours, the target is untouched
    // and the link is kept aside.
    void linkAtTheAuditLogIsNotFollowed()
    {
        const QString file = path(QStringLiteral("audit.jsonl"));
        QVERIFY(QFile::link(m_target, file));
        {
            AuditLog log(m_dir.path());
            QVERIFY(log.records(QStringLiteral("prod"), QString(), 10).isEmpty());
            QVERIFY(log.append(record(QStringLiteral("after the link"))));
            QVERIFY(log.flush());
            QCOMPARE(log.records(QStringLiteral("prod"), QString(), 10).size(), 1);
        }
        QCOMPARE(bytesOf(m_target), kOutside);
        QVERIFY(!QFileInfo(file).isSymLink());
        const QStringList kept = keptAside(m_dir.path(), QStringLiteral("audit.jsonl"));
        QCOMPARE(kept.size(), 1);
        QVERIFY(QFileInfo(path(kept.first())).isSymLink());
    }

    // A link where a draft belongs: the draft is written to a file of ours, the target untouched.
    void linkAtADraftIsNotFollowed()
    {
        DraftStore store(path(QStringLiteral("drafts")));
        const ConnectorDraft d = draft();
        QVERIFY(QDir().mkpath(store.directory()));
        const QString file = store.filePathFor(d.profile, d.vendor, d.connectorId);
        QVERIFY(QFile::link(m_target, file));
        QVERIFY(store.save(d));
        QCOMPARE(bytesOf(m_target), kOutside);
        QVERIFY(!QFileInfo(file).isSymLink());
        QVERIFY(store.load(d.profile, d.vendor, d.connectorId));
        QCOMPARE(keptAside(store.directory(), QFileInfo(file).fileName()).size(), 1);
    }

    // profiles.ini -> /etc/passwd: neither read as profiles nor written through.
    void linkAtProfilesIniIsNotFollowed()
    {
        const QString ini = path(QStringLiteral("profiles.ini"));
        QVERIFY(QFile::link(m_target, ini));
        ProfileStore store(ini);
        QVERIFY2(store.notice().contains(QStringLiteral("link")), qPrintable(store.notice()));
        QString error;
        QVERIFY2(store.save(profile(QStringLiteral("prod")), &error), qPrintable(error));
        QCOMPARE(bytesOf(m_target), kOutside);
        QVERIFY(!QFileInfo(ini).isSymLink());
        QCOMPARE(ProfileStore(ini).profiles().size(), 1);
    }

    // A link planted while the store is open, before a save: kept aside, not written through.
    void linkPlantedBeforeASaveIsNotFollowed()
    {
        const QString ini = path(QStringLiteral("profiles.ini"));
        ProfileStore store(ini);
        QString error;
        QVERIFY(store.save(profile(QStringLiteral("first")), &error));
        QVERIFY(QFile::remove(ini));
        QVERIFY(QFile::link(m_target, ini));
        QVERIFY2(store.save(profile(QStringLiteral("second")), &error), qPrintable(error));
        QCOMPARE(bytesOf(m_target), kOutside);
        QVERIFY(!QFileInfo(ini).isSymLink());
    }
};

QTEST_GUILESS_MAIN(TestHostileFiles)
#include "tst_hostile_files.moc"
