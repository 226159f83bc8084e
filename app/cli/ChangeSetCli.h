#pragma once

// What `connectorctl plan / apply DIR / drift / set` share: the services of several profiles, the
// plan as text or JSON, its exit code, and the apply of a plan through ChangeSetRun (the engine
// the window's change-set review drives too).

#include "ChangeSet.h"
#include "ChangeSetRun.h"

#include <QHash>
#include <functional>
#include <optional>

namespace ca {

class CommandContext;

using ServiceMap = QHash<QString, ConnectorService*>;

// Resolves the service of every profile in `profiles` (unknown profile: exit 3, no key: exit 4)
// and calls `ready` once with all of them. On a failure the command has failed and `ready` is
// never called.
void withServices(CommandContext& ctx, const QStringList& profiles,
                  std::function<void(const ServiceMap&)> ready);

// The plan for the terminal (every item that is not unchanged, with its diff, drift, conflicts or
// reason, then the summary line) or, with --json, {"items": [...], "summary": {...}}.
void printPlan(CommandContext& ctx, const ChangeSetPlan& plan);

// plan's exit code: 7 a conflict, 5 a refused item (an invalid file, a masked value), 1 changes
// to apply, 0 nothing to do.
int planExitCode(const ChangeSetPlan& plan);

// The apply options of `apply DIR` and `set`: --yes, --dry-run, --parallel N, --resolve
// mine|server. nullopt when one is malformed (the command has failed, exit 2).
struct ChangeSetApplyOptions
{
    bool yes = false;
    bool dryRun = false;
    int parallel = 4;
    ChangeSetItem::Resolution resolve = ChangeSetItem::Resolution::None;
};
std::optional<ChangeSetApplyOptions> readChangeSetApplyOptions(CommandContext& ctx);
// Fails with exit 2 when a confirmation is needed and stdin cannot give one.
bool refuseUnconfirmable(CommandContext& ctx, const ChangeSetApplyOptions& options);

// Prints the plan, settles its conflicts by --resolve, asks (unless --yes), applies the items to
// change (ChangeSetRun, the command's audit log), prints one row per item and finishes: 0 all
// applied, 8 some failed, 7 conflicts left unsent, 9 an intent could not be recorded. `applied`
// runs after the run, before the command finishes (e.g. to update the folder's bases).
void applyChangeSet(CommandContext& ctx, const ServiceMap& services, ChangeSetPlan plan,
                    const ChangeSetApplyOptions& options,
                    std::function<void(const ChangeSetRun&)> applied = {});

} // namespace ca
