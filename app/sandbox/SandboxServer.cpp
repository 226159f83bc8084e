#include "SandboxServer.h"

#include <QLocale>
#include <cmath>

#include "HandlerSupport.h"
#include "Handlers.h"
#include "ResponseDelivery.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QLocale>
#include <QMetaEnum>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace sandbox {

// QtHttpServer parses; everything else happens in SandboxServer (see ResponseDelivery.h for why
// answers are written as raw bytes).
class HttpFront final : public QAbstractHttpServer
{
public:
    explicit HttpFront(SandboxServer* owner) : m_owner(owner) {}

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override
    {
        m_owner->handle(request, socket);
        return true;
    }
    void missingHandler(const QHttpServerRequest&, QTcpSocket*) override {}

private:
    SandboxServer* m_owner;
};

// Accepted sockets get TCP_NODELAY: without it, Nagle's algorithm holds a write back until the
// client acknowledges the previous segment of the keep-alive connection, and clients delay that
// acknowledgement on purpose; a client timed against the sandbox would then measure the two
// timers waiting on each other instead of its own work.
class LowDelayTcpServer final : public QTcpServer
{
protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto* socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        addPendingConnection(socket);
    }
};

// A request copied out of QtHttpServer (its request object is reused for the next one).
struct SandboxServer::Incoming
{
    QByteArray method;
    QString encodedPath;  // as received, percent-encoding kept
    QStringList segments; // encoded path split on '/', then each segment decoded
    QString rawQuery;
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QHash<QByteArray, QByteArray> lowerHeaders;
    QByteArray body;
};

namespace {

const QString kControlPrefix = QStringLiteral("_sandbox");

// "GET" for Method::Get: the enum's key upper-cased; "UNKNOWN" for what QtHttpServer did not
// recognise.
QByteArray methodName(QHttpServerRequest::Method m)
{
    const char* key = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(m));
    return key ? QByteArray(key).toUpper() : QByteArrayLiteral("UNKNOWN");
}

SandboxReply error(int status, const QString& message)
{
    return SandboxReply::json(status, QJsonObject{{QStringLiteral("error"), message}});
}

SandboxReply methodNotAllowed(const QByteArray& allow)
{
    SandboxReply r = error(405, QStringLiteral("method not allowed"));
    r.headers.append(qMakePair(QByteArray("Allow"), QByteArray(allow)));
    return r;
}

// The body a "malformed" fault sends instead of the real one: plausibly what a broken proxy says.
const QByteArray kMalformedBody = "<html><body><h1>502 Bad Gateway</h1></body></html>\n{\"data\":[";

} // namespace

SandboxServer::SandboxServer(const SandboxOptions& options, QObject* parent)
    : QObject(parent), m_options(options), m_faults(options.seed)
{
    m_clock.start();
    for (auto make : {makeTimbalHandler, makeAiSquaredHandler, makeB3osHandler, makeDatabarHandler,
                      makeBigdataHandler}) {
        std::unique_ptr<VendorHandler> h = make();
        h->reset(m_options);
        const QString id = h->vendorId();
        m_handlers.emplace(id, std::move(h));
    }
    m_front = std::make_unique<HttpFront>(this);
}

SandboxServer::~SandboxServer()
{
    // Sockets (and the timers and streams parented to them) go first, while the log they
    // report to still exists.
    m_front.reset();
}

bool SandboxServer::listen(quint16 port)
{
    auto* tcp = new LowDelayTcpServer;
    if (!tcp->listen(QHostAddress::LocalHost, port)) {
        m_error = QStringLiteral("cannot listen on 127.0.0.1:%1: %2")
                      .arg(QString::number(port), tcp->errorString());
        delete tcp;
        return false;
    }
    m_port = tcp->serverPort();
    m_front->bind(tcp); // takes ownership
    return true;
}

QUrl SandboxServer::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QUrl SandboxServer::vendorUrl(const QString& vendor) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/%2").arg(QString::number(m_port), vendor));
}

