#include "DraftStore.h"

#include "AuditLog.h" // ensurePrivateDirectory
#include "Connector.h"
#include "PrivateFile.h" // ensurePrivateDirectory
#include "SafeFile.h"
#include "Secrets.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <algorithm>

Q_LOGGING_CATEGORY(lcDrafts, "ca.drafts")

namespace ca {

const QString DraftStore::kSecretStored = SecretMarker::draftStored;
const QString DraftStore::kSecretNotSaved = SecretMarker::draftNotSaved;

namespace {

constexpr qint64 kMaxDraftBytes = 16 * 1024 * 1024; // a bigger "draft" is not one of ours

// `edited` with every secret value (SecretRules::byKeyNames(secretPaths)) replaced by a marker:
// "stored" when it equals the base document's value at the same place (what the server already
// holds is refilled from the server on restore, never written: some vendors return secrets in
// clear, Databar header values), "not saved" when the admin typed it.
QJsonValue withoutTypedSecrets(const QJsonObject& edited, const QJsonObject& base,
                               const QStringList& secretPaths)
{
    const SecretRules rules = SecretRules::byKeyNames(secretPaths);
    return rules.maskedWith(
        edited,
        [&base](const QJsonValue& value, std::span<const JsonPathToken> path) -> QJsonValue {
            if (value.isString() && value.toString().isEmpty())
                return value; // nothing to hide in a cleared value
            return value == jsonValueAt(base, jsonPointerFrom(path)) ? SecretMarker::draftStored
                                                                     : SecretMarker::draftNotSaved;
        });
}

void collectMarkers(const QJsonValue& value, const QString& pointer, QStringList* out)
{
    if (value.isString() && value.toString() == DraftStore::kSecretNotSaved) {
        out->append(pointer);
    } else if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            collectMarkers(it.value(), jsonPointerAppend(pointer, it.key()), out);
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            collectMarkers(a.at(i), jsonPointerAppend(pointer, QString::number(i)), out);
    }
}

// A draft file that cannot be read at all (*corrupt false: permissions, I/O) or whose content is
// not a draft of ours (*corrupt true: truncated, garbage, too large, nested too deeply).
std::optional<ConnectorDraft> readDraftFile(const QString& path, QString* error, bool* corrupt)
{
    bool unopened = false;
    const std::optional<QJsonDocument> doc = readJsonFile(path, kMaxDraftBytes, error, &unopened);
    *corrupt = !unopened;
    if (!doc)
        return std::nullopt;
    if (!doc->isObject()) {
        if (error)
            *error = QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    auto draft = ConnectorDraft::fromJson(doc->object(), error);
    *corrupt = !draft;
    return draft;
}

// Moves an unusable draft out of the way (kept, never destroyed: it may hold the only copy of
// an edit) and adds where it went to *why.
void keepUnusableDraft(const QString& path, QString* why)
{
    QString reason;
    const QString kept = keepAside(path, QStringLiteral("unreadable"), &reason);
    const QString addition = kept.isEmpty() ? reason : QStringLiteral("kept as %1").arg(kept);
    if (why)
        *why = why->isEmpty() ? addition : *why + QStringLiteral("; ") + addition;
}

} // namespace

QStringList ConnectorDraft::unsavedSecretPointers() const
{
    QStringList out;
    collectMarkers(editedDocument, QString(), &out);
    return out;
}

QJsonObject ConnectorDraft::toJson() const
{
    return QJsonObject{
        {QStringLiteral("profile"), profile},
        {QStringLiteral("vendor"), vendorId(vendor)},
        {QStringLiteral("connectorId"), connectorId},
        {QStringLiteral("connectorName"), connectorName},
        {QStringLiteral("baseDocument"), baseDocument},
        {QStringLiteral("baseUpdatedAt"), baseUpdatedAt},
        {QStringLiteral("editedDocument"), editedDocument},
        {QStringLiteral("secretPaths"), QJsonArray::fromStringList(secretPaths)},
        {QStringLiteral("savedAt"), savedAt.toUTC().toString(Qt::ISODateWithMs)},
    };
}

std::optional<ConnectorDraft> ConnectorDraft::fromJson(const QJsonObject& o, QString* error)
{
    const auto fail = [error](const QString& why) -> std::optional<ConnectorDraft> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    ConnectorDraft d;
    const auto vendor = vendorFromId(o.value(QStringLiteral("vendor")).toString());
    if (!vendor)
        return fail(QStringLiteral("unknown \"vendor\""));
    d.vendor = *vendor;
    if (!o.value(QStringLiteral("profile")).isString() ||
        !o.value(QStringLiteral("connectorId")).isString())
        return fail(QStringLiteral("missing \"profile\" or \"connectorId\""));
    if (!o.value(QStringLiteral("baseDocument")).isObject() ||
        !o.value(QStringLiteral("editedDocument")).isObject())
        return fail(QStringLiteral("missing \"baseDocument\" or \"editedDocument\""));
    d.profile = o.value(QStringLiteral("profile")).toString();
    d.connectorId = o.value(QStringLiteral("connectorId")).toString();
    d.connectorName = o.value(QStringLiteral("connectorName")).toString();
    d.baseDocument = o.value(QStringLiteral("baseDocument")).toObject();
    d.baseUpdatedAt = o.value(QStringLiteral("baseUpdatedAt")).toString();
    d.editedDocument = o.value(QStringLiteral("editedDocument")).toObject();
    const QJsonArray secrets = o.value(QStringLiteral("secretPaths")).toArray();
    for (const QJsonValue& v : secrets)
        d.secretPaths.append(v.toString());
    d.savedAt =
        QDateTime::fromString(o.value(QStringLiteral("savedAt")).toString(), Qt::ISODateWithMs)
            .toUTC();
    return d;
}

QString DraftStore::defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/ConnectorAdmin/drafts");
}

