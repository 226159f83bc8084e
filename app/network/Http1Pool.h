#pragma once

#include "HttpClient.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>

class QTcpSocket;

namespace ca {

// The outcome of one exchange on an Http1Pool connection, before HttpJob's rules (retries,
// messages) apply. `failure` None means a complete answer arrived.
struct Http1Result
{
    enum class Failure
    {
        None,
        Refused,      // connection refused
        HostNotFound, // name lookup failed
        Tls,          // handshake failed; `detail` has the certificate errors
        Closed,       // the connection ended before the answer was complete
        Timeout,      // no byte for the transfer time-out
        TooLarge,     // the answer is larger than the cap; not read
        Protocol,     // not an HTTP/1.1 answer we can read
        Network       // any other socket error
    };
    int status = 0;
    RawHeaders headers;
    QByteArray body;
    qint64 contentLength = -1; // as announced; -1 when not
    Failure failure = Failure::None;
    QString detail; // the socket's error text, for messages
};

// A small HTTP/1.1 client for many concurrent requests to one origin: keep-alive connections on
// QTcpSocket / QSslSocket in the caller's thread, at most `connectionsPerOrigin` per scheme, host
// and port, requests queued in order beyond that. QNetworkAccessManager in Qt 6.4 opens at most 6
// connections per host and hands every request to its own thread; a bulk run of a thousand short
// POSTs needs more parallelism and less per-request work than that (bench/findings.md).
//
// What it does not do, by design: redirects (the answer is returned; HttpJob decides), proxies
// other than the application's socket proxy, cookies, compression (it asks for identity), and
// re-sending: a request whose connection breaks fails with Closed and HttpJob decides whether
// sending again is safe. TLS peer verification is Qt's default and is never relaxed.
class Http1Pool : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const Http1Result&)>;

    explicit Http1Pool(int connectionsPerOrigin, QObject* parent = nullptr);
    ~Http1Pool() override;

    int connectionsPerOrigin() const { return m_perOrigin; }

    // Queues one request; `done` runs exactly once (never inside this call) unless cancel() is
    // called first. `headers` are sent as given after Host; Content-Length is added when a body
    // is sent (always for POST and PUT). Returns an id for cancel().
    quint64 send(const QByteArray& method, const QUrl& url, const RawHeaders& headers,
                 const QByteArray& body, int transferTimeoutMs, qint64 maxResponseBytes,
                 Callback done);
    // Forgets a request: `done` will not run. A request already on the wire closes its connection
    // (its answer can no longer be told apart from the next one's).
    void cancel(quint64 id);

private:
    struct Exchange;
    struct Connection;
    struct Origin;

    void dispatch(Origin& origin);
    void startOn(Connection* connection, std::shared_ptr<Exchange> exchange);
    void onReadable(Connection* connection);
    void onSocketError(Connection* connection);
    void onDisconnected(Connection* connection);
    // Parses what has arrived; completes the exchange when its answer is whole. True when the
    // exchange ended (completed or failed): `connection` may be gone then, and the pool too.
    bool parse(Connection* connection);
    // Ends the exchange and runs its callback; always true (for `return complete(...)`).
    bool complete(Connection* connection, Http1Result result, bool keepConnection);
    bool fail(Connection* connection, Http1Result::Failure failure, const QString& detail);
    void drop(Connection* connection);
    void checkTimeouts();
    void updateTicker();

    int m_perOrigin;
    quint64 m_nextId = 1;
    QHash<QString, Origin*> m_origins;
    QHash<quint64, Origin*> m_queuedIn; // id -> origin, while queued (not yet on a connection)
    QTimer m_ticker;                    // transfer time-outs, while anything is in flight
};

} // namespace ca
