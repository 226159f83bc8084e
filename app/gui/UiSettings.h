#pragma once

#include <QSettings>
#include <QString>
#include <QVariant>

namespace ca {

// Every key of the window's settings file (ui.ini), as KeePassXC's Config::ConfigKey: each key's
// name in the file and its default are spelled once, in UiSettings.cpp.
enum class Setting
{
    AutoRefreshMinutes,          // 0: never
    NetworkTimeoutSeconds,       // the transfer time-out of every request
    Theme,                       // themeToString(); empty: never chosen, the platform's style
    TimbalDispatchWindowMinutes, // an unreported Timbal update is not sent again for this long
    WindowGeometry,
    WindowState,
    WindowSplitter,
    WindowColumns,
};

// The window's own settings file (ui.ini: layout, theme; no secrets, apart from the profiles).
// A lock left by an instance killed mid-save is cleared first.
QSettings uiSettings();

// ui.ini through its typed keys. One instance per batch of reads and writes. Changes are written
// by save(), or when the instance goes: whole or not at all (changeSettingsWhole(): a full disk
// leaves the earlier file as it was), never by QSettings' own sync.
class UiSettings
{
public:
    UiSettings();
    ~UiSettings(); // saves changes not saved yet; a failure is only logged
    UiSettings(const UiSettings&) = delete;
    UiSettings& operator=(const UiSettings&) = delete;

    QVariant value(Setting setting) const; // as changed here, or in the file, or its default
    void setValue(Setting setting, const QVariant& value);
    // Writes the changes made since (once: a failed save is not tried again when the instance
    // goes). False with *error (the file and the reason); the file is then as it was.
    bool save(QString* error = nullptr);

    static QString key(Setting setting); // its name in ui.ini

private:
    QSettings m_settings; // read only
    QList<QPair<QString, QVariant>> m_changes;
};

} // namespace ca
