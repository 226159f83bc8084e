#pragma once

#include "Rollout.h"

#include <QString>
#include <QStringList>

namespace ca {

class CommandContext;
class TimbalRollout;

// What `connectorctl rollout` shows of a staged rollout (RolloutCommand.cpp runs the commands):
// the plan, the waves as bars, the events, the full status, what to run next and the exit code a
// rollout's end stands for. Text only, from the Rollout model; the one foreground loop that every
// subcommand that drives a rollout shares is followRollout().
namespace RolloutCli {

// Per wave its connectors ("con_000012  Reception  0.1.2 → 0.1.5"), then the skipped ones with
// their reason, under a heading with the target, the counts and the thresholds.
QString planText(const Rollout& r);
// One line per wave: "wave 1 (2 of 3)  ████▒░░░░░  12/40 done, 1 failed, 4 in flight".
QStringList waveLines(const Rollout& r);
// `rollout status`: the state, the waves, the skipped and failed ones, who drives it (`driver`,
// empty: nobody) and the last `events` events.
QString statusText(const Rollout& r, const QString& driver, int events = 10);

// The `by` of this process's actions, for the event log: "connectorctl (process 4242)".
QString actor();

// Where a command leaves the rollout: its state text (with `json` the rollout as JSON) on stdout,
// the commands that go on from there on stderr.
void printEnd(const Rollout& r, bool json = false);

// Ends the command with `code` once the audit records this process appended (a driver's events,
// an action) are durable.
void finishFlushed(CommandContext& ctx, int code);

struct Follow
{
    bool json = false;          // stdout gets the rollout as JSON at the end; events go to stderr
    bool abortAsked = false;    // this command asked for the abort: it is no failure
    bool rollbackAsked = false; // abort --rollback: the end is the rollback's
    qsizetype firstEvent = 0;   // the first event to print (an action: those after it)
};

// Stays in the foreground while `driver` (driving, a child of ctx) drives: prints every new
// event as a line (stdout), redraws a bar per wave on a terminal's stderr, and finishes ctx when
// the rollout settles: 0 completed without failures, paused or waiting for Continue; 8 completed
// with failures, halted, or aborted unless this command asked for the abort. SIGINT/SIGTERM let go
// of the rollout (it stays active; `rollout resume` goes on) and end with 128 + the signal.
void followRollout(CommandContext& ctx, TimbalRollout* driver, const Follow& follow);

} // namespace RolloutCli

} // namespace ca
