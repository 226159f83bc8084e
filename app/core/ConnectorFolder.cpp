#include "ConnectorFolder.h"

#include "JsonPointer.h"
#include "Profile.h"
#include "SafeFile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QtEndian>

#include <algorithm>
#include <tuple>

namespace ca {

namespace {

// Connector documents are a few KB: a bigger file is a wrong file, refused before parsing.
constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;
constexpr int kBaseFormat = 1;
constexpr qsizetype kSaltBytes = 32;

const QString kBaseDirectory = QStringLiteral(".base");
const QString kSaltFile = QStringLiteral(".connectorctl-salt");
const QString kSuffix = QStringLiteral(".json");
const QString kEnv = QStringLiteral("$env");
const QString kFingerprintPrefix = QStringLiteral("sha256:");

// A scalar (or a key) exactly as QJsonDocument writes it: the one escaper and number format.
void appendScalar(QByteArray* out, const QJsonValue& value)
{
    const QByteArray inArray = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    out->append(inArray.constData() + 1, inArray.size() - 2); // without '[' and ']'
}

void appendValue(QByteArray* out, const QJsonValue& value, int depth)
{
    const QByteArray indent(2 * (depth + 1), ' ');
    const QByteArray closingIndent(2 * depth, ' ');
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        if (o.isEmpty()) {
            out->append("{}");
            return;
        }
        QStringList keys = o.keys();
        // QJsonObject keeps its keys sorted too, but the file format must not rely on that.
        std::sort(keys.begin(), keys.end());
        out->append("{\n");
        for (qsizetype i = 0; i < keys.size(); ++i) {
            out->append(indent);
            appendScalar(out, keys.at(i));
            out->append(": ");
            appendValue(out, o.value(keys.at(i)), depth + 1);
            out->append(i + 1 < keys.size() ? ",\n" : "\n");
        }
        out->append(closingIndent).append('}');
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        if (a.isEmpty()) {
            out->append("[]");
            return;
        }
        out->append("[\n");
        for (qsizetype i = 0; i < a.size(); ++i) {
            out->append(indent);
            appendValue(out, a.at(i), depth + 1);
            out->append(i + 1 < a.size() ? ",\n" : "\n");
        }
        out->append(closingIndent).append(']');
    } else {
        appendScalar(out, value.isUndefined() ? QJsonValue() : value);
    }
}

bool isPlainIdCharacter(uchar c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

int hexDigit(QChar c)
{
    if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
        return c.unicode() - '0';
    if (c >= QLatin1Char('A') && c <= QLatin1Char('F'))
        return c.unicode() - 'A' + 10;
    return -1; // lower-case hex is not an encoding of ours
}

// The file's JSON object, or nullopt with *error.
std::optional<QJsonObject> readObject(const QString& path, QString* error)
{
    const std::optional<QJsonDocument> doc = readJsonFile(path, kMaxFileBytes, error);
    if (!doc)
        return std::nullopt;
    if (!doc->isObject()) {
        *error = QStringLiteral("%1 must hold one JSON object").arg(path);
        return std::nullopt;
    }
    return doc->object();
}

std::optional<FolderBase> readBase(const QString& path, QString* error)
{
    const std::optional<QJsonObject> o = readObject(path, error);
    if (!o)
        return std::nullopt;
    QString why;
    std::optional<FolderBase> base = FolderBase::fromJson(*o, &why);
    if (!base)
        *error = QStringLiteral("%1 is not a base written by connectorctl: %2").arg(path, why);
    return base;
}

void resolveWalk(QJsonValue* value, const QString& pointer,
                 const std::function<std::optional<QString>(const QString&)>& lookup,
                 QStringList* replaced, QStringList* missing)
{
    if (value->isObject()) {
        QJsonObject o = value->toObject();
        if (o.size() == 1 && o.contains(kEnv)) {
            static const QRegularExpression variable(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
            const QJsonValue name = o.value(kEnv);
            if (!name.isString() || !variable.match(name.toString()).hasMatch()) {
                const QString shown = name.isString()
                                          ? name.toString()
                                          : QString::fromUtf8(jsonFileText(name).trimmed());
                if (missing)
                    *missing
                        << QStringLiteral("%1 (at %2): not a variable name").arg(shown, pointer);
                return;
            }
            const std::optional<QString> found = lookup(name.toString());
            if (!found) {
                if (missing)
                    *missing << QStringLiteral("%1 (at %2)").arg(name.toString(), pointer);
                return;
            }
            *value = *found;
            *replaced << pointer;
            return;
        }
        for (auto it = o.begin(); it != o.end(); ++it) {
            QJsonValue member = it.value();
            resolveWalk(&member, jsonPointerAppend(pointer, it.key()), lookup, replaced, missing);
            if (member != it.value())
                it.value() = member;
        }
        *value = o;
    } else if (value->isArray()) {
        QJsonArray a = value->toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            QJsonValue item = a.at(i);
            resolveWalk(&item, jsonPointerAppend(pointer, QString::number(i)), lookup, replaced,
                        missing);
            if (item != a.at(i))
                a.replace(i, item);
        }
        *value = a;
    }
}

} // namespace

QByteArray jsonFileText(const QJsonValue& value)
{
    QByteArray out;
    appendValue(&out, value, 0);
    out.append('\n');
    return out;
}

QJsonObject FolderBase::toJson() const
{
    QJsonObject fingerprints;
    for (auto it = secretFingerprints.cbegin(); it != secretFingerprints.cend(); ++it)
        fingerprints.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("format"), kBaseFormat},
                       {QStringLiteral("document"), document},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("updatedAt"), updatedAt},
                       {QStringLiteral("secretFingerprints"), fingerprints}};
}

