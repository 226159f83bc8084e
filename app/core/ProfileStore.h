#pragma once

#include "Profile.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <memory>
#include <optional>

class QJsonDocument;
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
    bool remove(const QString& name, QString* error = nullptr);
    QString fileName() const;
    // What was wrong with the file and where it was kept aside (a garbage profiles.ini at start,
    // a link planted where it belongs), for the window or the terminal; empty when nothing was.
    QString notice() const { return m_notice; }

    // JSON import/export: {"profiles":[{name, vendor, baseUrl?, orgId?, workspaceId?}...]}, no
    // keys.
    QByteArray exportJson() const;
    // Adds or replaces every profile in the document; all or nothing. Returns the number imported.
    int importJson(const QByteArray& json, QString* error);
    // The same to and from a file the user chose: written whole or not at all (SafeFile), read
    // only when at most kMaxExportBytes (an export of a thousand profiles is ~200 KB).
    static constexpr qint64 kMaxExportBytes = 1024 * 1024;
    bool exportTo(const QString& path, QString* error) const;
    int importFrom(const QString& path, QString* error);

private:
    void checkFile();
    void prepareSync();
    bool write(const QString& name, const std::optional<Profile>& profile, QString* error);
    int importDocument(const QJsonDocument& doc, QString* error);

    std::unique_ptr<QSettings> m_settings;
    QString m_notice;
};

} // namespace ca
