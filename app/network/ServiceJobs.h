#pragma once

#include "ApiError.h"
#include "Connector.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>

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
    bool keepsConnectors() const { return m_keep; }
    const QList<Connector>& loaded() const { return m_result.connectors; }
    int pages() const { return m_result.pages; }

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

} // namespace ca

Q_DECLARE_METATYPE(ca::ConnectorResult)
Q_DECLARE_METATYPE(ca::ConnectorListResult)
Q_DECLARE_METATYPE(ca::UpdateResult)
