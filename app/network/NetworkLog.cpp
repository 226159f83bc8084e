#include "NetworkLog.h"

Q_LOGGING_CATEGORY(lcNetwork, "ca.network", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceTimbal, "ca.service.timbal", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceAiSquared, "ca.service.aisquared", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceB3os, "ca.service.b3os", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceDatabar, "ca.service.databar", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceBigdata, "ca.service.bigdata", QtInfoMsg)

namespace ca {

const QLoggingCategory& lcService(Vendor vendor)
{
    using Category = const QLoggingCategory& (*)();
    // In the order of the Vendor enum.
    static constexpr Category kCategories[] = {lcServiceTimbal, lcServiceAiSquared, lcServiceB3os,
                                               lcServiceDatabar, lcServiceBigdata};
    return kCategories[int(vendor)]();
}

} // namespace ca
