#include "CliOutput.h"

#include "ExitCode.h"
#include "Terminal.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <cstdio>

namespace ca {

int exitCodeFor(const ApiError& error)
{
    using K = ApiError::Kind;
    if (error.webPage)
        return ExitNetwork; // a firewall or proxy answered, whatever its status says
    switch (error.kind) {
    case K::None:
        return ExitOk;
    case K::NotFound:
        return ExitNotFound;
    case K::Unauthorized:
    case K::Forbidden:
        return ExitAuth;
    case K::Refused:
    case K::InsecureUrl:
    case K::Validation:
    case K::Precondition:
        return ExitInvalid;
    case K::Conflict:
        return ExitConflict;
    case K::Timeout:
    case K::ConnectionFailed:
    case K::ConnectionClosed:
    case K::Truncated:
    case K::Tls:
    case K::Redirect:
    case K::TooLarge:
    case K::Malformed:
    case K::RateLimited:
    case K::Server:
    case K::Http:
    case K::Canceled:
    case K::Network:
        return ExitNetwork;
    }
    return ExitNetwork;
}

QString exitCodeHelp()
{
    return QStringLiteral("Exit codes:\n"
                          "  0  success (diff: no differences)\n"
                          "  1  diff: differences found\n"
                          "  2  usage error (bad arguments, unknown command, a key given as an\n"
                          "     argument, apply without --yes when stdin is not a terminal)\n"
                          "  3  not found (profile or connector)\n"
                          "  4  authentication or keychain (no key, key rejected, keychain "
                          "unavailable)\n"
                          "  5  invalid input (bad JSON file, schema failure, refused id or body;\n"
                          "     check: a secret missing or masked)\n"
                          "  6  network or server failure (time-out, 5xx, connection refused);\n"
                          "     check: the connection test failed\n"
                          "  7  conflict: changed on the server since it was read; rollout:\n"
                          "     another rollout is active on the profile\n"
                          "  8  partial failure (update: some connectors failed; rollout: ended\n"
                          "     with failures, halted or aborted)\n"
                          "  9  the audit log could not be written (disk full, read-only,\n"
                          "     permissions): nothing was sent\n"
                          "  130, 143  rollout: stopped by SIGINT (Ctrl-C) or SIGTERM; the\n"
                          "     rollout stays active and `rollout resume` goes on\n");
}

namespace CliOutput {

namespace {

void write(FILE* stream, const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    // To a terminal, and anything on stderr: at once. Data to a pipe or a file: flushed once per
    // event-loop turn, so a burst of result lines (a bulk update) costs one write() while a
    // reader still gets each line as soon as the turn that made it ends. stdio flushes the rest
    // at exit.
    static const bool stdoutIsTerminal = terminal::isTerminal(stdout);
    QCoreApplication* app = QCoreApplication::instance();
    if (stream != stdout || stdoutIsTerminal || !app || QThread::currentThread() != app->thread()) {
        std::fflush(stream);
        return;
    }
    static bool flushQueued = false;
    if (flushQueued)
        return;
    flushQueued = true;
    QMetaObject::invokeMethod(
        app,
        [] {
            flushQueued = false;
            std::fflush(stdout);
        },
        Qt::QueuedConnection);
}

QString oneLine(QString text)
{
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return text.trimmed();
}

} // namespace

void data(const QString& text)
{
    write(stdout, text);
}

void dataLine(const QString& line)
{
    write(stdout, line + QLatin1Char('\n'));
}

void json(const QJsonValue& value)
{
    QJsonDocument doc;
    if (value.isArray())
        doc = QJsonDocument(value.toArray());
    else
        doc = QJsonDocument(value.toObject());
    write(stdout, QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
}

void message(const QString& line)
{
    write(stderr, line + QLatin1Char('\n'));
}

void progress(const QString& status)
{
    progressLines(status.isEmpty() ? QStringList() : QStringList{status});
}

void progressLines(const QStringList& lines)
{
    // The cursor stays at the end of the last line drawn: back to the first one, then clear to
    // the end of the screen.
    static qsizetype drawn = 0;
    QString text = QStringLiteral("\r");
    if (drawn > 1)
        text += QStringLiteral("\033[%1A").arg(drawn - 1);
    text += QStringLiteral("\033[J") + lines.join(QLatin1Char('\n'));
    drawn = lines.size();
    write(stderr, text);
}

void error(const QString& message, const QString& hint)
{
    QString line = QStringLiteral("connectorctl: ") + oneLine(message);
    if (!hint.isEmpty())
        line += QStringLiteral(" — ") + oneLine(hint);
    write(stderr, line + QLatin1Char('\n'));
}

void error(const ApiError& e)
{
    write(stderr, QStringLiteral("connectorctl: ") + oneLine(e.toString()) + QLatin1Char('\n'));
}

bool stdinIsTerminal()
{
    return terminal::isTerminal(stdin);
}

bool stdoutIsTerminal()
{
    return terminal::isTerminal(stdout);
}

bool stderrIsTerminal()
{
    return terminal::isTerminal(stderr);
}

QByteArray readAllStdin()
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    QByteArray bytes = in.readAll();
    while (!bytes.isEmpty() && (bytes.endsWith('\n') || bytes.endsWith('\r')))
        bytes.chop(1);
    return bytes;
}

QByteArray readStdin(qint64 maxBytes)
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return {};
    QByteArray bytes;
    // A pipe hands over what it has; read until EOF or the limit.
    while (bytes.size() < maxBytes) {
        const QByteArray chunk = in.read(maxBytes - bytes.size());
        if (chunk.isEmpty())
            break;
        bytes += chunk;
    }
    return bytes;
}

QByteArray readSecretLine(const QString& prompt)
{
    if (!stdinIsTerminal())
        return readAllStdin();
    write(stderr, prompt);
    QByteArray line;
    {
        const terminal::EchoOff quiet;
        for (int c = std::fgetc(stdin); c != EOF && c != '\n'; c = std::fgetc(stdin))
            line.append(char(c));
    }
    write(stderr, QStringLiteral("\n"));
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}

bool confirm(const QString& question)
{
    write(stderr, question + QStringLiteral(" [y/N] "));
    QByteArray line;
    for (int c = std::fgetc(stdin); c != EOF && c != '\n'; c = std::fgetc(stdin))
        line.append(char(c));
    const QByteArray answer = line.trimmed().toLower();
    return answer == "y" || answer == "yes";
}

QString table(const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    qsizetype total = 0;
    for (const QStringList& row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = std::max(widths[i], row.at(i).size());
            total += row.at(i).size();
        }
    }
    qsizetype padWidth = 0;
    for (qsizetype w : widths)
        padWidth = std::max(padWidth, w + 2);
    const QString spaces(padWidth, QLatin1Char(' '));
    // Every cell but a row's last is padded to its column's width + 2; lines are trimmed.
    QString out;
    out.reserve(total + rows.size() * (2 * widths.size() + 1) + 64);
    QString line;
    for (const QStringList& row : rows) {
        line.clear();
        for (qsizetype i = 0; i < row.size(); ++i) {
            const QString& cell = row.at(i);
            line += cell;
            if (i + 1 < row.size())
                line += QStringView(spaces).first(widths.at(i) + 2 - cell.size());
        }
        out += QStringView(line).trimmed();
        out += QLatin1Char('\n');
    }
    return out;
}

} // namespace CliOutput

} // namespace ca
