#include "TestHttp.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTimer>

QByteArray TestResponse::header(const QByteArray& name) const
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

namespace TestHttp {

static QNetworkAccessManager& manager()
{
    static QNetworkAccessManager nam;
    return nam;
}

TestResponse request(const QByteArray& method, const QUrl& url, const Headers& headers,
                     const QByteArray& body, int timeoutMs)
{
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     QNetworkRequest::ManualRedirectPolicy);
    for (const auto& [k, v] : headers)
        req.setRawHeader(k, v);
    if (!body.isEmpty() && !req.hasRawHeader("Content-Type"))
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));

    QElapsedTimer clock;
    clock.start();
    QBuffer* buffer = new QBuffer;
    buffer->setData(body);
    buffer->open(QIODevice::ReadOnly);
    QNetworkReply* reply = manager().sendCustomRequest(req, method, buffer);
    buffer->setParent(reply);

    // A local event loop is fine in a test (never in the app's GUI thread).
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    if (!reply->isFinished())
        loop.exec();

    TestResponse r;
    r.finished = reply->isFinished();
    if (!r.finished)
        reply->abort();
    r.elapsedMs = clock.elapsed();
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.errorString = reply->errorString();
    r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return r;
}

TestResponse get(const QUrl& url, const Headers& headers, int timeoutMs)
{
    return request("GET", url, headers, {}, timeoutMs);
}

TestResponse sendJson(const QByteArray& method, const QUrl& url, const Headers& headers,
                      const QJsonValue& json, int timeoutMs)
{
    QByteArray body;
    if (json.isArray())
        body = QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact);
    else if (json.isObject())
        body = QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact);
    else if (json.isNull())
        body = "null";
    Headers h = headers;
    h.append(qMakePair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")));
    return request(method, url, h, body, timeoutMs);
}

QJsonObject getJson(const QUrl& url)
{
    return get(url).object();
}

bool postJson(const QUrl& url, const QJsonObject& body)
{
    const TestResponse r = sendJson("POST", url, {}, body);
    return r.status >= 200 && r.status < 300;
}

} // namespace TestHttp
