// AI Squared connector definitions (the JSON Schema of a kind's configuration, cached per
// profile in memory and on disk) and connection tests (check_connection), as
// Multiwoven's connector_definitions_controller.rb serves them.
#include "AiSquaredService.h"

#include "HttpJob.h"
#include "PrivateFile.h" // ensurePrivateDirectory
#include "SafeFile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QMutexLocker>
#include <QStandardPaths>

namespace ca {

namespace {

const QString kSource = QStringLiteral("source");
const QString kDestination = QStringLiteral("destination");
const QString kDefinitionsPath = QStringLiteral("/api/v1/connector_definitions");

// A definition is a few KB; Multiwoven's largest spec.json is under 20 KB.
constexpr qint64 kMaxDefinitionFileBytes = 1024 * 1024;

bool isUnsentableText(const QString& text)
{
    return text == SecretMarker::vendorMask || text == SecretMarker::placeholder ||
           text == SecretMarker::draftStored || text == SecretMarker::draftNotSaved ||
           text == SecretMarker::redacted || SecretRules::looksLikeVendorMask(text) ||
           SecretRules::isFingerprint(text);
}

// Where a definition about to be cached holds what looks like a secret value: a string under a
// key the key-name rule calls secret, or a default/example of a multiwoven_secret property.
// Definitions never should; one that does is not written to disk.
QString secretInDefinition(const QJsonValue& v, const QString& pointer, int depth = 0)
{
    if (depth > 64)
        return {};
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            const QString found = secretInDefinition(
                a.at(i), jsonPointerAppend(pointer, QString::number(i)), depth + 1);
            if (!found.isEmpty())
                return found;
        }
        return {};
    }
    if (!v.isObject())
        return {};
    const QJsonObject o = v.toObject();
    if (o.value(QLatin1String("multiwoven_secret")).toBool()) {
        for (const char* keyword : {"default", "examples", "const", "enum"}) {
            if (o.contains(QLatin1String(keyword)))
                return jsonPointerAppend(pointer, QLatin1String(keyword));
        }
    }
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString child = jsonPointerAppend(pointer, it.key());
        if (it.value().isString() && !it.value().toString().isEmpty() &&
            SecretRules::isSecretKeyName(it.key()))
            return child;
        const QString found = secretInDefinition(it.value(), child, depth + 1);
        if (!found.isEmpty())
            return found;
    }
    return {};
}

// A name as part of a file name: kept when plain, else percent-encoded (never a path).
QString fileNamePart(const QString& name)
{
    QString out = QString::fromLatin1(QUrl::toPercentEncoding(name.toLower()));
    if (out.size() > 96)
        out = QString::fromLatin1(
            QCryptographicHash::hash(name.toLower().toUtf8(), QCryptographicHash::Sha256)
                .toHex()
                .left(32));
    return out;
}

QString seconds(int ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) : QString::number(double(ms) / 1000, 'f', 1);
}

} // namespace

QString AiSquaredService::definitionKey(const QString& connectorType, const QString& connectorName)
{
    // The server matches names case-insensitively.
    return connectorType + QLatin1Char('\n') + connectorName.toLower();
}

QString AiSquaredService::definitionCacheDir() const
{
    // Per profile account (base URL + workspace), shared by the window and connectorctl.
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(profile().effectiveBaseUrl().toEncoded());
    h.addData(QByteArrayView("\n"));
    h.addData(profile().workspaceId.toUtf8());
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/ConnectorAdmin/definitions/") +
           QString::fromLatin1(h.result().toHex().left(16));
}

QString AiSquaredService::definitionFilePath(const QString& connectorType,
                                             const QString& connectorName) const
{
    return definitionCacheDir() + QLatin1Char('/') + connectorType + QLatin1Char('-') +
           fileNamePart(connectorName) + QStringLiteral(".json");
}

std::optional<ConnectorDefinition>
AiSquaredService::cachedDefinition(const QString& connectorType, const QString& connectorName) const
{
    if (connectorType.isEmpty() || connectorName.isEmpty())
        return std::nullopt;
    QMutexLocker lock(&m_definitionsLock);
    const auto it = m_definitions.constFind(definitionKey(connectorType, connectorName));
    if (it == m_definitions.cend())
        return std::nullopt;
    return it->definition;
}

