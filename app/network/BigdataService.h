#pragma once

#include "ConnectorService.h"

namespace ca {

// Bigdata.com Content API connectors. No SDK or server code is public: facts come from
// docs.bigdata.com (api-reference/connectors/*) and the vendor's own plugin
// (Bigdata-com/claude-plugin-build-with-bigdata-com, commit a7359224):
// - docs: X-API-KEY header, UUID ids, GET list {results: […]} (no paging), PUT with
//   full-replacement semantics (omitted fields are cleared or defaulted), so the body always
//   carries label/description/share_with_org from the fresh GET.
// - docs: types email, investment_research and sharepoint (config {}). Only email has an
//   updatable config {email_hash, email, allowed_emails}; every other type sends config null.
// - docs (other endpoints of the same API): errors {statusCode, message, errorCode, requestId};
//   the API gateway answers {message} (e.g. "Missing Authentication Token"); a web firewall may
//   answer with an HTML page (handled for every vendor in ConnectorService).
// - assumed: rate limits and whether archived connectors are listed.
class BigdataService : public ConnectorService
{
    Q_OBJECT
public:
    using ConnectorService::ConnectorService;
    QList<OmissionEffect> omissionEffects(const Connector& base,
                                          const QJsonObject& body) const override;
    QStringList serverComputedNotes() const override;

    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QString idRefusal(const QString& id) const override;
    static QStringList secretFields() { return {QStringLiteral("/config/user_password")}; }

protected:
    QString collectionPath() const override;
    RawHeaders authHeaders() const override;
    Page parsePage(const QJsonDocument& doc, const QVariant& cursor) const override;
    Connector toConnector(const QJsonObject& vendorJson) const override;
    QJsonObject answerInSentShape(const QJsonObject& vendorJson) const override;
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
    void describeHttpError(const OperationContext& context, ApiError* error) const override;
};

} // namespace ca
