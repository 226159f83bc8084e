#pragma once

#include "ConnectorService.h"

namespace ca {

// B3OS connectors, from the vendor's official client (b3-fun/b3os, packages/mcp/src/client.ts,
// types.ts, tools/connectors.ts, commit 300f730b) and its docs:
// - verified: a runtime key sends only "Authorization: Bearer b3sk_…"; X-Org-ID goes with the
//   setup token only, so here it is optional and sent only when the profile sets it.
// - verified: envelope {code, message, data, requestId}; list ?limit=&offset= →
//   data {items, limit, offset, hasMore}.
// - verified: 409 means another update happened meanwhile: a conflict (re-read, merge).
// - docs: errors {"success": false, "error": {message, code}}; the envelope's message and
//   {"error": "text"} occur too.
// - seed: `data` (the credentials) is never returned; GET shows `maskedData`, computed for
//   display and never stored, so it is never sent back. The editable document is
//   {name, description}, plus `data` only when the user supplies a new data object.
class B3osService : public ConnectorService
{
    Q_OBJECT
public:
    QStringList serverComputedNotes() const override;
    B3osService(ConnectorProfile profile, HttpClient* http, QObject* parent = nullptr);

    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QStringList secretPaths(const QJsonObject& editableDocument) const override;
    // Everything in data is credentials.
    static QStringList secretFields() { return {QStringLiteral("/data")}; }

protected:
    QString collectionPath() const override;
    RawHeaders authHeaders() const override;
    QUrl pageUrl(const QVariant& cursor) const override;
    Page parsePage(const QJsonDocument& doc, const QVariant& cursor) const override;
    QJsonObject unwrapConnector(const QJsonDocument& doc, QString* shapeError) const override;
    Connector toConnector(const QJsonObject& vendorJson) const override;
    bool ignoreDifference(const QString& path, const QJsonValue& received) const override;
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
    void describeHttpError(const OperationContext& context, ApiError* error) const override;
};

} // namespace ca
