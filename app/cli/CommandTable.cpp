// The table of connectorctl's commands (CompletionScripts.cpp writes the shells' completion
// from it).
#include "Commands.h"
#include "Secrets.h"

#include <QObject>

namespace ca {

namespace {

QCommandLineOption jsonOption(const QString& what)
{
    return QCommandLineOption(QStringLiteral("json"), what);
}

QCommandLineOption parallelOption()
{
    return QCommandLineOption(QStringLiteral("parallel"),
                              QObject::tr("Connectors in flight at once (1-64, default 4)."),
                              QStringLiteral("N"));
}

// `rollout start|status|pause|resume|continue|retry|abort`: a staged rollout of Timbal software.
QList<CommandSpec> rolloutCommands(const CommandSpec::Argument& profile)
{
    const auto option = [](const char* name, const QString& text, const char* value = nullptr) {
        return QCommandLineOption(QLatin1String(name), text,
                                  value ? QLatin1String(value) : QString());
    };
    QList<CommandSpec> t;
    t.append(
        {QStringLiteral("rollout start"),
         QStringLiteral("NAME [--version V] (--ids ID,... | --filter TEXT | --all-outdated) "
                        "[--canary N | --canary-ids ID,...] [--waves 5%,25%,100%] "
                        "[--max-failures 20%|N] [--min-finished N] [--report-timeout 30m] "
                        "[--pause-between 10m] [--approve-each] [--parallel N] "
                        "[--poll-interval 5s] [--dry-run] [--json]"),
         QObject::tr("Update Timbal connectors in waves: preview the plan, then send wave by wave "
                     "in the foreground, halting when failures cross the threshold. Exit 0: "
                     "completed, paused or waiting for continue; 8: failures, halted or aborted; "
                     "7: another rollout is active. Ctrl-C lets go of it; resume goes on."),
         {profile},
         {option("version",
                 QObject::tr("Target version such as 0.1.3 (default: the latest, chosen by "
                             "Timbal for the first connector, then kept)."),
                 "V"),
          option("ids",
                 QObject::tr("These connectors, in this order (comma-separated or repeated)."),
                 "ID"),
          option("filter", QObject::tr("The connectors whose id, name or type contains TEXT."),
                 "TEXT"),
          option("all-outdated",
                 QObject::tr("Every connector; those already on the target or newer are "
                             "skipped.")),
          option("canary", QObject::tr("A first wave of N connectors, chosen reproducibly."), "N"),
          option("canary-ids", QObject::tr("A first wave of these connectors."), "ID"),
          option("waves",
                 QObject::tr("Cumulative percentages of the rest, one wave each (default "
                             "5%,25%,100%)."),
                 "LIST"),
          option("max-failures",
                 QObject::tr("Halt when this share of the finished failed (20%, the default) or "
                             "this many failed (3); repeat for both, 0 for no limit."),
                 "LIMIT"),
          option("min-finished",
                 QObject::tr("The percentage counts once N connectors finished (default 5)."), "N"),
          option("report-timeout",
                 QObject::tr("A connector that does not report the target this long after its "
                             "update was accepted failed (default 30m)."),
                 "DURATION"),
          option("pause-between",
                 QObject::tr("Wait this long after a wave before the next one (default 0)."),
                 "DURATION"),
          option("approve-each",
                 QObject::tr("Each next wave waits for `connectorctl rollout continue`.")),
          parallelOption(),
          option("poll-interval",
                 QObject::tr("One fleet list per interval to watch the reports (default 5s, at "
                             "least 100ms)."),
                 "DURATION"),
          option("dry-run", QObject::tr("Print the plan; send and write nothing.")),
          jsonOption(QObject::tr("Print the plan (with --dry-run) or the rollout as it ended as "
                                 "JSON; the events go to stderr."))},
         runRolloutStart});
    t.append(
        {QStringLiteral("rollout status"),
         QStringLiteral("NAME [--watch] [--json]"),
         QObject::tr("Show the profile's latest rollout, from any terminal: its state, the "
                     "waves, who drives it, the last events. No key or network needed. Exit "
                     "3: none."),
         {profile},
         {option("watch", QObject::tr("Show it again every 500 ms until it is no longer active.")),
          jsonOption(QObject::tr("Print {rollout: {...}, driver: \"...\"}."))},
         runRolloutStatus});
    const struct
    {
        const char* name;
        QString summary;
        void (*run)(CommandContext&);
    } actions[] = {
        {"pause", QObject::tr("Pause the profile's active rollout: nothing more is sent."),
         runRolloutPause},
        {"resume",
         QObject::tr("Go on with a paused or halted rollout (failures before it stop counting), "
                     "or take over one that nobody drives, and drive it in the foreground."),
         runRolloutResume},
        {"continue",
         QObject::tr("Start the next wave of a rollout that waits for approval (--approve-each)."),
         runRolloutContinue},
        {"retry",
         QObject::tr("Send the failed connectors of the active rollout again, then go on."),
         runRolloutRetry},
        {"abort",
         QObject::tr("Abort the active rollout: nothing more is sent. --rollback also updates "
                     "each connector that moved back to the version it had, as a rollout of its "
                     "own."),
         runRolloutAbort}};
    for (const auto& a : actions) {
        const bool abort = QLatin1String(a.name) == QLatin1String("abort");
        t.append({QStringLiteral("rollout ") + QLatin1String(a.name),
                  abort ? QStringLiteral("NAME [--rollback]") : QStringLiteral("NAME"),
                  a.summary + QObject::tr(" Acts from any process: the one that drives the rollout "
                                          "applies it; exit 3: no active rollout."),
                  {profile},
                  abort ? QList<QCommandLineOption>{option(
                              "rollback", QObject::tr("Roll back the connectors that moved."))}
                        : QList<QCommandLineOption>{},
                  a.run});
    }
    return t;
}

} // namespace

const QList<CommandSpec>& commandTable()
{
    static const QList<CommandSpec> table = [] {
        using A = CommandSpec::Argument;
        const A profile{QStringLiteral("NAME"), QObject::tr("Profile name."),
                        QStringLiteral("profile")};
        const A id{QStringLiteral("ID"), QObject::tr("Connector id."), QString()};
        const A file{
            QStringLiteral("FILE"),
            QObject::tr("The edited document (JSON, as `get --json` prints it); - for stdin."),
            QStringLiteral("file")};
        QList<CommandSpec> t;
        t.append(
            {QStringLiteral("profile add"),
             QStringLiteral(
                 "NAME --vendor VENDOR [--base-url URL] [--org ID] [--workspace ID] [--replace]"),
             QObject::tr("Add a profile (one account at one vendor). Holds no key."),
             {{QStringLiteral("NAME"), QObject::tr("Profile name: letters, digits, '.', '-', '_'."),
               QString()}},
             {QCommandLineOption(QStringLiteral("vendor"),
                                 QObject::tr("timbal, aisquared, b3os, databar or bigdata."),
                                 QStringLiteral("VENDOR")),
              QCommandLineOption(
                  QStringLiteral("base-url"),
                  QObject::tr("API base URL (default: the vendor's production URL)."),
                  QStringLiteral("URL")),
              QCommandLineOption(
                  QStringLiteral("org"),
                  QObject::tr("Timbal org id (required) / B3OS X-Org-ID (optional)."),
                  QStringLiteral("ID")),
              QCommandLineOption(QStringLiteral("workspace"),
                                 QObject::tr("AI Squared Workspace-Id."), QStringLiteral("ID")),
              QCommandLineOption(QStringLiteral("replace"),
                                 QObject::tr("Overwrite a profile of the same name."))},
             runProfileAdd});
        t.append({QStringLiteral("profile list"),
                  QStringLiteral("[--json]"),
                  QObject::tr("List the profiles."),
                  {},
                  {jsonOption(QObject::tr("Print a JSON array."))},
                  runProfileList});
        t.append({QStringLiteral("profile remove"),
                  QStringLiteral("NAME"),
                  QObject::tr("Remove a profile (its key stays in the keychain)."),
                  {profile},
                  {},
                  runProfileRemove});
        t.append(
            {QStringLiteral("key set"),
             QStringLiteral("NAME"),
             QObject::tr("Store the profile's API key in the OS keychain. The key is read from "
                         "stdin (no echo on a terminal); a key given as an argument is refused."),
             {profile},
             {},
             runKeySet});
        t.append({QStringLiteral("key delete"),
                  QStringLiteral("NAME"),
                  QObject::tr("Delete the profile's API key from the OS keychain."),
                  {profile},
                  {},
                  runKeyDelete});
        t.append({QStringLiteral("list"),
                  QStringLiteral("NAME [--filter TEXT] [--json]"),
                  QObject::tr("List the connectors of a profile."),
                  {profile},
                  {QCommandLineOption(
                       QStringLiteral("filter"),
                       QObject::tr("Only connectors whose id, name or type contains TEXT."),
                       QStringLiteral("TEXT")),
                   jsonOption(
                       QObject::tr("Print a JSON array of {id, name, type, vendor, profile, …}."))},
                  runList});
        t.append({QStringLiteral("get"),
                  QStringLiteral("NAME ID [--json]"),
                  QObject::tr("Show a connector. --json prints its editable document (secrets as "
                              "\"%1\"), the input of diff and apply.")
                      .arg(SecretMarker::placeholder),
                  {profile, id},
                  {jsonOption(QObject::tr("Print the editable document."))},
                  runGet});
        t.append({QStringLiteral("diff"),
                  QStringLiteral("NAME ID FILE [--json]"),
                  QObject::tr("Show what applying FILE would change. Exit 0: same, 1: differs."),
                  {profile, id, file},
                  {jsonOption(QObject::tr("Print the diff as JSON."))},
                  runDiff});
        t.append(
            {QStringLiteral("apply"),
             QStringLiteral("NAME ID FILE [--yes] [--dry-run] [--base FILE] | DIR [--yes] "
                            "[--dry-run] [--parallel N] [--only ID,...] [--resolve "
                            "mine|server] [--json]"),
             QObject::tr("Review the diff, then send it after confirmation. \"%1\" keeps "
                         "the stored value. Nothing is sent if the connector changed on the "
                         "server meanwhile (exit 7).")
                 .arg(SecretMarker::placeholder),
             {profile, id, file},
             {QCommandLineOption(
                  {QStringLiteral("y"), QStringLiteral("yes")},
                  QObject::tr("Do not ask (required when stdin is not a terminal).")),
              QCommandLineOption(
                  QStringLiteral("base"),
                  QObject::tr("The document as `get --json` printed it when the edit began: "
                              "refuse (exit 7) if the connector changed on the server since."),
                  QStringLiteral("FILE")),
              QCommandLineOption(
                  QStringLiteral("dry-run"),
                  QObject::tr("Print the body that would be sent (secrets masked); send nothing.")),
              parallelOption(),
              QCommandLineOption(QStringLiteral("only"),
                                 QObject::tr("With DIR: only these connectors (ID or "
                                             "NAME/ID, comma-separated or repeated)."),
                                 QStringLiteral("ID")),
              QCommandLineOption(QStringLiteral("resolve"),
                                 QObject::tr("With DIR: settle conflicts (changed in the file "
                                             "and on the server) with the file's values "
                                             "(mine) or the server's (server)."),
                                 QStringLiteral("WHICH")),
              jsonOption(QObject::tr("With DIR: print the results as JSON."))},
             runApply});
        t.append(
            {QStringLiteral("update"),
             QStringLiteral("NAME ID... [--all-outdated] [--version V] [--parallel N] [--wait "
                            "[--timeout S]] [--json]"),
             QObject::tr("Update the software of Timbal connectors."),
             {profile, {QStringLiteral("ID"), QObject::tr("Connector ids."), QString(), true}},
             {QCommandLineOption(
                  QStringLiteral("all-outdated"),
                  QObject::tr("Every connector not on --version; without --version every "
                              "connector, as only Timbal knows its latest (with ids: only "
                              "those).")),
              QCommandLineOption(QStringLiteral("version"),
                                 QObject::tr("Target version such as 0.1.3 (default: the latest, "
                                             "chosen by Timbal)."),
                                 QStringLiteral("V")),
              QCommandLineOption(QStringLiteral("parallel"),
                                 QObject::tr("Updates in flight at once (1-64, default 4)."),
                                 QStringLiteral("N")),
              QCommandLineOption(QStringLiteral("wait"),
                                 QObject::tr("Wait until each connector reports the new version.")),
              QCommandLineOption(
                  QStringLiteral("timeout"),
                  QObject::tr("With --wait: give up waiting after S seconds (default 120)."),
                  QStringLiteral("S")),
              QCommandLineOption(
                  QStringLiteral("force"),
                  QObject::tr("Send even to connectors this app dispatched the same update to "
                              "within the dispatch window that have not reported it yet.")),
              QCommandLineOption(
                  QStringLiteral("dispatch-window"),
                  QObject::tr("Minutes an unreported dispatch keeps the same update from being "
                              "sent again (default 15; 0 turns it off)."),
                  QStringLiteral("MIN")),
              jsonOption(QObject::tr("Print a JSON array of results."))},
             runUpdate});
        t += rolloutCommands(profile);
        t.append(
            {QStringLiteral("check"),
             QStringLiteral("NAME ID FILE"),
             QObject::tr("Test a configuration of AI Squared connector ID before applying it: "
                         "the vendor connects with it (check_connection). FILE holds the editable "
                         "document (as `get --json` prints it, edited) or only its configuration "
                         "object. A secret that FILE leaves out or holds as \"%1\" or a mask is "
                         "read from %2<PATH> (credentials/password: "
                         "%2CREDENTIALS_PASSWORD), never from an argument. Exit 0: succeeded, "
                         "6: failed.")
                 .arg(SecretMarker::placeholder, QLatin1String(kCheckSecretEnvPrefix)),
             {profile,
              id,
              {QStringLiteral("FILE"),
               QObject::tr("The document or its configuration (JSON); - for stdin."),
               QStringLiteral("file")}},
             {},
             runCheck});
        t.append({QStringLiteral("history"),
                  QStringLiteral("NAME ID [--json]"),
                  QObject::tr("Show the audit records of a connector (GUI and CLI)."),
                  {profile, id},
                  {jsonOption(QObject::tr("Print a JSON array of audit records."))},
                  runHistory});
        t.append(
            {QStringLiteral("export"),
             QStringLiteral("DIR [NAME...] [--overwrite] [--json]"),
             QObject::tr("Write every connector of the profiles NAME (default: all) into DIR, one "
                         "file each (DIR/NAME/ID.json, secrets as \"%1\"), with the base the next "
                         "plan compares against. A file edited since its export is kept; "
                         "unchanged files are not rewritten.")
                 .arg(SecretMarker::placeholder),
             {{QStringLiteral("DIR"), QObject::tr("The folder (created when missing)."),
               QStringLiteral("file")},
              {QStringLiteral("NAME"), QObject::tr("Profile names."), QStringLiteral("profile"),
               true}},
             {QCommandLineOption(QStringLiteral("overwrite"),
                                 QObject::tr("Replace files edited in DIR with the server's "
                                             "connector (the edits are lost).")),
              jsonOption(QObject::tr("Print a JSON array, one object per profile."))},
             runExport});
        const A dir{QStringLiteral("DIR"), QObject::tr("A folder written by export."),
                    QStringLiteral("file")};
        t.append({QStringLiteral("plan"),
                  QStringLiteral("DIR [--json]"),
                  QObject::tr("Compare every file of DIR with the server: to change, drifted "
                              "(changed on the server since the export), conflict, gone, refused "
                              "or unchanged. Exit 0: nothing to apply, 1: changes, 7: a conflict, "
                              "5: an invalid file. {\"$env\": \"NAME\"} takes a secret from the "
                              "environment."),
                  {dir},
                  {jsonOption(QObject::tr("Print {items: [...], summary: {...}}."))},
                  runPlan});
        t.append({QStringLiteral("drift"),
                  QStringLiteral("DIR [--refresh] [--json]"),
                  QObject::tr("Show only what changed on the server since the export. Exit 0: "
                              "none, 1: drift."),
                  {dir},
                  {QCommandLineOption(QStringLiteral("refresh"),
                                      QObject::tr("Adopt the server's state into the files (an "
                                                  "edit in a file is kept on top; never a secret "
                                                  "value).")),
                   jsonOption(QObject::tr("Print {items: [...], summary: {...}}."))},
                  runDrift});
        t.append(
            {QStringLiteral("set"),
             QStringLiteral("NAME POINTER (--value JSON | --secret-stdin | --delete) [--remove] "
                            "[--filter TEXT] [--ids ID,...] [--dry-run] [--yes] [--parallel N] "
                            "[--json]"),
             QObject::tr("Set one field on many connectors of a profile as one reviewed change "
                         "set. POINTER may select an item (/headers/[name=X-Api-Key]/value) or "
                         "append (/config/allowed_emails/-)."),
             {profile,
              {QStringLiteral("POINTER"), QObject::tr("The field, as a JSON pointer."), QString()}},
             {QCommandLineOption(QStringLiteral("value"), QObject::tr("The value, as JSON."),
                                 QStringLiteral("JSON")),
              QCommandLineOption(QStringLiteral("secret-stdin"),
                                 QObject::tr("Read the value from stdin as a secret (needs "
                                             "--yes or --dry-run); it is never shown.")),
              QCommandLineOption(QStringLiteral("remove"),
                                 QObject::tr("Remove the value from the list at POINTER.")),
              QCommandLineOption(QStringLiteral("delete"),
                                 QObject::tr("Delete the field or item at POINTER.")),
              QCommandLineOption(
                  QStringLiteral("filter"),
                  QObject::tr("Only connectors whose id, name or type contains TEXT."),
                  QStringLiteral("TEXT")),
              QCommandLineOption(QStringLiteral("ids"),
                                 QObject::tr("Only these connectors (comma-separated or "
                                             "repeated)."),
                                 QStringLiteral("ID")),
              QCommandLineOption(QStringLiteral("dry-run"),
                                 QObject::tr("Print the plan; send nothing.")),
              QCommandLineOption({QStringLiteral("y"), QStringLiteral("yes")},
                                 QObject::tr("Do not ask (required when stdin is not a "
                                             "terminal).")),
              parallelOption(), jsonOption(QObject::tr("Print the plan and the results as JSON."))},
             runSet});
        return t;
    }();
    return table;
}

} // namespace ca
