#include "DatabarService.h"

#include <QJsonArray>

namespace ca {

QStringList DatabarService::editableFields()
{
    return {QStringLiteral("name"),       QStringLiteral("type"),
            QStringLiteral("method"),     QStringLiteral("url"),
            QStringLiteral("headers"),    QStringLiteral("parameters"),
            QStringLiteral("body"),       QStringLiteral("body_template"),
            QStringLiteral("rate_limit"), QStringLiteral("max_concurrency")};
}

QString DatabarService::collectionPath() const
{
    return QStringLiteral("/v1/connectors");
}

RawHeaders DatabarService::authHeaders() const
{
    return {{QByteArrayLiteral("x-apikey"), profile().apiKey}};
}

QString DatabarService::idRefusal(const QString& id) const
{
    return integerIdRefusal(id);
}

QUrl DatabarService::pageUrl(const QVariant& cursor) const
{
    Q_UNUSED(cursor);                                   // verified: one bare array, no paging
    return urlFor(collectionPath() + QLatin1Char('/')); // verified: the trailing slash
}

ConnectorService::Page DatabarService::parsePage(const QJsonDocument& doc,
                                                 const QVariant& cursor) const
{
    Q_UNUSED(cursor);
    Page page = arrayPage(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(),
                          tr("expected a JSON array of connectors"), NonObjectEntry::ShapeError);
    page.expectedTotal = int(page.items.size());
    return page;
}

Connector DatabarService::toConnector(const QJsonObject& json) const
{
    Connector c;
    const QJsonValue id = json.value(QLatin1String("id"));
    c.id = id.isString() ? id.toString() : QString::number(id.toInteger());
    c.displayName = json.value(QLatin1String("name")).toString();
    c.type = json.value(QLatin1String("type")).toString();
    // Databar has no last-change stamp; created_at stays in readOnly.
    const QStringList fields = editableFields();
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (fields.contains(it.key()))
            c.editable.insert(it.key(), it.value());
        else
            c.readOnly.insert(it.key(), it.value());
    }
    c.secretPaths = secretPaths(c.editable);
    return c;
}

QStringList DatabarService::secretPaths(const QJsonObject& doc) const
{
    // Header values are usually third-party API keys, and Databar returns them unmasked.
    QStringList paths;
    const QJsonArray headers = doc.value(QLatin1String("headers")).toArray();
    for (int i = 0; i < headers.size(); ++i)
        paths << QStringLiteral("/headers/%1/value").arg(i);
    return paths;
}

QJsonObject DatabarService::buildUpdateBody(const Connector& base, const QJsonObject& edited,
                                            QString* refusal) const
{
    Q_UNUSED(refusal);
    // PUT replaces everything: send every field, edited or as fetched, so nothing is reset.
    QJsonObject body;
    for (const QString& field : editableFields()) {
        if (edited.contains(field))
            body.insert(field, edited.value(field));
        else if (base.editable.contains(field))
            body.insert(field, base.editable.value(field));
    }
    return body;
}

void DatabarService::readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                                   ApiError* e) const
{
    Q_UNUSED(response);
    const QJsonValue detail = doc.object().value(QLatin1String("detail"));
    if (detail.isString()) {
        e->serverMessage = detail.toString();
        return;
    }
    if (!detail.isArray())
        return;
    // FastAPI validation: loc ["body", "headers", 0, "value"] -> "/headers/0/value".
    QStringList texts;
    for (const QJsonValue& v : detail.toArray()) {
        const QJsonObject item = v.toObject();
        QJsonArray loc = item.value(QLatin1String("loc")).toArray();
        const QString where = loc.isEmpty() ? QString() : loc.first().toString();
        QString pointer;
        QStringList readable;
        for (int i = 1; i < loc.size(); ++i) {
            const QString token = loc.at(i).isString() ? loc.at(i).toString()
                                                       : QString::number(loc.at(i).toInteger());
            pointer = jsonPointerAppend(pointer, token);
            readable << token;
        }
        const QString msg = item.value(QLatin1String("msg")).toString();
        if (where == QLatin1String("body")) {
            e->fieldErrors.append({pointer, msg});
            texts << QStringLiteral("%1: %2").arg(readable.join(QLatin1Char('.')), msg);
        } else {
            texts << QStringLiteral("%1 %2: %3").arg(where, readable.join(QLatin1Char('.')), msg);
        }
    }
    e->serverMessage = texts.join(QStringLiteral("; "));
}

void DatabarService::describeHttpError(const OperationContext& context, ApiError* e) const
{
    ConnectorService::describeHttpError(context, e);
    if (e->httpStatus == 406) {
        e->kind = ApiError::Kind::Precondition;
        e->message =
            tr("%1, %2: insufficient Databar credits").arg(label(), operationText(context));
        if (!e->serverMessage.isEmpty())
            e->message += tr(" (server: %1)").arg(e->serverMessage);
        e->hint = tr("Add credits to the Databar workspace, then try again.");
    } else if (e->httpStatus == 422 && !e->fieldErrors.isEmpty()) {
        e->hint = tr("Correct the marked field(s) and try again.");
    }
}

QList<ConnectorService::OmissionEffect>
DatabarService::omissionEffects(const Connector& base, const QJsonObject& body) const
{
    // ConnectorCreate defaults: what a full replacement stores for a field it is not given.
    static const QJsonObject defaults{{QStringLiteral("type"), QStringLiteral("enrichment")},
                                      {QStringLiteral("headers"), QJsonArray()},
                                      {QStringLiteral("parameters"), QJsonArray()},
                                      {QStringLiteral("body"), QJsonArray()},
                                      {QStringLiteral("body_template"), QJsonValue::Null},
                                      {QStringLiteral("rate_limit"), QJsonValue::Null},
                                      {QStringLiteral("max_concurrency"), QJsonValue::Null}};
    QList<OmissionEffect> out;
    for (auto it = defaults.begin(); it != defaults.end(); ++it) {
        const QJsonValue current = base.editable.value(it.key());
        if (!body.contains(it.key()) && !current.isUndefined() && current != it.value())
            out.append({QLatin1Char('/') + it.key(), current, it.value()});
    }
    return out;
}

QStringList DatabarService::serverComputedNotes() const
{
    return {tr("rate_limit and max_concurrency are capped by your plan: the server may store less "
               "than you send")};
}

} // namespace ca
