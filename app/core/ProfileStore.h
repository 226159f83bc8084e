#pragma once

#include "Profile.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>

class QSettings;

namespace ca {

// Profiles persisted with QSettings (XDG config on Linux: ~/.config/ConnectorAdmin/profiles.ini),
// shared by connector-admin and connectorctl. Holds no secret, ever: keys live in the keychain.
class ProfileStore
{
public:
    ProfileStore();                                // the user's profile file
    explicit ProfileStore(const QString& iniPath); // a given file (tests)
    ~ProfileStore();

    QList<Profile> profiles() const; // sorted by name
    std::optional<Profile> find(const QString& name) const;
    // Adds or replaces the profile of that name; false with *error if it does not validate.
    bool save(const Profile& profile, QString* error);
    bool remove(const QString& name);
    QString fileName() const;

    // JSON import/export: {"profiles":[{name, vendor, baseUrl?, orgId?, workspaceId?}...]}, no
    // keys.
    QByteArray exportJson() const;
    // Adds or replaces every profile in the document; all or nothing. Returns the number imported.
    int importJson(const QByteArray& json, QString* error);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace ca
