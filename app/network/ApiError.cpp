#include "ApiError.h"

#include "Secrets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ca {

QString ApiError::toString() const
{
    QString s = message;
    if (!serverMessage.isEmpty() && !message.contains(serverMessage))
        s += QStringLiteral(" (server: %1)").arg(serverMessage);
    if (!hint.isEmpty())
        s += QStringLiteral(" — ") + hint;
    if (!requestId.isEmpty())
        s += QStringLiteral(" [request id %1]").arg(requestId);
    return s;
}

QString ApiError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Refused:
        return QStringLiteral("refused");
    case Kind::InsecureUrl:
        return QStringLiteral("insecure-url");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::ConnectionFailed:
        return QStringLiteral("connection-failed");
    case Kind::ConnectionClosed:
        return QStringLiteral("connection-closed");
    case Kind::Truncated:
        return QStringLiteral("truncated");
    case Kind::Tls:
        return QStringLiteral("tls");
    case Kind::Redirect:
        return QStringLiteral("redirect");
    case Kind::TooLarge:
        return QStringLiteral("too-large");
    case Kind::Malformed:
        return QStringLiteral("malformed");
    case Kind::Unauthorized:
        return QStringLiteral("unauthorized");
    case Kind::Forbidden:
        return QStringLiteral("forbidden");
    case Kind::NotFound:
        return QStringLiteral("not-found");
    case Kind::Validation:
        return QStringLiteral("validation");
    case Kind::Precondition:
        return QStringLiteral("precondition");
    case Kind::Conflict:
        return QStringLiteral("conflict");
    case Kind::RateLimited:
        return QStringLiteral("rate-limited");
    case Kind::Server:
        return QStringLiteral("server");
    case Kind::Http:
        return QStringLiteral("http");
    case Kind::Canceled:
        return QStringLiteral("canceled");
    case Kind::Network:
        return QStringLiteral("network");
    }
    return QStringLiteral("unknown");
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
