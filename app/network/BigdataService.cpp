#include "BigdataService.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace ca {

namespace {
const QString kEmail = QStringLiteral("email");
const QString kConfig = QStringLiteral("config");
const QString kAllowed = QStringLiteral("allowed_emails");
} // namespace

QString BigdataService::collectionPath() const
{
    return QStringLiteral("/contents/v1/connectors");
}

RawHeaders BigdataService::authHeaders() const
{
    return {{QByteArrayLiteral("X-API-KEY"), profile().apiKey}};
}

QString BigdataService::idRefusal(const QString& id) const
{
    static const QRegularExpression uuid(QStringLiteral(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    if (!uuid.match(id).hasMatch())
        return tr("Bigdata.com connector ids are UUIDs, '%1' is not").arg(id);
    return {};
}

ConnectorService::Page BigdataService::parsePage(const QJsonDocument& doc,
                                                 const QVariant& cursor) const
{
    Q_UNUSED(cursor); // documented elsewhere: {results:[…]} without paging
    Page page = arrayPage(doc.object().value(QLatin1String("results")),
                          tr("expected {\"results\": [...]}"), NonObjectEntry::ReadAsEmpty);
    page.expectedTotal = int(page.items.size());
    return page;
}

Connector BigdataService::toConnector(const QJsonObject& json) const
{
    Connector c;
    c.id = json.value(QLatin1String("connector_id")).toString();
    c.displayName = json.value(QLatin1String("label")).toString();
    c.type = json.value(QLatin1String("type")).toString();
    c.updatedAt = json.value(QLatin1String("updated_at")).toString();
    for (const char* field : {"label", "description", "share_with_org"}) {
        const QString key = QLatin1String(field);
        c.editable.insert(key, json.contains(key) ? json.value(key)
                                                  : (key == QLatin1String("share_with_org")
                                                         ? QJsonValue(false)
                                                         : QJsonValue(QString())));
    }
    // Only an email connector's allowed senders can change; the rest of config is read-only.
    if (c.type == kEmail) {
        const QJsonObject config = json.value(kConfig).toObject();
        c.editable.insert(kConfig, QJsonObject{{kAllowed, config.value(kAllowed).toArray()}});
    }
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!c.editable.contains(it.key()) || it.key() == kConfig)
            c.readOnly.insert(it.key(), it.value());
    }
    return c;
}

QJsonObject BigdataService::answerInSentShape(const QJsonObject& json) const
{
    // investment_research config is sent as null (cannot change) and read back as {user_id}.
    QJsonObject shape = json;
    if (json.value(QLatin1String("type")).toString() != kEmail)
        shape.insert(kConfig, QJsonValue::Null);
    return shape;
}

QJsonObject BigdataService::buildUpdateBody(const Connector& base, const QJsonObject& edited,
                                            QString* refusal) const
{
    // PUT semantics: whatever is omitted is cleared, so every field comes from the edit or the GET.
    auto pick = [&](const QString& key) {
        return edited.contains(key) ? edited.value(key) : base.editable.value(key);
    };
    if (edited.contains(QLatin1String("type")) &&
        edited.value(QLatin1String("type")).toString() != base.type) {
        *refusal = tr("the type of a Bigdata.com connector cannot be changed");
        return {};
    }
    const QJsonValue label = pick(QStringLiteral("label"));
    if (label.toString().trimmed().isEmpty()) {
        *refusal = tr("a label is required");
        return {};
    }
    QJsonObject body{
        {QStringLiteral("label"), label},
        {QStringLiteral("description"), pick(QStringLiteral("description")).toString()},
        {QStringLiteral("share_with_org"), pick(QStringLiteral("share_with_org")).toBool()}};
    if (base.type == kEmail) {
        // The schema requires email_hash; email goes along so the inbox is not cleared.
        const QJsonObject stored = base.readOnly.value(kConfig).toObject();
        const QJsonObject editedConfig = pick(kConfig).toObject();
        QJsonObject config{
            {QStringLiteral("email_hash"), stored.value(QLatin1String("email_hash"))},
            {kAllowed, editedConfig.value(kAllowed).toArray()}};
        if (stored.contains(kEmail))
            config.insert(kEmail, stored.value(kEmail));
        if (!config.value(QLatin1String("email_hash")).isString()) {
            *refusal = tr("the connector's email_hash is unknown; refresh it first");
            return {};
        }
        body.insert(kConfig, config);
    } else {
        if (edited.contains(kConfig) && !edited.value(kConfig).isNull()) {
            *refusal = tr("the config of %1 connectors cannot be updated; create a new connector "
                          "for other broker credentials")
                           .arg(base.type);
            return {};
        }
        body.insert(kConfig, QJsonValue::Null);
    }
    return body;
}

