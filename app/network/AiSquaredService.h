#pragma once

#include "ConnectorService.h"
#include "Secrets.h"

#include <QHash>
#include <QMutex>
#include <QPointer>

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
//   kind's definition once read (definition()), else from the key-name rule (SecretRules); a
//   value holding the mask is secret either way.
// - verified: GET /api/v1/connector_definitions/{name}?type= answers one definition (the name
//   matched case-insensitively) or {"data": []} for an unknown one; POST …/check_connection tests
//   a configuration, refused (403) to the viewer role (connector_definitions_controller.rb and
//   its request spec).
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

    // --- connector definitions (GET /api/v1/connector_definitions/{name}?type=…) ---
    // The definition of a connector kind: from the session's memory when read before (unless
    // `refresh`), else from the server; when the server cannot be asked (offline, 404, an old
    // server, an unknown kind answered []), from the disk cache with the error kept, else an
    // error. Cached per profile: in memory for the session, on disk under the cache dir
    // (definitions hold no secret). Never blocks.
    DefinitionJob* definition(const QString& connectorType, const QString& connectorName,
                              bool refresh = false);
    // The definition already in memory, if any. Thread-safe (list parsing runs on workers).
    std::optional<ConnectorDefinition> cachedDefinition(const QString& connectorType,
                                                        const QString& connectorName) const;
    // Where the disk cache of this profile lives.
    QString definitionCacheDir() const;

    // --- check_connection (POST /api/v1/connector_definitions/check_connection) ---
    // Tests `connectionSpec` (a configuration with real secret values) for a kind. Refused
    // without sending when a value is still a mask or a placeholder (the vendor only ever showed
    // us masks). Never retried: it may reach the customer's own database.
    ConnectionCheckJob* checkConnection(const QString& connectorType, const QString& connectorName,
                                        const QJsonObject& connectionSpec);
    // Pointers (into the configuration, "/credentials/password") of values in `spec` that are
    // masks or placeholders, so cannot be sent to a connection test.
    static QStringList unsentableSecrets(const QJsonObject& spec);
    // One such value: the mask, a placeholder, a draft marker, a fingerprint.
    static bool isUnsentable(const QJsonValue& value);

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
    // With the kind's definition in memory, its multiwoven_secret flags (secretPaths()) and the
    // masks say what is secret, not the key names: a username under "credentials" is shown.
    SecretRules baseSecretRules(const QJsonObject& document) const override;
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
    void describeHttpError(const OperationContext& context, ApiError* error) const override;

private:
    // Definitions and connection tests (AiSquaredDefinitions.cpp).
    struct CachedDefinition
    {
        ConnectorDefinition definition;
        bool fromDisk = false; // read from the disk cache: the server is asked again next time
    };
    static QString definitionKey(const QString& connectorType, const QString& connectorName);
    // Why a definition or a connection test cannot be asked for (profile, type, name), or "".
    QString kindRefusal(const QString& connectorType, const QString& connectorName) const;
    QString definitionFilePath(const QString& connectorType, const QString& connectorName) const;
    std::optional<ConnectorDefinition> readDefinitionFile(const QString& connectorType,
                                                          const QString& connectorName) const;
    void writeDefinitionFile(const ConnectorDefinition& definition) const;
    DefinitionResult definitionFromAnswer(const HttpResponse& response,
                                          const QString& connectorType,
                                          const QString& connectorName);
    ConnectionCheckResult checkFromAnswer(const HttpResponse& response, const QString& operation,
                                          const SecretRules& sentSecrets) const;
    // `error` (built for `context` by the base's helpers) worded for `operation` instead.
    ApiError reworded(ApiError error, const OperationContext& context,
                      const QString& operation) const;

    mutable QMutex m_definitionsLock;
    QHash<QString, CachedDefinition> m_definitions; // guarded by m_definitionsLock
    // Jobs waiting for a definition request in flight, by definitionKey (this thread only).
    QHash<QString, QList<QPointer<DefinitionJob>>> m_definitionWaiters;
};

} // namespace ca
