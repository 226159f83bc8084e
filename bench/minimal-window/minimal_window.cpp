// The peer of connector-admin in bench/run: the least a Qt Widgets app can do, one empty window.
// Same hidden hooks as connector-admin: --bench-exit-after-paint quits right after the window's
// first paint; --bench-rss-when-loaded prints VmRSS (there is nothing to load) and quits.
#include <QApplication>
#include <QFile>
#include <QMainWindow>
#include <QTimer>

#include <cstdio>

namespace {

// Quits (optionally printing VmRSS first) once the watched window has painted for the first time.
class FirstPaintExit : public QObject
{
public:
    explicit FirstPaintExit(bool printRss) : m_printRss(printRss) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && !m_seen) {
            m_seen = true;
            // Same settle time as connector-admin's RSS hook, so both are read in the same state.
            QTimer::singleShot(m_printRss ? 100 : 0, qApp, [this] {
                if (m_printRss)
                    printRss();
                QCoreApplication::quit();
            });
        }
        return QObject::eventFilter(watched, event);
    }

private:
    static void printRss()
    {
        QFile status(QStringLiteral("/proc/self/status"));
        if (!status.open(QIODevice::ReadOnly))
            return;
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                std::printf("bench-rss %s\n", line.constData());
        }
        std::fflush(stdout);
    }
    bool m_printRss;
    bool m_seen = false;
};

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const bool exitAfterPaint = args.contains(QStringLiteral("--bench-exit-after-paint"));
    const bool rss = args.contains(QStringLiteral("--bench-rss-when-loaded"));
    QMainWindow window;
    window.resize(1360, 820); // the main window's default size
    FirstPaintExit hook(rss);
    if (exitAfterPaint || rss)
        window.installEventFilter(&hook);
    window.show();
    return app.exec();
}
