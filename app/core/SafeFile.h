#pragma once

// Whole-file writes and guarded reads for every file the app keeps or the user exports: drafts,
// profile exports, the completion script, and the checks before profiles.ini is synced. One
// owner, so a full disk, a torn file or a planted link is met the same way everywhere.

#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <optional>

namespace ca {

// Who chose the path. The app's own files (under its data directories) are private (0600) and a
// symbolic link found where one of them belongs is kept aside, never followed out of the app's
// directory. A path the user chose (an export) keeps the user's umask and follows a link, as
// every editor does.
enum class FileOwner
{
    App,
    User
};

// Renames `path` to "<path>.<why>-<UTC yyyyMMddThhmmss>" (with "-2", "-3", … when that name is
// taken: nothing is ever replaced). Returns the new path, or an empty string with *reason. A link
// is renamed itself, not what it points to.
QString keepAside(const QString& path, const QString& why, QString* reason = nullptr);

// When `path` is a symbolic link (planted where an app file belongs), renames the link aside as
// keepAside(path, "link") does and returns what was done, for the user: "<path> was a link to
// <target>, not a file of ours: the link was kept as <kept> and not followed" (or why it could not
// be moved, with *failed set). Empty when `path` is no link. The target is never touched.
QString keepLinkAside(const QString& path, bool* failed = nullptr);

// Replaces `path` with `bytes` whole or not at all: they go to a temporary file beside it that is
// synced to the disk and renamed over `path` at the end, so a full disk, an I/O error or a crash
// leaves the earlier file as it was and no partial file under its name. False with *error (the
// path and the system's reason). For FileOwner::App, a link at `path` is kept aside first and
// *notice tells where.
bool writeFileWhole(const QString& path, const QByteArray& bytes, FileOwner owner, QString* error,
                    QString* notice = nullptr);

// Reads one JSON document from a file of at most `maxBytes`: a larger file is refused before any
// of it is read (with its size in the message), and a document nested deeper than the parser
// takes is named so. nullopt with *error otherwise; *unopened tells a file that could not be
// opened at all (permissions, I/O) from one whose content is wrong.
std::optional<QJsonDocument> readJsonFile(const QString& path, qint64 maxBytes, QString* error,
                                          bool* unopened = nullptr);

// "12.0 MB", "512 bytes": for messages about sizes.
QString byteCountText(qint64 bytes);

} // namespace ca
