#pragma once

#include "AuditRecord.h"
#include "PrivateFile.h" // ensurePrivateDirectory

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

namespace ca {

class AuditWriter;
class ThreadHandoff;

// The local audit log: JSON Lines, one record per line. The file is 0600 in a 0700 directory.
// When it grows past rotateBytes it is renamed to audit.jsonl.1 (one generation is kept).
//
// Writing is group-committed on a writer thread of this instance (started by the first append):
// append() only stamps and queues a copy of the record, which the writer thread redacts and
// serialises, so the thread that appends (the GUI's, or the event loop of a bulk run) neither
// waits for the disk nor spends its time on the records' JSON. The writer appends every
// queued record with one write() (O_APPEND, so lines of other writers, e.g. GUI and CLI, never
// interleave with a batch) and then fsyncs once for the whole batch; records keep the order in
// which append() was called.
//
// Durability contract: a record is durable once flush() returned true after its append(), or
// once this AuditLog was destroyed (the destructor drains the queue and fsyncs). A crash (kill,
// power loss) loses at most the records not yet durable: those still queued and the batch being
// written, of which a partial last line may remain in the file; readers skip such a line and the
// next writer starts on a fresh line.
class AuditLog
{
public:
    static constexpr qint64 kDefaultRotateBytes = 64 * 1024 * 1024;
    // append() waits for the writer only while this many bytes are queued (a disk far slower
    // than the records arrive); below it, it never blocks on I/O.
    static constexpr qint64 kMaxQueuedBytes = 32 * 1024 * 1024;
    static const QString kRedacted; // SecretMarker::redacted

    // <GenericDataLocation>/ConnectorAdmin: an explicit path, not derived from the application
    // name, so connectorctl and connector-admin share one log.
    static QString defaultDirectory();

    explicit AuditLog(const QString& directory = defaultDirectory(),
                      qint64 rotateBytes = kDefaultRotateBytes);
    // Drains the queue and fsyncs (blocks until every appended record is durable).
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    QString directory() const { return m_directory; }
    QString filePath() const;        // <directory>/audit.jsonl
    QString rotatedFilePath() const; // <directory>/audit.jsonl.1

    // Stamps the time if unset and queues the record for the writer, which redacts it (see
    // redacted()) and writes it as one line. Returns at once. False with *error when the writer's
    // last batch could not be written (the record is queued all the same and written if the disk
    // recovers); flush() reports every failure.
    bool append(const AuditRecord& record, QString* error = nullptr);

    // The record of an intent (AuditOutcome::Intent) before a write leaves the app: appended like
    // append(), without a commit window, and `done` is called on this log's thread, from its
    // event loop, once the record is fsynced (ok) or could not be written (ok false, `error` the
    // reason with the file's path). Nothing blocks meanwhile. Not called when `context` is gone
    // by then.
    using Durable = std::function<void(bool ok, const QString& error)>;
    void appendDurably(const AuditRecord& record, QObject* context, Durable done);
    // The same for many records at once: one write and one fsync for all of them (a bulk run's
    // intents), and one answer that holds for every one.
    void appendDurably(const QList<AuditRecord>& records, QObject* context, Durable done);

    // Blocks until every record appended before the call is written and fsynced. False with
    // *error when a batch failed since the previous flush(). For the CLI before it exits and for
    // tests; the GUI relies on the destructor at close instead.
    bool flush(QString* error = nullptr);

    // Newest first, from audit.jsonl then audit.jsonl.1, optionally only one profile and/or
    // connector id, at most `limit` records (-1: all). An intent whose outcome record is there
    // (same operationId) is left out: the outcome stands for both. Records appended to this
    // instance but not yet written are included (read from the writer's queue; no wait for the
    // disk). Reads the files backwards in blocks and parses only lines whose bytes contain the
    // filter values, so it stops early with a limit.
    QList<AuditRecord> records(const QString& profile = {}, const QString& connectorId = {},
                               int limit = -1) const;
    struct Query
    {
        QString profile;     // empty: any
        QString connectorId; // empty: any
        std::optional<AuditAction> action;
        int limit = -1;
        // Valid: only records stamped at or after it, and the read stops at the first line older
        // than it by more than kOrderSlackMs (lines are appended in time order, give or take the
        // writers' commit windows), so a recent window costs only its own bytes.
        QDateTime since;
        // Only records of a write with an intent (those with an operationId): lines without one
        // are passed over unparsed.
        bool withIntentOnly = false;
    };
    QList<AuditRecord> records(const Query& query) const;
    static constexpr qint64 kOrderSlackMs = 60 * 1000;

    // The intents of `profile` written since `since` whose outcome never came, and whose writer
    // is gone: the app stopped while sending (a crash, a kill, power loss). Left out: this
    // process's own, and another's still running on this machine; an intent from another machine
    // (a shared home) only once it is older than kForeignIntentGraceMs. Newest first.
    QList<AuditRecord> openIntents(const QString& profile, const QDateTime& since) const;
    static constexpr qint64 kForeignIntentGraceMs = 60 * 60 * 1000;
    // Malformed lines (e.g. a partial last line after a crash) met by the last records() call;
    // each one is also reported with a warning in the "ca.audit" category.
    int skippedLines() const { return m_skippedLines; }

    // The record as it will be written: every value SecretRules::byKeyNames(secretPaths) finds
    // secret in before, after, diff (entries whose pointer or path is secret) and
    // serverDifferences becomes kRedacted.
    static AuditRecord redacted(const AuditRecord& record);

private:
    QString m_directory;
    qint64 m_rotateBytes;
    mutable int m_skippedLines = 0;
    // Lives on the thread that made the log; appendDurably()'s answers are posted to it. Declared
    // before the writer, so it outlives the writer thread (which may post until it ends).
    std::unique_ptr<ThreadHandoff> m_notifier; // appendDurably()'s results, to this thread
    std::unique_ptr<AuditWriter> m_writer;
};

} // namespace ca
