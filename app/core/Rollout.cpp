#include "Rollout.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ca {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ca::Rollout", text);
}

QString iso(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime fromIso(const QJsonValue& v)
{
    const QString s = v.toString();
    return s.isEmpty() ? QDateTime() : QDateTime::fromString(s, Qt::ISODateWithMs).toUTC();
}

const char* const kStateIds[] = {"waiting",   "sending", "dispatched",
                                 "succeeded", "failed",  "skipped"};
const char* const kStatusIds[] = {"running", "between-waves",   "awaiting-approval",
                                  "paused",  "needs-attention", "completed",
                                  "aborted"};

// Reproducible order for choosing a canary: the same fleet gives the same canary.
QByteArray canaryKey(const QString& id)
{
    return QCryptographicHash::hash(QByteArrayLiteral("canary:") + id.toUtf8(),
                                    QCryptographicHash::Sha1);
}

} // namespace

// --- options ---

QList<int> RolloutOptions::defaultWaves()
{
    QList<int> waves;
    waves << 5 << 25 << 100;
    return waves;
}

QJsonObject RolloutOptions::toJson() const
{
    QJsonArray waves;
    for (int p : wavePercents)
        waves.append(p);
    return {{QStringLiteral("target"), target},
            {QStringLiteral("canaryCount"), canaryCount},
            {QStringLiteral("canaryIds"), QJsonArray::fromStringList(canaryIds)},
            {QStringLiteral("wavePercents"), waves},
            {QStringLiteral("maxFailurePercent"), maxFailurePercent},
            {QStringLiteral("maxFailureCount"), maxFailureCount},
            {QStringLiteral("minFinished"), minFinished},
            {QStringLiteral("reportTimeoutMs"), double(reportTimeoutMs)},
            {QStringLiteral("pauseBetweenMs"), double(pauseBetweenMs)},
            {QStringLiteral("approveEach"), approveEach},
            {QStringLiteral("parallel"), parallel},
            {QStringLiteral("pollIntervalMs"), double(pollIntervalMs)}};
}

RolloutOptions RolloutOptions::fromJson(const QJsonObject& o)
{
    RolloutOptions r;
    r.target = o.value(QStringLiteral("target")).toString();
    r.canaryCount = qMax(0, o.value(QStringLiteral("canaryCount")).toInt());
    for (const QJsonValue& v : o.value(QStringLiteral("canaryIds")).toArray())
        r.canaryIds << v.toString();
    const QJsonArray waves = o.value(QStringLiteral("wavePercents")).toArray();
    if (!waves.isEmpty()) {
        r.wavePercents.clear();
        for (const QJsonValue& v : waves)
            r.wavePercents << qBound(1, v.toInt(), 100);
    }
    r.maxFailurePercent = qBound(0, o.value(QStringLiteral("maxFailurePercent")).toInt(20), 100);
    r.maxFailureCount = qMax(0, o.value(QStringLiteral("maxFailureCount")).toInt());
    r.minFinished = qMax(0, o.value(QStringLiteral("minFinished")).toInt(5));
    r.reportTimeoutMs =
        qMax<qint64>(1, qint64(o.value(QStringLiteral("reportTimeoutMs")).toDouble(1800000)));
    r.pauseBetweenMs =
        qMax<qint64>(0, qint64(o.value(QStringLiteral("pauseBetweenMs")).toDouble()));
    r.approveEach = o.value(QStringLiteral("approveEach")).toBool();
    r.parallel = qBound(1, o.value(QStringLiteral("parallel")).toInt(4), 64);
    r.pollIntervalMs =
        qMax<qint64>(10, qint64(o.value(QStringLiteral("pollIntervalMs")).toDouble(5000)));
    return r;
}

std::optional<QList<int>> RolloutOptions::parseWaves(const QString& text, QString* error)
{
    QList<int> out;
    const QStringList parts = text.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString part : parts) {
        part = part.trimmed();
        if (part.endsWith(QLatin1Char('%')))
            part.chop(1);
        bool ok = false;
        const int p = part.toInt(&ok);
        if (!ok || p < 1 || p > 100) {
            *error = tr("waves: \"%1\" is not a percentage from 1 to 100").arg(part);
            return std::nullopt;
        }
        if (!out.isEmpty() && p <= out.last()) {
            *error = tr("waves: each percentage must be larger than the one before (%1 after %2); "
                        "they are cumulative, e.g. 5%,25%,100%")
                         .arg(p)
                         .arg(out.last());
            return std::nullopt;
        }
        out << p;
    }
    if (out.isEmpty()) {
        *error = tr("waves: give at least one percentage, e.g. 5%,25%,100%");
        return std::nullopt;
    }
    return out;
}

