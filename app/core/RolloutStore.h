#pragma once

#include "Rollout.h"

#include <QList>
#include <QString>

#include <optional>

namespace ca {

// The rollouts of one profile on disk, shared by every window and connectorctl of this user:
// <data>/rollouts/<profile key>/<rollout id>.json, each written whole (SafeFile: synced temporary
// file renamed over the old one), 0600 in a 0700 directory.
//
// One writer per rollout: only the process that drives it (the holder of the profile's rollout
// RunLock, see TimbalRollout) writes its file. Every other process asks: it drops a request file
// into <dir>/requests/ (pause, resume, abort, …) and the driver applies it and deletes it. With no
// driver alive, the asking process takes the lock and applies the request itself.
class RolloutStore
{
public:
    RolloutStore(const QString& dataDirectory, const QString& profile);

    QString directory() const { return m_dir; }
    QString requestDirectory() const { return m_dir + QStringLiteral("/requests"); }
    QString filePath(const QString& id) const;

    // The newest rollout that is not completed or aborted (at most one exists), or nullopt.
    // *error is set when a file could not be read (the rollout then counts as unknown).
    std::optional<Rollout> active(QString* error = nullptr) const;
    // The newest rollout of the profile, finished or not.
    std::optional<Rollout> latest(QString* error = nullptr) const;
    std::optional<Rollout> load(const QString& id, QString* error = nullptr) const;
    // Ids, oldest first.
    QStringList ids() const;

    // Writes the rollout whole. False with *error (path and reason).
    bool save(const Rollout& rollout, QString* error) const;

    struct Request
    {
        QString id;     // file name stem: unique
        QString action; // "pause", "resume", "abort", "rollback", "continue", "retry"
        QString rolloutId;
        QString by; // "connectorctl (process 4242)", for the event log
        QDateTime time;
    };
    bool addRequest(const Request& request, QString* error) const;
    // Pending requests, oldest first; each is removed from disk when taken.
    QList<Request> takeRequests() const;

private:
    QString m_dir;
    QString m_profile;
};

} // namespace ca
