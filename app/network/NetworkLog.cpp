#include "NetworkLog.h"

Q_LOGGING_CATEGORY(lcNetwork, "ca.network", QtInfoMsg)
