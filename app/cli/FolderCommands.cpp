// plan / apply DIR / drift: connectors kept as files (ConnectorFolder), planned and applied as one
// change set (ChangeSetPlanner, ChangeSetRun), with secrets from the environment and the bases
// of the folder kept current after an apply or a refresh.
#include "ChangeSetCli.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ConnectorFolder.h"
#include "ExitCode.h"

#include <QDir>
#include <memory>

namespace ca {

namespace {

using Kind = ChangeSetItem::Kind;

QString keyOf(const QString& profile, const QString& id)
{
    return profile + QLatin1Char('\n') + id;
}

// The folder's files as change-set entries, with what each took from the environment.
struct FolderInput
{
    QList<ChangeSetEntry> entries;
    QHash<QString, FolderEntry> files;                   // keyOf → the file as read
    QHash<QString, QMap<QString, QString>> fingerprints; // keyOf → pointer → of the value sent
    QStringList profiles;
};

enum class Desired
{
    File, // what the file says (plan, apply)
    Base  // what the base says: only the server's changes show (drift)
};

std::optional<QString> environmentValue(const QString& name)
{
    if (!qEnvironmentVariableIsSet(name.toLocal8Bit().constData()))
        return std::nullopt;
    return qEnvironmentVariable(name.toLocal8Bit().constData());
}

// Replaces each {"$env": NAME} of `entry` by the variable's value; a value whose fingerprint is
// the one the folder recorded when it was last sent becomes the placeholder again (nothing to
// send), any other is a new secret. False (the command failed) when a variable is missing.
bool takeSecretsFromEnvironment(CommandContext& ctx, const ConnectorFolder& folder,
                                const FolderEntry& file, ChangeSetEntry* entry,
                                QMap<QString, QString>* sent)
{
    QStringList missing;
    const QStringList pointers = resolveEnvSecrets(&entry->desired, environmentValue, &missing);
    if (!missing.isEmpty()) {
        ctx.fail(ExitInvalid,
                 QObject::tr("%1: environment variable %2 is not set")
                     .arg(file.path, missing.join(QStringLiteral(", "))),
                 QObject::tr("set it for this run; nothing was sent"));
        return false;
    }
    for (const QString& pointer : pointers) {
        const QString value = jsonValueAt(entry->desired, pointer).toString();
        QString error;
        const QString fingerprint =
            folder.secretFingerprint(entry->profile, entry->connectorId, pointer, value, &error);
        if (fingerprint.isEmpty()) {
            ctx.fail(ExitInvalid, error);
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

std::optional<FolderInput> readFolder(CommandContext& ctx, const ConnectorFolder& folder,
                                      Desired desired, const QStringList& only = {})
{
    if (!QFileInfo(folder.directory()).isDir()) {
        ctx.fail(
            ExitNotFound, QObject::tr("%1 is not a directory").arg(folder.directory()),
            QObject::tr("export first: connectorctl export %1 PROFILE").arg(folder.directory()));
        return std::nullopt;
    }
    FolderInput in;
    const QList<FolderEntry> files = folder.read();
    QStringList problems;
    for (const FolderEntry& f : files) {
        if (!f.error.isEmpty())
            problems << QStringLiteral("%1: %2").arg(f.path, f.error);
    }
    if (!problems.isEmpty()) {
        for (qsizetype i = 0; i + 1 < problems.size(); ++i)
            CliOutput::error(problems.at(i));
        ctx.fail(ExitInvalid, problems.last(), QObject::tr("fix the file; nothing was sent"));
        return std::nullopt;
    }
    for (const FolderEntry& f : files) {
        if (!only.isEmpty() && !only.contains(f.id) &&
            !only.contains(f.profile + QLatin1Char('/') + f.id))
            continue;
        if (desired == Desired::Base && !f.base)
            continue;
        ChangeSetEntry e;
        e.profile = f.profile;
        e.connectorId = f.id;
        e.source = f.path;
        if (f.base)
            e.base = f.base->document;
        e.desired = desired == Desired::Base ? f.base->document : f.desired;
        QMap<QString, QString> sent;
        if (desired == Desired::File && !takeSecretsFromEnvironment(ctx, folder, f, &e, &sent))
            return std::nullopt;
        const QString key = keyOf(f.profile, f.id);
        in.files.insert(key, f);
        if (!sent.isEmpty())
            in.fingerprints.insert(key, sent);
        if (!in.profiles.contains(f.profile))
            in.profiles.append(f.profile);
        in.entries.append(e);
    }
    if (in.entries.isEmpty()) {
        ctx.fail(
            ExitNotFound,
            only.isEmpty() ? QObject::tr("%1 holds no connector files").arg(folder.directory())
                           : QObject::tr("none of %1 is in %2")
                                 .arg(only.join(QStringLiteral(", ")), folder.directory()),
            QObject::tr("export first: connectorctl export %1 PROFILE").arg(folder.directory()));
        return std::nullopt;
    }
    return in;
}

// Reads the folder, resolves the services and plans; `planned` gets the plan unless the command
// failed on the way (a read error of a profile fails it with that error's exit code).
void planFolder(CommandContext& ctx, std::shared_ptr<FolderInput> in,
                std::function<void(const ServiceMap&, const ChangeSetPlan&)> planned)
{
    withServices(ctx, in->profiles, [&ctx, in, planned](const ServiceMap& services) {
        auto* planner = new ChangeSetPlanner(services, in->entries, &ctx);
        QObject::connect(planner, &ChangeSetPlanner::finished, &ctx,
                         [&ctx, services, planned](const ChangeSetPlan& plan) {
                             if (!plan.readErrors.isEmpty()) {
                                 for (qsizetype i = 1; i < plan.readErrors.size(); ++i)
                                     CliOutput::error(plan.readErrors.at(i).second);
                                 ctx.fail(plan.readErrors.first().second);
                                 return;
                             }
                             planned(services, plan);
                         });
        planner->start();
    });
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

// After an apply: each applied connector's base becomes what the server holds now, with the
// fingerprints of the secrets sent; a connector merged with the server's changes gets its file
// rewritten to that state too (else the next plan would take the server's changes back).
void updateBases(ConnectorFolder& folder, const FolderInput& in, const ServiceMap& services,
                 const ChangeSetRun& run)
{
    for (const ChangeSetRun::Item& item : run.items()) {
        const ConnectorService* service = services.value(item.planned.entry.profile);
        if (item.state != ChangeSetRun::State::Applied || !item.after || !service)
            continue;
        const QString key = keyOf(item.planned.entry.profile, item.planned.entry.connectorId);
        const FolderEntry file = in.files.value(key);
        FolderBase base = file.base.value_or(FolderBase());
        base.document = EditReview::printable(*service, *item.after);
        base.name = item.after->displayName;
        base.type = item.after->type;
        base.updatedAt = item.after->updatedAt;
        const QMap<QString, QString> sent = in.fingerprints.value(key);
        for (auto it = sent.cbegin(); it != sent.cend(); ++it)
            base.secretFingerprints.insert(it.key(), it.value());
        QString error;
        bool ok = true;
        const bool merged = item.planned.merge.has_value();
        if (merged)
            ok = folder.writeDocument(file.profile, file.id,
                                      withEnvReferences(base.document, file.desired), &error);
        ok = ok && folder.writeBase(file.profile, file.id, base, &error);
        if (!ok)
            CliOutput::error(
                QObject::tr("%1 was applied, but its base could not be updated: %2")
                    .arg(file.path, error),
                QObject::tr("run `connectorctl drift %1 --refresh`").arg(folder.directory()));
    }
}

bool expectFolder(CommandContext& ctx, const QString& usage)
{
    return ctx.expectPositional(1, 1, usage);
}

} // namespace

void runPlan(CommandContext& ctx)
{
    if (!expectFolder(ctx, QStringLiteral("connectorctl plan DIR [--json]")))
        return;
    const ConnectorFolder folder(ctx.positional().at(0));
    const auto in = readFolder(ctx, folder, Desired::File);
    if (!in)
        return;
    planFolder(ctx, std::make_shared<FolderInput>(*in),
               [&ctx](const ServiceMap&, const ChangeSetPlan& plan) {
                   printPlan(ctx, plan);
                   ctx.finish(planExitCode(plan));
               });
}

void runApplyFolder(CommandContext& ctx)
{
    const auto options = readChangeSetApplyOptions(ctx);
    if (!options || refuseUnconfirmable(ctx, *options))
        return;
    QStringList only;
    for (const QString& v : ctx.args().values(QStringLiteral("only")))
        only += v.split(QLatin1Char(','), Qt::SkipEmptyParts);
    auto folder = std::make_shared<ConnectorFolder>(ctx.positional().at(0));
    const auto read = readFolder(ctx, *folder, Desired::File, only);
    if (!read)
        return;
    auto in = std::make_shared<FolderInput>(*read);
    planFolder(ctx, in,
               [&ctx, folder, in, options](const ServiceMap& services, const ChangeSetPlan& plan) {
                   applyChangeSet(ctx, services, plan, *options,
                                  [folder, in, services](const ChangeSetRun& run) {
                                      updateBases(*folder, *in, services, run);
                                  });
               });
}

void runDrift(CommandContext& ctx)
{
    if (!expectFolder(ctx, QStringLiteral("connectorctl drift DIR [--refresh] [--json]")))
        return;
    auto folder = std::make_shared<ConnectorFolder>(ctx.positional().at(0));
    const auto read = readFolder(ctx, *folder, Desired::Base);
    if (!read)
        return;
    auto in = std::make_shared<FolderInput>(*read);
    const bool refresh = ctx.isSet(QStringLiteral("refresh"));
    planFolder(
        ctx, in,
        [&ctx, folder, in, refresh](const ServiceMap& services, const ChangeSetPlan& plan) {
            printPlan(ctx, plan);
            const int drifted = plan.count(Kind::Drifted) + plan.count(Kind::Gone);
            if (!refresh) {
                ctx.finish(drifted > 0 ? ExitDifferences : ExitOk);
                return;
            }
            int adopted = 0;
            int kept = 0;
            for (const ChangeSetItem& item : plan.items) {
                const FolderEntry file =
                    in->files.value(keyOf(item.entry.profile, item.entry.connectorId));
                const bool edited = file.base && file.desired != file.base->document;
                QString error;
                if (item.kind == Kind::Gone) {
                    if (edited) {
                        CliOutput::error(QObject::tr("%1 is gone from the server; your edit of it "
                                                     "was kept")
                                             .arg(file.path));
                        ++kept;
                    } else if (folder->remove(file.profile, file.id, &error)) {
                        ++adopted;
                    } else {
                        CliOutput::error(error);
                        ++kept;
                    }
                    continue;
                }
                const ConnectorService* service = services.value(item.entry.profile);
                if (item.kind != Kind::Drifted || !item.server || !service)
                    continue;
                FolderBase base = *file.base;
                base.document = EditReview::printable(*service, *item.server);
                base.name = item.server->displayName;
                base.type = item.server->type;
                base.updatedAt = item.server->updatedAt;
                QJsonObject document = base.document;
                if (edited) {
                    // The edit stays, on top of what the server holds now.
                    const ThreeWayMerge merge(file.base->document, base.document, file.desired,
                                              vendorDiffOptions(item.vendor));
                    if (!merge.isClean()) {
                        CliOutput::error(QObject::tr("%1 was changed on the server and in the file "
                                                     "alike; not refreshed")
                                             .arg(file.path),
                                         merge.toText());
                        ++kept;
                        continue;
                    }
                    document = merge.merged();
                }
                if (folder->write(file.profile, file.id, document, base, &error)) {
                    ++adopted;
                } else {
                    CliOutput::error(error);
                    ++kept;
                }
            }
            CliOutput::message(QObject::tr("%1 file(s) refreshed from the server, %2 kept")
                                   .arg(adopted)
                                   .arg(kept));
            ctx.finish(kept > 0 ? ExitConflict : ExitOk);
        });
}

} // namespace ca
