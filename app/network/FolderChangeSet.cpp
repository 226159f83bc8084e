#include "FolderChangeSet.h"

#include "ConnectorService.h"
#include "EditReview.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSet>

namespace ca {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ca::FolderChangeSet", text);
}

// Whether the file of a connector still on the server holds something export must not replace:
// an edit since the export, a file written by hand, or one that cannot be read. A file that
// already says what the server has is none of these.
bool holdsAnEdit(const FolderEntry& entry, const QJsonObject& document)
{
    if (entry.error.isEmpty() && entry.desired == document)
        return false;
    if (!entry.error.isEmpty() || !entry.base)
        return true;
    return entry.desired != entry.base->document;
}

// Replaces each {"$env": NAME} of `entry` by the variable's value; a value whose fingerprint is
// the one the folder recorded when it was last sent becomes the placeholder again.
bool takeSecretsFromEnvironment(const ConnectorFolder& folder, const FolderEntry& file,
                                const EnvironmentLookup& environment, ChangeSetEntry* entry,
                                QMap<QString, QString>* sent, FolderReadError* error)
{
    QStringList missing;
    const QStringList pointers = resolveEnvSecrets(&entry->desired, environment, &missing);
    if (!missing.isEmpty()) {
        error->message = tr("%1: environment variable %2 is not set")
                             .arg(file.path, missing.join(QStringLiteral(", ")));
        error->hint = tr("set it for this run; nothing was sent");
        return false;
    }
    for (const QString& pointer : pointers) {
        const QString value = jsonValueAt(entry->desired, pointer).toString();
        QString why;
        const QString fingerprint =
            folder.secretFingerprint(entry->profile, entry->connectorId, pointer, value, &why);
        if (fingerprint.isEmpty()) {
            error->message = why;
            return false;
        }
        const bool sentBefore =
            file.base && file.base->secretFingerprints.value(pointer) == fingerprint &&
            jsonValueAt(file.base->document, pointer).toString() == SecretMarker::placeholder;
        if (sentBefore) {
            entry->desired =
                jsonValueSet(entry->desired, pointer, SecretMarker::placeholder).toObject();
        } else {
            entry->secretPointers.append(pointer);
            sent->insert(pointer, fingerprint);
        }
    }
    return true;
}

// The file's document with the {"$env": …} objects it had put back at their places.
QJsonObject withEnvReferences(QJsonObject document, const QJsonObject& file)
{
    // Where the file has them: resolved with any value, only the pointers matter.
    QStringList missing;
    QJsonObject probe = file;
    const QStringList pointers = resolveEnvSecrets(
        &probe, [](const QString&) { return std::optional<QString>(QString()); }, &missing);
    for (const QString& pointer : pointers)
        document = jsonValueSet(document, pointer, jsonValueAt(file, pointer)).toObject();
    return document;
}

FolderBase baseOf(const ConnectorService& service, const Connector& c, FolderBase base = {})
{
    base.document = EditReview::printable(service, c);
    base.name = c.displayName;
    base.type = c.type;
    base.updatedAt = c.updatedAt;
    return base;
}

} // namespace

QString FolderChangeSet::keyOf(const QString& profile, const QString& id)
{
    return profile + QLatin1Char('\n') + id;
}

std::optional<QString> processEnvironment(const QString& name)
{
    const QByteArray key = name.toLocal8Bit();
    if (!qEnvironmentVariableIsSet(key.constData()))
        return std::nullopt;
    return qEnvironmentVariable(key.constData());
}

