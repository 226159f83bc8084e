#pragma once

#include <QString>

namespace ca {

// Removes the lock file QSettings left behind when a process was killed mid-sync (empty, so Qt
// would wait its 30 s stale time before every later read or write). Call before syncing a
// settings file that several processes share (profiles.ini, ui.ini).
void clearAbandonedSettingsLock(const QString& settingsFile);

} // namespace ca
