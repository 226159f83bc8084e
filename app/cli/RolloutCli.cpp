// What `connectorctl rollout` shows of a rollout, and the foreground loop of the subcommands that
// drive one (start, and resume/continue/retry/abort --rollback when no other process drives it).
#include "RolloutCli.h"

#include "CliOutput.h"
#include "CommandContext.h"
#include "ExitCode.h"
#include "Terminal.h"
#include "TimbalRollout.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTime>

#include <algorithm>
#include <memory>

namespace ca::RolloutCli {

namespace {

using Status = Rollout::Status;
using State = RolloutItem::State;

QString tr(const char* text)
{
    return QCoreApplication::translate("ca::RolloutCli", text);
}

constexpr int kBarWidth = 20;
constexpr int kFailedShown = 10;

// Done (█), in flight (▒), waiting (░), kBarWidth characters.
QString bar(const Rollout::WaveCounts& c)
{
    const auto cells = [&c](int n) {
        return c.total > 0 ? (n * kBarWidth + c.total / 2) / c.total : 0;
    };
    const int done = cells(c.done());
    const int busy = qMax(0, cells(c.done() + c.inFlight) - done);
    return QString(done, QChar(0x2588)) + QString(busy, QChar(0x2592)) +
           QString(kBarWidth - done - busy, QChar(0x2591));
}

QString targetText(const Rollout& r)
{
    if (r.kind == QLatin1String("rollback"))
        return tr("the versions they had before rollout %1").arg(r.parentId);
    const QString target = r.pinnedTarget.isEmpty() ? r.options.target : r.pinnedTarget;
    return target.isEmpty() ? tr("the latest release (chosen by Timbal)") : target;
}

QString command(const Rollout& r, const QString& rest)
{
    return QStringLiteral("`connectorctl rollout %1 %2`").arg(rest, r.profile);
}

// "05:20:01  wave 1 started" (local time; withDate: "2026-12-07 05:20:01  …").
QString eventLine(const RolloutEvent& e, bool withDate)
{
    const QDateTime local = e.time.toLocalTime();
    return local.toString(withDate ? QStringLiteral("yyyy-MM-dd HH:mm:ss")
                                   : QStringLiteral("HH:mm:ss")) +
           QStringLiteral("  ") + e.text;
}

// The commands that go on from where `r` stands; empty when it needs none (running, completed
// without failures).
QString nextSteps(const Rollout& r)
{
    const QString abort = command(r, QStringLiteral("abort [--rollback]"));
    switch (r.status) {
    case Status::Paused:
        return tr("go on with %1, or stop with %2")
            .arg(command(r, QStringLiteral("resume")), abort);
    case Status::AwaitingApproval:
        return tr("start the next wave with %1, or stop with %2")
            .arg(command(r, QStringLiteral("continue")), abort);
    case Status::NeedsAttention:
        return tr("go on with %1 (the failures so far stop counting), send the failed ones again "
                  "with %2, or stop with %3")
            .arg(command(r, QStringLiteral("resume")), command(r, QStringLiteral("retry")), abort);
    case Status::Completed:
        return r.allCounts().failed > 0 ? tr("the failed connectors and why: %1")
                                              .arg(command(r, QStringLiteral("status")))
                                        : QString();
    case Status::Running:
    case Status::BetweenWaves:
    case Status::Aborted:
        break;
    }
    return {};
}

// The exit code of a foreground command whose rollout ended up as `r`: 0 completed without
// failures, paused or waiting for Continue; 8 completed with failures, halted, or aborted unless
// this command asked for the abort.
int exitCodeOf(const Rollout& r, bool abortAsked)
{
    switch (r.status) {
    case Status::Completed:
        return r.allCounts().failed > 0 ? ExitPartial : ExitOk;
    case Status::NeedsAttention:
        return ExitPartial;
    case Status::Aborted:
        return abortAsked ? ExitOk : ExitPartial;
    case Status::Running:
    case Status::BetweenWaves:
    case Status::AwaitingApproval:
    case Status::Paused:
        break;
    }
    return ExitOk;
}

} // namespace

QString planText(const Rollout& r)
{
    const Rollout::WaveCounts all = r.allCounts();
    const RolloutOptions& o = r.options;
    const QString between =
        o.approveEach ? tr("each waits for %1").arg(command(r, QStringLiteral("continue")))
        : o.pauseBetweenMs > 0
            ? tr("a pause of %1").arg(RolloutOptions::durationText(o.pauseBetweenMs))
            : tr("none");
    QString text = tr("Rollout of %1 connector(s) of %2 to %3 in %4 wave(s); %5 skipped.\n")
                       .arg(all.total)
                       .arg(r.profile, targetText(r))
                       .arg(r.waveCount)
                       .arg(r.skippedCount());
    text += tr("Halts at %1; report time-out %2; %3 update(s) in flight at most; between waves: "
               "%4.\n")
                .arg(o.thresholdText(), RolloutOptions::durationText(o.reportTimeoutMs))
                .arg(o.parallel)
                .arg(between);
    // One table for every row, so that the columns line up across the waves; the headings go
    // between its lines.
    QList<QStringList> rows;
    QList<QPair<QString, int>> groups; // heading, rows under it
    const auto row = [](const RolloutItem& it, const QString& last) {
        return QStringList{it.id, it.name.isEmpty() ? QStringLiteral("-") : it.name, last};
    };
    for (int w = 0; w <= r.waveCount; ++w) {
        const bool skipped = w == r.waveCount;
        int n = 0;
        for (const RolloutItem& it : r.items) {
            if (skipped ? it.state != State::Skipped : it.wave != w || it.state == State::Skipped)
                continue;
            const QString from = it.fromVersion.isEmpty() ? QStringLiteral("?") : it.fromVersion;
            const QString to = r.targetOf(it).isEmpty() ? tr("latest") : r.targetOf(it);
            rows << (skipped ? row(it, from) << it.message
                             : row(it, from + QStringLiteral(" → ") + to));
            ++n;
        }
        if (n > 0)
            groups.append({skipped ? tr("skipped: %1 connector(s)").arg(n)
                                   : tr("%1: %2 connector(s)").arg(r.waveName(w)).arg(n),
                           n});
    }
    const QStringList lines = CliOutput::table(rows).split(QLatin1Char('\n'));
    int next = 0;
    for (const auto& [heading, n] : groups) {
        text += heading + QLatin1Char('\n');
        for (int k = 0; k < n; ++k)
            text += QStringLiteral("  ") + lines.at(next++) + QLatin1Char('\n');
    }
    return text;
}

QStringList waveLines(const Rollout& r)
{
    QList<QStringList> rows;
    for (int w = 0; w < r.waveCount; ++w) {
        const Rollout::WaveCounts c = r.waveCounts(w);
        rows << QStringList{tr("%1 (%2 of %3)").arg(r.waveName(w)).arg(w + 1).arg(r.waveCount),
                            bar(c),
                            tr("%1/%2 done, %3 failed, %4 in flight")
                                .arg(c.done())
                                .arg(c.total)
                                .arg(c.failed)
                                .arg(c.inFlight)};
    }
    return CliOutput::table(rows).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QString statusText(const Rollout& r, const QString& driver, int events)
{
    QString text =
        tr("rollout %1 of %2: %3 to %4, started %5 from %6\n")
            .arg(r.id, r.profile,
                 r.kind == QLatin1String("rollback") ? tr("rollback") : tr("update"), targetText(r),
                 r.created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                 auditToolName(r.tool));
    text += tr("state: %1\n").arg(r.stateText());
    for (const QString& line : waveLines(r))
        text += QStringLiteral("  ") + line + QLatin1Char('\n');
    text += tr("skipped: %1\n").arg(r.skippedCount());
    QStringList failed;
    for (const RolloutItem& it : r.items) {
        if (it.state == State::Failed)
            failed << QStringLiteral("  %1  %2").arg(it.id, it.message);
    }
    if (!failed.isEmpty()) {
        text += tr("failed: %1\n").arg(failed.size());
        for (const QString& line : failed.mid(0, kFailedShown))
            text += line + QLatin1Char('\n');
        if (failed.size() > kFailedShown)
            text += tr("  … %1 more (see --json)\n").arg(failed.size() - kFailedShown);
    }
    if (!driver.isEmpty())
        text += tr("driver: %1\n").arg(driver);
    else if (r.isSending() || r.status == Status::BetweenWaves)
        text += tr("driver: nobody: run %1 to go on\n").arg(command(r, QStringLiteral("resume")));
    else
        text += tr("driver: nobody\n");
    if (const QString steps = nextSteps(r); !steps.isEmpty())
        text += tr("next: %1\n").arg(steps);
    const qsizetype first = qMax<qsizetype>(0, r.events.size() - events);
    text += tr("events (the last %1 of %2):\n").arg(r.events.size() - first).arg(r.events.size());
    for (qsizetype i = first; i < r.events.size(); ++i)
        text += QStringLiteral("  ") + eventLine(r.events.at(i), true) + QLatin1Char('\n');
    return text;
}

QString actor()
{
    return QStringLiteral("connectorctl (process %1)").arg(QCoreApplication::applicationPid());
}

void printEnd(const Rollout& r, bool json)
{
    if (json)
        CliOutput::json(r.toJson());
    else
        CliOutput::dataLine(r.stateText());
    if (const QString steps = nextSteps(r); !steps.isEmpty())
        CliOutput::message(QStringLiteral("connectorctl: ") + steps);
}

void finishFlushed(CommandContext& ctx, int code)
{
    QString error;
    if (!ctx.audit().flush(&error))
        CliOutput::error(tr("audit records could not be written: %1").arg(error));
    ctx.finish(code);
}

namespace {

// The foreground of one driving command: what was printed so far, and the end.
class Follower
{
public:
    Follower(CommandContext& ctx, TimbalRollout* driver, const Follow& follow)
        : m_ctx(ctx), m_driver(driver), m_follow(follow), m_followed(driver->rollout().id),
          m_shownId(m_followed), m_events(follow.firstEvent),
          m_live(!follow.json && CliOutput::stderrIsTerminal())
    {
        // Failures from before this command (an action's) are not news.
        for (const RolloutItem& it : driver->rollout().items) {
            if (it.state == State::Failed)
                m_failed.insert(it.id);
        }
    }

    // The rollout changed: prints what is new, and ends on a halt found in the reports, which
    // may come without settled() when nothing was in flight.
    void changed()
    {
        print();
        if (!m_driver || m_done)
            return;
        const auto& items = m_driver->rollout().items;
        if (m_driver->rollout().status == Status::NeedsAttention &&
            std::none_of(items.cbegin(), items.cend(),
                         [](const RolloutItem& it) { return it.state == State::Sending; }))
            end();
    }

    // Prints what is new: the events, a line per connector that failed, the bars.
    void print()
    {
        if (!m_driver || m_done)
            return;
        const Rollout& r = m_driver->rollout();
        QStringList lines;
        if (r.id != m_shownId) {
            // The events the old one got after the last look (abort, rollback) are in its file.
            if (const auto old = m_driver->store().load(m_shownId))
                lines << eventsFrom(*old, m_events);
            lines << tr("now driving rollout %1 (%2)").arg(r.id, r.kind);
            m_shownId = r.id;
            m_events = 0;
            m_failed.clear();
        }
        lines << eventsFrom(r, m_events);
        m_events = r.events.size();
        const QString now = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
        for (const RolloutItem& it : r.items) {
            if (it.state != State::Failed) {
                m_failed.remove(it.id);
            } else if (!m_failed.contains(it.id)) {
                m_failed.insert(it.id);
                lines << tr("%1  %2 failed: %3").arg(now, it.id, it.message);
            }
        }
        if (m_live && !lines.isEmpty())
            CliOutput::progressLines({});
        for (const QString& line : std::as_const(lines)) {
            if (m_follow.json)
                CliOutput::message(line);
            else
                CliOutput::dataLine(line);
        }
        if (m_live)
            CliOutput::progressLines(waveLines(r));
    }

    // The rollout settled: prints its state and what to run next, lets go of it, finishes.
    void end()
    {
        if (!m_driver || m_done)
            return;
        const Rollout& r = m_driver->rollout();
        if (r.isSending() || r.status == Status::BetweenWaves)
            return;
        // abort --rollback: the rollback starts once the answers in flight came and the fleet was
        // read again; until then the aborted rollout only looks settled.
        if (m_follow.rollbackAsked && r.id == m_followed &&
            (r.events.isEmpty() || r.events.constLast().kind != QLatin1String("rollback")))
            return;
        print();
        m_done = true;
        const Rollout last = r;
        m_driver->detach();
        if (m_live)
            CliOutput::progressLines({});
        printEnd(last, m_follow.json);
        // Rolled back on another's abort: the rollout this command followed did not complete.
        const bool rolledBackByOther = last.id != m_followed && !m_follow.rollbackAsked;
        finishFlushed(m_ctx,
                      rolledBackByOther ? int(ExitPartial) : exitCodeOf(last, m_follow.abortAsked));
    }

    // SIGINT/SIGTERM: lets go of the rollout as it is and ends with 128 + the signal.
    void interrupt(int signal)
    {
        if (!m_driver || m_done)
            return;
        m_done = true;
        if (m_live)
            CliOutput::progressLines({});
        const Rollout r = m_driver->rollout();
        // Its POSTs in flight get their outcome records, the file is saved, the lock released.
        delete m_driver.data();
        if (m_follow.json)
            CliOutput::json(r.toJson());
        CliOutput::error(tr("interrupted: rollout %1 stays active (%2) and nobody drives it now")
                             .arg(r.id, r.stateText()),
                         tr("%1 goes on").arg(command(r, QStringLiteral("resume"))));
        finishFlushed(m_ctx, 128 + signal);
    }

    void warn(const QString& text)
    {
        if (m_live)
            CliOutput::progressLines({});
        CliOutput::message(QStringLiteral("connectorctl: warning: ") + text);
    }

private:
    static QStringList eventsFrom(const Rollout& r, qsizetype from)
    {
        QStringList out;
        for (qsizetype i = from; i < r.events.size(); ++i)
            out << eventLine(r.events.at(i), false);
        return out;
    }

    CommandContext& m_ctx;
    QPointer<TimbalRollout> m_driver;
    const Follow m_follow;
    const QString m_followed; // the rollout this command drove first
    QString m_shownId;        // the one whose events are printed (a rollback replaces it)
    qsizetype m_events = 0;
    QSet<QString> m_failed; // the failures printed
    bool m_done = false;
    const bool m_live;
};

} // namespace

void followRollout(CommandContext& ctx, TimbalRollout* driver, const Follow& follow)
{
    auto f = std::make_shared<Follower>(ctx, driver, follow);
    QObject::connect(driver, &TimbalRollout::changed, &ctx, [f] { f->changed(); });
    QObject::connect(
        driver, &TimbalRollout::settled, &ctx, [f] { f->end(); }, Qt::QueuedConnection);
    QObject::connect(driver, &TimbalRollout::warning, &ctx,
                     [f](const QString& text) { f->warn(text); });
    terminal::onInterrupt(&ctx, [f](int signal) { f->interrupt(signal); });
    // What happened before these connections (the start, an action applied right away).
    QMetaObject::invokeMethod(
        &ctx,
        [f] {
            f->changed();
            f->end();
        },
        Qt::QueuedConnection);
}

} // namespace ca::RolloutCli
