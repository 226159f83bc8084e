#include "B3osService.h"

#include <QJsonArray>

namespace ca {

namespace {
const QString kData = QStringLiteral("data");
const QString kMasked = QStringLiteral("maskedData");
} // namespace

B3osService::B3osService(ConnectorProfile profile, HttpClient* http, QObject* parent)
    : ConnectorService(std::move(profile), http, parent)
{
    setPageSize(100); // documented maximum
}

QString B3osService::collectionPath() const
{
    return QStringLiteral("/v1/connectors");
}

RawHeaders B3osService::authHeaders() const
{
    RawHeaders headers = ConnectorService::authHeaders();
    if (!profile().orgId.isEmpty()) // verified: the official client sends none with a key
        headers.append({QByteArrayLiteral("X-Org-ID"), profile().orgId.toUtf8()});
    return headers;
}

QUrl B3osService::pageUrl(const QVariant& cursor) const
{
    const int offset = cursor.isValid() ? cursor.toInt() : 0;
    return urlFor(collectionPath(),
                  QStringLiteral("limit=%1&offset=%2").arg(pageSize()).arg(offset));
}

ConnectorService::Page B3osService::parsePage(const QJsonDocument& doc,
                                              const QVariant& cursor) const
{
    const QJsonObject data = doc.object().value(kData).toObject();
    Page page =
        arrayPage(data.value(QLatin1String("items")), tr("expected {\"data\": {\"items\": [...]}}"),
                  NonObjectEntry::ReadAsEmpty);
    if (!page.shapeError.isEmpty())
        return page;
    if (data.contains(QLatin1String("total")))
        page.expectedTotal = data.value(QLatin1String("total")).toInt();
    const int offset = cursor.isValid() ? cursor.toInt() : 0;
    if (data.value(QLatin1String("hasMore")).toBool())
        page.next = offset + int(page.items.size());
    return page;
}

QJsonObject B3osService::unwrapConnector(const QJsonDocument& doc, QString* shapeError) const
{
    return objectUnder(doc, kData, shapeError);
}

Connector B3osService::toConnector(const QJsonObject& json) const
{
    Connector c;
    c.id = json.value(QLatin1String("id")).toString();
    c.displayName = json.value(QLatin1String("name")).toString();
    c.type = json.value(QLatin1String("provider")).toString();
    const QString type = json.value(QLatin1String("type")).toString();
    if (!type.isEmpty())
        c.type = c.type.isEmpty() ? type : c.type + QLatin1Char('/') + type;
    c.updatedAt = json.value(QLatin1String("updatedAt")).toString();
    c.editable.insert(QStringLiteral("name"), json.value(QLatin1String("name")).toString());
    c.editable.insert(QStringLiteral("description"),
                      json.value(QLatin1String("description")).toString());
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!c.editable.contains(it.key()))
            c.readOnly.insert(it.key(), it.value());
    }
    return c;
}

QStringList B3osService::secretPaths(const QJsonObject& doc) const
{
    // Everything in data is credentials.
    return doc.contains(kData) ? QStringList{QStringLiteral("/data")} : QStringList{};
}

QJsonObject B3osService::buildUpdateBody(const Connector& base, const QJsonObject& edited,
                                         QString* refusal) const
{
    auto pick = [&](const QString& key) {
        return edited.contains(key) ? edited.value(key) : base.editable.value(key);
    };
    QJsonObject body{{QStringLiteral("name"), pick(QStringLiteral("name"))},
                     {QStringLiteral("description"), pick(QStringLiteral("description"))}};
    // data only when the user typed a new one; it replaces the stored credentials as a whole.
    if (edited.contains(kData) && !edited.value(kData).isNull()) {
        if (!edited.value(kData).isObject()) {
            *refusal = tr("data must be a JSON object");
            return {};
        }
        const QJsonObject data = edited.value(kData).toObject();
        const QJsonObject masked = base.readOnly.value(kMasked).toObject();
        for (auto it = data.begin(); it != data.end(); ++it) {
            if (masked.contains(it.key()) && masked.value(it.key()) == it.value()) {
                *refusal =
                    tr("data.%1 is the masked display value; enter the real value").arg(it.key());
                return {};
            }
        }
        body.insert(kData, data);
    }
    return body; // never maskedData
}

bool B3osService::ignoreDifference(const QString& path, const QJsonValue& received) const
{
    Q_UNUSED(received);
    // data is write-only: the answer never contains it.
    return path == QLatin1String("/data") || path.startsWith(QLatin1String("/data/"));
}

void B3osService::readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                                ApiError* e) const
{
    const QJsonObject o = doc.object();
    // Three shapes: {success: false, error: {message, code}} (docs), the envelope
    // {code, message, requestId} (client), and {error: "text"}.
    const QJsonValue error = o.value(QLatin1String("error"));
    if (error.isObject()) {
        const QJsonObject inner = error.toObject();
        e->serverMessage = inner.value(QLatin1String("message")).toString();
        const QJsonValue code = inner.value(QLatin1String("code"));
        e->serverCode = code.isString() ? code.toString() : code.toVariant().toString();
    } else if (error.isString()) {
        e->serverMessage = error.toString();
    }
    if (e->serverMessage.isEmpty())
        e->serverMessage = o.value(QLatin1String("message")).toString();
    e->requestId = o.value(QLatin1String("requestId")).toString();
    if (e->requestId.isEmpty() && error.isObject())
        e->requestId = error.toObject().value(QLatin1String("requestId")).toString();
    if (e->requestId.isEmpty())
        e->requestId = QString::fromUtf8(response.header("X-Request-Id"));
}

void B3osService::describeHttpError(const OperationContext& context, ApiError* e) const
{
    ConnectorService::describeHttpError(context, e);
    if (e->httpStatus == 403 && !profile().orgId.isEmpty())
        e->hint = tr("Check that the key belongs to organization %1 (the X-Org-ID of "
                     "profile '%2'), or clear that field: a key alone names its "
                     "organization.")
                      .arg(profile().orgId, profile().name);
}

QStringList B3osService::serverComputedNotes() const
{
    return {tr("updatedAt and updatedBy are set by the server"),
            tr("maskedData is recomputed from data for display; it is never sent")};
}

} // namespace ca
