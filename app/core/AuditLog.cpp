#include "AuditLog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcAudit, "ca.audit")

namespace ca {

namespace {

const QString kFileName = QStringLiteral("audit.jsonl");
constexpr qint64 kReadBlock = 64 * 1024;

// The JSON text of a string value as our writer puts it in a line ("\"prod\""), for a cheap
// byte match before parsing.
QByteArray jsonStringBytes(const QString& s)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

// The top-level "time" of a record line without parsing it: keys are written sorted, so after
// every nested document (before, after, diff, serverDifferences) only tool and vendor, whose
// values are plain names, follow it. Invalid when not found.
QDateTime lineTime(const QByteArray& line)
{
    static const QByteArray key = QByteArrayLiteral("\"time\":\"");
    const qsizetype at = line.lastIndexOf(key);
    if (at < 0)
        return {};
    const qsizetype start = at + key.size();
    const qsizetype end = line.indexOf('"', start);
    if (end < 0 || end - start > 40)
        return {};
    return QDateTime::fromString(QString::fromLatin1(line.mid(start, end - start)),
                                 Qt::ISODateWithMs);
}

// Calls `visit(line, offset)` for each line of `path`, last line first. `visit` returns false
// to stop. A missing file has no lines.
template <typename Visit> void forEachLineBackwards(const QString& path, Visit visit)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    qint64 position = file.size();
    QByteArray carry; // the start of a line whose beginning is in an earlier block
    while (position > 0) {
        const qint64 n = qMin(kReadBlock, position);
        position -= n;
        if (!file.seek(position))
            return;
        QByteArray block = file.read(n);
        if (block.size() != n)
            return;
        block += carry;
        qsizetype end = block.size();
        while (end > 0) {
            const qsizetype newline = block.lastIndexOf('\n', end - 1);
            if (newline < 0)
                break;
            if (!visit(block.mid(newline + 1, end - newline - 1), position + newline + 1))
                return;
            end = newline;
        }
        carry = block.left(end);
    }
    if (!carry.isEmpty())
        visit(carry, qint64(0));
}

} // namespace

