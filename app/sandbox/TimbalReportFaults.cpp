#include "TimbalReportFaults.h"

#include "SeedData.h"

namespace sandbox {
namespace {

// Seed fields of the report faults, apart from the record fields TimbalHandler.cpp draws.
constexpr int kReportFaultField = 0x5EF0;

// A value in [0, 1), fixed for (seed, index, kind).
double unitDraw(quint32 seed, int index, FaultKind kind)
{
    const quint64 h = seed::hash(seed, "timbal", index, kReportFaultField + int(kind));
    return double(h >> 11) * (1.0 / double(1ull << 53));
}

} // namespace

std::optional<FaultSpec> timbalReportFaultHit(const QList<FaultSpec>& active, quint32 seed,
                                              int index)
{
    for (const FaultSpec& f : active) {
        if (f.reportSide() && unitDraw(seed, index, f.kind) < f.rate)
            return f;
    }
    return std::nullopt;
}

} // namespace sandbox
