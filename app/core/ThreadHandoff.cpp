#include "ThreadHandoff.h"

namespace ca {

void ThreadHandoff::post(std::function<void()> function)
{
    bool wake = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        wake = m_pending.empty();
        m_pending.push_back(std::move(function));
    }
    if (wake)
        QMetaObject::invokeMethod(this, "runPosted", Qt::QueuedConnection);
}

void ThreadHandoff::runPosted()
{
    std::vector<std::function<void()>> functions;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        functions.swap(m_pending);
    }
    for (auto& f : functions)
        f();
}

} // namespace ca
