#include "SettingsLock.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSettings>
#include <QStringDecoder>
#include <QThread>
#include <QUuid>

#include "PrivateFile.h"
#include "SafeFile.h"

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

namespace {

constexpr qint64 kMaxSettingsBytes = 8 * 1024 * 1024; // thousands of profiles fit in 1 MB

// Why `bytes` is not a settings file QSettings wrote (empty when it is one).
QString notIniText(const QByteArray& bytes)
{
    if (bytes.size() > kMaxSettingsBytes)
        return QStringLiteral("it is %1").arg(byteCountText(bytes.size()));
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8.decode(bytes);
    if (utf8.hasError())
        return QStringLiteral("it is not UTF-8 text");
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines.at(i).trimmed();
        for (const QChar c : line) {
            if (c.unicode() < 0x20 && c != QLatin1Char('\t'))
                return QStringLiteral("line %1 holds control characters").arg(i + 1);
        }
        const bool fine = line.isEmpty() || line.startsWith(QLatin1Char(';')) ||
                          line.startsWith(QLatin1Char('#')) ||
                          (line.startsWith(QLatin1Char('[')) && line.endsWith(QLatin1Char(']'))) ||
                          line.indexOf(QLatin1Char('=')) > 0;
        if (!fine)
            return QStringLiteral("line %1 is neither a [section] nor key=value").arg(i + 1);
    }
    return {};
}

} // namespace

namespace {

QMap<QString, QVariant> contentOf(QSettings& settings)
{
    QMap<QString, QVariant> out;
    const QStringList keys = settings.allKeys();
    for (const QString& key : keys)
        out.insert(key, settings.value(key));
    return out;
}

} // namespace

bool changeSettingsWhole(const QString& path, const std::function<void(QSettings&)>& change,
                         QString* error)
{
    auto fail = [&](const QString& reason) {
        if (error)
            *error =
                QStringLiteral("could not write %1: %2; nothing was changed").arg(path, reason);
        return false;
    };
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return fail(QStringLiteral("cannot create its directory"));
    clearAbandonedSettingsLock(path);
    QLockFile lock(path + QStringLiteral(".lock"));
    if (!lock.tryLock(10000)) {
        return fail(lock.error() == QLockFile::LockFailedError
                        ? QStringLiteral("another program holds %1.lock").arg(path)
                        : QStringLiteral("cannot create %1.lock").arg(path));
    }
    // Unique names: QSettings caches every file it read by name, and must read these afresh.
    const QString unique = QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QString scratch = path + QStringLiteral(".new-") + unique;
    const QString check = path + QStringLiteral(".check-") + unique;
    struct Cleanup
    {
        QStringList files;
        ~Cleanup()
        {
            for (const QString& f : files)
                QFile::remove(f);
        }
    } cleanup{{scratch, check}};
    if (QFileInfo::exists(path) && !QFile::copy(path, scratch))
        return fail(QStringLiteral("cannot copy it"));
    QMap<QString, QVariant> expected;
    {
        QSettings changed(scratch, QSettings::IniFormat);
        change(changed);
        expected = contentOf(changed);
        changed.sync();
        if (changed.status() != QSettings::NoError)
            return fail(QStringLiteral("the disk may be full or read-only"));
    }
    // Read back from a copy no QSettings has seen: a torn write shows as missing entries.
    if (!QFile::copy(scratch, check))
        return fail(QStringLiteral("the disk may be full"));
    {
        QSettings written(check, QSettings::IniFormat);
        if (written.status() != QSettings::NoError || contentOf(written) != expected)
            return fail(QStringLiteral("the file was not written whole (is the disk full?)"));
    }
    QFile synced(scratch);
    QString reason;
    if (!synced.open(QIODevice::ReadWrite) || !syncToDisk(synced, &reason))
        return fail(reason.isEmpty() ? synced.errorString() : reason);
    synced.close();
    if (!renameReplacing(scratch, path, &reason))
        return fail(reason);
    return true;
}

QString guardSettingsFile(const QString& settingsFile, bool checkContent)
{
    const QString link = keepLinkAside(settingsFile);
    if (!link.isEmpty())
        return link;
    if (!checkContent || !QFileInfo(settingsFile).isFile())
        return {};
    QFile file(settingsFile);
    if (!file.open(QIODevice::ReadOnly))
        return {}; // unreadable is QSettings' own error to report; nothing to move
    const QString why = notIniText(file.read(kMaxSettingsBytes + 1));
    file.close();
    if (why.isEmpty())
        return {};
    QString reason;
    const QString kept = keepAside(settingsFile, QStringLiteral("corrupt"), &reason);
    if (kept.isEmpty())
        return QStringLiteral("%1 cannot be used (%2) and %3").arg(settingsFile, why, reason);
    return QStringLiteral("%1 could not be used (%2): it was kept as %3 and a new one started")
        .arg(settingsFile, why, kept);
}

} // namespace ca
