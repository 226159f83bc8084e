#pragma once

#include "ConnectorService.h"

namespace ca {

// B3OS connectors: Bearer key + X-Org-ID header, limit/offset paging with hasMore, answers in an
// envelope {code, data, message, requestId}. `data` (the credentials) is never returned; GET shows
// `maskedData`, computed for display and never stored, so it is never sent back. The editable
// document is {name, description}, plus `data` only when the user supplies a new data object.
class B3osService : public ConnectorService
{
    Q_OBJECT
public:
    QStringList serverComputedNotes() const override;
    B3osService(ConnectorProfile profile, HttpClient* http, QObject* parent = nullptr);

    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QStringList secretPaths(const QJsonObject& editableDocument) const override;
    QString profileRefusal() const override;

protected:
    const QLoggingCategory& logCategory() const override;
    QString collectionPath() const override;
    RawHeaders authHeaders() const override;
    QUrl pageUrl(const QVariant& cursor) const override;
    Page parsePage(const QJsonDocument& doc, const QVariant& cursor) const override;
    QJsonObject unwrapConnector(const QJsonDocument& doc, QString* shapeError) const override;
    Connector toConnector(const QJsonObject& vendorJson) const override;
    bool ignoreDifference(const QString& path, const QJsonValue& received) const override;
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
};

} // namespace ca
