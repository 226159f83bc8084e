#include "ServiceJobs.h"

#include "HttpJob.h"

namespace ca {

ServiceJob::~ServiceJob()
{
    if (m_http) {
        m_http->disconnect(this);
        m_http->abort();
    }
}

void ServiceJob::track(HttpJob* http)
{
    m_http = http;
}

void ServiceJob::abort()
{
    if (m_done)
        return;
    if (m_http) {
        // The HTTP job reports Canceled through the service's handler, which finishes us.
        m_http->abort();
        if (m_done)
            return;
    }
    ApiError e;
    e.kind = ApiError::Kind::Canceled;
    e.message = QStringLiteral("canceled");
    finishCanceled(e);
}

bool ServiceJob::markDone()
{
    if (m_done)
        return false;
    m_done = true;
    m_http = nullptr;
    deleteLater();
    return true;
}

void ConnectorListJob::addPage(const QList<Connector>& page, int expectedTotal)
{
    if (m_keep)
        m_result.connectors += page;
    m_result.count += int(page.size());
    ++m_result.pages;
    emit pageLoaded(page, m_result.count, expectedTotal);
}

void ConnectorListJob::finish(ApiError error)
{
    if (!markDone())
        return;
    m_result.error = std::move(error);
    emit finished(m_result);
}

void ConnectorJob::finish(const ConnectorResult& result)
{
    if (!markDone())
        return;
    emit finished(result);
}

void ConnectorUpdateJob::finish(const UpdateResult& result)
{
    if (!markDone())
        return;
    emit finished(result);
}

void ConnectorUpdateJob::finishCanceled(const ApiError& error)
{
    UpdateResult r = m_pending;
    r.error = error;
    finish(r);
}

} // namespace ca
