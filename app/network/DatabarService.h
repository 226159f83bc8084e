#pragma once

#include "ConnectorService.h"

namespace ca {

// Databar.ai custom API connectors: x-apikey header, integer ids, GET list is a bare array (no
// paging), PUT replaces the whole configuration (ConnectorCreate), 422 is FastAPI validation with
// `loc` paths, rate_limit/max_concurrency are capped by plan (reported as server differences).
// Header values are returned unmasked: they are secrets.
class DatabarService : public ConnectorService
{
    Q_OBJECT
public:
    QList<OmissionEffect> omissionEffects(const Connector& base,
                                          const QJsonObject& body) const override;
    QStringList serverComputedNotes() const override;
    DatabarService(ConnectorProfile profile, HttpClient* http, QObject* parent = nullptr);

    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QStringList secretPaths(const QJsonObject& editableDocument) const override;
    QString idRefusal(const QString& id) const override;

    // The ConnectorCreate fields, in the order the seed lists them.
    static QStringList editableFields();

protected:
    const QLoggingCategory& logCategory() const override;
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
