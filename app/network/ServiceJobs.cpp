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
    e.message = tr("canceled");
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
    ++m_result.pages;
    if (m_walk == 1)
        ++m_walkPages;
    if (!m_dedupe) {
        if (m_keep)
            m_result.connectors += page;
        m_result.count += int(page.size());
        emit pageLoaded(page, m_result.count, expectedTotal);
        return;
    }
    QList<Connector> deliver;
    deliver.reserve(page.size());
    for (const Connector& c : page) {
        const auto seen = m_seen.find(c.id);
        if (seen == m_seen.end()) {
            m_seen.insert(c.id, {m_keep ? m_result.connectors.size() : -1, c.updatedAt});
            if (m_keep)
                m_result.connectors.append(c);
            ++m_result.count;
            deliver.append(c);
            continue;
        }
        if (m_walk == 1)
            m_shifted = true;
        if (seen->updatedAt == c.updatedAt)
            continue;
        seen->updatedAt = c.updatedAt;
        if (seen->index >= 0)
            m_result.connectors[seen->index] = c;
        deliver.append(c);
    }
    if (!deliver.isEmpty() || m_result.pages == 1)
        emit pageLoaded(deliver, m_result.count, expectedTotal);
}

void ConnectorListJob::noteWalkShape(const QVariant& shape)
{
    if (m_walk != 1)
        return;
    if (m_walkPages == 0)
        m_walkShape = shape;
    else if (shape != m_walkShape)
        m_shifted = true;
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

void DefinitionJob::finish(const DefinitionResult& result)
{
    if (!markDone())
        return;
    emit finished(result);
}

void DefinitionJob::finishCanceled(const ApiError& error)
{
    DefinitionResult r;
    r.error = error;
    finish(r);
}

void ConnectionCheckJob::finish(const ConnectionCheckResult& result)
{
    if (!markDone())
        return;
    emit finished(result);
}

void ConnectionCheckJob::finishCanceled(const ApiError& error)
{
    ConnectionCheckResult r;
    r.error = error;
    r.at = QDateTime::currentDateTime();
    finish(r);
}

} // namespace ca
