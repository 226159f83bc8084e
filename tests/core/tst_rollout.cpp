// Rollout and RolloutStore: the widget-free model of a staged rollout (waves, thresholds, wave
// completion, counts, the JSON file) and its files on disk (newest active, requests), in a temp
// dir.
#include "Rollout.h"
#include "RolloutStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace ca;
using State = RolloutItem::State;
using Status = Rollout::Status;

namespace {

// "c000", "c001", …: a fleet of `n` connector ids in list order.
QStringList fleet(int n)
{
    QStringList ids;
    for (int i = 0; i < n; ++i)
        ids << QStringLiteral("c%1").arg(i, 3, 10, QLatin1Char('0'));
    return ids;
}

// How many ids each wave got; an id outside 0..waveCount-1 counts nowhere.
QList<int> waveSizes(const QList<int>& waves, int waveCount)
{
    QList<int> sizes(waveCount, 0);
    for (int w : waves) {
        if (w >= 0 && w < waveCount)
            ++sizes[w];
    }
    return sizes;
}

// The ids assigned to `wave`, sorted.
QStringList idsOfWave(const QStringList& ids, const QList<int>& waves, int wave)
{
    QStringList out;
    for (int i = 0; i < ids.size(); ++i) {
        if (waves.at(i) == wave)
            out << ids.at(i);
    }
    out.sort();
    return out;
}

std::optional<QList<int>> assign(const QStringList& ids, const RolloutOptions& options,
                                 int* waveCount, QString* error = nullptr)
{
    QString ignored;
    *waveCount = -1;
    return Rollout::assignWaves(ids, options, error ? error : &ignored, waveCount);
}

RolloutItem item(const QString& id, int wave, State state, int epoch = -1)
{
    RolloutItem it;
    it.id = id;
    it.wave = wave;
    it.state = state;
    it.epoch = epoch;
    return it;
}

State state(const QString& id)
{
    const auto s = RolloutItem::stateFromId(id);
    if (!s)
        qFatal("bad state id in test data: %s", qPrintable(id));
    return *s;
}

// Items from "wave:state" specs, e.g. "1:dispatched".
QList<RolloutItem> items(const QStringList& specs)
{
    QList<RolloutItem> out;
    for (const QString& spec : specs) {
        const QStringList parts = spec.split(QLatin1Char(':'));
        out << item(QStringLiteral("i%1").arg(out.size()), parts.at(0).toInt(), state(parts.at(1)));
    }
    return out;
}

QDateTime utc(int day, int hour, int minute, int second, int ms = 0)
{
    return QDateTime(QDate(2026, 1, day), QTime(hour, minute, second, ms), Qt::UTC);
}

// A rollout with every field away from its default: options, items in every state with every
// optional field, one bare item, events.
Rollout fullRollout(Status status)
{
    Rollout r;
    r.id = QStringLiteral("r20260102T030405-0a1b");
    r.profile = QStringLiteral("prod/eu");
    r.kind = QStringLiteral("rollback");
    r.parentId = QStringLiteral("r20260101T000000-0001");
    r.rollbackId = QStringLiteral("r20260103T000000-0003");
    r.created = utc(2, 3, 4, 5, 678);
    r.tool = AuditTool::Cli;
    r.options.target = QStringLiteral("0.1.5");
    r.options.canaryCount = 3;
    r.options.canaryIds = {QStringLiteral("c-waiting"), QStringLiteral("c-sending")};
    r.options.wavePercents = {10, 40, 100};
    r.options.maxFailurePercent = 15;
    r.options.maxFailureCount = 4;
    r.options.minFinished = 7;
    r.options.reportTimeoutMs = 10 * 60 * 1000;
    r.options.pauseBetweenMs = 2 * 60 * 1000;
    r.options.approveEach = true;
    r.options.parallel = 9;
    r.options.pollIntervalMs = 2500;
    r.pinnedTarget = QStringLiteral("0.1.6");
    for (int s = 0; s <= int(State::Skipped); ++s) {
        RolloutItem it;
        const QString sid = RolloutItem::stateId(State(s));
        it.id = QStringLiteral("c-") + sid;
        it.name = QStringLiteral("Connector ") + sid;
        it.fromVersion = QStringLiteral("0.1.4");
        it.target = QStringLiteral("0.1.3");
        it.wave = s % 3;
        it.state = State(s);
        it.message = QStringLiteral("message of ") + sid;
        it.reported = QStringLiteral("0.1.%1").arg(s);
        it.dispatchedAt = utc(2, 4, s, 7, 100 + s);
        it.notBefore = utc(2, 5, s, 8, 200 + s);
        it.force = true;
        it.uncertain = true;
        it.epoch = 2;
        r.items << it;
    }
    RolloutItem bare; // every optional field left out
    bare.id = QStringLiteral("c-bare");
    r.items << bare;
    r.waveCount = 3;
    r.currentWave = 2;
    r.status = status;
    r.nextWaveAt = utc(2, 6, 0, 0, 5);
    r.haltReason = QStringLiteral("2 of 7 finished connectors failed");
    r.epoch = 2;
    r.addEvent(QStringLiteral("started"), QStringLiteral("Rollout started"), utc(2, 3, 4, 6, 1));
    r.addEvent(QStringLiteral("halt"), QStringLiteral("Halted"), utc(2, 3, 5, 0, 2));
    r.addEvent(QStringLiteral("resume"), QStringLiteral("Resumed by connectorctl (process 42)"),
               utc(2, 3, 6, 0, 3));
    return r;
}

// The first field in which two rollouts differ, in words; empty when they are the same.
QString difference(const Rollout& a, const Rollout& b)
{
#define CA_SAME(field)                                                                             \
    if (!(a.field == b.field))                                                                     \
        return QStringLiteral(#field);
    CA_SAME(id)
    CA_SAME(profile)
    CA_SAME(kind)
    CA_SAME(parentId)
    CA_SAME(rollbackId)
    CA_SAME(created)
    CA_SAME(tool)
    CA_SAME(options.target)
    CA_SAME(options.canaryCount)
    CA_SAME(options.canaryIds)
    CA_SAME(options.wavePercents)
    CA_SAME(options.maxFailurePercent)
    CA_SAME(options.maxFailureCount)
    CA_SAME(options.minFinished)
    CA_SAME(options.reportTimeoutMs)
    CA_SAME(options.pauseBetweenMs)
    CA_SAME(options.approveEach)
    CA_SAME(options.parallel)
    CA_SAME(options.pollIntervalMs)
    CA_SAME(pinnedTarget)
    CA_SAME(waveCount)
    CA_SAME(currentWave)
    CA_SAME(status)
    CA_SAME(nextWaveAt)
    CA_SAME(haltReason)
    CA_SAME(epoch)
    CA_SAME(items.size())
    CA_SAME(events.size())
    for (int i = 0; i < a.items.size(); ++i) {
        CA_SAME(items.at(i).id)
        CA_SAME(items.at(i).name)
        CA_SAME(items.at(i).fromVersion)
        CA_SAME(items.at(i).target)
        CA_SAME(items.at(i).wave)
        CA_SAME(items.at(i).state)
        CA_SAME(items.at(i).message)
        CA_SAME(items.at(i).reported)
        CA_SAME(items.at(i).dispatchedAt)
        CA_SAME(items.at(i).notBefore)
        CA_SAME(items.at(i).force)
        CA_SAME(items.at(i).uncertain)
        CA_SAME(items.at(i).epoch)
    }
    for (int i = 0; i < a.events.size(); ++i) {
        CA_SAME(events.at(i).time)
        CA_SAME(events.at(i).kind)
        CA_SAME(events.at(i).text)
    }
#undef CA_SAME
    return {};
}

Rollout simpleRollout(const QString& id, Status status)
{
    Rollout r;
    r.id = id;
    r.profile = QStringLiteral("prod");
    r.created = QDateTime::currentDateTimeUtc();
    r.items << item(QStringLiteral("c1"), 0, State::Waiting);
    r.waveCount = 1;
    r.status = status;
    return r;
}

bool writeAll(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

constexpr QFileDevice::Permissions kGroupOrOther =
    QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
    QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

} // namespace

class TestRollout : public QObject
{
    Q_OBJECT

private slots:
    // --- waves ---

    void assignWavesSplitsCumulativePercents_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("canaryCount");
        QTest::addColumn<QList<int>>("percents"); // empty: the defaults {5, 25, 100}
        QTest::addColumn<QList<int>>("sizes");

        // 98 after the canary: ceil(9.8) = 10, ceil(49) = 49 (39 more), the other 49.
        QTest::newRow("100, canary 2, 10/50/100")
            << 100 << 2 << QList<int>{10, 50, 100} << QList<int>{2, 10, 39, 49};
        // ceil(0.5) = 1, ceil(2.5) = 3 (2 more), the other 7.
        QTest::newRow("10, defaults") << 10 << 0 << QList<int>{} << QList<int>{1, 2, 7};
        // ceil(0.2) = 1, ceil(1.0) = 1 (empty: dropped), the other 3.
        QTest::newRow("4, defaults: empty wave dropped")
            << 4 << 0 << QList<int>{} << QList<int>{1, 3};
        QTest::newRow("1, defaults: one wave") << 1 << 0 << QList<int>{} << QList<int>{1};
        QTest::newRow("0: no wave") << 0 << 0 << QList<int>{} << QList<int>{};
        QTest::newRow("0 with a canary: no wave") << 0 << 2 << QList<int>{} << QList<int>{};
        QTest::newRow("last 50 taken as 100") << 10 << 0 << QList<int>{20, 50} << QList<int>{2, 8};
        QTest::newRow("only 50 taken as 100") << 10 << 0 << QList<int>{50} << QList<int>{10};
        QTest::newRow("canary larger than the fleet") << 3 << 5 << QList<int>{} << QList<int>{3};
        QTest::newRow("canary 1 of 2") << 2 << 1 << QList<int>{} << QList<int>{1, 1};
        // 98: ceil(4.9) = 5, ceil(24.5) = 25 (20 more), the other 73.
        QTest::newRow("100, canary 2, defaults")
            << 100 << 2 << QList<int>{} << QList<int>{2, 5, 20, 73};
    }

    void assignWavesSplitsCumulativePercents()
    {
        QFETCH(int, count);
        QFETCH(int, canaryCount);
        QFETCH(QList<int>, percents);
        QFETCH(QList<int>, sizes);

        RolloutOptions options;
        options.canaryCount = canaryCount;
        if (!percents.isEmpty())
            options.wavePercents = percents;
        const QStringList ids = fleet(count);
        int waveCount = -1;
        const auto waves = assign(ids, options, &waveCount);
        QVERIFY(waves);
        QCOMPARE(waveCount, sizes.size());
        QCOMPARE(waves->size(), ids.size());
        // Every id in exactly one existing wave.
        for (int w : *waves)
            QVERIFY2(w >= 0 && w < waveCount, qPrintable(QString::number(w)));
        QCOMPARE(waveSizes(*waves, waveCount), sizes);
        // After the canary, the ids go into the waves in the order given.
        const int firstWave = canaryCount > 0 ? 1 : 0;
        int last = firstWave;
        for (int w : *waves) {
            if (w < firstWave)
                continue;
            QVERIFY(w >= last);
            last = w;
        }
    }

    void canaryIsReproducibleAndNotTheListHead()
    {
        const QStringList ids = fleet(100);
        RolloutOptions options;
        options.canaryCount = 2;
        options.wavePercents = {10, 50, 100};
        int waveCount = 0;
        const auto first = assign(ids, options, &waveCount);
        QVERIFY(first);
        const QStringList canary = idsOfWave(ids, *first, 0);
        QCOMPARE(canary.size(), 2);
        // Not simply the first (or the last) two of the list: a hash of the id orders them.
        QVERIFY2(canary != (QStringList{ids.at(0), ids.at(1)}), qPrintable(canary.join(',')));
        QVERIFY2(canary != (QStringList{ids.at(98), ids.at(99)}), qPrintable(canary.join(',')));

        // The same fleet again, and in another order: the same canary.
        const auto again = assign(ids, options, &waveCount);
        QVERIFY(again);
        QCOMPARE(idsOfWave(ids, *again, 0), canary);
        QStringList reversed = ids;
        std::reverse(reversed.begin(), reversed.end());
        const auto fromReversed = assign(reversed, options, &waveCount);
        QVERIFY(fromReversed);
        QCOMPARE(idsOfWave(reversed, *fromReversed, 0), canary);

        // A smaller canary is part of the larger one (one order, cut shorter).
        options.canaryCount = 1;
        const auto one = assign(ids, options, &waveCount);
        QVERIFY(one);
        const QStringList single = idsOfWave(ids, *one, 0);
        QCOMPARE(single.size(), 1);
        QVERIFY(canary.contains(single.first()));
    }

    void namedCanaryIdsFormWaveZero()
    {
        const QStringList ids = fleet(100);
        RolloutOptions options;
        options.canaryCount = 5; // the named ones win
        options.canaryIds = {QStringLiteral("c042"), QStringLiteral("c007")};
        int waveCount = 0;
        QString error;
        const auto waves = assign(ids, options, &waveCount, &error);
        QVERIFY2(waves, qPrintable(error));
        QCOMPARE(idsOfWave(ids, *waves, 0), (QStringList{"c007", "c042"}));
        // The other 98 in the default waves: 5, 20, 73.
        QCOMPARE(waveCount, 4);
        QCOMPARE(waveSizes(*waves, waveCount), (QList<int>{2, 5, 20, 73}));
        QCOMPARE(waves->at(0), 1); // the list head is no canary now
    }

    void unknownNamedCanaryIsRefused()
    {
        RolloutOptions options;
        options.canaryIds = {QStringLiteral("c001"), QStringLiteral("c-gone")};
        int waveCount = 0;
        QString error;
        QVERIFY(!assign(fleet(10), options, &waveCount, &error));
        QVERIFY2(error.contains(QLatin1String("c-gone")), qPrintable(error));
    }

    void waveNameCountsFromTheCanary()
    {
        Rollout r;
        QCOMPARE(r.waveName(0), QStringLiteral("wave 1"));
        QCOMPARE(r.waveName(2), QStringLiteral("wave 3"));
        r.options.canaryCount = 1;
        QCOMPARE(r.waveName(0), QStringLiteral("canary"));
        QCOMPARE(r.waveName(1), QStringLiteral("wave 1"));
        r.options.canaryCount = 0;
        r.options.canaryIds = {QStringLiteral("c1")};
        QVERIFY(r.hasCanary());
        QCOMPARE(r.waveName(0), QStringLiteral("canary"));
    }

    // --- parsing ---

    void parseWavesAcceptsRisingPercentages_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("waves");
        QTest::newRow("with %") << "5%,25%,100%" << QList<int>{5, 25, 100};
        QTest::newRow("bare") << "5,25,100" << QList<int>{5, 25, 100};
        QTest::newRow("spaces") << " 10% , 100 " << QList<int>{10, 100};
        QTest::newRow("one") << "100" << QList<int>{100};
        QTest::newRow("last below 100") << "5,50" << QList<int>{5, 50};
    }

