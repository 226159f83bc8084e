#pragma once

// Private to ca_core: the audit log's writer thread, used by AuditLog only.

#include "AuditRecord.h"

#include <QByteArray>
#include <QList>
#include <QLoggingCategory>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcAudit) // "ca.audit", defined in AuditLog.cpp

namespace ca {

class PrivateFile;

// The queue between AuditLog::append() and the writer thread, and the thread itself: lines
// queued within a commit window share one write and one fsync (AuditLog.h has the contract).
class AuditWriter
{
public:
    AuditWriter(const QString& directory, const QString& path, const QString& rotatedPath,
                qint64 rotateBytes);
    // Drains the queue and fsyncs (blocks until every appended record is durable).
    ~AuditWriter();
    AuditWriter(const AuditWriter&) = delete;
    AuditWriter& operator=(const AuditWriter&) = delete;

    // Called on the writer thread once the record's batch is fsynced (ok) or failed (the reason).
    using Durable = std::function<void(bool ok, const QString& error)>;

    // AuditLog::append(), appendDurably() and flush().
    bool append(const AuditRecord& record, QString* error, Durable onDurable = {});
    // Every record in one batch (one write, one fsync); `onDurable` answers for all of them.
    bool appendAll(const QList<AuditRecord>& records, QString* error, Durable onDurable = {});
    bool flush(QString* error);

    // While the returned lock is held no batch moves into the file, so a reader of the file and
    // of unwrittenLines() sees every record exactly once: in the file or here.
    std::unique_lock<std::mutex> holdFile();
    // Lines appended but not in the file yet, oldest first.
    QList<QByteArray> unwrittenLines();

private:
    struct Line
    {
        quint64 seq = 0;
        AuditRecord record; // stamped; redacted and serialised by the writer thread
        qint64 size = 0;    // the line's estimated bytes (the queue's bound)
        Durable onDurable;  // optional

        // One compact JSON object and its '\n', secrets redacted.
        QByteArray text() const { return serialise(record); }
    };
    static QByteArray serialise(const AuditRecord& record);
    static Line makeLine(const AuditRecord& record); // stamped, not queued yet

    void run();
    bool writeLines(const std::vector<QByteArray>& lines, std::vector<PrivateFile>* written,
                    QString* error);
    bool rotateIfFull(PrivateFile& file, QString* error);

    const QString directory;
    const QString path;
    const QString rotatedPath;
    const qint64 rotateBytes;

    // Held while a batch goes into the file and while records() reads it together with the
    // lines still in memory (holdFile()).
    std::mutex fileMutex;

    std::mutex mutex;                 // guards everything below
    std::condition_variable work;     // for the thread: lines queued, or stopping
    std::condition_variable progress; // for appenders (room in the queue) and flush() (durable)
    std::vector<Line> queue;          // appended, not taken by the thread yet
    std::vector<Line> inFlight;       // taken by the thread, not in the file yet
    qint64 queuedBytes = 0;
    quint64 lastSeq = 0;    // of the newest append()
    quint64 durableSeq = 0; // every line up to this one is fsynced (or its batch failed)
    bool lastBatchFailed = false;
    bool failedSinceFlush = false;
    QString lastError;
    bool stopping = false;
    bool flushWanted = false; // flush() is waiting: no commit window
    static constexpr std::chrono::milliseconds kCommitWindow{20};
    static constexpr int kWriterNice = 10; // added to the process's nice value
    std::thread thread;                    // started by the first append()
};

} // namespace ca
