#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkReply>
#include <QPair>
#include <QUrl>

// A plain HTTP client for tests, deliberately independent of app/network: contract tests check the
// sandbox against the vendor docs, not against our own client code.
struct TestResponse
{
    int status = 0; // 0 when no HTTP answer arrived
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // raw response headers
    qint64 elapsedMs = 0;
    bool finished = false; // false: timed out waiting

    QByteArray header(const QByteArray& name) const; // case-insensitive
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QJsonObject object() const { return json().object(); }
    QJsonArray array() const { return json().array(); }
};

namespace TestHttp {

using Headers = QList<QPair<QByteArray, QByteArray>>;

// Sends one request and waits (QSignalSpy-style, fine in tests) for the answer or timeoutMs.
TestResponse request(const QByteArray& method, const QUrl& url, const Headers& headers = {},
                     const QByteArray& body = {}, int timeoutMs = 10000);
TestResponse get(const QUrl& url, const Headers& headers = {}, int timeoutMs = 10000);
TestResponse sendJson(const QByteArray& method, const QUrl& url, const Headers& headers,
                      const QJsonValue& json, int timeoutMs = 10000);

// Convenience for /_sandbox/ control endpoints.
QJsonObject getJson(const QUrl& url);
bool postJson(const QUrl& url, const QJsonObject& body);

} // namespace TestHttp
