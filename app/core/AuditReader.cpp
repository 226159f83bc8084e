// AuditLog::records(): the log read backwards, newest first, parsing only what may match.
#include "AuditLog.h"
#include "AuditWriter.h"
#include "PrivateFile.h" // processIsRunning

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSysInfo>

namespace ca {

namespace {

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
    // A link planted where a log belongs is not our log (the writer keeps it aside).
    if (QFileInfo(path).isSymLink())
        return;
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
    const QByteArray operationBytes =
        query.withIntentOnly ? QByteArrayLiteral("\"operationId\":") : QByteArray();
    bool full = false;
    // Operations whose outcome was met: their intents (further back) stand for nothing more.
    QSet<QString> concluded;
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
                (!actionBytes.isEmpty() && !line.contains(actionBytes)) ||
                (!operationBytes.isEmpty() && !line.contains(operationBytes)))
                return true;
            QJsonParseError parseError{};
            const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
            QString why;
            std::optional<AuditRecord> record;
            if (parseError.error == QJsonParseError::NoError && doc.isObject())
                record = AuditRecord::fromJson(doc.object(), &why);
            const bool intent = record && record->outcome == AuditOutcome::Intent;
            if (record && !intent && !record->operationId.isEmpty())
                concluded.insert(record->operationId);
            if (!record) {
                malformed = true;
            } else if (intent && concluded.contains(record->operationId)) {
                // told by its outcome record
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
    const auto fileLock = m_writer->holdFile();
    const QList<QByteArray> unwritten = m_writer->unwrittenLines(); // oldest first
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

QList<AuditRecord> AuditLog::openIntents(const QString& profile, const QDateTime& since) const
{
    Query q;
    q.profile = profile;
    q.since = since;
    q.withIntentOnly = true;
    const QString thisHost = QSysInfo::machineHostName();
    const qint64 thisProcess = QCoreApplication::applicationPid();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<AuditRecord> open;
    for (const AuditRecord& r : records(q)) {
        if (r.outcome != AuditOutcome::Intent) // records() already left out concluded ones
            continue;
        const bool here = r.host == thisHost;
        if (here && (r.processId == thisProcess || processIsRunning(r.processId)))
            continue; // still being sent
        if (!here && r.time.msecsTo(now) < kForeignIntentGraceMs)
            continue;
        open.append(r);
    }
    return open;
}

} // namespace ca
