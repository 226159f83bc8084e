#include "SafeFile.h"

#include "PrivateFile.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonParseError>
#include <QLocale>
#include <QSaveFile>

#include <cerrno>

namespace ca {

QString keepAside(const QString& path, const QString& why, QString* reason)
{
    const QString stem =
        QStringLiteral("%1.%2-%3")
            .arg(path, why,
                 QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'hhmmss")));
    QString target = stem;
    // QFileInfo::exists() follows links: a dangling link is a taken name too.
    for (int n = 2; QFileInfo(target).exists() || QFileInfo(target).isSymLink(); ++n)
        target = stem + QLatin1Char('-') + QString::number(n);
    QString systemReason;
    if (!renameReplacing(path, target, &systemReason)) {
        if (reason)
            *reason = QStringLiteral("cannot move %1 aside: %2").arg(path, systemReason);
        return {};
    }
    return target;
}

QString keepLinkAside(const QString& path, bool* failed)
{
    if (failed)
        *failed = false;
    const QFileInfo info(path);
    if (!info.isSymLink())
        return {};
    const QString target = info.symLinkTarget();
    QString reason;
    const QString kept = keepAside(path, QStringLiteral("link"), &reason);
    if (kept.isEmpty()) {
        if (failed)
            *failed = true;
        return reason;
    }
    return QStringLiteral("%1 was a link to %2, not a file of ours: the link was kept as %3 and "
                          "not followed")
        .arg(path, target, kept);
}

bool writeFileWhole(const QString& path, const QByteArray& bytes, FileOwner owner, QString* error,
                    QString* notice)
{
    auto fail = [&](const QString& reason) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, reason);
        return false;
    };
    if (owner == FileOwner::App) {
        // Written through, a link would put an app file wherever it points (/etc/…).
        bool failed = false;
        const QString told = keepLinkAside(path, &failed);
        if (failed)
            return fail(told);
        if (notice)
            *notice = told;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    // The temporary file becomes the file on commit: restrict it before any byte is written.
    if (owner == FileOwner::App)
        restrictToOwner(file);
    // Every failure leaves `path` as it was: cancelWriting() makes commit() remove the temporary
    // file. The write and the sync are checked here, not left to commit(): in Qt 6.4 it renames
    // after a failed buffered write (EIO) and ignores a failed fsync.
    QString reason;
    errno = 0;
    const bool written = file.write(bytes) == bytes.size() && file.flush();
    if (!written) {
        // After a short write Qt reports "Unknown error"; the system's reason is still in errno.
        const int code = errno;
        reason = code != 0 ? qt_error_string(code) : file.errorString();
    }
    if (!written || !syncToDisk(file, &reason)) {
        file.cancelWriting();
        file.commit();
        return fail(reason);
    }
    if (!file.commit())
        return fail(file.errorString());
    return true;
}

std::optional<QJsonDocument> readJsonFile(const QString& path, qint64 maxBytes, QString* error,
                                          bool* unopened)
{
    auto fail = [&](const QString& reason) -> std::optional<QJsonDocument> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    QFile file(path);
    const bool opened = file.open(QIODevice::ReadOnly);
    if (unopened)
        *unopened = !opened;
    if (!opened)
        return fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > maxBytes) {
        return fail(QStringLiteral("%1 is %2, more than the %3 such a file can be")
                        .arg(path, byteCountText(file.size()), byteCountText(maxBytes)));
    }
    const QByteArray bytes = file.read(maxBytes + 1);
    if (bytes.size() > maxBytes) // grew while being read: a device or a pipe, not a file of ours
        return fail(QStringLiteral("%1 is more than %2").arg(path, byteCountText(maxBytes)));
    QJsonParseError parseError{};
    QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error == QJsonParseError::DeepNesting)
        return fail(QStringLiteral("%1 is nested too deeply to be read (at offset %2)")
                        .arg(path)
                        .arg(parseError.offset));
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("%1 is not valid JSON at offset %2: %3")
                        .arg(path)
                        .arg(parseError.offset)
                        .arg(parseError.errorString()));
    return doc;
}

QString byteCountText(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

} // namespace ca
