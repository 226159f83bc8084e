#include "AuditLog.h"
#include "DraftStore.h"

#include <QDir>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <cstdio>

using namespace ca;

namespace {

const QString kWriteLoop = QStringLiteral("--write-loop");
constexpr qint64 kRotateBytes = 2 * 1024 * 1024;
// Small enough that what follows the last durable record (≤ 1 MB) cannot rotate it away.
constexpr int kFlushEvery = 5;

// A payload whose every byte can be checked: `length` copies of one letter chosen by `n`.
QString payload(int n, int length)
{
    return QString(length, QLatin1Char(char('a' + n % 26)));
}

// The child: appends audit records and saves drafts as fast as it can until it is killed.
// Lines are large (up to ~200 KB) so that a kill often lands inside a write(). Every
// kFlushEvery records it flushes the audit log and prints "durable N": record N and all before
// it must survive the kill.
int writeLoop(const QString& dir)
{
    AuditLog log(dir, kRotateBytes);
    DraftStore drafts(dir + QStringLiteral("/drafts"));
    auto* random = QRandomGenerator::global();
    for (int n = 0;; ++n) {
        const int length = random->bounded(100, 200'000);
        AuditRecord r;
        r.profile = QStringLiteral("p");
        r.vendor = Vendor::B3os;
        r.connectorId = QString::number(n % 5);
        r.message = QString::number(n);
        r.diff = QJsonObject{{QStringLiteral("n"), n},
                             {QStringLiteral("length"), length},
                             {QStringLiteral("payload"), payload(n, length)}};
        if (!log.append(r))
            return 2;

        ConnectorDraft d;
        d.profile = QStringLiteral("p");
        d.vendor = Vendor::B3os;
        d.connectorId = QString::number(n % 5);
        d.baseDocument = QJsonObject{{QStringLiteral("n"), 0}};
        const int draftLength = random->bounded(100, 100'000);
        d.editedDocument = QJsonObject{{QStringLiteral("n"), n},
                                       {QStringLiteral("length"), draftLength},
                                       {QStringLiteral("payload"), payload(n, draftLength)}};
        if (!drafts.save(d))
            return 3;
        if (n == 0) {
            std::fputs("ready\n", stdout);
            std::fflush(stdout);
        }
        if (n % kFlushEvery == kFlushEvery - 1) {
            if (!log.flush())
                return 4;
            std::printf("durable %d\n", n);
            std::fflush(stdout);
        }
    }
}

bool payloadIsIntact(const QJsonObject& o)
{
    const int n = o.value(QStringLiteral("n")).toInt(-1);
    const int length = o.value(QStringLiteral("length")).toInt(-1);
    return n >= 0 && o.value(QStringLiteral("payload")).toString() == payload(n, length);
}

} // namespace

// Kills a writer with SIGKILL at random moments, then checks everything it wrote still loads:
// the audit log loses at most the line being written, a draft is the old or the new one.
class TestAuditCrashSafety : public QObject
{
    Q_OBJECT

private slots:
    void killedWriterLeavesLoadableFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const int rounds = 10;
        int previousSkipped = 0;
        int previousTotal = 0;
        int durableChecks = 0;
        for (int round = 0; round < rounds; ++round) {
            QProcess child;
            child.start(QCoreApplication::applicationFilePath(), {kWriteLoop, dir.path()});
            QVERIFY2(child.waitForStarted(10'000), qPrintable(child.errorString()));
            QVERIFY2(child.waitForReadyRead(20'000), "the writer did not get going");
            QCOMPARE(child.readLine().trimmed(), QByteArray("ready"));
            QThread::msleep(QRandomGenerator::global()->bounded(10, 300));
            child.kill(); // SIGKILL
            QVERIFY(child.waitForFinished(10'000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            int lastDurable = -1;
            for (const QByteArray& line : child.readAllStandardOutput().split('\n')) {
                if (line.startsWith("durable "))
                    lastDurable = line.mid(8).toInt();
            }

            AuditLog log(dir.path(), kRotateBytes);
            const QList<AuditRecord> records = log.records();
            QVERIFY(!records.isEmpty());
            QSet<QString> seen;
            for (const AuditRecord& r : records) {
                QVERIFY2(payloadIsIntact(r.diff.toObject()), qPrintable(r.message));
                seen.insert(r.message);
            }
            // Group commit: what flush() reported durable outlives the writer.
            if (lastDurable >= 0) {
                ++durableChecks;
                for (int n = lastDurable; n > lastDurable - kFlushEvery; --n)
                    QVERIFY2(seen.contains(QString::number(n)),
                             qPrintable(QStringLiteral("round %1: record %2 was flushed, then lost")
                                            .arg(round)
                                            .arg(n)));
            }
            // At most one torn line per kill (older torn lines may rotate away).
            QVERIFY2(log.skippedLines() <= previousSkipped + 1,
                     qPrintable(QStringLiteral("round %1: %2 skipped, %3 before")
                                    .arg(round)
                                    .arg(log.skippedLines())
                                    .arg(previousSkipped)));
            previousSkipped = log.skippedLines();
            previousTotal = int(records.size());

            QStringList unreadable;
            const QList<ConnectorDraft> drafts =
                DraftStore(dir.filePath(QStringLiteral("drafts"))).all(&unreadable);
            QVERIFY2(unreadable.isEmpty(), qPrintable(unreadable.join(QLatin1Char('\n'))));
            QVERIFY(!drafts.isEmpty());
            QVERIFY(drafts.size() <= 5);
            for (const ConnectorDraft& d : drafts)
                QVERIFY2(payloadIsIntact(d.editedDocument), qPrintable(d.connectorId));
        }
        qInfo("%d records readable, %d torn lines skipped after %d kills (%d with flushed records "
              "checked)",
              previousTotal, previousSkipped, rounds, durableChecks);
        QVERIFY(durableChecks > 0);
    }
};

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 3 && args.at(1) == kWriteLoop)
        return writeLoop(args.at(2));
    TestAuditCrashSafety test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_audit_crash_safety.moc"
