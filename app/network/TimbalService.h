#pragma once

#include "ConnectorService.h"

#include <QMap>
#include <optional>

namespace ca {

struct TimbalRelease
{
    QString version; // bare semver
    QString publishedAt;
    QMap<QString, QString> artifacts; // platform -> artifact file name
};

struct TimbalReleaseListResult
{
    QString latest;
    QList<TimbalRelease> releases; // newest first, as the server sends them
    ApiError error;
    bool ok() const { return !error.isError(); }
};

struct SoftwareUpdateResult
{
    int httpStatus = 0;    // 200: already there (no-op); 202: dispatched
    QString targetVersion; // bare semver
    QString artifact;
    bool dispatched = false;
    ApiError error;
    // The answer to the POST was lost (time-out, reset, …): the connector was read again instead
    // of re-sending. When that read worked, `stateAfter` holds it; its pendingVersion/version
    // tells whether the update went out.
    bool answerLost = false;
    std::optional<Connector> stateAfter;
    bool ok() const { return !error.isError(); }
};

class TimbalReleaseListJob : public ServiceJob
{
    Q_OBJECT
public:
    using ServiceJob::ServiceJob;
    void finish(const TimbalReleaseListResult& result);
signals:
    void finished(const ca::TimbalReleaseListResult& result);

protected:
    void finishCanceled(const ApiError& error) override;
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

// Timbal Platform connectors: Bearer key, org in the path, limit/cursor paging. Only the software
// update is documented (POST …/update); list, get and the release list are assumed (see
// docs/sandbox.md) and live here only. Timbal connectors have no PUT: nothing is editable, their
// "update" is triggerSoftwareUpdate(). That POST is never retried: a 202 dispatches an update, so
// a lost answer is resolved by reading the connector, never by posting again.
class TimbalService : public ConnectorService
{
    Q_OBJECT
public:
    TimbalService(ConnectorProfile profile, HttpClient* http, QObject* parent = nullptr);

    bool canEdit() const override { return false; }
    QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                QString* refusal) const override;
    QString idRefusal(const QString& id) const override;
    QString profileRefusal() const override;

    TimbalReleaseListJob* releases();
    // version: "0.1.3" or "v0.1.3"; empty = the published latest (sent as null).
    TimbalSoftwareUpdateJob* triggerSoftwareUpdate(const QString& id, const QString& version = {});
    static QJsonObject softwareUpdateBody(const QString& version);
    // What releases() and triggerSoftwareUpdate() make of an answer, without sending anything
    // (tests/fuzz). A transport error in `response` is reported as is (no re-read here).
    TimbalReleaseListResult parseReleasesAnswer(const HttpResponse& response) const;
    SoftwareUpdateResult parseSoftwareUpdateAnswer(const HttpResponse& response, const QString& id,
                                                   const QString& version) const;

protected:
    const QLoggingCategory& logCategory() const override;
    QString collectionPath() const override;
    RawHeaders authHeaders() const override;
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

Q_DECLARE_METATYPE(ca::TimbalReleaseListResult)
Q_DECLARE_METATYPE(ca::SoftwareUpdateResult)