std::optional<ConnectorDefinition>
AiSquaredService::readDefinitionFile(const QString& connectorType,
                                     const QString& connectorName) const
{
    const QString path = definitionFilePath(connectorType, connectorName);
    if (!QFile::exists(path))
        return std::nullopt;
    QString error;
    const std::optional<QJsonDocument> doc = readJsonFile(path, kMaxDefinitionFileBytes, &error);
    QString why;
    ConnectorDefinition definition;
    if (doc)
        definition = ConnectorDefinition::fromJson(doc->object(), &why);
    if (!doc || !definition.isValid() ||
        definition.name.compare(connectorName, Qt::CaseInsensitive) != 0) {
        qCWarning(logCategory()).noquote()
            << "ignoring the cached definition" << path << ":" << (doc ? why : error);
        return std::nullopt;
    }
    return definition;
}

void AiSquaredService::writeDefinitionFile(const ConnectorDefinition& definition) const
{
    const QString secret = secretInDefinition(definition.raw, QString());
    if (!secret.isEmpty()) {
        qCWarning(logCategory()).noquote() << label() << "the" << definition.name
                                           << "definition holds a value where a secret would be (" +
                                                  secret + "): not cached on disk";
        return;
    }
    const QString path = definitionFilePath(definition.type, definition.name);
    QString error;
    QString notice;
    if (!ensurePrivateDirectory(definitionCacheDir(), &error) ||
        !writeFileWhole(path, QJsonDocument(definition.raw).toJson(QJsonDocument::Indented),
                        FileOwner::App, &error, &notice)) {
        // Only the offline fallback is lost: the definition in memory serves this session.
        qCWarning(logCategory()).noquote() << "the definition cache was not written:" << error;
        return;
    }
    if (!notice.isEmpty())
        qCWarning(logCategory()).noquote() << notice;
}

DefinitionJob* AiSquaredService::definition(const QString& connectorType,
                                            const QString& connectorName, bool refresh)
{
    auto* job = new DefinitionJob(this);
    const OperationContext context{Operation::Get, QString(), {}};
    const QString operation = tr("reading the %1 %2 definition").arg(connectorName, connectorType);
    QString refusal = kindRefusal(connectorType, connectorName);
    if (!refusal.isEmpty()) {
        DefinitionResult r;
        r.error = reworded(refusedError(refusal, context), context, operation);
        runLater(job, [job, r] { job->finish(r); });
        return job;
    }
    const QString key = definitionKey(connectorType, connectorName);
    if (!refresh) {
        QMutexLocker lock(&m_definitionsLock);
        const auto it = m_definitions.constFind(key);
        if (it != m_definitions.cend() && !it->fromDisk) {
            DefinitionResult r;
            r.definition = it->definition;
            r.source = DefinitionResult::Source::Memory;
            runLater(job, [job, r] { job->finish(r); });
            return job;
        }
    }
    // A request for this kind already in flight answers this job too (its answer is fresh).
    QList<QPointer<DefinitionJob>>& waiters = m_definitionWaiters[key];
    waiters.append(job);
    if (waiters.size() > 1)
        return job;
    const QUrl url = urlFor(kDefinitionsPath + QLatin1Char('/') + segment(connectorName),
                            QStringLiteral("type=") + segment(connectorType));
    HttpJob* http = send("GET", url);
    connect(http, &HttpJob::finished, this,
            [this, key, connectorType, connectorName](const HttpResponse& response) {
                const DefinitionResult r =
                    definitionFromAnswer(response, connectorType, connectorName);
                for (const QPointer<DefinitionJob>& waiting : m_definitionWaiters.take(key)) {
                    if (waiting && !waiting->isFinished())
                        waiting->finish(r);
                }
            });
    return job;
}

