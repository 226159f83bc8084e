#include "TimbalService.h"

#include "JsonPeek.h"

#include "HttpJob.h"
#include "NetworkLog.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace ca {

void TimbalSoftwareUpdateJob::finish(const SoftwareUpdateResult& result)
{
    if (markDone())
        emit finished(result);
}

void TimbalSoftwareUpdateJob::finishCanceled(const ApiError& error)
{
    SoftwareUpdateResult r;
    r.error = error;
    finish(r);
}

QString TimbalService::collectionPath() const
{
    return QStringLiteral("/orgs/%1/connectors").arg(segment(profile().orgId));
}

QString TimbalService::profileRefusal() const
{
    if (profile().orgId.isEmpty())
        return tr("profile '%1' has no organization id").arg(profile().name);
    return ConnectorService::profileRefusal();
}

QString TimbalService::idRefusal(const QString& id) const
{
    // verified (openapi.json): these are sibling routes of …/connectors/{id}; as an id they would
    // read the org's jobs or syncs instead of a connector.
    static const QStringList reserved = {QStringLiteral("jobs"), QStringLiteral("syncs"),
                                         QStringLiteral("enrollment-tokens")};
    if (reserved.contains(id))
        return tr("'%1' is not a connector id").arg(id);
    return ConnectorService::idRefusal(id);
}

QStringList TimbalService::listWrapperKeys()
{
    return {QStringLiteral("connectors"), QStringLiteral("data"), QStringLiteral("items"),
            QStringLiteral("results")};
}

QUrl TimbalService::pageUrl(const QVariant& cursor) const
{
    // verified: the list documents no parameters; a later page is asked for by its page token.
    if (!cursor.isValid())
        return urlFor(collectionPath());
    return urlFor(collectionPath(),
                  QStringLiteral("page_token=") +
                      QString::fromLatin1(QUrl::toPercentEncoding(cursor.toString())));
}

ConnectorService::Page TimbalService::parsePage(const QJsonDocument& doc,
                                                const QVariant& cursor) const
{
    Q_UNUSED(cursor);
    QJsonValue items;
    QVariant next;
    if (doc.isArray()) {
        items = doc.array();
    } else {
        const QJsonObject o = doc.object();
        for (const QString& key : listWrapperKeys()) {
            if (o.value(key).isArray()) {
                items = o.value(key);
                break;
            }
        }
        const QJsonValue token = o.value(QLatin1String("next_page_token"));
        if (token.isString() && !token.toString().isEmpty())
            next = token.toString();
    }
    Page page = arrayPage(items,
                          tr("expected an array of connectors, bare or under "
                             "connectors, data, items or results"),
                          NonObjectEntry::ShapeError);
    if (page.shapeError.isEmpty())
        page.next = next;
    return page;
}

std::optional<QVariant> TimbalService::peekNextCursor(const QByteArray& body) const
{
    // Same rule as parsePage(): a non-empty string is the next page; anything else is decided
    // there, after the parse.
    const std::optional<QString> next = peekTopLevelString(body, "next_page_token");
    if (!next || next->isEmpty())
        return std::nullopt;
    return QVariant(*next);
}

Connector TimbalService::toConnector(const QJsonObject& json) const
{
    Connector c;
    c.id = json.value(QLatin1String("id")).toString();
    c.displayName = json.value(QLatin1String("name")).toString(); // may be null
    c.type = QStringLiteral("connector");
    c.version = json.value(QLatin1String("version")).toString(); // null: never reported
    c.os = json.value(QLatin1String("os")).toString();
    c.arch = json.value(QLatin1String("arch")).toString();
    if (json.value(QLatin1String("online")).isBool())
        c.online = json.value(QLatin1String("online")).toBool();
    if (json.value(QLatin1String("connected")).isBool())
        c.connected = json.value(QLatin1String("connected")).toBool();
    // No editable document: Timbal has no PUT for connectors.
    c.readOnly = json;
    return c;
}

