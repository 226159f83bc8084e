#include "HttpJob.h"

#include "NetworkLog.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QSslError>

namespace ca {

namespace {

QString formatSeconds(qint64 ms)
{
    // Whole seconds from 10 s on ("7199", never "7.2e+03"); tenths below ("2.5").
    if (ms % 1000 == 0 || ms >= 10000)
        return QString::number((ms + 500) / 1000);
    return QString::number(double(ms) / 1000.0, 'f', 1);
}

QString formatBytes(qint64 bytes)
{
    constexpr qint64 kMiB = 1024 * 1024;
    if (bytes % kMiB == 0)
        return QCoreApplication::translate("ca::HttpJob", "%1 MiB").arg(bytes / kMiB);
    if (bytes % 1024 == 0)
        return QCoreApplication::translate("ca::HttpJob", "%1 KiB").arg(bytes / 1024);
    return QCoreApplication::translate("ca::HttpJob", "%1 bytes").arg(bytes);
}

bool isRetryableStatus(int status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

bool isTransient(ApiError::Kind kind)
{
    return kind == ApiError::Kind::Timeout || kind == ApiError::Kind::ConnectionFailed ||
           kind == ApiError::Kind::ConnectionClosed || kind == ApiError::Kind::Truncated;
}

bool hasHeader(const RawHeaders& headers, const char* name)
{
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool sendsBody(const QByteArray& method, const QByteArray& body)
{
    return !body.isEmpty() || method == "POST" || method == "PUT";
}

// A redirect is followed only within the origin the credentials were meant for, and never to a
// URL this client would refuse (plain http off loopback).
bool mayFollowRedirect(const QUrl& from, const QUrl& target)
{
    return target.scheme().compare(from.scheme(), Qt::CaseInsensitive) == 0 &&
           target.host().compare(from.host(), Qt::CaseInsensitive) == 0 &&
           target.port(-1) == from.port(-1) && HttpClient::refusalForUrl(target).isEmpty();
}

} // namespace

HttpJob::HttpJob(QNetworkAccessManager* nam, Http1Pool* pool, HttpRequest request,
                 HttpOptions options, QObject* parent)
    : QObject(parent), m_nam(nam), m_pool(pool), m_request(std::move(request)), m_options(options)
{
    m_retryTimer.setSingleShot(true);
    // A coarse timer may fire up to 5 % early: too early for a server's Retry-After.
    m_retryTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_retryTimer, &QTimer::timeout, this, &HttpJob::sendAttempt);
}

HttpJob::~HttpJob()
{
    if (m_pool && m_poolId)
        m_pool->cancel(m_poolId);
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

bool HttpJob::isRetryable() const
{
    const QByteArray m = m_request.method.toUpper();
    return m == "GET" || m == "HEAD" || (m == "PUT" && m_options.retryWrites);
}

void HttpJob::start()
{
    if (m_done || m_attempt > 0)
        return;
    m_total.start();
    const QString refusal = HttpClient::refusalForUrl(m_request.url);
    if (!refusal.isEmpty()) {
        HttpResponse r;
        r.error = transportError(ApiError::Kind::InsecureUrl, refusal,
                                 tr("Change the profile's base URL to an https:// address."));
        qCDebug(lcNetwork).noquote() << m_request.method << "refused before sending:" << refusal;
        finishWith(r);
        return;
    }
    sendAttempt();
}

void HttpJob::abort()
{
    if (m_done)
        return;
    m_retryTimer.stop();
    if (m_reply) {
        abortReply(AbortReason::Canceled);
        return;
    }
    if (m_pool && m_poolId) {
        m_pool->cancel(m_poolId);
        m_poolId = 0;
    }
    HttpResponse r;
    r.error = transportError(ApiError::Kind::Canceled, tr("canceled"), {});
    finishWith(r);
}

void HttpJob::sendAttempt()
{
    ++m_attempt;
    m_body.clear();
    m_redirectTarget.clear();
    m_sslErrors.clear();
    m_abortReason = AbortReason::None;
    m_attemptUrl = m_request.url;
    m_attemptMethod = m_request.method.toUpper();
    m_attemptBody = m_request.body;
    m_redirects = 0;
    m_attemptClock.start();
    if (m_pool) {
        sendOnPool();
        return;
    }

    QNetworkRequest req(m_request.url);
    req.setTransferTimeout(m_options.transferTimeoutMs);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::UserVerifiedRedirectPolicy);
    req.setMaximumRedirectsAllowed(5);
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    req.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    const QByteArray method = m_request.method.toUpper();
    const bool hasBody = sendsBody(method, m_request.body);
    for (const auto& [name, value] : headersToSend(hasBody))
        req.setRawHeader(name, value);

    QNetworkReply* reply = hasBody ? m_nam->sendCustomRequest(req, method, m_request.body)
                                   : m_nam->sendCustomRequest(req, method);
    m_reply = reply;
    // Bounded: data is moved into m_body (and checked against the cap) on every readyRead.
    reply->setReadBufferSize(256 * 1024);
    connect(reply, &QNetworkReply::metaDataChanged, this, &HttpJob::onMetaDataChanged);
    connect(reply, &QNetworkReply::readyRead, this, &HttpJob::onReadyRead);
    connect(reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64 total) {
        if (exceedsCap(total) || exceedsCap(received))
            abortReply(AbortReason::TooLarge);
    });
    connect(reply, &QNetworkReply::redirected, this, &HttpJob::onRedirected);
    connect(reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError>& errors) {
        // Never ignored: the handshake fails and the reply ends with SslHandshakeFailedError.
        QStringList texts;
        for (const QSslError& e : errors)
            texts << e.errorString();
        m_sslErrors = texts.join(QStringLiteral("; "));
    });
    connect(reply, &QNetworkReply::finished, this, &HttpJob::onReplyFinished);
}

