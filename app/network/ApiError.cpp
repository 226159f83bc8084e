#include "ApiError.h"

#include "Secrets.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <iterator>

namespace ca {

QString ApiError::toString() const
{
    QString s = message;
    if (!serverMessage.isEmpty() && !message.contains(serverMessage))
        s += QCoreApplication::translate("ca::ApiError", " (server: %1)").arg(serverMessage);
    if (!hint.isEmpty())
        s += QStringLiteral(" — ") + hint;
    if (!requestId.isEmpty())
        s += QCoreApplication::translate("ca::ApiError", " [request id %1]").arg(requestId);
    return s;
}

QString ApiError::kindName(Kind kind)
{
    // In the order of Kind.
    static const char* const kNames[] = {"none",
                                         "refused",
                                         "insecure-url",
                                         "timeout",
                                         "connection-failed",
                                         "connection-closed",
                                         "truncated",
                                         "tls",
                                         "redirect",
                                         "too-large",
                                         "malformed",
                                         "unauthorized",
                                         "forbidden",
                                         "not-found",
                                         "validation",
                                         "precondition",
                                         "conflict",
                                         "rate-limited",
                                         "server",
                                         "http",
                                         "canceled",
                                         "network"};
    static_assert(std::size(kNames) == std::size_t(Kind::Network) + 1);
    const auto index = std::size_t(kind);
    return index < std::size(kNames) ? QLatin1String(kNames[index]) : QStringLiteral("unknown");
}

ApiError::Kind ApiError::kindForStatus(int status)
{
    switch (status) {
    case 400:
    case 422:
        return Kind::Validation;
    case 401:
        return Kind::Unauthorized;
    case 403:
        return Kind::Forbidden;
    case 404:
        return Kind::NotFound;
    case 409:
        return Kind::Conflict;
    case 406:
    case 412:
        return Kind::Precondition;
    case 429:
        return Kind::RateLimited;
    default:
        break;
    }
    if (status >= 500 && status < 600)
        return Kind::Server;
    return Kind::Http;
}

QByteArray redactBody(const QByteArray& body, const QByteArray& secret)
{
    constexpr qsizetype kCap = 64 * 1024;
    QByteArray out = body.left(kCap);
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &pe);
    if (pe.error == QJsonParseError::NoError) {
        // Header values echoed back (a request dump, a stored connector) are secret whatever
        // their names.
        const SecretRules rules = SecretRules::byKeyNames({QStringLiteral("/**/headers/*/value")});
        const QJsonValue redacted =
            rules.masked(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()),
                         SecretRules::Mask::Redacted);
        out = redacted.isObject()
                  ? QJsonDocument(redacted.toObject()).toJson(QJsonDocument::Compact)
                  : QJsonDocument(redacted.toArray()).toJson(QJsonDocument::Compact);
    }
    if (secret.size() >= 4)
        out.replace(secret, SecretMarker::redacted.toUtf8());
    return out;
}

} // namespace ca
