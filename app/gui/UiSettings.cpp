#include "UiSettings.h"

#include "BuildInfo.h"
#include "SettingsLock.h"
#include "TimbalDispatchRecords.h"

#include <QDebug>

#include <utility>

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
    // The file QSettings chooses for IniFormat/UserScope (QSettings::setPath() moves it), named
    // explicitly, so that its lock and changeSettingsWhole() name the same file.
    const QString path = QSettings(QSettings::IniFormat, QSettings::UserScope,
                                   QLatin1String(kOrgName), QStringLiteral("ui"))
                             .fileName();
    // An instance killed mid-save must not make the next start wait 30 s for its lock.
    clearAbandonedSettingsLock(path);
    return QSettings(path, QSettings::IniFormat);
}

UiSettings::UiSettings() : m_settings(uiSettings()) {}

UiSettings::~UiSettings()
{
    QString error;
    if (!save(&error))
        qWarning().noquote() << "window settings not saved:" << error;
}

QVariant UiSettings::value(Setting setting) const
{
    const SettingSpec s = spec(setting);
    for (auto it = m_changes.crbegin(); it != m_changes.crend(); ++it) {
        if (it->first == s.key)
            return it->second;
    }
    return m_settings.value(s.key, s.defaultValue);
}

void UiSettings::setValue(Setting setting, const QVariant& value)
{
    m_changes.append({spec(setting).key, value});
}

bool UiSettings::save(QString* error)
{
    if (m_changes.isEmpty())
        return true;
    const QList<QPair<QString, QVariant>> changes = std::exchange(m_changes, {});
    return changeSettingsWhole(
        m_settings.fileName(),
        [&changes](QSettings& file) {
            for (const auto& [key, value] : changes)
                file.setValue(key, value);
        },
        error);
}

QString UiSettings::key(Setting setting)
{
    return spec(setting).key;
}

} // namespace ca
