#include "HttpClient.h"

#include "Http1Pool.h"
#include "HttpJob.h"
#include "Profile.h"

#include <QLocale>
#include <QNetworkAccessManager>
#include <QTimeZone>
#include <utility>

namespace ca {

QByteArray HttpResponse::header(const QByteArray& name) const
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

HttpClient::HttpClient(QObject* parent) : QObject(parent), m_nam(new QNetworkAccessManager(this))
{
    // Credentials travel in headers only; a server's cookies are not wanted on later requests.
    m_nam->setCookieJar(nullptr);
}

HttpClient::~HttpClient() = default;

void HttpClient::setMaxConnectionsPerHost(int n)
{
    if (n <= kQtConnectionsPerHost) {
        delete m_pool;
        m_pool = nullptr;
        return;
    }
    if (m_pool && m_pool->connectionsPerOrigin() == n)
        return;
    delete m_pool;
    m_pool = new Http1Pool(n, this);
}

int HttpClient::maxConnectionsPerHost() const
{
    return m_pool ? m_pool->connectionsPerOrigin() : kQtConnectionsPerHost;
}

HttpJob* HttpClient::send(const HttpRequest& request)
{
    return send(request, m_options);
}

HttpJob* HttpClient::send(const HttpRequest& request, const HttpOptions& options)
{
    auto* job = new HttpJob(m_nam, m_pool, request, options, this);
    // Started on the next turn of the event loop so the caller can connect to finished() first;
    // the jobs of one turn start together (one posted event, one wake-up, for a burst).
    m_toStart.append(job);
    if (m_toStart.size() == 1)
        QMetaObject::invokeMethod(this, &HttpClient::startQueued, Qt::QueuedConnection);
    return job;
}

void HttpClient::startQueued()
{
    const QList<QPointer<HttpJob>> jobs = std::exchange(m_toStart, {});
    for (const QPointer<HttpJob>& job : jobs) {
        if (job)
            job->start();
    }
}

QString HttpClient::refusalForUrl(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty())
        return tr("'%1' is not a valid URL").arg(url.toDisplayString());
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https"))
        return {};
    if (scheme == QLatin1String("http")) {
        if (isLoopbackHost(url.host()))
            return {};
        return tr("refusing to send to %1: plain http is allowed only to this computer "
                  "(127.0.0.1, ::1, localhost); use https://")
            .arg(url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery));
    }
    return tr("refusing to send to %1: only https:// URLs are supported")
        .arg(url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery));
}

std::optional<qint64> HttpClient::parseRetryAfterMs(const QByteArray& value, const QDateTime& now)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    // Waits beyond a year are capped: they mean "not now" all the same, and the ms value is
    // multiplied and added to dates later ("99999999999999999" overflowed qint64 here).
    constexpr qint64 kMaxMs = 365LL * 24 * 3600 * 1000;
    bool ok = false;
    const qint64 seconds = v.toLongLong(&ok);
    if (ok)
        return seconds < 0 ? std::nullopt
                           : std::optional<qint64>(qMin(seconds, kMaxMs / 1000) * 1000);
    const QDateTime when = parseHttpDate(v);
    if (!when.isValid() || !now.isValid())
        return std::nullopt;
    // A date in the past means "now"; years ahead are capped like the seconds form.
    return qBound<qint64>(0, now.msecsTo(when), kMaxMs);
}

QDateTime HttpClient::parseHttpDate(const QByteArray& value)
{
    // RFC 9110 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"; RFC 2822 forms as a fallback.
    const QString text = QString::fromLatin1(value.trimmed());
    if (text.isEmpty())
        return {};
    QDateTime when =
        QLocale::c().toDateTime(text, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (when.isValid()) {
        when.setTimeZone(QTimeZone::utc()); // parsed as local time: the digits are GMT
        return when;
    }
    when = QDateTime::fromString(text, Qt::RFC2822Date); // carries its own offset
    return when.isValid() ? when.toUTC() : QDateTime();
}

} // namespace ca
