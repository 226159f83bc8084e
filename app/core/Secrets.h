#pragma once

#include "JsonPointer.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <span>

namespace ca {

// The one owner of "which values are secret and how they are hidden". Every masking in the app
// (diffs, the review, audit records, drafts, error bodies, printed documents) goes through
// SecretRules; the vendors' services supply the rules (ConnectorService::secretRules()), nothing
// else declares a secret. Widget-free and network-free.

// What stands in for a secret. Each is spelled here and nowhere else.
namespace SecretMarker {
// In audit records and in error bodies kept for the details pane.
inline const QString redacted = QStringLiteral("<redacted>");
// In documents shown to the admin and read back from them (`connectorctl get --json`): "keep the
// value stored at this place".
inline const QString placeholder = QStringLiteral("<secret>");
// In drafts: a secret as the server holds it (refilled from the server on restore), and one the
// admin typed (never written: it must be entered again).
inline const QString draftStored = QStringLiteral("<secret-stored>");
inline const QString draftNotSaved = QStringLiteral("<secret-not-saved>");
// What a vendor sends back instead of a stored secret (Multiwoven's masked_configuration), and
// what a secret field shows for a stored value.
inline const QString vendorMask = QStringLiteral("*************");
// The start of a fingerprint in diffs: "<secret:1a2b3c4d>" (see SecretRules::fingerprint()).
inline const QString fingerprintPrefix = QStringLiteral("<secret:");
} // namespace SecretMarker

class SecretRules
{
public:
    enum class Mask
    {
        Fingerprint, // the value becomes its fingerprint (diffs: equal values, equal markers)
        Placeholder, // strings and numbers become SecretMarker::placeholder, structure kept
        Redacted     // the value becomes SecretMarker::redacted (null and flags stay)
    };

    // Nothing is secret (a plain structural diff).
    SecretRules() = default;
    // The key-name rule (isSecretKeyName(), and the "value" of a name/value pair whose name is
    // secret) plus `paths`. Vendor rules, audit records and error bodies start from this.
    static SecretRules byKeyNames(const QStringList& paths = {});

    // Pointers whose values (and everything below them) are secret: "/configuration/password",
    // "/headers/*/value", "/data/**".
    void addPaths(const QStringList& patterns);
    // Strings known to be secret (the values at the concrete paths of a document): masked
    // wherever they show up, whatever the shape around them.
    void addValues(const QStringList& values);
    void add(const SecretRules& other);

    bool usesKeyNames() const { return m_keyNames; }
    QStringList paths() const; // as added, without duplicates
    bool isEmpty() const { return m_patterns.isEmpty() && !m_keyNames && m_values.isEmpty(); }

    // Whether the value at `path` is secret: at or below a secret path, or (with the key-name
    // rule) below a key named like a secret. A name/value pair needs its object: see masked().
    bool isSecret(std::span<const JsonPathToken> path) const;
    bool isSecretPointer(const QString& pointer) const;
    // Whether member `key` of `object` is secret by the key-name rule: a secret-looking key, or
    // the "value" of {"name": "Authorization", "value": …} (also "key" or "header" as the name).
    bool isSecretMember(const QJsonObject& object, const QString& key) const;

    // `value`, found at `at`, with every secret at or below it hidden as `mask` says.
    // `replaced` (optional) tells whether anything was hidden.
    QJsonValue masked(const QJsonValue& value, Mask mask, std::span<const JsonPathToken> at = {},
                      bool* replaced = nullptr) const;
    QJsonValue masked(const QJsonValue& value, Mask mask, const QString& pointer,
                      bool* replaced = nullptr) const;
    // The same walk with a caller's replacement (drafts keep what the server holds apart from
    // what was typed): called with each secret value (never null) and its path.
    using Hide =
        std::function<QJsonValue(const QJsonValue& value, std::span<const JsonPathToken> path)>;
    QJsonValue maskedWith(const QJsonValue& value, const Hide& hide,
                          std::span<const JsonPathToken> at = {}, bool* replaced = nullptr) const;
    // A finished text (a diff line, an error body) with the known secret values replaced by
    // `marker`. Values shorter than 4 characters are left alone (they would hit ordinary text).
    QString maskedText(QString text, const QString& marker) const;
    QByteArray maskedBytes(QByteArray bytes, const QString& marker) const;
    // Whether a known secret value (of 4 or more characters) shows in a string or a key anywhere
    // in `value`: when not, maskedBytes() of its text changes nothing, and need not be run.
    bool showsValueIn(const QJsonValue& value) const;

    // Every non-empty string at a concrete (wildcard-free) secret path of `document`.
    QStringList valuesAt(const QJsonObject& document) const;

    // Key names that hold secrets whatever the vendor: password, secret, token, api_key, apikey,
    // private_key, authorization, x-api-key, key, credentials, passphrase; compared
    // case-insensitively, ignoring '-', '_' and '.', and also as words of a longer name
    // ("db_password", "clientSecret", "access_token", "api_token"; but not "max_tokens",
    // "primary_key" or "keyboard").
    static bool isSecretKeyName(const QString& key);
    // "<secret:1a2b3c4d>": an HMAC-SHA256 fingerprint under a key that lives only in this process,
    // so equal values show equal markers within a run and cannot be guessed offline.
    static QString fingerprint(const QJsonValue& value);
    static bool isFingerprint(const QString& text);
    // Whether `text` is what vendors send instead of a secret: "*************", "****abcd".
    static bool looksLikeVendorMask(const QString& text);

private:
    static bool judgeKeyName(const QString& key); // isSecretKeyName() before its cache
    static QJsonValue hide(const QJsonValue& value, Mask mask);
    QJsonValue walk(const QJsonValue& value, const Hide& hide, QList<JsonPathToken>& path,
                    bool* replaced) const;

    QList<JsonPointerPattern> m_patterns;
    QStringList m_values;
    bool m_keyNames = false;
};

} // namespace ca
