#include "AiSquaredService.h"

#include <QJsonArray>

namespace ca {

namespace {
const QString kConfiguration = QStringLiteral("configuration");
const QString kAttributes = QStringLiteral("attributes");
const QString kDescription = QStringLiteral("description");

// Messages of a contract-error hash ({"connector": {"name": ["must be filled"]}}), flattened to
// (path tokens, message) pairs.
void flattenErrorHash(const QJsonValue& v, const QStringList& path,
                      QList<QPair<QStringList, QString>>* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            flattenErrorHash(it.value(), path + QStringList{it.key()}, out);
    } else if (v.isArray()) {
        QStringList texts;
        for (const QJsonValue& item : v.toArray()) {
            if (item.isString())
                texts << item.toString();
            else
                flattenErrorHash(item, path, out);
        }
        if (!texts.isEmpty())
            out->append({path, texts.join(QStringLiteral(", "))});
    } else if (v.isString()) {
        out->append({path, v.toString()});
    }
}

// Paths below `pointer` whose value is the mask, or (`byKeyName`) whose key looks secret.
void collectSecrets(const QJsonValue& v, const QString& pointer, const QString& key, bool byKeyName,
                    QStringList* out)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            collectSecrets(it.value(), jsonPointerAppend(pointer, it.key()), it.key(), byKeyName,
                           out);
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (int i = 0; i < a.size(); ++i)
            collectSecrets(a.at(i), jsonPointerAppend(pointer, QString::number(i)), key, byKeyName,
                           out);
    } else if ((byKeyName && SecretRules::isSecretKeyName(key)) ||
               v.toString() == AiSquaredService::maskedPlaceholder()) {
        out->append(pointer);
    }
}

// The first path under `pointer` holding the mask, or empty.
QString findMask(const QJsonValue& v, const QString& pointer)
{
    return jsonLeafPointers(
               v,
               [](const QJsonValue& leaf) {
                   return leaf.toString() == AiSquaredService::maskedPlaceholder();
               },
               pointer)
        .value(0);
}
} // namespace

AiSquaredService::AiSquaredService(ConnectorProfile profile, HttpClient* http, QObject* parent)
    : ConnectorService(std::move(profile), http, parent)
{
    setPageSize(100); // documented maximum per_page
}

QString AiSquaredService::collectionPath() const
{
    return QStringLiteral("/api/v1/connectors");
}

RawHeaders AiSquaredService::authHeaders() const
{
    RawHeaders headers = ConnectorService::authHeaders();
    headers.append({QByteArrayLiteral("Workspace-Id"), profile().workspaceId.toUtf8()});
    return headers;
}

QString AiSquaredService::profileRefusal() const
{
    if (profile().workspaceId.isEmpty())
        return tr("profile '%1' has no workspace id (Workspace-Id)").arg(profile().name);
    return ConnectorService::profileRefusal();
}

QString AiSquaredService::idRefusal(const QString& id) const
{
    const QString notInteger = id.isEmpty() ? QString() : integerIdRefusal(id);
    return notInteger.isEmpty() ? ConnectorService::idRefusal(id) : notInteger;
}

QUrl AiSquaredService::pageUrl(const QVariant& cursor) const
{
    const int page = cursor.isValid() ? cursor.toInt() : 1;
    return urlFor(collectionPath(),
                  QStringLiteral("page=%1&per_page=%2").arg(page).arg(pageSize()));
}

ConnectorService::Page AiSquaredService::parsePage(const QJsonDocument& doc,
                                                   const QVariant& cursor) const
{
    Page page = arrayPage(doc.object().value(QLatin1String("data")),
                          tr("expected {\"data\": [...]}"), NonObjectEntry::ReadAsEmpty);
    if (!page.shapeError.isEmpty())
        return page;
    // links.next only says whether there is more: the next URL is built here, never followed
    // from the answer (an absolute link could point at another host).
    const QJsonObject links = doc.object().value(QLatin1String("links")).toObject();
    const QJsonValue next = links.value(QLatin1String("next"));
    if (!next.isNull() && !next.isUndefined() && !(next.isString() && next.toString().isEmpty()))
        page.next = (cursor.isValid() ? cursor.toInt() : 1) + 1;
    // The last page's link moves when connectors are added or removed during the walk.
    page.walkShape = links.value(QLatin1String("last")).toVariant();
    return page;
}

