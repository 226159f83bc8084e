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

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QTimer>
#include <cstdio>
#include <functional>
#include <utility>

namespace {

// Hidden hooks for bench/run (cold start and memory); bench/minimal-window has the same two.
// Runs `then` once, right after the watched window's first paint.
class FirstPaint : public QObject
{
public:
    explicit FirstPaint(std::function<void()> then) : m_then(std::move(then)) {}

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

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QLatin1String(ca::kAppId));
    QApplication::setApplicationDisplayName(QLatin1String(ca::kAppName));
    QApplication::setOrganizationName(QLatin1String(ca::kOrgName));
    QApplication::setApplicationVersion(QLatin1String(ca::kAppVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Connector Admin: administer "
                                        "integration connectors of five SaaS vendors."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(
        QStringLiteral("demo"),
        QApplication::translate("main", "Run against a built-in sandbox with one demo "
                                        "profile per vendor; nothing of yours is touched."));
    QCommandLineOption demoConnectors(
        QStringLiteral("demo-connectors"),
        QApplication::translate("main", "Connectors per vendor in the demo (default 25)."),
        QStringLiteral("N"), QStringLiteral("25"));
    QCommandLineOption tour(
        QStringLiteral("screenshot-tour"),
        QApplication::translate(
            "main", "With --demo: save screenshots of the main views into DIR, then quit."),
        QStringLiteral("DIR"));
    tour.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption dataDir(
        QStringLiteral("data-dir"),
        QApplication::translate("main", "Keep the audit log and drafts in DIR (default: your data "
                                        "directory; a temporary one with --demo)."),
        QStringLiteral("DIR"));
    parser.addOption(dataDir);
    QCommandLineOption demoEdit(
        QStringLiteral("demo-edit"),
        QApplication::translate("main", "With --demo: edit a Databar connector and wait (tests)."));
    demoEdit.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(demoEdit);
    parser.addOption(demo);
    parser.addOption(demoConnectors);
    parser.addOption(tour);
    QCommandLineOption benchPaint(
        QStringLiteral("bench-exit-after-paint"),
        QStringLiteral("Quit after the window's first paint (bench/run)."));
    benchPaint.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(benchPaint);
    QCommandLineOption benchRss(
        QStringLiteral("bench-rss-when-loaded"),
        QStringLiteral("Print VmRSS once every profile has loaded, then quit (bench/run)."));
    benchRss.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(benchRss);
    parser.process(app);

    ca::DemoSession demoSession;
    std::unique_ptr<ca::ProfileStore> userProfiles;
    std::unique_ptr<ca::ApiKeys> userKeys;
    ca::ProfileStore* profiles = nullptr;
    ca::ApiKeys* keys = nullptr;
    if (parser.isSet(demo)) {
        bool ok = false;
        const int n = parser.value(demoConnectors).toInt(&ok);
        if (!ok || n < 0 || n > 1000000) {
            std::fprintf(stderr,
                         "connector-admin: --demo-connectors needs a number from 0 to 1000000\n");
            return 2;
        }
        QString error;
        if (!demoSession.start(n, &error)) {
            std::fprintf(stderr, "connector-admin: the demo sandbox did not start: %s\n",
                         qPrintable(error));
            return 3;
        }
        profiles = &demoSession.profiles();
        keys = &demoSession.keys();
    } else {
        userProfiles = std::make_unique<ca::ProfileStore>();
        userKeys = std::make_unique<ca::ApiKeys>(std::make_unique<ca::KeychainKeyStore>());
        profiles = userProfiles.get();
        keys = userKeys.get();
    }

    const QString data = parser.isSet(dataDir) ? parser.value(dataDir)
                         : parser.isSet(demo)  ? demoSession.dataDirectory()
                                               : ca::AuditLog::defaultDirectory();
    ca::AuditLog audit(data);
    ca::DraftStore drafts(data + QStringLiteral("/drafts"));

    ca::MainWindow window(*profiles, *keys);
    window.setRecordKeeping(&audit, &drafts);
    if (parser.isSet(demo))
        window.setDemoSandboxUrl(demoSession.sandboxUrl());
    FirstPaint exitAfterPaint([] { QCoreApplication::quit(); });
    if (parser.isSet(benchPaint))
        window.installEventFilter(&exitAfterPaint);
    if (parser.isSet(benchRss))
        printRssWhenLoaded(window, profiles->profiles().size());
    window.show();
    std::unique_ptr<ca::ScreenshotTour> screenshots;
    if (parser.isSet(tour) && parser.isSet(demo)) {
        screenshots = std::make_unique<ca::ScreenshotTour>(&window, parser.value(tour));
        screenshots->start();
    } else if (parser.isSet(demoEdit) && parser.isSet(demo)) {
        screenshots = std::make_unique<ca::ScreenshotTour>(&window, QString());
        screenshots->editAndStay();
    }
    return app.exec();
}
