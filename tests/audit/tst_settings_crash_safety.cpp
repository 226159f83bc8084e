// profiles.ini survives writers killed with SIGKILL at random moments: ProfileStore saving in a
// loop (a child of this test), and the real `connectorctl profile add` killed mid-run. After
// every kill the file loads, holds every profile written before, and no profile is half-written.
// (Drafts and the audit log: tst_audit_crash_safety.)
#include "ProfileStore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <cstdio>

using namespace ca;

namespace {

const QString kSaveLoop = QStringLiteral("--save-loop");
constexpr int kProfiles = 5;

// A profile whose fields all carry the same round number, so a torn one is visible.
Profile numbered(int slot, int n)
{
    Profile p;
    p.name = QStringLiteral("p%1").arg(slot);
    p.vendor = Vendor::B3os;
    p.baseUrl = QUrl(QStringLiteral("https://api.example.com/n%1").arg(n));
    p.orgId = QStringLiteral("org-%1").arg(n);
    return p;
}

// The child: saves the profiles over and over until it is killed.
int saveLoop(const QString& ini)
{
    ProfileStore store(ini);
    for (int n = 0;; ++n) {
        QString error;
        if (!store.save(numbered(n % kProfiles, n), &error)) {
            std::fprintf(stderr, "save failed: %s\n", qPrintable(error));
            return 2;
        }
        if (n == kProfiles - 1) {
            std::fputs("ready\n", stdout);
            std::fflush(stdout);
        }
    }
}

// What lies beside the settings file (names, sizes, and what a lock file holds): the message of a
// failed run, so a rare failure on a CI machine says which lock stood in the way.
QString filesBeside(const QString& settingsFile)
{
    QStringList out;
    const QFileInfoList entries = QFileInfo(settingsFile).dir().entryInfoList(QDir::Files);
    for (const QFileInfo& e : entries) {
        QString line = QStringLiteral("%1 (%2 bytes)").arg(e.fileName()).arg(e.size());
        if (e.fileName().contains(QStringLiteral(".lock"))) {
            QFile f(e.filePath());
            if (f.open(QIODevice::ReadOnly))
                line += QStringLiteral(" holding '%1'")
                            .arg(QString::fromUtf8(f.read(200).replace('\n', ' ')));
        }
        out.append(line);
    }
    return out.join(QStringLiteral(", "));
}

bool isWhole(const Profile& p)
{
    const QString n = p.orgId.mid(4);
    return p.orgId.startsWith(QLatin1String("org-")) &&
           p.baseUrl == QUrl(QStringLiteral("https://api.example.com/n") + n);
}

QString describe(const QList<Profile>& profiles)
{
    QStringList out;
    for (const Profile& p : profiles)
        out << p.name + QLatin1Char('=') + p.orgId + QLatin1Char('@') + p.baseUrl.toString();
    return out.join(QStringLiteral(", "));
}

} // namespace

class TestSettingsCrashSafety : public QObject
{
    Q_OBJECT

private slots:
    void killedProfileStoreLeavesALoadableFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ini = dir.filePath(QStringLiteral("profiles.ini"));
        for (int round = 0; round < 15; ++round) {
            QProcess child;
            child.start(QCoreApplication::applicationFilePath(), {kSaveLoop, ini});
            QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
            QVERIFY2(child.waitForReadyRead(20000) || child.state() == QProcess::Running,
                     qPrintable(QStringLiteral("round %1: the writer stopped (exit %2): %3")
                                    .arg(round)
                                    .arg(child.exitCode())
                                    .arg(QString::fromLocal8Bit(child.readAllStandardError()))));
            QCOMPARE(child.readLine().trimmed(), QByteArray("ready"));
            QThread::msleep(QRandomGenerator::global()->bounded(5, 200));
            child.kill(); // SIGKILL
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);