void HttpJob::onMetaDataChanged()
{
    if (!m_reply)
        return;
    const QVariant length = m_reply->header(QNetworkRequest::ContentLengthHeader);
    if (length.isValid() && exceedsCap(length.toLongLong()))
        abortReply(AbortReason::TooLarge);
}

void HttpJob::onReadyRead()
{
    if (!m_reply)
        return;
    if (exceedsCap(m_body.size() + m_reply->bytesAvailable())) {
        abortReply(AbortReason::TooLarge);
        return;
    }
    m_body += m_reply->readAll();
}

void HttpJob::onRedirected(const QUrl& target)
{
    if (mayFollowRedirect(m_request.url, target)) {
        emit m_reply->redirectAllowed();
        return;
    }
    // Another origin could receive the credentials: refuse and stop here.
    m_redirectTarget = target;
    abortReply(AbortReason::Redirect);
}

void HttpJob::abortReply(AbortReason reason)
{
    if (!m_reply || m_abortReason != AbortReason::None)
        return;
    m_abortReason = reason;
    m_reply->abort(); // emits finished() synchronously -> onReplyFinished()
}

ApiError HttpJob::transportError(ApiError::Kind kind, const QString& message,
                                 const QString& hint) const
{
    ApiError e;
    e.kind = kind;
    e.message = message;
    e.hint = hint;
    e.method = m_request.method;
    e.url = m_request.url.toDisplayString(QUrl::RemoveUserInfo);
    return e;
}

int HttpJob::backoffMs() const
{
    // Exponential with jitter: base * 2^(n-1), scaled by a random 50..100 %.
    const qint64 base = qint64(m_options.initialBackoffMs) << qMin(m_attempt - 1, 10);
    const double factor = 0.5 + QRandomGenerator::global()->generateDouble() * 0.5;
    return int(qMin<qint64>(m_options.maxRetryWaitMs, qint64(double(base) * factor)));
}

