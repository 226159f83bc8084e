#include "VendorHandler.h"

#include <QJsonDocument>

namespace sandbox {

SandboxReply SandboxReply::json(int status, const QJsonValue& value)
{
    SandboxReply r;
    r.status = status;
    if (value.isArray())
        r.body = QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    else
        r.body = QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    return r;
}

SandboxReply SandboxReply::empty(int status)
{
    SandboxReply r;
    r.status = status;
    r.contentType.clear();
    return r;
}

} // namespace sandbox