DraftStore::DraftStore(const QString& directory) : m_directory(directory) {}

QString DraftStore::fileNameFor(const QString& profile, Vendor vendor, const QString& connectorId)
{
    // NUL separators: no two different keys give the same bytes.
    QByteArray key = profile.toUtf8();
    key.append('\0').append(vendorId(vendor).toUtf8()).append('\0').append(connectorId.toUtf8());
    const QByteArray hash = QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex();
    return QString::fromLatin1(hash.left(32)) + QStringLiteral(".json");
}

QString DraftStore::filePathFor(const QString& profile, Vendor vendor,
                                const QString& connectorId) const
{
    return m_directory + QLatin1Char('/') + fileNameFor(profile, vendor, connectorId);
}

ConnectorDraft DraftStore::sanitized(const ConnectorDraft& draft)
{
    ConnectorDraft d = draft;
    d.editedDocument =
        withoutTypedSecrets(draft.editedDocument, draft.baseDocument, draft.secretPaths).toObject();
    // The base's own secrets: compared with themselves they all become "stored" markers.
    d.baseDocument =
        withoutTypedSecrets(draft.baseDocument, draft.baseDocument, draft.secretPaths).toObject();
    return d;
}

namespace {
QJsonValue refill(const QJsonValue& value, const QString& pointer, const QJsonObject& server)
{
    if (value.isString() && value.toString() == DraftStore::kSecretStored)
        return jsonValueAt(server, pointer).isUndefined() ? QJsonValue(DraftStore::kSecretNotSaved)
                                                          : jsonValueAt(server, pointer);
    if (value.isObject()) {
        QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = refill(it.value(), jsonPointerAppend(pointer, it.key()), server);
        return o;
    }
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = refill(a.at(i), jsonPointerAppend(pointer, QString::number(i)), server);
        return a;
    }
    return value;
}
} // namespace

ConnectorDraft ConnectorDraft::withStoredSecretsFrom(const QJsonObject& serverEditable) const
{
    ConnectorDraft d = *this;
    d.baseDocument = refill(baseDocument, QString(), serverEditable).toObject();
    d.editedDocument = refill(editedDocument, QString(), serverEditable).toObject();
    return d;
}

bool DraftStore::save(const ConnectorDraft& draft, QString* error)
{
    if (!ensurePrivateDirectory(m_directory, error))
        return false;
    ConnectorDraft d = sanitized(draft);
    d.savedAt = QDateTime::currentDateTimeUtc();
    const QString path = filePathFor(d.profile, d.vendor, d.connectorId);
    QString notice;
    if (!writeFileWhole(path, QJsonDocument(d.toJson()).toJson(QJsonDocument::Indented),
                        FileOwner::App, error, &notice))
        return false;
    if (!notice.isEmpty())
        qCWarning(lcDrafts).noquote() << notice;
    return true;
}

