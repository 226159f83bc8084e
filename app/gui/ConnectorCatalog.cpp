#include "ConnectorCatalog.h"

#include "ConnectorTableModel.h"
#include "HttpClient.h"
#include "Semver.h"

#include <QSet>
#include <QTimer>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace ca {

ConnectorCatalog::ConnectorCatalog(ProfileStore& profiles, ApiKeys& keys,
                                   ConnectorTableModel* model, QObject* parent)
    : QObject(parent), m_profiles(profiles), m_keys(keys), m_model(model),
      m_http(new HttpClient(this))
{}

ConnectorCatalog::~ConnectorCatalog()
{
    for (const auto& job : std::as_const(m_jobs)) {
        if (job)
            job->abort();
    }
}

QList<ConnectorCatalog::ProfileStatus> ConnectorCatalog::statuses() const
{
    QList<ProfileStatus> out;
    for (const QString& name : m_order)
        out.append(m_status.value(name));
    return out;
}

ConnectorService* ConnectorCatalog::service(const QString& profile) const
{
    return m_services.value(profile).data();
}

void ConnectorCatalog::refreshAll()
{
    const QList<Profile> all = m_profiles.profiles();
    QStringList names;
    for (const Profile& p : all)
        names.append(p.name);
    // Profiles removed since the last refresh leave the list.
    for (const QString& old : std::as_const(m_order)) {
        if (!names.contains(old)) {
            if (auto job = m_jobs.take(old))
                job->abort();
            if (auto service = m_services.take(old))
                service->deleteLater();
            m_status.remove(old);
            ++m_load[old]; // its queued rows must not come back
            m_model->removeProfile(old);
        }
    }
    const bool changed = names != m_order;
    m_order = names;
    for (const Profile& p : all) {
        // Every listed profile has a status before anyone is told the list changed.
        if (!m_status.contains(p.name)) {
            ProfileStatus s;
            s.profile = p.name;
            s.vendor = p.vendor;
            m_status.insert(p.name, s);
        }
    }
    if (changed)
        emit profilesChanged();
    for (const Profile& p : all)
        refresh(p.name);
}

void ConnectorCatalog::refresh(const QString& name)
{
    const auto profile = m_profiles.find(name);
    if (!profile)
        return;
    if (auto job = m_jobs.value(name); job && !job->isFinished())
        return; // already loading: a second refresh would only duplicate the work
    ProfileStatus s = m_status.value(name);
    s.profile = name;
    s.vendor = profile->vendor;
    s.state = LoadState::Loading;
    s.loaded = 0;
    s.expected = -1;
    s.message.clear();
    s.hint.clear();
    s.remedy = ApiError::Remedy::None;
    setStatus(s);
    m_keys.readKey(name, this,
                   [this, p = *profile](const KeyStoreResult& r, const SecretBytes& key) {
                       if (!r.ok()) {
                           ProfileStatus failed = m_status.value(p.name);
                           failed.state = LoadState::Failed;
                           failed.message = r.message;
                           failed.hint = r.hint;
                           setStatus(failed);
                           return;
                       }
                       startLoad(p, key);
                   });
}

void ConnectorCatalog::testConnection(const Profile& profile, QObject* context,
                                      std::function<void(bool, const QString&)> done)
{
    m_keys.readKey(profile.name, context,
                   [this, profile, context, done](const KeyStoreResult& r, const SecretBytes& key) {
                       if (!r.ok()) {
                           done(false, r.message + QLatin1Char(' ') + r.hint);
                           return;
                       }
                       ConnectorService* service = createConnectorService(
                           toConnectorProfile(profile, key.bytes()), m_http, context);
                       ConnectorListJob* job = service->list();
                       QObject::connect(job, &ConnectorListJob::finished, context,
                                        [service, done](const ConnectorListResult& res) {
                                            service->deleteLater();
                                            if (res.ok())
                                                done(true, tr("Connected: %n connector(s) listed.",
                                                              nullptr, int(res.connectors.size())));
                                            else
                                                done(false, res.error.toString());
                                        });
                   });
}

void ConnectorCatalog::FleetVersions::add(const QString& version)
{
    // Few distinct versions in a fleet: each is parsed once.
    if (version.isEmpty() || distinct.contains(version))
        return;
    distinct.insert(version);
    const QString bare = Semver::normalized(version);
    if (!bare.isEmpty() && (newest.isEmpty() || Semver::compare(bare, newest).value_or(0) > 0))
        newest = bare;
}

