#pragma once

#include "VendorHandler.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

// AI Squared's connector definitions: Api::V1::ConnectorDefinitionsController (index, show,
// check_connection) once the user is authenticated, with FilterConnectorDefinitions,
// ConnectorDefinitionPolicy, ConnectorDefinitionContracts and what a connector's check_connection
// answers (Protocol::ConnectionStatus). The definitions themselves are the catalogue's.
namespace sandbox::aisquared {

enum class DefinitionsAction
{
    None, // not a connector_definitions route
    Index,
    Show,
    CheckConnection,
};

// config/routes.rb: resources :connector_definitions, only: [:index, :show], plus
// `post :check_connection` on the collection. `*allow` is set (and None answered) when the path
// is one of them but the method is not.
DefinitionsAction routeDefinitions(const SandboxRequest& request, QByteArray* allow);

// A secret value of a configuration: where it sits (object keys / array indices) and what it is.
struct SecretValue
{
    QStringList path;
    QJsonValue value;
};

// Whether some connector of (type, connector_name) in the sandbox's state holds every one of
// `secrets` at its path of its configuration.
using SecretHolder = std::function<bool(const QString& type, const QString& name,
                                        const QList<SecretValue>& secrets)>;

// Whether `configuration` holds every one of `secrets` at its path.
bool holdsSecrets(const QJsonValue& configuration, const QList<SecretValue>& secrets);

// The action after authenticate_user!: validate_contract, then (inside handle_with_exception) the
// before_actions, authorize (Workspace-Id, then the policy: readers may list and show, only
// writers may check_connection) and the action itself.
SandboxReply connectorDefinitions(DefinitionsAction action, const SandboxRequest& request,
                                  bool readOnly, const SecretHolder& holds);

// The request log's copy of a check_connection body: the JSON with every value of a secret name
// inside connection_spec (the kind's names, or every kind's when the body names no kind the
// sandbox has) replaced by RequestLog::redact(value). Non-JSON bodies are kept as sent.
QByteArray loggedCheckConnectionBody(const QByteArray& body);

} // namespace sandbox::aisquared