bool RolloutOptions::parseMaxFailures(const QString& text, QString* error)
{
    QString t = text.trimmed();
    const bool percent = t.endsWith(QLatin1Char('%'));
    if (percent)
        t.chop(1);
    bool ok = false;
    const int n = t.toInt(&ok);
    if (!ok || n < 0 || (percent && n > 100)) {
        *error = tr("max failures: \"%1\" is neither a percentage (20%) nor a count (3)").arg(text);
        return false;
    }
    if (percent)
        maxFailurePercent = n;
    else
        maxFailureCount = n;
    return true;
}

std::optional<qint64> RolloutOptions::parseDuration(const QString& text, QString* error)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+)\\s*(ms|s|m|min|h)?\\s*$"));
    const auto m = re.match(text);
    if (!m.hasMatch()) {
        *error = tr("\"%1\" is not a duration such as 30m, 10s, 1h or 500ms").arg(text);
        return std::nullopt;
    }
    bool ok = false;
    const qint64 n = m.captured(1).toLongLong(&ok);
    const QString unit = m.captured(2);
    qint64 factor = 1000;
    if (unit == QLatin1String("ms"))
        factor = 1;
    else if (unit == QLatin1String("m") || unit == QLatin1String("min"))
        factor = 60000;
    else if (unit == QLatin1String("h"))
        factor = 3600000;
    // A year at most: longer is a typo, and a larger number would overflow.
    constexpr qint64 kMaxMs = 366LL * 24 * 3600000;
    if (!ok || n > kMaxMs / factor) {
        *error = tr("\"%1\" is longer than a year").arg(text);
        return std::nullopt;
    }
    return n * factor;
}

QString RolloutOptions::durationText(qint64 ms)
{
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 60000)
        return tr("%1 s").arg(ms / 1000);
    if (ms < 3600000)
        return ms % 60000 == 0 ? tr("%1 min").arg(ms / 60000)
                               : tr("%1 min %2 s").arg(ms / 60000).arg(ms % 60000 / 1000);
    if (ms % 3600000 < 60000)
        return tr("%1 h").arg(ms / 3600000);
    return tr("%1 h %2 min").arg(ms / 3600000).arg(ms % 3600000 / 60000);
}

QString RolloutOptions::thresholdText() const
{
    QStringList parts;
    if (maxFailurePercent > 0)
        parts << tr("%1% of finished failed (once %2 finished)")
                     .arg(maxFailurePercent)
                     .arg(minFinished);
    if (maxFailureCount > 0)
        parts << tr("%1 failed").arg(maxFailureCount);
    return parts.isEmpty() ? tr("none") : parts.join(tr(" or "));
}

// --- items ---

QString RolloutItem::stateId(State s)
{
    return QString::fromLatin1(kStateIds[int(s)]);
}

std::optional<RolloutItem::State> RolloutItem::stateFromId(const QString& id)
{
    for (int i = 0; i <= int(State::Skipped); ++i) {
        if (id == QLatin1String(kStateIds[i]))
            return State(i);
    }
    return std::nullopt;
}

// --- rollout ---

QString Rollout::statusId(Status s)
{
    return QString::fromLatin1(kStatusIds[int(s)]);
}

QString Rollout::statusText(Status s)
{
    switch (s) {
    case Status::Running:
        return tr("running");
    case Status::BetweenWaves:
        return tr("waiting between waves");
    case Status::AwaitingApproval:
        return tr("waiting for Continue");
    case Status::Paused:
        return tr("paused");
    case Status::NeedsAttention:
        return tr("needs attention");
    case Status::Completed:
        return tr("completed");
    case Status::Aborted:
        return tr("aborted");
    }
    return {};
}

std::optional<Rollout::Status> Rollout::statusFromId(const QString& id)
{
    for (int i = 0; i <= int(Status::Aborted); ++i) {
        if (id == QLatin1String(kStatusIds[i]))
            return Status(i);
    }
    return std::nullopt;
}