void ConnectorCatalog::startLoad(const Profile& profile, const SecretBytes& key)
{
    // A new service per load: the key may have been replaced since the last one.
    if (auto old = m_services.take(profile.name))
        old->deleteLater();
    ConnectorService* service =
        createConnectorService(toConnectorProfile(profile, key.bytes()), m_http, this);
    m_services.insert(profile.name, service);
    ConnectorListJob* job = service->list();
    job->setKeepsConnectors(false); // the rows go to the model page by page, not kept twice
    m_jobs.insert(profile.name, job);
    auto seen = std::make_shared<QSet<QString>>();
    auto fleet = std::make_shared<FleetVersions>();
    const QString name = profile.name;
    ++m_load[name]; // rows still queued from an earlier load are dropped
    connect(job, &ConnectorListJob::pageLoaded, this,
            [this, name, seen, fleet](const QList<Connector>& page, int loadedSoFar,
                                      int expectedTotal) {
                for (const Connector& c : page) {
                    seen->insert(c.id);
                    fleet->add(c.version);
                }
                for (qsizetype from = 0; from < page.size(); from += kRowsPerStep) {
                    const qsizetype to = std::min(page.size(), from + kRowsPerStep);
                    const int shown = int(loadedSoFar - page.size() + to);
                    enqueue(name,
                            [this, name, slice = page.mid(from, to - from), shown, expectedTotal] {
                                m_model->upsert(name, slice);
                                ProfileStatus s = m_status.value(name);
                                s.loaded = shown;
                                s.expected = expectedTotal;
                                setStatus(s);
                            });
                }
            });
    connect(job, &ConnectorListJob::finished, this,
            [this, name, seen, fleet](const ConnectorListResult& result) {
                // After the queued rows of this load, so "loaded" means the rows are in the list.
                enqueue(name, [this, name, seen, fleet, result] {
                    if (result.ok())
                        m_model->setFleetNewestVersion(name, fleet->newest);
                    finishLoad(name, *seen, result);
                });
            });
}

void ConnectorCatalog::finishLoad(const QString& name, const QSet<QString>& seen,
                                  const ConnectorListResult& result)
{
    ProfileStatus s = m_status.value(name);
    if (result.ok()) {
        m_model->removeMissing(name, seen);
        s.state = LoadState::Loaded;
        s.loaded = result.count;
    } else {
        // Rows loaded so far stay; the failure is shown inline for this profile only.
        s.state = LoadState::Failed;
        s.message = result.error.message;
        s.hint = result.error.hint;
        s.remedy = result.error.remedy;
    }
    setStatus(s);
    releaseLoadGarbage();
}

void ConnectorCatalog::releaseLoadGarbage()
{
#ifdef __GLIBC__
    for (const ProfileStatus& s : std::as_const(m_status)) {
        if (s.state == LoadState::Loading)
            return;
    }
    // Parsing the pages freed far more than the rows keep (answer bodies, JSON documents), much
    // of it on worker threads; glibc keeps freed pages mapped. Hand them back once nothing is
    // loading any more, so the trim runs once per refresh rather than once per page.
    malloc_trim(0);
#endif
}

void ConnectorCatalog::enqueue(const QString& profile, std::function<void()> step)
{
    m_steps.append(Step{profile, m_load.value(profile), std::move(step)});
    scheduleNextStep();
}

void ConnectorCatalog::scheduleNextStep()
{
    if (!m_stepScheduled && !m_steps.isEmpty()) {
        m_stepScheduled = true;
        QTimer::singleShot(0, this, &ConnectorCatalog::runNextStep);
    }
}

void ConnectorCatalog::runNextStep()
{
    m_stepScheduled = false;
    while (!m_steps.isEmpty()) {
        Step step = m_steps.takeFirst();
        if (step.load != m_load.value(step.profile))
            continue; // an older load of this profile, or a removed profile
        step.run();
        break;
    }
    scheduleNextStep();
}

void ConnectorCatalog::setStatus(const ProfileStatus& status)
{
    m_status.insert(status.profile, status);
    if (!m_order.contains(status.profile))
        m_order.append(status.profile);
    emit statusChanged(status.profile);
}

} // namespace ca
