#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

// Measures how long the calling thread's event loop goes without running a timer: a short
// repeating timer notes the largest gap between its ticks. A frozen window (work done on the GUI
// thread, a blocking wait) shows up as a gap far above the interval.
class EventLoopStallProbe
{
public:
    explicit EventLoopStallProbe(int intervalMs = 5)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(intervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { tick(); });
    }

    void start()
    {
        m_worstGapMs = 0;
        m_clock.start();
        m_timer.start();
    }
    void stop()
    {
        if (!m_timer.isActive())
            return;
        tick();
        m_timer.stop();
    }
    // The longest time between two ticks beyond the interval, in ms.
    qint64 worstStallMs() const { return m_worstGapMs; }

private:
    void tick()
    {
        const qint64 gap = m_clock.restart() - m_timer.interval();
        if (gap > m_worstGapMs)
            m_worstGapMs = gap;
    }

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_worstGapMs = 0;
};
