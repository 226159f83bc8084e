#pragma once

#include "ApiError.h"
#include "ApiKeys.h"
#include "ConnectorService.h"
#include "ProfileStore.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <functional>
#include <memory>

namespace ca {

class ConnectorTableModel;
class HttpClient;

// The connectors of every profile: reads each profile's key, builds its vendor service and loads
// its list page by page into the table model, keeping a load state per profile for the window.
class ConnectorCatalog : public QObject
{
    Q_OBJECT
public:
    enum class LoadState
    {
        Idle,
        Loading,
        Loaded,
        Failed
    };
    struct ProfileStatus
    {
        QString profile;
        Vendor vendor = Vendor::Timbal;
        LoadState state = LoadState::Idle;
        int loaded = 0;
        int expected = -1;                                // -1: the vendor does not say
        QString message;                                  // on failure: what went wrong
        QString hint;                                     // on failure: what to do
        ApiError::Remedy remedy = ApiError::Remedy::None; // on failure: what the window offers
    };

    ConnectorCatalog(ProfileStore& profiles, ApiKeys& keys, ConnectorTableModel* model,
                     QObject* parent = nullptr);
    ~ConnectorCatalog() override;

    void refreshAll(); // also picks up added/removed profiles
    void refresh(const QString& profile);
    QList<ProfileStatus> statuses() const; // in profile order
    ProfileStatus status(const QString& profile) const { return m_status.value(profile); }
    // The service of a loaded profile (nullptr before its key was read).
    ConnectorService* service(const QString& profile) const;
    HttpClient* http() const { return m_http; }
    // "Test connection": one authenticated list request for `profile` (as edited, not necessarily
    // as loaded) with its stored key; answers once through `done`. The test's service is a child
    // of `context`: deleting it (closing the asking dialog) cancels the test.
    void testConnection(const Profile& profile, QObject* context,
                        std::function<void(bool ok, const QString& message)> done);

signals:
    void statusChanged(const QString& profile);
    void profilesChanged();

private:
    void startLoad(const Profile& profile, const SecretBytes& key);
    void setStatus(const ProfileStatus& status);
    void finishLoad(const QString& name, const QSet<QString>& seen,
                    const ConnectorListResult& result);
    // Returns the memory freed while loading to the system, once no profile is loading.
    void releaseLoadGarbage();
    // Model updates go through a queue, one slice of rows per event-loop turn, so that merging a
    // large page never holds the window: it paints and takes input between slices.
    void enqueue(const QString& profile, std::function<void()> step);
    void scheduleNextStep(); // one step per event-loop turn, while any is queued
    void runNextStep();

    struct Step
    {
        QString profile;
        quint64 load; // steps of an older load of the profile are dropped
        std::function<void()> run;
    };
    static constexpr int kRowsPerStep = 2000;
    // The newest version a profile's Timbal connectors report, gathered while a load runs.
    struct FleetVersions
    {
        QSet<QString> distinct;
        QString newest; // bare semver
        void add(const QString& version);
    };

    ProfileStore& m_profiles;
    ApiKeys& m_keys;
    ConnectorTableModel* m_model;
    HttpClient* m_http;
    QHash<QString, ProfileStatus> m_status;
    QHash<QString, QPointer<ConnectorService>> m_services; // children of the catalog
    QHash<QString, QPointer<ConnectorListJob>> m_jobs;
    QStringList m_order;
    QList<Step> m_steps;
    bool m_stepScheduled = false;
    QHash<QString, quint64> m_load; // profile -> number of its current load
};

} // namespace ca
