#pragma once

#include <QMutex>
#include <QSet>

namespace ca {

// A set shared by every thread of the process, for facts that outlive one object: the Timbal
// connectors some update run holds, the keys that got an answer. Meant as a function-local
// static; never written to disk.
template <typename T> class ProcessWideSet
{
public:
    bool contains(const T& value) const
    {
        QMutexLocker lock(&m_mutex);
        return m_set.contains(value);
    }
    // Adds `value`; false (and nothing changed) when it was there already.
    bool insert(const T& value)
    {
        QMutexLocker lock(&m_mutex);
        if (m_set.contains(value))
            return false;
        m_set.insert(value);
        return true;
    }
    void remove(const T& value)
    {
        QMutexLocker lock(&m_mutex);
        m_set.remove(value);
    }

private:
    mutable QMutex m_mutex;
    QSet<T> m_set;
};

} // namespace ca
