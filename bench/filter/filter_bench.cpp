// Filter-as-you-type over 100,000 connectors: the time of one keystroke in the app's
// ConnectorFilterModel (setFilterText), side by side with a plain QSortFilterProxyModel
// (setFilterFixedString over every column, case-insensitive) on the same source model, which the
// window's sort (by name) has put in order, so both show the same rows in the same order.
// A keystroke is timed until its result is usable, as a view would use it: the proxy's row count
// and the cells of the first screenful of rows (a proxy may defer its filter pass to that point).
// Keystrokes type a word letter by letter, then delete it again. Each is timed twice: the thread's
// CPU time (the keystroke's own cost, unaffected by other processes on a shared machine) and
// wall time.
// Usage: filter_bench [CONNECTORS] [ROUNDS] [WORD] [both|ours|peer]
//        (defaults: 100000, 7, sales, both; ours or peer alone is for profiling)
// Prints "filter ours|peer cpu_median_ms=… cpu_p90_ms=… wall_median_ms=… wall_p90_ms=…" and one
// line per keystroke of the last round (with the rows left), for bench/run to parse.
#include "ConnectorFilterModel.h"
#include "ConnectorTableModel.h"
#include "SeedData.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSortFilterProxyModel>

#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace ca;

namespace {

const QStringList kTypes{QStringLiteral("email"),       QStringLiteral("enrichment"),
                         QStringLiteral("Postgresql"),  QStringLiteral("source"),
                         QStringLiteral("destination"), QStringLiteral("investment_research")};

// The same names the sandbox (and so the demo) generates, spread over the five vendors.
QList<Connector> connectorsOf(Vendor vendor, const QString& profile, int count)
{
    const QByteArray v = vendorId(vendor).toLatin1();
    QList<Connector> out;
    out.reserve(count);
    for (int i = 1; i <= count; ++i) {
        Connector c;
        c.vendor = vendor;
        c.profileName = profile;
        c.id = vendor == Vendor::Timbal ? QStringLiteral("con_%1").arg(i, 6, 10, QLatin1Char('0'))
                                        : QString::number(i);
        c.displayName = sandbox::seed::displayName(1, v.constData(), i);
        c.type = kTypes.at(sandbox::seed::pick(1, v.constData(), i, 103, int(kTypes.size())));
        c.updatedAt = sandbox::seed::iso(sandbox::seed::timestamp(1, v.constData(), i, 104));
        if (vendor == Vendor::Timbal) {
            c.version = QStringLiteral("0.1.%1").arg(sandbox::seed::pick(1, "timbal", i, 105, 5));
            c.online = !sandbox::seed::chance(1, "timbal", i, 106, 15);
        }
        out.append(c);
    }
    return out;
}

struct Stats
{
    double median = 0, p90 = 0, max = 0;
};

Stats statsOf(QList<double> ms)
{
    std::sort(ms.begin(), ms.end());
    Stats s;
    if (ms.isEmpty())
        return s;
    s.median = ms.at(ms.size() / 2);
    s.p90 = ms.at(std::min<qsizetype>(ms.size() - 1, (ms.size() * 9) / 10));
    s.max = ms.last();
    return s;
}

// The keystrokes of typing `word` and deleting it again: "s", "sa", …, "sales", "sale", …, "".
QStringList keystrokes(const QString& word)
{
    QStringList texts;
    for (int i = 1; i <= word.size(); ++i)
        texts << word.left(i);
    for (int i = int(word.size()) - 1; i >= 0; --i)
        texts << word.left(i);
    return texts;
}

// What a table view reads after a filter change before it can paint: the row count and the text
// of every cell on screen.
int readScreenful(const QAbstractItemModel* proxy)
{
    constexpr int kVisibleRows = 40;
    const int rows = proxy->rowCount();
    qsizetype chars = 0;
    for (int r = 0; r < std::min(rows, kVisibleRows); ++r) {
        for (int c = 0; c < proxy->columnCount(); ++c)
            chars += proxy->data(proxy->index(r, c)).toString().size();
    }
    return int(chars);
}

volatile int g_sink = 0; // keeps the reads from being optimised away

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

struct Times
{
    QList<double> cpu, wall;
    QList<int> rowsLeft; // of the last round
};

template <typename SetText>
void typeOnce(const QStringList& texts, QAbstractItemModel* proxy, SetText setText, bool last,
              Times* out)
{
    for (const QString& t : texts) {
        QElapsedTimer timer;
        timer.start();
        const double cpu = threadCpuMs();
        setText(t);
        g_sink = g_sink + readScreenful(proxy);
        out->cpu.append(threadCpuMs() - cpu);
        out->wall.append(double(timer.nsecsElapsed()) / 1e6);
        if (last)
            out->rowsLeft.append(proxy->rowCount());
    }
}

void printStats(const char* who, const Times& t)
{
    const Stats cpu = statsOf(t.cpu), wall = statsOf(t.wall);
    std::printf("filter %s cpu_median_ms=%.3f cpu_p90_ms=%.3f wall_median_ms=%.3f "
                "wall_p90_ms=%.3f\n",
                who, cpu.median, cpu.p90, wall.median, wall.p90);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int total = args.size() > 1 ? std::max(5, args.at(1).toInt()) : 100000;
    const int rounds = args.size() > 2 ? std::max(1, args.at(2).toInt()) : 7;
    const QString word = args.size() > 3 ? args.at(3) : QStringLiteral("sales");
    const QString which = args.size() > 4 ? args.at(4) : QStringLiteral("both");
    const bool runOurs = which != QLatin1String("peer"), runPeer = which != QLatin1String("ours");

    ConnectorTableModel source;
    const Vendor vendors[] = {Vendor::Timbal, Vendor::AiSquared, Vendor::B3os, Vendor::Databar,
                              Vendor::Bigdata};
    for (Vendor v : vendors)
        source.upsert(QStringLiteral("demo-") + vendorId(v),
                      connectorsOf(v, QStringLiteral("demo-") + vendorId(v), total / 5));

    ConnectorFilterModel ours;
    ours.setSourceModel(&source);
    // As the window does (sortByColumn on the name). This orders the rows for both proxies: the
    // plain one needs no sort of its own to show them in the same order.
    ours.sort(ConnectorTableModel::NameColumn, Qt::AscendingOrder);

    QSortFilterProxyModel peer;
    peer.setSourceModel(&source);
    peer.setFilterCaseSensitivity(Qt::CaseInsensitive);
    peer.setFilterKeyColumn(-1);

    const QStringList texts = keystrokes(word);
    Times o, p;
    // Interleaved rounds: both see the same machine state; the first round warms caches for both.
    for (int r = 0; r < rounds; ++r) {
        const bool last = r == rounds - 1;
        if (runOurs)
            typeOnce(
                texts, &ours, [&](const QString& t) { ours.setFilterText(t); }, last, &o);
        if (runPeer)
            typeOnce(
                texts, &peer, [&](const QString& t) { peer.setFilterFixedString(t); }, last, &p);
    }

    std::printf("filter rows=%d keystrokes=%lld rounds=%d word=%s\n", int(source.rowCount()),
                qlonglong(texts.size()), rounds, qPrintable(word));
    if (runOurs)
        printStats("ours", o);
    if (runPeer)
        printStats("peer", p);
    if (!runOurs || !runPeer)
        return 0;
    const qsizetype first = o.cpu.size() - texts.size();
    for (int i = 0; i < texts.size(); ++i)
        std::printf("filter keystroke %-8s ours %6.2f ms CPU, %6.2f ms wall (%6d rows) | "
                    "plain proxy %7.2f ms CPU, %7.2f ms wall (%6d rows)\n",
                    qPrintable(QLatin1Char('"') + texts.at(i) + QStringLiteral("\":")),
                    o.cpu.at(first + i), o.wall.at(first + i), o.rowsLeft.at(i),
                    p.cpu.at(first + i), p.wall.at(first + i), p.rowsLeft.at(i));
    return 0;
}