bool DraftStore::remove(const QString& profile, Vendor vendor, const QString& connectorId)
{
    return QFile::remove(filePathFor(profile, vendor, connectorId));
}

std::optional<ConnectorDraft> DraftStore::load(const QString& profile, Vendor vendor,
                                               const QString& connectorId, QString* error) const
{
    const QString path = filePathFor(profile, vendor, connectorId);
    if (!QFile::exists(path)) {
        if (error)
            error->clear();
        return std::nullopt;
    }
    bool corrupt = false;
    auto draft = readDraftFile(path, error, &corrupt);
    if (draft && (draft->profile != profile || draft->vendor != vendor ||
                  draft->connectorId != connectorId)) {
        if (error)
            *error = QStringLiteral("%1 holds the draft of another connector").arg(path);
        return std::nullopt;
    }
    if (!draft && corrupt)
        keepUnusableDraft(path, error);
    return draft;
}

QList<ConnectorDraft> DraftStore::all(QStringList* unreadable) const
{
    QList<ConnectorDraft> out;
    const QDir dir(m_directory);
    const QStringList names =
        dir.entryList({QStringLiteral("*.json")}, QDir::Files | QDir::Hidden, QDir::Name);
    for (const QString& name : names) {
        const QString path = dir.filePath(name);
        QString why;
        bool corrupt = false;
        auto draft = readDraftFile(path, &why, &corrupt);
        if (draft && name != fileNameFor(draft->profile, draft->vendor, draft->connectorId)) {
            draft.reset();
            why = QStringLiteral("file name does not match its connector");
            corrupt = true;
        }
        if (!draft) {
            if (corrupt)
                keepUnusableDraft(path, &why);
            qCWarning(lcDrafts, "skipping unreadable draft %s: %s", qPrintable(path),
                      qPrintable(why));
            if (unreadable)
                unreadable->append(path + QStringLiteral(": ") + why);
            continue;
        }
        out.append(*draft);
    }
    std::stable_sort(out.begin(), out.end(), [](const ConnectorDraft& a, const ConnectorDraft& b) {
        return a.savedAt > b.savedAt;
    });
    return out;
}

void DraftStore::clear()
{
    QDir dir(m_directory);
    // "*.json.*": temporary files of a save that was killed before its commit.
    const QStringList names = dir.entryList({QStringLiteral("*.json"), QStringLiteral("*.json.*")},
                                            QDir::Files | QDir::Hidden);
    for (const QString& name : names) {
        if (!name.contains(QLatin1String(".unreadable-"))) // kept for the user, not ours to drop
            dir.remove(name);
    }
}

DraftAutosaver::DraftAutosaver(DraftStore* store, int delayMs, QObject* parent)
    : QObject(parent), m_store(store)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(delayMs);
    connect(&m_timer, &QTimer::timeout, this, &DraftAutosaver::flush);
}

DraftAutosaver::~DraftAutosaver()
{
    flush();
}

void DraftAutosaver::scheduleSave(const ConnectorDraft& draft)
{
    m_pending.insert(DraftStore::fileNameFor(draft.profile, draft.vendor, draft.connectorId),
                     draft);
    if (!m_timer.isActive())
        m_timer.start();
}

bool DraftAutosaver::flush()
{
    m_timer.stop();
    const QHash<QString, ConnectorDraft> pending = std::exchange(m_pending, {});
    bool ok = true;
    for (const ConnectorDraft& draft : pending) {
        QString error;
        if (m_store->save(draft, &error)) {
            ++m_writeCount;
            emit saved(draft.profile, draft.vendor, draft.connectorId);
        } else {
            ok = false;
            qCWarning(lcDrafts, "autosave failed: %s", qPrintable(error));
            emit saveFailed(error);
        }
    }
    return ok;
}

void DraftAutosaver::discard(const QString& profile, Vendor vendor, const QString& connectorId)
{
    m_pending.remove(DraftStore::fileNameFor(profile, vendor, connectorId));
    if (m_pending.isEmpty())
        m_timer.stop();
    m_store->remove(profile, vendor, connectorId);
}

} // namespace ca
