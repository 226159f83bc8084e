#include "TimbalService.h"

#include "JsonPeek.h"

#include "HttpJob.h"
#include "NetworkLog.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace ca {

void TimbalReleaseListJob::finish(const TimbalReleaseListResult& result)
{
    if (markDone())
        emit finished(result);
}

void TimbalReleaseListJob::finishCanceled(const ApiError& error)
{
    TimbalReleaseListResult r;
    r.error = error;
    finish(r);
}

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

TimbalService::TimbalService(ConnectorProfile profile, HttpClient* http, QObject* parent)
    : ConnectorService(std::move(profile), http, parent)
{
    setPageSize(100); // assumed maximum 500
}

const QLoggingCategory& TimbalService::logCategory() const
{
    return lcServiceTimbal();
}

QString TimbalService::collectionPath() const
{
    return QStringLiteral("/orgs/%1/connectors").arg(segment(profile().orgId));
}

RawHeaders TimbalService::authHeaders() const
{
    return {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + profile().apiKey}};
}

QString TimbalService::profileRefusal() const
{
    if (profile().orgId.isEmpty())
        return QStringLiteral("profile '%1' has no organization id").arg(profile().name);
    return ConnectorService::profileRefusal();
}

QString TimbalService::idRefusal(const QString& id) const
{
    // The (assumed) release list lives at …/connectors/releases: that id would read it instead.
    if (id == QLatin1String("releases"))
        return QStringLiteral("'releases' is not a connector id");
    return ConnectorService::idRefusal(id);
}

QUrl TimbalService::pageUrl(const QVariant& cursor) const
{
    QString query = QStringLiteral("limit=%1").arg(pageSize());
    if (cursor.isValid())
        query += QStringLiteral("&cursor=") +
                 QString::fromLatin1(QUrl::toPercentEncoding(cursor.toString()));
    return urlFor(collectionPath(), query);
}

ConnectorService::Page TimbalService::parsePage(const QJsonDocument& doc,
                                                const QVariant& cursor) const
{
    Q_UNUSED(cursor);
    Page page;
    const QJsonValue items = doc.object().value(QLatin1String("connectors"));
    if (!items.isArray()) {
        page.shapeError = QStringLiteral("expected {\"connectors\": [...]}");
        return page;
    }
    for (const QJsonValue& v : items.toArray())
        page.items.append(v.toObject());
    const QJsonValue next = doc.object().value(QLatin1String("next_cursor"));
    if (next.isString() && !next.toString().isEmpty())
        page.next = next.toString();
    return page;
}

std::optional<QVariant> TimbalService::peekNextCursor(const QByteArray& body) const
{
    // Same rule as parsePage(): a non-empty string is the next page; anything else is decided
    // there, after the parse.
    const std::optional<QString> next = peekTopLevelString(body, "next_cursor");
    if (!next || next->isEmpty())
        return std::nullopt;
    return QVariant(*next);
}

Connector TimbalService::toConnector(const QJsonObject& json) const
{
    Connector c;
    c.vendor = Vendor::Timbal;
    c.profileName = profile().name;
    c.id = json.value(QLatin1String("id")).toString();
    c.displayName = json.value(QLatin1String("name")).toString();
    c.type = QStringLiteral("connector");
    c.updatedAt = json.value(QLatin1String("updated_at")).toString();
    c.version = json.value(QLatin1String("version")).toString();
    c.pendingVersion = json.value(QLatin1String("pending_version")).toString();
    c.platform = json.value(QLatin1String("platform")).toString();
    if (json.value(QLatin1String("online")).isBool())
        c.online = json.value(QLatin1String("online")).toBool();
    // No editable document: Timbal has no PUT for connectors.
    c.readOnly = json;
    return c;
}

QJsonObject TimbalService::buildUpdateBody(const Connector& base, const QJsonObject& edited,
                                           QString* refusal) const
{
    Q_UNUSED(base);
    Q_UNUSED(edited);
    *refusal = QStringLiteral(
        "Timbal connectors have no editable settings; use a software update instead");
    return {};
}

QJsonObject TimbalService::softwareUpdateBody(const QString& version)
{
    return QJsonObject{{QStringLiteral("version"),
                        version.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(version)}};
}

