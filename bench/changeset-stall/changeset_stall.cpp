// The GUI thread while a 1,000-connector change set applies: a QApplication (offscreen) whose
// GUI thread runs the plan (ChangeSetPlanner) and the apply (ChangeSetRun, with an audit log and
// its durable intents) against a connector-sandbox, driven through the window's change-set review
// (ChangeSetDialog: plan(), then its Apply button) when the tree has it, else ChangeSetRun alone.
// A 10 ms heartbeat QTimer on the GUI thread (as tests/gui/tst_soak.cpp measures) notes every
// stall: the time between two ticks beyond the 10 ms.
// Usage: changeset_stall BASE_URL [--count N] [--concurrency N] [--mode dialog|run] [--name TEXT]
//        BASE_URL is the sandbox's http://127.0.0.1:PORT; the Databar profile is BASE_URL/databar,
//        the key CONNECTOR_ADMIN_API_KEY (default demo-key). Defaults: 1000, 16, dialog when built
//        with it, a name with the time in it (each run renames every connector to a new value).
// The dialog starts its run at its own concurrency (4 at the time of writing); --concurrency
// widens that run right after Apply (ChangeSetRun::setConcurrency takes effect at the next item).
// Prints one line for bench/run:
//   changeset-stall mode=dialog|run concurrency=N connectors=N applied=N apply_worst_ms=…
//   apply_p99_ms=… apply_ms=… plan_worst_ms=… plan_ms=… beats=…
#include "AuditLog.h"
#include "ChangeSet.h"
#include "ChangeSetRun.h"
#include "ConnectorService.h"
#include "EditReview.h"
#include "HttpClient.h"
#include "JsonPointer.h"

#if __has_include("ChangeSetDialog.h")
#include "ChangeSetDialog.h"
#include <QPushButton>
#define CA_BENCH_HAS_DIALOG 1
#else
#define CA_BENCH_HAS_DIALOG 0
#endif

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace ca;

namespace {

constexpr int kBeatMs = 10;

// The heartbeat: a gap beyond kBeatMs between two ticks is a stall of the GUI thread.
class Heartbeat
{
public:
    Heartbeat()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { tick(); });
    }
    void start()
    {
        m_stalls.clear();
        m_clock.start();
        m_timer.start(kBeatMs);
    }
    void stop()
    {
        tick();
        m_timer.stop();
    }
    qint64 worst() const
    {
        return m_stalls.isEmpty() ? 0 : *std::max_element(m_stalls.cbegin(), m_stalls.cend());
    }
    qint64 percentile(double p) const
    {
        if (m_stalls.isEmpty())
            return 0;
        QList<qint64> s = m_stalls;
        std::sort(s.begin(), s.end());
        return s.at(qMin(s.size() - 1, qsizetype(p * double(s.size()))));
    }
    qsizetype beats() const { return m_stalls.size(); }

private:
    void tick() { m_stalls.append(qMax<qint64>(0, m_clock.restart() - kBeatMs)); }

    QTimer m_timer;
    QElapsedTimer m_clock;
    QList<qint64> m_stalls;
};

// Runs the event loop until `done` holds (checked on every turn), or fails after `ms`.
bool waitFor(const std::function<bool()>& done, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    }
    return true;
}

