#pragma once

#include <QLoggingCategory>

// One category per layer. Request logs carry method, URL, status and duration; never a header
// value or a body. Enable with QT_LOGGING_RULES="ca.network.debug=true;ca.service.*.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcNetwork)
Q_DECLARE_LOGGING_CATEGORY(lcServiceTimbal)
Q_DECLARE_LOGGING_CATEGORY(lcServiceAiSquared)
Q_DECLARE_LOGGING_CATEGORY(lcServiceB3os)
Q_DECLARE_LOGGING_CATEGORY(lcServiceDatabar)
Q_DECLARE_LOGGING_CATEGORY(lcServiceBigdata)

#include "Vendor.h"

namespace ca {
// The category of a vendor's service: ca.service.<vendor>.
const QLoggingCategory& lcService(Vendor vendor);
} // namespace ca
