#pragma once

#include "ApiError.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QUrl>
#include <optional>

class QNetworkAccessManager;

namespace ca {

class HttpJob;
class Http1Pool;

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

// Limits every request obeys. The defaults are the app's; tests and settings may lower them.
struct HttpOptions
{
    int transferTimeoutMs = 30000;              // no bytes for this long: the attempt times out
    qint64 maxResponseBytes = 16 * 1024 * 1024; // enforced while reading
    int maxAttempts = 3;                        // total tries for GET/PUT on transient failures
    int maxRetryWaitMs = 60000;                 // a longer Retry-After fails instead of waiting
    int initialBackoffMs = 500;                 // doubled per retry, with jitter
    // PUT retried on transient failures like GET. Off where a write must leave at most once
    // (a change set resolves a lost answer by reading the connector again instead).
    bool retryWrites = true;
};

struct HttpRequest
{
    QByteArray method = "GET";
    QUrl url;
    RawHeaders headers; // credentials go here; they are never logged
    QByteArray body;    // sent when non-empty or when the method is POST/PUT
};

// The outcome of one HttpJob: either an HTTP answer (status + body, any status) or a transport
// failure (error.kind set, status 0 or the status of a cut-off answer).
struct HttpResponse
{
    int status = 0;
    QByteArray body;
    RawHeaders headers;
    ApiError error; // transport failure only; HTTP statuses are left to the service
    int attempts = 0;
    qint64 elapsedMs = 0;     // all attempts and waits
    qint64 retryAfterMs = -1; // from the last answer's Retry-After, -1 if none

    bool hasAnswer() const { return !error.isError() && status > 0; }
    bool isSuccess() const { return hasAnswer() && status >= 200 && status < 300; }
    QByteArray header(const QByteArray& name) const; // case-insensitive
};

// Owns the QNetworkAccessManager of one thread; create one per thread and share it between the
// services of that thread. Each send() returns a job that starts on the next event-loop turn
// (connect first), emits HttpJob::finished exactly once and then deletes itself.
class HttpClient : public QObject
{
    Q_OBJECT
public:
    explicit HttpClient(QObject* parent = nullptr);
    ~HttpClient() override;

    const HttpOptions& options() const { return m_options; }
    void setOptions(const HttpOptions& options) { m_options = options; }

    HttpJob* send(const HttpRequest& request);
    HttpJob* send(const HttpRequest& request, const HttpOptions& options);

    QNetworkAccessManager* networkAccessManager() const { return m_nam; }

    // Connections per host. Up to kQtConnectionsPerHost, requests go through Qt's
    // QNetworkAccessManager; above it (bulk runs), through this client's own HTTP/1.1 connection
    // pool (Http1Pool), as Qt 6.4's manager cannot open more. Set before sending.
    static constexpr int kQtConnectionsPerHost = 6;
    void setMaxConnectionsPerHost(int n);
    int maxConnectionsPerHost() const;

    // Empty when the URL may be used; otherwise why not (TLS required except on loopback).
    static QString refusalForUrl(const QUrl& url);
    // Retry-After as delta seconds or HTTP date, in ms from `now` (the answer's Date when it has
    // one: the server's clock), 0 for a date already past, capped at a year; nullopt if
    // unparsable.
    static std::optional<qint64> parseRetryAfterMs(const QByteArray& value, const QDateTime& now);
    // An HTTP date header value (IMF-fixdate, or RFC 2822) in UTC; invalid if unparsable.
    static QDateTime parseHttpDate(const QByteArray& value);

private:
    void startQueued();

    QNetworkAccessManager* m_nam;
    QList<QPointer<HttpJob>> m_toStart; // sent this turn, started on the next
    Http1Pool* m_pool = nullptr;
    HttpOptions m_options;
};

} // namespace ca

Q_DECLARE_METATYPE(ca::HttpResponse)
