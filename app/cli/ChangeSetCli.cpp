#include "ChangeSetCli.h"

#include "CliOutput.h"
#include "CommandContext.h"
#include "ExitCode.h"
#include "HttpClient.h"

#include <QJsonArray>
#include <memory>

namespace ca {

namespace {

using Kind = ChangeSetItem::Kind;

QString indented(const QString& text)
{
    QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (QString& line : lines)
        line.prepend(QStringLiteral("    "));
    return lines.join(QLatin1Char('\n'));
}

QString marker(Kind kind)
{
    switch (kind) {
    case Kind::ToChange:
        return QStringLiteral("~");
    case Kind::Conflict:
        return QStringLiteral("!");
    case Kind::Drifted:
        return QStringLiteral("*");
    case Kind::Gone:
        return QStringLiteral("-");
    case Kind::Refused:
        return QStringLiteral("x");
    case Kind::Unchanged:
        break;
    }
    return QStringLiteral("=");
}

void printItem(const ChangeSetItem& item)
{
    QString head = QStringLiteral("%1 %2/%3 %4: %5")
                       .arg(marker(item.kind), item.entry.profile, shownId(item.entry.connectorId),
                            item.name == item.entry.connectorId
                                ? QString()
                                : QLatin1Char('"') + item.name + QLatin1Char('"'),
                            ChangeSetItem::kindName(item.kind));
    if (!item.reason.isEmpty())
        head += QStringLiteral(" (") + item.reason + QLatin1Char(')');
    if (!item.entry.source.isEmpty() && item.kind == Kind::Refused)
        head += QStringLiteral(" in ") + item.entry.source;
    CliOutput::dataLine(head);
    if (item.kind == Kind::ToChange && item.review) {
        CliOutput::dataLine(indented(item.review->diffText()));
        for (const QString& reset : item.review->resets())
            CliOutput::dataLine(QStringLiteral("    ! ") + reset);
    } else if (item.kind == Kind::Conflict && item.merge) {
        CliOutput::dataLine(indented(item.merge->toText()));
    } else if (item.kind == Kind::Drifted && !item.driftText.isEmpty()) {
        CliOutput::dataLine(indented(item.driftText));
    }
}

QString resultLine(const ChangeSetRun::Item& item)
{
    QString message = item.message;
    for (const QString& note : item.verifyNotes)
        message += QStringLiteral("; ") + note;
    return message;
}

} // namespace

void withServices(CommandContext& ctx, const QStringList& profiles,
                  std::function<void(const ServiceMap&)> ready)
{
    auto collected = std::make_shared<ServiceMap>();
    auto waiting = std::make_shared<int>(int(profiles.size()));
    if (profiles.isEmpty()) {
        ready(*collected);
        return;
    }
    for (const QString& name : profiles) {
        const std::optional<Profile> profile = ctx.requireProfile(name);
        if (!profile)
            return;
        ctx.withService(*profile, [&ctx, name, collected, waiting, ready](ConnectorService* s) {
            collected->insert(name, s);
            if (--*waiting == 0 && !ctx.isFinished())
                ready(*collected);
        });
        if (ctx.isFinished())
            return;
    }
}

void printPlan(CommandContext& ctx, const ChangeSetPlan& plan)
{
    if (ctx.wantsJson()) {
        QJsonArray items;
        for (const ChangeSetItem& item : plan.items)
            items.append(item.toJson());
        CliOutput::json(QJsonObject{{QStringLiteral("items"), items},
                                    {QStringLiteral("summary"), plan.summaryJson()}});
        return;
    }
    for (const ChangeSetItem& item : plan.items) {
        if (item.kind != Kind::Unchanged)
            printItem(item);
    }
    CliOutput::dataLine(plan.summaryLine());
}

int planExitCode(const ChangeSetPlan& plan)
{
    if (plan.count(Kind::Conflict) > 0)
        return ExitConflict;
    if (plan.count(Kind::Refused) > 0)
        return ExitInvalid;
    return plan.count(Kind::ToChange) > 0 ? ExitDifferences : ExitOk;
}

std::optional<ChangeSetApplyOptions> readChangeSetApplyOptions(CommandContext& ctx)
{
    ChangeSetApplyOptions o;
    o.yes = ctx.isSet(QStringLiteral("yes"));
    o.dryRun = ctx.isSet(QStringLiteral("dry-run"));
    if (!ctx.readParallel(&o.parallel))
        return std::nullopt;
    if (ctx.args().optionNames().contains(QStringLiteral("resolve"))) {
        const QString how = ctx.value(QStringLiteral("resolve"));
        if (how == QLatin1String("mine")) {
            o.resolve = ChangeSetItem::Resolution::KeepMine;
        } else if (how == QLatin1String("server")) {
            o.resolve = ChangeSetItem::Resolution::KeepServer;
        } else {
            ctx.fail(ExitUsage, QObject::tr("--resolve takes mine or server"));
            return std::nullopt;
        }
    }
    return o;
}

bool refuseUnconfirmable(CommandContext& ctx, const ChangeSetApplyOptions& options)
{
    if (options.yes || options.dryRun || CliOutput::stdinIsTerminal())
        return false;
    ctx.fail(
        ExitUsage, QObject::tr("applying needs a confirmation and stdin is not a terminal"),
        QObject::tr("review the plan first, then pass --yes (or --dry-run); nothing was sent"));
    return true;
}

void applyChangeSet(CommandContext& ctx, const ServiceMap& services, ChangeSetPlan plan,
                    const ChangeSetApplyOptions& options,
                    std::function<void(const ChangeSetRun&)> applied)
{
    if (options.resolve != ChangeSetItem::Resolution::None) {
        for (qsizetype i = 0; i < plan.items.size(); ++i) {
            if (plan.items.at(i).kind == Kind::Conflict)
                plan.resolve(i, options.resolve);
        }
    }
    printPlan(ctx, plan);
    const int conflicts = plan.count(Kind::Conflict);
    if (conflicts > 0)
        CliOutput::error(QObject::tr("%1 connector(s) changed both here and on the server are not "
                                     "sent")
                             .arg(conflicts),
                         QObject::tr("choose with --resolve mine|server, or edit the files"));
    const QList<qsizetype> sending = plan.toApply();
    if (sending.isEmpty() || options.dryRun) {
        if (options.dryRun && !sending.isEmpty())
            CliOutput::message(QObject::tr("--dry-run: nothing sent"));
        else
            CliOutput::message(QObject::tr("nothing to apply"));
        ctx.finish(conflicts > 0 ? ExitConflict : ExitOk);
        return;
    }
    if (!options.yes && !CliOutput::confirm(QObject::tr("Apply the changes to %n connector(s)?",
                                                        nullptr, int(sending.size())))) {
        CliOutput::message(QObject::tr("not applied; nothing sent"));
        ctx.finish(ExitOk);
        return;
    }
    // Qt's manager opens 6 connections per host; a wider run goes through the client's own pool,
    // as wide as --parallel (nothing is in flight on it now: the lists are done).
    if (options.parallel > HttpClient::kQtConnectionsPerHost)
        ctx.http()->setMaxConnectionsPerHost(options.parallel);
    auto* run = new ChangeSetRun(services, plan, &ctx);
    run->setConcurrency(options.parallel);
    run->setAuditLog(&ctx.audit(), AuditTool::Cli);
    if (!ctx.wantsJson() && CliOutput::stderrIsTerminal()) {
        QObject::connect(run, &ChangeSetRun::itemChanged, run,
                         [run] { CliOutput::progress(run->summaryLine()); });
    }
    QObject::connect(run, &ChangeSetRun::finished, &ctx, [&ctx, run, conflicts, applied] {
        QString error;
        if (!ctx.audit().flush(&error))
            CliOutput::error(QObject::tr("the audit records could not be written: %1").arg(error));
        if (applied)
            applied(*run);
        bool unrecorded = false;
        if (ctx.wantsJson()) {
            CliOutput::json(run->toJson());
        } else {
            QList<QStringList> rows{{QStringLiteral("PROFILE"), QStringLiteral("ID"),
                                     QStringLiteral("NAME"), QStringLiteral("RESULT"),
                                     QStringLiteral("MESSAGE")}};
            for (const ChangeSetRun::Item& item : run->items())
                rows.append({item.planned.entry.profile, shownId(item.planned.entry.connectorId),
                             item.planned.name, ChangeSetRun::stateId(item.state),
                             resultLine(item)});
            CliOutput::data(CliOutput::table(rows));
        }
        for (const ChangeSetRun::Item& item : run->items())
            unrecorded = unrecorded || item.unrecorded;
        const ChangeSetRun::Counts c = run->counts();
        CliOutput::message(
            QObject::tr("change set %1: %2").arg(run->changeSetId(), run->summaryLine()));
        if (unrecorded)
            ctx.finish(ExitUnrecorded);
        else if (c.applied < c.total)
            ctx.finish(ExitPartial);
        else
            ctx.finish(conflicts > 0 ? ExitConflict : ExitOk);
    });
    run->start();
}

} // namespace ca
