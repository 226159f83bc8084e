#include "SandboxProcess.h"

#include "TestHttp.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

SandboxProcess::SandboxProcess(QStringList extraArgs) : m_args(std::move(extraArgs))
{
    m_process.setProgram(QStringLiteral(CA_SANDBOX_BIN));
}

SandboxProcess::~SandboxProcess()
{
    stop();
}

bool SandboxProcess::start(int timeoutMs)
{
    QStringList args{QStringLiteral("--port"), QStringLiteral("0")};
    args += m_args;
    m_process.setArguments(args);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.start();
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("sandbox did not start: ") + m_process.errorString();
        return false;
    }
    // The first stdout line is "listening on http://127.0.0.1:PORT".
    QDeadlineTimer deadline(timeoutMs);
    QByteArray line;
    while (!deadline.hasExpired()) {
        if (m_process.canReadLine()) {
            line = m_process.readLine().trimmed();
            break;
        }
        if (!m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())))) {
            if (m_process.state() != QProcess::Running)
                break;
        }
    }
    static const QRegularExpression re(
        QStringLiteral("^listening on (http://127\\.0\\.0\\.1:\\d+)$"));
    const auto m = re.match(QString::fromUtf8(line));
    if (!m.hasMatch()) {
        m_error =
            QStringLiteral("unexpected first line from sandbox: '%1' stderr: %2")
                .arg(QString::fromUtf8(line), QString::fromUtf8(m_process.readAllStandardError()));
        stop();
        return false;
    }
    m_base = QUrl(m.captured(1));
    return true;
}

void SandboxProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

bool SandboxProcess::isRunning() const
{
    return m_process.state() == QProcess::Running;
}

QUrl SandboxProcess::vendorUrl(const QString& vendor) const
{
    return url(QLatin1Char('/') + vendor);
}

QUrl SandboxProcess::url(const QString& pathAndQuery) const
{
    // Resolved, not setPath(): keeps "?query" and percent-encoded segments such as "%2F" intact.
    return m_base.resolved(QUrl(pathAndQuery));
}

QByteArray SandboxProcess::standardError() const
{
    return const_cast<QProcess&>(m_process).readAllStandardError();
}

QJsonArray SandboxProcess::requestLog() const
{
    return TestHttp::getJson(url(QStringLiteral("/_sandbox/requests")))
        .value(QLatin1String("requests"))
        .toArray();
}

QList<QJsonObject> SandboxProcess::requestsTo(const QString& vendor, const QString& method) const
{
    QList<QJsonObject> out;
    const QJsonArray all = requestLog();
    for (const QJsonValue& v : all) {
        const QJsonObject r = v.toObject();
        if (r.value(QLatin1String("vendor")).toString() == vendor &&
            (method.isEmpty() || r.value(QLatin1String("method")).toString() == method))
            out.append(r);
    }
    return out;
}
