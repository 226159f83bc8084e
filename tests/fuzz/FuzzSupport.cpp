#include "FuzzSupport.h"

#include <QCoreApplication>
#include <cstdio>
#include <cstdlib>

namespace ca::fuzz {

namespace {
void quietMessages(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    if (type == QtCriticalMsg || type == QtFatalMsg) {
        std::fprintf(stderr, "%s\n", qPrintable(message));
        if (type == QtFatalMsg)
            std::abort();
    }
}
} // namespace

void ensureApplication()
{
    if (QCoreApplication::instance())
        return;
    qInstallMessageHandler(quietMessages);
    static int argc = 1;
    static char name[] = "ca-fuzz";
    static char* argv[] = {name, nullptr};
    // Kept for the whole process: reachable through this static, so not a leak.
    static QCoreApplication* app = new QCoreApplication(argc, argv);
    Q_UNUSED(app);
}

void check(bool condition, const char* what)
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

} // namespace ca::fuzz
