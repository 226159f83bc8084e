#include "RolloutStore.h"

#include "PrivateFile.h"
#include "SafeFile.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QUuid>

namespace ca {

namespace {

constexpr qint64 kMaxRolloutBytes = 64 * 1024 * 1024; // 100,000 connectors fit easily
constexpr qint64 kMaxRequestBytes = 64 * 1024;

QString tr(const char* text)
{
    return QCoreApplication::translate("ca::RolloutStore", text);
}

// A directory name for any profile name: readable stem plus a hash, so that two names that differ
// only in characters a file name cannot hold never share one.
QString profileKey(const QString& profile)
{
    QString stem;
    for (const QChar c : profile) {
        stem += (c.isLetterOrNumber() && c.unicode() < 128) || c == QLatin1Char('-') ||
                        c == QLatin1Char('_')
                    ? c
                    : QLatin1Char('_');
    }
    const QByteArray hash =
        QCryptographicHash::hash(profile.toUtf8(), QCryptographicHash::Sha256).toHex().left(12);
    return stem.left(40) + QLatin1Char('-') + QString::fromLatin1(hash);
}

} // namespace

RolloutStore::RolloutStore(const QString& dataDirectory, const QString& profile)
    : m_dir(dataDirectory + QStringLiteral("/rollouts/") + profileKey(profile)), m_profile(profile)
{}

QString RolloutStore::filePath(const QString& id) const
{
    return m_dir + QLatin1Char('/') + id + QStringLiteral(".json");
}

QStringList RolloutStore::ids() const
{
    QStringList out;
    const QStringList files =
        QDir(m_dir).entryList({QStringLiteral("r*.json")}, QDir::Files, QDir::Name);
    for (const QString& f : files)
        out << f.chopped(5);
    return out;
}

std::optional<Rollout> RolloutStore::load(const QString& id, QString* error) const
{
    QString why;
    const auto doc = readJsonFile(filePath(id), kMaxRolloutBytes, &why);
    if (!doc || !doc->isObject()) {
        if (error)
            *error = doc ? tr("%1: not a JSON object").arg(filePath(id)) : why;
        return std::nullopt;
    }
    auto r = Rollout::fromJson(doc->object(), &why);
    if (!r && error)
        *error = tr("%1: %2").arg(filePath(id), why);
    return r;
}

std::optional<Rollout> RolloutStore::active(QString* error) const
{
    const QStringList all = ids();
    for (auto it = all.crbegin(); it != all.crend(); ++it) {
        QString why;
        auto r = load(*it, &why);
        if (!r) {
            if (error)
                *error = why;
            continue;
        }
        if (r->isActive())
            return r;
    }
    return std::nullopt;
}

std::optional<Rollout> RolloutStore::latest(QString* error) const
{
    const QStringList all = ids();
    return all.isEmpty() ? std::nullopt : load(all.last(), error);
}

bool RolloutStore::save(const Rollout& rollout, QString* error) const
{
    if (!ensurePrivateDirectory(m_dir, error))
        return false;
    return writeFileWhole(filePath(rollout.id), QJsonDocument(rollout.toJson()).toJson(),
                          FileOwner::App, error);
}

bool RolloutStore::addRequest(const Request& request, QString* error) const
{
    if (!ensurePrivateDirectory(requestDirectory(), error))
        return false;
    const QJsonObject o{{QStringLiteral("action"), request.action},
                        {QStringLiteral("rolloutId"), request.rolloutId},
                        {QStringLiteral("by"), request.by},
                        {QStringLiteral("time"), request.time.toUTC().toString(Qt::ISODateWithMs)}};
    // Sortable by time: the driver applies requests in the order they were made.
    const QString name =
        request.time.toUTC().toString(QStringLiteral("yyyyMMddTHHmmsszzz")) + QLatin1Char('-') +
        (request.id.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : request.id);
    return writeFileWhole(requestDirectory() + QLatin1Char('/') + name + QStringLiteral(".json"),
                          QJsonDocument(o).toJson(QJsonDocument::Compact), FileOwner::App, error);
}

QList<RolloutStore::Request> RolloutStore::takeRequests() const
{
    QList<Request> out;
    const QDir dir(requestDirectory());
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString& f : files) {
        const QString path = dir.filePath(f);
        QString why;
        const auto doc = readJsonFile(path, kMaxRequestBytes, &why);
        QFile::remove(path);
        if (!doc || !doc->isObject())
            continue; // a torn or foreign file: not a request
        const QJsonObject o = doc->object();
        Request r;
        r.id = f.chopped(5);
        r.action = o.value(QStringLiteral("action")).toString();
        r.rolloutId = o.value(QStringLiteral("rolloutId")).toString();
        r.by = o.value(QStringLiteral("by")).toString();
        r.time =
            QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
        out << r;
    }
    return out;
}

} // namespace ca
