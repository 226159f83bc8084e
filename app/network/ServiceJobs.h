#pragma once

#include "ApiError.h"
#include "Connector.h"
#include "ConnectorDefinition.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QVariant>

namespace ca {

class HttpJob;

struct ConnectorResult
{
    Connector connector;
    ApiError error;
    bool ok() const { return !error.isError(); }
};

struct ConnectorListResult
{
    // On error: the pages loaded before it. Empty when the job does not keep its pages (see
    // ConnectorListJob::setKeepsConnectors); `count` still says how many were loaded.
    QList<Connector> connectors;
    ApiError error;
    int pages = 0;
    int count = 0; // connectors loaded, kept or not
    bool ok() const { return !error.isError(); }
};

struct UpdateResult
{
    bool sent = false; // false: refused before anything went out (see error)
    int httpStatus = 0;
    QJsonObject sentBody; // exactly what went out (contains secrets: mask via secretPaths)
    Connector connector;  // the server's answer, mapped (valid when ok())
    // Values the server stored differently from what was sent ("the server changed 2 values").
    QList<ValueDifference> differences;
    ApiError error;
    bool ok() const { return !error.isError(); }
};

// Common base of the service-level jobs: owns the HTTP exchange in flight, emits its result once
// and deletes itself. abort() still ends in the result signal, with ApiError::Kind::Canceled.
class ServiceJob : public QObject
{
    Q_OBJECT
public:
    explicit ServiceJob(QObject* parent) : QObject(parent) {}
    ~ServiceJob() override;
    void abort();
    bool isFinished() const { return m_done; }

    // For the service driving the job.
    void track(HttpJob* http);

protected:
    virtual void finishCanceled(const ApiError& error) = 0;
    bool markDone();

private:
    QPointer<HttpJob> m_http;
    bool m_done = false;
};

class ConnectorListJob : public ServiceJob
{
    Q_OBJECT
public:
    using ServiceJob::ServiceJob;
    void addPage(const QList<Connector>& page, int expectedTotal);
    void finish(ApiError error);
    // True (the default): the result holds every connector loaded. A consumer that takes the
    // pages as they arrive (pageLoaded) sets false, so a 100,000-row list is not held twice.
    void setKeepsConnectors(bool keep) { m_keep = keep; }
    const QList<Connector>& loaded() const { return m_result.connectors; }
    int pages() const { return m_result.pages; }

    // For lists whose order can shift while they are walked (AI Squared orders by updated_at, so
    // an edit during a paged walk moves a connector to the first page): every id is delivered
    // and counted once; a connector met again is delivered again (pageLoaded, and replaced in the
    // kept result) only when it changed, and the repeat is noted so the walk can be redone.
    void setDeduplicates(bool on) { m_dedupe = on; }
    bool deduplicates() const { return m_dedupe; }
    // Records what a page of the first walk says about the whole list (e.g. the last page
    // number), before addPage(): a change from the walk's first page means the list shifted.
    void noteWalkShape(const QVariant& shape);
    // The first walk met a connector twice or saw the list's shape change: it may also have
    // missed connectors that moved past it, so the service walks once more.
    bool walkShifted() const { return m_shifted; }
    int walk() const { return m_walk; }
    void startSecondWalk() { m_walk = 2; }

signals:
    // One per page, as it arrives: lets a list view fill in incrementally.
    // expectedTotal is -1 when the vendor does not say.
    void pageLoaded(const QList<ca::Connector>& page, int loadedSoFar, int expectedTotal);
    void finished(const ca::ConnectorListResult& result);

protected:
    void finishCanceled(const ApiError& error) override { finish(error); }

private:
    ConnectorListResult m_result;
    bool m_keep = true;
    bool m_dedupe = false;
    bool m_shifted = false;
    struct Seen
    {
        qsizetype index = -1; // in m_result.connectors; -1 when not kept
        QString updatedAt;    // as delivered
    };
    QHash<QString, Seen> m_seen;
    int m_walk = 1;
    int m_walkPages = 0;
    QVariant m_walkShape;
};

class ConnectorJob : public ServiceJob
{
    Q_OBJECT
public:
    using ServiceJob::ServiceJob;
    void finish(const ConnectorResult& result);

signals:
    void finished(const ca::ConnectorResult& result);

protected:
    void finishCanceled(const ApiError& error) override { finish({Connector{}, error}); }
};

class ConnectorUpdateJob : public ServiceJob
{
    Q_OBJECT
public:
    using ServiceJob::ServiceJob;
    void finish(const UpdateResult& result);
    UpdateResult& pending() { return m_pending; } // filled while the request is built/sent

signals:
    void finished(const ca::UpdateResult& result);

protected:
    void finishCanceled(const ApiError& error) override;

private:
    UpdateResult m_pending;
};

// An AI Squared connector kind's definition (AiSquaredService::definition()).
struct DefinitionResult
{
    ConnectorDefinition definition; // valid when ok()
    // Where it came from: the server now, the session's memory, or the disk cache (read when the
    // server could not be asked; `error` then says why).
    enum class Source
    {
        None,
        Server,
        Memory,
        Disk
    };
    Source source = Source::None;
    ApiError error; // why the server's definition could not be had (also with a Disk result)
    bool ok() const { return definition.isValid(); }
};

// A connection test (AiSquaredService::checkConnection()).
struct ConnectionCheckResult
{
    enum class Status
    {
        Succeeded, // the vendor reached the system with this configuration
        Failed,    // the vendor answered "failed": `message` is its reason
        NotRun     // refused before sending, or no answer (`error`)
    };
    Status status = Status::NotRun;
    QString message; // the vendor's connection_status.message
    ApiError error;  // NotRun: why (refusal, 403, time-out, ...)
    QDateTime at;    // when the answer came (local time)
};

class DefinitionJob : public ServiceJob
{
    Q_OBJECT
public:
    using ServiceJob::ServiceJob;
    void finish(const DefinitionResult& result);

signals:
    void finished(const ca::DefinitionResult& result);

protected:
    void finishCanceled(const ApiError& error) override;
};

class ConnectionCheckJob : public ServiceJob
{
    Q_OBJECT
public:
    using ServiceJob::ServiceJob;
    void finish(const ConnectionCheckResult& result);

signals:
    void finished(const ca::ConnectionCheckResult& result);

protected:
    void finishCanceled(const ApiError& error) override;
};

} // namespace ca

Q_DECLARE_METATYPE(ca::DefinitionResult)
Q_DECLARE_METATYPE(ca::ConnectionCheckResult)
Q_DECLARE_METATYPE(ca::ConnectorResult)
Q_DECLARE_METATYPE(ca::ConnectorListResult)
Q_DECLARE_METATYPE(ca::UpdateResult)