DefinitionResult AiSquaredService::definitionFromAnswer(const HttpResponse& response,
                                                        const QString& connectorType,
                                                        const QString& connectorName)
{
    const OperationContext context{Operation::Get, QString(), {}};
    const QString operation = tr("reading the %1 %2 definition").arg(connectorName, connectorType);
    DefinitionResult result;
    ApiError error;
    QJsonDocument doc;
    if (readJsonAnswer(response, context, &doc, &error)) {
        QString why;
        const QJsonValue value = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        ConnectorDefinition definition = ConnectorDefinition::fromJson(value, &why);
        // verified: show renders [] for a name it does not know, which the json_api adapter
        // sends as {"data": []} (spec/requests/api/v1/connector_definitions_spec.rb).
        if (ConnectorDefinition::isNoSuchKind(value)) {
            error.kind = ApiError::Kind::NotFound;
            error.httpStatus = response.status;
            error.message = tr("%1, %2: AI Squared has no %3 connector named '%4'")
                                .arg(label(), operation, connectorType, connectorName);
            error.hint = tr("Check the connector's connector_name and connector_type.");
        } else if (!definition.isValid()) {
            error = malformedError(why, response, context);
        } else if (definition.name.compare(connectorName, Qt::CaseInsensitive) != 0 ||
                   (!definition.type.isEmpty() && definition.type != connectorType)) {
            error = malformedError(tr("it describes the %1 %2 connector instead")
                                       .arg(definition.name, definition.type),
                                   response, context);
        } else {
            if (definition.type.isEmpty())
                definition.type = connectorType;
            {
                QMutexLocker lock(&m_definitionsLock);
                m_definitions.insert(definitionKey(connectorType, connectorName),
                                     {definition, false});
            }
            writeDefinitionFile(definition);
            result.definition = definition;
            result.source = DefinitionResult::Source::Server;
            return result;
        }
    } else if (error.httpStatus == 404 && !error.webPage) {
        // Rails' routing 404: a server from before connector definitions (show answers [] for
        // an unknown kind), or a base URL that is not AI Squared's API.
        error.message = tr("%1, %2: this server offers no connector definitions (an older AI "
                           "Squared server, or a base URL that is not its API)")
                            .arg(label(), operation);
        error.hint = tr("Check the base URL of profile '%1'.").arg(profile().name);
    }
    result.error = reworded(error, context, operation);
    // The server could not be asked: a copy read earlier in this session, else the disk's.
    const QString key = definitionKey(connectorType, connectorName);
    {
        QMutexLocker lock(&m_definitionsLock);
        const auto it = m_definitions.constFind(key);
        if (it != m_definitions.cend()) {
            result.definition = it->definition;
            result.source =
                it->fromDisk ? DefinitionResult::Source::Disk : DefinitionResult::Source::Memory;
            return result;
        }
    }
    if (const auto fromDisk = readDefinitionFile(connectorType, connectorName)) {
        QMutexLocker lock(&m_definitionsLock);
        m_definitions.insert(key, {*fromDisk, true});
        result.definition = *fromDisk;
        result.source = DefinitionResult::Source::Disk;
    }
    return result;
}

bool AiSquaredService::isUnsentable(const QJsonValue& value)
{
    return value.isString() && isUnsentableText(value.toString());
}

QStringList AiSquaredService::unsentableSecrets(const QJsonObject& spec)
{
    return jsonLeafPointers(spec, &AiSquaredService::isUnsentable);
}

QString AiSquaredService::kindRefusal(const QString& connectorType,
                                      const QString& connectorName) const
{
    if (const QString refusal = profileRefusal(); !refusal.isEmpty())
        return refusal;
    if (connectorType != kSource && connectorType != kDestination)
        return tr("the connector type is '%1', not source or destination").arg(connectorType);
    if (connectorName.trimmed().isEmpty())
        return tr("the connector has no connector_name");
    return {};
}

ConnectionCheckJob* AiSquaredService::checkConnection(const QString& connectorType,
                                                      const QString& connectorName,
                                                      const QJsonObject& connectionSpec)
{
    auto* job = new ConnectionCheckJob(this);
    const OperationContext context{Operation::Get, QString(), {}};
    const QString operation = tr("testing a %1 %2 connection").arg(connectorName, connectorType);
    QString refusal = kindRefusal(connectorType, connectorName);
    if (refusal.isEmpty()) {
        // The vendor only ever showed us masks: a test with one would test the mask.
        QStringList masked = unsentableSecrets(connectionSpec);
        for (QString& pointer : masked)
            pointer = jsonPointerDotted(pointer);
        if (masked.size() == 1)
            refusal =
                tr("%1 is masked: type the real value to test the connection").arg(masked.first());
        else if (masked.size() > 1)
            refusal = tr("%1 are masked: type the real values to test the connection")
                          .arg(masked.join(QStringLiteral(", ")));
    }
    if (!refusal.isEmpty()) {
        ConnectionCheckResult r;
        r.error = reworded(refusedError(refusal, context), context, operation);
        r.at = QDateTime::currentDateTime();
        runLater(job, [job, r] { job->finish(r); });
        return job;
    }

    // The values sent are real secrets: whatever the server says back is masked with them.
    QJsonObject document{{QStringLiteral("connector_type"), connectorType},
                         {QStringLiteral("connector_name"), connectorName},
                         {QStringLiteral("configuration"), connectionSpec}};
    SecretRules sent = secretRules(document);
    QStringList values;
    sent.maskedWith(document, [&values](const QJsonValue& v, std::span<const JsonPathToken>) {
        collectJsonStrings(v, &values);
        return v;
    });
    sent.addValues(values);

    const QJsonObject body{{QStringLiteral("type"), connectorType},
                           {QStringLiteral("name"), connectorName},
                           {QStringLiteral("connection_spec"), connectionSpec}};
    // Never sent twice: a test may reach the customer's own system (HttpJob already sends a POST
    // once; this keeps it so should that rule change).
    const HttpOptions usual = httpOptions();
    HttpOptions once = usual;
    once.maxAttempts = 1;
    setHttpOptions(once);
    HttpJob* http =
        send("POST", urlFor(kDefinitionsPath + QStringLiteral("/check_connection")), body);
    setHttpOptions(usual);
    job->track(http);
    connect(http, &HttpJob::finished, job,
            [this, job, operation, sent](const HttpResponse& response) {
                job->finish(checkFromAnswer(response, operation, sent));
            });
    return job;
}

