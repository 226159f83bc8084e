// connectorctl's dispatcher: finds the command, parses its options (QCommandLineParser, --help on
// every command), runs it and returns its exit code. One event loop for the whole run.
#include "CliApp.h"

#include "BuildInfo.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"
#include "SafeFile.h"

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>

namespace ca {

namespace {

QString environmentHelp()
{
    return QStringLiteral(
        "Environment:\n"
        "  CONNECTOR_ADMIN_API_KEY  API key for this run instead of the keychain (CI jobs);\n"
        "                           never printed or stored.\n"
        "  CONNECTOR_ADMIN_TIMEOUT  seconds without a byte from the server before a request\n"
        "                           attempt times out (default 30).\n"
        "  CONNECTOR_ADMIN_SECRET_<PATH>  check: a secret of the configuration, by its path\n"
        "                           upper-cased, '/' and other signs as '_'\n"
        "                           (credentials/password: ..._CREDENTIALS_PASSWORD).\n");
}

QString topLevelHelp()
{
    QString text =
        QStringLiteral("Usage: connectorctl COMMAND [options] [arguments]\n\n"
                       "Administer integration connectors of five SaaS vendors from the "
                       "command line,\nwith the profiles and keychain of Connector Admin.\n\n"
                       "Commands:\n");
    for (const CommandSpec& c : commandTable())
        text += QStringLiteral("  %1 %2\n      %3\n").arg(c.name, c.synopsis, c.summary);
    text += QStringLiteral(
        "\nOptions:\n  -h, --help     Show help (also `connectorctl COMMAND --help`).\n"
        "  -v, --version  Show the version.\n"
        "  --completion-script SHELL  Print the completion script of SHELL: bash, zsh or "
        "fish.\n\n");
    text += environmentHelp() + QLatin1Char('\n') + exitCodeHelp();
    text += QStringLiteral("\nData goes to stdout, messages to stderr. See connectorctl(1).\n");
    return text;
}

QString commandHelp(const CommandSpec& spec, const QCommandLineParser& parser)
{
    QString text = parser.helpText();
    // Qt writes "Usage: <argv0> [options] …": name the command instead.
    const qsizetype eol = text.indexOf(QLatin1Char('\n'));
    text = QStringLiteral("Usage: connectorctl %1 %2").arg(spec.name, spec.synopsis) +
           (eol >= 0 ? text.mid(eol) : QString());
    return text + QLatin1Char('\n') + environmentHelp() + QLatin1Char('\n') + exitCodeHelp();
}

const CommandSpec* findCommand(const QStringList& words, int* consumed)
{
    for (const CommandSpec& c : commandTable()) {
        const QStringList parts = c.name.split(QLatin1Char(' '));
        if (words.size() >= parts.size() && words.mid(0, parts.size()) == parts) {
            *consumed = int(parts.size());
            return &c;
        }
    }
    return nullptr;
}

int writeCompletion(const QStringList& rest)
{
    const QString shells = completionShells().join(QLatin1Char('|'));
    const QString usage =
        QStringLiteral("connectorctl --completion-script %1 [--output FILE]").arg(shells);
    if (rest.isEmpty()) {
        CliOutput::error(QObject::tr("--completion-script needs a shell"), usage);
        return ExitUsage;
    }
    const QString shell = rest.first();
    const QString script = completionScript(shell);
    if (script.isEmpty()) {
        CliOutput::error(QObject::tr("no completion script for the shell '%1' (known: %2)")
                             .arg(shell, completionShells().join(QStringLiteral(", "))),
                         usage);
        return ExitUsage;
    }
    if (rest.size() == 3 && rest.at(1) == QLatin1String("--output")) {
        QString error;
        if (!writeFileWhole(rest.at(2), script.toUtf8(), FileOwner::User, &error)) {
            CliOutput::error(error);
            return ExitInvalid;
        }
        return ExitOk;
    }
    if (rest.size() != 1) {
        CliOutput::error(
            QObject::tr("unexpected arguments after --completion-script %1").arg(shell), usage);
        return ExitUsage;
    }
    CliOutput::data(script);
    return ExitOk;
}

} // namespace

int runConnectorCtl(const QStringList& arguments)
{
    // stderr carries one line per error: the libraries' progress and retry logs stay quiet
    // (QT_LOGGING_RULES, applied after these rules, turns them back on for debugging).
    QLoggingCategory::setFilterRules(
        QStringLiteral("*.debug=false\n*.info=false\nca.*.warning=false"));
    const QStringList args = arguments.mid(1);
    if (args.isEmpty()) {
        CliOutput::error(QObject::tr("no command given"), QObject::tr("see `connectorctl --help`"));
        return ExitUsage;
    }
    const QString first = args.first();
    if (first == QLatin1String("-h") || first == QLatin1String("--help") ||
        (first == QLatin1String("help") && args.size() == 1)) {
        CliOutput::data(topLevelHelp());
        return ExitOk;
    }
    if (first == QLatin1String("-v") || first == QLatin1String("--version")) {
        CliOutput::dataLine(QStringLiteral("connectorctl %1").arg(QLatin1String(kAppVersion)));
        return ExitOk;
    }
    if (first == QLatin1String("--completion-script"))
        return writeCompletion(args.mid(1));

    QStringList words = args;
    const bool helpCommand = first == QLatin1String("help");
    if (helpCommand)
        words.removeFirst();
    int consumed = 0;
    const CommandSpec* spec = findCommand(words, &consumed);
    if (!spec) {
        const QString what = words.mid(0, 2).join(QLatin1Char(' '));
        // A group (profile, key, rollout): its subcommands.
        QStringList subcommands;
        for (const CommandSpec& c : commandTable()) {
            if (c.name.startsWith(words.first() + QLatin1Char(' ')))
                subcommands << c.name.section(QLatin1Char(' '), 1);
        }
        if (!subcommands.isEmpty())
            CliOutput::error(QObject::tr("unknown command '%1'").arg(what),
                             words.first() + QLatin1Char(' ') +
                                 subcommands.join(QStringLiteral(" | ")));
        else
            CliOutput::error(QObject::tr("unknown command '%1'").arg(words.first()),
                             QObject::tr("see `connectorctl --help`"));
        return ExitUsage;
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(spec->summary);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QObject::tr("Show this help."));
    parser.addOption(help);
    for (const QCommandLineOption& o : spec->options)
        parser.addOption(o);
    for (const auto& a : spec->arguments)
        parser.addPositionalArgument(a.name, a.description,
                                     a.repeated ? a.name + QStringLiteral("...") : a.name);
    if (helpCommand) {
        CliOutput::data(commandHelp(*spec, parser));
        return ExitOk;
    }
    QStringList toParse{QStringLiteral("connectorctl")};
    toParse += words.mid(consumed);
    if (!parser.parse(toParse)) {
        CliOutput::error(parser.errorText(),
                         QObject::tr("see `connectorctl %1 --help`").arg(spec->name));
        return ExitUsage;
    }
    if (parser.isSet(help)) {
        CliOutput::data(commandHelp(*spec, parser));
        return ExitOk;
    }

    CommandContext ctx(parser);
    bool looping = false;
    ctx.setFinishedHandler([&looping](int code) {
        if (looping)
            QCoreApplication::exit(code);
    });
    spec->run(ctx);
    if (ctx.isFinished())
        return ctx.exitCode();
    looping = true;
    QCoreApplication::exec();
    return ctx.exitCode();
}

} // namespace ca