void BigdataService::readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                                   ApiError* e) const
{
    const QJsonObject o = doc.object();
    // {statusCode, message, errorCode, requestId}, or the gateway's {message}; {detail} as
    // FastAPI-style answers of the older seed had it.
    e->serverMessage = o.value(QLatin1String("message")).toString();
    e->serverCode = o.value(QLatin1String("errorCode")).toString();
    e->requestId = o.value(QLatin1String("requestId")).toString();
    if (e->requestId.isEmpty())
        e->requestId = QString::fromUtf8(response.header("X-Request-Id"));
    if (!e->serverMessage.isEmpty())
        return;
    const QJsonValue detail = o.value(QLatin1String("detail"));
    if (detail.isString()) {
        e->serverMessage = detail.toString();
    } else if (detail.isArray()) {
        QStringList texts;
        for (const QJsonValue& v : detail.toArray())
            texts << v.toObject().value(QLatin1String("msg")).toString();
        e->serverMessage = texts.join(QStringLiteral("; "));
    }
}

void BigdataService::describeHttpError(const OperationContext& context, ApiError* e) const
{
    ConnectorService::describeHttpError(context, e);
    if (e->httpStatus == 403 && e->serverCode.isEmpty() && e->requestId.isEmpty() &&
        e->serverMessage == QLatin1String("Missing Authentication Token")) {
        // The API gateway's answer to a path it has no route for, not a permission problem.
        e->kind = ApiError::Kind::NotFound;
        e->message = tr("%1, %2: the API gateway knows no such path (server: %3)")
                         .arg(label(), operationText(context), e->serverMessage);
        e->hint = tr("Check the base URL of profile '%1' (it should end at the API "
                     "host, e.g. https://api.bigdata.com).")
                      .arg(profile().name);
        return;
    }
    if (e->httpStatus == 401 && context.operation == Operation::Update)
        e->hint = tr("Check the API key of profile '%1'; Bigdata.com also answers 401 to a key "
                     "that may not modify connectors.")
                      .arg(profile().name);
}

QList<ConnectorService::OmissionEffect>
BigdataService::omissionEffects(const Connector& base, const QJsonObject& body) const
{
    // PUT semantics: an omitted description is emptied, share_with_org turned off, and an
    // omitted email config clears the allowed senders.
    QList<OmissionEffect> out;
    auto check = [&](const QString& key, const QJsonValue& after) {
        const QJsonValue current = base.editable.value(key);
        if (!body.contains(key) && !current.isUndefined() && current != after)
            out.append({QLatin1Char('/') + key, current, after});
    };
    check(QStringLiteral("description"), QString());
    check(QStringLiteral("share_with_org"), false);
    if (base.type == QLatin1String("email") && !body.value(QLatin1String("config")).isObject()) {
        const QJsonValue allowed = base.editable.value(QLatin1String("config"))
                                       .toObject()
                                       .value(QLatin1String("allowed_emails"));
        if (!allowed.toArray().isEmpty())
            out.append({QStringLiteral("/config/allowed_emails"), allowed, QJsonArray()});
    }
    return out;
}

QStringList BigdataService::serverComputedNotes() const
{
    return {tr("updated_at is set by the server"),
            tr("the inbox address and email_hash are the server's and are sent back unchanged")};
}

} // namespace ca