QString Rollout::newId(const QDateTime& now)
{
    return QStringLiteral("r") + now.toUTC().toString(QStringLiteral("yyyyMMddTHHmmss")) +
           QLatin1Char('-') +
           QString::number(QRandomGenerator::global()->bounded(0x10000), 16)
               .rightJustified(4, QLatin1Char('0'));
}

std::optional<QList<int>> Rollout::assignWaves(const QStringList& eligible,
                                               const RolloutOptions& options, QString* error,
                                               int* waveCount)
{
    QList<int> wave(eligible.size(), -1);
    int next = 0;
    // The canary: named, or the first N by a hash of the id (reproducible, spread over the list).
    QList<int> canary;
    if (!options.canaryIds.isEmpty()) {
        for (const QString& id : options.canaryIds) {
            const int i = eligible.indexOf(id);
            if (i < 0) {
                *error = tr("canary %1 is not among the connectors this rollout updates").arg(id);
                return std::nullopt;
            }
            canary << i;
        }
    } else if (options.canaryCount > 0) {
        QList<int> order(eligible.size());
        std::iota(order.begin(), order.end(), 0);
        QList<QByteArray> keys;
        keys.reserve(eligible.size());
        for (const QString& id : eligible)
            keys << canaryKey(id);
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return keys.at(a) < keys.at(b); });
        canary = order.mid(0, qMin(options.canaryCount, int(order.size())));
    }
    if (!canary.isEmpty()) {
        for (int i : canary)
            wave[i] = 0;
        next = 1;
    }
    QList<int> rest;
    for (int i = 0; i < eligible.size(); ++i) {
        if (wave.at(i) < 0)
            rest << i;
    }
    QList<int> percents = options.wavePercents.isEmpty() ? QList<int>{100} : options.wavePercents;
    percents.last() = 100;
    const int n = int(rest.size());
    int from = 0;
    for (int p : percents) {
        const int to = qMin(n, int(std::ceil(double(n) * p / 100.0)));
        if (to <= from)
            continue; // empty after rounding
        for (int k = from; k < to; ++k)
            wave[rest.at(k)] = next;
        ++next;
        from = to;
    }
    *waveCount = next;
    return wave;
}

QString Rollout::waveName(int wave) const
{
    if (hasCanary())
        return wave == 0 ? tr("canary") : tr("wave %1").arg(wave);
    return tr("wave %1").arg(wave + 1);
}

QString Rollout::targetOf(const RolloutItem& item) const
{
    if (!item.target.isEmpty())
        return item.target;
    return pinnedTarget.isEmpty() ? options.target : pinnedTarget;
}

Rollout::WaveCounts Rollout::waveCounts(int wave) const
{
    WaveCounts c;
    for (const RolloutItem& it : items) {
        if (it.wave != wave || it.state == RolloutItem::State::Skipped)
            continue;
        ++c.total;
        switch (it.state) {
        case RolloutItem::State::Waiting:
            ++c.waiting;
            break;
        case RolloutItem::State::Sending:
        case RolloutItem::State::Dispatched:
            ++c.inFlight;
            break;
        case RolloutItem::State::Succeeded:
            ++c.succeeded;
            break;
        case RolloutItem::State::Failed:
            ++c.failed;
            break;
        case RolloutItem::State::Skipped:
            break;
        }
    }
    return c;
}

Rollout::WaveCounts Rollout::allCounts() const
{
    WaveCounts all;
    for (int w = 0; w < waveCount; ++w) {
        const WaveCounts c = waveCounts(w);
        all.total += c.total;
        all.waiting += c.waiting;
        all.inFlight += c.inFlight;
        all.succeeded += c.succeeded;
        all.failed += c.failed;
    }
    return all;
}

int Rollout::skippedCount() const
{
    return int(std::count_if(items.cbegin(), items.cend(), [](const RolloutItem& it) {
        return it.state == RolloutItem::State::Skipped;
    }));
}

Rollout::Tally Rollout::tally() const
{
    Tally t;
    for (const RolloutItem& it : items) {
        if (it.epoch != epoch)
            continue;
        if (it.state == RolloutItem::State::Succeeded) {
            ++t.finished;
        } else if (it.state == RolloutItem::State::Failed) {
            ++t.finished;
            ++t.failed;
        }
    }
    return t;
}

