#pragma once

#include "JsonPointer.h"
#include "Secrets.h"
#include "Vendor.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <span>

namespace ca {

// How two connector documents are compared. Paths are JSON pointers (RFC 6901) in which a "*"
// token matches any one token (an array index or an object key) and a final "**" matches any
// depth, including none.
struct DiffOptions
{
    // Array pointer -> key field. Arrays of objects are matched item by item on that field
    // ("/headers" -> "name"); an empty key field matches arrays of scalars by value. Arrays with
    // no rule are compared position by position. Duplicate or missing keys fall back to
    // positions for that array (see ConnectorDiff::positionalFallbacks()).
    QHash<QString, QString> arrayKeys;
    // Which values are secret (the vendor's service supplies them: ConnectorService::
    // secretRules()). A secret value never leaves the diff: it is replaced by its fingerprint.
    SecretRules secrets;
};

// How each vendor's editable document is matched (keyed arrays). Secrets are not declared here:
// they come from the vendor's service.
DiffOptions diffOptionsFor(Vendor vendor);

// DiffOptions prepared for lookups during a walk. Shared by ConnectorDiff and ThreeWayMerge.
class DiffRules
{
public:
    explicit DiffRules(const DiffOptions& options = {});

    // The key field of the array at `path` (empty: match scalars by value); nullopt: positional.
    std::optional<QString> arrayKeyFor(std::span<const JsonPathToken> path) const;
    const SecretRules& secrets() const { return m_secrets; }
    bool isSecret(std::span<const JsonPathToken> path) const { return m_secrets.isSecret(path); }
    bool isSecretPointer(const QString& pointer) const
    {
        return m_secrets.isSecretPointer(pointer);
    }
    // `value` (found at `path`) with every secret at or below `path` replaced by its fingerprint.
    // `replaced` (optional) tells whether anything was replaced.
    QJsonValue masked(const QJsonValue& value, std::span<const JsonPathToken> path,
                      bool* replaced = nullptr) const
    {
        return m_secrets.masked(value, SecretRules::Mask::Fingerprint, path, replaced);
    }
    QJsonValue masked(const QJsonValue& value, const QString& pointer,
                      bool* replaced = nullptr) const
    {
        return m_secrets.masked(value, SecretRules::Mask::Fingerprint, pointer, replaced);
    }
    static QString secretMarker(const QJsonValue& value) { return SecretRules::fingerprint(value); }

    // Identity of each item of an array matched under `key` (empty key: scalar items by value),
    // typed so that 1 and "1" differ. False when the array cannot be matched that way; `reason`
    // then says why, or stays empty when positions are simply the right way (items of a
    // by-value array that are not scalars).
    static bool itemIdentities(const QJsonArray& array, const QString& key, QStringList* ids,
                               QHash<QString, int>* index, QString* reason);
    // How a matched item shows in a path: "[name=X-Trace]", "[\"a@b.c\"]"; `secret`: the key
    // (or the by-value item) is secret and shows as its marker.
    static QString itemSelector(const QJsonValue& item, const QString& key, bool secret);

private:
    QList<std::pair<JsonPointerPattern, QString>> m_arrayKeys; // most specific first
    SecretRules m_secrets;
};

struct DiffEntry
{
    enum class Kind
    {
        Added,
        Removed,
        Changed,
        Moved,
        Unchanged
    };

    Kind kind = Kind::Changed;
    // Readable path: object keys as in JSON pointers, keyed items by their key
    // ("/headers[name=X-Trace]/value"), items matched by value by their value
    // ("/config/allowed_emails[\"a@b.c\"]"), positional items by index ("/tags/2").
    // For Unchanged: the path of the object or array holding the unchanged run.
    QString path;
    // RFC 6901 pointers into the two documents; empty on the side where the value is absent.
    // (The document root itself is also "", so look at `kind` first.)
    QString beforePointer;
    QString afterPointer;
    // Undefined where absent (Added: before, Removed: after, Moved and Unchanged: both).
    // Secrets are already replaced by their fingerprints here: raw values never get in.
    QJsonValue before{QJsonValue::Undefined};
    QJsonValue after{QJsonValue::Undefined};
    int depth = 0;                // nesting level of `path` (top-level fields: 0), for indentation
    int unchangedCount = 0;       // Unchanged: how many siblings the run holds
    bool unchangedItems = false;  // Unchanged: array items (true) or object fields (false)
    int fromIndex = -1;           // Moved: position in before
    int toIndex = -1;             // Moved: position in after
    bool movedAndChanged = false; // Moved: entries for the item's own changes follow
    bool secret = false;          // before/after had secret values replaced by markers
    bool positional = false;      // inside an array whose key rule fell back to positions
    bool byValue = false;         // an item of an array matched by value: `path` already names it
};

// A diff entry as two texts, for a side-by-side view.
struct DiffRow
{
    DiffEntry::Kind kind = DiffEntry::Kind::Changed;
    QString path;
    QString beforeText; // empty where there is nothing on that side
    QString afterText;
    int depth = 0;
};

// The structural difference between two JSON documents (a connector's editable fields before
// and after an edit). Entries come in a stable order: object keys sorted, arrays in the order of
// `after` with removed items where they were, unchanged siblings collapsed into counts.
class ConnectorDiff
{
public:
    struct Fallback
    {
        QString path;   // display path of the array
        QString reason; // "duplicate key \"name\": compared by position"
    };

    ConnectorDiff() = default;
    ConnectorDiff(const QJsonValue& before, const QJsonValue& after,
                  const DiffOptions& options = {});

    const QList<DiffEntry>& entries() const { return m_entries; }
    const QList<Fallback>& positionalFallbacks() const { return m_fallbacks; }

    int changedCount() const { return m_changed; }
    int addedCount() const { return m_added; }
    int removedCount() const { return m_removed; }
    int movedCount() const { return m_moved; }
    int unchangedCount() const { return m_unchanged; } // sum of the collapsed runs
    bool isEmpty() const { return m_changed + m_added + m_removed + m_moved == 0; }

    // "3 changed, 1 added, 0 removed" (", 2 moved" only when something moved); "no changes".
    QString summaryLine() const;
    // {"summary":{...}, "entries":[{"op","path",...}], "positionalFallbacks":[...]}; secrets
    // masked. Keys are sorted, so equal diffs give equal bytes.
    QJsonObject toJson() const;
    // One line per entry, e.g. "~ /rate_limit: 60 → 10", "+ /headers[name=X-Trace]: {...}",
    // "- /config/allowed_emails[\"a@b.c\"]", "> /headers[name=A]: moved 0 → 2",
    // "= /headers[name=A]: 3 unchanged fields", "! /body: duplicate key ...". "" when empty.
    QString toText() const;
    QList<DiffRow> sideBySide() const;

    // How a value is written in toText() and sideBySide(): compact JSON, markers unquoted.
    static QString valueText(const QJsonValue& value);

private:
    QList<DiffEntry> m_entries;
    QList<Fallback> m_fallbacks;
    int m_changed = 0;
    int m_added = 0;
    int m_removed = 0;
    int m_moved = 0;
    int m_unchanged = 0;
};

QString diffKindName(DiffEntry::Kind kind); // "added", "removed", "changed", "moved", "unchanged"

} // namespace ca
