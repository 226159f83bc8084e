// The shell completion scripts (bash, zsh, fish) written from connectorctl's command table.
#include "Commands.h"
#include "Vendor.h"

#include <QObject>

namespace ca {

// bash, zsh and fish scripts written from commandTable(): a command, option or argument added to
// it reaches all three. Profile names come from `connectorctl profile list` in every shell.

namespace {

const QLatin1String
    kProfileNames("connectorctl profile list 2>/dev/null | awk 'NR > 1 { print $1 }'");

QString dashed(const QString& name)
{
    return (name.size() == 1 ? QStringLiteral("-") : QStringLiteral("--")) + name;
}

// What completes an option's value: "vendor", "file", "none" (a value no list holds) or "" when the
// option takes no value. The table names the value (VENDOR, FILE), which says where it comes from.
QString valueCompletion(const QCommandLineOption& option)
{
    const QString value = option.valueName();
    if (value.isEmpty())
        return {};
    if (value == QLatin1String("VENDOR"))
        return QStringLiteral("vendor");
    if (value == QLatin1String("FILE"))
        return QStringLiteral("file");
    return QStringLiteral("none");
}

QString vendorWords()
{
    QStringList ids;
    for (Vendor v : allVendors())
        ids << vendorId(v);
    return ids.join(QLatin1Char(' '));
}

// Every option that takes a value ("--filter"), for one kind of value: the word after it is that
// value, not an argument.
QStringList valueOptions(const QString& kind = {})
{
    QStringList out;
    for (const CommandSpec& c : commandTable()) {
        for (const QCommandLineOption& o : c.options) {
            const QString k = valueCompletion(o);
            if (k.isEmpty() || (!kind.isEmpty() && k != kind))
                continue;
            for (const QString& n : o.names()) {
                if (!out.contains(dashed(n)))
                    out << dashed(n);
            }
        }
    }
    return out;
}

// The first words of the commands, in table order: "profile", "key", "list", …
QStringList firstWords()
{
    QStringList out;
    for (const CommandSpec& c : commandTable()) {
        const QString word = c.name.section(QLatin1Char(' '), 0, 0);
        if (!out.contains(word))
            out << word;
    }
    return out;
}

// The two-word commands that start with `word` ("profile": profile add, profile list, …).
QList<const CommandSpec*> subcommands(const QString& word)
{
    QList<const CommandSpec*> out;
    for (const CommandSpec& c : commandTable()) {
        if (c.name.contains(QLatin1Char(' ')) && c.name.section(QLatin1Char(' '), 0, 0) == word)
            out << &c;
    }
    return out;
}

QStringList subcommandWords(const QString& word)
{
    QStringList out;
    for (const CommandSpec* c : subcommands(word))
        out << c->name.section(QLatin1Char(' '), 1);
    return out;
}

QStringList groupWords()
{
    QStringList out;
    for (const QString& w : firstWords()) {
        if (!subcommands(w).isEmpty())
            out << w;
    }
    return out;
}

// What completes each argument of a command, in order ("profile none file").
QStringList argumentKinds(const CommandSpec& c)
{
    QStringList kinds;
    for (const auto& a : c.arguments)
        kinds << (a.completion.isEmpty() ? QStringLiteral("none") : a.completion);
    return kinds;
}

// What completes every word after the last argument when that one repeats, else "".
QString repeatedKind(const CommandSpec& c)
{
    return !c.arguments.isEmpty() && c.arguments.constLast().repeated ? argumentKinds(c).constLast()
                                                                      : QString();
}

// Shells list a description beside each word: its first sentence is enough.
QString firstSentence(const QString& text)
{
    QString s = text.left(text.indexOf(QLatin1String(". ")));
    if (s.endsWith(QLatin1Char('.')))
        s.chop(1);
    return s;
}

// What a shell shows beside a first word: the command's summary, or a group's subcommands.
QString firstWordDescription(const QString& word)
{
    for (const CommandSpec& c : commandTable()) {
        if (c.name == word)
            return firstSentence(c.summary);
    }
    return subcommandWords(word).join(QStringLiteral(", "));
}

QString bashScript()
{
    QString cases;
    for (const CommandSpec& c : commandTable()) {
        QStringList words;
        for (const QCommandLineOption& o : c.options) {
            for (const QString& n : o.names())
                words << dashed(n);
        }
        words << QStringLiteral("--help");
        const QString rest = repeatedKind(c).isEmpty()
                                 ? QString()
                                 : QStringLiteral("; rest=\"%1\"").arg(repeatedKind(c));
        cases += QStringLiteral("        \"%1\") opts=\"%2\"; args=\"%3\"%4 ;;\n")
                     .arg(c.name, words.join(QLatin1Char(' ')),
                          argumentKinds(c).join(QLatin1Char(' ')), rest);
    }
    QString groupCases;
    for (const QString& g : groupWords()) {
        groupCases += QStringLiteral("        %1) COMPREPLY=($(compgen -W \"%2\" -- \"$cur\")); "
                                     "return ;;\n")
                          .arg(g, subcommandWords(g).join(QLatin1Char(' ')));
    }
    QString valueCases;
    if (!valueOptions(QStringLiteral("vendor")).isEmpty())
        valueCases +=
            QStringLiteral("        %1) COMPREPLY=($(compgen -W \"%2\" -- \"$cur\")); "
                           "return ;;\n")
                .arg(valueOptions(QStringLiteral("vendor")).join(QLatin1Char('|')), vendorWords());
    if (!valueOptions(QStringLiteral("file")).isEmpty())
        valueCases +=
            QStringLiteral("        %1) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n")
                .arg(valueOptions(QStringLiteral("file")).join(QLatin1Char('|')));
    if (!valueOptions(QStringLiteral("none")).isEmpty())
        valueCases += QStringLiteral("        %1) return ;;\n")
                          .arg(valueOptions(QStringLiteral("none")).join(QLatin1Char('|')));
    const QString script = QStringLiteral(
        R"BASH(# bash completion for connectorctl. Generated by `connectorctl --completion-script bash`:
# do not edit; change app/cli/CommandTable.cpp instead.
_connectorctl()
{
    local cur prev cmd opts args rest i word positional
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    cmd=""
    positional=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "$word" in
            -*) continue ;;
        esac
        case "${COMP_WORDS[i-1]}" in
            %1) continue ;;
        esac
        if [[ -z "$cmd" ]]; then
            cmd="$word"
        elif [[ " %2 " == *" $cmd "* ]]; then
            cmd="$cmd $word"
        else
            positional+=("$word")
        fi
    done
    if [[ -z "$cmd" ]]; then
        if [[ "$prev" == --completion-script ]]; then
            COMPREPLY=($(compgen -W "%3" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "%4 help --help --version --completion-script" -- "$cur"))
        fi
        return
    fi
    case "$cmd" in
%5    esac
    case "$prev" in
%6    esac
    opts=""; args=""; rest=""
    case "$cmd" in
%7    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    local kinds=($args) kind
    kind="${kinds[${#positional[@]}]}"
    [[ -z "$kind" ]] && kind="$rest"
    case "$kind" in
        profile) COMPREPLY=($(compgen -W "$(%8)" -- "$cur")) ;;
        vendor) COMPREPLY=($(compgen -W "%9" -- "$cur")) ;;
        file) COMPREPLY=($(compgen -f -- "$cur")) ;;
        *) COMPREPLY=() ;;
    esac
}
complete -F _connectorctl connectorctl
)BASH");
    return script.arg(valueOptions().join(QLatin1Char('|')), groupWords().join(QLatin1Char(' ')),
                      completionShells().join(QLatin1Char(' ')),
                      firstWords().join(QLatin1Char(' ')), groupCases, valueCases, cases,
                      kProfileNames, vendorWords());
}

