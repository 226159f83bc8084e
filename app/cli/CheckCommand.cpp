// check: an AI Squared configuration tested by the vendor (check_connection) before it is applied,
// with its secrets from the file or the environment, never from arguments, and never printed.
#include "AiSquaredService.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "EditReview.h"
#include "ExitCode.h"
#include "SchemaValidator.h"

#include <QJsonArray>

namespace ca {

namespace {

const QString kConfiguration = QStringLiteral("configuration");

QString tr(const char* text)
{
    return QObject::tr(text);
}

// Whether the secret at `pointer` (in the configuration) must be there: required at every level
// the configuration does not hold yet.
bool isNeeded(const QJsonObject& specification, const QJsonObject& configuration,
              const QString& pointer)
{
    QJsonObject schema = specification;
    QString at;
    for (const QString& token : jsonPointerTokens(pointer)) {
        bool required = false;
        for (const QJsonValue& r : schema.value(QLatin1String("required")).toArray())
            required = required || r.toString() == token;
        at = jsonPointerAppend(at, token);
        if (!required && jsonValueAt(configuration, at).isUndefined())
            return false;
        schema = schema.value(QLatin1String("properties")).toObject().value(token).toObject();
    }
    return true;
}

// The masks the server sent for this connector: a secret of its kind even where the definition
// read is older than the server's.
void collectMasks(const QJsonValue& v, const QString& pointer, QStringList* out)
{
    *out += jsonLeafPointers(
        v, [](const QJsonValue& leaf) { return leaf.toString() == SecretMarker::vendorMask; },
        pointer);
}

// The connection test itself, once the definition is known.
void testConnection(CommandContext& ctx, AiSquaredService* service, const Connector& connector,
                    const ConnectorDefinition& definition, QJsonObject configuration,
                    const QString& file)
{
    // Secrets the file leaves out, or holds as a placeholder or a mask, come from the
    // environment: never from arguments (the process list and shell history show those). They
    // are the definition's, and those the server masks for this connector.
    QStringList pointers = definition.secretPaths(configuration, QString());
    collectMasks(connector.editable.value(kConfiguration), QString(), &pointers);
    pointers.sort();
    pointers.removeDuplicates();
    QStringList problems;
    auto problem = [&problems](const QString& pointer, const QJsonValue& value) {
        const QString where = jsonPointerDotted(pointer);
        const QString variable = checkSecretVariable(pointer);
        if (value.isUndefined())
            problems << QObject::tr("%1 is missing: set %2").arg(where, variable);
        else if (value == SecretMarker::placeholder)
            problems << QObject::tr("%1 is %2: set %3").arg(where, value.toString(), variable);
        else
            problems << QObject::tr("%1 is masked: set %2").arg(where, variable);
    };
    auto refuse = [&] {
        ctx.fail(ExitInvalid, problems.join(QStringLiteral("; ")),
                 QObject::tr("or write the real value into %1 (never as an argument); nothing was "
                             "sent")
                     .arg(file == QLatin1String("-") ? tr("the document") : file));
    };
    for (const QString& pointer : std::as_const(pointers)) {
        const QJsonValue value = jsonValueAt(configuration, pointer);
        if (!value.isUndefined() && !AiSquaredService::isUnsentable(value))
            continue;
        QByteArray fromEnv = qgetenv(checkSecretVariable(pointer).toLatin1().constData());
        if (!fromEnv.isEmpty()) {
            configuration =
                jsonValueSetCreating(configuration, pointer, QString::fromUtf8(fromEnv)).toObject();
            fromEnv.fill('\0');
        } else if (!value.isUndefined() ||
                   isNeeded(definition.specification, configuration, pointer)) {
            problem(pointer, value);
        }
    }
    if (!problems.isEmpty())
        return refuse();
    // Other placeholders (`get --json` also hides what is only named like a secret) keep the
    // stored value, as apply does.
    QJsonObject restored{{kConfiguration, configuration}};
    QString unresolved;
    if (!EditReview::restorePlaceholders(&restored, connector.editable,
                                         diffOptionsFor(Vendor::AiSquared), &unresolved)) {
        ctx.fail(ExitInvalid,
                 QObject::tr("%1 holds the %2 placeholder, but the connector has no stored value "
                             "there to keep")
                     .arg(unresolved, SecretMarker::placeholder),
                 tr("enter the real value; nothing was sent"));
        return;
    }
    configuration = restored.value(kConfiguration).toObject();
    for (const QString& pointer : AiSquaredService::unsentableSecrets(configuration))
        problem(pointer, jsonValueAt(configuration, pointer));
    if (!problems.isEmpty())
        return refuse();

    const QJsonObject document{{QStringLiteral("connector_type"), definition.type},
                               {QStringLiteral("connector_name"), definition.name},
                               {kConfiguration, configuration}};
    const SecretRules secrets = service->secretRules(document);
    const SchemaValidator validator = SchemaValidator::fromSchema(
        definition.specification,
        QObject::tr("the %1 %2 definition").arg(definition.name, definition.type));
    if (!validator.isLoaded()) {
        // The vendor's schema, not the file, is at fault: the server checks the spec anyway.
        CliOutput::message(QObject::tr("connectorctl: warning: %1; the configuration is sent "
                                       "without checking it here")
                               .arg(validator.errorString()));
    } else if (const QList<FieldProblem> invalid = validator.validate(configuration);
               !invalid.isEmpty()) {
        const FieldProblem& first = invalid.first();
        QString what =
            QObject::tr("%1 is not a valid %2 %3 configuration: %4%5")
                .arg(file, definition.name, definition.type,
                     first.path.isEmpty() ? QString() : first.path + QStringLiteral(": "),
                     first.message);
        if (invalid.size() > 1)
            what += QObject::tr(" (and %1 more problems)").arg(invalid.size() - 1);
        ctx.fail(ExitInvalid, secrets.maskedText(what, SecretMarker::redacted),
                 tr("nothing was sent; fix the configuration and try again"));
        return;
    }

    ConnectionCheckJob* job =
        service->checkConnection(definition.type, definition.name, configuration);
    QObject::connect(
        job, &ConnectionCheckJob::finished, &ctx, [&ctx, secrets](const ConnectionCheckResult& r) {
            using Status = ConnectionCheckResult::Status;
            const QString message = secrets.maskedText(r.message, SecretMarker::redacted);
            switch (r.status) {
            case Status::Succeeded:
                CliOutput::dataLine(
                    message.isEmpty() ? tr("connection test succeeded")
                                      : QObject::tr("connection test succeeded: %1").arg(message));
                ctx.finish(ExitOk);
                return;
            case Status::Failed:
                ctx.fail(ExitNetwork,
                         message.isEmpty() ? tr("connection test failed")
                                           : QObject::tr("connection test failed: %1").arg(message),
                         tr("correct the configuration or its secrets and test "
                            "again"));
                return;
            case Status::NotRun:
                ctx.fail(r.error);
                return;
            }
        });
}

} // namespace

QString checkSecretVariable(const QString& pointer)
{
    QString name = jsonPointerTokens(pointer).join(QLatin1Char('_')).toUpper();
    for (QChar& c : name) {
        if (!(c >= QLatin1Char('A') && c <= QLatin1Char('Z')) &&
            !(c >= QLatin1Char('0') && c <= QLatin1Char('9')))
            c = QLatin1Char('_');
    }
    return QLatin1String(kCheckSecretEnvPrefix) + name;
}

void runCheck(CommandContext& ctx)
{
    if (!ctx.expectPositional(3, 3, QStringLiteral("connectorctl check NAME ID FILE")))
        return;
    const auto profile = ctx.requireProfile(ctx.positional().at(0));
    if (!profile)
        return;
    if (profile->vendor != Vendor::AiSquared) {
        ctx.fail(ExitUsage,
                 QObject::tr("check is for AI Squared connectors; profile '%1' is %2")
                     .arg(profile->name, vendorDisplayName(profile->vendor)),
                 tr("use an AI Squared profile"));
        return;
    }
    const QString id = ctx.positional().at(1);
    const QString file = ctx.positional().at(2);
    // The editable document as `get --json` prints it, or only its configuration.
    const std::optional<QJsonObject> input = ctx.readObjectFile(
        file, tr("give the document `connectorctl get NAME ID --json` prints, or its "
                 "configuration object"));
    if (!input)
        return;
    const bool isDocument = input->contains(kConfiguration);
    if (isDocument && !input->value(kConfiguration).isObject()) {
        ctx.fail(ExitInvalid, QObject::tr("%1: configuration must be a JSON object").arg(file),
                 tr("nothing was sent"));
        return;
    }
    const QJsonObject configuration = isDocument ? input->value(kConfiguration).toObject() : *input;
    ctx.withService(*profile, [&ctx, id, file, input = *input, isDocument,
                               configuration](ConnectorService* base) {
        auto* service = qobject_cast<AiSquaredService*>(base);
        if (!service || ctx.refuseId(*service, id))
            return;
        ConnectorJob* job = service->get(id);
        QObject::connect(job, &ConnectorJob::finished, &ctx, [=, &ctx](const ConnectorResult& r) {
            if (!r.ok()) {
                ctx.fail(r.error);
                return;
            }
            // A document may name another kind than the connector's: what it would become.
            auto field = [&](const char* key) {
                const QString k = QLatin1String(key);
                const QJsonValue own = input.value(k);
                return isDocument && own.isString() ? own.toString()
                                                    : r.connector.editable.value(k).toString();
            };
            DefinitionJob* definitionJob =
                service->definition(field("connector_type"), field("connector_name"));
            QObject::connect(
                definitionJob, &DefinitionJob::finished, &ctx,
                [=, &ctx, connector = r.connector](const DefinitionResult& d) {
                    if (!d.ok()) {
                        ctx.fail(d.error);
                        return;
                    }
                    if (d.error.isError())
                        CliOutput::message(QObject::tr("connectorctl: warning: %1; using the "
                                                       "definition cached earlier")
                                               .arg(d.error.message));
                    testConnection(ctx, service, connector, d.definition, configuration, file);
                });
        });
    });
}

} // namespace ca
