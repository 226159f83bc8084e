// A long day, bounded (ctest -L soak): the real main window, shown (offscreen), with auto-refresh
// every second against 10,000 connectors (2,000 per vendor in a connector-sandbox process) for
// 10 minutes (CA_SOAK_SECONDS shortens it for a local run). A heartbeat timer on the GUI thread
// measures every stall. After the first tenth (the warm-up: first loads, caches, icons):
//   - memory does not grow: the floor of the live heap (malloc's bytes in use) and the floor of
//     the resident size over the last tenth within 5% of their floors over the tenth after the
//     warm-up. Floors, because a single sample lands anywhere in a refresh (10,000 connectors
//     parsed and replaced every second move both by 10-20%), while a leak raises the floor;
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
#include <limits>

#include <malloc.h>
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

// What malloc hands out now (all arenas, mmapped blocks included), without what it keeps free.
qint64 liveHeapKiB()
{
    const struct mallinfo2 info = mallinfo2();
    return qint64((info.uordblks + info.hblkhd) / 1024);
}

// The lowest of each figure over a stretch of the run.
struct Floor
{
    qint64 rss = std::numeric_limits<qint64>::max();
    qint64 heap = std::numeric_limits<qint64>::max();
    void sample()
    {
        rss = qMin(rss, residentKiB());
        heap = qMin(heap, liveHeapKiB());
    }
};

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
        // Memory sampled four times a second: its floor over the tenth after the warm-up, and
        // over the last tenth.
        Floor early;
        Floor late;
        const qint64 tenthMs = qint64(seconds) * 1000 / 10;
        QTimer sampler;
        QObject::connect(&sampler, &QTimer::timeout, &sampler, [&] {
            const qint64 now = clock.elapsed();
            if (now > warmUpMs && now <= warmUpMs + tenthMs)
                early.sample();
            else if (now > qint64(seconds) * 1000 - tenthMs)
                late.sample();
        });
        sampler.start(250);

        QTest::qWait(int(warmUpMs));
        const int fdsAfterWarmUp = openDescriptors();
        QTest::qWait(int(qint64(seconds) * 1000 - warmUpMs));
        const int fdsAtEnd = openDescriptors();
        sampler.stop();
        heartbeat.stop();
        window.setAutoRefreshInterval(std::chrono::milliseconds(0));

        const auto growth = [](qint64 from, qint64 to) { return double(to - from) / double(from); };
        const double rssGrowth = growth(early.rss, late.rss);
        const double heapGrowth = growth(early.heap, late.heap);
        qInfo("soak %d s: %d status changes; floor of RSS %lld -> %lld KiB (%+.2f%%), of the live "
              "heap %lld -> %lld KiB (%+.2f%%); fds %d -> %d; worst GUI stall after warm-up "
              "%lld ms at %lld s",
              seconds, refreshes, early.rss, late.rss, rssGrowth * 100.0, early.heap, late.heap,
              heapGrowth * 100.0, fdsAfterWarmUp, fdsAtEnd, worstStallMs, worstStallAt / 1000);
        QVERIFY2(refreshes > seconds / 4, "auto-refresh did not keep refreshing");
        QCOMPARE(window.connectorModel()->rowCount(), 5 * kPerVendor);
        QVERIFY2(early.heap > 0 && heapGrowth <= 0.05, "the live heap grew over 5%");
        QVERIFY2(early.rss > 0 && rssGrowth <= 0.05, "resident memory grew over 5%");
        QVERIFY2(fdsAtEnd <= fdsAfterWarmUp + 4, "file descriptors keep growing");
        QVERIFY2(worstStallMs <= 100, "the GUI thread stalled over 100 ms");
    }
};

QTEST_MAIN(TestSoak)
#include "tst_soak.moc"