    void parseWavesAcceptsRisingPercentages()
    {
        QFETCH(QString, text);
        QFETCH(QList<int>, waves);
        QString error;
        const auto parsed = RolloutOptions::parseWaves(text, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(*parsed, waves);
    }

    void parseWavesRefusesOthers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("not rising") << "25,5";
        QTest::newRow("equal") << "5,5,100";
        QTest::newRow("zero") << "0";
        QTest::newRow("over 100") << "101";
        QTest::newRow("words") << "abc";
        QTest::newRow("empty") << "";
        QTest::newRow("commas only") << ",,";
        QTest::newRow("one bad") << "5,x,100";
        QTest::newRow("negative") << "-5,100";
        QTest::newRow("fraction") << "2.5,100";
    }

    void parseWavesRefusesOthers()
    {
        QFETCH(QString, text);
        QString error;
        QVERIFY(!RolloutOptions::parseWaves(text, &error));
        QVERIFY(!error.isEmpty());
    }

    void parseMaxFailuresSetsTheMatchingField_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("percent");
        QTest::addColumn<int>("count");
        // From the defaults: 20% and no count.
        QTest::newRow("percent") << "35%" << 35 << 0;
        QTest::newRow("count") << "3" << 20 << 3;
        QTest::newRow("percent off") << "0%" << 0 << 0;
        QTest::newRow("100%") << "100%" << 100 << 0;
        QTest::newRow("spaces") << " 7 " << 20 << 7;
    }

    void parseMaxFailuresSetsTheMatchingField()
    {
        QFETCH(QString, text);
        QFETCH(int, percent);
        QFETCH(int, count);
        RolloutOptions options;
        QString error;
        QVERIFY2(options.parseMaxFailures(text, &error), qPrintable(error));
        QCOMPARE(options.maxFailurePercent, percent);
        QCOMPARE(options.maxFailureCount, count);
    }

    void parseMaxFailuresRefusesOthers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("word") << "x";
        QTest::newRow("over 100%") << "120%";
        QTest::newRow("negative") << "-1";
        QTest::newRow("empty") << "";
        QTest::newRow("percent sign only") << "%";
        QTest::newRow("fraction") << "2.5%";
    }

    void parseMaxFailuresRefusesOthers()
    {
        QFETCH(QString, text);
        RolloutOptions options;
        options.maxFailureCount = 2;
        QString error;
        QVERIFY(!options.parseMaxFailures(text, &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(options.maxFailurePercent, 20); // untouched
        QCOMPARE(options.maxFailureCount, 2);
    }

    void parseDurationAcceptsUnits_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("30m") << "30m" << qint64(30 * 60 * 1000);
        QTest::newRow("10s") << "10s" << qint64(10 * 1000);
        QTest::newRow("1h") << "1h" << qint64(60 * 60 * 1000);
        QTest::newRow("500ms") << "500ms" << qint64(500);
        QTest::newRow("90 (seconds)") << "90" << qint64(90 * 1000);
        QTest::newRow("5min") << "5min" << qint64(5 * 60 * 1000);
        QTest::newRow("spaces") << " 2 h " << qint64(2 * 60 * 60 * 1000);
    }

    void parseDurationAcceptsUnits()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        QString error;
        const auto parsed = RolloutOptions::parseDuration(text, &error);
        QVERIFY2(parsed, qPrintable(error));
        QCOMPARE(*parsed, ms);
    }

    void parseDurationRefusesOthers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("days") << "1d";
        QTest::newRow("words") << "abc";
        QTest::newRow("empty") << "";
        QTest::newRow("negative") << "-5s";
        QTest::newRow("fraction") << "1.5h";
        QTest::newRow("two numbers") << "1h 5m";
    }

    void parseDurationRefusesOthers()
    {
        QFETCH(QString, text);
        QString error;
        QVERIFY(!RolloutOptions::parseDuration(text, &error));
        QVERIFY(!error.isEmpty());
    }

    // A number too large for a qint64, or one that overflows it once multiplied, is no duration
    // (not 0 ms, not a negative one).
    void parseDurationRefusesNumbersTooLarge_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("20 digits") << "99999999999999999999s";
        QTest::newRow("hours past qint64") << "3000000000000h";
    }

    void parseDurationRefusesNumbersTooLarge()
    {
        QFETCH(QString, text);
        QString error;
        const auto parsed = RolloutOptions::parseDuration(text, &error);
        QVERIFY2(!parsed, qPrintable(QStringLiteral("parsed as %1 ms").arg(parsed.value_or(-1))));
        QVERIFY(!error.isEmpty());
    }

    void durationTextReadsAsWords_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("ms") << qint64(500) << "500 ms";
        QTest::newRow("s") << qint64(10 * 1000) << "10 s";
        QTest::newRow("min") << qint64(30 * 60 * 1000) << "30 min";
        QTest::newRow("min s") << qint64(90 * 1000) << "1 min 30 s";
        QTest::newRow("h min") << qint64(65 * 60 * 1000) << "1 h 5 min";
    }

    void durationTextReadsAsWords()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(RolloutOptions::durationText(ms), text);
    }

    void thresholdTextNamesBothLimits()
    {
        RolloutOptions options; // 20% once 5 finished
        QString text = options.thresholdText();
        QVERIFY2(text.contains(QLatin1String("20%")) && text.contains(QLatin1String("5 finished")),
                 qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String(" or ")), qPrintable(text));

        options.maxFailureCount = 3;
        text = options.thresholdText();
        QVERIFY2(text.contains(QLatin1String("20%")) && text.contains(QLatin1String(" or 3 ")),
                 qPrintable(text));

        options.maxFailurePercent = 0;
        text = options.thresholdText();
        QVERIFY2(text.startsWith(QLatin1String("3 ")) && !text.contains(QLatin1Char('%')),
                 qPrintable(text));

        options.maxFailureCount = 0;
        QCOMPARE(options.thresholdText(), QStringLiteral("none"));
    }

    // --- thresholds ---

    void thresholdCrossedCountsTheCurrentEpoch_data()
    {
        QTest::addColumn<int>("percent");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("minFinished");
        QTest::addColumn<int>("succeeded");
        QTest::addColumn<int>("failed");
        QTest::addColumn<int>("oldSucceeded"); // finished in an earlier epoch
        QTest::addColumn<int>("oldFailed");
        QTest::addColumn<bool>("crossed");

        QTest::newRow("1 of 4: below min finished") << 20 << 0 << 5 << 3 << 1 << 0 << 0 << false;
        QTest::newRow("1 of 5: 20%") << 20 << 0 << 5 << 4 << 1 << 0 << 0 << true;
        QTest::newRow("1 of 6: 17%") << 20 << 0 << 5 << 5 << 1 << 0 << 0 << false;
        QTest::newRow("2 of 10: 20%") << 20 << 0 << 5 << 8 << 2 << 0 << 0 << true;
        QTest::newRow("2 of 7: 29%") << 20 << 0 << 5 << 5 << 2 << 0 << 0 << true;
        QTest::newRow("older failures do not count") << 20 << 0 << 5 << 5 << 0 << 0 << 5 << false;
        QTest::newRow("older successes do not dilute") << 20 << 0 << 5 << 4 << 1 << 20 << 0 << true;
        QTest::newRow("min finished 0: 1 of 1") << 20 << 0 << 0 << 0 << 1 << 0 << 0 << true;
        QTest::newRow("nothing finished, min 0") << 20 << 0 << 0 << 0 << 0 << 0 << 0 << false;
        QTest::newRow("count 3 at 3, below min finished")
            << 20 << 3 << 10 << 0 << 3 << 0 << 0 << true;
        QTest::newRow("count 3 alone at 3") << 0 << 3 << 5 << 100 << 3 << 0 << 0 << true;
        QTest::newRow("count 3 at 2") << 0 << 3 << 5 << 0 << 2 << 0 << 0 << false;
        QTest::newRow("count ignores older failures") << 0 << 3 << 5 << 0 << 2 << 0 << 5 << false;
        QTest::newRow("both off") << 0 << 0 << 5 << 0 << 10 << 0 << 0 << false;
    }

    void thresholdCrossedCountsTheCurrentEpoch()
    {
        QFETCH(int, percent);
        QFETCH(int, count);
        QFETCH(int, minFinished);
        QFETCH(int, succeeded);
        QFETCH(int, failed);
        QFETCH(int, oldSucceeded);
        QFETCH(int, oldFailed);
        QFETCH(bool, crossed);

        Rollout r;
        r.epoch = 2;
        r.waveCount = 2;
        r.options.maxFailurePercent = percent;
        r.options.maxFailureCount = count;
        r.options.minFinished = minFinished;
        auto add = [&](int n, State s, int epoch) {
            for (int i = 0; i < n; ++i)
                r.items << item(QStringLiteral("i%1").arg(r.items.size()), 0, s, epoch);
        };
        add(succeeded, State::Succeeded, 2);
        add(failed, State::Failed, 2);
        add(oldSucceeded, State::Succeeded, 1);
        add(oldFailed, State::Failed, 1);
        // Not finished, though carrying the current epoch (sent back by a retry, planned out):
        // never counted.
        add(2, State::Waiting, 2);
        add(2, State::Dispatched, 2);
        add(1, State::Sending, 2);
        add(2, State::Skipped, 2);

        const Rollout::Tally t = r.tally();
        QCOMPARE(t.finished, succeeded + failed);
        QCOMPARE(t.failed, failed);
        const QString reason = r.thresholdCrossed();
        QVERIFY2(reason.isEmpty() != crossed, qPrintable(reason));
    }

    // A canary of 2 that both failed halts at the end of its wave, though fewer than minFinished
    // finished; during the wave it does not, nor does a wave end under the limit.
    void thresholdAtTheEndOfAWaveCountsWhateverFinished()
    {
        Rollout r;
        r.epoch = 0;
        r.waveCount = 3;
        r.options.minFinished = 5;
        r.items << item(QStringLiteral("a"), 0, State::Failed, 0)
                << item(QStringLiteral("b"), 0, State::Failed, 0);
        QVERIFY(r.thresholdCrossed(false).isEmpty());
        const QString reason = r.thresholdCrossed(true);
        QVERIFY2(reason.contains(QLatin1String("2 of 2")) &&
                     reason.contains(QLatin1String("end of the wave")),
                 qPrintable(reason));
        r.items[1].state = State::Succeeded;
        r.items << item(QStringLiteral("c"), 0, State::Succeeded, 0)
                << item(QStringLiteral("d"), 0, State::Succeeded, 0)
                << item(QStringLiteral("e"), 0, State::Succeeded, 0)
                << item(QStringLiteral("f"), 0, State::Succeeded, 0)
                << item(QStringLiteral("g"), 0, State::Succeeded, 0);
        QVERIFY(r.thresholdCrossed(true).isEmpty()); // 1 of 7: 14%
        r.items.clear();
        QVERIFY(r.thresholdCrossed(true).isEmpty()); // nothing finished
    }

    void thresholdCrossedNamesTheCounts()
    {
        Rollout r;
        r.epoch = 1;
        for (int i = 0; i < 7; ++i)
            r.items << item(QStringLiteral("i%1").arg(i), 0,
                            i < 2 ? State::Failed : State::Succeeded, 1);
        QString reason = r.thresholdCrossed(); // 2 of 7 (28.6%), limit 20% once 5
        QVERIFY2(reason.contains(QLatin1String("2 of 7")), qPrintable(reason));
        QVERIFY2(reason.contains(QLatin1String("20%")), qPrintable(reason));

        r.options.maxFailurePercent = 0;
        r.options.maxFailureCount = 2;
        reason = r.thresholdCrossed();
        QVERIFY2(reason.contains(QLatin1Char('2')) && !reason.contains(QLatin1Char('%')),
                 qPrintable(reason));
    }

    // --- wave completion and counts ---

    void isCurrentWaveDoneLooksUpToTheCurrentWave_data()
    {
        QTest::addColumn<int>("currentWave");
        QTest::addColumn<QStringList>("items"); // "wave:state"
        QTest::addColumn<bool>("done");

        QTest::newRow("all final, later wave waiting")
            << 0 << QStringList{"0:succeeded", "0:failed", "1:waiting", "2:waiting"} << true;
        QTest::newRow("dispatched in the current wave")
            << 0 << QStringList{"0:succeeded", "0:dispatched"} << false;
        QTest::newRow("sending in the current wave")
            << 0 << QStringList{"0:succeeded", "0:sending"} << false;
        QTest::newRow("waiting in the current wave")
            << 1 << QStringList{"0:succeeded", "1:waiting", "1:succeeded"} << false;
        QTest::newRow("waiting in an earlier wave (retried)")
            << 1 << QStringList{"0:waiting", "1:succeeded"} << false;
        QTest::newRow("skipped counts as final")
            << 1 << QStringList{"0:skipped", "1:skipped", "1:succeeded", "2:dispatched"} << true;
        QTest::newRow("planned out") << 0 << QStringList{"-1:skipped", "0:failed"} << true;
        QTest::newRow("no items") << 0 << QStringList{} << true;
    }

    void isCurrentWaveDoneLooksUpToTheCurrentWave()
    {
        QFETCH(int, currentWave);
        QFETCH(QStringList, items);
        QFETCH(bool, done);
        Rollout r;
        r.waveCount = 3;
        r.currentWave = currentWave;
        r.items = ::items(items);
        QCOMPARE(r.isCurrentWaveDone(), done);
    }

    void countsPerStateAndWave()
    {
        Rollout r;
        r.waveCount = 3;
        r.items = items({"0:succeeded",  "0:skipped",                                  //
                         "1:waiting",    "1:waiting",   "1:sending",   "1:dispatched", //
                         "1:dispatched", "1:succeeded", "1:succeeded", "1:succeeded",  //
                         "1:failed",     "1:skipped",   "1:skipped",                   //
                         "2:waiting",    "2:waiting",   "2:waiting",   "2:waiting",    //
                         "-1:skipped",   "-1:skipped",  "-1:skipped"});

        const Rollout::WaveCounts w1 = r.waveCounts(1);
        QCOMPARE(w1.total, 9);
        QCOMPARE(w1.waiting, 2);
        QCOMPARE(w1.inFlight, 3);
        QCOMPARE(w1.succeeded, 3);
        QCOMPARE(w1.failed, 1);
        QCOMPARE(w1.done(), 4);

        const Rollout::WaveCounts w0 = r.waveCounts(0);
        QCOMPARE(w0.total, 1);
        QCOMPARE(w0.succeeded, 1);
        QCOMPARE(w0.waiting + w0.inFlight + w0.failed, 0);

        const Rollout::WaveCounts w2 = r.waveCounts(2);
        QCOMPARE(w2.total, 4);
        QCOMPARE(w2.waiting, 4);

        const Rollout::WaveCounts none = r.waveCounts(5);
        QCOMPARE(none.total, 0);

        const Rollout::WaveCounts all = r.allCounts();
        QCOMPARE(all.total, 14);
        QCOMPARE(all.waiting, 6);
        QCOMPARE(all.inFlight, 3);
        QCOMPARE(all.succeeded, 4);
        QCOMPARE(all.failed, 1);
        QCOMPARE(all.done(), 5);

        QCOMPARE(r.skippedCount(), 6);
    }

    void targetOfPrefersTheItemThenThePin()
    {
        Rollout r;
        r.options.target = QStringLiteral("0.1.5");
        RolloutItem it = item(QStringLiteral("c1"), 0, State::Waiting);
        QCOMPARE(r.targetOf(it), QStringLiteral("0.1.5"));
        r.options.target.clear();
        QCOMPARE(r.targetOf(it), QString());
        r.pinnedTarget = QStringLiteral("0.1.7");
        QCOMPARE(r.targetOf(it), QStringLiteral("0.1.7"));
        it.target = QStringLiteral("0.1.2");
        QCOMPARE(r.targetOf(it), QStringLiteral("0.1.2"));
    }

    void itemHelpers()
    {
        for (int s = 0; s <= int(State::Skipped); ++s) {
            QCOMPARE(RolloutItem::stateFromId(RolloutItem::stateId(State(s))), State(s));
            RolloutItem it;
            it.state = State(s);
            QCOMPARE(it.isFinal(), s >= int(State::Succeeded));
        }
        QVERIFY(!RolloutItem::stateFromId(QStringLiteral("exploded")));
        QCOMPARE(RolloutItem::stateId(State::Dispatched), QStringLiteral("dispatched"));

        RolloutItem it;
        it.fromVersion = QStringLiteral("0.1.4");
        it.reported = QStringLiteral("0.1.5");
        QVERIFY(!it.moved()); // never sent
        it.dispatchedAt = utc(1, 0, 0, 0);
        QVERIFY(it.moved());
        it.reported = QStringLiteral("0.1.4");
        QVERIFY(!it.moved());
        it.reported.clear();
        QVERIFY(!it.moved());
    }

    void newIdIsSortableByTime()
    {
        static const QRegularExpression shape(QStringLiteral("^r\\d{8}T\\d{6}-[0-9a-f]{4}$"));
        const QString early = Rollout::newId(utc(1, 23, 59, 59));
        const QString late = Rollout::newId(utc(2, 0, 0, 0));
        QVERIFY2(shape.match(early).hasMatch(), qPrintable(early));
        QVERIFY2(early.startsWith(QLatin1String("r20260101T235959-")), qPrintable(early));
        QVERIFY(early < late);
    }

    // --- state text ---

    void stateTextNamesTheWaveAndCounts()
    {
        Rollout r;
        r.waveCount = 3;
        r.currentWave = 1;
        for (int i = 0; i < 5; ++i) // wave 1 (0), finished: not counted in the current wave
            r.items << item(QStringLiteral("a%1").arg(i), 0, State::Succeeded);
        for (int i = 0; i < 40; ++i) {
            const State s = i < 11 ? State::Succeeded : i < 12 ? State::Failed : State::Dispatched;
            r.items << item(QStringLiteral("b%1").arg(i), 1, s);
        }
        r.status = Status::Running;
        QString text = r.stateText();
        // "wave 2 (2 of 3): 12 of 40 done, 1 failed"
        QVERIFY2(text.contains(QLatin1String("wave 2")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("2 of 3")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("12 of 40 done")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("1 failed")), qPrintable(text));

        r.status = Status::Paused;
        text = r.stateText();
        QVERIFY2(text.contains(QLatin1String("paused")) && text.contains(QLatin1String("2 of 3")),
                 qPrintable(text));

        r.status = Status::NeedsAttention;
        r.haltReason = QStringLiteral("3 connectors failed, the limit is 3");
        text = r.stateText();
        QVERIFY2(text.contains(QLatin1String("needs attention")) && text.contains(r.haltReason),
                 qPrintable(text));

        r.status = Status::Completed;
        text = r.stateText();
        QVERIFY2(text.contains(QLatin1String("16 of 45")), qPrintable(text));

        // With a canary the wave names shift; the position still counts from 1.
        r.options.canaryCount = 2;
        r.waveCount = 4;
        r.currentWave = 0;
        r.status = Status::Running;
        text = r.stateText();
        QVERIFY2(text.contains(QLatin1String("canary")) && text.contains(QLatin1String("1 of 4")),
                 qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("5 of 5 done")), qPrintable(text));
    }

    // --- JSON ---

    void jsonRoundTripKeepsEverything_data()
    {
        QTest::addColumn<int>("status");
        for (int s = 0; s <= int(Status::Aborted); ++s)
            QTest::newRow(qPrintable(Rollout::statusId(Status(s)))) << s;
    }

    void jsonRoundTripKeepsEverything()
    {
        QFETCH(int, status);
        const Rollout original = fullRollout(Status(status));
        const QJsonObject json = original.toJson();
        QString error;
        const auto back = Rollout::fromJson(json, &error);
        QVERIFY2(back, qPrintable(error));
        const QString diff = difference(original, *back);
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("differs in ") + diff));
        QCOMPARE(back->toJson(), json);
        // Through the bytes a file holds.
        const auto reread = Rollout::fromJson(
            QJsonDocument::fromJson(QJsonDocument(json).toJson()).object(), &error);
        QVERIFY2(reread, qPrintable(error));
        QCOMPARE(reread->toJson(), json);
        QCOMPARE(Rollout::statusFromId(Rollout::statusId(Status(status))), Status(status));
        QVERIFY(!Rollout::statusText(Status(status)).isEmpty());
    }

    void fromJsonRefusesWhatItDoesNotKnow_data()
    {
        QTest::addColumn<QJsonObject>("json");
        const QJsonObject good = fullRollout(Status::Running).toJson();
        auto with = [&](const QString& key, const QJsonValue& value) {
            QJsonObject o = good;
            o.insert(key, value);
            return o;
        };
        auto withItem = [&](const QString& key, const QJsonValue& value) {
            QJsonObject o = good;
            QJsonArray list = o.value(QStringLiteral("items")).toArray();
            QJsonObject first = list.at(0).toObject();
            if (value.isUndefined())
                first.remove(key);
            else
                first.insert(key, value);
            list.replace(0, first);
            o.insert(QStringLiteral("items"), list);
            return o;
        };
        QJsonObject noId = good;
        noId.remove(QStringLiteral("id"));
        QJsonObject noFormat = good;
        noFormat.remove(QStringLiteral("format"));
        QJsonObject noStatus = good;
        noStatus.remove(QStringLiteral("status"));

        QTest::newRow("no id") << noId;
        QTest::newRow("empty id") << with(QStringLiteral("id"), QString());
        QTest::newRow("unknown status") << with(QStringLiteral("status"), QStringLiteral("dozing"));
        QTest::newRow("no status") << noStatus;
        QTest::newRow("format 2") << with(QStringLiteral("format"), 2);
        QTest::newRow("no format") << noFormat;
        QTest::newRow("item in an unknown state")
            << withItem(QStringLiteral("state"), QStringLiteral("exploded"));
        QTest::newRow("item without state")
            << withItem(QStringLiteral("state"), QJsonValue(QJsonValue::Undefined));
        QTest::newRow("item without id")
            << withItem(QStringLiteral("id"), QJsonValue(QJsonValue::Undefined));
    }

    void fromJsonRefusesWhatItDoesNotKnow()
    {
        QFETCH(QJsonObject, json);
        QString error;
        QVERIFY(!Rollout::fromJson(json, &error));
        QVERIFY(!error.isEmpty());
    }

    // --- store ---

    void storeFindsTheNewestActiveAndTheLatest()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const RolloutStore store(dir.path(), QStringLiteral("prod"));
        QString error;
        QVERIFY(!store.active(&error));
        QVERIFY(!store.latest(&error));
        QVERIFY(store.ids().isEmpty());

        const QString oldId = Rollout::newId(utc(1, 9, 0, 0));
        const QString midId = Rollout::newId(utc(2, 9, 0, 0));
        const QString newId = Rollout::newId(utc(3, 9, 0, 0));
        const Rollout old = simpleRollout(oldId, Status::Running);
        Rollout mid = simpleRollout(midId, Status::NeedsAttention);
        mid.haltReason = QStringLiteral("halted");
        const Rollout done = simpleRollout(newId, Status::Completed);
        // Saved out of order: the ids order them.
        QVERIFY2(store.save(done, &error), qPrintable(error));
        QVERIFY2(store.save(old, &error), qPrintable(error));
        QVERIFY2(store.save(mid, &error), qPrintable(error));
        QCOMPARE(store.ids(), (QStringList{oldId, midId, newId}));
        QCOMPARE(QFileInfo(store.filePath(midId)).path(), store.directory());

        error.clear();
        const auto active = store.active(&error);
        QVERIFY(active);
        QCOMPARE(active->id, midId); // the newer Completed one is skipped
        QCOMPARE(active->toJson(), mid.toJson());
        QVERIFY(error.isEmpty());
        const auto latest = store.latest(&error);
        QVERIFY2(latest, qPrintable(error));
        QCOMPARE(latest->id, newId);
        const auto loaded = store.load(oldId, &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->toJson(), old.toJson());

        // Saved again, whole: the file holds the new state.
        mid.status = Status::Aborted;
        QVERIFY2(store.save(mid, &error), qPrintable(error));
        QCOMPARE(store.load(midId, &error).value().status, Status::Aborted);
        QCOMPARE(store.active(&error).value().id, oldId);
        Rollout stopped = old;
        stopped.status = Status::Aborted;
        QVERIFY2(store.save(stopped, &error), qPrintable(error));
        QVERIFY(!store.active(&error));
    }

    void storeLoadOfABadFileNamesThePath_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("not JSON") << QByteArray("{\"format\":1,\"id\":");
        QTest::newRow("an array") << QByteArray("[1,2]");
        QTest::newRow("not a rollout") << QByteArray(R"({"format":1,"status":"running"})");
        QTest::newRow("empty") << QByteArray();
    }

    void storeLoadOfABadFileNamesThePath()
    {
        QFETCH(QByteArray, bytes);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const RolloutStore store(dir.path(), QStringLiteral("prod"));
        QString error;
        const Rollout older =
            simpleRollout(QStringLiteral("r20260101T000000-0001"), Status::Paused);
        QVERIFY2(store.save(older, &error), qPrintable(error));
        const QString badId = QStringLiteral("r20260102T000000-0002");
        QVERIFY(writeAll(store.filePath(badId), bytes));

        error.clear();
        QVERIFY(!store.load(badId, &error));
        QVERIFY2(error.contains(store.filePath(badId)), qPrintable(error));
        error.clear();
        QVERIFY(!store.latest(&error));
        QVERIFY2(error.contains(store.filePath(badId)), qPrintable(error));
        // active() names the unreadable file and still finds the older active one.
        error.clear();
        const auto active = store.active(&error);
        QVERIFY(active);
        QCOMPARE(active->id, older.id);
        QVERIFY2(error.contains(store.filePath(badId)), qPrintable(error));
        // A missing one too.
        error.clear();
        QVERIFY(!store.load(QStringLiteral("r20990101T000000-ffff"), &error));
        QVERIFY2(error.contains(store.filePath(QStringLiteral("r20990101T000000-ffff"))),
                 qPrintable(error));
    }

    void storeKeepsProfilesApart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const RolloutStore slash(dir.path(), QStringLiteral("prod/eu"));
        const RolloutStore underscore(dir.path(), QStringLiteral("prod_eu"));
        const RolloutStore dots(dir.path(), QStringLiteral("../.."));
        QVERIFY(slash.directory() != underscore.directory());
        const QString root = dir.path() + QStringLiteral("/rollouts/");
        for (const RolloutStore* s : {&slash, &underscore, &dots}) {
            // One directory right under <data>/rollouts, whatever the name holds.
            QVERIFY2(s->directory().startsWith(root), qPrintable(s->directory()));
            QVERIFY2(!s->directory().mid(root.size()).contains(QLatin1Char('/')),
                     qPrintable(s->directory()));
            QVERIFY2(QDir::cleanPath(s->directory()) == s->directory(), qPrintable(s->directory()));
        }
        QString error;
        QVERIFY2(slash.save(simpleRollout(QStringLiteral("r20260101T000000-0001"), Status::Running),
                            &error),
                 qPrintable(error));
        QCOMPARE(slash.ids().size(), 1);
        QVERIFY(underscore.ids().isEmpty());
        QVERIFY(!underscore.active(&error));
        // The same name twice: the same directory.
        QCOMPARE(RolloutStore(dir.path(), QStringLiteral("prod/eu")).directory(),
                 slash.directory());
    }

    void storeFilesArePrivate()
    {
#ifdef Q_OS_WIN
        QSKIP("POSIX modes");
#endif
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const RolloutStore store(dir.path(), QStringLiteral("prod"));
        QString error;
        const QString id = QStringLiteral("r20260101T000000-0001");
        QVERIFY2(store.save(simpleRollout(id, Status::Running), &error), qPrintable(error));
        const QFileDevice::Permissions file = QFile::permissions(store.filePath(id));
        QVERIFY(file & QFileDevice::ReadOwner);
        QVERIFY(file & QFileDevice::WriteOwner);
        QCOMPARE(int(file & kGroupOrOther), 0);
        QCOMPARE(int(QFile::permissions(store.directory()) & kGroupOrOther), 0);

        RolloutStore::Request request;
        request.action = QStringLiteral("pause");
        request.rolloutId = id;
        request.time = utc(1, 0, 0, 1);
        QVERIFY2(store.addRequest(request, &error), qPrintable(error));
        const QFileInfoList requests =
            QDir(store.requestDirectory()).entryInfoList(QDir::Files | QDir::Hidden);
        QCOMPARE(requests.size(), 1);
        QCOMPARE(int(requests.first().permissions() & kGroupOrOther), 0);
        QCOMPARE(int(QFile::permissions(store.requestDirectory()) & kGroupOrOther), 0);
    }

    void requestsAreTakenOldestFirstAndRemoved()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const RolloutStore store(dir.path(), QStringLiteral("prod"));
        QVERIFY(store.takeRequests().isEmpty()); // no directory yet

        RolloutStore::Request late;
        late.action = QStringLiteral("resume");
        late.rolloutId = QStringLiteral("r20260101T000000-0001");
        late.by = QStringLiteral("connector-admin (process 7)");
        late.time = utc(5, 10, 0, 0, 2);
        RolloutStore::Request early;
        early.action = QStringLiteral("pause");
        early.rolloutId = QStringLiteral("r20260101T000000-0001");
        early.by = QStringLiteral("connectorctl (process 4242)");
        early.time = utc(5, 10, 0, 0, 1);
        QString error;
        QVERIFY2(store.addRequest(late, &error), qPrintable(error)); // made later, added first
        QVERIFY2(store.addRequest(early, &error), qPrintable(error));
        QCOMPARE(QDir(store.requestDirectory()).entryList(QDir::Files).size(), 2);

        const QList<RolloutStore::Request> taken = store.takeRequests();
        QCOMPARE(taken.size(), 2);
        QCOMPARE(taken.at(0).action, early.action);
        QCOMPARE(taken.at(0).rolloutId, early.rolloutId);
        QCOMPARE(taken.at(0).by, early.by);
        QCOMPARE(taken.at(0).time, early.time);
        QCOMPARE(taken.at(1).action, late.action);
        QCOMPARE(taken.at(1).by, late.by);
        QCOMPARE(taken.at(1).time, late.time);
        QVERIFY(!taken.at(0).id.isEmpty());
        QVERIFY(taken.at(0).id != taken.at(1).id);
        QVERIFY(QDir(store.requestDirectory()).entryList(QDir::Files | QDir::Hidden).isEmpty());
        QVERIFY(store.takeRequests().isEmpty());
    }

    void garbageRequestIsDropped()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const RolloutStore store(dir.path(), QStringLiteral("prod"));
        RolloutStore::Request request;
        request.action = QStringLiteral("abort");
        request.rolloutId = QStringLiteral("r20260101T000000-0001");
        request.time = utc(5, 10, 0, 0);
        QString error;
        QVERIFY2(store.addRequest(request, &error), qPrintable(error));
        // Sorts before and after the real one.
        const QString before = store.requestDirectory() + QStringLiteral("/0-torn.json");
        const QString after = store.requestDirectory() + QStringLiteral("/z-array.json");
        QVERIFY(writeAll(before, "{\"action\":\"pau"));
        QVERIFY(writeAll(after, "[\"abort\"]"));

        const QList<RolloutStore::Request> taken = store.takeRequests();
        QCOMPARE(taken.size(), 1);
        QCOMPARE(taken.first().action, request.action);
        QCOMPARE(taken.first().rolloutId, request.rolloutId);
        QVERIFY(!QFile::exists(before));
        QVERIFY(!QFile::exists(after));
        QVERIFY(QDir(store.requestDirectory()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRollout)
#include "tst_rollout.moc"
