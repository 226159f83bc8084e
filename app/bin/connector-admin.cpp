#include "ApiKeys.h"
#include "AuditLog.h"
#include "BuildInfo.h"
#include "ConnectorCatalog.h"
#include "ConnectorTableModel.h"
#include "DemoSession.h"
#include "DraftStore.h"
#include "KeychainKeyStore.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "ScreenshotTour.h"
#include "Translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QTimer>
#include <cstdio>
#include <cstring>
#include <functional>
#include <utility>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace {

// Runs `then` once, on the event-loop turn after the watched window's first paint. Used to start
// what the first frame does not need, and by the hidden bench/run hooks (cold start and memory;
// bench/minimal-window has the same two).
class AfterFirstPaint : public QObject
{
public:
    explicit AfterFirstPaint(std::function<void()> then) : m_then(std::move(then)) {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint && m_then) {
            QTimer::singleShot(0, qApp, std::exchange(m_then, {}));
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_then;
};

void printRssAndQuit(int rows)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                std::printf("bench-rss %s rows=%d\n", line.constData(), rows);
        }
    }
    std::fflush(stdout);
    QCoreApplication::quit();
}

// Once every profile has finished loading (or failed), lets the window settle as long as
// minimal_window does after its paint, then prints VmRSS and quits.
void printRssWhenLoaded(ca::MainWindow& window, qsizetype profileCount)
{
    ca::ConnectorCatalog* catalog = window.catalog();
    QObject::connect(
        catalog, &ca::ConnectorCatalog::statusChanged, &window, [&window, catalog, profileCount] {
            static bool done = false;
            qsizetype finished = 0;
            for (const auto& s : catalog->statuses())
                finished += s.state == ca::ConnectorCatalog::LoadState::Loaded ||
                            s.state == ca::ConnectorCatalog::LoadState::Failed;
            if (done || finished < profileCount)
                return;
            done = true;
            QTimer::singleShot(100, &window,
                               [&window] { printRssAndQuit(window.connectorModel()->rowCount()); });
        });
}

void describeApplication()
{
    QCoreApplication::setApplicationName(QLatin1String(ca::kAppId));
    QCoreApplication::setOrganizationName(QLatin1String(ca::kOrgName));
    QCoreApplication::setApplicationVersion(QLatin1String(ca::kAppVersion));
}

// Every command-line option, for both parsers (text-only and the GUI's).
struct AdminOptions
{
    QCommandLineOption demo{
        QStringLiteral("demo"),
        QCoreApplication::translate("main", "Run against a built-in sandbox with one demo "
                                            "profile per vendor; nothing of yours is touched.")};
    QCommandLineOption demoConnectors{
        QStringLiteral("demo-connectors"),
        QCoreApplication::translate("main", "Connectors per vendor in the demo (default 25)."),
        QStringLiteral("N"), QStringLiteral("25")};
    QCommandLineOption tour{
        QStringLiteral("screenshot-tour"),
        QCoreApplication::translate(
            "main", "With --demo: save screenshots of the main views into DIR, then quit."),
        QStringLiteral("DIR")};
    QCommandLineOption dataDir{
        QStringLiteral("data-dir"),
        QCoreApplication::translate("main", "Keep the audit log and drafts in DIR (default: your "
                                            "data directory; a temporary one with --demo)."),
        QStringLiteral("DIR")};
    QCommandLineOption demoEdit{
        QStringLiteral("demo-edit"),
        QCoreApplication::translate("main",
                                    "With --demo: edit a Databar connector and wait (tests).")};
    QCommandLineOption benchPaint{
        QStringLiteral("bench-exit-after-paint"),
        QStringLiteral("Quit after the window's first paint (bench/run).")};
    QCommandLineOption benchRss{
        QStringLiteral("bench-rss-when-loaded"),
        QStringLiteral("Print VmRSS once every profile has loaded, then quit (bench/run).")};

    void addTo(QCommandLineParser& parser)
    {
        parser.setApplicationDescription(QCoreApplication::translate(
            "main", "Connector Admin: administer integration connectors of five SaaS vendors."));
        parser.addHelpOption();
        parser.addVersionOption();
        tour.setFlags(QCommandLineOption::HiddenFromHelp);
        demoEdit.setFlags(QCommandLineOption::HiddenFromHelp);
        benchPaint.setFlags(QCommandLineOption::HiddenFromHelp);
        benchRss.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOptions({dataDir, demoEdit, demo, demoConnectors, tour, benchPaint, benchRss});
    }
};

