#pragma once

#include "ConnectorService.h"

namespace ca {

// AI Squared (Multiwoven) connectors: Bearer JWT + Workspace-Id header, page/per_page paging with
// JSON:API links, resources {id, type, attributes{…}}, errors {errors:[{detail}]}. Secret
// configuration values come back masked ("*************") and configuration is replaced as a
// whole on PUT, so a rename omits configuration and a configuration still holding the mask is
// refused before sending.
class AiSquaredService : public ConnectorService
{
    Q_OBJECT
public:
    QStringList serverComputedNotes() const override;
    AiSquaredService(ConnectorProfile profile, HttpClient* http, QObject* parent = nullptr);

    static QString maskedPlaceholder() { return QStringLiteral("*************"); }

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
    QJsonObject sentDocument(const QJsonObject& body) const override;
    QJsonObject answerInSentShape(const QJsonObject& vendorJson) const override;
    bool ignoreDifference(const QString& path, const QJsonValue& received) const override;
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
    void describeHttpError(const OperationContext& context, ApiError* error) const override;
};

} // namespace ca
