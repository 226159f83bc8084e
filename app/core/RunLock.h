#pragma once

#include <QString>

#include <memory>

class QLockFile;

namespace ca {

// A lock one process holds while it does something that must not run twice at once anywhere on
// this machine for this user (a Timbal rollout on one profile): a lock file under `directory`,
// named from a hash of `key`. Every other process (window or connectorctl) sees it. It is taken
// over only when its holder is gone (a crash, a kill), never because it is old: a rollout may
// take an hour. Released by unlock() or the destructor.
class RunLock
{
public:
    RunLock(const QString& directory, const QString& key);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    // Takes the lock without waiting. False when another live process holds it (*holder then
    // says which: "process 4242 (connectorctl) on host ws-7"), or when the lock file could not be
    // made (a full or read-only disk: *holder says why, and *unavailable is set).
    bool tryLock(QString* holder, bool* unavailable = nullptr);
    void unlock();
    bool isLocked() const;
    QString fileName() const;

private:
    std::unique_ptr<QLockFile> m_file;
    QString m_path;
};

} // namespace ca
