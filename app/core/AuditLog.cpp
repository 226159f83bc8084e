#include "AuditLog.h"
#include "AuditWriter.h"
#include "ThreadHandoff.h"

#include <QLoggingCategory>
#include <QPointer>
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
    : m_directory(directory), m_rotateBytes(rotateBytes),
      m_notifier(std::make_unique<ThreadHandoff>())
{
    m_writer =
        std::make_unique<AuditWriter>(m_directory, filePath(), rotatedFilePath(), rotateBytes);
}

AuditLog::~AuditLog() = default; // the writer drains its queue

bool AuditLog::append(const AuditRecord& record, QString* error)
{
    return m_writer->append(record, error);
}

void AuditLog::appendDurably(const AuditRecord& record, QObject* context, Durable done)
{
    appendDurably(QList<AuditRecord>{record}, context, std::move(done));
}

void AuditLog::appendDurably(const QList<AuditRecord>& records, QObject* context, Durable done)
{
    ThreadHandoff* handoff = m_notifier.get();
    m_writer->appendAll(records, nullptr,
                        [handoff, context = QPointer<QObject>(context),
                         done = std::move(done)](bool ok, const QString& error) {
                            // On the writer thread: only hand over; `context` is read on its own
                            // thread.
                            handoff->post([context, done, ok, error] {
                                if (context)
                                    done(ok, error);
                            });
                        });
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
