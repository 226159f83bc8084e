#pragma once

#include "ConnectorService.h"
#include "Secrets.h"

namespace ca {

// AI Squared connectors. Its server is the open-source Multiwoven (Multiwoven/multiwoven, commit
// 8c78a572, server/app/…); what that code shows is marked verified:
// - verified: connector ids are integers (connector_contracts.rb: id filled(:integer)).
// - verified: Bearer JWT + Workspace-Id header; a workspace the key's user is not in is a 400
//   "Workspace not found" (application_controller.rb current_workspace + exception_handler.rb).
// - verified: list ?page=&per_page= (default 10, no maximum), JSON:API {data, links{next…}},
//   ordered by updated_at descending (Connector default_scope): an edit during a paged walk moves
//   a connector to the first page, so the walk deduplicates and walks again (listOrderMayShift).
// - verified: attributes name, description, connector_type, workspace_id, created_at,
//   updated_at, configuration, connector_name, icon. PUT is partial; configuration, when sent,
//   replaces the stored one whole, and a mask sent back is stored as the secret. So a rename
//   omits configuration, description goes only when changed, and a configuration still holding
//   the mask anywhere is refused before sending.
// - verified: secret configuration keys (multiwoven_secret in the kind's definition) come back
//   as the mask (SecretMarker::vendorMask) at any depth. Which keys those are is taken from the
//   key-name rule (SecretRules) and from the mask itself (a later change reads the definitions).
// - verified: errors come as a 400 contract hash {errors: {connector: {name: [..]}}}, a 422
//   {errors: [{status, title, detail, source: {field: message}}]}, {error: "..."}, and JSON:API
//   {errors: [{detail}]} for 401/403/404.
// - verified (open-source default): JWTs expire after 30 minutes; assumed for the hosted service.
class AiSquaredService : public ConnectorService
{
    Q_OBJECT
public:
    QStringList serverComputedNotes() const override;
    AiSquaredService(ConnectorProfile profile, HttpClient* http, QObject* parent = nullptr);

    static const QString& maskedPlaceholder() { return SecretMarker::vendorMask; }

    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QStringList secretPaths(const QJsonObject& editableDocument) const override;
    QString profileRefusal() const override;
    QString idRefusal(const QString& id) const override;

protected:
    QString collectionPath() const override;
    RawHeaders authHeaders() const override;
    QUrl pageUrl(const QVariant& cursor) const override;
    Page parsePage(const QJsonDocument& doc, const QVariant& cursor) const override;
    QJsonObject unwrapConnector(const QJsonDocument& doc, QString* shapeError) const override;
    Connector toConnector(const QJsonObject& vendorJson) const override;
    QJsonObject sentDocument(const QJsonObject& body) const override;
    QJsonObject answerInSentShape(const QJsonObject& vendorJson) const override;
    bool ignoreDifference(const QString& path, const QJsonValue& received) const override;
    bool listOrderMayShift() const override { return true; }
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
    void describeHttpError(const OperationContext& context, ApiError* error) const override;
};

} // namespace ca
