#include "FaultPlan.h"

#include "Handlers.h"

#include <QJsonObject>

namespace sandbox {
namespace {

enum class Arg
{
    None,
    Required,
    Optional
};

struct KindInfo
{
    const char* name;
    FaultKind kind;
    Arg arg;
    qint64 minArg;
    qint64 maxArg;
};

// The grammar's kinds and the range of their ARG (docs/sandbox.md).
constexpr KindInfo kKinds[] = {
    {"latency", FaultKind::Latency, Arg::Required, 0, 24LL * 3600 * 1000},
    {"status", FaultKind::Status, Arg::Required, 100, 599},
    {"retry-after", FaultKind::RetryAfter, Arg::Required, 0, 24LL * 3600},
    // 429 with Retry-After as an HTTP date S seconds from the sandbox's clock: past or years on.
    {"retry-at", FaultKind::RetryAt, Arg::Required, -20LL * 366 * 24 * 3600,
     20LL * 366 * 24 * 3600},
    {"hang", FaultKind::Hang, Arg::None, 0, 0},
    {"reset", FaultKind::Reset, Arg::None, 0, 0},
    {"malformed", FaultKind::Malformed, Arg::None, 0, 0},
    {"truncated", FaultKind::Truncated, Arg::None, 0, 0},
    {"oversized", FaultKind::Oversized, Arg::Required, 1, 1LL << 40},
    {"drip", FaultKind::Drip, Arg::Required, 1, 1LL << 30},
    {"html", FaultKind::Html, Arg::Required, 100, 599},
    {"stuck", FaultKind::Stuck, Arg::None, 0, 0},
    {"revert", FaultKind::Revert, Arg::Optional, 0, 24LL * 3600 * 1000},
    {"drop", FaultKind::Drop, Arg::None, 0, 0},
};

// Only Timbal's handler models a connector reporting its version after an update.
const QString kReportVendor = QStringLiteral("timbal");

bool fail(QString* error, const QString& spec, const QString& why)
{
    if (error)
        *error = QStringLiteral("invalid fault '%1': %2").arg(spec, why);
    return false;
}

} // namespace

QString kindName(FaultKind kind)
{
    for (const KindInfo& k : kKinds) {
        if (k.kind == kind)
            return QLatin1String(k.name);
    }
    return {};
}

QJsonValue FaultSpec::toJson() const
{
    QJsonObject o{{QStringLiteral("spec"), text}};
    o.insert(QStringLiteral("method"), method.isEmpty() ? QJsonValue() : QJsonValue(method));
    o.insert(QStringLiteral("path"), path.isEmpty() ? QJsonValue() : QJsonValue(path));
    o.insert(QStringLiteral("remaining"), remaining < 0 ? QJsonValue() : QJsonValue(remaining));
    return o;
}

std::optional<FaultSpec> FaultSpec::parse(const QString& spec, QString* error)
{
    FaultSpec f;
    f.text = spec;
    const qsizetype colon = spec.indexOf(QLatin1Char(':'));
    if (colon < 0) {
        fail(error, spec, QStringLiteral("expected VENDOR:KIND[=ARG][@RATE][#COUNT]"));
        return std::nullopt;
    }
    f.vendor = spec.left(colon);
    if (f.vendor != QLatin1String("*") && !vendorIds().contains(f.vendor)) {
        fail(error, spec, QStringLiteral("unknown vendor '%1'").arg(f.vendor));
        return std::nullopt;
    }
    QString rest = spec.mid(colon + 1);

    // Peel from the right: #COUNT, then @RATE, then =ARG; what is left is the kind.
    const qsizetype hash = rest.lastIndexOf(QLatin1Char('#'));
    if (hash >= 0) {
        bool ok = false;
        const int count = rest.mid(hash + 1).toInt(&ok);
        if (!ok || count < 1) {
            fail(error, spec, QStringLiteral("COUNT must be an integer >= 1"));
            return std::nullopt;
        }
        f.remaining = count;
        rest.truncate(hash);
    }
    const qsizetype at = rest.lastIndexOf(QLatin1Char('@'));
    if (at >= 0) {
        bool ok = false;
        const double rate = rest.mid(at + 1).toDouble(&ok);
        if (!ok || !(rate >= 0.0 && rate <= 1.0)) {
            fail(error, spec, QStringLiteral("RATE must be a number from 0 to 1"));
            return std::nullopt;
        }
        f.rate = rate;
        rest.truncate(at);
    }
    QString argText;
    const qsizetype eq = rest.indexOf(QLatin1Char('='));
    const bool hasArg = eq >= 0;
    if (hasArg) {
        argText = rest.mid(eq + 1);
        rest.truncate(eq);
    }
    const KindInfo* info = nullptr;
    for (const KindInfo& k : kKinds) {
        if (rest == QLatin1String(k.name))
            info = &k;
    }
    if (!info) {
        fail(error, spec, QStringLiteral("unknown kind '%1'").arg(rest));
        return std::nullopt;
    }
    f.kind = info->kind;
    const QString name = QLatin1String(info->name);
    if (info->arg == Arg::Required || (info->arg == Arg::Optional && hasArg)) {
        bool ok = false;
        const qint64 arg = argText.toLongLong(&ok);
        if (!hasArg || !ok || arg < info->minArg || arg > info->maxArg) {
            fail(error, spec,
                 QStringLiteral("%1 %2 =ARG, an integer from %3 to %4")
                     .arg(name,
                          info->arg == Arg::Required ? QStringLiteral("needs")
                                                     : QStringLiteral("takes an optional"),
                          QString::number(info->minArg), QString::number(info->maxArg)));
            return std::nullopt;
        }
        f.arg = arg;
    } else if (hasArg) {
        fail(error, spec, QStringLiteral("%1 takes no =ARG").arg(name));
        return std::nullopt;
    } else if (info->arg == Arg::Optional) {
        f.arg = -1;
    }
    if (f.reportSide()) {
        if (f.vendor != kReportVendor) {
            fail(error, spec,
                 QStringLiteral("%1 is a report fault of timbal only: VENDOR must be timbal")
                     .arg(name));
            return std::nullopt;
        }
        if (f.remaining >= 0) {
            fail(error, spec,
                 QStringLiteral("%1 takes no #COUNT: it is decided per connector, not per request")
                     .arg(name));
            return std::nullopt;
        }
    }
    return f;
}

std::optional<FaultSpec> FaultSpec::parse(const QJsonValue& value, QString* error)
{
    if (value.isString())
        return parse(value.toString(), error);
    if (!value.isObject()) {
        if (error)
            *error = QStringLiteral("invalid fault: expected a string or an object with \"spec\"");
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    const QString text = o.value(QStringLiteral("spec")).toString();
    if (!o.value(QStringLiteral("spec")).isString()) {
        if (error)
            *error = QStringLiteral("invalid fault: object without a \"spec\" string");
        return std::nullopt;
    }
    static const QStringList known{QStringLiteral("spec"), QStringLiteral("method"),
                                   QStringLiteral("path"), QStringLiteral("remaining")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key())) {
            fail(error, text, QStringLiteral("unknown key '%1'").arg(it.key()));
            return std::nullopt;
        }
    }
    std::optional<FaultSpec> f = parse(text, error);
    if (!f)
        return std::nullopt;
    for (const QString& key : {QStringLiteral("method"), QStringLiteral("path")}) {
        const QJsonValue v = o.value(key);
        if (!v.isUndefined() && !v.isNull() && !v.isString()) {
            fail(error, text, QStringLiteral("\"%1\" must be a string").arg(key));
            return std::nullopt;
        }
    }
    f->method = o.value(QStringLiteral("method")).toString().toUpper();
    f->path = o.value(QStringLiteral("path")).toString();
    if (f->reportSide() && !(f->method.isEmpty() && f->path.isEmpty())) {
        fail(error, text,
             QStringLiteral("%1 takes no method or path filter: it applies to every update")
                 .arg(kindName(f->kind)));
        return std::nullopt;
    }
    return f;
}

