#include "AuditLog.h"
#include "AuditWriter.h"

#include <QLoggingCategory>
#include <QStandardPaths>

Q_LOGGING_CATEGORY(lcAudit, "ca.audit")

namespace ca {

namespace {

const QString kFileName = QStringLiteral("audit.jsonl");

} // namespace

QString AuditLog::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/ConnectorAdmin");
}

AuditLog::AuditLog(const QString& directory, qint64 rotateBytes)
    : m_directory(directory), m_rotateBytes(rotateBytes)
{
    m_writer =
        std::make_unique<AuditWriter>(m_directory, filePath(), rotatedFilePath(), rotateBytes);
}

AuditLog::~AuditLog() = default; // the writer drains its queue

bool AuditLog::append(const AuditRecord& record, QString* error)
{
    return m_writer->append(record, error);
}

bool AuditLog::flush(QString* error)
{
    return m_writer->flush(error);
}

QString AuditLog::filePath() const
{
    return m_directory + QLatin1Char('/') + kFileName;
}

QString AuditLog::rotatedFilePath() const
{
    return filePath() + QStringLiteral(".1");
}

} // namespace ca
