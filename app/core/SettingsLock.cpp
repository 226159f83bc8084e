#include "SettingsLock.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QThread>

namespace ca {

// QSettings holds "<file>.lock" while it syncs. A process killed between creating that file and
// writing its PID into it leaves it empty, and Qt waits its 30 s stale time before taking it over:
// every later load and save (GUI and CLI) would hang that long. A live writer fills the file right
// after creating it, so one that is still empty a moment later is abandoned. (Were it taken from
// a live writer after all, both would still replace the file whole: a lost save, never a torn one.)
// QLockFile guards the removal of a stale lock with "<lock>.rmlock", which can be left empty too.
void clearAbandonedSettingsLock(const QString& settingsFile)
{
    for (const QString& suffix : {QStringLiteral(".lock"), QStringLiteral(".lock.rmlock")}) {
        const QString path = settingsFile + suffix;
        QFileInfo lock(path);
        if (!lock.exists() || lock.size() != 0)
            continue;
        if (lock.lastModified().msecsTo(QDateTime::currentDateTime()) < 1000) {
            QThread::msleep(100);
            lock.refresh();
            if (!lock.exists() || lock.size() != 0)
                continue;
        }
        QFile::remove(path);
    }
}

} // namespace ca