QJsonObject TimbalService::buildUpdateBody(const Connector& base, const QJsonObject& edited,
                                           QString* refusal) const
{
    Q_UNUSED(base);
    Q_UNUSED(edited);
    *refusal = tr("Timbal connectors have no editable settings; use a software update instead");
    return {};
}

QJsonObject TimbalService::softwareUpdateBody(const QString& version)
{
    return QJsonObject{{QStringLiteral("version"),
                        version.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(version)}};
}

TimbalSoftwareUpdateJob* TimbalService::triggerSoftwareUpdate(const QString& id,
                                                              const QString& version)
{
    auto* job = new TimbalSoftwareUpdateJob(this);
    const OperationContext context{Operation::SoftwareUpdate, id, version};
    QString refusal = profileRefusal();
    if (refusal.isEmpty())
        refusal = idRefusal(id);
    static const QRegularExpression semver(
        QStringLiteral("^v?\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.+-]*)?$"));
    if (refusal.isEmpty() && !version.isEmpty() && !semver.match(version).hasMatch())
        refusal = tr("'%1' is not a version (expected 0.1.3 or v0.1.3)").arg(version);
    if (!refusal.isEmpty()) {
        SoftwareUpdateResult r;
        r.error = refusedError(refusal, context);
        runLater(job, [job, r] { job->finish(r); });
        return job;
    }
    // POST: HttpJob never retries it.
    HttpJob* http =
        send("POST",
             urlFor(collectionPath() + QLatin1Char('/') + segment(id) + QStringLiteral("/update")),
             softwareUpdateBody(version));
    job->track(http);
    connect(http, &HttpJob::finished, job, [this, job, context](const HttpResponse& response) {
        SoftwareUpdateResult result =
            parseSoftwareUpdateAnswer(response, context.id, context.version);
        // A 2xx whose body cannot be read was accepted all the same: what it said is as lost
        // as an answer that never came, and a "retry failed" must not POST it again.
        const bool unreadableSuccess =
            response.isSuccess() && result.error.kind == ApiError::Kind::Malformed;
        if ((response.error.isError() && response.error.kind != ApiError::Kind::Canceled &&
             response.error.kind != ApiError::Kind::InsecureUrl) ||
            unreadableSuccess) {
            result.answerLost = true;
            result.error.hint =
                tr("The update may or may not have been dispatched, and Timbal shows "
                   "no pending update. Do not send it again blindly: watch the "
                   "connector's reported version first.");
            readStateAfterLostAnswer(job, result, context.id);
            return;
        }
        job->finish(result);
    });
    return job;
}

SoftwareUpdateResult TimbalService::parseSoftwareUpdateAnswer(const HttpResponse& response,
                                                              const QString& id,
                                                              const QString& version) const
{
    const OperationContext context{Operation::SoftwareUpdate, id, version};
    SoftwareUpdateResult result;
    result.httpStatus = response.status;
    QJsonDocument doc;
    if (readJsonAnswer(response, context, &doc, &result.error)) {
        const QJsonObject o = doc.object();
        if (!o.value(QLatin1String("target_version")).isString() ||
            !o.value(QLatin1String("dispatched")).isBool()) {
            result.error = malformedError(tr("expected {target_version, artifact, dispatched}"),
                                          response, context);
        } else {
            result.targetVersion = o.value(QLatin1String("target_version")).toString();
            result.artifact = o.value(QLatin1String("artifact")).toString();
            result.dispatched = o.value(QLatin1String("dispatched")).toBool();
            qCInfo(lcServiceTimbal).noquote()
                << label() << "connector" << context.id
                << (result.dispatched ? "told to move to" : "already on") << result.targetVersion;
        }
    }
    return result;
}

void TimbalService::readStateAfterLostAnswer(TimbalSoftwareUpdateJob* job,
                                             SoftwareUpdateResult result, const QString& id)
{
    ConnectorJob* read = get(id);
    job->track(nullptr);
    connect(read, &ConnectorJob::finished, job,
            [job, result](const ConnectorResult& state) mutable {
                if (state.ok()) {
                    result.stateAfter = state.connector;
                    result.error.hint =
                        tr("The answer was lost. The connector reports version %1; "
                           "Timbal shows no pending update, so only a change of that "
                           "version will tell that the update went out.")
                            .arg(state.connector.version.isEmpty() ? tr("(none)")
                                                                   : state.connector.version);
                }
                job->finish(result);
            });
}

