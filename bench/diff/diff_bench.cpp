// Times ConnectorDiff on two deterministic ~1 MB Databar-shaped connector documents that differ in
// 1% of their items (edits, insertions, removals, a few moves), and writes both documents out so
// that bench/diff/jsondiffpatch.mjs can time the same input.
// Usage: diff_bench [OUT_DIR] [ITERATIONS] [keyed|positional]   (defaults: bench-diff-data, 30,
// both)
#include "ConnectorDiff.h"
#include "ConnectorService.h" // vendorDiffOptions: the vendors' secret rules

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

using namespace ca;

namespace {

// A fixed LCG: the same documents on every machine and standard library.
struct Lcg
{
    quint64 state = 0x2545F4914F6CDD1DULL;
    quint32 next(quint32 bound)
    {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return quint32(state >> 33) % bound;
    }
};

QJsonObject item(const QString& name, int i, const QString& suffix = {})
{
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("value"),
         QStringLiteral("value-%1-abcdefghijklmnopqrstuvwxyz-0123456789%2").arg(i).arg(suffix)}};
}

QJsonArray list(const QString& prefix, int count)
{
    QJsonArray a;
    for (int i = 0; i < count; ++i)
        a.append(item(QStringLiteral("%1-%2").arg(prefix).arg(i, 5, 10, QLatin1Char('0')), i));
    return a;
}

// 1% of the items: half edited, a quarter removed, a quarter inserted; plus a few moves.
QJsonArray change(QJsonArray a, const QString& prefix, Lcg& rng)
{
    const int touched = std::max(4, int(a.size()) / 100);
    for (int k = 0; k < touched / 2; ++k) {
        const int i = int(rng.next(quint32(a.size())));
        QJsonObject o = a.at(i).toObject();
        o.insert(QStringLiteral("value"),
                 o.value(QLatin1String("value")).toString() + QStringLiteral("-edited"));
        a.replace(i, o);
    }
    for (int k = 0; k < touched / 4; ++k)
        a.removeAt(int(rng.next(quint32(a.size()))));
    for (int k = 0; k < touched / 4; ++k)
        a.insert(int(rng.next(quint32(a.size()))),
                 item(QStringLiteral("%1-new-%2").arg(prefix).arg(k), k));
    for (int k = 0; k < 3; ++k) {
        const QJsonValue v = a.takeAt(int(rng.next(quint32(a.size()))));
        a.insert(int(rng.next(quint32(a.size()))), v);
    }
    return a;
}

QJsonObject document(bool changed)
{
    Lcg rng;
    QJsonObject doc{{QStringLiteral("name"), QStringLiteral("bench connector")},
                    {QStringLiteral("method"), QStringLiteral("post")},
                    {QStringLiteral("url"), QStringLiteral("https://api.example.invalid/enrich")},
                    {QStringLiteral("type"), QStringLiteral("enrichment")},
                    {QStringLiteral("rate_limit"), changed ? 10 : 60},
                    {QStringLiteral("max_concurrency"), 5},
                    {QStringLiteral("body_template"), QJsonValue::Null}};
    for (const auto& [key, count] :
         {std::pair{"headers", 300}, std::pair{"parameters", 6000}, std::pair{"body", 6000}}) {
        const QString k = QLatin1String(key);
        const QJsonArray a = list(k, count);
        doc.insert(k, changed ? change(a, k, rng) : a);
    }
    return doc;
}

bool write(const QString& path, const QJsonObject& doc)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    return f.write(QJsonDocument(doc).toJson(QJsonDocument::Compact)) > 0;
}

double medianMs(const QJsonObject& before, const QJsonObject& after, const DiffOptions& options,
                int iterations, ConnectorDiff* last)
{
    QList<double> times;
    for (int i = 0; i < iterations; ++i) {
        QElapsedTimer t;
        t.start();
        ConnectorDiff diff(before, after, options);
        times.append(double(t.nsecsElapsed()) / 1e6);
        if (i == iterations - 1)
            *last = diff;
    }
    std::sort(times.begin(), times.end());
    return times.at(times.size() / 2);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const QString outDir = args.size() > 1 ? args.at(1) : QStringLiteral("bench-diff-data");
    const int iterations = args.size() > 2 ? std::max(1, args.at(2).toInt()) : 30;
    const QString only = args.size() > 3 ? args.at(3) : QString();

    const QJsonObject before = document(false);
    const QJsonObject after = document(true);
    QDir().mkpath(outDir);
    const QString beforePath = QDir(outDir).filePath(QStringLiteral("before.json"));
    const QString afterPath = QDir(outDir).filePath(QStringLiteral("after.json"));
    if (!write(beforePath, before) || !write(afterPath, after)) {
        std::fprintf(stderr, "diff_bench: cannot write to %s\n", qPrintable(outDir));
        return 1;
    }

    std::printf("diff_bench: %lld + %lld bytes (%s, %s)\n", qlonglong(QFile(beforePath).size()),
                qlonglong(QFile(afterPath).size()), qPrintable(beforePath), qPrintable(afterPath));
    if (only != QLatin1String("positional")) {
        ConnectorDiff keyed;
        const double ms =
            medianMs(before, after, vendorDiffOptions(Vendor::Databar), iterations, &keyed);
        std::printf("diff_bench keyed (Databar rules): median %.2f ms over %d runs: %s\n", ms,
                    iterations, qPrintable(keyed.summaryLine()));
    }
    if (only != QLatin1String("keyed")) {
        ConnectorDiff positional;
        const double ms = medianMs(before, after, DiffOptions{}, iterations, &positional);
        std::printf("diff_bench positional (no rules): median %.2f ms over %d runs: %s\n", ms,
                    iterations, qPrintable(positional.summaryLine()));
    }
    return 0;
}
