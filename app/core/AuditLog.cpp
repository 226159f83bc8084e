#include "AuditLog.h"
#include "AuditWriter.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QStandardPaths>

#include <mutex>
#include <vector>

Q_LOGGING_CATEGORY(lcAudit, "ca.audit")

namespace ca {

namespace {

const QString kFileName = QStringLiteral("audit.jsonl");

} // namespace

// Carries appendDurably()'s results from the writer thread to the log's thread. The results go
// through a queue under our own mutex and only a wake-up goes through Qt's event queue (by name:
// nothing of ours is allocated for it), so every handoff is one ThreadSanitizer can see.
class DurableDelivery : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        QPointer<QObject> context;
        AuditLog::Durable done;
        bool ok = false;
        QString error;
    };

    // On the writer thread.
    void post(Result result)
    {
        bool wake = false;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            wake = m_pending.empty();
            m_pending.push_back(std::move(result));
        }
        if (wake)
            QMetaObject::invokeMethod(this, "deliver", Qt::QueuedConnection);
    }

    // On the log's thread: calls each `done` whose context still exists.
    Q_INVOKABLE void deliver()
    {
        std::vector<Result> results;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            results.swap(m_pending);
        }
        for (Result& r : results) {
            if (r.context)
                r.done(r.ok, r.error);
        }
    }

private:
    std::mutex m_mutex;
    std::vector<Result> m_pending; // guarded by m_mutex
};

QString AuditLog::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/ConnectorAdmin");
}

AuditLog::AuditLog(const QString& directory, qint64 rotateBytes)
    : m_directory(directory), m_rotateBytes(rotateBytes),
      m_notifier(std::make_unique<DurableDelivery>())
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
    DurableDelivery* delivery = m_notifier.get();
    m_writer->append(record, nullptr,
                     [delivery, context = QPointer<QObject>(context),
                      done = std::move(done)](bool ok, const QString& error) {
                         // On the writer thread: only hand over; `context` is read on its own
                         // thread.
                         delivery->post({context, done, ok, error});
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

#include "AuditLog.moc"
