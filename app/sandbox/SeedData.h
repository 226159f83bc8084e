#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QtGlobal>

// Deterministic seed data for the sandbox's vendor handlers: every generated value is a pure
// function of (seed, vendor, index, field), so record i can be built lazily and identically on
// every run. Only edits are stored; that keeps start-up instant at 100,000 connectors per vendor.
namespace sandbox::seed {

// SplitMix64 of the combined inputs: cheap, well mixed, stable across platforms.
inline quint64 mix(quint64 x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

inline quint64 hash(quint32 seed, const char* vendor, int index, int field = 0)
{
    quint64 h = mix(seed);
    for (const char* p = vendor; *p; ++p)
        h = mix(h ^ quint64(quint8(*p)));
    h = mix(h ^ quint64(quint32(index)));
    return mix(h ^ quint64(quint32(field)));
}

// A value in [0, n).
inline int pick(quint32 seed, const char* vendor, int index, int field, int n)
{
    return n <= 0 ? 0 : int(hash(seed, vendor, index, field) % quint64(n));
}

// A probability draw: true with chance percent/100.
inline bool chance(quint32 seed, const char* vendor, int index, int field, int percent)
{
    return pick(seed, vendor, index, field, 100) < percent;
}

template <typename List>
inline const auto& pickFrom(const List& list, quint32 seed, const char* vendor, int index,
                            int field)
{
    return list.at(pick(seed, vendor, index, field, int(list.size())));
}

// 2026-11-01T00:00:00Z in ms since the Unix epoch: every seeded timestamp lies before it.
constexpr qint64 kEpochMs = 1793491200000LL;

// A timestamp within the year before 2026-11-01 in ms since the Unix epoch, fixed for
// (seed, vendor, index, field); cheap enough to compute for every record of a large seed.
inline qint64 timestampMs(quint32 seed, const char* vendor, int index, int field)
{
    return kEpochMs - qint64(hash(seed, vendor, index, field) % (365ull * 24 * 3600 * 1000));
}

// The same timestamp as a QDateTime (UTC).
inline QDateTime timestamp(quint32 seed, const char* vendor, int index, int field)
{
    return QDateTime::fromMSecsSinceEpoch(timestampMs(seed, vendor, index, field), Qt::UTC);
}

// ISO 8601 with microseconds and "Z", as the seed pages show ("2026-02-11T11:01:09.574095Z").
inline QString iso(const QDateTime& t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QStringLiteral("000Z");
}

inline const QStringList& words()
{
    static const QStringList w{
        QStringLiteral("Acme"),   QStringLiteral("Billing"),   QStringLiteral("CRM"),
        QStringLiteral("Daily"),  QStringLiteral("Events"),    QStringLiteral("Finance"),
        QStringLiteral("Growth"), QStringLiteral("HR"),        QStringLiteral("Inventory"),
        QStringLiteral("Leads"),  QStringLiteral("Marketing"), QStringLiteral("Nightly"),
        QStringLiteral("Orders"), QStringLiteral("Payments"),  QStringLiteral("Reports"),
        QStringLiteral("Sales"),  QStringLiteral("Support"),   QStringLiteral("Telemetry"),
        QStringLiteral("Users"),  QStringLiteral("Warehouse")};
    return w;
}

// "Sales Orders 0042"-style display names.
inline QString displayName(quint32 seed, const char* vendor, int index)
{
    return pickFrom(words(), seed, vendor, index, 101) + QLatin1Char(' ') +
           pickFrom(words(), seed, vendor, index, 102) + QLatin1Char(' ') +
           QString::number(index).rightJustified(4, QLatin1Char('0'));
}

} // namespace sandbox::seed