bool SandboxServer::setFaults(const QJsonArray& specs, QString* error)
{
    if (!m_faults.setFaults(specs, error))
        return false;
    handOverReportFaults();
    return true;
}

void SandboxServer::handOverReportFaults()
{
    for (auto& [id, handler] : m_handlers)
        handler->setReportFaults(m_faults.reportFaults(id));
}

void SandboxServer::reset()
{
    for (auto& [id, handler] : m_handlers)
        handler->reset(m_options);
    m_faults.clear();
    handOverReportFaults();
    m_log.clear();
    m_config = {};
}

QDateTime SandboxServer::serverNow() const
{
    return QDateTime::currentDateTimeUtc().addSecs(
        m_config.value(QLatin1String("clockSkewSeconds")).toInteger());
}

QByteArray SandboxServer::httpDate(const QDateTime& when)
{
    return QLocale::c()
        .toString(when.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
        .toLatin1();
}

bool SandboxServer::configure(const QJsonObject& settings, QString* error)
{
    // The server's own knob: how far its clock (Date, retry-at) is from the real one.
    const QJsonValue skew = settings.value(QLatin1String("clockSkewSeconds"));
    if (!skew.isUndefined() &&
        (!skew.isDouble() || std::abs(skew.toDouble()) > 20.0 * 366 * 24 * 3600)) {
        if (error)
            *error = QStringLiteral("clockSkewSeconds must be a number of seconds within 20 years");
        return false;
    }
    // All or nothing: every handler vets the knobs before any of them is applied.
    for (const auto& [id, handler] : m_handlers) {
        const QString why = handler->configError(settings);
        if (!why.isEmpty()) {
            if (error)
                *error = why;
            return false;
        }
    }
    for (auto it = settings.begin(); it != settings.end(); ++it)
        m_config.insert(it.key(), it.value());
    for (auto& [id, handler] : m_handlers)
        handler->configure(settings);
    return true;
}

QJsonObject SandboxServer::state(const QString& vendor) const
{
    QJsonObject all;
    for (const auto& [id, handler] : m_handlers) {
        if (vendor.isEmpty() || vendor == id)
            all.insert(id, handler->state());
    }
    return all;
}

void SandboxServer::handle(const QHttpServerRequest& request, QTcpSocket* socket)
{
    Incoming in;
    const QUrl url = request.url();
    in.method = methodName(request.method());
    in.encodedPath = url.path(QUrl::FullyEncoded);
    // Split before decoding so that "%2F" stays inside its segment.
    const QStringList raw = in.encodedPath.split(QLatin1Char('/'));
    for (qsizetype i = 1; i < raw.size(); ++i)
        in.segments.append(QUrl::fromPercentEncoding(raw.at(i).toUtf8()));
    in.rawQuery = url.query(QUrl::FullyEncoded);
    in.query = QUrlQuery(in.rawQuery);
    in.headers = request.headers();
    for (const auto& [name, value] : std::as_const(in.headers))
        in.lowerHeaders.insert(name.toLower(), value);
    in.body = request.body();

    const bool headOnly = in.method == "HEAD";
    const QString prefix = in.segments.value(0);
    if (prefix == kControlPrefix) {
        delivery::writeReply(socket, control(in), headOnly);
        return;
    }
    const auto it = m_handlers.find(prefix);
    if (it == m_handlers.end()) {
        delivery::writeReply(socket, error(404, QStringLiteral("unknown vendor prefix")), headOnly);
        return;
    }
    serveVendor(*it->second, in, socket);
}

void SandboxServer::serveVendor(VendorHandler& handler, const Incoming& in, QTcpSocket* socket)
{
    const QString vendor = handler.vendorId();
    SandboxRequest request;
    request.method = in.method;
    request.segments = in.segments.mid(1);
    request.query = in.query;
    request.headers = in.lowerHeaders;
    request.body = in.body;

    RequestLog::Entry entry;
    entry.vendor = vendor;
    entry.method = in.method;
    entry.path = in.encodedPath.mid(vendor.size() + 1);
    entry.query = in.rawQuery;
    entry.headers = in.headers;
    entry.body = handler.loggedBody(request);
    entry.receivedMs = nowMs();

    const std::optional<FaultSpec> fault =
        m_faults.take(vendor, QString::fromLatin1(in.method), entry.path);
    if (fault)
        entry.fault = fault->text;
    const qint64 seq = m_log.append(std::move(entry));

    SandboxReply reply;
    if (!fault || fault->handlerRuns()) {
        reply = handler.handle(request);
    } else if (fault->kind == FaultKind::Status) {
        reply = handler.faultReply(int(fault->arg), std::nullopt, request);
    } else if (fault->kind == FaultKind::RetryAfter) {
        reply = handler.faultReply(429, fault->arg, request);
        const bool hasRetryAfter =
            std::any_of(reply.headers.cbegin(), reply.headers.cend(), [](const auto& h) {
                return h.first.compare("Retry-After", Qt::CaseInsensitive) == 0;
            });
        if (!hasRetryAfter)
            reply.headers.append(
                qMakePair(QByteArray("Retry-After"), QByteArray(QByteArray::number(fault->arg))));
    } else if (fault->kind == FaultKind::RetryAt) {
        reply = handler.faultReply(429, std::nullopt, request);
        reply.headers.append(
            qMakePair(QByteArray("Retry-After"), httpDate(serverNow().addSecs(fault->arg))));
    } else { // Html: a web firewall or gateway answered instead of the vendor
        reply = support::htmlErrorPage(
            int(fault->arg), QStringLiteral("sandbox-fault.%1").arg(QString::number(seq)));
    }
    // Every real vendor answer carries the server's clock (RFC 9110 Date), skewed on request.
    reply.headers.append(qMakePair(QByteArray("Date"), httpDate(serverNow())));
    m_log.setAuthorized(seq, reply.authorized.value_or(credentialsAccepted(vendor, in)));
    deliver(seq, fault ? &*fault : nullptr, reply, in.method == "HEAD", socket);
}

void SandboxServer::deliver(qint64 seq, const FaultSpec* fault, const SandboxReply& reply,
                            bool headOnly, QTcpSocket* socket)
{
    const QPointer<QTcpSocket> guarded(socket);
    const QPointer<SandboxServer> self(this);
    auto answered = [self, seq](int status) {
        if (self)
            self->m_log.markAnswered(seq, status, self->nowMs());
    };
    if (!fault || !fault->handlerRuns()) {
        delivery::writeReply(socket, reply, headOnly);
        answered(reply.status);
        return;
    }
    switch (fault->kind) {
    case FaultKind::Latency:
        QTimer::singleShot(int(fault->arg), Qt::PreciseTimer, this,
                           [guarded, reply, headOnly, answered] {
                               if (guarded && guarded->state() == QAbstractSocket::ConnectedState) {
                                   delivery::writeReply(guarded, reply, headOnly);
                                   answered(reply.status);
                               } else {
                                   answered(-1); // the client left before the answer
                               }
                           });
        return;
    case FaultKind::Hang:
        // Never answered; the entry closes when the client gives up on the connection.
        connect(socket, &QTcpSocket::disconnected, this, [answered] { answered(-1); });
        return;
    case FaultKind::Reset:
        delivery::writeReset(socket, reply);
        answered(reply.status);
        return;
    case FaultKind::Malformed: {
        SandboxReply bad;
        bad.status = 200;
        bad.body = kMalformedBody;
        delivery::writeReply(socket, bad, headOnly);
        answered(200);
        return;
    }
    case FaultKind::Truncated:
        delivery::writeTruncated(socket, reply);
        answered(reply.status);
        return;
    case FaultKind::Oversized:
        delivery::streamOversized(socket, fault->arg, [answered] { answered(200); });
        return;
    case FaultKind::Drip: {
        const int status = reply.status;
        delivery::streamDrip(socket, reply, fault->arg, [answered, status] { answered(status); });
        return;
    }
    case FaultKind::Status:
    case FaultKind::RetryAfter:
    case FaultKind::RetryAt:
    case FaultKind::Html:
        break; // answered above
    case FaultKind::Stuck:
    case FaultKind::Revert:
    case FaultKind::Drop:
        break; // report side: never taken for a request
    }
}

bool SandboxServer::credentialsAccepted(const QString& vendor, const Incoming& in) const
{
    QByteArray given;
    if (vendor == QLatin1String("databar"))
        given = in.lowerHeaders.value("x-apikey");
    else if (vendor == QLatin1String("bigdata"))
        given = in.lowerHeaders.value("x-api-key");
    else {
        const QByteArray auth = in.lowerHeaders.value("authorization");
        if (!auth.startsWith("Bearer "))
            return false;
        given = auth.mid(7);
    }
    return !given.isEmpty() && (given == m_options.key || given == m_options.readOnlyKey);
}

SandboxReply SandboxServer::control(const Incoming& in)
{
    if (in.segments.size() != 2)
        return error(404, QStringLiteral("not found"));
    const QString what = in.segments.at(1);
    const QByteArray& method = in.method;
    const bool get = method == "GET" || method == "HEAD";

    if (what == QLatin1String("requests")) {
        if (get) {
            bool ok = true;
            const QString since = in.query.queryItemValue(QStringLiteral("since"));
            const qint64 n = since.isEmpty() ? 0 : since.toLongLong(&ok);
            if (!ok)
                return error(400, QStringLiteral("since must be an integer"));
            return SandboxReply::json(200,
                                      QJsonObject{{QStringLiteral("requests"), m_log.toJson(n)}});
        }
        if (method == "DELETE") {
            m_log.clear();
            return SandboxReply::json(200, QJsonObject{{QStringLiteral("ok"), true}});
        }
        return methodNotAllowed("GET, DELETE");
    }
    if (what == QLatin1String("state")) {
        if (!get)
            return methodNotAllowed("GET");
        const QString vendor = in.query.queryItemValue(QStringLiteral("vendor"));
        if (!vendor.isEmpty() && m_handlers.find(vendor) == m_handlers.end())
            return error(400, QStringLiteral("unknown vendor '%1'").arg(vendor));
        return SandboxReply::json(200, state(vendor));
    }
    if (what == QLatin1String("reset")) {
        if (method != "POST")
            return methodNotAllowed("POST");
        reset();
        return SandboxReply::json(200, QJsonObject{{QStringLiteral("ok"), true}});
    }
    if (what == QLatin1String("faults")) {
        if (method == "POST") {
            const std::optional<QJsonValue> body = support::parseBody(in.body);
            if (!body)
                return error(400, QStringLiteral("body is not JSON"));
            const QJsonValue list =
                body->isArray() ? *body : body->toObject().value(QStringLiteral("faults"));
            if (!list.isArray())
                return error(400, QStringLiteral("expected {\"faults\":[...]}"));
            QString message;
            if (!setFaults(list.toArray(), &message))
                return error(400, message);
        } else if (!get) {
            return methodNotAllowed("GET, POST");
        }
        return SandboxReply::json(200, QJsonObject{{QStringLiteral("faults"), faults()}});
    }
    if (what == QLatin1String("config")) {
        if (method == "POST") {
            const std::optional<QJsonValue> body = support::parseBody(in.body);
            if (!body || !body->isObject())
                return error(400, QStringLiteral("expected a JSON object"));
            QString message;
            if (!configure(body->toObject(), &message))
                return error(400, message);
        } else if (!get) {
            return methodNotAllowed("GET, POST");
        }
        return SandboxReply::json(200, QJsonObject{{QStringLiteral("config"), m_config}});
    }
    return error(404, QStringLiteral("not found"));
}

} // namespace sandbox
