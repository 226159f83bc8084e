#pragma once

// connectorctl run as a process for the reliability suites (disk, files, instances): HOME and the
// XDG directories under a test's own directory, never the user's keychain (the key comes from
// CONNECTOR_ADMIN_API_KEY), extra variables on top (the fault shim's CA_FAULT_*).

#include <QByteArray>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

struct CtlRun
{
    int code = -1; // -1: did not start, crashed or timed out
    QByteArray out;
    QByteArray err;
    QString describe() const;
};

inline const QByteArray kCtlTestKey = "demo-key";

QProcessEnvironment ctlEnvironment(const QString& home);
CtlRun runCtl(const QString& home, const QStringList& args,
              const QMap<QString, QString>& extraEnvironment = {});
// The same in a given environment (e.g. the test's own, inside a throwaway keyring session),
// with `stdinBytes` on its standard input.
CtlRun runCtlIn(const QProcessEnvironment& env, const QStringList& args,
                const QByteArray& stdinBytes = {});
// <home>/data/ConnectorAdmin: where connectorctl keeps its audit log under ctlEnvironment().
QString ctlDataDirectory(const QString& home);
// Every file under `dir` (dot files and subdirectories included), by relative path: what an
// export or an apply left in a folder.
QMap<QString, QByteArray> filesUnder(const QString& dir);
