#pragma once

#include "ConnectorService.h"

namespace ca {

// Databar.ai custom API connectors, from the official SDK (databar-ai/databar-python,
// src/databar/client.py and models.py, commit 7faa6ab4) and the published OpenAPI:
// - verified: x-apikey header; the list is GET /v1/connectors/ WITH the trailing slash (a bare
//   array, no paging); get and update are /v1/connectors/{id} without one. The server is FastAPI:
//   the slashless list path would be a 307 whose Location may say http:// behind TLS.
// - verified: PUT replaces the whole configuration (ConnectorCreate); 401/403 auth, 404,
//   406 insufficient credits, 422 FastAPI validation {detail: [{loc, msg, type}]} (mapped onto
//   fields), 429; a plain {detail: "text"} also occurs.
// - verified (docs example): rate_limit/max_concurrency are capped by plan (reported as server
//   differences); header values are returned unmasked, so they are secrets here.
class DatabarService : public ConnectorService
{
    Q_OBJECT
public:
    using ConnectorService::ConnectorService;
    QList<OmissionEffect> omissionEffects(const Connector& base,
                                          const QJsonObject& body) const override;
    QStringList serverComputedNotes() const override;

    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QStringList secretPaths(const QJsonObject& editableDocument) const override;
    // Header values: usually third-party API keys, returned unmasked.
    static QStringList secretFields() { return {QStringLiteral("/headers/*/value")}; }
    QString idRefusal(const QString& id) const override;

    // The ConnectorCreate fields, in the order the seed lists them.
    static QStringList editableFields();

protected:
    QString collectionPath() const override;
    RawHeaders authHeaders() const override;
    QUrl pageUrl(const QVariant& cursor) const override;
    Page parsePage(const QJsonDocument& doc, const QVariant& cursor) const override;
    Connector toConnector(const QJsonObject& vendorJson) const override;
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
    void describeHttpError(const OperationContext& context, ApiError* error) const override;
};

} // namespace ca
