#pragma once

#include "FaultPlan.h"
#include "RequestLog.h"
#include "VendorHandler.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QUrl>

#include <map>
#include <memory>

class QTcpSocket;
class QHttpServerRequest;

namespace sandbox {

class HttpFront;

// The connector sandbox: five fake vendor APIs under http://127.0.0.1:PORT/<vendor>/…, fault
// injection and the /_sandbox/ test-control API (docs/sandbox.md). Used by the connector-sandbox
// executable, by `connector-admin --demo` and by tests, all in the same way: construct, listen().
class SandboxServer : public QObject
{
    Q_OBJECT
public:
    explicit SandboxServer(const SandboxOptions& options, QObject* parent = nullptr);
    ~SandboxServer() override;

    // Listens on 127.0.0.1 only; port 0 picks a free one. False (see errorString()) on failure.
    bool listen(quint16 port = 0);
    quint16 port() const { return m_port; }
    QUrl baseUrl() const;                        // http://127.0.0.1:PORT
    QUrl vendorUrl(const QString& vendor) const; // http://127.0.0.1:PORT/<vendor>
    QString errorString() const { return m_error; }

    const SandboxOptions& options() const { return m_options; }

    // Replaces the active faults (strings or {"spec","method","path"} objects). All or nothing.
    bool setFaults(const QJsonArray& specs, QString* error = nullptr);
    QJsonArray faults() const { return m_faults.toJson(); }

    // Same effects as the control API's POST /_sandbox/reset and POST /_sandbox/config.
    void reset();
    bool configure(const QJsonObject& settings, QString* error = nullptr);

    // {"timbal":[...], ...}, or only the given vendor.
    QJsonObject state(const QString& vendor = {}) const;
    QJsonArray requests(qint64 since = 0) const { return m_log.toJson(since); }

private:
    friend class HttpFront;

    struct Incoming;
    void handle(const QHttpServerRequest& request, QTcpSocket* socket);
    SandboxReply control(const Incoming& in);
    void serveVendor(VendorHandler& handler, const Incoming& in, QTcpSocket* socket);
    void deliver(qint64 seq, const FaultSpec* fault, const SandboxReply& reply, bool headOnly,
                 QTcpSocket* socket);
    bool credentialsAccepted(const QString& vendor, const Incoming& in) const;
    void handOverReportFaults(); // each handler gets the active report-side faults aimed at it
    qint64 nowMs() const { return m_clock.elapsed(); }
    QDateTime serverNow() const; // the real time plus the configured clockSkewSeconds
    static QByteArray httpDate(const QDateTime& when); // IMF-fixdate

    SandboxOptions m_options;
    std::map<QString, std::unique_ptr<VendorHandler>> m_handlers;
    FaultPlan m_faults;
    RequestLog m_log;
    QJsonObject m_config; // knobs set through /_sandbox/config since the last reset
    QElapsedTimer m_clock;
    quint16 m_port = 0;
    QString m_error;
    std::unique_ptr<HttpFront> m_front; // last: destroyed first, while the log still exists
};

} // namespace sandbox