QString Rollout::thresholdCrossed(bool waveDone) const
{
    const Tally t = tally();
    if (options.maxFailureCount > 0 && t.failed >= options.maxFailureCount)
        return tr("%1 connectors failed, the limit is %2")
            .arg(t.failed)
            .arg(options.maxFailureCount);
    if (options.maxFailurePercent > 0 && t.finished > 0 &&
        (t.finished >= options.minFinished || waveDone) &&
        qint64(t.failed) * 100 >= qint64(options.maxFailurePercent) * t.finished) {
        if (t.finished < options.minFinished)
            return tr("%1 of %2 finished connectors failed (%3%) by the end of the wave, the "
                      "limit is %4%")
                .arg(t.failed)
                .arg(t.finished)
                .arg(t.failed * 100 / t.finished)
                .arg(options.maxFailurePercent);
        return tr("%1 of %2 finished connectors failed (%3%), the limit is %4% once %5 finished")
            .arg(t.failed)
            .arg(t.finished)
            .arg(t.failed * 100 / t.finished)
            .arg(options.maxFailurePercent)
            .arg(options.minFinished);
    }
    return {};
}

bool Rollout::isCurrentWaveDone() const
{
    for (const RolloutItem& it : items) {
        if (it.wave >= 0 && it.wave <= currentWave && !it.isFinal())
            return false;
    }
    return true;
}

QString Rollout::stateText() const
{
    const QString where =
        waveCount > 0
            ? tr("%1 (%2 of %3)").arg(waveName(currentWave)).arg(currentWave + 1).arg(waveCount)
            : tr("no wave");
    const WaveCounts c = waveCounts(currentWave);
    const QString counts = tr("%1 of %2 done, %3 failed").arg(c.done()).arg(c.total).arg(c.failed);
    switch (status) {
    case Status::Running:
        return tr("%1: %2").arg(where, counts);
    case Status::BetweenWaves:
        return tr("%1 finished (%2); the next wave starts at %3")
            .arg(where, counts,
                 QLocale().toString(nextWaveAt.toLocalTime().time(), QLocale::ShortFormat));
    case Status::AwaitingApproval:
        return tr("%1 finished (%2); waiting for Continue").arg(where, counts);
    case Status::Paused:
        return tr("paused in %1: %2").arg(where, counts);
    case Status::NeedsAttention:
        return tr("needs attention in %1: %2").arg(where, haltReason);
    case Status::Completed: {
        const WaveCounts a = allCounts();
        return tr("completed: %1 of %2 updated, %3 failed")
            .arg(a.succeeded)
            .arg(a.total)
            .arg(a.failed);
    }
    case Status::Aborted: {
        const WaveCounts a = allCounts();
        return tr("aborted in %1: %2 of %3 updated, %4 failed")
            .arg(where)
            .arg(a.succeeded)
            .arg(a.total)
            .arg(a.failed);
    }
    }
    return {};
}

void Rollout::addEvent(const QString& kind, const QString& text, const QDateTime& time)
{
    events.append({time.toUTC(), kind, text});
}

QJsonObject Rollout::toJson() const
{
    QJsonArray itemArray;
    for (const RolloutItem& it : items) {
        QJsonObject o{{QStringLiteral("id"), it.id},
                      {QStringLiteral("from"), it.fromVersion},
                      {QStringLiteral("wave"), it.wave},
                      {QStringLiteral("state"), RolloutItem::stateId(it.state)}};
        if (!it.name.isEmpty())
            o.insert(QStringLiteral("name"), it.name);
        if (!it.target.isEmpty())
            o.insert(QStringLiteral("target"), it.target);
        if (!it.message.isEmpty())
            o.insert(QStringLiteral("message"), it.message);
        if (!it.reported.isEmpty())
            o.insert(QStringLiteral("reported"), it.reported);
        if (it.dispatchedAt.isValid())
            o.insert(QStringLiteral("dispatchedAt"), iso(it.dispatchedAt));
        if (it.notBefore.isValid())
            o.insert(QStringLiteral("notBefore"), iso(it.notBefore));
        if (it.force)
            o.insert(QStringLiteral("force"), true);
        if (it.uncertain)
            o.insert(QStringLiteral("uncertain"), true);
        if (it.epoch >= 0)
            o.insert(QStringLiteral("epoch"), it.epoch);
        itemArray.append(o);
    }
    QJsonArray eventArray;
    for (const RolloutEvent& e : events)
        eventArray.append(QJsonObject{{QStringLiteral("time"), iso(e.time)},
                                      {QStringLiteral("kind"), e.kind},
                                      {QStringLiteral("text"), e.text}});
    return {{QStringLiteral("format"), 1},
            {QStringLiteral("id"), id},
            {QStringLiteral("profile"), profile},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("parentId"), parentId},
            {QStringLiteral("rollbackId"), rollbackId},
            {QStringLiteral("created"), iso(created)},
            {QStringLiteral("tool"), auditToolName(tool)},
            {QStringLiteral("options"), options.toJson()},
            {QStringLiteral("pinnedTarget"), pinnedTarget},
            {QStringLiteral("waveCount"), waveCount},
            {QStringLiteral("currentWave"), currentWave},
            {QStringLiteral("status"), statusId(status)},
            {QStringLiteral("nextWaveAt"), iso(nextWaveAt)},
            {QStringLiteral("haltReason"), haltReason},
            {QStringLiteral("epoch"), epoch},
            {QStringLiteral("items"), itemArray},
            {QStringLiteral("events"), eventArray}};
}

