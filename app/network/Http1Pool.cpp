#include "Http1Pool.h"

#include <QSslConfiguration>
#include <QSslError>
#include <QSslSocket>
#include <QTcpSocket>
#include <algorithm>

namespace ca {

namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024; // status line + headers of one answer
constexpr qsizetype kMaxLineBytes = 8 * 1024;  // a chunk-size or trailer line

bool hasLineBreak(const QByteArray& s)
{
    return s.contains('\r') || s.contains('\n');
}

// Comma-separated header tokens, case-insensitive.
bool hasToken(const QByteArray& value, const char* token)
{
    for (const QByteArray& part : value.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// The socket whose signal is being handled: if the pool is destroyed from inside that
// signal's handler (a callback deleting its client), this socket is deleted later, not now.
thread_local QTcpSocket* tl_emittingSocket = nullptr;

template <typename F> void asEmitter(QTcpSocket* socket, F&& handle)
{
    QTcpSocket* outer = tl_emittingSocket;
    tl_emittingSocket = socket;
    handle(); // may destroy the pool: nothing of it is touched after
    tl_emittingSocket = outer;
}

} // namespace

struct Http1Pool::Exchange
{
    quint64 id = 0;
    QByteArray wire; // the whole request, as sent
    bool head = false;
    int timeoutMs = 30000;
    qint64 maxBytes = 0;
    Callback done;
};

struct Http1Pool::Connection
{
    enum class Stage
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailers,
        UntilClose
    };

    Origin* origin = nullptr;
    QTcpSocket* socket = nullptr;
    std::shared_ptr<Exchange> current;
    QElapsedTimer lastActivity;
    QString sslErrors;
    QByteArray in;
    qsizetype pos = 0; // parsed up to here in `in`
    Stage stage = Stage::Head;
    Http1Result answer;
    qint64 remaining = 0; // of the body or the current chunk
    bool keepAlive = true;

    void resetAnswer()
    {
        stage = Stage::Head;
        answer = Http1Result();
        remaining = 0;
        keepAlive = true;
    }
};

struct Http1Pool::Origin
{
    QString host;
    quint16 port = 0;
    bool tls = false;
    std::vector<Connection*> connections;
    std::deque<std::shared_ptr<Exchange>> queue;
};

Http1Pool::Http1Pool(int connectionsPerOrigin, QObject* parent)
    : QObject(parent), m_perOrigin(qBound(1, connectionsPerOrigin, 256))
{
    m_ticker.setInterval(50);
    connect(&m_ticker, &QTimer::timeout, this, &Http1Pool::checkTimeouts);
}

Http1Pool::~Http1Pool()
{
    for (Origin* origin : std::as_const(m_origins)) {
        for (Connection* c : origin->connections) {
            c->socket->disconnect(this);
            c->socket->abort();
            if (c->socket == tl_emittingSocket)
                c->socket->deleteLater(); // we are inside one of its signals
            else
                delete c->socket;
            delete c;
        }
        delete origin;
    }
}

quint64 Http1Pool::send(const QByteArray& method, const QUrl& url, const RawHeaders& headers,
                        const QByteArray& body, int transferTimeoutMs, qint64 maxResponseBytes,
                        Callback done)
{
    auto exchange = std::make_shared<Exchange>();
    exchange->id = m_nextId++;
    exchange->head = method == "HEAD";
    exchange->timeoutMs = qMax(1, transferTimeoutMs);
    exchange->maxBytes = maxResponseBytes;
    exchange->done = std::move(done);

    const bool tls = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    const QString host = url.host();
    const int port = url.port(tls ? 443 : 80);
    bool lineBreak = hasLineBreak(method);
    for (const auto& [name, value] : headers)
        lineBreak = lineBreak || hasLineBreak(name) || hasLineBreak(value);
    if (lineBreak || host.isEmpty()) {
        // A line break in a header would let a value smuggle in a second header or request.
        Http1Result r;
        r.failure = Http1Result::Failure::Protocol;
        r.detail = host.isEmpty() ? tr("the URL has no host")
                                  : tr("a request header contains a line break");
        QTimer::singleShot(0, this, [exchange, r] {
            if (exchange->done)
                exchange->done(r);
        });
        return exchange->id;
    }

    QByteArray target =
        url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (target.isEmpty() || !target.startsWith('/'))
        target.prepend('/');
    QByteArray hostHeader = url.host(QUrl::FullyEncoded).toLatin1();
    if (hostHeader.contains(':'))
        hostHeader = '[' + hostHeader + ']'; // an IPv6 literal
    if (url.port(-1) != -1)
        hostHeader += ':' + QByteArray::number(port);
    QByteArray& w = exchange->wire;
    qsizetype size = 128 + method.size() + target.size() + hostHeader.size() + body.size();
    for (const auto& [name, value] : headers)
        size += name.size() + value.size() + 4;
    w.reserve(size);
    w.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ");
    w.append(hostHeader).append("\r\n");
    for (const auto& [name, value] : headers)
        w.append(name).append(": ").append(value).append("\r\n");
    w.append("Accept-Encoding: identity\r\n");
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        w.append("Content-Length: ").append(QByteArray::number(body.size())).append("\r\n");
    w.append("\r\n").append(body);

    const QString key = (tls ? QStringLiteral("https://") : QStringLiteral("http://")) +
                        host.toLower() + QLatin1Char(':') + QString::number(port);
    Origin*& origin = m_origins[key];
    if (!origin) {
        origin = new Origin;
        origin->host = host;
        origin->port = quint16(port);
        origin->tls = tls;
    }
    origin->queue.push_back(exchange);
    m_queuedIn.insert(exchange->id, origin);
    // Written now when a connection is free (the answer can only arrive through the event
    // loop, so `done` never runs inside this call).
    dispatch(*origin);
    updateTicker();
    return exchange->id;
}

void Http1Pool::cancel(quint64 id)
{
    if (Origin* origin = m_queuedIn.take(id)) {
        auto& q = origin->queue;
        q.erase(std::remove_if(q.begin(), q.end(), [id](const auto& e) { return e->id == id; }),
                q.end());
        return;
    }
    for (Origin* origin : std::as_const(m_origins)) {
        for (Connection* c : origin->connections) {
            if (c->current && c->current->id == id) {
                c->current.reset();
                drop(c);
                dispatch(*origin);
                updateTicker();
                return;
            }
        }
    }
}

void Http1Pool::dispatch(Origin& origin)
{
    while (!origin.queue.empty()) {
        Connection* idle = nullptr;
        for (Connection* c : origin.connections) {
            if (!c->current) {
                idle = c;
                break;
            }
        }
        if (!idle) {
            if (int(origin.connections.size()) >= m_perOrigin)
                return;
            idle = new Connection;
            idle->origin = &origin;
            QTcpSocket* socket = nullptr;
            if (origin.tls) {
                auto* ssl = new QSslSocket;
                QSslConfiguration config = ssl->sslConfiguration();
                config.setAllowedNextProtocols(
                    {QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
                ssl->setSslConfiguration(config);
                // Never ignored: the handshake fails and errorOccurred() reports it.
                connect(ssl, &QSslSocket::sslErrors, this, [idle](const QList<QSslError>& errors) {
                    QStringList texts;
                    for (const QSslError& e : errors)
                        texts << e.errorString();
                    idle->sslErrors = texts.join(QStringLiteral("; "));
                });
                socket = ssl;
            } else {
                socket = new QTcpSocket;
            }
            idle->socket = socket;
            connect(socket, &QTcpSocket::readyRead, this, [this, idle] { onReadable(idle); });
            connect(socket, &QTcpSocket::errorOccurred, this,
                    [this, idle] { onSocketError(idle); });
            connect(socket, &QTcpSocket::disconnected, this,
                    [this, idle] { onDisconnected(idle); });
            connect(socket, &QTcpSocket::connected, socket,
                    [socket] { socket->setSocketOption(QAbstractSocket::LowDelayOption, 1); });
            origin.connections.push_back(idle);
            if (auto* ssl = qobject_cast<QSslSocket*>(socket))
                ssl->connectToHostEncrypted(origin.host, origin.port);
            else
                socket->connectToHost(origin.host, origin.port);
        }
        std::shared_ptr<Exchange> exchange = std::move(origin.queue.front());
        origin.queue.pop_front();
        m_queuedIn.remove(exchange->id);
        startOn(idle, std::move(exchange));
    }
}

void Http1Pool::startOn(Connection* c, std::shared_ptr<Exchange> exchange)
{
    c->current = std::move(exchange);
    c->resetAnswer();
    c->lastActivity.start();
    // Written at once when connected; while connecting (or before the TLS handshake ends) the
    // socket keeps it until it can send.
    c->socket->write(c->current->wire);
    // Sent now rather than when the event loop next polls for writability: one turn less
    // between an answer and the request it makes room for.
    if (c->socket->state() == QAbstractSocket::ConnectedState)
        c->socket->flush();
}

void Http1Pool::onReadable(Connection* c)
{
    c->lastActivity.start();
    if (c->pos == c->in.size()) {
        c->in.clear(); // all parsed (a close-delimited body grows in `answer`, not here)
        c->pos = 0;
    }
    c->in += c->socket->readAll();
    if (!c->current) {
        // Bytes nobody asked for: the connection cannot be trusted with the next request.
        Origin& origin = *c->origin;
        drop(c);
        dispatch(origin);
        return;
    }
    parse(c);
}

bool Http1Pool::parse(Connection* c)
{
    Http1Result& a = c->answer;
    const qint64 cap = c->current->maxBytes;
    auto available = [c] { return c->in.size() - c->pos; };
    auto takeBody = [c, &a](qint64 n) {
        a.body.append(c->in.constData() + c->pos, n);
        c->pos += n;
    };
    // Takes what has arrived of the body or chunk: true when all of it is there.
    auto takeRemaining = [&] {
        const qint64 n = qMin<qint64>(c->remaining, available());
        takeBody(n);
        c->remaining -= n;
        return c->remaining == 0;
    };
    // A line (or the head) whose end has not arrived: wait for more, unless `limit` bytes came
    // without it.
    auto awaitLine = [&](qsizetype limit, const QString& tooLong) {
        return available() > limit && fail(c, Http1Result::Failure::Protocol, tooLong);
    };
    auto badChunk = [this, c] {
        return fail(c, Http1Result::Failure::Protocol, tr("invalid chunked answer"));
    };
    for (;;) {
        switch (c->stage) {
        case Connection::Stage::Head: {
            const qsizetype end = c->in.indexOf("\r\n\r\n", c->pos);
            if (end < 0)
                return awaitLine(kMaxHeadBytes, tr("the answer's headers are too long"));
            const QList<QByteArray> lines =
                QByteArray::fromRawData(c->in.constData() + c->pos, end - c->pos).split('\n');
            c->pos = end + 4;
            const QByteArray statusLine = lines.first().trimmed();
            // "HTTP/1.1 200 OK"
            if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12 ||
                statusLine.at(8) != ' ')
                return fail(c, Http1Result::Failure::Protocol, tr("not an HTTP/1.1 answer"));
            const bool http10 = statusLine.at(7) == '0';
            bool ok = false;
            const int status = statusLine.mid(9, 3).toInt(&ok);
            if (!ok || status < 100 || status > 999)
                return fail(c, Http1Result::Failure::Protocol, tr("not an HTTP/1.1 answer"));
            if (status >= 100 && status < 200) {
                if (status == 101)
                    return fail(c, Http1Result::Failure::Protocol,
                                tr("the server switched protocols"));
                continue; // 100 Continue and other interim answers: the real one follows
            }
            a.status = status;
            a.headers.clear();
            bool chunked = false;
            bool close = http10;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray& line = lines.at(i);
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed();
                const QByteArray value = line.mid(colon + 1).trimmed();
                a.headers.append({name, value});
                if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
                    bool digits = !value.isEmpty();
                    for (char ch : value)
                        digits = digits && ch >= '0' && ch <= '9';
                    const qint64 n = value.toLongLong();
                    if (!digits || (a.contentLength >= 0 && a.contentLength != n))
                        return fail(c, Http1Result::Failure::Protocol,
                                    tr("the answer's Content-Length is invalid"));
                    a.contentLength = n;
                } else if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
                    chunked = value.trimmed().toLower().endsWith("chunked");
                } else if (name.compare("Connection", Qt::CaseInsensitive) == 0) {
                    if (hasToken(value, "close"))
                        close = true;
                    else if (http10 && hasToken(value, "keep-alive"))
                        close = false;
                }
            }
            c->keepAlive = !close;
            if (c->current->head || status == 204 || status == 304) {
                a.contentLength = c->current->head ? a.contentLength : 0;
                return complete(c, a, c->keepAlive);
            }
            if (chunked) {
                a.contentLength = -1;
                c->stage = Connection::Stage::ChunkSize;
            } else if (a.contentLength >= 0) {
                if (a.contentLength > cap)
                    return fail(c, Http1Result::Failure::TooLarge, {});
                c->remaining = a.contentLength;
                c->stage = Connection::Stage::Body;
                a.body.reserve(a.contentLength);
            } else {
                c->keepAlive = false;
                c->stage = Connection::Stage::UntilClose;
            }
            break;
        }
        case Connection::Stage::Body:
            return takeRemaining() && complete(c, a, c->keepAlive);
        case Connection::Stage::ChunkSize: {
            const qsizetype end = c->in.indexOf("\r\n", c->pos);
            if (end < 0)
                return awaitLine(kMaxLineBytes, tr("invalid chunked answer"));
            QByteArray line = c->in.mid(c->pos, end - c->pos);
            c->pos = end + 2;
            const qsizetype semicolon = line.indexOf(';');
            if (semicolon >= 0)
                line.truncate(semicolon);
            bool ok = false;
            const qint64 size = line.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0)
                return badChunk();
            if (size == 0) {
                c->stage = Connection::Stage::Trailers;
                break;
            }
            if (a.body.size() + size > cap)
                return fail(c, Http1Result::Failure::TooLarge, {});
            c->remaining = size;
            c->stage = Connection::Stage::ChunkData;
            break;
        }
        case Connection::Stage::ChunkData:
            if (!takeRemaining())
                return false;
            c->stage = Connection::Stage::ChunkEnd;
            break;
        case Connection::Stage::ChunkEnd:
            if (available() < 2)
                return false;
            if (c->in.at(c->pos) != '\r' || c->in.at(c->pos + 1) != '\n')
                return badChunk();
            c->pos += 2;
            c->stage = Connection::Stage::ChunkSize;
            break;
        case Connection::Stage::Trailers: {
            const qsizetype end = c->in.indexOf("\r\n", c->pos);
            if (end < 0)
                return awaitLine(kMaxHeadBytes, tr("invalid chunked answer"));
            const bool last = end == c->pos;
            c->pos = end + 2;
            if (last)
                return complete(c, a, c->keepAlive);
            break; // a trailer field: not used
        }
        case Connection::Stage::UntilClose:
            if (a.body.size() + available() > cap)
                return fail(c, Http1Result::Failure::TooLarge, {});
            takeBody(available());
            return false;
        }
    }
}

