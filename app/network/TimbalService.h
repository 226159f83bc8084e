#pragma once

#include "ConnectorService.h"

#include <optional>

namespace ca {

struct SoftwareUpdateResult
{
    int httpStatus = 0;    // 200: already there (no-op); 202: dispatched
    QString targetVersion; // bare semver, as the server chose it (also for "latest")
    QString artifact;
    bool dispatched = false;
    ApiError error;
    // The answer to the POST was lost (time-out, reset, …): the connector was read again instead
    // of re-sending. When that read worked, `stateAfter` holds it. Timbal keeps no pending state,
    // so only a reported version that moved tells that the update went out.
    bool answerLost = false;
    std::optional<Connector> stateAfter;
    bool ok() const { return !error.isError(); }
};

class TimbalSoftwareUpdateJob : public ServiceJob
{
    Q_OBJECT
public:
    using ServiceJob::ServiceJob;
    void finish(const SoftwareUpdateResult& result);
signals:
    void finished(const ca::SoftwareUpdateResult& result);

protected:
    void finishCanceled(const ApiError& error) override;
};

// Timbal Platform connectors, from the platform's published OpenAPI file (timbal-ai/timbal,
// docs/api-reference/openapi.json, commit 50d9eba8) and its pagination.mdx / errors.mdx:
// - verified: Bearer key; GET /orgs/{org}/connectors and …/{id}; POST …/{id}/update (the seed).
// - verified: a connector is a ConnectorView {id, name|null, version|null, online, connected,
//   capabilities, enrolled_at, last_seen_at|null, hostname, os, arch}: no platform, no pending
//   version, no update stamps. There is no release list: "latest" is what the server picks, and
//   the answer's target_version says which.
// - verified: errors are {code, message}; 402 "request failed"; RateLimit-* and Retry-After.
// - verified: paging is by opaque next_page_token → ?page_token=; the connector list documents no
//   parameters, so it may come unpaged.
// - assumed: the list's wrapper (the spec's 200 schema describes something else): a bare array
//   or an object holding it under connectors, data, items or results.
// Timbal connectors have no PUT: nothing is editable, their "update" is triggerSoftwareUpdate().
// That POST is never retried: a 202 dispatches an update, so a lost answer is resolved by
// reading the connector, never by posting again.
class TimbalService : public ConnectorService
{
    Q_OBJECT
public:
    using ConnectorService::ConnectorService;

    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QString idRefusal(const QString& id) const override;
    QString profileRefusal() const override;

    // version: "0.1.3" or "v0.1.3" (checked as semver before sending); empty = whatever Timbal
    // publishes as latest (sent as null).
    TimbalSoftwareUpdateJob* triggerSoftwareUpdate(const QString& id, const QString& version = {});
    static QJsonObject softwareUpdateBody(const QString& version);
    // What triggerSoftwareUpdate() makes of an answer, without sending anything (tests/fuzz). A
    // transport error in `response` is reported as is (no re-read here).
    SoftwareUpdateResult parseSoftwareUpdateAnswer(const HttpResponse& response, const QString& id,
                                                   const QString& version) const;

    // Why Timbal refused a software update, from the status and its words (verified: 404 is
    // "connector or release not found", 422 "offline or too old"). One reading, for the
    // service's messages and an update run's row text alike.
    enum class Refusal
    {
        Other,
        ReleaseNotFound, // 404 to an explicit version, not naming the connector
        ConnectorNotFound,
        Offline,        // 422 connector_offline
        TooOld,         // 422, too old to update remotely
        OfflineOrTooOld // 422 that says neither
    };
    static Refusal refusalOf(const ApiError& error, const QString& version);

    // The list's wrapper keys accepted around the array of connectors (assumed, see above).
    static QStringList listWrapperKeys();

protected:
    QString collectionPath() const override;
    QUrl pageUrl(const QVariant& cursor) const override;
    Page parsePage(const QJsonDocument& doc, const QVariant& cursor) const override;
    std::optional<QVariant> peekNextCursor(const QByteArray& body) const override;
    Connector toConnector(const QJsonObject& vendorJson) const override;
    void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                       ApiError* error) const override;
    void describeHttpError(const OperationContext& context, ApiError* error) const override;

private:
    void readStateAfterLostAnswer(TimbalSoftwareUpdateJob* job, SoftwareUpdateResult result,
                                  const QString& id);
};

} // namespace ca

Q_DECLARE_METATYPE(ca::SoftwareUpdateResult)
