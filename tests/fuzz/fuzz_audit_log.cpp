// The audit-log reader (AuditLog::records) on arbitrary file contents: torn lines, foreign
// lines, records with odd values. Input layout:
//   byte 0  limit: (byte % 4) - 1, so -1 (all) .. 2
//   byte 1  filter: bit 0 by profile "prod", bit 1 by connector id "con_0001"
//   rest    audit.jsonl; after a NUL byte, audit.jsonl.1 (the rotated generation)
#include "FuzzSupport.h"

#include "AuditLog.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace ca;
using ca::fuzz::check;

namespace {

void writeFile(const QString& path, const QByteArray& bytes, bool present)
{
    QFile::remove(path);
    if (!present)
        return;
    QFile file(path);
    check(file.open(QIODevice::WriteOnly), "cannot write the audit file");
    file.write(bytes);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    fuzz::ensureApplication();
    static QTemporaryDir dir; // one directory for the whole run, removed at exit
    check(dir.isValid(), "no temporary directory");
    fuzz::InputReader in(data, size);
    const int limit = int(in.byte() % 4) - 1;
    const uint8_t filter = in.byte();
    const QString profile = (filter & 1) ? QStringLiteral("prod") : QString();
    const QString connectorId = (filter & 2) ? QStringLiteral("con_0001") : QString();
    const QByteArray bytes = in.rest();
    const qsizetype split = bytes.indexOf('\0');

    const AuditLog log(dir.path());
    writeFile(log.filePath(), split < 0 ? bytes : bytes.left(split), true);
    writeFile(log.rotatedFilePath(), split < 0 ? QByteArray() : bytes.mid(split + 1), split >= 0);

    const QList<AuditRecord> records = log.records(profile, connectorId, limit);
    check(limit < 0 || records.size() <= limit, "more records than the limit");
    for (const AuditRecord& r : records) {
        check(profile.isEmpty() || r.profile == profile, "a record of another profile");
        check(connectorId.isEmpty() || r.connectorId == connectorId,
              "a record of another connector");
        // What was read must be writable and readable again the same way.
        const AuditRecord again = AuditLog::redacted(r);
        check(AuditRecord::fromJson(again.toJson()).has_value(),
              "a record read from the log does not survive toJson/fromJson");
    }
    return 0;
}