bool Http1Pool::complete(Connection* c, Http1Result result, bool keepConnection)
{
    std::shared_ptr<Exchange> exchange = std::move(c->current);
    Origin& origin = *c->origin;
    // Anything after the answer was not asked for (this client never pipelines).
    const bool clean = c->pos == c->in.size();
    c->in.clear();
    c->pos = 0;
    c->resetAnswer();
    if (!keepConnection || !clean)
        drop(c);
    QPointer<Http1Pool> self(this);
    if (exchange && exchange->done)
        exchange->done(result);
    if (!self)
        return true;
    dispatch(origin);
    updateTicker();
    return true;
}

bool Http1Pool::fail(Connection* c, Http1Result::Failure failure, const QString& detail)
{
    Http1Result r = c->answer;
    r.failure = failure;
    r.detail = detail;
    return complete(c, r, false);
}

void Http1Pool::onSocketError(Connection* c)
{
    const QAbstractSocket::SocketError error = c->socket->error();
    if (!c->current) {
        // An idle keep-alive connection closed by the server (or broken): forget it.
        Origin& origin = *c->origin;
        drop(c);
        dispatch(origin);
        return;
    }
    // What arrived before the error may complete the answer (Connection: close, or no length).
    if (c->socket->bytesAvailable() > 0) {
        c->lastActivity.start();
        c->in += c->socket->readAll();
        if (parse(c))
            return; // completed: `c` may be gone (dropped), or the pool itself
    }
    if (error == QAbstractSocket::RemoteHostClosedError &&
        c->stage == Connection::Stage::UntilClose) {
        complete(c, c->answer, false);
        return;
    }
    using F = Http1Result::Failure;
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        fail(c, F::Refused, c->socket->errorString());
        return;
    case QAbstractSocket::HostNotFoundError:
        fail(c, F::HostNotFound, c->socket->errorString());
        return;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        fail(c, F::Tls, c->sslErrors.isEmpty() ? c->socket->errorString() : c->sslErrors);
        return;
    case QAbstractSocket::RemoteHostClosedError:
        fail(c, F::Closed, c->socket->errorString());
        return;
    default:
        fail(c, F::Network, c->socket->errorString());
        return;
    }
}