void TimbalService::readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                                  ApiError* e) const
{
    Q_UNUSED(response);
    // verified: ErrorMessage {code, message}; {error: "…"} still read, as older answers had it.
    const QJsonObject o = doc.object();
    e->serverMessage = o.value(QLatin1String("message")).toString();
    if (e->serverMessage.isEmpty())
        e->serverMessage = o.value(QLatin1String("error")).toString();
    e->serverCode = o.value(QLatin1String("code")).toString();
}

TimbalService::Refusal TimbalService::refusalOf(const ApiError& e, const QString& version)
{
    const QString said = (e.serverMessage + QLatin1Char(' ') + e.serverCode).toLower();
    if (e.httpStatus == 404)
        // A connector that was just listed points at the release, unless the server names it.
        return !version.isEmpty() && !said.contains(QLatin1String("connector"))
                   ? Refusal::ReleaseNotFound
                   : Refusal::ConnectorNotFound;
    if (e.httpStatus == 422)
        return said.contains(QLatin1String("offline")) ? Refusal::Offline
               : said.contains(QLatin1String("old"))   ? Refusal::TooOld
                                                       : Refusal::OfflineOrTooOld;
    return Refusal::Other;
}

void TimbalService::describeHttpError(const OperationContext& context, ApiError* e) const
{
    ConnectorService::describeHttpError(context, e);
    const QString prefix = QStringLiteral("%1, %2: ").arg(label(), operationText(context));
    const QString server =
        e->serverMessage.isEmpty() ? QString() : tr(" (server: %1)").arg(e->serverMessage);
    if (e->httpStatus == 402) {
        // verified (errors.mdx): "The parameters were valid but the request failed."
        e->message = prefix +
                     tr("the request was valid, but it failed at Timbal "
                        "(HTTP 402)") +
                     server;
        e->hint = tr("Try again later; if it persists, ask Timbal's support.");
        return;
    }
    if (context.operation != Operation::SoftwareUpdate)
        return;
    if (e->httpStatus == 422)
        e->kind = ApiError::Kind::Precondition;
    switch (refusalOf(*e, context.version)) {
    case Refusal::ReleaseNotFound:
        e->message = prefix + tr("release %1 not found at Timbal").arg(context.version) + server;
        e->hint = tr("Check the version number (Timbal publishes no list of "
                     "releases); leave it out to get the latest.");
        return;
    case Refusal::ConnectorNotFound:
        e->message = prefix + tr("connector %1 not found").arg(context.id) + server;
        e->hint = tr("Refresh the list: it may have been removed or revoked.");
        return;
    case Refusal::Offline:
        e->message = prefix + tr("the connector is offline: Timbal could not reach it") + server;
        e->hint = tr("Bring the connector's machine online, then update it again.");
        return;
    case Refusal::TooOld:
        e->message = prefix + tr("the connector is too old to update remotely") + server;
        e->hint = tr("Update it by hand on its machine; remote updates work from then on.");
        return;
    case Refusal::OfflineOrTooOld:
        e->message = prefix + tr("connector is offline or too old to update remotely") + server;
        e->hint = tr("Bring the connector online; a connector older than the minimum remote-update "
                     "version must be updated by hand on its machine.");
        return;
    case Refusal::Other:
        break;
    }
    switch (e->httpStatus) {
    case 403:
        e->message = prefix + tr("this API key may not update connectors") + server;
        e->hint = tr("Use a Timbal key with permission to update connectors.");
        break;
    case 400:
        e->message = prefix + tr("the server rejected the requested version") + server;
        e->hint = tr("Give a version such as 0.1.3, or none for the latest.");
        break;
    default:
        break;
    }
}

} // namespace ca