int fail(const char* what)
{
    std::fprintf(stderr, "changeset_stall: %s\n", what);
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2 || args.at(1).startsWith(QLatin1String("-")))
        return fail("usage: changeset_stall BASE_URL [--count N] [--concurrency N] "
                    "[--mode dialog|run] [--name TEXT]");
    const auto option = [&args](const char* name, const QString& fallback) {
        const qsizetype i = args.indexOf(QLatin1String(name));
        return i > 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
    };
    const int count = option("--count", QStringLiteral("1000")).toInt();
    const int concurrency = option("--concurrency", QStringLiteral("16")).toInt();
    const QString mode =
        option("--mode", CA_BENCH_HAS_DIALOG ? QStringLiteral("dialog") : QStringLiteral("run"));
    const QString name =
        option("--name", QStringLiteral("Stall bench %1").arg(QDateTime::currentMSecsSinceEpoch()));
    if (mode == QLatin1String("dialog") && !CA_BENCH_HAS_DIALOG)
        return fail("built without app/gui/ChangeSetDialog.h; use --mode run");

    // As the window sets it up: one HttpClient on the GUI thread, a service per profile.
    ConnectorProfile profile;
    profile.name = QStringLiteral("bench-databar");
    profile.vendor = Vendor::Databar;
    profile.baseUrl = QUrl(args.at(1) + QStringLiteral("/databar"));
    profile.apiKey = qEnvironmentVariableIsSet("CONNECTOR_ADMIN_API_KEY")
                         ? qgetenv("CONNECTOR_ADMIN_API_KEY")
                         : QByteArray("demo-key");
    auto* http = new HttpClient(&app);
    ConnectorService* service = createConnectorService(profile, http, &app);
    QHash<QString, ConnectorService*> services{{profile.name, service}};
    QTemporaryDir auditDir;
    if (!auditDir.isValid())
        return fail("no temporary directory for the audit log");
    AuditLog audit(auditDir.path());

    // The connectors to rename: the first `count` of the profile, each renamed (the base is the
    // connector as listed, as a bulk edit of selected rows makes it).
    QList<Connector> listed;
    bool listDone = false;
    ConnectorListJob* list = service->list();
    QObject::connect(list, &ConnectorListJob::finished, &app, [&](const ConnectorListResult& r) {
        listed = r.connectors;
        listDone = true;
    });
    if (!waitFor([&] { return listDone; }, 60000) || listed.size() < count)
        return fail("could not list enough Databar connectors");
    QList<ChangeSetEntry> entries;
    for (int i = 0; i < count; ++i) {
        const Connector& c = listed.at(i);
        ChangeSetEntry e;
        e.profile = profile.name;
        e.connectorId = c.id;
        e.base = EditReview::printable(*service, c);
        e.desired =
            jsonValueSet(*e.base, QStringLiteral("/name"), QStringLiteral("%1 %2").arg(name).arg(i))
                .toObject();
        entries.append(e);
    }

    Heartbeat beat;
    QElapsedTimer clock;
    qint64 planMs = 0, applyMs = 0, planWorst = 0;
    int applied = 0;
    beat.start();
    clock.start();
    if (mode == QLatin1String("dialog")) {
#if CA_BENCH_HAS_DIALOG
        ChangeSetDialog dialog([&services](const QString& p) { return services.value(p); }, &audit);
        dialog.resize(1000, 700);
        dialog.show();
        dialog.plan(entries);
        if (!waitFor([&] { return !dialog.isPlanning(); }, 120000))
            return fail("the plan did not finish");
        planMs = clock.elapsed();
        // The plan's rows shown and painted before Apply, as an admin would look at them.
        const qint64 shown = planMs + 300;
        waitFor([&] { return clock.elapsed() > shown; }, 1000);
        beat.stop();
        planWorst = beat.worst();
        auto* applyButton = dialog.findChild<QPushButton*>(QStringLiteral("applyButton"));
        if (!applyButton || !applyButton->isEnabled())
            return fail("the dialog's Apply button is missing or disabled");
        bool finished = false;
        QObject::connect(&dialog, &ChangeSetDialog::runFinished, &app,
                         [&finished] { finished = true; });
        beat.start();
        clock.restart();
        applyButton->click();
        if (!dialog.run())
            return fail("Apply did not start a run");
        dialog.run()->setConcurrency(concurrency);
        if (!waitFor([&] { return finished; }, 600000))
            return fail("the apply did not finish");
        applyMs = clock.elapsed();
        beat.stop();
        applied = dialog.run()->counts().applied;
#endif
    } else {
        ChangeSetPlan plan;
        bool planned = false;
        auto* planner = new ChangeSetPlanner(services, entries, &app);
        QObject::connect(planner, &ChangeSetPlanner::finished, &app, [&](const ChangeSetPlan& p) {
            plan = p;
            planned = true;
        });
        planner->start();
        if (!waitFor([&] { return planned; }, 120000))
            return fail("the plan did not finish");
        planMs = clock.elapsed();
        beat.stop();
        planWorst = beat.worst();
        auto* run = new ChangeSetRun(services, plan, &app);
        run->setConcurrency(concurrency);
        run->setAuditLog(&audit, AuditTool::Gui);
        bool finished = false;
        QObject::connect(run, &ChangeSetRun::finished, &app, [&finished] { finished = true; });
        beat.start();
        clock.restart();
        run->start();
        if (!waitFor([&] { return finished; }, 600000))
            return fail("the apply did not finish");
        applyMs = clock.elapsed();
        beat.stop();
        applied = run->counts().applied;
    }
    QString error;
    audit.flush(&error);
    std::printf(
        "changeset-stall mode=%s concurrency=%d connectors=%d applied=%d apply_worst_ms=%lld "
        "apply_p99_ms=%lld apply_ms=%lld plan_worst_ms=%lld plan_ms=%lld beats=%lld\n",
        qPrintable(mode), concurrency, count, applied, beat.worst(), beat.percentile(0.99), applyMs,
        planWorst, planMs, qint64(beat.beats()));
    return applied == count ? 0 : 2;
}
