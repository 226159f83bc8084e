// update: Timbal software updates for many connectors, driven by TimbalUpdateRun (the same run the
// GUI's bulk-update dialog uses: bounded concurrency, one POST per connector, polling, audit).
#include "AuditLog.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"
#include "Semver.h"
#include "TimbalUpdateRun.h"

#include <QJsonArray>
#include <QSet>
#include <memory>

namespace ca {

namespace {

using RowState = TimbalUpdateRun::RowState;

QString rowLine(const TimbalUpdateRun::Row& r)
{
    const QString to = r.toVersion.isEmpty() ? QStringLiteral("latest") : r.toVersion;
    QString line =
        QStringLiteral("%1  %2 → %3  %4")
            .arg(r.connector.id, r.fromVersion.isEmpty() ? QStringLiteral("?") : r.fromVersion, to,
                 TimbalUpdateRun::stateId(r.state));
    if (!r.message.isEmpty())
        line += QStringLiteral(": ") + r.message;
    return line;
}

QJsonObject rowJson(const TimbalUpdateRun::Row& r)
{
    return {{QStringLiteral("id"), r.connector.id},
            {QStringLiteral("name"), r.connector.displayName},
            {QStringLiteral("from"), r.fromVersion},
            {QStringLiteral("to"), r.toVersion},
            {QStringLiteral("state"), TimbalUpdateRun::stateId(r.state)},
            {QStringLiteral("message"), r.message},
            {QStringLiteral("httpStatus"), r.httpStatus},
            {QStringLiteral("mayHaveBeenDispatched"), r.mayHaveBeenDispatched}};
}

QString summaryOf(const TimbalUpdateRun::Counts& c)
{
    QStringList parts;
    for (int s = 0; s < TimbalUpdateRun::kStateCount; ++s) {
        if (c.byState[size_t(s)] > 0)
            parts << QStringLiteral("%1 %2")
                         .arg(c.byState[size_t(s)])
                         .arg(TimbalUpdateRun::stateId(RowState(s)));
    }
    return QObject::tr("%1 connectors: %2").arg(c.total).arg(parts.join(QStringLiteral(", ")));
}

struct UpdateOptions
{
    QString version;
    int parallel = 4;
    bool wait = false;
    int timeoutS = 120;
    bool json = false;
    bool force = false;
    int windowMinutes = int(TimbalDispatchRecords::kDefaultWindowMs / 60000);
};

// Starts the run over `connectors` and finishes the command when it ends. `fetchFailures` are
// ids that could not even be read (counted as failed).
void startRun(CommandContext& ctx, TimbalService* service, const QList<Connector>& connectors,
              const UpdateOptions& o, int fetchFailures)
{
    auto* run = new TimbalUpdateRun(service, connectors, &ctx);
    run->setTargetVersion(o.version);
    run->setConcurrency(o.parallel);
    run->setPollingEnabled(o.wait);
    run->setPollTimeoutMs(o.timeoutS * 1000);
    run->setAuditLog(&ctx.audit(), AuditTool::Cli);
    run->setDispatchWindowMs(qint64(o.windowMinutes) * 60000);
    run->setForce(o.force);
    const bool live = !o.json && CliOutput::stderrIsTerminal();
    auto reported = std::make_shared<QSet<int>>();
    // One line per connector once its result is final (skipped ones as soon as the run starts).
    auto report = [run, o, reported, live](int i) {
        const auto& r = run->rows().at(i);
        if (!run->isStarted() || !run->isFinal(r.state) || reported->contains(i))
            return;
        reported->insert(i);
        if (o.json)
            return;
        if (live)
            CliOutput::progress(QString()); // clear the status line before the row's line
        CliOutput::dataLine(rowLine(r));
    };
    QObject::connect(run, &TimbalUpdateRun::previewReady, &ctx, [&ctx, run, report] {
        if (!run->planError().isEmpty()) {
            ctx.fail(ExitInvalid, QObject::tr("cannot update: %1").arg(run->planError()),
                     QObject::tr("give a version such as 0.1.3, or leave --version out for "
                                 "the latest; nothing was sent"));
            return;
        }
        if (!run->planWarning().isEmpty())
            CliOutput::message(QStringLiteral("connectorctl: ") + run->planWarning().trimmed());
        run->start();
        for (int i = 0; i < run->rows().size(); ++i)
            report(i);
    });
    QObject::connect(run, &TimbalUpdateRun::rowChanged, &ctx, report);
    if (live) {
        QObject::connect(run, &TimbalUpdateRun::countsChanged, &ctx,
                         [run](const TimbalUpdateRun::Counts& c) {
                             if (run->isStarted())
                                 CliOutput::progress(QStringLiteral("[%1/%2] %3")
                                                         .arg(c.finished)
                                                         .arg(c.total)
                                                         .arg(summaryOf(c)));
                         });
    }
    QObject::connect(
        run, &TimbalUpdateRun::finished, &ctx,
        [&ctx, run, o, fetchFailures, live](const TimbalUpdateRun::Counts& c) {
            if (live)
                CliOutput::progress(QString());
            if (o.json) {
                QJsonArray out;
                for (const auto& r : run->rows())
                    out.append(rowJson(r));
                CliOutput::json(out);
            } else {
                CliOutput::dataLine(summaryOf(c));
            }
            // The run appended without waiting for the disk: its records become durable here,
            // before the process ends (one fsync for whatever is still queued).
            QString error;
            if (!ctx.audit().flush(&error))
                CliOutput::error(QObject::tr("audit records could not be written: %1").arg(error));
            if (const QString unrecorded = run->unrecordedSummary(); !unrecorded.isEmpty()) {
                ctx.fail(ExitUnrecorded, unrecorded);
                return;
            }
            const int failed = c.of(RowState::Failed) + c.of(RowState::TimedOut) + fetchFailures;
            ctx.finish(failed > 0 ? ExitPartial : ExitOk);
        });
    run->preview();
}

} // namespace

void runUpdate(CommandContext& ctx)
{
    const QString usage = QStringLiteral(
        "connectorctl update NAME ID... [--all-outdated] [--version V] [--parallel N] [--wait "
        "[--timeout S]] [--force] [--dispatch-window MIN] [--json]");
    const bool all = ctx.isSet(QStringLiteral("all-outdated"));
    if (!ctx.expectPositional(all ? 1 : 2, -1, usage))
        return;
    UpdateOptions o;
    o.json = ctx.wantsJson();
    o.wait = ctx.isSet(QStringLiteral("wait"));
    bool ok = true;
    if (!ctx.readParallel(&o.parallel))
        return;
    o.force = ctx.isSet(QStringLiteral("force"));
    if (ctx.isSet(QStringLiteral("dispatch-window"))) {
        o.windowMinutes = ctx.value(QStringLiteral("dispatch-window")).toInt(&ok);
        if (!ok || o.windowMinutes < 0 || o.windowMinutes > 24 * 60) {
            ctx.fail(ExitUsage,
                     QObject::tr("--dispatch-window must be a number of minutes from 0 to 1440"));
            return;
        }
    }
    const auto version = ctx.readTargetVersion();
    if (!version)
        return;
    o.version = *version;
    if (ctx.isSet(QStringLiteral("timeout"))) {
        if (!o.wait) {
            ctx.fail(ExitUsage, QObject::tr("--timeout only applies with --wait"));
            return;
        }
        o.timeoutS = ctx.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || o.timeoutS < 1) {
            ctx.fail(ExitUsage, QObject::tr("--timeout must be a number of seconds ≥ 1"));
            return;
        }
    }
    const auto profile = ctx.requireTimbalProfile(ctx.positional().at(0));
    if (!profile)
        return;
    const QStringList ids = ctx.positional().mid(1);
    ctx.withService(*profile, [&ctx, ids, all, o](ConnectorService* base) {
        auto* service = static_cast<TimbalService*>(base);
        for (const QString& id : ids) {
            if (ctx.refuseId(*service, id))
                return;
        }
        if (all) {
            // With --version: every connector not on it. Without: every connector, as only
            // Timbal knows its latest (those already on it answer "already current").
            ConnectorListJob* list = service->list();
            QObject::connect(
                list, &ConnectorListJob::finished, &ctx,
                [&ctx, service, ids, o](const ConnectorListResult& r) {
                    if (!r.ok()) {
                        ctx.fail(r.error);
                        return;
                    }
                    QList<Connector> chosen;
                    const QSet<QString> wanted(ids.cbegin(), ids.cend());
                    const QString target = Semver::normalized(o.version);
                    for (const Connector& c : r.connectors) {
                        if ((wanted.isEmpty() || wanted.contains(c.id)) &&
                            (target.isEmpty() || Semver::normalized(c.version) != target))
                            chosen.append(c);
                    }
                    startRun(ctx, service, chosen, o, 0);
                });
            return;
        }
        // Read each named connector first: the run plans from fresh snapshots.
        struct Fetch
        {
            QList<std::optional<Connector>> found;
            int pending = 0;
            int failures = 0;
            ApiError firstError;
        };
        auto fetch = std::make_shared<Fetch>();
        fetch->found.resize(ids.size());
        fetch->pending = int(ids.size());
        for (int i = 0; i < ids.size(); ++i) {
            ConnectorJob* job = service->get(ids.at(i));
            QObject::connect(job, &ConnectorJob::finished, &ctx,
                             [&ctx, service, fetch, i, ids, o](const ConnectorResult& r) {
                                 if (r.ok()) {
                                     fetch->found[i] = r.connector;
                                 } else {
                                     ++fetch->failures;
                                     if (!fetch->firstError.isError())
                                         fetch->firstError = r.error;
                                     CliOutput::error(r.error);
                                 }
                                 if (--fetch->pending > 0)
                                     return;
                                 QList<Connector> chosen;
                                 for (const auto& c : fetch->found)
                                     if (c)
                                         chosen.append(*c);
                                 if (chosen.isEmpty()) {
                                     // Nothing could be read: the first error says why (unknown id,
                                     // server down).
                                     ctx.finish(exitCodeFor(fetch->firstError));
                                     return;
                                 }
                                 startRun(ctx, service, chosen, o, fetch->failures);
                             });
        }
    });
}

} // namespace ca
