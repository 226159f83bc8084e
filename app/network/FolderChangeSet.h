#pragma once

// Connectors kept as files (ConnectorFolder) and change sets: the rules an export, a plan of a
// folder, the bases after an apply and a refresh from the server follow, for `connectorctl
// export / plan / apply DIR / drift` and the window's File → Export connectors… / Compare with
// folder… alike. Widget-free; the callers only present what these return.

#include "ChangeSet.h"
#include "ChangeSetRun.h"
#include "ConnectorFolder.h"

#include <QHash>
#include <QMap>
#include <functional>
#include <optional>

namespace ca {

// What an export did to one profile's files.
struct FolderExport
{
    int rewritten = 0;
    int unchanged = 0;
    int keptEdits = 0;  // edited in the folder since the export: not replaced
    int keptGone = 0;   // connectors gone from the server whose files hold an edit
    int removed = 0;    // files of connectors gone from the server
    int skipped = 0;    // connectors without editable settings (Timbal's)
    int failed = 0;     // files that could not be written or removed
    QStringList notes;  // for the user: what was kept and why, what was skipped
    QStringList errors; // the files that could not be written or removed, and why
    int exported() const { return rewritten + unchanged; }
};

// Writes `connectors` (one profile's, as listed) into `folder`: each editable document as
// printed (secrets as the placeholder, never a value) with its base; a file edited since its
// export is kept unless `overwrite`; fingerprints of secrets sent from the folder stay while the
// document still keeps that secret; the files of connectors gone from the server are removed
// unless they hold an edit; files written by hand (no base) are left alone.
FolderExport exportToFolder(ConnectorFolder& folder, const ConnectorService& service,
                            const QList<Connector>& connectors, bool overwrite);

// A folder read as change-set entries.
struct FolderChangeSet
{
    QList<ChangeSetEntry> entries;
    QHash<QString, FolderEntry> files;                   // keyOf() → the file as read
    QHash<QString, QMap<QString, QString>> fingerprints; // keyOf() → pointer → of the value sent
    QStringList profiles;
    static QString keyOf(const QString& profile, const QString& id);
};

// Why a folder could not be read as a change set.
struct FolderReadError
{
    bool notFound = false; // no such folder, or nothing in it (else: a file cannot be used)
    QString message;
    QString hint;
    QStringList more; // further problems beside `message`
};

enum class FolderSide
{
    File, // what each file says: plan and apply
    Base  // what each base says: only the servers' changes show (drift)
};

using EnvironmentLookup = std::function<std::optional<QString>(const QString& name)>;
// The process environment, for EnvironmentLookup.
std::optional<QString> processEnvironment(const QString& name);

// The folder's files (those of `only`: ids or profile/id, all when empty) as entries. A
// {"$env": NAME} value is taken from `environment`; a value whose fingerprint is the one the
// folder recorded when it was last sent becomes the placeholder again (nothing to send), any other
// is a new secret (the entry's secretPointers). nullopt with *error when a file cannot be used, a
// variable is missing, or there is nothing to read.
std::optional<FolderChangeSet> readFolderChangeSet(const ConnectorFolder& folder, FolderSide side,
                                                   const QStringList& only,
                                                   const EnvironmentLookup& environment,
                                                   FolderReadError* error);

// After an apply of a folder's change set: each applied connector's base becomes what the server
// holds now, with the fingerprints of the secrets sent; a connector merged with the server's
// changes gets its file rewritten to that state too ({"$env": …} references kept), else the next
// plan would take those changes back. Returns what could not be written, one line each.
QStringList recordAppliedInFolder(ConnectorFolder& folder, const FolderChangeSet& read,
                                  const QHash<QString, ConnectorService*>& services,
                                  const ChangeSetRun& run);

// drift --refresh: the folder adopts what changed on the server (a plan of FolderSide::Base).
struct FolderRefresh
{
    int adopted = 0;
    int kept = 0;
    QStringList problems; // what was kept and why
};
FolderRefresh refreshFolder(ConnectorFolder& folder, const FolderChangeSet& read,
                            const QHash<QString, ConnectorService*>& services,
                            const ChangeSetPlan& plan);

} // namespace ca