void HttpJob::onReplyFinished()
{
    QNetworkReply* reply = m_reply;
    if (!reply || m_done)
        return;
    m_reply = nullptr;
    reply->disconnect(this);
    reply->deleteLater();

    if (m_abortReason == AbortReason::None && reply->error() == QNetworkReply::NoError) {
        if (exceedsCap(m_body.size() + reply->bytesAvailable()))
            m_abortReason = AbortReason::TooLarge;
        else
            m_body += reply->readAll();
    } else if (m_abortReason == AbortReason::None && reply->isOpen()) {
        m_body += reply->read(qMax<qint64>(0, m_options.maxResponseBytes - m_body.size()));
    }

    HttpResponse r;
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    r.status = statusAttr.isValid() ? statusAttr.toInt() : 0;
    r.headers = reply->rawHeaderPairs();
    r.body = m_body;
    const QNetworkReply::NetworkError err = reply->error();
    const qint64 contentLength =
        reply->header(QNetworkRequest::ContentLengthHeader).isValid()
            ? reply->header(QNetworkRequest::ContentLengthHeader).toLongLong()
            : -1;
    using F = Http1Result::Failure;
    F failure = F::None;
    QString detail = reply->errorString();
    if (err == QNetworkReply::OperationCanceledError) {
        failure = F::Timeout; // only the transfer time-out aborts without a reason of ours
    } else if (err == QNetworkReply::ConnectionRefusedError) {
        failure = F::Refused;
    } else if (err == QNetworkReply::HostNotFoundError) {
        failure = F::HostNotFound;
    } else if (err == QNetworkReply::SslHandshakeFailedError) {
        failure = F::Tls;
        if (!m_sslErrors.isEmpty())
            detail = m_sslErrors;
    } else if (err == QNetworkReply::RemoteHostClosedError ||
               err == QNetworkReply::ProtocolFailure ||
               (err == QNetworkReply::NoError && contentLength >= 0 &&
                m_body.size() < contentLength && m_request.method.toUpper() != "HEAD")) {
        failure = F::Closed;
    } else if (err != QNetworkReply::NoError && (int(err) < 100 || r.status == 0)) {
        failure = F::Network;
    }
    if (err == QNetworkReply::NoError)
        detail.clear();
    conclude(std::move(r), contentLength, failure, detail);
}

RawHeaders HttpJob::headersToSend(bool hasBody) const
{
    // The request's own headers, with JSON as Accept and (with a body) Content-Type unless it
    // names them.
    RawHeaders headers;
    headers.reserve(m_request.headers.size() + 2);
    if (!hasHeader(m_request.headers, "Accept"))
        headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
    headers += m_request.headers;
    if (hasBody && !hasHeader(m_request.headers, "Content-Type"))
        headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    return headers;
}

void HttpJob::sendOnPool()
{
    const bool hasBody = sendsBody(m_attemptMethod, m_attemptBody);
    m_poolId = m_pool->send(m_attemptMethod, m_attemptUrl, headersToSend(hasBody),
                            hasBody ? m_attemptBody : QByteArray(), m_options.transferTimeoutMs,
                            m_options.maxResponseBytes,
                            [this](const Http1Result& result) { onPoolResult(result); });
}

void HttpJob::onPoolResult(const Http1Result& result)
{
    m_poolId = 0;
    if (m_done)
        return;
    using F = Http1Result::Failure;
    // Same-origin redirects are followed as QNetworkAccessManager would (303, and 301/302 after
    // a POST, continue as GET); any other is refused so credentials stay with the profile's host.
    const int status = result.status;
    if (result.failure == F::None &&
        (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)) {
        QByteArray location;
        for (const auto& [name, value] : result.headers) {
            if (name.compare("Location", Qt::CaseInsensitive) == 0)
                location = value;
        }
        if (!location.isEmpty()) {
            const QUrl target = m_attemptUrl.resolved(QUrl::fromEncoded(location));
            if (!mayFollowRedirect(m_request.url, target)) {
                m_redirectTarget = target;
                m_abortReason = AbortReason::Redirect;
            } else if (m_redirects < 5) {
                ++m_redirects;
                if (status == 303 ||
                    ((status == 301 || status == 302) && m_attemptMethod == "POST")) {
                    m_attemptMethod = "GET";
                    m_attemptBody.clear();
                }
                m_attemptUrl = target;
                sendOnPool();
                return;
            } else {
                Http1Result tooMany;
                tooMany.failure = F::Network;
                tooMany.detail = tr("too many redirects");
                return onPoolResult(tooMany);
            }
        }
    }
    if (result.failure == F::TooLarge)
        m_abortReason = AbortReason::TooLarge;
    HttpResponse r;
    r.status = result.status;
    r.headers = result.headers;
    r.body = result.body;
    conclude(std::move(r), result.contentLength, result.failure, result.detail);
}

