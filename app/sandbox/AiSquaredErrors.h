#pragma once

#include "VendorHandler.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

// AI Squared's error answers, each in the shape of the part of the Rails stack that gives it
// (application_controller.rb, concerns/exception_handler.rb, Rails' public exceptions,
// rack_attack.rb).
namespace sandbox::aisquared {

// render_error (application_controller.rb): errors[0].status is the integer status.
SandboxReply renderError(int status, const QString& detail, const QJsonValue& source = {},
                         std::optional<bool> authorized = true);

// render_bad_request_error (exception_handler.rb): whatever StandardError reached the handler.
SandboxReply badRequest(const QString& message);

// validate_contract: the dry-validation errors hash, 400.
SandboxReply contractFailure(const QJsonObject& errors);

// What Rails answers outside the controller (routing errors, exceptions raised before
// handle_with_exception wraps the action): the public-exceptions JSON.
SandboxReply railsPublic(int status, std::optional<bool> authorized = std::nullopt);

// The answer to a status=CODE or retry-after=S fault: rack-attack's throttled response for 429,
// the shape of whichever layer would give the status otherwise. Authorization is left unset.
SandboxReply faultAnswer(int status, std::optional<qint64> retryAfterSeconds);

} // namespace sandbox::aisquared
