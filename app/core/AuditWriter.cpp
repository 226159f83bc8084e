#include "AuditWriter.h"

#include "AuditLog.h" // kMaxQueuedBytes, redacted()

#include "PrivateFile.h"
#include "SafeFile.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSysInfo>

#include <algorithm>

namespace ca {

AuditWriter::AuditWriter(const QString& directory, const QString& path, const QString& rotatedPath,
                         qint64 rotateBytes)
    : directory(directory), path(path), rotatedPath(rotatedPath), rotateBytes(rotateBytes)
{}

AuditWriter::~AuditWriter()
{
    {
        const std::lock_guard lock(mutex);
        if (!thread.joinable())
            return;
        stopping = true;
    }
    work.notify_all();
    thread.join(); // the thread drains the queue before it ends
}

QByteArray AuditWriter::serialise(const AuditRecord& record)
{
    const AuditRecord redacted = AuditLog::redacted(record);
    QByteArray line;
    if (!redacted.appendCompactJson(&line))
        line = QJsonDocument(redacted.toJson()).toJson(QJsonDocument::Compact);
    line.append('\n');
    return line;
}

namespace {

// A record whose documents hold only scalars (a software update's versions, a refusal) has a
// small, predictable line: its redaction and serialisation can wait for the writer thread.
// Returns its estimated size, or -1 when it must be serialised now (documents, diffs).
qint64 deferredLineEstimate(const AuditRecord& r)
{
    if (!r.diff.isUndefined() && !r.diff.isNull())
        return -1;
    if (!r.serverDifferences.isEmpty())
        return -1;
    qint64 bytes =
        512 + 2 * (r.message.size() + r.connectorName.size() + r.connectorId.size() +
                   r.profile.size() + r.requestId.size() + r.operationId.size() + r.host.size());
    for (const QJsonObject* doc : {&r.before, &r.after}) {
        if (doc->size() > 16)
            return -1;
        for (auto it = doc->begin(); it != doc->end(); ++it) {
            if (it->isObject() || it->isArray())
                return -1;
            bytes += 16 + 2 * (it.key().size() + it->toString().size());
        }
    }
    return bytes;
}

} // namespace

AuditWriter::Line AuditWriter::makeLine(const AuditRecord& given)
{
    Line line;
    AuditRecord stamped;
    if (given.outcome == AuditOutcome::Intent && given.processId <= 0) {
        stamped = given;
        stamped.processId = QCoreApplication::applicationPid();
        stamped.host = QSysInfo::machineHostName();
    }
    const AuditRecord& record = stamped.processId > 0 ? stamped : given;
    const qint64 estimate = deferredLineEstimate(record);
    if (estimate >= 0) {
        line.record = record;
        if (!line.record->time.isValid())
            line.record->time = QDateTime::currentDateTimeUtc();
        line.size = estimate;
    } else {
        AuditRecord r = record;
        if (!r.time.isValid())
            r.time = QDateTime::currentDateTimeUtc();
        line.bytes = serialise(r);
        line.size = line.bytes.size();
    }
    return line;
}

bool AuditWriter::append(const AuditRecord& record, QString* error, Durable onDurable)
{
    return appendAll({record}, error, std::move(onDurable));
}

bool AuditWriter::appendAll(const QList<AuditRecord>& records, QString* error, Durable onDurable)
{
    if (records.isEmpty())
        return true;
    std::vector<Line> lines;
    lines.reserve(size_t(records.size()));
    for (const AuditRecord& r : records)
        lines.push_back(makeLine(r));
    lines.back().onDurable = std::move(onDurable);

    std::unique_lock lock(mutex);
    if (!thread.joinable())
        thread = std::thread([this] { run(); });
    progress.wait(lock, [this] { return queuedBytes < AuditLog::kMaxQueuedBytes; });
    const bool wasEmpty = queue.empty();
    // An edit's record (documents, diff), or one a caller waits for: no commit window.
    bool urgent = false;
    // Queued under one lock: the thread takes all of them into the same batch, so the last
    // line's answer is the answer for every one.
    for (Line& line : lines) {
        queuedBytes += line.size;
        line.seq = ++lastSeq;
        urgent = urgent || !line.record || line.onDurable;
        queue.push_back(std::move(line));
    }
    if (urgent)
        flushWanted = true;
    // Wake the thread only when it waits for a first line, must write now, or the queue is half
    // full: during its commit window more lines need no wake-up (each costs a context switch).
    if (wasEmpty || urgent || queuedBytes >= AuditLog::kMaxQueuedBytes / 2)
        work.notify_one();
    if (lastBatchFailed) {
        if (error)
            *error = lastError;
        return false;
    }
    return true;
}

bool AuditWriter::flush(QString* error)
{
    std::unique_lock lock(mutex);
    const quint64 target = lastSeq;
    if (durableSeq < target) {
        flushWanted = true;
        work.notify_all();
    }
    progress.wait(lock, [this, target] { return durableSeq >= target; });
    const bool ok = !failedSinceFlush;
    failedSinceFlush = false;
    if (!ok && error)
        *error = lastError;
    return ok;
}

std::unique_lock<std::mutex> AuditWriter::holdFile()
{
    return std::unique_lock(fileMutex);
}

QList<QByteArray> AuditWriter::unwrittenLines()
{
    QList<QByteArray> lines;
    const std::lock_guard lock(mutex);
    for (const auto* batch : {&inFlight, &queue}) {
        for (const Line& l : *batch)
            lines.append(l.text());
    }
    return lines;
}

void AuditWriter::run()
{
    // Background work: below the threads that talk to the user and the network. On a busy
    // machine a bulk run's records wait a little longer in memory; flush() still waits for them.
    lowerCurrentThreadPriority(kWriterNice);
    std::unique_lock lock(mutex);
    for (;;) {
        work.wait(lock, [this] { return !queue.empty() || stopping; });
        if (queue.empty())
            return; // stopping, and everything is durable
        // Group commit: lines arriving within a short window share one write and one fsync
        // (a bulk run appends records faster than the disk can sync them one by one).
        // flush(), stopping, an edit's record or a full queue end the window early.
        work.wait_for(lock, kCommitWindow, [this] {
            return stopping || flushWanted || queuedBytes >= AuditLog::kMaxQueuedBytes / 2;
        });
        flushWanted = false;
        inFlight.swap(queue);
        queuedBytes = 0;
        const quint64 batchEnd = inFlight.back().seq;
        progress.notify_all(); // room in the queue again
        lock.unlock();

        // Small records are redacted and serialised here, off the appending thread. inFlight is
        // only read meanwhile (records() may read it too); the text goes to a copy.
        std::vector<Line> batch;
        std::vector<Durable> waiting; // told once the batch is durable (or failed)
        batch.reserve(inFlight.size());
        for (const Line& l : inFlight) {
            batch.push_back({l.seq, l.record ? serialise(*l.record) : l.bytes, {}, 0, {}});
            if (l.onDurable)
                waiting.push_back(l.onDurable);
        }

        std::vector<PrivateFile> written;
        QString error;
        bool ok = true;
        {
            const std::lock_guard file(fileMutex);
            ok = writeLines(batch, &written, &error);
            const std::lock_guard guard(mutex);
            inFlight.clear();
        }
        // One fsync for the whole batch, outside fileMutex: readers need not wait for the disk.
        for (PrivateFile& file : written) {
            QString reason;
            const bool synced = file.sync(&reason);
            if (!synced && ok) {
                ok = false;
                error = QStringLiteral("cannot sync %1: %2").arg(path, reason);
            }
            file.close();
        }
        if (!ok)
            qCWarning(lcAudit).noquote() << "audit records lost:" << error;

        for (const Durable& tell : waiting)
            tell(ok, ok ? QString() : error);

        lock.lock();
        durableSeq = batchEnd;
        lastBatchFailed = !ok;
        if (!ok) {
            failedSinceFlush = true;
            lastError = error;
        }
        progress.notify_all();
    }
}

// Renames a full log to audit.jsonl.1 under an exclusive lock, unless another writer already
// did (the path then names a newer file than `file`). True when the caller must reopen.
bool AuditWriter::rotateIfFull(PrivateFile& file, QString* error)
{
    if (file.size() < rotateBytes)
        return false;
    if (!file.lockExclusive())
        return false;
    bool rotated = false;
    if (file.isStillAt(path)) {
        QString reason;
        if (renameReplacing(path, rotatedPath, &reason)) {
            rotated = true;
        } else if (error) {
            *error = QStringLiteral("cannot rotate %1: %2").arg(path, reason);
        }
    } else {
        rotated = true; // someone else rotated: reopen to get the new file
    }
    file.unlock();
    return rotated;
}

// Appends `lines` in order, as few appends as rotation allows (one per file): a line is
// appended while the file is below rotateBytes, as if the lines came one by one. The files
// written to are left open in *written for the caller to sync and close.
bool AuditWriter::writeLines(const std::vector<Line>& lines, std::vector<PrivateFile>* written,
                             QString* error)
{
    if (!ensurePrivateDirectory(directory, error))
        return false;
    size_t next = 0;
    while (next < lines.size()) {
        PrivateFile file;
        qint64 size = 0;
        for (int attempt = 0; attempt < 3; ++attempt) {
            QString reason;
            if (attempt == 0) {
                // Planted where the log belongs: kept for whoever looks into it, not followed.
                const QString told = keepLinkAside(path);
                if (!told.isEmpty())
                    qCWarning(lcAudit).noquote() << told;
            }
            if (!file.open(path, &reason)) {
                *error = QStringLiteral("cannot open %1: %2").arg(path, reason);
                return false;
            }
            size = std::max<qint64>(file.size(), 0);
            if (attempt < 2 && rotateIfFull(file, error)) {
                file.close();
                continue;
            }
            break;
        }
        QByteArray bytes;
        // A writer killed mid-line left a partial line: end it, so these records stay whole.
        if (size > 0) {
            const std::optional<char> last = file.byteAt(size - 1);
            if (last && *last != '\n')
                bytes.append('\n');
        }
        do {
            bytes += lines[next++].bytes;
        } while (next < lines.size() && size + bytes.size() < rotateBytes);
        QString reason;
        if (!file.append(bytes, &reason)) {
            *error = QStringLiteral("cannot write %1: %2").arg(path, reason);
            return false;
        }
        written->push_back(std::move(file));
    }
    return true;
}

} // namespace ca
