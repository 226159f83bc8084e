#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QList>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

#include <optional>

namespace sandbox {

// What a fault does to an answer (docs/sandbox.md, "Fault injection").
enum class FaultKind
{
    Latency,
    Status,
    RetryAfter,
    RetryAt,
    Hang,
    Reset,
    Malformed,
    Truncated,
    Oversized,
    Drip,
    Html,
    // Report side (Timbal only): they bend what a connector reports after an update, never an
    // answer, so FaultPlan::take never returns them.
    Stuck,
    Revert,
    Drop
};

// The kind's name in the grammar ("latency", "stuck", ...).
QString kindName(FaultKind kind);

// One parsed fault: `VENDOR:KIND[=ARG][@RATE][#COUNT]` plus the optional method/path filters of
// the JSON object form.
struct FaultSpec
{
    QString text;   // the spec as given, for messages and the request log
    QString vendor; // vendor id or "*"
    FaultKind kind = FaultKind::Status;
    // ms, status code, seconds (retry-at: may be < 0), bytes or bytes/s by kind; revert: ms from
    // reporting the target to going back, -1 = the update delay
    qint64 arg = 0;
    double rate = 1.0;  // chance to apply to a matching request (report side: to a connector)
    int remaining = -1; // requests it may still apply to; -1 = unlimited
    QString method;     // upper-case method filter, empty = any
    QString path;       // substring of the path below the vendor prefix, empty = any

    // status, retry-after and html answer in place of the handler; every other kind bends the
    // handler's real answer.
    bool handlerRuns() const
    {
        return kind != FaultKind::Status && kind != FaultKind::RetryAfter &&
               kind != FaultKind::RetryAt && kind != FaultKind::Html;
    }
    // stuck, revert and drop: decided per connector by the vendor handler, never per request.
    bool reportSide() const
    {
        return kind == FaultKind::Stuck || kind == FaultKind::Revert || kind == FaultKind::Drop;
    }
    QJsonValue toJson() const;

    // Parses the string form; on failure returns nullopt and sets *error to a message naming it.
    static std::optional<FaultSpec> parse(const QString& spec, QString* error);
    // Parses a string or a {"spec", "method", "path"} object.
    static std::optional<FaultSpec> parse(const QJsonValue& value, QString* error);
};

// The active faults, in the order given, and the seeded generator their rates draw from.
// Pure logic: the HTTP layer asks take() once per vendor request and applies what it returns.
class FaultPlan
{
public:
    explicit FaultPlan(quint32 seed = 1);

    // Replaces the active set; all or nothing (on error the old set stays and *error names the
    // offending spec). Restarts the rate generator from the seed so a run repeats.
    bool setFaults(const QJsonArray& specs, QString* error);
    bool setFaults(const QStringList& specs, QString* error);
    void clear();
    void reseed(quint32 seed);

    // The fault for this request, if any: the first matching fault that wins its rate draw.
    // Its COUNT is consumed only here, when it is returned. Report-side faults are skipped
    // without a draw, so they never shift the draws of the others.
    std::optional<FaultSpec> take(const QString& vendor, const QString& method,
                                  const QString& path);
    // The active report-side faults aimed at `vendor`, in the order given.
    QList<FaultSpec> reportFaults(const QString& vendor) const;

    QList<FaultSpec> faults() const { return m_faults; }
    QJsonArray toJson() const;

private:
    QList<FaultSpec> m_faults;
    quint32 m_seed;
    QRandomGenerator m_random;
};

} // namespace sandbox
