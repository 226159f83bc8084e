#pragma once

#include "ApiError.h"

#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace ca {

// Where connectorctl writes: data on stdout, messages on stderr, one line per error
// ("connectorctl: <message> — <hint>"). Never given an API key: callers pass masked text only.
namespace CliOutput {

void data(const QString& text);     // stdout, as is (add "\n" yourself)
void dataLine(const QString& line); // stdout, one line
void json(const QJsonValue& value); // stdout, indented JSON + newline
void message(const QString& line);  // stderr, one line
// A status line on a terminal's stderr, rewritten in place ("" clears it).
void progress(const QString& status);
// Status lines on a terminal's stderr (a rollout's waves): each call replaces the lines the one
// before drew; {} clears them, before a line of data is printed.
void progressLines(const QStringList& lines);
void error(const QString& message, const QString& hint = {}); // "connectorctl: message — hint"
void error(const ApiError& error);                            // ApiError::toString() on one line

bool stdinIsTerminal();
bool stdoutIsTerminal();
bool stderrIsTerminal();

// Reads one line from the terminal with echo off (a key typed by hand); stdin otherwise.
QByteArray readSecretLine(const QString& prompt);
// Reads all of stdin (a key piped in), without the trailing line break.
QByteArray readAllStdin();
// Reads stdin (a document) up to maxBytes, as is.
QByteArray readStdin(qint64 maxBytes);
// Asks a yes/no question on the terminal; false on anything but y/yes.
bool confirm(const QString& question);

// Aligned text columns: the first row is the header.
QString table(const QList<QStringList>& rows);

} // namespace CliOutput

} // namespace ca
