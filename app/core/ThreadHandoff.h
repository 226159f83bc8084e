#pragma once

#include <QObject>

#include <functional>
#include <mutex>
#include <vector>

namespace ca {

// Runs functions on the thread this object lives in, posted from any thread. The functions go
// through a queue under our own mutex and only a wake-up goes through Qt's event queue (a call by
// name: nothing of ours is allocated for it), so ThreadSanitizer sees every handoff (it cannot see
// inside Qt's own event queue, which is not built with it). Functions still queued when the object
// is destroyed are dropped.
class ThreadHandoff : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // From any thread.
    void post(std::function<void()> function);

private:
    Q_INVOKABLE void runPosted();

    std::mutex m_mutex;
    std::vector<std::function<void()>> m_pending; // guarded by m_mutex
};

} // namespace ca
