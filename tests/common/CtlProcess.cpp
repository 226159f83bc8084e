#include "CtlProcess.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>

QString CtlRun::describe() const
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(code)
        .arg(QString::fromUtf8(out.left(2000)), QString::fromUtf8(err.left(2000)));
}

QProcessEnvironment ctlEnvironment(const QString& home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir(home).filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), QDir(home).filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), QDir(home).filePath(QStringLiteral("cache")));
    // Never the user's keychain: an unreachable session bus.
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
               QStringLiteral("unix:path=/nonexistent/bus"));
    env.insert(QStringLiteral("DISPLAY"), QString());
    env.insert(QStringLiteral("CONNECTOR_ADMIN_API_KEY"), QString::fromUtf8(kCtlTestKey));
    for (const char* name : {"CA_FAULT_FILE", "CA_FAULT_AFTER", "CA_FAULT_ERRNO", "CA_FAULT_ON"})
        env.remove(QString::fromLatin1(name));
    return env;
}

CtlRun runCtl(const QString& home, const QStringList& args,
              const QMap<QString, QString>& extraEnvironment)
{
    QProcessEnvironment env = ctlEnvironment(home);
    for (auto it = extraEnvironment.begin(); it != extraEnvironment.end(); ++it)
        env.insert(it.key(), it.value());
    return runCtlIn(env, args);
}

CtlRun runCtlIn(const QProcessEnvironment& env, const QStringList& args,
                const QByteArray& stdinBytes)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(CA_CONNECTORCTL_BIN), args);
    CtlRun r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(stdinBytes);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        p.kill();
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString ctlDataDirectory(const QString& home)
{
    return QDir(home).filePath(QStringLiteral("data/ConnectorAdmin"));
}

QMap<QString, QByteArray> filesUnder(const QString& dir)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            files.insert(QDir(dir).relativeFilePath(path), f.readAll());
    }
    return files;
}
