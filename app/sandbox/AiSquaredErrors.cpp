#include "AiSquaredErrors.h"

#include "HandlerSupport.h"

#include <QJsonArray>
#include <QJsonObject>

namespace sandbox::aisquared {

using support::reasonPhrase;
using support::withAuth;

SandboxReply renderError(int status, const QString& detail, const QJsonValue& source,
                         std::optional<bool> authorized)
{
    QJsonObject e{{QStringLiteral("status"), status},
                  {QStringLiteral("title"), QStringLiteral("Error")},
                  {QStringLiteral("detail"), detail}};
    if (source.isObject())
        e.insert(QStringLiteral("source"), source);
    SandboxReply r =
        SandboxReply::json(status, QJsonObject{{QStringLiteral("errors"), QJsonArray{e}}});
    r.authorized = authorized;
    return r;
}

SandboxReply badRequest(const QString& message)
{
    const QJsonObject e{
        {QStringLiteral("status"), 400},
        {QStringLiteral("title"), QStringLiteral("Bad Request")},
        {QStringLiteral("detail"),
         QStringLiteral("There was a problem with the request format: ") + message},
        {QStringLiteral("source"),
         QJsonObject{{QStringLiteral("pointer"), QStringLiteral("/request/payload")}}}};
    return withAuth(SandboxReply::json(400, QJsonObject{{QStringLiteral("errors"), QJsonArray{e}}}),
                    true);
}

SandboxReply contractFailure(const QJsonObject& errors)
{
    return withAuth(SandboxReply::json(400, QJsonObject{{QStringLiteral("errors"), errors}}), true);
}

SandboxReply railsPublic(int status, std::optional<bool> authorized)
{
    SandboxReply r =
        SandboxReply::json(status, QJsonObject{{QStringLiteral("status"), status},
                                               {QStringLiteral("error"), reasonPhrase(status)}});
    r.authorized = authorized;
    return r;
}

SandboxReply faultAnswer(int status, std::optional<qint64> retryAfterSeconds)
{
    SandboxReply r;
    if (status == 429) // rack_attack.rb throttled_response
        r = SandboxReply::json(
            429, QJsonObject{{QStringLiteral("error"), QStringLiteral("Too many requests. Please "
                                                                      "try again later.")}});
    else if (status == 400)
        r = badRequest(QStringLiteral("request rejected"));
    else if (status >= 500)
        r = railsPublic(status);
    else
        r = renderError(status, reasonPhrase(status));
    if (retryAfterSeconds)
        r.headers.append(
            {QByteArrayLiteral("Retry-After"), QByteArray::number(*retryAfterSeconds)});
    r.authorized.reset();
    return r;
}

} // namespace sandbox::aisquared
