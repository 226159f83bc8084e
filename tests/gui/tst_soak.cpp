// A long day, bounded (ctest -L soak): the real main window, shown (offscreen), with auto-refresh
// every second against 10,000 connectors (2,000 per vendor in a connector-sandbox process) for
// 10 minutes (CA_SOAK_SECONDS shortens it for a local run). A heartbeat timer on the GUI thread
// measures every stall. After the first tenth (the warm-up: first loads, caches, icons):
//   - resident memory at the end within 5% of the value after the warm-up,
//   - open file descriptors no more than at the end of the warm-up plus a handful (pool sockets),
//   - no stall of the GUI thread over 100 ms.
// Figures go to the test's output either way.
#include "ConnectorCatalog.h"
#include "ConnectorTableModel.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "SandboxProcess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <unistd.h>

using namespace ca;

namespace {

constexpr int kPerVendor = 2000;

qint64 residentKiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * (sysconf(_SC_PAGESIZE) / 1024) : -1;
}

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd"))
                   .entryList(QDir::NoDotAndDotDot | QDir::System | QDir::Files | QDir::Dirs)
                   .size());
}

} // namespace

class TestSoak : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QString::number(kPerVendor)}};
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
    }

    void aDayOfAutoRefreshLeaksNothingAndNeverStalls()
    {
        const int seconds = qEnvironmentVariableIsSet("CA_SOAK_SECONDS")
                                ? qEnvironmentVariableIntValue("CA_SOAK_SECONDS")
                                : 600;
        QVERIFY(seconds >= 20);
        ProfileStore profiles(m_dir.filePath(QStringLiteral("profiles.ini")));
        auto backing = std::make_unique<MemoryKeyStore>();
        MemoryKeyStore* keys = backing.get();
        ApiKeys apiKeys(std::move(backing));
        for (Vendor v : allVendors()) {
            Profile p;
            p.name = QStringLiteral("soak-") + vendorId(v);
            p.vendor = v;
            p.baseUrl = m_sandbox.vendorUrl(vendorId(v));
            if (vendorNeedsOrg(v))
                p.orgId = QStringLiteral("demo-org");
            if (vendorNeedsWorkspace(v))
                p.workspaceId = QStringLiteral("1");
            QString error;
            QVERIFY2(profiles.save(p, &error), qPrintable(error));
            keys->store(p.name, SecretBytes(QByteArrayLiteral("demo-key")));
        }

        MainWindow window(profiles, apiKeys);
        window.show();
        QTRY_COMPARE_WITH_TIMEOUT(window.connectorModel()->rowCount(), 5 * kPerVendor, 60000);
        window.setAutoRefreshInterval(std::chrono::seconds(1));

        // The heartbeat: a 10 ms timer on the GUI thread; a gap beyond it is a stall.
        constexpr int kBeatMs = 10;
        const qint64 warmUpMs = qint64(seconds) * 1000 / 10;
        QElapsedTimer clock;
        clock.start();
        qint64 lastBeat = 0;
        qint64 worstStallMs = 0;
        qint64 worstStallAt = 0;
        int refreshes = 0;
        QObject::connect(window.catalog(), &ConnectorCatalog::statusChanged, &window,
                         [&refreshes] { ++refreshes; });
        QTimer heartbeat;
        heartbeat.setTimerType(Qt::PreciseTimer);
        QObject::connect(&heartbeat, &QTimer::timeout, &heartbeat, [&] {
            const qint64 now = clock.elapsed();
            const qint64 stall = now - lastBeat - kBeatMs;
            if (now > warmUpMs && stall > worstStallMs) {
                worstStallMs = stall;
                worstStallAt = now;
            }
            lastBeat = now;
        });
        heartbeat.start(kBeatMs);

        QTest::qWait(int(warmUpMs));
        const qint64 rssAfterWarmUp = residentKiB();
        const int fdsAfterWarmUp = openDescriptors();
        QTest::qWait(int(qint64(seconds) * 1000 - warmUpMs));
        const qint64 rssAtEnd = residentKiB();
        const int fdsAtEnd = openDescriptors();
        heartbeat.stop();
        window.setAutoRefreshInterval(std::chrono::milliseconds(0));

        const double growth = double(rssAtEnd - rssAfterWarmUp) / double(rssAfterWarmUp);
        qInfo("soak %d s: %d status changes; RSS %lld KiB after warm-up, %lld KiB at the end "
              "(%+.2f%%); fds %d -> %d; worst GUI stall after warm-up %lld ms at %lld s",
              seconds, refreshes, rssAfterWarmUp, rssAtEnd, growth * 100.0, fdsAfterWarmUp,
              fdsAtEnd, worstStallMs, worstStallAt / 1000);
        QVERIFY2(refreshes > seconds / 4, "auto-refresh did not keep refreshing");
        QCOMPARE(window.connectorModel()->rowCount(), 5 * kPerVendor);
        QVERIFY2(rssAfterWarmUp > 0 && std::abs(growth) <= 0.05, "resident memory moved over 5%");
        QVERIFY2(fdsAtEnd <= fdsAfterWarmUp + 4, "file descriptors keep growing");
        QVERIFY2(worstStallMs <= 100, "the GUI thread stalled over 100 ms");
    }
};

QTEST_MAIN(TestSoak)
#include "tst_soak.moc"
