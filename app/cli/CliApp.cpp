#include "CliApp.h"

#include "BuildInfo.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace ca {

int runConnectorCtl(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "connectorctl", "Administer integration connectors from the command line."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(arguments);
    parser.showHelp(0);
}

} // namespace ca
