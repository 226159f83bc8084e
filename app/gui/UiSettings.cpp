#include "UiSettings.h"

#include "BuildInfo.h"
#include "SettingsLock.h"
#include "TimbalDispatchRecords.h"

#include <QStandardPaths>

namespace ca {

namespace {

struct SettingSpec
{
    QString key;
    QVariant defaultValue;
};

SettingSpec spec(Setting setting)
{
    switch (setting) {
    case Setting::AutoRefreshMinutes:
        return {QStringLiteral("refresh/minutes"), 0};
    case Setting::NetworkTimeoutSeconds:
        return {QStringLiteral("network/timeoutSeconds"), 30};
    case Setting::Theme:
        return {QStringLiteral("ui/theme"), QString()};
    case Setting::TimbalDispatchWindowMinutes:
        return {QStringLiteral("timbal/dispatchWindowMinutes"),
                int(TimbalDispatchRecords::kDefaultWindowMs / 60000)};
    case Setting::WindowGeometry:
        return {QStringLiteral("window/geometry"), QByteArray()};
    case Setting::WindowState:
        return {QStringLiteral("window/state"), QByteArray()};
    case Setting::WindowSplitter:
        return {QStringLiteral("window/splitter"), QByteArray()};
    case Setting::WindowColumns:
        return {QStringLiteral("window/columns"), QByteArray()};
    }
    Q_UNREACHABLE();
}

} // namespace

QSettings uiSettings()
{
    // An instance killed mid-save must not make the next start wait 30 s for its lock. (The path
    // is QSettings' own for IniFormat/UserScope, computed before QSettings reads the file.)
    clearAbandonedSettingsLock(
        QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
        QStringLiteral("/%1/ui.ini").arg(QLatin1String(kOrgName)));
    return QSettings(QSettings::IniFormat, QSettings::UserScope, QLatin1String(kOrgName),
                     QStringLiteral("ui"));
}

UiSettings::UiSettings() : m_settings(uiSettings()) {}

QVariant UiSettings::value(Setting setting) const
{
    const SettingSpec s = spec(setting);
    return m_settings.value(s.key, s.defaultValue);
}

void UiSettings::setValue(Setting setting, const QVariant& value)
{
    m_settings.setValue(spec(setting).key, value);
}

QString UiSettings::key(Setting setting)
{
    return spec(setting).key;
}

} // namespace ca