// A word in single quotes for zsh: ' itself is written '\''.
QString zshQuoted(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

// A description inside _arguments' [...]: brackets would end it early.
QString zshDescription(const QString& text)
{
    QString d = firstSentence(text);
    d.replace(QLatin1Char('['), QLatin1Char('(')).replace(QLatin1Char(']'), QLatin1Char(')'));
    return d;
}

QString zshAction(const QString& kind)
{
    if (kind == QLatin1String("profile"))
        return QStringLiteral("_connectorctl_profiles");
    if (kind == QLatin1String("file"))
        return QStringLiteral("_files");
    if (kind == QLatin1String("vendor"))
        return QLatin1Char('(') + vendorWords() + QLatin1Char(')');
    return QStringLiteral(" "); // a value no list holds: only its name is shown
}

// The _arguments specs of one command: --help, its options, then its arguments by position.
QStringList zshSpecs(const CommandSpec& c)
{
    QStringList specs{QStringLiteral("(- *)--help[Show help]")};
    for (const QCommandLineOption& o : c.options) {
        const QString kind = valueCompletion(o);
        QStringList names;
        for (const QString& n : o.names())
            names << dashed(n);
        const QString exclusion =
            names.size() > 1 ? QLatin1Char('(') + names.join(QLatin1Char(' ')) + QLatin1Char(')')
                             : QString();
        const QString value =
            kind.isEmpty() ? QString()
                           : QLatin1Char(':') + o.valueName() + QLatin1Char(':') + zshAction(kind);
        for (const QString& n : names) {
            // --name=: the value in the same word after '=' or in the next; -n+: likewise.
            const QString attached = kind.isEmpty()                      ? QString()
                                     : n.startsWith(QLatin1String("--")) ? QStringLiteral("=")
                                                                         : QStringLiteral("+");
            specs << exclusion + n + attached + QLatin1Char('[') + zshDescription(o.description()) +
                         QLatin1Char(']') + value;
        }
    }
    for (int i = 0; i < c.arguments.size(); ++i) {
        const auto& a = c.arguments.at(i);
        const QString position = a.repeated ? QStringLiteral("*") : QString::number(i + 1);
        specs << position + QLatin1Char(':') + a.name + QLatin1Char(':') +
                     zshAction(argumentKinds(c).at(i));
    }
    return specs;
}

QString zshScript()
{
    QString toplevel;
    for (const QString& w : firstWords()) {
        toplevel += QStringLiteral("        %1\n")
                        .arg(zshQuoted(w + QLatin1Char(':') + firstWordDescription(w)));
    }
    toplevel +=
        QStringLiteral("        %1\n")
            .arg(zshQuoted(QStringLiteral("help:") + QObject::tr("Show the help of a command")));
    QString groupCases;
    for (const QString& g : groupWords()) {
        QStringList words;
        for (const CommandSpec* c : subcommands(g)) {
            words << zshQuoted(c->name.section(QLatin1Char(' '), 1) + QLatin1Char(':') +
                               firstSentence(c->summary));
        }
        groupCases += QStringLiteral("        %1) subcommands=(%2) ;;\n")
                          .arg(g, words.join(QLatin1Char(' ')));
    }
    QString cases;
    for (const CommandSpec& c : commandTable()) {
        QStringList specs;
        for (const QString& s : zshSpecs(c))
            specs << zshQuoted(s);
        cases += QStringLiteral("        %1)\n            _arguments \\\n                %2\n"
                                "            ;;\n")
                     .arg(zshQuoted(c.name), specs.join(QStringLiteral(" \\\n                ")));
    }
    const QString script = QStringLiteral(
        R"ZSH(#compdef connectorctl
# zsh completion for connectorctl. Generated by `connectorctl --completion-script zsh`:
# do not edit; change app/cli/CommandTable.cpp instead.

_connectorctl_profiles()
{
    local -a profiles
    profiles=(${(f)"$(%1)"})
    _describe -t profiles 'profile' profiles
}

_connectorctl()
{
    local curcontext="$curcontext" state line cmd
    local -a toplevel subcommands
    typeset -A opt_args
    toplevel=(
%2    )
    _arguments -C \
        '(- *)-h[Show help]' \
        '(- *)--help[Show help]' \
        '(- *)-v[Show the version]' \
        '(- *)--version[Show the version]' \
        '(- *)--completion-script[Print the completion script of a shell]:shell:(%3)' \
        '1: :->command' \
        '*:: :->argument' && return 0
    if [[ $state == command ]]; then
        _describe -t commands 'connectorctl command' toplevel
        return
    fi
    [[ $state == argument ]] || return 1
    cmd=$words[1]
    case $cmd in
%4    esac
    if (( $#subcommands )); then
        if (( CURRENT == 2 )); then
            _describe -t commands "connectorctl $cmd command" subcommands
            return
        fi
        cmd="$cmd $words[2]"
        shift words
        (( CURRENT-- ))
    fi
    case $cmd in
%5    esac
}

if [[ $funcstack[1] == _connectorctl ]]; then
    _connectorctl "$@"
else
    compdef _connectorctl connectorctl
fi
)ZSH");
    return script.arg(kProfileNames, toplevel, completionShells().join(QLatin1Char(' ')),
                      groupCases, cases);
}

// A word in single quotes for fish: \ and ' are escaped with a backslash.
QString fishQuoted(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString fishCommandIs(const QString& name)
{
    return QStringLiteral("\"__connectorctl_command_is '%1'\"").arg(name);
}

QString fishScript()
{
    QString names;
    for (const QString& w : firstWords()) {
        names += QStringLiteral("complete -c connectorctl -n __fish_use_subcommand -a %1 -d %2\n")
                     .arg(w, fishQuoted(firstWordDescription(w)));
        for (const CommandSpec* c : subcommands(w)) {
            names += QStringLiteral("complete -c connectorctl -n %1 -a %2 -d %3\n")
                         .arg(fishCommandIs(w), c->name.section(QLatin1Char(' '), 1),
                              fishQuoted(firstSentence(c->summary)));
        }
    }
    names += QStringLiteral("complete -c connectorctl -n __fish_use_subcommand -a help -d %1\n")
                 .arg(fishQuoted(QObject::tr("Show the help of a command")));
    QString options;
    QString argumentCases;
    for (const CommandSpec& c : commandTable()) {
        for (const QCommandLineOption& o : c.options) {
            QString line = QStringLiteral("complete -c connectorctl -n ") + fishCommandIs(c.name);
            for (const QString& n : o.names())
                line += (n.size() == 1 ? QStringLiteral(" -s ") : QStringLiteral(" -l ")) + n;
            const QString kind = valueCompletion(o);
            if (kind == QLatin1String("file"))
                line += QStringLiteral(" -r -F");
            else if (kind == QLatin1String("vendor"))
                line += QStringLiteral(" -x -a ") + fishQuoted(vendorWords());
            else if (!kind.isEmpty())
                line += QStringLiteral(" -x");
            options += line + QStringLiteral(" -d ") + fishQuoted(firstSentence(o.description())) +
                       QLatin1Char('\n');
        }
        const QStringList kinds = QStringList{QStringLiteral("set kinds")} + argumentKinds(c);
        argumentCases += QStringLiteral("        case %1\n            %2\n")
                             .arg(fishQuoted(c.name), kinds.join(QLatin1Char(' ')));
        if (!repeatedKind(c).isEmpty())
            argumentCases += QStringLiteral("            set rest %1\n").arg(repeatedKind(c));
    }
    const QString script = QStringLiteral(
        R"FISH(# fish completion for connectorctl. Generated by `connectorctl --completion-script fish`:
# do not edit; change app/cli/CommandTable.cpp instead.

# The command before the cursor ("profile add", "list" or nothing), then how many of its
# arguments precede the cursor, one a line.
function __connectorctl_parse
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd ''
    set -l count 0
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
        else if contains -- $t %1
            set skip 1
        else if string match -q -- '-*' $t
            continue
        else if test -z "$cmd"
            set cmd $t
        else if contains -- $cmd %2
            set cmd "$cmd $t"
        else
            set count (math $count + 1)
        end
    end
    printf '%s\n' $cmd $count
end

function __connectorctl_command_is
    set -l state (__connectorctl_parse)
    test "$state[1]" = "$argv[1]"
end

# True when the word at the cursor is an argument that $argv[1] completes: profile, vendor, file.
function __connectorctl_argument_is
    set -l state (__connectorctl_parse)
    set -l kinds
    set -l rest ''
    switch "$state[1]"
%3    end
    set -l i (math $state[2] + 1)
    if test $i -le (count $kinds)
        test "$kinds[$i]" = "$argv[1]"
    else
        test "$rest" = "$argv[1]"
    end
end

function __connectorctl_profiles
    %4
end

complete -c connectorctl -f
complete -c connectorctl -s h -l help -d 'Show help'
complete -c connectorctl -n __fish_use_subcommand -s v -l version -d 'Show the version'
complete -c connectorctl -n __fish_use_subcommand -l completion-script -x -a %5 -d 'Print the completion script of a shell'
%6%7complete -c connectorctl -n '__connectorctl_argument_is profile' -a '(__connectorctl_profiles)'
complete -c connectorctl -n '__connectorctl_argument_is vendor' -a %8
complete -c connectorctl -n '__connectorctl_argument_is file' -F
)FISH");
    return script.arg(valueOptions().join(QLatin1Char(' ')), groupWords().join(QLatin1Char(' ')),
                      argumentCases, kProfileNames,
                      fishQuoted(completionShells().join(QLatin1Char(' '))), names, options,
                      fishQuoted(vendorWords()));
}

} // namespace

QStringList completionShells()
{
    return {QStringLiteral("bash"), QStringLiteral("zsh"), QStringLiteral("fish")};
}

QString completionScript(const QString& shell)
{
    if (shell == QLatin1String("bash"))
        return bashScript();
    if (shell == QLatin1String("zsh"))
        return zshScript();
    if (shell == QLatin1String("fish"))
        return fishScript();
    return {};
}

} // namespace ca
