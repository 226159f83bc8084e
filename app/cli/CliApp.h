#pragma once

#include <QStringList>

namespace ca {

// connectorctl: parses the command line and runs one command. Returns the process exit code.
int runConnectorCtl(const QStringList& arguments);

} // namespace ca