void HttpJob::conclude(HttpResponse r, qint64 contentLength, Http1Result::Failure failure,
                       const QString& detail)
{
    const QString host = m_request.url.host();
    using F = Http1Result::Failure;
    switch (m_abortReason) {
    case AbortReason::TooLarge:
        r.error = transportError(
            ApiError::Kind::TooLarge,
            tr("response larger than %1").arg(formatBytes(m_options.maxResponseBytes)),
            tr("The answer was not read. If such a large answer is "
               "expected, raise the response size limit."));
        break;
    case AbortReason::Redirect:
        r.error = transportError(
            ApiError::Kind::Redirect,
            tr("the server redirected to %1; redirects to another host, port or to plain "
               "http are not followed, so the credentials stay with %2")
                .arg(m_redirectTarget.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery),
                     host),
            tr("Check the profile's base URL; use the address the vendor documents."));
        break;
    case AbortReason::Canceled:
        r.error = transportError(ApiError::Kind::Canceled, tr("canceled"), {});
        break;
    case AbortReason::None:
        switch (failure) {
        case F::None:
            break;
        case F::Timeout:
            r.error = transportError(
                ApiError::Kind::Timeout,
                tr("timed out after %1 s").arg(formatSeconds(m_options.transferTimeoutMs)),
                tr("The server did not answer in time. Try again later, or raise the "
                   "time-out in the settings."));
            break;
        case F::Refused:
            r.error = transportError(ApiError::Kind::ConnectionFailed,
                                     tr("could not connect to %1: connection refused").arg(host),
                                     tr("Check the base URL and that the service is up."));
            break;
        case F::HostNotFound:
            r.error =
                transportError(ApiError::Kind::ConnectionFailed, tr("host %1 not found").arg(host),
                               tr("Check the base URL and the network connection."));
            break;
        case F::Tls:
            r.error = transportError(
                ApiError::Kind::Tls, tr("secure connection to %1 failed: %2").arg(host, detail),
                tr("The server's certificate could not be verified. Check the base URL "
                   "and the system's CA certificates."));
            break;
        case F::Closed:
            if (r.status > 0) {
                r.error = transportError(
                    ApiError::Kind::Truncated,
                    contentLength >= 0
                        ? tr("the answer was cut off after %1 of %2 bytes")
                              .arg(r.body.size())
                              .arg(contentLength)
                        : tr("the answer was cut off after %1 bytes").arg(r.body.size()),
                    tr("The connection broke while the answer arrived. Try again."));
            } else {
                r.error = transportError(
                    ApiError::Kind::ConnectionClosed,
                    tr("the connection to %1 was closed before an answer arrived").arg(host),
                    tr("Try again; if it persists the service may be overloaded."));
            }
            break;
        case F::TooLarge: // set as an abort reason above
        case F::Protocol:
        case F::Network:
            r.error = transportError(ApiError::Kind::Network,
                                     tr("network error talking to %1: %2").arg(host, detail),
                                     tr("Check the network connection and try again."));
            break;
        }
        break;
    }
    if (r.error.isError() && r.status > 0)
        r.error.httpStatus = r.status;
    r.attempts = m_attempt;
    if (r.error.kind != ApiError::Kind::TooLarge && r.status > 0) {
        const QByteArray retryAfter = r.header("Retry-After");
        if (!retryAfter.isEmpty()) {
            // An HTTP-date is the server's clock: measured from the answer's own Date, so a
            // server hours off the local clock still means "in 2 s" when it says so.
            const QDateTime serverNow = HttpClient::parseHttpDate(r.header("Date"));
            if (const auto ms = HttpClient::parseRetryAfterMs(
                    retryAfter, serverNow.isValid() ? serverNow : QDateTime::currentDateTimeUtc()))
                r.retryAfterMs = *ms;
        } else if (r.status == 429) {
            // A 429 without Retry-After: the RateLimit-Reset header (IETF draft, sent by Timbal,
            // also as X-RateLimit-Reset) says in how many seconds the window resets.
            QByteArray reset = r.header("RateLimit-Reset");
            if (reset.isEmpty())
                reset = r.header("X-RateLimit-Reset");
            bool ok = false;
            const qint64 seconds = reset.trimmed().toLongLong(&ok);
            if (ok && seconds >= 0 && seconds <= 24 * 3600)
                r.retryAfterMs = seconds * 1000;
        }
    }

    qCDebug(lcNetwork).noquote() << m_request.method
                                 << m_request.url.toDisplayString(QUrl::RemoveUserInfo) << "->"
                                 << (r.error.isError() ? ApiError::kindName(r.error.kind)
                                                       : QString::number(r.status))
                                 << "in" << m_attemptClock.elapsed() << "ms, attempt" << m_attempt
                                 << (detail.isEmpty() ? QString()
                                                      : QStringLiteral("(%1)").arg(detail));

    // Retry only where sending again cannot do harm.
    const bool transient =
        r.error.isError() ? isTransient(r.error.kind) : isRetryableStatus(r.status);
    if (transient && isRetryable() && m_attempt < m_options.maxAttempts) {
        const bool serverAsked = !r.error.isError() && r.retryAfterMs >= 0;
        if (serverAsked && r.retryAfterMs > m_options.maxRetryWaitMs) {
            const QDateTime when = QDateTime::currentDateTime().addMSecs(r.retryAfterMs);
            r.error = transportError(
                ApiError::Kind::RateLimited,
                tr("the server asks to wait %1 s before retrying, longer than the %2 s this "
                   "app waits")
                    .arg(formatSeconds(r.retryAfterMs), formatSeconds(m_options.maxRetryWaitMs)),
                tr("Try again after %1.").arg(QLocale().toString(when, QLocale::ShortFormat)));
            r.error.httpStatus = r.status;
            finishWith(r);
            return;
        }
        const int delay = serverAsked ? int(r.retryAfterMs) : backoffMs();
        const QString reason =
            r.error.isError() ? r.error.message : QStringLiteral("HTTP %1").arg(r.status);
        qCInfo(lcNetwork).noquote()
            << m_request.method << m_request.url.toDisplayString(QUrl::RemoveUserInfo) << ":"
            << reason << "- retrying in" << delay << "ms";
        emit retrying(m_attempt + 1, delay, reason);
        m_retryTimer.start(delay);
        return;
    }
    finishWith(r);
}

void HttpJob::finishWith(HttpResponse response)
{
    if (m_done)
        return;
    m_done = true;
    response.elapsedMs = m_total.isValid() ? m_total.elapsed() : 0;
    if (response.attempts == 0)
        response.attempts = m_attempt;
    qCDebug(lcNetwork).noquote() << m_request.method
                                 << m_request.url.toDisplayString(QUrl::RemoveUserInfo)
                                 << "finished:"
                                 << (response.error.isError() ? response.error.message
                                                              : QString::number(response.status))
                                 << "after" << response.elapsedMs << "ms," << response.attempts
                                 << "attempt(s)";
    emit finished(response);
    deleteLater();
}

} // namespace ca