ConnectionCheckResult AiSquaredService::checkFromAnswer(const HttpResponse& response,
                                                        const QString& operation,
                                                        const SecretRules& sentSecrets) const
{
    const OperationContext context{Operation::Get, QString(), {}};
    ConnectionCheckResult result;
    result.at = QDateTime::currentDateTime();
    QJsonDocument doc;
    ApiError error;
    if (readJsonAnswer(response, context, &doc, &error)) {
        // verified: {"type": "connection_status", "connection_status": {status, message}}.
        const QJsonObject answer = doc.object();
        const QJsonObject status = answer.value(QLatin1String("connection_status")).toObject();
        const QString word = status.value(QLatin1String("status")).toString();
        const QJsonValue message = status.value(QLatin1String("message"));
        const QJsonValue type = answer.value(QLatin1String("type"));
        if ((type.isUndefined() || type == QLatin1String("connection_status")) &&
            (word == QLatin1String("succeeded") || word == QLatin1String("failed"))) {
            result.status = word == QLatin1String("succeeded")
                                ? ConnectionCheckResult::Status::Succeeded
                                : ConnectionCheckResult::Status::Failed;
            result.message = sentSecrets.maskedText(
                message.isString() ? message.toString() : QString(), SecretMarker::redacted);
            return result;
        }
        error = malformedError(tr("expected {\"type\": \"connection_status\", "
                                  "\"connection_status\": {\"status\": \"succeeded\" or "
                                  "\"failed\", …}}"),
                               response, context);
    } else if (error.kind == ApiError::Kind::Timeout) {
        error.message =
            tr("%1, %2: no answer within %3 s: the connection test may still be running at "
               "AI Squared")
                .arg(label(), operation, seconds(httpOptions().transferTimeoutMs));
        error.hint = tr("Wait a little, then test again; a database that does not answer "
                        "(firewall, wrong host or port) can make the test hang.");
    } else if (error.httpStatus == 403 && !error.webPage &&
               error.kind == ApiError::Kind::Forbidden) {
        // verified: ConnectorDefinitionPolicy refuses check_connection to the viewer role.
        error.message =
            tr("%1, %2: this key may not test connections (viewer role?)").arg(label(), operation);
        if (!error.serverMessage.isEmpty())
            error.message += QStringLiteral(": ") + error.serverMessage;
        error.hint = tr("Use the key of a member allowed to edit connectors in workspace %1.")
                         .arg(profile().workspaceId);
    }
    error = reworded(error, context, operation);
    const QString& marker = SecretMarker::redacted;
    error.message = sentSecrets.maskedText(error.message, marker);
    error.hint = sentSecrets.maskedText(error.hint, marker);
    error.serverMessage = sentSecrets.maskedText(error.serverMessage, marker);
    error.serverCode = sentSecrets.maskedText(error.serverCode, marker);
    error.requestId = sentSecrets.maskedText(error.requestId, marker);
    error.rawBody = sentSecrets.maskedBytes(error.rawBody, marker);
    for (ApiError::FieldError& f : error.fieldErrors) {
        f.path = sentSecrets.maskedText(f.path, marker);
        f.message = sentSecrets.maskedText(f.message, marker);
    }
    result.error = error;
    return result;
}

// The base's error helpers word every message for an operation of theirs ("reading connector
// …"); reading a definition or testing a connection is neither.
ApiError AiSquaredService::reworded(ApiError error, const OperationContext& context,
                                    const QString& operation) const
{
    const QString was = QStringLiteral("%1, %2").arg(label(), operationText(context));
    if (error.message.startsWith(was))
        error.message =
            QStringLiteral("%1, %2").arg(label(), operation) + error.message.mid(was.size());
    return error;
}

} // namespace ca
