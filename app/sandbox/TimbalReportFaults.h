#pragma once

#include "FaultPlan.h"

#include <QList>

#include <optional>

namespace sandbox {

// Which of Timbal's active report faults (stuck, revert, drop; docs/sandbox.md "Report faults")
// hits the update dispatched to connector `index`: the first, in the order given, whose RATE
// the hash of (seed, index, kind) falls under. Hashed rather than drawn from the fault plan's
// generator so that the same connectors are hit whatever the order or timing of the requests.
std::optional<FaultSpec> timbalReportFaultHit(const QList<FaultSpec>& active, quint32 seed,
                                              int index);

} // namespace sandbox
