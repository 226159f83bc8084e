#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QStringList>
#include <QUrl>

// Starts the real connector-sandbox binary on a free loopback port and stops it again.
// Tests talk to it over HTTP only.
class SandboxProcess
{
public:
    explicit SandboxProcess(QStringList extraArgs = {});
    ~SandboxProcess();
    SandboxProcess(const SandboxProcess&) = delete;
    SandboxProcess& operator=(const SandboxProcess&) = delete;

    bool start(int timeoutMs = 10000); // false (with errorString()) if it did not come up
    void stop();
    QString errorString() const { return m_error; }
    bool isRunning() const;

    QUrl baseUrl() const { return m_base; }      // http://127.0.0.1:PORT
    QUrl vendorUrl(const QString& vendor) const; // http://127.0.0.1:PORT/<vendor>
    QUrl url(const QString& pathAndQuery) const; // base + "/_sandbox/state" or "/x/y?z=1"
    QByteArray standardError() const;
    // GET /_sandbox/requests: every request the sandbox logged, oldest first.
    QJsonArray requestLog() const;
    // Only the requests to one vendor with a given method (empty: any).
    QList<QJsonObject> requestsTo(const QString& vendor, const QString& method = {}) const;

private:
    QStringList m_args;
    QProcess m_process;
    QUrl m_base;
    QString m_error;
};