TimbalReleaseListJob* TimbalService::releases()
{
    auto* job = new TimbalReleaseListJob(this);
    const OperationContext context{Operation::Releases, {}, {}};
    const QString refusal = profileRefusal();
    if (!refusal.isEmpty()) {
        TimbalReleaseListResult r;
        r.error = refusedError(refusal, context);
        runLater(job, [job, r] { job->finish(r); });
        return job;
    }
    HttpJob* http = send("GET", urlFor(collectionPath() + QStringLiteral("/releases")));
    job->track(http);
    connect(http, &HttpJob::finished, job, [this, job](const HttpResponse& response) {
        job->finish(parseReleasesAnswer(response));
    });
    return job;
}

TimbalReleaseListResult TimbalService::parseReleasesAnswer(const HttpResponse& response) const
{
    const OperationContext context{Operation::Releases, {}, {}};
    TimbalReleaseListResult result;
    QJsonDocument doc;
    if (readJsonAnswer(response, context, &doc, &result.error)) {
        const QJsonObject o = doc.object();
        if (!o.value(QLatin1String("releases")).isArray()) {
            result.error =
                malformedError(QStringLiteral("expected {\"releases\": [...]}"), response, context);
        } else {
            result.latest = o.value(QLatin1String("latest")).toString();
            for (const QJsonValue& v : o.value(QLatin1String("releases")).toArray()) {
                const QJsonObject r = v.toObject();
                TimbalRelease release;
                release.version = r.value(QLatin1String("version")).toString();
                release.publishedAt = r.value(QLatin1String("published_at")).toString();
                const QJsonObject artifacts = r.value(QLatin1String("artifacts")).toObject();
                for (auto it = artifacts.begin(); it != artifacts.end(); ++it)
                    release.artifacts.insert(it.key(), it.value().toString());
                result.releases.append(release);
            }
        }
    }
    return result;
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
        refusal = QStringLiteral("'%1' is not a version (expected 0.1.3 or v0.1.3)").arg(version);
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
                QStringLiteral("The update may or may not have been dispatched. Do not send it "
                               "again blindly: check the connector's reported and pending "
                               "version first.");
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
            result.error =
                malformedError(QStringLiteral("expected {target_version, artifact, dispatched}"),
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
    connect(
        read, &ConnectorJob::finished, job, [job, result](const ConnectorResult& state) mutable {
            if (state.ok()) {
                result.stateAfter = state.connector;
                const Connector& c = state.connector;
                result.error.hint =
                    c.pendingVersion.isEmpty()
                        ? QStringLiteral(
                              "The answer was lost. The connector now reports version %1 with no "
                              "update pending; decide whether to send the update again.")
                              .arg(c.version)
                        : QStringLiteral(
                              "The answer was lost, but the update went out: the connector "
                              "reports version %1, moving to %2. Do not send it again.")
                              .arg(c.version, c.pendingVersion);
            }
            job->finish(result);
        });
}

void TimbalService::readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                                  ApiError* e) const
{
    Q_UNUSED(response);
    e->serverMessage = doc.object().value(QLatin1String("error")).toString();
}

void TimbalService::describeHttpError(const OperationContext& context, ApiError* e) const
{
    ConnectorService::describeHttpError(context, e);
    if (context.operation != Operation::SoftwareUpdate)
        return;
    const QString prefix = QStringLiteral("%1, %2: ").arg(label(), operationText(context));
    const QString server = e->serverMessage.isEmpty()
                               ? QString()
                               : QStringLiteral(" (server: %1)").arg(e->serverMessage);
    switch (e->httpStatus) {
    case 403:
        e->message = prefix + QStringLiteral("this API key may not update connectors") + server;
        e->hint = QStringLiteral("Use a Timbal key with permission to update connectors.");
        break;
    case 404:
        e->message =
            prefix +
            (context.version.isEmpty() ? QStringLiteral("connector %1 not found").arg(context.id)
                                       : QStringLiteral("connector %1 or release %2 not found")
                                             .arg(context.id, context.version)) +
            server;
        e->hint = QStringLiteral(
            "Refresh the list and the release list, then pick an existing connector and release.");
        break;
    case 422:
        e->kind = ApiError::Kind::Precondition;
        e->message =
            prefix + QStringLiteral("connector is offline or too old to update remotely") + server;
        e->hint = QStringLiteral(
            "Bring the connector online; a connector older than the minimum remote-update "
            "version must be updated by hand on its machine.");
        break;
    case 400:
        e->message = prefix + QStringLiteral("the server rejected the requested version") + server;
        e->hint = QStringLiteral("Pick a version from the release list.");
        break;
    default:
        break;
    }
}

} // namespace ca
