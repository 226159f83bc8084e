// plan / apply DIR / drift: connectors kept as files, planned and applied as one change set. The
// folder's rules (secrets from the environment, bases after an apply, refresh) are
// FolderChangeSet's, shared with the window; this presents them.
#include "ChangeSetCli.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"
#include "FolderChangeSet.h"

#include <memory>

namespace ca {

namespace {

using Kind = ChangeSetItem::Kind;

// The folder's change set, or the command failed (3: no folder or nothing in it, 5: a file or a
// variable).
std::optional<FolderChangeSet> readFolder(CommandContext& ctx, const ConnectorFolder& folder,
                                          FolderSide side, const QStringList& only = {})
{
    FolderReadError error;
    auto read = readFolderChangeSet(folder, side, only, processEnvironment, &error);
    if (!read) {
        for (const QString& more : std::as_const(error.more))
            CliOutput::error(more);
        ctx.fail(error.notFound ? ExitNotFound : ExitInvalid, error.message, error.hint);
    }
    return read;
}

// Resolves the services and plans; `planned` gets the plan unless the command failed on the way
// (a read error of a profile fails it with that error's exit code).
void planFolder(CommandContext& ctx, std::shared_ptr<FolderChangeSet> in,
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
    const auto in = readFolder(ctx, folder, FolderSide::File);
    if (!in)
        return;
    planFolder(ctx, std::make_shared<FolderChangeSet>(*in),
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
    const auto read = readFolder(ctx, *folder, FolderSide::File, only);
    if (!read)
        return;
    auto in = std::make_shared<FolderChangeSet>(*read);
    planFolder(ctx, in,
               [&ctx, folder, in, options](const ServiceMap& services, const ChangeSetPlan& plan) {
                   applyChangeSet(ctx, services, plan, *options,
                                  [folder, in, services](const ChangeSetRun& run) {
                                      const QString hint =
                                          QObject::tr("run `connectorctl drift %1 --refresh`")
                                              .arg(folder->directory());
                                      for (const QString& problem :
                                           recordAppliedInFolder(*folder, *in, services, run))
                                          CliOutput::error(problem, hint);
                                  });
               });
}

void runDrift(CommandContext& ctx)
{
    if (!expectFolder(ctx, QStringLiteral("connectorctl drift DIR [--refresh] [--json]")))
        return;
    auto folder = std::make_shared<ConnectorFolder>(ctx.positional().at(0));
    const auto read = readFolder(ctx, *folder, FolderSide::Base);
    if (!read)
        return;
    auto in = std::make_shared<FolderChangeSet>(*read);
    const bool refresh = ctx.isSet(QStringLiteral("refresh"));
    planFolder(ctx, in,
               [&ctx, folder, in, refresh](const ServiceMap& services, const ChangeSetPlan& plan) {
                   printPlan(ctx, plan);
                   if (!refresh) {
                       const int drifted = plan.count(Kind::Drifted) + plan.count(Kind::Gone);
                       ctx.finish(drifted > 0 ? ExitDifferences : ExitOk);
                       return;
                   }
                   const FolderRefresh refreshed = refreshFolder(*folder, *in, services, plan);
                   for (const QString& problem : refreshed.problems)
                       CliOutput::error(problem);
                   CliOutput::message(QObject::tr("%1 file(s) refreshed from the server, %2 kept")
                                          .arg(refreshed.adopted)
                                          .arg(refreshed.kept));
                   ctx.finish(refreshed.kept > 0 ? ExitConflict : ExitOk);
               });
}

} // namespace ca