std::optional<FolderBase> FolderBase::fromJson(const QJsonObject& o, QString* error)
{
    auto fail = [error](const QString& why) -> std::optional<FolderBase> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    const QJsonValue format = o.value(QLatin1String("format"));
    if (format.isUndefined())
        return fail(QStringLiteral("it has no \"format\""));
    if (format.toInt(-1) != kBaseFormat)
        return fail(QStringLiteral("its format %1 is not %2 (written by another version?)")
                        .arg(QString::fromUtf8(jsonFileText(format).trimmed()))
                        .arg(kBaseFormat));
    FolderBase base;
    const QJsonValue document = o.value(QLatin1String("document"));
    if (!document.isObject())
        return fail(QStringLiteral("\"document\" is not an object"));
    base.document = document.toObject();
    for (auto [key, field] : {std::pair{"name", &base.name}, std::pair{"type", &base.type},
                              std::pair{"updatedAt", &base.updatedAt}}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isString())
            return fail(QStringLiteral("\"%1\" is not a string").arg(QLatin1String(key)));
        *field = v.toString();
    }
    const QJsonValue fingerprints = o.value(QLatin1String("secretFingerprints"));
    if (!fingerprints.isUndefined() && !fingerprints.isObject())
        return fail(QStringLiteral("\"secretFingerprints\" is not an object"));
    static const QRegularExpression fingerprint(QStringLiteral("^sha256:[0-9a-f]{64}$"));
    const QJsonObject f = fingerprints.toObject();
    for (auto it = f.begin(); it != f.end(); ++it) {
        if (!it.key().startsWith(QLatin1Char('/')))
            return fail(QStringLiteral("secret fingerprint key \"%1\" is not a JSON pointer")
                            .arg(it.key()));
        if (!fingerprint.match(it.value().toString()).hasMatch())
            return fail(QStringLiteral("the secret fingerprint at %1 is not sha256:<64 hex digits>")
                            .arg(it.key()));
        base.secretFingerprints.insert(it.key(), it.value().toString());
    }
    return base;
}

ConnectorFolder::ConnectorFolder(QString directory) : m_directory(std::move(directory)) {}

QString ConnectorFolder::fileNameForId(const QString& id)
{
    QString name;
    const QByteArray utf8 = id.toUtf8();
    name.reserve(utf8.size() + kSuffix.size());
    for (const char c : utf8) {
        const auto u = uchar(c);
        // '.' is always encoded, so no name starts with one (hidden) or is "." or "..".
        if (isPlainIdCharacter(u))
            name += QLatin1Char(c);
        else
            name += QStringLiteral("%%1").arg(uint(u), 2, 16, QLatin1Char('0')).toUpper();
    }
    return name + kSuffix;
}

std::optional<QString> ConnectorFolder::idFromFileName(const QString& fileName)
{
    if (!fileName.endsWith(kSuffix) || fileName.size() == kSuffix.size())
        return std::nullopt;
    const QString stem = fileName.left(fileName.size() - kSuffix.size());
    QByteArray utf8;
    for (qsizetype i = 0; i < stem.size(); ++i) {
        const QChar c = stem.at(i);
        if (c == QLatin1Char('%')) {
            if (i + 2 >= stem.size())
                return std::nullopt;
            const int high = hexDigit(stem.at(i + 1));
            const int low = hexDigit(stem.at(i + 2));
            if (high < 0 || low < 0)
                return std::nullopt;
            utf8 += char(high * 16 + low);
            i += 2;
        } else if (c.unicode() < 0x80 && isPlainIdCharacter(uchar(c.unicode()))) {
            utf8 += char(c.unicode());
        } else {
            return std::nullopt;
        }
    }
    QStringDecoder decoder(QStringDecoder::Utf8, QStringConverter::Flag::Stateless);
    const QString id = decoder(utf8);
    // One encoding per id: "%41" (an encoded 'A') or an overlong sequence is not a name of ours.
    if (decoder.hasError() || fileNameForId(id) != fileName)
        return std::nullopt;
    return id;
}

