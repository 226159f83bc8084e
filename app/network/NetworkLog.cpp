#include "NetworkLog.h"

Q_LOGGING_CATEGORY(lcNetwork, "ca.network", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceTimbal, "ca.service.timbal", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceAiSquared, "ca.service.aisquared", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceB3os, "ca.service.b3os", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceDatabar, "ca.service.databar", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServiceBigdata, "ca.service.bigdata", QtInfoMsg)