            QSettings raw(ini, QSettings::IniFormat);
            QCOMPARE(raw.status(), QSettings::NoError);
            const QList<Profile> loaded = ProfileStore(ini).profiles();
            QVERIFY2(loaded.size() == kProfiles, qPrintable(describe(loaded)));
            for (const Profile& p : loaded)
                QVERIFY2(isWhole(p), qPrintable(describe(loaded)));
        }
    }

    // A writer killed right after creating QSettings' lock file leaves it empty; Qt would wait
    // 30 s before taking it over, so every later save hung (found by the kill loop below).
    void anEmptyLockFileLeftByAKilledWriterDoesNotBlock()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ini = dir.filePath(QStringLiteral("profiles.ini"));
        QFile lock(ini + QStringLiteral(".lock"));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        QVERIFY(lock.setFileTime(QDateTime::currentDateTime().addSecs(-5),
                                 QFileDevice::FileModificationTime));
        lock.close();
        QProcess child; // in a child, so a hang is caught by the guard below instead of hanging us
        child.start(QCoreApplication::applicationFilePath(), {kSaveLoop, ini});
        QVERIFY(child.waitForStarted(10000));
        // A hang guard, not a speed check: the lock is taken over after 30 s otherwise.
        QVERIFY2(child.waitForReadyRead(15000), "the save waited for the abandoned lock");
        child.kill();
        child.waitForFinished(10000);
        QCOMPARE(ProfileStore(ini).profiles().size(), kProfiles);
    }

    void killedConnectorctlProfileAddLeavesALoadableFile()
    {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=/nonexistent/bus"));
        const QString ini = home.filePath(QStringLiteral("config/ConnectorAdmin/profiles.ini"));
        auto add = [&](int slot, int n) {
            const Profile p = numbered(slot, n);
            auto* process = new QProcess(this);
            process->setProcessEnvironment(env);
            process->start(QStringLiteral(CA_CONNECTORCTL_BIN),
                           {QStringLiteral("profile"), QStringLiteral("add"), p.name,
                            QStringLiteral("--vendor"), QStringLiteral("b3os"),
                            QStringLiteral("--base-url"), p.baseUrl.toString(),
                            QStringLiteral("--org"), p.orgId, QStringLiteral("--replace")});
            return process;
        };
        // How long one run takes here: the kills below are spread over that span (not asserted).
        QElapsedTimer clock;
        clock.start();
        for (int slot = 0; slot < kProfiles; ++slot) {
            std::unique_ptr<QProcess> p(add(slot, slot));
            QVERIFY(p->waitForFinished(30000));
            QCOMPARE(p->exitCode(), 0);
        }
        const int span = int(qMax<qint64>(clock.elapsed() / kProfiles, 20)); // ms
        int killed = 0;
        int finished = 0;
        for (int round = 0; round < 40; ++round) {
            // Several writers at once, each killed at its own moment.
            std::vector<std::unique_ptr<QProcess>> writers;
            for (int slot = 0; slot < kProfiles; ++slot)
                writers.emplace_back(add(slot, kProfiles + round * kProfiles + slot));
            for (auto& w : writers) {
                QVERIFY(w->waitForStarted(10000));
                // Waits for the writer at most that long; still running → killed there.
                if (!w->waitForFinished(QRandomGenerator::global()->bounded(0, span * 3 / 2))) {
                    ::kill(pid_t(w->processId()), SIGKILL);
                    ++killed;
                } else {
                    ++finished;
                }
            }
            for (auto& w : writers)
                QVERIFY(w->state() == QProcess::NotRunning || w->waitForFinished(30000));

            const QList<Profile> loaded = ProfileStore(ini).profiles();
            QVERIFY2(loaded.size() == kProfiles,
                     qPrintable(QStringLiteral("round %1: %2").arg(round).arg(describe(loaded))));
            for (const Profile& p : loaded)
                QVERIFY2(isWhole(p), qPrintable(describe(loaded)));
        }
        // Kills must have hit running writers and some writers must have finished: the moments
        // spread over a whole run, or the test proved nothing.
        QVERIFY2(killed >= 20 && finished >= 5,
                 qPrintable(QStringLiteral("%1 killed, %2 finished").arg(killed).arg(finished)));
        qInfo("%d connectorctl writers killed, %d finished", killed, finished);

        // A normal run still works after all that (no abandoned lock in the way; a hang guard).
        std::unique_ptr<QProcess> last(add(0, 999));
        const bool ended = last->waitForFinished(15000);
        QVERIFY2(ended && last->exitCode() == 0,
                 qPrintable(QStringLiteral("%1: %2; beside the file: %3")
                                .arg(ended ? QStringLiteral("exit %1").arg(last->exitCode())
                                           : QStringLiteral("hung"))
                                .arg(QString::fromUtf8(last->readAllStandardError()).trimmed())
                                .arg(filesBeside(ini))));
        QCOMPARE(ProfileStore(ini).find(QStringLiteral("p0"))->orgId, QStringLiteral("org-999"));
    }
};

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 3 && args.at(1) == kSaveLoop)
        return saveLoop(args.at(2));
    TestSettingsCrashSafety test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_settings_crash_safety.moc"