FolderExport exportToFolder(ConnectorFolder& folder, const ConnectorService& service,
                            const QList<Connector>& connectors, bool overwrite)
{
    FolderExport out;
    const QString profile = service.profile().name;
    QMap<QString, FolderEntry> entries;
    for (const FolderEntry& e : folder.read({profile})) {
        if (!e.id.isEmpty())
            entries.insert(e.id, e);
    }
    QSet<QString> listed;
    for (const Connector& c : connectors) {
        listed.insert(c.id);
        if (!c.isEditable()) {
            ++out.skipped;
            continue;
        }
        FolderBase base = baseOf(service, c);
        const auto found = entries.constFind(c.id);
        if (found != entries.cend()) {
            if (!overwrite && holdsAnEdit(*found, base.document)) {
                out.notes << (found->error.isEmpty()
                                  ? tr("%1: kept your edit of %2 (plan shows it; --overwrite "
                                       "discards it)")
                                        .arg(profile, found->path)
                                  : tr("%1: kept %2 (--overwrite replaces it)")
                                        .arg(profile, found->error));
                ++out.keptEdits;
                continue;
            }
            // What was sent from a file stays known while the document still keeps that secret.
            if (found->base) {
                const QMap<QString, QString>& known = found->base->secretFingerprints;
                for (auto it = known.cbegin(); it != known.cend(); ++it) {
                    if (jsonValueAt(base.document, it.key()) ==
                        QJsonValue(SecretMarker::placeholder))
                        base.secretFingerprints.insert(it.key(), it.value());
                }
            }
        }
        QString error;
        bool rewritten = false;
        if (!folder.write(profile, c.id, base.document, base, &error, &rewritten)) {
            out.errors << error;
            ++out.failed;
            continue;
        }
        ++(rewritten ? out.rewritten : out.unchanged);
    }
    if (service.vendor() == Vendor::Timbal)
        out.notes
            << tr("%1: Timbal connectors have no editable settings; nothing exported").arg(profile);
    else if (out.skipped > 0)
        out.notes << tr("%1: %2 connectors have no editable settings; not exported")
                         .arg(profile)
                         .arg(out.skipped);

    // Connectors gone from the server: their files go with them, unless they hold an edit. A file
    // without a base was written by hand (a connector to create): not export's to remove.
    for (const FolderEntry& entry : std::as_const(entries)) {
        if (listed.contains(entry.id) || (!entry.base && entry.error.isEmpty()))
            continue;
        if (!entry.error.isEmpty() || entry.desired != entry.base->document) {
            out.notes << (entry.error.isEmpty()
                              ? tr("%1: kept %2: connector %3 is no longer on the server, and "
                                   "the file holds your edit")
                                    .arg(profile, entry.path, entry.id)
                              : tr("%1: kept %2: connector %3 is no longer on the server, but %4")
                                    .arg(profile, entry.path, entry.id, entry.error));
            ++out.keptGone;
            continue;
        }
        QString error;
        if (!folder.remove(profile, entry.id, &error)) {
            out.errors << error;
            ++out.failed;
            continue;
        }
        ++out.removed;
    }
    return out;
}

std::optional<FolderChangeSet> readFolderChangeSet(const ConnectorFolder& folder, FolderSide side,
                                                   const QStringList& only,
                                                   const EnvironmentLookup& environment,
                                                   FolderReadError* error)
{
    const QString exportHint =
        tr("export first: connectorctl export %1 PROFILE").arg(folder.directory());
    if (!QFileInfo(folder.directory()).isDir()) {
        *error = {true, tr("%1 is not a directory").arg(folder.directory()), exportHint, {}};
        return std::nullopt;
    }
    FolderChangeSet in;
    const QList<FolderEntry> files = folder.read();
    QStringList problems;
    for (const FolderEntry& f : files) {
        if (!f.error.isEmpty())
            problems << QStringLiteral("%1: %2").arg(f.path, f.error);
    }
    if (!problems.isEmpty()) {
        *error = {false, problems.takeLast(), tr("fix the file; nothing was sent"), problems};
        return std::nullopt;
    }
    for (const FolderEntry& f : files) {
        if (!only.isEmpty() && !only.contains(f.id) &&
            !only.contains(f.profile + QLatin1Char('/') + f.id))
            continue;
        if (side == FolderSide::Base && !f.base)
            continue;
        ChangeSetEntry e;
        e.profile = f.profile;
        e.connectorId = f.id;
        e.source = f.path;
        if (f.base)
            e.base = f.base->document;
        e.desired = side == FolderSide::Base ? f.base->document : f.desired;
        QMap<QString, QString> sent;
        if (side == FolderSide::File &&
            !takeSecretsFromEnvironment(folder, f, environment, &e, &sent, error))
            return std::nullopt;
        const QString key = FolderChangeSet::keyOf(f.profile, f.id);
        in.files.insert(key, f);
        if (!sent.isEmpty())
            in.fingerprints.insert(key, sent);
        if (!in.profiles.contains(f.profile))
            in.profiles.append(f.profile);
        in.entries.append(e);
    }
    if (in.entries.isEmpty()) {
        *error = {true,
                  only.isEmpty() ? tr("%1 holds no connector files").arg(folder.directory())
                                 : tr("none of %1 is in %2")
                                       .arg(only.join(QStringLiteral(", ")), folder.directory()),
                  exportHint,
                  {}};
        return std::nullopt;
    }
    return in;
}

