#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

#include <optional>

// How AI Squared reads a request's params before the action runs: Ruby's and dry-types' integer
// parsing, Rails' Hash#to_query and wrap_parameters, the Workspace-Id lookup, and the checks of
// ConnectorContracts and ConnectorDefinitionContracts (contracts/connector_contracts.rb,
// connector_definition_contracts.rb) that validate_contract answers with 400.
namespace sandbox::aisquared {

// Ruby's String#to_i: optional leading blanks and sign, then digits; 0 when none.
qint64 rubyToI(const QString& s);

// dry-types' params integer: what Integer(value, 10) accepts.
std::optional<qint64> paramsInteger(const QString& s);

// Rails' Hash#to_query: keys sorted, CGI-escaped.
QString toQuery(const QMap<QString, QString>& params);

// What validate_contract made of a request's params.
struct ContractResult
{
    QJsonObject errors;       // the dry-validation errors hash (empty: the contract passed)
    std::optional<qint64> id; // an item path's id, when it is an integer
    QJsonObject connector;    // a write's connector params, after wrap_parameters
};

// ConnectorContracts::Index: the list's query.
ContractResult indexContract(const QMap<QString, QString>& query);

// ConnectorContracts::Show, and ::Update for a write. `body` is the JSON body's object ({} when
// none), `jsonBody` whether the request says its body is JSON.
ContractResult itemContract(const QString& idSegment, bool write, const QJsonObject& body,
                            bool jsonBody);

// The one workspace of the sandbox's keys, and whether a Workspace-Id header names it
// (current_workspace: current_user.workspaces.find_by(id:), the header cast like to_i).
constexpr int kWorkspace = 1;
bool knownWorkspace(const QByteArray& workspaceId);

// ConnectorDefinitionContracts::Index and ::Show on the query (Show's id is the path's, never
// empty), ::CheckConnection on the params (the query merged with the JSON body): the
// dry-validation errors hash, empty when the contract passed.
QJsonObject definitionsIndexContract(const QMap<QString, QString>& query);
QJsonObject definitionShowContract(const QMap<QString, QString>& query);
QJsonObject checkConnectionContract(const QJsonObject& params);

} // namespace sandbox::aisquared