FaultPlan::FaultPlan(quint32 seed) : m_seed(seed), m_random(seed) {}

bool FaultPlan::setFaults(const QJsonArray& specs, QString* error)
{
    QList<FaultSpec> parsed;
    for (const QJsonValue& v : specs) {
        std::optional<FaultSpec> f = FaultSpec::parse(v, error);
        if (!f)
            return false;
        parsed.append(*f);
    }
    m_faults = parsed;
    m_random.seed(m_seed);
    return true;
}

bool FaultPlan::setFaults(const QStringList& specs, QString* error)
{
    QJsonArray array;
    for (const QString& s : specs)
        array.append(s);
    return setFaults(array, error);
}

void FaultPlan::clear()
{
    m_faults.clear();
    m_random.seed(m_seed);
}

void FaultPlan::reseed(quint32 seed)
{
    m_seed = seed;
    m_random.seed(seed);
}

std::optional<FaultSpec> FaultPlan::take(const QString& vendor, const QString& method,
                                         const QString& path)
{
    for (qsizetype i = 0; i < m_faults.size(); ++i) {
        FaultSpec& f = m_faults[i];
        if (f.remaining == 0 || f.reportSide())
            continue;
        if (f.vendor != QLatin1String("*") && f.vendor != vendor)
            continue;
        if (!f.method.isEmpty() && f.method.compare(method, Qt::CaseInsensitive) != 0)
            continue;
        if (!f.path.isEmpty() && !path.contains(f.path))
            continue;
        if (f.rate <= 0.0)
            continue;
        // Only rates strictly between 0 and 1 draw, so adding a certain fault never shifts
        // the draws of the others.
        if (f.rate < 1.0 && m_random.generateDouble() >= f.rate)
            continue;
        if (f.remaining > 0)
            --f.remaining;
        FaultSpec chosen = f;
        if (f.remaining == 0)
            m_faults.removeAt(i);
        return chosen;
    }
    return std::nullopt;
}

QList<FaultSpec> FaultPlan::reportFaults(const QString& vendor) const
{
    QList<FaultSpec> found;
    for (const FaultSpec& f : m_faults) {
        if (f.reportSide() && f.vendor == vendor)
            found.append(f);
    }
    return found;
}

QJsonArray FaultPlan::toJson() const
{
    QJsonArray array;
    for (const FaultSpec& f : m_faults)
        array.append(f.toJson());
    return array;
}

} // namespace sandbox
