// rollout: staged rollouts of Timbal connector software (docs/rollouts.md), driven by
// TimbalRollout, the driver the window's rollout dialog uses too. `start` plans, previews and
// drives in the foreground; `status` reads the rollout's file (no network, no key); pause, resume,
// continue, retry and abort act on the profile's active rollout from any process (TimbalRollout::
// act: applied here when nobody drives it, else handed to the process that does).
#include "AuditLog.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"
#include "RolloutCli.h"
#include "RolloutStore.h"
#include "TimbalRollout.h"
#include "TimbalService.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace ca {

namespace {

using Status = Rollout::Status;

QString tr(const char* text)
{
    return QCoreApplication::translate("ca::RolloutCommand", text);
}

constexpr int kRequestPollMs = 200;
constexpr int kRequestWaitMs = 20000;
constexpr int kWatchPollMs = 500;
constexpr qint64 kMinPollIntervalMs = 100;

QString statusCommand(const QString& profile)
{
    return QStringLiteral("`connectorctl rollout status %1`").arg(profile);
}

// --- start: options and selection ---

struct StartRequest
{
    RolloutOptions options;
    QStringList ids; // --ids, in the order given: the order of the waves
    QString filter;
    bool dryRun = false;
    bool json = false;
};

bool readCount(CommandContext& ctx, const QString& option, int min, int max, int* out)
{
    if (!ctx.isSet(option))
        return true;
    bool ok = false;
    const int n = ctx.value(option).toInt(&ok);
    if (!ok || n < min || n > max) {
        ctx.fail(ExitUsage,
                 tr("--%1 must be a number from %2 to %3").arg(option).arg(min).arg(max));
        return false;
    }
    *out = n;
    return true;
}

bool readDuration(CommandContext& ctx, const QString& option, qint64 min, qint64* out)
{
    if (!ctx.isSet(option))
        return true;
    QString error;
    const auto ms = RolloutOptions::parseDuration(ctx.value(option), &error);
    if (!ms || *ms < min) {
        ctx.fail(ExitUsage,
                 ms ? tr("--%1 must be at least %2").arg(option, RolloutOptions::durationText(min))
                    : QStringLiteral("--%1: %2").arg(option, error));
        return false;
    }
    *out = *ms;
    return true;
}

std::optional<StartRequest> readStart(CommandContext& ctx)
{
    StartRequest q;
    RolloutOptions& o = q.options;
    q.ids = ctx.listValues(QStringLiteral("ids"));
    q.filter = ctx.value(QStringLiteral("filter"));
    q.dryRun = ctx.isSet(QStringLiteral("dry-run"));
    q.json = ctx.wantsJson();
    if (q.ids.isEmpty() && !ctx.isSet(QStringLiteral("filter")) &&
        !ctx.isSet(QStringLiteral("all-outdated"))) {
        ctx.fail(ExitUsage, tr("say which connectors to update"),
                 tr("--ids ID,..., --filter TEXT or --all-outdated (every connector not on the "
                    "target)"));
        return std::nullopt;
    }
    const auto version = ctx.readTargetVersion();
    if (!version)
        return std::nullopt;
    o.target = *version;
    o.canaryIds = ctx.listValues(QStringLiteral("canary-ids"));
    if (!o.canaryIds.isEmpty() && ctx.isSet(QStringLiteral("canary"))) {
        ctx.fail(ExitUsage, tr("give either --canary N or --canary-ids ID,..., not both"));
        return std::nullopt;
    }
    QString error;
    if (ctx.isSet(QStringLiteral("waves"))) {
        const auto waves = RolloutOptions::parseWaves(ctx.value(QStringLiteral("waves")), &error);
        if (!waves) {
            ctx.fail(ExitUsage, error);
            return std::nullopt;
        }
        o.wavePercents = *waves;
    }
    // The limits given replace the default (20%): "--max-failures 3" halts at 3 failures only,
    // both together at whichever comes first.
    if (ctx.isSet(QStringLiteral("max-failures"))) {
        o.maxFailurePercent = 0;
        o.maxFailureCount = 0;
        for (const QString& v : ctx.args().values(QStringLiteral("max-failures"))) {
            if (!o.parseMaxFailures(v, &error)) {
                ctx.fail(ExitUsage, error);
                return std::nullopt;
            }
        }
    }
    o.approveEach = ctx.isSet(QStringLiteral("approve-each"));
    if (!readCount(ctx, QStringLiteral("canary"), 1, 100000, &o.canaryCount) ||
        !readCount(ctx, QStringLiteral("min-finished"), 0, 1000000, &o.minFinished) ||
        !readDuration(ctx, QStringLiteral("report-timeout"), 1000, &o.reportTimeoutMs) ||
        !readDuration(ctx, QStringLiteral("pause-between"), 0, &o.pauseBetweenMs) ||
        !readDuration(ctx, QStringLiteral("poll-interval"), kMinPollIntervalMs,
                      &o.pollIntervalMs) ||
        !ctx.readParallel(&o.parallel))
        return std::nullopt;
    return q;
}

// The connectors --ids / --filter / --all-outdated pick from the fleet; nullopt after failing
// (an unknown id: 3, nothing matches: 3, a named canary not picked: 2).
std::optional<QList<Connector>> select(CommandContext& ctx, const QString& profile,
                                       const QList<Connector>& fleet, const StartRequest& q)
{
    QHash<QString, const Connector*> byId;
    for (const Connector& c : fleet)
        byId.insert(c.id, &c);
    QStringList unknown;
    for (const QString& id : q.ids) {
        if (!byId.contains(id))
            unknown << shownId(id);
    }
    if (!unknown.isEmpty()) {
        ctx.fail(ExitNotFound,
                 tr("no connector %1 in profile %2 (%3 unknown)")
                     .arg(unknown.mid(0, 5).join(QStringLiteral(", ")) +
                              (unknown.size() > 5 ? QStringLiteral(", …") : QString()),
                          profile)
                     .arg(unknown.size()),
                 tr("see `connectorctl list %1`; nothing was sent").arg(profile));
        return std::nullopt;
    }
    QList<Connector> chosen;
    if (!q.ids.isEmpty()) {
        for (const QString& id : q.ids) {
            if (matchesFilter(*byId.value(id), q.filter))
                chosen << *byId.value(id);
        }
    } else {
        for (const Connector& c : fleet) {
            if (matchesFilter(c, q.filter))
                chosen << c;
        }
    }
    if (chosen.isEmpty()) {
        ctx.fail(ExitNotFound, tr("no connector of %1 matches").arg(profile),
                 tr("see `connectorctl list %1 --filter TEXT`").arg(profile));
        return std::nullopt;
    }
    for (const QString& id : q.options.canaryIds) {
        if (!std::any_of(chosen.cbegin(), chosen.cend(),
                         [&id](const Connector& c) { return c.id == id; })) {
            ctx.fail(ExitUsage,
                     tr("--canary-ids: %1 is not among the connectors selected").arg(shownId(id)));
            return std::nullopt;
        }
    }
    return chosen;
}

// Fails with exit 7 when the profile has an active rollout (before anything is read or planned).
bool refuseActive(CommandContext& ctx, const RolloutStore& store, const QString& profile)
{
    const auto active = store.active();
    if (!active)
        return false;
    ctx.fail(ExitConflict,
             tr("rollout %1 is still active on profile %2: %3")
                 .arg(active->id, profile, active->stateText()),
             tr("see %1; go on with `connectorctl rollout resume %2` or end it with "
                "`connectorctl rollout abort %2`; nothing was sent")
                 .arg(statusCommand(profile), profile));
    return true;
}

void startRollout(CommandContext& ctx, TimbalService* service, const Rollout& planned,
                  const QString& dataDir, bool json)
{
    auto* driver = new TimbalRollout(service, &ctx.audit(), AuditTool::Cli, dataDir, &ctx);
    QString error;
    bool conflict = false;
    if (!driver->start(planned, &error, &conflict)) {
        // The lock's holder is named; the rollout it drives is in the store.
        if (const auto active = driver->store().active();
            conflict && active && !error.contains(active->id))
            error += tr("; its rollout is %1 (%2)").arg(active->id, active->stateText());
        delete driver;
        ctx.fail(conflict ? ExitConflict : ExitInvalid, error,
                 conflict ? tr("see %1; nothing was sent").arg(statusCommand(planned.profile))
                          : tr("nothing was sent"));
        return;
    }
    CliOutput::message(tr("connectorctl: rollout %1 started: %2 shows it from anywhere; Ctrl-C "
                          "lets go of it (it stays active, `connectorctl rollout resume %3` goes "
                          "on)")
                           .arg(planned.id, statusCommand(planned.profile), planned.profile));
    RolloutCli::Follow follow;
    follow.json = json;
    RolloutCli::followRollout(ctx, driver, follow);
}

// --- the actions ---

// Why `action` would change nothing on `r` now (TimbalRollout ignores it without a word), with the
// exit code to end with; nullopt when it applies. Saying so spares waiting for a driver's answer
// that never comes.
std::optional<QPair<QString, int>> refusalOf(const Rollout& r, const QString& action,
                                             const Profile& profile, const QString& dataDir)
{
    const bool moving = r.isSending() || r.status == Status::BetweenWaves;
    if (action == QLatin1String("pause") && r.status == Status::Paused)
        return qMakePair(tr("rollout %1 is already paused").arg(r.id), int(ExitOk));
    if (action == QLatin1String("continue") && r.status != Status::AwaitingApproval)
        return qMakePair(tr("rollout %1 does not wait for Continue: %2").arg(r.id, r.stateText()),
                         int(ExitConflict));
    if (action == QLatin1String("resume") && moving) {
        // Undriven (its process was killed or interrupted), resume takes it over.
        const QString driver = TimbalRollout::driverOf(profile, dataDir);
        if (!driver.isEmpty())
            return qMakePair(tr("rollout %1 is not paused or halted (%2); %3 drives it")
                                 .arg(r.id, r.stateText(), driver),
                             int(ExitOk));
    }
    return std::nullopt;
}

// The action went to the process that drives the rollout: waits until its file shows the event
// of this process's request, then prints the state.
void awaitRequest(CommandContext& ctx, const RolloutStore& store, const Rollout& active,
                  const QDateTime& asked)
{
    const QString id = active.id;
    const QString profile = active.profile;
    const QString by = RolloutCli::actor();
    auto* timer = new QTimer(&ctx);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    QObject::connect(
        timer, &QTimer::timeout, &ctx, [&ctx, store, id, profile, asked, by, timer, clock] {
            const auto r = store.load(id);
            const bool applied =
                r &&
                std::any_of(r->events.crbegin(), r->events.crend(), [&](const RolloutEvent& e) {
                    return e.time >= asked.addMSecs(-AuditLog::kOrderSlackMs) &&
                           e.text.contains(by);
                });
            if (applied) {
                timer->stop();
                RolloutCli::printEnd(*r);
                ctx.finish(ExitOk);
            } else if (clock->elapsed() > kRequestWaitMs) {
                timer->stop();
                ctx.fail(ExitNetwork,
                         tr("the process that drives rollout %1 has not taken the request in %2 s")
                             .arg(id)
                             .arg(kRequestWaitMs / 1000),
                         tr("it stays queued and is applied when that process looks next; see %1")
                             .arg(statusCommand(profile)));
            }
        });
    timer->start(kRequestPollMs);
}

void runAction(CommandContext& ctx, const QString& command)
{
    const bool abort = command == QLatin1String("abort");
    if (!ctx.expectPositional(
            1, 1,
            QStringLiteral("connectorctl rollout %1 NAME%2")
                .arg(command, abort ? QStringLiteral(" [--rollback]") : QString())))
        return;
    const auto profile = ctx.requireTimbalProfile(ctx.positional().at(0));
    if (!profile)
        return;
    const bool rollback = abort && ctx.isSet(QStringLiteral("rollback"));
    const QString action = rollback ? QStringLiteral("rollback") : command;
    const QString dataDir = ctx.audit().directory();
    const RolloutStore store(dataDir, profile->name);
    QString why;
    const auto active = store.active(&why);
    if (!active) {
        if (!why.isEmpty())
            ctx.fail(ExitInvalid, why);
        else
            ctx.fail(ExitNotFound, tr("no active rollout on profile %1").arg(profile->name),
                     tr("see %1").arg(statusCommand(profile->name)));
        return;
    }
    if (const auto refusal = refusalOf(*active, action, *profile, dataDir)) {
        CliOutput::message(QStringLiteral("connectorctl: ") + refusal->first);
        ctx.finish(refusal->second);
        return;
    }
    ctx.withService(*profile, [&ctx, action, dataDir, store, active = *active, abort,
                               rollback](ConnectorService* base) {
        auto* driver = new TimbalRollout(static_cast<TimbalService*>(base), &ctx.audit(),
                                         AuditTool::Cli, dataDir, &ctx);
        QString error;
        const QDateTime asked = QDateTime::currentDateTimeUtc();
        switch (driver->act(action, RolloutCli::actor(), &error)) {
        case TimbalRollout::ActResult::NoRollout:
            ctx.fail(ExitNotFound, tr("no active rollout on profile %1").arg(active.profile));
            return;
        case TimbalRollout::ActResult::Failed:
            ctx.fail(ExitInvalid, error);
            return;
        case TimbalRollout::ActResult::Requested:
            delete driver;
            CliOutput::message(
                QStringLiteral("connectorctl: %1: asked it to %2").arg(error, action));
            awaitRequest(ctx, store, active, asked);
            return;
        case TimbalRollout::ActResult::Applied:
            break;
        }
        if (driver->isDriving()) {
            RolloutCli::Follow follow;
            follow.abortAsked = abort;
            follow.rollbackAsked = rollback;
            follow.firstEvent = active.events.size();
            RolloutCli::followRollout(ctx, driver, follow);
            return;
        }
        RolloutCli::printEnd(driver->rollout());
        RolloutCli::finishFlushed(ctx, ExitOk);
    });
}

// --- status ---

// Who drives `r`, for status: asked only while it is active, as asking takes the lock for a moment
// (a driver starting just then would take that for a conflict), and nobody drives a finished one.
void printStatus(const Rollout& r, const Profile& profile, const QString& dataDir, bool json)
{
    const QString driver = r.isActive() ? TimbalRollout::driverOf(profile, dataDir) : QString();
    if (json)
        CliOutput::json(QJsonObject{{QStringLiteral("rollout"), r.toJson()},
                                    {QStringLiteral("driver"), driver}});
    else
        CliOutput::data(RolloutCli::statusText(r, driver));
}

} // namespace

