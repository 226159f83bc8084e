#include "ApiKeys.h"
#include "AuditLog.h"
#include "BuildInfo.h"
#include "DemoSession.h"
#include "DraftStore.h"
#include "KeychainKeyStore.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "ScreenshotTour.h"

#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

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