QString ConnectorFolder::documentPath(const QString& profile, const QString& id) const
{
    return QDir(m_directory).filePath(profile + QLatin1Char('/') + fileNameForId(id));
}

QString ConnectorFolder::basePath(const QString& profile, const QString& id) const
{
    return QDir(m_directory)
        .filePath(profile + QLatin1Char('/') + kBaseDirectory + QLatin1Char('/') +
                  fileNameForId(id));
}

QString ConnectorFolder::profileRefusal(const QString& profile)
{
    if (!isValidProfileName(profile) || profile.startsWith(QLatin1Char('.')))
        return QStringLiteral("'%1' cannot be a profile directory (letters, digits, '.', '-', '_', "
                              "not starting with '.')")
            .arg(profile);
    return {};
}

QString ConnectorFolder::refusal(const QString& profile, const QString& id)
{
    if (QString why = profileRefusal(profile); !why.isEmpty())
        return why;
    if (id.isEmpty())
        return QStringLiteral("an empty connector id has no file");
    if (idFromFileName(fileNameForId(id)) != id)
        return QStringLiteral("connector id '%1' is not valid Unicode text").arg(id);
    return {};
}

bool ConnectorFolder::writeIfChanged(const QString& path, const QByteArray& bytes, bool* written,
                                     QString* error)
{
    *written = false;
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly) && existing.size() == bytes.size() &&
        existing.read(bytes.size() + 1) == bytes)
        return true;
    existing.close();
    const QString parent = QFileInfo(path).path();
    if (!QDir().mkpath(parent)) {
        if (error)
            *error = QStringLiteral("cannot create the directory %1").arg(parent);
        return false;
    }
    if (!writeFileWhole(path, bytes, FileOwner::User, error))
        return false;
    *written = true;
    return true;
}

