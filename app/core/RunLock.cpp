#include "RunLock.h"

#include "PrivateFile.h" // ensurePrivateDirectory

#include <QCryptographicHash>
#include <QLockFile>

namespace ca {

RunLock::RunLock(const QString& directory, const QString& key)
    : m_path(QStringLiteral("%1/%2.lock")
                 .arg(directory, QString::fromLatin1(QCryptographicHash::hash(
                                                         key.toUtf8(), QCryptographicHash::Sha256)
                                                         .toHex()
                                                         .left(24))))
{}

RunLock::~RunLock()
{
    unlock();
}

bool RunLock::tryLock(QString* holder, bool* unavailable)
{
    if (unavailable)
        *unavailable = false;
    if (isLocked())
        return true;
    QString reason;
    const QString directory = m_path.left(m_path.lastIndexOf(QLatin1Char('/')));
    if (!ensurePrivateDirectory(directory, &reason)) {
        if (holder)
            *holder = QStringLiteral("cannot create %1: %2").arg(directory, reason);
        if (unavailable)
            *unavailable = true;
        return false;
    }
    auto file = std::make_unique<QLockFile>(m_path);
    file->setStaleLockTime(0); // stale only when its holder is gone, never by age
    if (file->tryLock(0)) {
        m_file = std::move(file);
        return true;
    }
    qint64 pid = 0;
    QString host;
    QString app;
    const bool held =
        file->error() == QLockFile::LockFailedError && file->getLockInfo(&pid, &host, &app);
    if (holder)
        *holder = held ? QStringLiteral("process %1 (%2) on %3").arg(pid).arg(app, host)
                       : QStringLiteral("%1 cannot be created").arg(m_path);
    if (unavailable)
        *unavailable = !held;
    return false;
}

void RunLock::unlock()
{
    if (m_file)
        m_file->unlock();
    m_file.reset();
}

bool RunLock::isLocked() const
{
    return m_file && m_file->isLocked();
}

QString RunLock::fileName() const
{
    return m_path;
}

} // namespace ca