QJsonObject AiSquaredService::unwrapConnector(const QJsonDocument& doc, QString* shapeError) const
{
    return objectUnder(doc, QStringLiteral("data"), shapeError);
}

Connector AiSquaredService::toConnector(const QJsonObject& json) const
{
    Connector c;
    const QJsonValue id = json.value(QLatin1String("id"));
    c.id = id.isString() ? id.toString() : QString::number(id.toInteger());
    const QJsonObject attributes = json.value(kAttributes).toObject();
    c.displayName = attributes.value(QLatin1String("name")).toString();
    c.type = attributes.value(QLatin1String("connector_name")).toString();
    c.updatedAt = attributes.value(QLatin1String("updated_at")).toString();
    for (const char* field :
         {"name", "description", "connector_type", "configuration", "connector_name"}) {
        const QString key = QLatin1String(field);
        if (attributes.contains(key))
            c.editable.insert(key, attributes.value(key));
    }
    c.readOnly.insert(QStringLiteral("id"), c.id);
    c.readOnly.insert(QStringLiteral("type"), json.value(QLatin1String("type")));
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        if (!c.editable.contains(it.key()))
            c.readOnly.insert(it.key(), it.value());
    }
    c.secretPaths = secretPaths(c.editable);
    return c;
}

QStringList AiSquaredService::secretPaths(const QJsonObject& doc) const
{
    const QString prefix = QStringLiteral("/configuration");
    const QJsonValue configuration = doc.value(kConfiguration);
    // The kind's definition says which keys are secret (multiwoven_secret), so a key merely named
    // like a secret is not one; without it, the key-name rule guesses. A mask is a secret always.
    const std::optional<ConnectorDefinition> definition =
        cachedDefinition(doc.value(QLatin1String("connector_type")).toString(),
                         doc.value(QLatin1String("connector_name")).toString());
    QStringList out;
    if (definition)
        out = definition->secretPaths(configuration.toObject(), prefix);
    collectSecrets(configuration, prefix, QString(), !definition, &out);
    out.sort();
    out.removeDuplicates();
    return out;
}

SecretRules AiSquaredService::baseSecretRules(const QJsonObject& doc) const
{
    if (cachedDefinition(doc.value(QLatin1String("connector_type")).toString(),
                         doc.value(QLatin1String("connector_name")).toString()))
        return SecretRules();
    return ConnectorService::baseSecretRules(doc);
}

QJsonObject AiSquaredService::buildUpdateBody(const Connector& base, const QJsonObject& edited,
                                              QString* refusal) const
{
    QJsonObject connector;
    for (const char* field : {"name", "connector_type", "connector_name"}) {
        const QString key = QLatin1String(field);
        const QJsonValue v = edited.contains(key) ? edited.value(key) : base.editable.value(key);
        if (!v.isUndefined() && !v.isNull())
            connector.insert(key, v);
    }
    // description only when it changed (null and "" are the same to a person).
    if (edited.contains(kDescription)) {
        const QString before = base.editable.value(kDescription).toString();
        const QJsonValue after = edited.value(kDescription);
        if (after.toString() != before)
            connector.insert(kDescription, after.isNull() ? QJsonValue(QString()) : after);
    }
    // configuration is replaced as a whole: send it only when it changed, and never with a mask.
    if (edited.contains(kConfiguration) &&
        edited.value(kConfiguration) != base.editable.value(kConfiguration)) {
        const QString masked =
            findMask(edited.value(kConfiguration), QStringLiteral("/configuration"));
        if (!masked.isEmpty()) {
            *refusal = tr("%1 still holds the masked placeholder: re-enter that secret, or "
                          "leave the configuration unchanged")
                           .arg(masked);
            return {};
        }
        connector.insert(kConfiguration, edited.value(kConfiguration));
    }
    return QJsonObject{{QStringLiteral("connector"), connector}};
}

QJsonObject AiSquaredService::sentDocument(const QJsonObject& body) const
{
    return body.value(QLatin1String("connector")).toObject();
}

QJsonObject AiSquaredService::answerInSentShape(const QJsonObject& json) const
{
    return json.value(kAttributes).toObject();
}

bool AiSquaredService::ignoreDifference(const QString& path, const QJsonValue& received) const
{
    Q_UNUSED(path);
    // A secret comes back masked: that is not a change by the server.
    return received.isString() && received.toString() == maskedPlaceholder();
}

