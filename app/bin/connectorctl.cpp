#include "BuildInfo.h"
#include "CliApp.h"

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("connectorctl"));
    QCoreApplication::setOrganizationName(QLatin1String(ca::kOrgName));
    QCoreApplication::setApplicationVersion(QLatin1String(ca::kAppVersion));
    return ca::runConnectorCtl(QCoreApplication::arguments());
}
