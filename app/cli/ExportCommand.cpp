// export: the connectors of profiles written into a folder, one file each, with the base the next
// plan compares against (the folder's format is ConnectorFolder's). An edit made in the folder is
// kept, and secrets are written as the placeholder only (the printable document), never as values.
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"
#include "FolderChangeSet.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

#include <memory>

namespace ca {

namespace {

QString tr(const char* text)
{
    return QObject::tr(text);
}

// What became of one profile's connectors.
struct ProfileExport
{
    Profile profile;
    ConnectorService* service = nullptr;
    QString directory; // DIR/<profile>, as messages show it
    FolderExport done; // what became of its files
    QString error;     // the connectors could not be listed

    QJsonObject toJson() const
    {
        QJsonObject o{{QStringLiteral("profile"), profile.name},
                      {QStringLiteral("directory"), directory}};
        if (!error.isEmpty()) {
            o.insert(QStringLiteral("error"), error);
            return o;
        }
        o.insert(QStringLiteral("exported"), done.exported());
        o.insert(QStringLiteral("rewritten"), done.rewritten);
        o.insert(QStringLiteral("unchanged"), done.unchanged);
        o.insert(QStringLiteral("keptEdits"), done.keptEdits);
        o.insert(QStringLiteral("keptGone"), done.keptGone);
        o.insert(QStringLiteral("removed"), done.removed);
        o.insert(QStringLiteral("notEditable"), done.skipped);
        o.insert(QStringLiteral("failed"), done.failed);
        return o;
    }

    QString line() const
    {
        if (!error.isEmpty())
            return QObject::tr("%1: not exported (%2)").arg(profile.name, error);
        QStringList counts{QObject::tr("%1 rewritten").arg(done.rewritten),
                           QObject::tr("%1 unchanged").arg(done.unchanged)};
        if (done.keptEdits > 0)
            counts << QObject::tr("%1 kept as edited").arg(done.keptEdits);
        if (done.keptGone > 0)
            counts << QObject::tr("%1 gone from the server kept as edited").arg(done.keptGone);
        if (done.removed > 0)
            counts << QObject::tr("%1 removed").arg(done.removed);
        if (done.skipped > 0)
            counts << QObject::tr("%1 without editable settings").arg(done.skipped);
        if (done.failed > 0)
            counts << QObject::tr("%1 failed").arg(done.failed);
        const int exported = done.exported();
        return QObject::tr("%1: %2 exported to %3 (%4)")
            .arg(profile.name,
                 exported == 1 ? QObject::tr("1 connector")
                               : QObject::tr("%1 connectors").arg(exported),
                 directory, counts.join(QStringLiteral(", ")));
    }
};

// The whole command: services first (a profile that cannot be used ends the command before any
// file is written), then every profile listed at once; the lines are printed, in the order the
// profiles were named, when the last list is done.
struct ExportRun
{
    explicit ExportRun(const QString& directory) : folder(directory) {}
    ConnectorFolder folder;
    bool overwrite = false;
    QList<ProfileExport> profiles;
    int pending = 0;
    std::optional<int> firstFailure;

    void failed(int code)
    {
        if (!firstFailure)
            firstFailure = code;
    }
};

void exportProfile(ExportRun& run, ProfileExport& out, const QList<Connector>& connectors)
{
    out.done = exportToFolder(run.folder, *out.service, connectors, run.overwrite);
    for (const QString& note : std::as_const(out.done.notes))
        CliOutput::message(note);
    for (const QString& error : std::as_const(out.done.errors))
        CliOutput::error(error);
    if (out.done.failed > 0)
        run.failed(ExitPartial);
}

void finishRun(CommandContext& ctx, const ExportRun& run)
{
    if (ctx.wantsJson()) {
        QJsonArray all;
        for (const ProfileExport& p : run.profiles)
            all.append(p.toJson());
        CliOutput::json(all);
    } else {
        for (const ProfileExport& p : run.profiles)
            CliOutput::dataLine(p.line());
    }
    ctx.finish(run.firstFailure.value_or(ExitOk));
}

void listAll(CommandContext& ctx, const std::shared_ptr<ExportRun>& run)
{
    run->pending = int(run->profiles.size());
    for (qsizetype i = 0; i < run->profiles.size(); ++i) {
        ConnectorListJob* job = run->profiles.at(i).service->list();
        QObject::connect(job, &ConnectorListJob::finished, &ctx,
                         [&ctx, run, i](const ConnectorListResult& r) {
                             ProfileExport& out = run->profiles[i];
                             if (r.ok()) {
                                 exportProfile(*run, out, r.connectors);
                             } else {
                                 CliOutput::error(r.error);
                                 out.error = r.error.toString();
                                 run->failed(exitCodeFor(r.error));
                             }
                             if (--run->pending == 0)
                                 finishRun(ctx, *run);
                         });
    }
}

// The services one after the other, then the lists all at once.
void startServices(CommandContext& ctx, const std::shared_ptr<ExportRun>& run, qsizetype next)
{
    if (next == run->profiles.size()) {
        listAll(ctx, run);
        return;
    }
    ctx.withService(run->profiles.at(next).profile, [&ctx, run, next](ConnectorService* service) {
        run->profiles[next].service = service;
        startServices(ctx, run, next + 1);
    });
}

} // namespace

void runExport(CommandContext& ctx)
{
    const QString usage =
        QStringLiteral("connectorctl export DIR [NAME...] [--overwrite] [--json]");
    if (!ctx.expectPositional(1, -1, usage))
        return;
    const QString directory = ctx.positional().at(0);
    if (directory.isEmpty()) {
        ctx.fail(ExitUsage, tr("the folder name is empty"), tr("usage: %1").arg(usage));
        return;
    }
    const QFileInfo info(directory);
    if (info.exists() && !info.isDir()) {
        ctx.fail(ExitInvalid, QObject::tr("%1 is not a folder").arg(directory),
                 tr("name a folder to export into (it is created when missing)"));
        return;
    }
    QList<Profile> profiles;
    QStringList names = ctx.positional().mid(1);
    names.removeDuplicates();
    if (names.isEmpty()) {
        profiles = ctx.profiles().profiles();
        if (profiles.isEmpty()) {
            ctx.fail(ExitNotFound, tr("there are no profiles to export"),
                     tr("add one with `connectorctl profile add`"));
            return;
        }
    }
    for (const QString& name : std::as_const(names)) {
        const std::optional<Profile> profile = ctx.requireProfile(name);
        if (!profile)
            return;
        profiles.append(*profile);
    }
    auto run = std::make_shared<ExportRun>(directory);
    run->overwrite = ctx.isSet(QStringLiteral("overwrite"));
    for (const Profile& p : std::as_const(profiles)) {
        if (const QString refusal = ConnectorFolder::profileRefusal(p.name); !refusal.isEmpty()) {
            ctx.fail(ExitUsage, tr("profile %1 cannot be exported: %2").arg(p.name, refusal),
                     tr("rename the profile (profile add NEW … , profile remove OLD)"));
            return;
        }
        ProfileExport out;
        out.profile = p;
        out.directory = QDir(directory).filePath(p.name);
        run->profiles.append(out);
    }
    startServices(ctx, run, 0);
}

} // namespace ca