QStringList recordAppliedInFolder(ConnectorFolder& folder, const FolderChangeSet& read,
                                  const QHash<QString, ConnectorService*>& services,
                                  const ChangeSetRun& run)
{
    QStringList problems;
    for (const ChangeSetRun::Item& item : run.items()) {
        const ConnectorService* service = services.value(item.planned.entry.profile);
        if (item.state != ChangeSetRun::State::Applied || !item.after || !service)
            continue;
        const QString key =
            FolderChangeSet::keyOf(item.planned.entry.profile, item.planned.entry.connectorId);
        const FolderEntry file = read.files.value(key);
        if (file.id.isEmpty())
            continue; // not a connector of this folder
        FolderBase base = baseOf(*service, *item.after, file.base.value_or(FolderBase()));
        const QMap<QString, QString> sent = read.fingerprints.value(key);
        for (auto it = sent.cbegin(); it != sent.cend(); ++it)
            base.secretFingerprints.insert(it.key(), it.value());
        QString error;
        bool ok = true;
        if (item.planned.merge.has_value())
            ok = folder.writeDocument(file.profile, file.id,
                                      withEnvReferences(base.document, file.desired), &error);
        ok = ok && folder.writeBase(file.profile, file.id, base, &error);
        if (!ok)
            problems << tr("%1 was applied, but its base could not be updated: %2")
                            .arg(file.path, error);
    }
    return problems;
}

FolderRefresh refreshFolder(ConnectorFolder& folder, const FolderChangeSet& read,
                            const QHash<QString, ConnectorService*>& services,
                            const ChangeSetPlan& plan)
{
    using Kind = ChangeSetItem::Kind;
    FolderRefresh out;
    for (const ChangeSetItem& item : plan.items) {
        const FolderEntry file =
            read.files.value(FolderChangeSet::keyOf(item.entry.profile, item.entry.connectorId));
        const bool edited = file.base && file.desired != file.base->document;
        QString error;
        if (item.kind == Kind::Gone) {
            if (edited) {
                out.problems
                    << tr("%1 is gone from the server; your edit of it was kept").arg(file.path);
                ++out.kept;
            } else if (folder.remove(file.profile, file.id, &error)) {
                ++out.adopted;
            } else {
                out.problems << error;
                ++out.kept;
            }
            continue;
        }
        const ConnectorService* service = services.value(item.entry.profile);
        if (item.kind != Kind::Drifted || !item.server || !service || !file.base)
            continue;
        const FolderBase base = baseOf(*service, *item.server, *file.base);
        QJsonObject document = base.document;
        if (edited) {
            // The edit stays, on top of what the server holds now.
            const ThreeWayMerge merge(file.base->document, base.document, file.desired,
                                      vendorDiffOptions(item.vendor));
            if (!merge.isClean()) {
                out.problems << tr("%1 was changed on the server and in the file alike; not "
                                   "refreshed:\n%2")
                                    .arg(file.path, merge.toText());
                ++out.kept;
                continue;
            }
            document = merge.merged();
        }
        if (folder.write(file.profile, file.id, document, base, &error)) {
            ++out.adopted;
        } else {
            out.problems << error;
            ++out.kept;
        }
    }
    return out;
}

} // namespace ca
