#include "BuildInfo.h"
#include "ApiKeys.h"
#include "KeychainKeyStore.h"
#include "MainWindow.h"
#include "ProfileStore.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QLatin1String(ca::kAppId));
    QApplication::setApplicationDisplayName(QLatin1String(ca::kAppName));
    QApplication::setOrganizationName(QLatin1String(ca::kOrgName));
    QApplication::setApplicationVersion(QLatin1String(ca::kAppVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Connector Admin"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"),
                            QApplication::translate("main", "Run against the built-in sandbox."));
    parser.addOption(demo);
    parser.process(app);

    ca::ProfileStore profiles;
    ca::ApiKeys keys(std::make_unique<ca::KeychainKeyStore>());
    ca::MainWindow window(profiles, keys);
    window.show();
    return app.exec();
}
