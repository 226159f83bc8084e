#pragma once

#include <QString>

#include <functional>

class QSettings;

namespace ca {

// Removes the lock file QSettings left behind when a process was killed mid-sync (empty, so Qt
// would wait its 30 s stale time before every later read or write). Call before syncing a
// settings file that several processes share (profiles.ini, ui.ini).
void clearAbandonedSettingsLock(const QString& settingsFile);

// Checks a settings file before QSettings touches it. A symbolic link there is kept aside
// (SafeFile keepAside: QSettings would write through it, out of the app's directory); with
// `checkContent`, so is a file that is not INI text (NUL or control bytes, invalid UTF-8, a line
// that is neither "[section]", "key=value" nor a comment), which QSettings would half-read and
// then overwrite. Returns what was done, for the user (empty when the file was fine or absent).
QString guardSettingsFile(const QString& settingsFile, bool checkContent);

// Applies `change` to the INI file at `path` whole or not at all, under QSettings' own lock
// ("<path>.lock", so other processes' QSettings wait): the file is copied, changed through a
// QSettings on the copy, read back from a second copy and compared, synced to the disk and renamed
// over `path`. Never QSettings::sync() on `path` itself: in Qt 6.4 its QSaveFile renames a torn
// file into place when the buffered write fails (ENOSPC, EIO) and ignores a failed fsync. False
// with *error (the file, the reason); `path` is then as it was.
bool changeSettingsWhole(const QString& path, const std::function<void(QSettings&)>& change,
                         QString* error);

} // namespace ca
