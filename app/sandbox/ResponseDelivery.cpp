#include "ResponseDelivery.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace sandbox::delivery {
namespace {

constexpr qint64 kChunk = 64 * 1024;      // oversized: bytes per write
constexpr qint64 kMaxQueued = 256 * 1024; // oversized: refill below this many unsent bytes
constexpr int kResetDelayMs = 50;         // lets the client read the head before the RST
constexpr int kDripTickMs = 100;

bool connected(const QTcpSocket* socket)
{
    return socket && socket->state() == QAbstractSocket::ConnectedState;
}

// What both slow answers share: the socket they write to, and reporting the end exactly once
// (fully sent, or the client left), after which the stream deletes itself.
class SocketStream : public QObject
{
public:
    SocketStream(QTcpSocket* socket, Finished finished)
        : QObject(socket), m_socket(socket), m_finished(std::move(finished))
    {
        connect(socket, &QTcpSocket::disconnected, this, [this] { finish(); });
    }

protected:
    // Stops whatever drives the stream (a timer); called once, before `finished`.
    virtual void stop() {}

    void finish()
    {
        if (!m_finished)
            return;
        stop();
        const Finished f = std::move(m_finished);
        m_finished = nullptr;
        disconnect(m_socket, nullptr, this, nullptr);
        f();
        deleteLater();
    }

    QTcpSocket* const m_socket;

private:
    Finished m_finished;
};

// Streams `total` bytes of `{"padding":"xxxx…"}` without ever holding more than one chunk.
class PaddingStream final : public SocketStream
{
public:
    PaddingStream(QTcpSocket* socket, qint64 total, Finished finished)
        : SocketStream(socket, std::move(finished)), m_total(total)
    {
        connect(socket, &QTcpSocket::bytesWritten, this, [this] { pump(); });
        pump();
    }

private:
    QByteArray chunk(qint64 offset, qint64 size) const
    {
        static const QByteArray prefix = "{\"padding\":\"";
        static const QByteArray suffix = "\"}";
        QByteArray c(size, 'x');
        if (m_total < prefix.size() + suffix.size())
            return c;
        for (qint64 i = offset; i < offset + size && i < prefix.size(); ++i)
            c[i - offset] = prefix[i];
        const qint64 suffixStart = m_total - suffix.size();
        for (qint64 i = qMax(offset, suffixStart); i < offset + size; ++i)
            c[i - offset] = suffix[i - suffixStart];
        return c;
    }

    void pump()
    {
        while (connected(m_socket) && m_sent < m_total && m_socket->bytesToWrite() < kMaxQueued) {
            const qint64 size = qMin(kChunk, m_total - m_sent);
            m_socket->write(chunk(m_sent, size));
            m_sent += size;
        }
        if (m_sent >= m_total || !connected(m_socket))
            finish();
    }

    qint64 m_total;
    qint64 m_sent = 0;
};

// Sends a prepared body in timed slices.
class DripStream final : public SocketStream
{
public:
    DripStream(QTcpSocket* socket, QByteArray body, qint64 bytesPerSecond, Finished finished)
        : SocketStream(socket, std::move(finished)), m_body(std::move(body))
    {
        // Slow rates send one byte per period; faster ones a slice every tick.
        int interval = kDripTickMs;
        if (bytesPerSecond * kDripTickMs < 1000)
            interval = int(qMin<qint64>(1000, 1000 / bytesPerSecond));
        m_slice = qMax<qint64>(1, bytesPerSecond * interval / 1000);
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(interval);
        connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
        if (m_body.isEmpty())
            finish();
        else
            m_timer.start();
    }

private:
    void stop() override { m_timer.stop(); }

    void tick()
    {
        if (!connected(m_socket)) {
            finish();
            return;
        }
        const qint64 size = qMin<qint64>(m_slice, m_body.size() - m_sent);
        m_socket->write(m_body.mid(m_sent, size));
        m_sent += size;
        if (m_sent >= m_body.size())
            finish();
    }

    QByteArray m_body;
    qint64 m_sent = 0;
    qint64 m_slice = 1;
    QTimer m_timer;
};

QByteArray headFor(const SandboxReply& reply, qint64 contentLength)
{
    return head(reply.status, reply.contentType, contentLength, reply.headers);
}

} // namespace

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 402:
        return "Payment Required";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Status " + QByteArray::number(status);
    }
}

QByteArray head(int status, const QByteArray& contentType, qint64 contentLength,
                const Headers& extra)
{
    QByteArray h = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        h += "Content-Type: " + contentType + "\r\n";
    h += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    for (const auto& [name, value] : extra)
        h += name + ": " + value + "\r\n";
    h += "Connection: keep-alive\r\n\r\n";
    return h;
}

void writeReply(QTcpSocket* socket, const SandboxReply& reply, bool headOnly)
{
    if (!connected(socket))
        return;
    // Head and body in one buffer: one write() to the kernel, one segment when it fits.
    QByteArray bytes = headFor(reply, reply.body.size());
    if (!headOnly)
        bytes += reply.body;
    socket->write(bytes);
}

void writeReset(QTcpSocket* socket, const SandboxReply& reply)
{
    if (!connected(socket))
        return;
    socket->write(headFor(reply, reply.body.size()) + reply.body.left(reply.body.size() / 2));
    socket->flush(); // abort() drops whatever is still buffered in Qt
    QTimer::singleShot(kResetDelayMs, Qt::PreciseTimer, socket, [s = QPointer<QTcpSocket>(socket)] {
        if (!connected(s))
            return;
#ifdef Q_OS_UNIX
        // Linger 0 makes close() send RST instead of FIN: the client sees a reset.
        const struct linger l
        {
            1, 0
        };
        ::setsockopt(int(s->socketDescriptor()), SOL_SOCKET, SO_LINGER, &l, sizeof l);
#endif
        s->abort();
    });
}

void writeTruncated(QTcpSocket* socket, const SandboxReply& reply)
{
    if (!connected(socket))
        return;
    // Announce more than is sent even for an empty body.
    const qint64 announced = qMax<qint64>(reply.body.size(), 2) + 16;
    socket->write(headFor(reply, announced) + reply.body.left(reply.body.size() / 2));
    socket->disconnectFromHost(); // a FIN after the buffered bytes: short body, clean close
}

void streamOversized(QTcpSocket* socket, qint64 bytes, Finished finished)
{
    if (!connected(socket)) {
        finished();
        return;
    }
    socket->write(head(200, "application/json", bytes, {}));
    new PaddingStream(socket, bytes, std::move(finished));
}

void streamDrip(QTcpSocket* socket, const SandboxReply& reply, qint64 bytesPerSecond,
                Finished finished)
{
    if (!connected(socket)) {
        finished();
        return;
    }
    socket->write(headFor(reply, reply.body.size()));
    new DripStream(socket, reply.body, bytesPerSecond, std::move(finished));
}

} // namespace sandbox::delivery
