#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>

namespace ca {

class CommandContext;

// One connectorctl command: its name ("profile add"), what --help says about it, its options, and
// the function that runs it. The table drives dispatch, --help, the man page check and the bash,
// zsh and fish completion scripts, so a new option shows up in all of them at once.
struct CommandSpec
{
    struct Argument
    {
        QString name; // "NAME"
        QString description;
        QString completion; // what completes it: "profile", "vendor", "file", "" (nothing)
        bool repeated = false;
    };
    QString name;
    QString synopsis; // after the name: "NAME --vendor VENDOR [--base-url URL] …"
    QString summary;
    QList<Argument> arguments;
    QList<QCommandLineOption> options;
    void (*run)(CommandContext&) = nullptr;
};

const QList<CommandSpec>& commandTable();

// Handlers, by concern.
void runProfileAdd(CommandContext& ctx);
void runProfileList(CommandContext& ctx);
void runProfileRemove(CommandContext& ctx);
void runKeySet(CommandContext& ctx);
void runKeyDelete(CommandContext& ctx);
void runList(CommandContext& ctx);
void runGet(CommandContext& ctx);
void runDiff(CommandContext& ctx);
void runApply(CommandContext& ctx);
void runHistory(CommandContext& ctx);
void runUpdate(CommandContext& ctx);
void runCheck(CommandContext& ctx);
// Change sets: connectors as files (plan, apply DIR, drift) and one field on many (set).
void runPlan(CommandContext& ctx);
void runApplyFolder(CommandContext& ctx); // `apply DIR`: runApply hands over with one argument
void runDrift(CommandContext& ctx);
void runSet(CommandContext& ctx);
void runExport(CommandContext& ctx);
// Staged rollouts of Timbal software (RolloutCommand.cpp).
void runRolloutStart(CommandContext& ctx);
void runRolloutStatus(CommandContext& ctx);
void runRolloutPause(CommandContext& ctx);
void runRolloutResume(CommandContext& ctx);
void runRolloutContinue(CommandContext& ctx);
void runRolloutRetry(CommandContext& ctx);
void runRolloutAbort(CommandContext& ctx);

// check: the environment variable that supplies the secret at `pointer` of a configuration
// ("/credentials/password": CONNECTOR_ADMIN_SECRET_CREDENTIALS_PASSWORD; every character but
// A-Z and 0-9 becomes '_').
inline constexpr const char* kCheckSecretEnvPrefix = "CONNECTOR_ADMIN_SECRET_";
QString checkSecretVariable(const QString& pointer);

// The shells `connectorctl --completion-script SHELL` writes a script for: bash, zsh, fish.
QStringList completionShells();
// The completion script of `shell`, generated from the table; empty for an unknown shell.
QString completionScript(const QString& shell);

} // namespace ca
