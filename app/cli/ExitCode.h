#pragma once

#include "ApiError.h"

namespace ca {

// connectorctl's exit codes, documented in --help and connectorctl(1). Scripts depend on them:
// never renumber, only add.
enum ExitCode : int
{
    ExitOk = 0,
    ExitDifferences = 1, // diff: the document differs from the connector
    ExitUsage = 2, // bad arguments, unknown command, a key on the command line, apply without --yes
    ExitNotFound = 3,  // unknown profile or connector
    ExitAuth = 4,      // no key, key rejected (401/403), keychain unavailable
    ExitInvalid = 5,   // bad JSON file, schema failure, refused id or body
    ExitNetwork = 6,   // time-out, 5xx, connection refused, malformed answer
    ExitConflict = 7,  // changed on the server since (apply's stale check); plan: a conflict
    ExitPartial = 8,   // update, apply DIR, set: some connectors failed; export: some files
    ExitUnrecorded = 9 // the audit record of the intent could not be written: nothing was sent
};

// The exit code for a failed operation, by what went wrong.
int exitCodeFor(const ApiError& error);

// The exit-code table as help text (shared by --help and the man page test).
QString exitCodeHelp();

} // namespace ca
