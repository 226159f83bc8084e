#include "AuditLog.h"
#include "AuditWriter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

Q_LOGGING_CATEGORY(lcAudit, "ca.audit")

namespace ca {

namespace {

const QString kFileName = QStringLiteral("audit.jsonl");

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