void runRolloutStart(CommandContext& ctx)
{
    if (!ctx.expectPositional(
            1, 1,
            QStringLiteral("connectorctl rollout start NAME (--ids ID,... | --filter TEXT | "
                           "--all-outdated) [options]")))
        return;
    const auto request = readStart(ctx);
    if (!request)
        return;
    const auto profile = ctx.requireTimbalProfile(ctx.positional().at(0));
    if (!profile)
        return;
    const QString dataDir = ctx.audit().directory();
    if (!request->dryRun && refuseActive(ctx, RolloutStore(dataDir, profile->name), profile->name))
        return;
    const auto q = std::make_shared<StartRequest>(*request);
    ctx.withService(*profile, [&ctx, q, dataDir](ConnectorService* base) {
        auto* service = static_cast<TimbalService*>(base);
        for (const QString& id : q->ids) {
            if (ctx.refuseId(*service, id))
                return;
        }
        ConnectorListJob* list = service->list();
        QObject::connect(list, &ConnectorListJob::finished, &ctx,
                         [&ctx, service, q, dataDir](const ConnectorListResult& r) {
                             if (!r.ok()) {
                                 ctx.fail(r.error);
                                 return;
                             }
                             const QString profile = service->profile().name;
                             const auto chosen = select(ctx, profile, r.connectors, *q);
                             if (!chosen)
                                 return;
                             QString error;
                             const auto planned =
                                 TimbalRollout::plan(service, *chosen, q->options, &ctx.audit(),
                                                     AuditTool::Cli, &error);
                             if (!planned) {
                                 ctx.fail(ExitInvalid, tr("cannot plan the rollout: %1").arg(error),
                                          tr("nothing was sent"));
                                 return;
                             }
                             if (q->dryRun) {
                                 if (q->json)
                                     CliOutput::json(planned->toJson());
                                 else
                                     CliOutput::data(RolloutCli::planText(*planned));
                                 CliOutput::message(tr("connectorctl: dry run: nothing was sent"));
                                 ctx.finish(ExitOk);
                                 return;
                             }
                             if (!q->json)
                                 CliOutput::data(RolloutCli::planText(*planned));
                             startRollout(ctx, service, *planned, dataDir, q->json);
                         });
    });
}

