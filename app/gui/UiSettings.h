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

// ui.ini through its typed keys. One instance per batch of reads and writes: the file is written
// (and synced to disk) when the instance goes.
class UiSettings
{
public:
    UiSettings();

    QVariant value(Setting setting) const; // the setting's default while unset
    void setValue(Setting setting, const QVariant& value);

    static QString key(Setting setting); // its name in ui.ini

private:
    QSettings m_settings;
};

} // namespace ca