bool ConnectorFolder::write(const QString& profile, const QString& id, const QJsonObject& document,
                            const FolderBase& base, QString* error, bool* rewritten)
{
    if (rewritten)
        *rewritten = false;
    if (const QString why = refusal(profile, id); !why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    bool documentWritten = false;
    bool baseWritten = false;
    const bool ok =
        writeIfChanged(documentPath(profile, id), jsonFileText(document), &documentWritten,
                       error) &&
        writeIfChanged(basePath(profile, id), jsonFileText(base.toJson()), &baseWritten, error);
    if (rewritten)
        *rewritten = documentWritten || baseWritten;
    return ok;
}

bool ConnectorFolder::writeBase(const QString& profile, const QString& id, const FolderBase& base,
                                QString* error)
{
    if (const QString why = refusal(profile, id); !why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    bool written = false;
    return writeIfChanged(basePath(profile, id), jsonFileText(base.toJson()), &written, error);
}

bool ConnectorFolder::writeDocument(const QString& profile, const QString& id,
                                    const QJsonObject& document, QString* error)
{
    if (const QString why = refusal(profile, id); !why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    bool written = false;
    return writeIfChanged(documentPath(profile, id), jsonFileText(document), &written, error);
}

bool ConnectorFolder::isEdited(const QString& profile, const QString& id) const
{
    if (!refusal(profile, id).isEmpty())
        return false;
    const QString document = documentPath(profile, id);
    const QString base = basePath(profile, id);
    if (!QFileInfo::exists(document) || !QFileInfo::exists(base))
        return false;
    QString ignored;
    const std::optional<QJsonObject> desired = readObject(document, &ignored);
    const std::optional<FolderBase> exported = readBase(base, &ignored);
    return !desired || !exported || *desired != exported->document;
}

bool ConnectorFolder::remove(const QString& profile, const QString& id, QString* error)
{
    if (const QString why = refusal(profile, id); !why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    // The document first: a base left alone is harmless, a document without its base would read
    // as a connector added by hand.
    for (const QString& path : {documentPath(profile, id), basePath(profile, id)}) {
        QFile file(path);
        if (!file.remove() && (file.exists() || QFileInfo(path).isSymLink())) {
            if (error)
                *error = QStringLiteral("cannot remove %1: %2").arg(path, file.errorString());
            return false;
        }
    }
    return true;
}

QStringList ConnectorFolder::profiles() const
{
    QStringList names = QDir(m_directory).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    names.removeIf([](const QString& n) { return !profileRefusal(n).isEmpty(); });
    std::sort(names.begin(), names.end());
    return names;
}

QList<FolderEntry> ConnectorFolder::read(const QStringList& profiles) const
{
    QStringList names = profiles.isEmpty() ? this->profiles() : profiles;
    names.removeIf([](const QString& n) { return !profileRefusal(n).isEmpty(); });
    std::sort(names.begin(), names.end());
    names.removeDuplicates();
    QList<FolderEntry> entries;
    for (const QString& profile : std::as_const(names)) {
        // Without QDir::Hidden: dot files (the salt, an editor's swap file) and .base stay out.
        const QDir dir(QDir(m_directory).filePath(profile));
        const QFileInfoList files =
            dir.entryInfoList({QStringLiteral("*") + kSuffix}, QDir::Files, QDir::Name);
        for (const QFileInfo& file : files) {
            FolderEntry entry;
            entry.profile = profile;
            entry.path = file.filePath();
            const std::optional<QString> id = idFromFileName(file.fileName());
            if (!id) {
                entry.error = QStringLiteral("%1: the file name is not a connector id as "
                                             "connectorctl writes it (characters other than "
                                             "A-Z, a-z, 0-9, '_' and '-' as %XX, e.g. %2E for '.')")
                                  .arg(entry.path);
                entries.append(entry);
                continue;
            }
            entry.id = *id;
            if (const std::optional<QJsonObject> desired = readObject(entry.path, &entry.error))
                entry.desired = *desired;
            const QString base = basePath(profile, entry.id);
            if (QFileInfo::exists(base) || QFileInfo(base).isSymLink()) {
                QString error;
                entry.base = readBase(base, &error);
                if (!entry.base && entry.error.isEmpty())
                    entry.error = error;
            }
            entries.append(entry);
        }
    }
    std::sort(entries.begin(), entries.end(), [](const FolderEntry& a, const FolderEntry& b) {
        return std::tie(a.profile, a.id, a.path) < std::tie(b.profile, b.id, b.path);
    });
    return entries;
}

QByteArray ConnectorFolder::salt(QString* error) const
{
    if (!m_salt.isEmpty())
        return m_salt;
    const QString path = QDir(m_directory).filePath(kSaltFile);
    auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return QByteArray();
    };
    if (!QFileInfo::exists(path)) {
        if (!QDir().mkpath(m_directory))
            return fail(QStringLiteral("cannot create the directory %1").arg(m_directory));
        QByteArray bytes(kSaltBytes, '\0');
        QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
        // FileOwner::App: 0600 before the first byte, and a planted link is not followed.
        QString why;
        if (!writeFileWhole(path, bytes.toHex() + '\n', FileOwner::App, &why))
            return fail(why);
    }
    // Read back even after creating it: a connectorctl creating it at the same moment may have
    // renamed its own over ours, and both must then use the one on disk.
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray hex = file.read(4 * kSaltBytes).trimmed();
    static const QRegularExpression shape(QStringLiteral("^[0-9a-f]{64}$"));
    if (!shape.match(QString::fromLatin1(hex)).hasMatch())
        return fail(QStringLiteral("%1 is damaged (not 64 hex digits): remove it, and secrets "
                                   "sent from files before count as new values once")
                        .arg(path));
    m_salt = QByteArray::fromHex(hex);
    return m_salt;
}

QString ConnectorFolder::secretFingerprint(const QString& profile, const QString& id,
                                           const QString& pointer, const QString& value,
                                           QString* error) const
{
    const QByteArray key = salt(error);
    if (key.isEmpty())
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    // Length-prefixed, so no two different inputs run together into the same bytes.
    for (const QByteArray& part :
         {key, profile.toUtf8(), id.toUtf8(), pointer.toUtf8(), value.toUtf8()}) {
        const quint64 size = qToBigEndian(quint64(part.size()));
        hash.addData(QByteArrayView(reinterpret_cast<const char*>(&size), sizeof size));
        hash.addData(part);
    }
    return kFingerprintPrefix + QString::fromLatin1(hash.result().toHex());
}

QStringList resolveEnvSecrets(QJsonObject* document,
                              const std::function<std::optional<QString>(const QString&)>& lookup,
                              QStringList* missing)
{
    QStringList replaced;
    for (auto it = document->begin(); it != document->end(); ++it) {
        QJsonValue member = it.value();
        resolveWalk(&member, jsonPointerAppend(QString(), it.key()), lookup, &replaced, missing);
        if (member != it.value())
            it.value() = member;
    }
    return replaced;
}

bool isEnvSecret(const QJsonValue& value)
{
    const QJsonObject o = value.toObject();
    return value.isObject() && o.size() == 1 && o.value(kEnv).isString();
}

} // namespace ca