void runRolloutStatus(CommandContext& ctx)
{
    if (!ctx.expectPositional(
            1, 1, QStringLiteral("connectorctl rollout status NAME [--watch] [--json]")))
        return;
    const auto profile = ctx.requireTimbalProfile(ctx.positional().at(0));
    if (!profile)
        return;
    // No key and no network: the rollout's file says it all (AuditLog's directory, without
    // starting its writer).
    const QString dataDir = AuditLog::defaultDirectory();
    const RolloutStore store(dataDir, profile->name);
    const bool json = ctx.wantsJson();
    const auto look = [&ctx, store, profile = *profile]() -> std::optional<Rollout> {
        QString why;
        auto r = store.latest(&why);
        if (!r && why.isEmpty())
            ctx.fail(ExitNotFound, tr("no rollout on profile %1").arg(profile.name),
                     tr("start one with `connectorctl rollout start %1 …`").arg(profile.name));
        else if (!r)
            ctx.fail(ExitInvalid, why);
        return r;
    };
    const auto first = look();
    if (!first)
        return;
    if (!ctx.isSet(QStringLiteral("watch")) || !first->isActive()) {
        printStatus(*first, *profile, dataDir, json);
        ctx.finish(ExitOk);
        return;
    }
    // --watch: on a terminal the state and the waves redrawn in place; to a pipe one line each
    // time the state text changes. Who drives it is not asked meanwhile (see printStatus).
    const bool live = !json && CliOutput::stdoutIsTerminal() && CliOutput::stderrIsTerminal();
    auto shown = std::make_shared<QString>();
    auto* timer = new QTimer(&ctx);
    const auto tick = [&ctx, look, live, json, shown, timer, profile = *profile, dataDir] {
        const auto r = look();
        if (!r) {
            timer->stop();
            return;
        }
        const QString state = r->stateText();
        if (!live && !json && state != *shown)
            CliOutput::dataLine(state);
        *shown = state;
        if (r->isActive()) {
            if (live) {
                QStringList lines{state};
                for (const QString& line : RolloutCli::waveLines(*r))
                    lines << QStringLiteral("  ") + line;
                CliOutput::progressLines(lines);
            }
            return;
        }
        timer->stop();
        if (live)
            CliOutput::progressLines({});
        if (live || json)
            printStatus(*r, profile, dataDir, json);
        ctx.finish(ExitOk);
    };
    QObject::connect(timer, &QTimer::timeout, &ctx, tick);
    timer->start(kWatchPollMs);
    tick();
}

void runRolloutPause(CommandContext& ctx)
{
    runAction(ctx, QStringLiteral("pause"));
}

void runRolloutResume(CommandContext& ctx)
{
    runAction(ctx, QStringLiteral("resume"));
}

void runRolloutContinue(CommandContext& ctx)
{
    runAction(ctx, QStringLiteral("continue"));
}

void runRolloutRetry(CommandContext& ctx)
{
    runAction(ctx, QStringLiteral("retry"));
}

void runRolloutAbort(CommandContext& ctx)
{
    runAction(ctx, QStringLiteral("abort"));
}

} // namespace ca