void AiSquaredService::readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                                     ApiError* e) const
{
    Q_UNUSED(response);
    const QJsonObject o = doc.object();
    const QJsonValue errors = o.value(QLatin1String("errors"));
    QStringList texts;
    // A field of the connector, as a pointer into the editable document ("/name").
    auto addField = [&](QStringList path, const QString& message) {
        if (path.value(0) == QLatin1String("connector"))
            path.removeFirst();
        const QString where = path.join(QLatin1Char('.'));
        texts << (where.isEmpty() ? message : QStringLiteral("%1: %2").arg(where, message));
        if (!path.isEmpty() && !path.contains(QLatin1String("id"))) {
            QString pointer;
            for (const QString& token : std::as_const(path))
                pointer = jsonPointerAppend(pointer, token);
            e->fieldErrors.append({pointer, message});
        }
    };
    if (errors.isObject()) {
        // verified: contract failures (validate_contract) are a hash of field -> messages.
        QList<QPair<QStringList, QString>> flat;
        flattenErrorHash(errors, {}, &flat);
        for (const auto& [path, message] : std::as_const(flat))
            addField(path, message);
    } else if (errors.isArray()) {
        // verified: render_error {status (integer), title, detail, source}; source holds field
        // messages on a failed update, or a JSON pointer into the request.
        for (const QJsonValue& v : errors.toArray()) {
            const QJsonObject err = v.toObject();
            const QString detail = err.value(QLatin1String("detail")).toString();
            const QString title = err.value(QLatin1String("title")).toString();
            texts << (detail.isEmpty() ? title : detail);
            const QJsonObject source = err.value(QLatin1String("source")).toObject();
            for (auto it = source.begin(); it != source.end(); ++it) {
                if (it.key() == QLatin1String("pointer") || it.key() == QLatin1String("parameter"))
                    continue;
                QList<QPair<QStringList, QString>> flat;
                flattenErrorHash(it.value(), {it.key()}, &flat);
                for (const auto& [path, message] : std::as_const(flat))
                    addField(path, message);
            }
        }
    } else if (o.value(QLatin1String("error")).isString()) {
        // verified: a missing "connector" key (ParameterMissing) and not-found by exception.
        texts << o.value(QLatin1String("error")).toString();
    }
    texts.removeAll(QString());
    e->serverMessage = texts.join(QStringLiteral("; "));
}

void AiSquaredService::describeHttpError(const OperationContext& context, ApiError* e) const
{
    ConnectorService::describeHttpError(context, e);
    const QString prefix = QStringLiteral("%1, %2: ").arg(label(), operationText(context));
    if (e->httpStatus == 400 &&
        e->serverMessage.contains(QLatin1String("Workspace not found"), Qt::CaseInsensitive)) {
        // verified: current_workspace raises "Workspace not found", answered as a 400.
        e->kind = ApiError::Kind::Forbidden;
        e->message =
            prefix +
            tr("workspace %1 is not one of this key's workspaces").arg(profile().workspaceId);
        e->hint = tr("Set the workspace id of profile '%1' to one this key's user "
                     "belongs to (AI Squared shows it in the workspace settings).")
                      .arg(profile().name);
        e->remedy = ApiError::Remedy::EditProfile;
    } else if (e->httpStatus == 401) {
        if (keyWorkedBefore()) {
            e->message = prefix + tr("the token was refused although it worked "
                                     "earlier: it may have expired (AI Squared "
                                     "tokens last 30 minutes by default)");
            e->hint = tr("Replace the key of profile '%1' with a new token.").arg(profile().name);
            e->remedy = ApiError::Remedy::ReplaceKey;
        } else {
            e->message = prefix + tr("token rejected: it is wrong or has expired "
                                     "(AI Squared tokens last 30 minutes by default)");
            e->hint =
                tr("Replace the key of profile '%1' with a current token.").arg(profile().name);
            e->remedy = ApiError::Remedy::ReplaceKey;
        }
    } else if (e->httpStatus == 403) {
        e->hint = tr("Check the workspace id (%1) of profile '%2' and that the key may write.")
                      .arg(profile().workspaceId, profile().name);
    } else if (!e->fieldErrors.isEmpty()) {
        e->hint = tr("Correct the marked field(s) and try again.");
    }
}

QStringList AiSquaredService::serverComputedNotes() const
{
    return {tr("updated_at is set by the server"),
            tr("secret configuration values come back masked; what you send is stored as is")};
}

} // namespace ca
