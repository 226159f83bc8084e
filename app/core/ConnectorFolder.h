#pragma once

// Connectors kept as files in a folder (change sets): the folder's layout, its JSON file text, what
// it remembers of each connector as exported (the base of the next plan), secrets taken from the
// environment and their fingerprints. Widget-free and network-free: `connectorctl export`, plan
// and apply only present it.

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace ca {

// JSON text for files people keep in git: object keys sorted, two-space indent, "key": value with
// one space, arrays/objects that are empty as [] / {}, one item per line otherwise, strings escaped
// as QJsonDocument escapes them, numbers as QJsonDocument writes them, and a final newline. The
// same value always gives the same bytes.
QByteArray jsonFileText(const QJsonValue& value);

// What the folder remembers of a connector as it was exported or last applied: the base of the next
// plan (DIR/<profile>/.base/<file>.json).
struct FolderBase
{
    QJsonObject document; // the editable document as exported, secrets as SecretMarker::placeholder
    QString name;         // display name and type, for messages
    QString type;
    QString updatedAt; // the vendor's stamp at export (may be empty)
    // JSON pointer -> fingerprint of the secret value last sent from a file ({"$env": NAME}) or by
    // `set --secret-stdin`, so a plan can tell "the same value again" from "a new value" without
    // the value on disk.
    QMap<QString, QString> secretFingerprints;

    QJsonObject toJson() const;
    // nullopt with *error (in words) for anything toJson() does not write: another format
    // version, a document that is no object, a fingerprint that is not "sha256:<hex>".
    static std::optional<FolderBase> fromJson(const QJsonObject& o, QString* error);
};

// One connector file read back.
struct FolderEntry
{
    QString profile;
    QString id;
    QString path;                   // the file's path, for messages
    QJsonObject desired;            // the file's document as written by the user
    std::optional<FolderBase> base; // nullopt: no base (a file the user added by hand)
    QString error; // non-empty: this file cannot be used (unreadable, not JSON, not an object, over
                   // 4 MB, base file corrupt) and why, in words
};

// DIR/<profile>/<file>.json and DIR/<profile>/.base/<file>.json. A profile whose name starts with
// '.' (valid as a profile name: "..", ".base") has no directory here: writing it is refused.
// One instance serves one thread (it keeps the folder's salt once read).
class ConnectorFolder
{
public:
    explicit ConnectorFolder(QString directory);
    const QString& directory() const { return m_directory; }

    // The file name of a connector id: the id with every character outside [A-Za-z0-9_-] and a
    // leading '.' percent-encoded (UTF-8, upper-case hex), plus ".json"; idFromFileName is its
    // inverse (nullopt for a name that is not such an encoding, e.g. lower-case hex or "%41").
    static QString fileNameForId(const QString& id);
    static std::optional<QString> idFromFileName(const QString& fileName);
    QString documentPath(const QString& profile, const QString& id) const;
    QString basePath(const QString& profile, const QString& id) const;

    // Writes the document and its base, each whole or not at all, and only when the bytes differ
    // from what is on disk (an unchanged connector is not rewritten: same bytes, same mtime).
    // Creates directories. The document goes first: a stop between the two leaves a document that
    // differs from its base (kept as an edit), never a new base under an old document (which a
    // plan would read as an edit back to the old values). *rewritten: whether either file was
    // written.
    bool write(const QString& profile, const QString& id, const QJsonObject& document,
               const FolderBase& base, QString* error, bool* rewritten = nullptr);
    bool writeBase(const QString& profile, const QString& id, const FolderBase& base,
                   QString* error);
    bool writeDocument(const QString& profile, const QString& id, const QJsonObject& document,
                       QString* error);
    // Whether the document file differs from its base document (edited in the folder). False when
    // either is missing; true when both are there but either cannot be read (nothing may replace
    // what cannot be compared).
    bool isEdited(const QString& profile, const QString& id) const;
    // Removes a connector's document and then its base (the connector is gone from the server).
    // Files already missing are no error.
    bool remove(const QString& profile, const QString& id, QString* error);
    // Profile directories present (names that are valid profile names, sorted).
    QStringList profiles() const;
    // Every *.json document under the given profiles (all when empty; names that are not valid or
    // have no directory give nothing), sorted by profile then id. Files whose name is not a
    // fileNameForId() encoding are reported as entries with an error (and an empty id).
    QList<FolderEntry> read(const QStringList& profiles = {}) const;

    // "sha256:<hex>" of a secret value as sent to (profile, id, pointer): SHA-256 over the
    // folder's salt, the profile, id, pointer and value, each length-prefixed. The salt is 32
    // random bytes kept in DIR/.connectorctl-salt (created on first use, mode 0600, hex). Empty
    // with *error when the salt cannot be read or created.
    QString secretFingerprint(const QString& profile, const QString& id, const QString& pointer,
                              const QString& value, QString* error = nullptr) const;

    // Empty when `profile` may have a directory here (a valid profile name not starting with
    // '.'), else why not, in words.
    static QString profileRefusal(const QString& profile);

private:
    // Empty when (profile, id) has files here, else why not.
    static QString refusal(const QString& profile, const QString& id);
    static bool writeIfChanged(const QString& path, const QByteArray& bytes, bool* written,
                               QString* error);
    QByteArray salt(QString* error) const;

    QString m_directory;
    mutable QByteArray m_salt; // read or created on the first fingerprint
};

// Secrets taken from the environment: every object of exactly the form {"$env": "NAME"} anywhere
// in *document is replaced by the variable's value (as a JSON string), looked up through `lookup`
// (tests pass a map; production passes qEnvironmentVariable-based lookup). Returns the JSON
// pointers replaced, in document order. A variable that is not set (nullopt) is left in place and
// "NAME (at /pointer)" appended to *missing. A name that is not [A-Za-z_][A-Za-z0-9_]* (or not a
// string) is missing too: "NAME (at /pointer): not a variable name".
QStringList resolveEnvSecrets(QJsonObject* document,
                              const std::function<std::optional<QString>(const QString&)>& lookup,
                              QStringList* missing);
// True when `value` is {"$env": NAME} (one member, a string).
bool isEnvSecret(const QJsonValue& value);

} // namespace ca
