#include "AuditWriter.h"

#include "AuditLog.h" // kMaxQueuedBytes, redacted()

#include "PrivateFile.h"
#include "SafeFile.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

// About the bytes `v` takes as compact JSON, by a walk that converts no key or string (each is
// taken as a short one): the queue's bound for a record not serialised yet. Long texts make it
// low; it bounds memory against a disk far slower than the records, where a factor is no matter.
qint64 jsonBytesEstimate(const QJsonValue& v)
{
    constexpr qint64 kText = 24; // a key or a string, quoted
    if (v.isArray()) {
        qint64 bytes = 2;
        const QJsonArray a = v.toArray();
        for (auto it = a.begin(); it != a.end(); ++it)
            bytes += 1 + (it->isArray() || it->isObject() ? jsonBytesEstimate(*it) : kText);
        return bytes;
    }
    if (v.isObject()) {
        qint64 bytes = 2;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            bytes += 2 + kText +
                     (it->isArray() || it->isObject() ? jsonBytesEstimate(it.value()) : kText);
        return bytes;
    }
    return kText;
}

// A record's line is redacted and serialised on the writer thread, off the appending one (the
// GUI's, or the event loop of a bulk run, where an edit's two records were a third of the CPU).
// Its size until then is this estimate.
qint64 lineEstimate(const AuditRecord& r)
{
    qint64 bytes = 512 + r.message.size() + r.connectorName.size() + r.connectorId.size() +
                   r.profile.size() + r.requestId.size() + r.operationId.size() + r.host.size() +
                   r.changeSetId.size() + jsonBytesEstimate(r.before) + jsonBytesEstimate(r.after) +
                   jsonBytesEstimate(r.diff);
    for (const QString& p : r.secretPaths)
        bytes += 3 + p.size();
    for (const ValueDifference& d : r.serverDifferences)
        bytes += 48 + d.path.size() + jsonBytesEstimate(d.sent) + jsonBytesEstimate(d.received);
    return bytes;
}

} // namespace

AuditWriter::Line AuditWriter::makeLine(const AuditRecord& given)
{
    Line line;
    line.record = given;
    AuditRecord& record = line.record;
    if (record.outcome == AuditOutcome::Intent && record.processId <= 0) {
        record.processId = QCoreApplication::applicationPid();
        record.host = QSysInfo::machineHostName();
    }
    if (!record.time.isValid())
        record.time = QDateTime::currentDateTimeUtc();
    line.size = lineEstimate(record);
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
    // One a caller waits for (an intent) ends the commit window; any other record waits for it
    // (at most kCommitWindow) and shares its write and fsync.
    bool urgent = false;
    // Queued under one lock: the thread takes all of them into the same batch, so the last
    // line's answer is the answer for every one.
    for (Line& line : lines) {
        queuedBytes += line.size;
        line.seq = ++lastSeq;
        urgent = urgent || line.onDurable;
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

        // Records are redacted and serialised here, off the appending thread. inFlight is only
        // read meanwhile (records() may read it too); the text goes to a copy.
        std::vector<QByteArray> batch;
        std::vector<Durable> waiting; // told once the batch is durable (or failed)
        batch.reserve(inFlight.size());
        for (const Line& l : inFlight) {
            batch.push_back(l.text());
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
bool AuditWriter::writeLines(const std::vector<QByteArray>& lines,
                             std::vector<PrivateFile>* written, QString* error)
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
            bytes += lines[next++];
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
