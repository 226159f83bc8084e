#pragma once

#include <QLoggingCategory>

// Logs of the secrets layer say which profile and what outcome, never a key.
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
