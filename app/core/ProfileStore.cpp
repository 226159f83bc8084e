#include "ProfileStore.h"

#include "BuildInfo.h"
#include "SafeFile.h"
#include "SettingsLock.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>
#include <algorithm>

namespace ca {

namespace {
const QString kGroup = QStringLiteral("profiles");

// lupdate sees this context; free functions below translate through it.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(ProfileStore)
};
} // namespace

ProfileStore::ProfileStore()
    : m_settings(std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                             QLatin1String(kOrgName), QStringLiteral("profiles")))
{
    checkFile();
}

ProfileStore::ProfileStore(const QString& iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{
    checkFile();
}

// QSettings read the file on construction: when the file is moved aside, start again on none.
void ProfileStore::checkFile()
{
    const QString path = m_settings->fileName();
    m_notice = guardSettingsFile(path, true);
    if (!m_notice.isEmpty())
        m_settings = std::make_unique<QSettings>(path, QSettings::IniFormat);
}

// Before every write: a link where the file belongs is kept aside, never written through.
void ProfileStore::prepareSync()
{
    const QString notice = guardSettingsFile(m_settings->fileName(), false);
    if (!notice.isEmpty())
        m_notice = notice;
}

ProfileStore::~ProfileStore() = default;

QString ProfileStore::fileName() const
{
    return m_settings->fileName();
}

QList<Profile> ProfileStore::profiles() const
{
    clearAbandonedSettingsLock(m_settings->fileName());
    m_settings->sync();
    QList<Profile> result;
    m_settings->beginGroup(kGroup);
    const QStringList names = m_settings->childGroups();
    for (const QString& name : names) {
        m_settings->beginGroup(name);
        QJsonObject o{
            {QStringLiteral("name"), name},
            {QStringLiteral("vendor"), m_settings->value(QStringLiteral("vendor")).toString()},
            {QStringLiteral("baseUrl"), m_settings->value(QStringLiteral("baseUrl")).toString()},
            {QStringLiteral("orgId"), m_settings->value(QStringLiteral("orgId")).toString()},
            {QStringLiteral("workspaceId"),
             m_settings->value(QStringLiteral("workspaceId")).toString()}};
        m_settings->endGroup();
        Profile p;
        QString ignored;
        // A hand-edited entry that no longer validates is skipped rather than half-loaded.
        if (Profile::fromJson(o, &p, &ignored))
            result.append(p);
    }
    m_settings->endGroup();
    std::sort(result.begin(), result.end(),
              [](const Profile& a, const Profile& b) { return a.name < b.name; });
    return result;
}

std::optional<Profile> ProfileStore::find(const QString& name) const
{
    const QList<Profile> all = profiles();
    for (const Profile& p : all) {
        if (p.name == name)
            return p;
    }
    return std::nullopt;
}

bool ProfileStore::save(const Profile& profile, QString* error)
{
    const QString problem = validateProfile(profile);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    return write(profile.name, profile, error);
}

namespace {

// The profile's entries, replaced (or removed when `profile` is nullopt).
void putProfile(QSettings& settings, const QString& name, const std::optional<Profile>& profile)
{
    settings.beginGroup(kGroup);
    settings.remove(name);
    if (profile) {
        settings.beginGroup(name);
        settings.setValue(QStringLiteral("vendor"), vendorId(profile->vendor));
        if (!profile->baseUrl.isEmpty())
            settings.setValue(QStringLiteral("baseUrl"), profile->baseUrl.toString());
        if (!profile->orgId.isEmpty())
            settings.setValue(QStringLiteral("orgId"), profile->orgId);
        if (!profile->workspaceId.isEmpty())
            settings.setValue(QStringLiteral("workspaceId"), profile->workspaceId);
        settings.endGroup();
    }
    settings.endGroup();
}

} // namespace

// m_settings only ever reads: every change goes through changeSettingsWhole(), which replaces the
// file whole or leaves it as it was (a full disk, an I/O error), then m_settings reads it again.
bool ProfileStore::write(const QString& name, const std::optional<Profile>& profile, QString* error)
{
    prepareSync();
    const bool ok = changeSettingsWhole(
        m_settings->fileName(), [&](QSettings& s) { putProfile(s, name, profile); }, error);
    m_settings->sync();
    return ok;
}

bool ProfileStore::remove(const QString& name, QString* error)
{
    if (!find(name)) {
        if (error)
            *error = Text::tr("no profile named %1").arg(name);
        return false;
    }
    return write(name, std::nullopt, error);
}

QByteArray ProfileStore::exportJson() const
{
    QJsonArray list;
    const QList<Profile> all = profiles();
    for (const Profile& p : all)
        list.append(p.toJson());
    return QJsonDocument(QJsonObject{{QStringLiteral("profiles"), list}})
        .toJson(QJsonDocument::Indented);
}

bool ProfileStore::exportTo(const QString& path, QString* error) const
{
    return writeFileWhole(path, exportJson(), FileOwner::User, error);
}

int ProfileStore::importFrom(const QString& path, QString* error)
{
    const std::optional<QJsonDocument> doc = readJsonFile(path, kMaxExportBytes, error);
    return doc ? importDocument(*doc, error) : -1;
}

int ProfileStore::importJson(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = Text::tr("not valid JSON at offset %1: %2")
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return -1;
    }
    return importDocument(doc, error);
}

int ProfileStore::importDocument(const QJsonDocument& doc, QString* error)
{
    const QJsonValue list = doc.object().value(QStringLiteral("profiles"));
    if (!list.isArray()) {
        *error = Text::tr("expected an object with a \"profiles\" array");
        return -1;
    }
    QList<Profile> parsed;
    for (const QJsonValue& v : list.toArray()) {
        const QJsonObject o = v.toObject();
        // Keys are never imported: a file that carries one is refused so it is not mistaken as
        // stored.
        for (const QString& k :
             {QStringLiteral("key"), QStringLiteral("apiKey"), QStringLiteral("api_key")}) {
            if (o.contains(k)) {
                *error =
                    Text::tr("profile '%1' contains an API key field; keys are never imported, set "
                             "them with 'connectorctl key set'")
                        .arg(o.value(QStringLiteral("name")).toString());
                return -1;
            }
        }
        Profile p;
        if (!Profile::fromJson(o, &p, error))
            return -1;
        parsed.append(p);
    }
    for (const Profile& p : parsed) {
        if (!save(p, error))
            return -1;
    }
    return int(parsed.size());
}

} // namespace ca