std::optional<Rollout> Rollout::fromJson(const QJsonObject& o, QString* error)
{
    Rollout r;
    r.id = o.value(QStringLiteral("id")).toString();
    const auto status = statusFromId(o.value(QStringLiteral("status")).toString());
    if (r.id.isEmpty() || !status || o.value(QStringLiteral("format")).toInt() != 1) {
        if (error)
            *error = tr("not a rollout file this version understands (no id, status or format 1)");
        return std::nullopt;
    }
    r.status = *status;
    r.profile = o.value(QStringLiteral("profile")).toString();
    r.kind = o.value(QStringLiteral("kind")).toString(QStringLiteral("update"));
    r.parentId = o.value(QStringLiteral("parentId")).toString();
    r.rollbackId = o.value(QStringLiteral("rollbackId")).toString();
    r.created = fromIso(o.value(QStringLiteral("created")));
    r.tool = auditToolFromName(o.value(QStringLiteral("tool")).toString()).value_or(AuditTool::Gui);
    r.options = RolloutOptions::fromJson(o.value(QStringLiteral("options")).toObject());
    r.pinnedTarget = o.value(QStringLiteral("pinnedTarget")).toString();
    r.waveCount = qMax(0, o.value(QStringLiteral("waveCount")).toInt());
    r.currentWave =
        qBound(0, o.value(QStringLiteral("currentWave")).toInt(), qMax(0, r.waveCount - 1));
    r.nextWaveAt = fromIso(o.value(QStringLiteral("nextWaveAt")));
    r.haltReason = o.value(QStringLiteral("haltReason")).toString();
    r.epoch = o.value(QStringLiteral("epoch")).toInt();
    for (const QJsonValue& v : o.value(QStringLiteral("items")).toArray()) {
        const QJsonObject io = v.toObject();
        RolloutItem it;
        it.id = io.value(QStringLiteral("id")).toString();
        const auto state = RolloutItem::stateFromId(io.value(QStringLiteral("state")).toString());
        if (it.id.isEmpty() || !state) {
            if (error)
                *error = tr("a connector of rollout %1 has no id or an unknown state").arg(r.id);
            return std::nullopt;
        }
        it.state = *state;
        it.name = io.value(QStringLiteral("name")).toString();
        it.fromVersion = io.value(QStringLiteral("from")).toString();
        it.target = io.value(QStringLiteral("target")).toString();
        it.wave = io.value(QStringLiteral("wave")).toInt(-1);
        it.message = io.value(QStringLiteral("message")).toString();
        it.reported = io.value(QStringLiteral("reported")).toString();
        it.dispatchedAt = fromIso(io.value(QStringLiteral("dispatchedAt")));
        it.notBefore = fromIso(io.value(QStringLiteral("notBefore")));
        it.force = io.value(QStringLiteral("force")).toBool();
        it.uncertain = io.value(QStringLiteral("uncertain")).toBool();
        it.epoch = io.value(QStringLiteral("epoch")).toInt(-1);
        r.items.append(it);
    }
    for (const QJsonValue& v : o.value(QStringLiteral("events")).toArray()) {
        const QJsonObject eo = v.toObject();
        r.events.append({fromIso(eo.value(QStringLiteral("time"))),
                         eo.value(QStringLiteral("kind")).toString(),
                         eo.value(QStringLiteral("text")).toString()});
    }
    return r;
}

} // namespace ca
