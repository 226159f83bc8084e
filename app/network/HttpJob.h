#pragma once

#include "Http1Pool.h"
#include "HttpClient.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace ca {

// One HTTP exchange, retries included. Emits finished() exactly once, then deletes itself.
// GET and PUT are retried on connection errors, time-outs, 429 and 502/503/504 (backoff with
// jitter, Retry-After honoured); anything else, POST above all, is sent once: a lost answer is
// resolved by reading state, never by sending again.
class HttpJob : public QObject
{
    Q_OBJECT
public:
    // Sent with `nam`, or on `pool`'s connections when one is given (HttpClient decides).
    HttpJob(QNetworkAccessManager* nam, Http1Pool* pool, HttpRequest request, HttpOptions options,
            QObject* parent);
    ~HttpJob() override;

    const HttpRequest& request() const { return m_request; }
    bool isRetryable() const;

    void start();
    // Ends the job now with ApiError::Kind::Canceled (finished() is still emitted once).
    void abort();

signals:
    void finished(const ca::HttpResponse& response);
    // About to wait delayMs before attempt `nextAttempt` (for a status line).
    void retrying(int nextAttempt, int delayMs, const QString& reason);

private:
    enum class AbortReason
    {
        None,
        TooLarge,
        Redirect,
        Canceled
    };

    void sendAttempt();
    RawHeaders headersToSend(bool hasBody) const;
    void sendOnPool();
    void onPoolResult(const Http1Result& result);
    // Classifies the attempt's outcome into r.error, then retries or finishes.
    void conclude(HttpResponse r, qint64 contentLength, Http1Result::Failure failure,
                  const QString& detail);
    void onMetaDataChanged();
    void onReadyRead();
    void onRedirected(const QUrl& target);
    void onReplyFinished();
    void abortReply(AbortReason reason);
    bool exceedsCap(qint64 bytes) const { return bytes > m_options.maxResponseBytes; }
    ApiError transportError(ApiError::Kind kind, const QString& message, const QString& hint) const;
    void finishWith(HttpResponse response);
    int backoffMs() const;

    QNetworkAccessManager* m_nam;
    QPointer<Http1Pool> m_pool;
    quint64 m_poolId = 0; // the pool's request in flight, 0 when none
    QUrl m_attemptUrl;    // this attempt's URL, after same-origin redirects
    QByteArray m_attemptMethod;
    QByteArray m_attemptBody;
    int m_redirects = 0;
    HttpRequest m_request;
    HttpOptions m_options;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retryTimer;
    QElapsedTimer m_total;
    QElapsedTimer m_attemptClock;
    QByteArray m_body;
    QUrl m_redirectTarget;
    QString m_sslErrors;
    AbortReason m_abortReason = AbortReason::None;
    int m_attempt = 0;
    bool m_done = false;
};

} // namespace ca