void Http1Pool::onDisconnected(Connection* c)
{
    // Normally errorOccurred(RemoteHostClosedError) came first and the connection is gone.
    if (c->current) {
        onSocketError(c);
        return;
    }
    Origin& origin = *c->origin;
    drop(c);
    dispatch(origin);
}

void Http1Pool::drop(Connection* c)
{
    auto& list = c->origin->connections;
    list.erase(std::remove(list.begin(), list.end(), c), list.end());
    c->socket->disconnect(this);
    c->socket->abort();
    c->socket->deleteLater(); // may be inside one of its signals
    // Never busy here: cancel() clears `current` before dropping, every other caller drops an
    // idle connection or one whose exchange complete() has taken.
    delete c;
}

void Http1Pool::checkTimeouts()
{
    std::vector<quint64> late;
    for (const Origin* origin : std::as_const(m_origins)) {
        for (const Connection* c : origin->connections) {
            if (c->current && c->lastActivity.elapsed() >= c->current->timeoutMs)
                late.push_back(c->current->id);
        }
    }
    QPointer<Http1Pool> self(this);
    for (quint64 id : late) {
        // Looked up again: an earlier callback may have cancelled or finished it.
        Connection* found = nullptr;
        for (Origin* origin : std::as_const(m_origins)) {
            for (Connection* c : origin->connections) {
                if (c->current && c->current->id == id)
                    found = c;
            }
        }
        if (found)
            fail(found, Http1Result::Failure::Timeout, {});
        if (!self)
            return;
    }
    updateTicker();
}

void Http1Pool::updateTicker()
{
    bool busy = false;
    int shortest = 30000;
    for (const Origin* origin : std::as_const(m_origins)) {
        for (const Connection* c : origin->connections) {
            if (c->current) {
                busy = true;
                shortest = qMin(shortest, c->current->timeoutMs);
            }
        }
    }
    if (!busy) {
        m_ticker.stop();
        return;
    }
    // Time-outs are seen within a tenth of the shortest one (at least 10 ms, at most 250 ms).
    const int interval = qBound(10, shortest / 10, 250);
    if (!m_ticker.isActive() || m_ticker.interval() != interval)
        m_ticker.start(interval);
}

} // namespace ca