bool ensurePrivateDirectory(const QString& path, QString* error)
{
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    if (QFileInfo(absolute).isDir())
        return true;
    // Create from the first missing ancestor down, each 0700.
    QStringList missing;
    QString current = absolute;
    while (!QFileInfo::exists(current)) {
        missing.prepend(current);
        const QString parent = QFileInfo(current).path();
        if (parent == current)
            break;
        current = parent;
    }
    for (const QString& dir : std::as_const(missing)) {
        if (::mkdir(QFile::encodeName(dir).constData(), 0700) != 0 && errno != EEXIST) {
            if (error)
                *error = QStringLiteral("cannot create directory %1: %2")
                             .arg(dir, QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
    }
    if (!QFileInfo(absolute).isDir()) {
        if (error)
            *error = QStringLiteral("%1 is not a directory").arg(absolute);
        return false;
    }
    return true;
}

QString AuditLog::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/ConnectorAdmin");
}

// The queue between append() and the writer thread, and the thread itself.
struct AuditLog::Writer
{
    struct Line
    {
        quint64 seq = 0;
        QByteArray bytes; // one compact JSON object and its '\n'; empty until serialised
        std::optional<AuditRecord> record; // a small record still to redact and serialise
        qint64 size = 0;                   // bytes, or the record's estimate (queue bound)

        QByteArray text() const { return record ? serialise(*record) : bytes; }
    };
    static QByteArray serialise(const AuditRecord& record)
    {
        QByteArray line =
            QJsonDocument(AuditLog::redacted(record).toJson()).toJson(QJsonDocument::Compact);
        line.append('\n');
        return line;
    }

    Writer(const QString& directory, const QString& path, const QString& rotatedPath,
           qint64 rotateBytes)
        : directory(directory), path(QFile::encodeName(path)),
          rotatedPath(QFile::encodeName(rotatedPath)), rotateBytes(rotateBytes)
    {}

    void run();
    bool writeLines(const std::vector<Line>& lines, std::vector<int>* written, QString* error);
    bool rotateIfFull(int fd, QString* error);

    const QString directory;
    const QByteArray path;
    const QByteArray rotatedPath;
    const qint64 rotateBytes;

    // Held while a batch goes into the file and while records() reads it together with the
    // lines still in memory, so a reader sees every record exactly once: in the file or queued.
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

void AuditLog::Writer::run()
{
    // Background work: below the threads that talk to the user and the network. On a busy
    // machine a bulk run's records wait a little longer in memory; flush() still waits for them.
#ifdef Q_OS_LINUX
    errno = 0;
    int nice = ::getpriority(PRIO_PROCESS, 0);
    if (errno != 0)
        nice = 0;
    ::setpriority(PRIO_PROCESS, ::gettid(), std::min(19, nice + kWriterNice));
#endif
    std::unique_lock lock(mutex);
    for (;;) {
        work.wait(lock, [this] { return !queue.empty() || stopping; });
        if (queue.empty())
            return; // stopping, and everything is durable
        // Group commit: lines arriving within a short window share one write and one fsync
        // (a bulk run appends hundreds a second; an fsync each would cost more than the run).
        // flush(), stopping, an edit's record or a full queue end the window early.
        work.wait_for(lock, kCommitWindow, [this] {
            return stopping || flushWanted || queuedBytes >= kMaxQueuedBytes / 2;
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
        batch.reserve(inFlight.size());
        for (const Line& l : inFlight)
            batch.push_back({l.seq, l.record ? serialise(*l.record) : l.bytes, {}, 0});

        std::vector<int> written;
        QString error;
        bool ok = true;
        {
            const std::lock_guard file(fileMutex);
            ok = writeLines(batch, &written, &error);
            const std::lock_guard guard(mutex);
            inFlight.clear();
        }
        // One fsync for the whole batch, outside fileMutex: readers need not wait for the disk.
        for (const int fd : written) {
            if (::fsync(fd) != 0 && ok) {
                ok = false;
                error = QStringLiteral("cannot sync %1: %2")
                            .arg(QFile::decodeName(path), QString::fromLocal8Bit(strerror(errno)));
            }
            ::close(fd);
        }
        if (!ok)
            qCWarning(lcAudit).noquote() << "audit records lost:" << error;

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
// did (the path then names a newer file than `fd`). True when the caller must reopen.
bool AuditLog::Writer::rotateIfFull(int fd, QString* error)
{
    struct stat opened
    {
    };
    if (::fstat(fd, &opened) != 0 || opened.st_size < rotateBytes)
        return false;
    if (::flock(fd, LOCK_EX) != 0)
        return false;
    struct stat current
    {
    };
    bool rotated = false;
    if (::stat(path.constData(), &current) == 0 && current.st_ino == opened.st_ino &&
        current.st_dev == opened.st_dev) {
        if (::rename(path.constData(), rotatedPath.constData()) == 0) {
            rotated = true;
        } else if (error) {
            *error = QStringLiteral("cannot rotate %1: %2")
                         .arg(QFile::decodeName(path), QString::fromLocal8Bit(strerror(errno)));
        }
    } else {
        rotated = true; // someone else rotated: reopen to get the new file
    }
    ::flock(fd, LOCK_UN);
    return rotated;
}

// Appends `lines` in order, as few write()s as rotation allows (one per file): a line is
// appended while the file is below rotateBytes, as if the lines came one by one. The
// descriptors written to are left open in *written for the caller to fsync and close.
bool AuditLog::Writer::writeLines(const std::vector<Line>& lines, std::vector<int>* written,
                                  QString* error)
{
    if (!ensurePrivateDirectory(directory, error))
        return false;
    const QString name = QFile::decodeName(path);
    size_t next = 0;
    while (next < lines.size()) {
        int fd = -1;
        struct stat st
        {
        };
        for (int attempt = 0; attempt < 3; ++attempt) {
            // O_APPEND: each write() lands whole at the end, never interleaved with another
            // process's line.
            fd = ::open(path.constData(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            if (fd < 0) {
                *error = QStringLiteral("cannot open %1: %2")
                             .arg(name, QString::fromLocal8Bit(strerror(errno)));
                return false;
            }
            if (::fstat(fd, &st) != 0)
                st = {};
            if ((st.st_mode & 0777) != 0600)
                ::fchmod(fd, 0600);
            if (attempt < 2 && rotateIfFull(fd, error)) {
                ::close(fd);
                fd = -1;
                continue;
            }
            break;
        }
        QByteArray bytes;
        // A writer killed mid-line left a partial line: end it, so these records stay whole.
        if (st.st_size > 0) {
            char last = '\n';
            if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n')
                bytes.append('\n');
        }
        do {
            bytes += lines[next++].bytes;
        } while (next < lines.size() && st.st_size + bytes.size() < rotateBytes);
        for (qsizetype done = 0; done < bytes.size();) {
            const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                *error = QStringLiteral("cannot write %1: %2")
                             .arg(name, QString::fromLocal8Bit(strerror(n < 0 ? errno : EIO)));
                ::close(fd);
                return false;
            }
            done += n;
        }
        written->push_back(fd);
    }
    return true;
}

AuditLog::AuditLog(const QString& directory, qint64 rotateBytes)
    : m_directory(directory), m_rotateBytes(rotateBytes)
{
    m_writer = std::make_unique<Writer>(m_directory, filePath(), rotatedFilePath(), rotateBytes);
}

AuditLog::~AuditLog()
{
    Writer& w = *m_writer;
    {
        const std::lock_guard lock(w.mutex);
        if (!w.thread.joinable())
            return;
        w.stopping = true;
    }
    w.work.notify_all();
    w.thread.join(); // the thread drains the queue before it ends
}

QString AuditLog::filePath() const
{
    return m_directory + QLatin1Char('/') + kFileName;
}

QString AuditLog::rotatedFilePath() const
{
    return filePath() + QStringLiteral(".1");
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
    qint64 bytes = 512 + 2 * (r.message.size() + r.connectorName.size() + r.connectorId.size() +
                              r.profile.size() + r.requestId.size());
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

bool AuditLog::append(const AuditRecord& record, QString* error)
{
    Writer::Line line;
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
        line.bytes = Writer::serialise(r);
        line.size = line.bytes.size();
    }

    Writer& w = *m_writer;
    std::unique_lock lock(w.mutex);
    if (!w.thread.joinable())
        w.thread = std::thread([&w] { w.run(); });
    w.progress.wait(lock, [&w] { return w.queuedBytes < kMaxQueuedBytes; });
    w.queuedBytes += line.size;
    line.seq = ++w.lastSeq;
    const bool wasEmpty = w.queue.empty();
    const bool urgent = !line.record; // an edit's record (documents, diff): no commit window
    w.queue.push_back(std::move(line));
    if (urgent)
        w.flushWanted = true;
    // Wake the thread only when it waits for a first line, must write now, or the queue is half
    // full: during its commit window more lines need no wake-up (each costs a context switch).
    if (wasEmpty || urgent || w.queuedBytes >= kMaxQueuedBytes / 2)
        w.work.notify_one();
    if (w.lastBatchFailed) {
        if (error)
            *error = w.lastError;
        return false;
    }
    return true;
}

bool AuditLog::flush(QString* error)
{
    Writer& w = *m_writer;
    std::unique_lock lock(w.mutex);
    const quint64 target = w.lastSeq;
    if (w.durableSeq < target) {
        w.flushWanted = true;
        w.work.notify_all();
    }
    w.progress.wait(lock, [&w, target] { return w.durableSeq >= target; });
    const bool ok = !w.failedSinceFlush;
    w.failedSinceFlush = false;
    if (!ok && error)
        *error = w.lastError;
    return ok;
}

QList<AuditRecord> AuditLog::records(const QString& profile, const QString& connectorId,
                                     int limit) const
{
    Query q;
    q.profile = profile;
    q.connectorId = connectorId;
    q.limit = limit;
    return records(q);
}

QList<AuditRecord> AuditLog::records(const Query& query) const
{
    const QString& profile = query.profile;
    const QString& connectorId = query.connectorId;
    const int limit = query.limit;
    const QDateTime& since = query.since;
    QList<AuditRecord> out;
    m_skippedLines = 0;
    if (limit == 0)
        return out;
    const QByteArray profileBytes = profile.isEmpty() ? QByteArray() : jsonStringBytes(profile);
    const QByteArray idBytes = connectorId.isEmpty() ? QByteArray() : jsonStringBytes(connectorId);
    const QByteArray actionBytes =
        query.action ? jsonStringBytes(auditActionName(*query.action)) : QByteArray();
    bool full = false;
    // Returns false to stop: `limit` reached.
    auto visit = [&](const QString& source, const QByteArray& raw, qint64 offset) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            return true;
        // Every line we write is one object: anything else is a torn or foreign line.
        bool malformed = !line.startsWith('{') || !line.endsWith('}');
        if (!malformed && since.isValid()) {
            const QDateTime stamped = lineTime(line);
            if (stamped.isValid() && stamped.msecsTo(since) > kOrderSlackMs) {
                full = true; // everything further back is older still
                return false;
            }
        }
        if (!malformed) {
            if ((!profileBytes.isEmpty() && !line.contains(profileBytes)) ||
                (!idBytes.isEmpty() && !line.contains(idBytes)) ||
                (!actionBytes.isEmpty() && !line.contains(actionBytes)))
                return true;
            QJsonParseError parseError{};
            const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
            QString why;
            std::optional<AuditRecord> record;
            if (parseError.error == QJsonParseError::NoError && doc.isObject())
                record = AuditRecord::fromJson(doc.object(), &why);
            if (!record) {
                malformed = true;
            } else if (since.isValid() && record->time < since) {
                // older than asked for, within the slack: skipped
            } else if ((profile.isEmpty() || record->profile == profile) &&
                       (connectorId.isEmpty() || record->connectorId == connectorId) &&
                       (!query.action || record->action == *query.action)) {
                out.append(*record);
                if (limit > 0 && out.size() >= limit) {
                    full = true;
                    return false;
                }
            }
        }
        if (malformed) {
            ++m_skippedLines;
            qCWarning(lcAudit, "%s: skipping a malformed line at byte %lld", qPrintable(source),
                      static_cast<long long>(offset));
        }
        return true;
    };

    // The writer cannot move lines into the file while we read: each record is seen once.
    const std::lock_guard fileLock(m_writer->fileMutex);
    QList<QByteArray> unwritten; // oldest first
    {
        const std::lock_guard lock(m_writer->mutex);
        for (const auto* lines : {&m_writer->inFlight, &m_writer->queue}) {
            for (const Writer::Line& l : *lines)
                unwritten.append(l.text());
        }
    }
    for (qsizetype i = unwritten.size() - 1; i >= 0 && !full; --i) {
        if (!visit(QStringLiteral("(queued)"), unwritten.at(i), 0))
            break;
    }
    for (const QString& path : {filePath(), rotatedFilePath()}) {
        if (full)
            break;
        forEachLineBackwards(
            path, [&](const QByteArray& raw, qint64 offset) { return visit(path, raw, offset); });
    }
    return out;
}

} // namespace ca