// --version and --help only print text: they must work without a display (over SSH, in a
// package check), where creating a QApplication aborts.
bool onlyPrintsText(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0)
            return false;
        for (const char* flag : {"--version", "-v", "--help", "-h", "-?"}) {
            if (std::strcmp(argv[i], flag) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char* argv[])
{
#ifdef __GLIBC__
    // glibc gives every thread that allocates its own arena (up to 8 per core), and memory freed
    // in an arena stays there. Large lists are parsed on worker threads (and the demo sandbox
    // answers from its own): with one arena each, their garbage stays resident. Two arenas
    // (the main thread's and one shared by the workers) keep that down; the workers rarely
    // allocate at the same moment, so sharing one costs no measurable contention.
    mallopt(M_ARENA_MAX, 2);
#endif
    if (onlyPrintsText(argc, argv)) {
        QCoreApplication app(argc, argv);
        describeApplication();
        QCommandLineParser parser;
        AdminOptions options;
        options.addTo(parser);
        parser.process(app); // prints and exits
        return 0;
    }

    QApplication app(argc, argv);
    describeApplication();
    QApplication::setApplicationDisplayName(QLatin1String(ca::kAppName));
    ca::installTranslations();
    QCommandLineParser parser;
    AdminOptions options;
    options.addTo(parser);
    parser.process(app);

    const bool demo = parser.isSet(options.demo);
    int demoConnectors = 0;
    if (demo) {
        bool ok = false;
        demoConnectors = parser.value(options.demoConnectors).toInt(&ok);
        if (!ok || demoConnectors < 0 || demoConnectors > 1000000) {
            std::fprintf(stderr,
                         "connector-admin: --demo-connectors needs a number from 0 to 1000000\n");
            return 2;
        }
    }

    std::unique_ptr<ca::DemoSession> demoSession; // only with --demo: it makes a directory
    std::unique_ptr<ca::ProfileStore> userProfiles;
    std::unique_ptr<ca::ApiKeys> userKeys;
    ca::ProfileStore* profiles = nullptr;
    ca::ApiKeys* keys = nullptr;
    if (demo) {
        demoSession = std::make_unique<ca::DemoSession>();
        profiles = &demoSession->profiles();
        keys = &demoSession->keys();
    } else {
        userProfiles = std::make_unique<ca::ProfileStore>();
        userKeys = std::make_unique<ca::ApiKeys>(std::make_unique<ca::KeychainKeyStore>());
        profiles = userProfiles.get();
        keys = userKeys.get();
    }

    const QString data = parser.isSet(options.dataDir) ? parser.value(options.dataDir)
                         : demo                        ? demoSession->dataDirectory()
                                                       : ca::AuditLog::defaultDirectory();
    ca::AuditLog audit(data);
    ca::DraftStore drafts(data + QStringLiteral("/drafts"));

    ca::MainWindow window(*profiles, *keys);
    window.setRecordKeeping(&audit, &drafts);
    // The demo's sandbox (its thread, its generated connectors) and profiles come after the first
    // frame, like every load: the window shows at once and fills in as the profiles answer. A
    // window already closed by then (bench/run quits right after the first paint) starts none.
    int exitCode = 0;
    const auto failDemo = [&exitCode](const char* what, const QString& error) {
        std::fprintf(stderr, "connector-admin: %s: %s\n", what, qPrintable(error));
        exitCode = 3;
        QCoreApplication::exit(exitCode);
    };
    AfterFirstPaint startDemo([&] {
        if (!window.isVisible())
            return;
        demoSession->start(demoConnectors, [&](const QString& error) {
            if (!error.isEmpty())
                return failDemo("the demo sandbox did not start", error);
            QString problem;
            if (!demoSession->createProfiles(&problem))
                return failDemo("the demo profiles were not created", problem);
            window.setDemoSandboxUrl(demoSession->sandboxUrl());
            window.refreshAll();
        });
    });
    if (demo)
        window.installEventFilter(&startDemo);
    // Installed last, so it sees the paint first: its quit (which closes the window) is queued
    // before the starts above, which then find the window closed.
    AfterFirstPaint exitAfterPaint([] { QCoreApplication::quit(); });
    if (parser.isSet(options.benchPaint))
        window.installEventFilter(&exitAfterPaint);
    if (parser.isSet(options.benchRss))
        printRssWhenLoaded(window, demo ? ca::allVendors().size() : profiles->profiles().size());
    window.show();
    std::unique_ptr<ca::ScreenshotTour> screenshots;
    if (parser.isSet(options.tour) && demo) {
        screenshots = std::make_unique<ca::ScreenshotTour>(&window, parser.value(options.tour));
        screenshots->start();
    } else if (parser.isSet(options.demoEdit) && demo) {
        screenshots = std::make_unique<ca::ScreenshotTour>(&window, QString());
        screenshots->editAndStay();
    }
    const int code = app.exec();
    return exitCode != 0 ? exitCode : code;
}
