#include "FaultPlan.h"
#include "TimbalReportFaults.h"

#include <QJsonObject>
#include <QtTest>

using sandbox::FaultKind;
using sandbox::FaultPlan;
using sandbox::FaultSpec;

Q_DECLARE_METATYPE(sandbox::FaultKind)

// The fault grammar and the choice of a fault per request (docs/sandbox.md, "Fault injection").
class TestFaultPlan : public QObject
{
    Q_OBJECT

    static FaultPlan planOf(const QStringList& specs, quint32 seed = 1)
    {
        FaultPlan plan(seed);
        QString error;
        if (!plan.setFaults(specs, &error))
            qFatal("setFaults failed: %s", qPrintable(error));
        return plan;
    }

    static QString taken(FaultPlan& plan, const QString& vendor,
                         const QString& method = QStringLiteral("GET"),
                         const QString& path = QStringLiteral("/x"))
    {
        const auto f = plan.take(vendor, method, path);
        return f ? f->text : QString();
    }

private slots:
    void parsesValidSpec_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<FaultKind>("kind");
        QTest::addColumn<qint64>("arg");
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("remaining");

        QTest::newRow("latency") << "timbal:latency=250"
                                 << "timbal" << FaultKind::Latency << qint64(250) << 1.0 << -1;
        QTest::newRow("status once") << "databar:status=503#1"
                                     << "databar" << FaultKind::Status << qint64(503) << 1.0 << 1;
        QTest::newRow("retry-after")
            << "bigdata:retry-after=7"
            << "bigdata" << FaultKind::RetryAfter << qint64(7) << 1.0 << -1;
        QTest::newRow("hang any vendor") << "*:hang"
                                         << "*" << FaultKind::Hang << qint64(0) << 1.0 << -1;
        QTest::newRow("reset rate") << "b3os:reset@0.25"
                                    << "b3os" << FaultKind::Reset << qint64(0) << 0.25 << -1;
        QTest::newRow("malformed rate count")
            << "aisquared:malformed@0.5#3"
            << "aisquared" << FaultKind::Malformed << qint64(0) << 0.5 << 3;
        QTest::newRow("truncated") << "timbal:truncated"
                                   << "timbal" << FaultKind::Truncated << qint64(0) << 1.0 << -1;
        QTest::newRow("oversized")
            << "timbal:oversized=10000000"
            << "timbal" << FaultKind::Oversized << qint64(10000000) << 1.0 << -1;
        QTest::newRow("drip") << "databar:drip=100@1#2"
                              << "databar" << FaultKind::Drip << qint64(100) << 1.0 << 2;
        QTest::newRow("rate zero") << "timbal:hang@0"
                                   << "timbal" << FaultKind::Hang << qint64(0) << 0.0 << -1;
        QTest::newRow("html") << "bigdata:html=403"
                              << "bigdata" << FaultKind::Html << qint64(403) << 1.0 << -1;
        QTest::newRow("html gateway page once")
            << "*:html=502#1"
            << "*" << FaultKind::Html << qint64(502) << 1.0 << 1;
        QTest::newRow("stuck half") << "timbal:stuck@0.5"
                                    << "timbal" << FaultKind::Stuck << qint64(0) << 0.5 << -1;
        QTest::newRow("revert after the update delay")
            << "timbal:revert"
            << "timbal" << FaultKind::Revert << qint64(-1) << 1.0 << -1;
        QTest::newRow("revert after ms")
            << "timbal:revert=1500@0.25"
            << "timbal" << FaultKind::Revert << qint64(1500) << 0.25 << -1;
        QTest::newRow("revert at once") << "timbal:revert=0"
                                        << "timbal" << FaultKind::Revert << qint64(0) << 1.0 << -1;
        QTest::newRow("drop") << "timbal:drop@0.1"
                              << "timbal" << FaultKind::Drop << qint64(0) << 0.1 << -1;
    }
    void parsesValidSpec()
    {
        QFETCH(QString, spec);
        QString error;
        const auto f = FaultSpec::parse(spec, &error);
        QVERIFY2(f, qPrintable(error));
        QCOMPARE(f->text, spec);
        QTEST(f->vendor, "vendor");
        QTEST(f->kind, "kind");
        QTEST(f->arg, "arg");
        QTEST(f->rate, "rate");
        QTEST(f->remaining, "remaining");
    }

    void rejectsInvalidSpec_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("message");

        QTest::newRow("no colon")
            << "timbal"
            << "invalid fault 'timbal': expected VENDOR:KIND[=ARG][@RATE][#COUNT]";
        QTest::newRow("unknown vendor") << "acme:hang"
                                        << "invalid fault 'acme:hang': unknown vendor 'acme'";
        QTest::newRow("unknown kind") << "timbal:explode"
                                      << "invalid fault 'timbal:explode': unknown kind 'explode'";
        QTest::newRow("missing arg")
            << "timbal:status"
            << "invalid fault 'timbal:status': status needs =ARG, an integer from 100 to 599";
        QTest::newRow("bad arg") << "timbal:latency=fast"
                                 << "invalid fault 'timbal:latency=fast': latency needs =ARG, an "
                                    "integer from 0 to 86400000";
        QTest::newRow("status out of range")
            << "timbal:status=99"
            << "invalid fault 'timbal:status=99': status needs =ARG, an integer from 100 to 599";
        QTest::newRow("arg not allowed") << "timbal:hang=3"
                                         << "invalid fault 'timbal:hang=3': hang takes no =ARG";
        QTest::newRow("rate above 1")
            << "timbal:hang@1.5"
            << "invalid fault 'timbal:hang@1.5': RATE must be a number from 0 to 1";
        QTest::newRow("rate negative")
            << "timbal:hang@-0.1"
            << "invalid fault 'timbal:hang@-0.1': RATE must be a number from 0 to 1";
        QTest::newRow("rate empty")
            << "timbal:hang@"
            << "invalid fault 'timbal:hang@': RATE must be a number from 0 to 1";
        QTest::newRow("count zero")
            << "timbal:hang#0"
            << "invalid fault 'timbal:hang#0': COUNT must be an integer >= 1";
        QTest::newRow("count not a number")
            << "timbal:hang#x"
            << "invalid fault 'timbal:hang#x': COUNT must be an integer >= 1";
        QTest::newRow("count before rate")
            << "timbal:hang#2@0.5"
            << "invalid fault 'timbal:hang#2@0.5': COUNT must be an integer >= 1";
        QTest::newRow("drip zero")
            << "timbal:drip=0"
            << "invalid fault 'timbal:drip=0': drip needs =ARG, an integer from 1 to 1073741824";
        QTest::newRow("html without code")
            << "timbal:html"
            << "invalid fault 'timbal:html': html needs =ARG, an integer from 100 to 599";
        QTest::newRow("html code out of range")
            << "timbal:html=600"
            << "invalid fault 'timbal:html=600': html needs =ARG, an integer from 100 to 599";
        QTest::newRow("stuck for every vendor") << "*:stuck"
                                                << "invalid fault '*:stuck': stuck is a report "
                                                   "fault of timbal only: VENDOR must be timbal";
        QTest::newRow("drop for another vendor")
            << "databar:drop@0.5"
            << "invalid fault 'databar:drop@0.5': drop is a report fault of timbal only: VENDOR "
               "must be timbal";
        QTest::newRow("stuck with count")
            << "timbal:stuck@0.5#3"
            << "invalid fault 'timbal:stuck@0.5#3': stuck takes no #COUNT: it is decided per "
               "connector, not per request";
        QTest::newRow("revert with count")
            << "timbal:revert=10#1"
            << "invalid fault 'timbal:revert=10#1': revert takes no #COUNT: it is decided per "
               "connector, not per request";
        QTest::newRow("stuck with arg") << "timbal:stuck=5"
                                        << "invalid fault 'timbal:stuck=5': stuck takes no =ARG";
        QTest::newRow("drop with arg") << "timbal:drop=1"
                                       << "invalid fault 'timbal:drop=1': drop takes no =ARG";
        QTest::newRow("revert bad ms") << "timbal:revert=soon"
                                       << "invalid fault 'timbal:revert=soon': revert takes an "
                                          "optional =ARG, an integer from 0 to 86400000";
        QTest::newRow("revert negative ms")
            << "timbal:revert=-1"
            << "invalid fault 'timbal:revert=-1': revert takes an optional =ARG, an integer from 0 "
               "to 86400000";
        QTest::newRow("revert empty arg")
            << "timbal:revert="
            << "invalid fault 'timbal:revert=': revert takes an optional =ARG, an integer from 0 "
               "to 86400000";
    }
    void rejectsInvalidSpec()
    {
        QFETCH(QString, spec);
        QString error;
        QVERIFY(!FaultSpec::parse(spec, &error));
        QTEST(error, "message");
    }

    // status, retry-after and html answer instead of the vendor handler; the others bend the
    // handler's own answer (docs/sandbox.md, "handler runs?").
    void handlerRunsOnlyForBendingKinds_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("runs");
        QTest::newRow("latency") << "timbal:latency=5" << true;
        QTest::newRow("status") << "timbal:status=503" << false;
        QTest::newRow("retry-after") << "timbal:retry-after=1" << false;
        QTest::newRow("html") << "timbal:html=403" << false;
        QTest::newRow("hang") << "timbal:hang" << true;
        QTest::newRow("reset") << "timbal:reset" << true;
        QTest::newRow("malformed") << "timbal:malformed" << true;
        QTest::newRow("truncated") << "timbal:truncated" << true;
        QTest::newRow("oversized") << "timbal:oversized=10" << true;
        QTest::newRow("drip") << "timbal:drip=10" << true;
    }
    void handlerRunsOnlyForBendingKinds()
    {
        QFETCH(QString, spec);
        QString error;
        const auto f = FaultSpec::parse(spec, &error);
        QVERIFY2(f, qPrintable(error));
        QTEST(f->handlerRuns(), "runs");
    }

    // ---- report side: stuck, revert, drop (docs/sandbox.md "Report faults") ----

    void reportSideOnlyForStuckRevertDrop_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("reportSide");
        QTest::newRow("stuck") << "timbal:stuck" << true;
        QTest::newRow("revert") << "timbal:revert=5" << true;
        QTest::newRow("drop") << "timbal:drop" << true;
        QTest::newRow("status") << "timbal:status=503" << false;
        QTest::newRow("hang") << "timbal:hang" << false;
        QTest::newRow("latency") << "timbal:latency=5" << false;
    }
    void reportSideOnlyForStuckRevertDrop()
    {
        QFETCH(QString, spec);
        QString error;
        const auto f = FaultSpec::parse(spec, &error);
        QVERIFY2(f, qPrintable(error));
        QTEST(f->reportSide(), "reportSide");
    }

    void reportFaultRefusesFilters_data()
    {
        QTest::addColumn<QString>("key");
        QTest::newRow("method") << QStringLiteral("method");
        QTest::newRow("path") << QStringLiteral("path");
    }
    void reportFaultRefusesFilters()
    {
        QFETCH(QString, key);
        QString error;
        const QJsonObject spec{{QStringLiteral("spec"), QStringLiteral("timbal:stuck")},
                               {key, QStringLiteral("con_000003")}};
        QVERIFY(!FaultSpec::parse(QJsonValue(spec), &error));
        QCOMPARE(error, QStringLiteral("invalid fault 'timbal:stuck': stuck takes no method or "
                                       "path filter: it applies to every update"));
    }

    void reportFaultsAreNeverTakenForARequest()
    {
        FaultPlan plan = planOf({QStringLiteral("timbal:stuck"), QStringLiteral("timbal:revert"),
                                 QStringLiteral("timbal:drop")});
        for (const char* method : {"GET", "POST"})
            QCOMPARE(taken(plan, QStringLiteral("timbal"), QString::fromLatin1(method),
                           QStringLiteral("/orgs/demo-org/connectors/con_000003/update")),
                     QString());
        QCOMPARE(plan.faults().size(), 3); // nothing consumed
    }

    void reportFaultsTakeNoDraw()
    {
        // A report fault in front of a request fault leaves the request fault's draws as they were.
        auto draws = [](const QStringList& specs) {
            FaultPlan plan = planOf(specs, 7);
            QString bits;
            for (int i = 0; i < 64; ++i)
                bits += taken(plan, QStringLiteral("timbal")).isEmpty() ? QLatin1Char('0')
                                                                        : QLatin1Char('1');
            return bits;
        };
        QCOMPARE(draws({QStringLiteral("timbal:stuck@0.5"), QStringLiteral("timbal:hang@0.3")}),
                 draws({QStringLiteral("timbal:hang@0.3")}));
    }

    void reportFaultsAreListedPerVendorInOrder()
    {
        FaultPlan plan =
            planOf({QStringLiteral("timbal:drop@0.1"), QStringLiteral("timbal:status=503"),
                    QStringLiteral("*:hang@0"), QStringLiteral("timbal:stuck@0.2")});
        QStringList texts;
        for (const FaultSpec& f : plan.reportFaults(QStringLiteral("timbal")))
            texts << f.text;
        QCOMPARE(texts, (QStringList{QStringLiteral("timbal:drop@0.1"),
                                     QStringLiteral("timbal:stuck@0.2")}));
        QVERIFY(plan.reportFaults(QStringLiteral("databar")).isEmpty());
        plan.clear();
        QVERIFY(plan.reportFaults(QStringLiteral("timbal")).isEmpty());
    }

    // Which of 1..n connectors a report fault hits under `seed`, as a bit string.
    static QString hits(const QStringList& specs, quint32 seed, int n = 400)
    {
        const QList<FaultSpec> active = planOf(specs).reportFaults(QStringLiteral("timbal"));
        QString bits;
        for (int index = 1; index <= n; ++index) {
            const auto f = sandbox::timbalReportFaultHit(active, seed, index);
            bits += f ? f->text.mid(7, 1) : QStringLiteral(".");
        }
        return bits;
    }

    void reportFaultHitsAreFixedBySeed()
    {
        const QStringList stuck{QStringLiteral("timbal:stuck@0.5")};
        QCOMPARE(hits(stuck, 1), hits(stuck, 1));
        QVERIFY(hits(stuck, 1) != hits(stuck, 2));
        // Each kind hashes on its own: the same rate hits another set of connectors.
        QVERIFY(hits(stuck, 1) != hits({QStringLiteral("timbal:drop@0.5")}, 1)
                                      .replace(QLatin1Char('d'), QLatin1Char('s')));
    }

    void reportFaultRateIsAShareOfConnectors_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("low");
        QTest::addColumn<int>("high");
        QTest::newRow("none") << "timbal:stuck@0" << 0 << 0;
        QTest::newRow("half") << "timbal:stuck@0.5" << 700 << 1300;
        QTest::newRow("tenth") << "timbal:revert@0.1" << 120 << 280;
        QTest::newRow("all") << "timbal:drop" << 2000 << 2000;
    }
    void reportFaultRateIsAShareOfConnectors()
    {
        QFETCH(QString, spec);
        QFETCH(int, low);
        QFETCH(int, high);
        const qsizetype hit = hits({spec}, 1, 2000).count(spec.mid(7, 1));
        QVERIFY2(hit >= low && hit <= high, qPrintable(QString::number(hit)));
    }

    void firstListedReportFaultWins()
    {
        QCOMPARE(hits({QStringLiteral("timbal:drop"), QStringLiteral("timbal:stuck")}, 1),
                 QString(400, QLatin1Char('d')));
        QCOMPARE(hits({QStringLiteral("timbal:stuck"), QStringLiteral("timbal:drop")}, 1),
                 QString(400, QLatin1Char('s')));
        // Connectors the first misses fall through to the next.
        const QString mixed =
            hits({QStringLiteral("timbal:stuck@0.5"), QStringLiteral("timbal:drop")}, 1);
        QCOMPARE(mixed.count(QLatin1Char('s')) + mixed.count(QLatin1Char('d')), 400);
        QCOMPARE(QString(mixed).replace(QLatin1Char('d'), QLatin1Char('.')),
                 hits({QStringLiteral("timbal:stuck@0.5")}, 1));
    }

    void rejectsWholeSetOnOneBadSpec()
    {
        FaultPlan plan = planOf({QStringLiteral("timbal:hang")});
        QString error;
        QVERIFY(!plan.setFaults(
            QStringList{QStringLiteral("databar:status=503"), QStringLiteral("nope:hang")},
            &error));
        QVERIFY2(error.contains(QLatin1String("'nope:hang'")), qPrintable(error));
        QCOMPARE(plan.faults().size(), 1); // the old set stays
        QCOMPARE(plan.faults().first().text, QStringLiteral("timbal:hang"));
    }

    void countExpiresAfterApplying()
    {
        FaultPlan plan = planOf({QStringLiteral("databar:status=503#2")});
        QCOMPARE(taken(plan, QStringLiteral("databar")), QStringLiteral("databar:status=503#2"));
        QCOMPARE(taken(plan, QStringLiteral("databar")), QStringLiteral("databar:status=503#2"));
        QCOMPARE(taken(plan, QStringLiteral("databar")), QString());
        QVERIFY(plan.faults().isEmpty());
    }

    void countNotConsumedByOtherVendors()
    {
        FaultPlan plan = planOf({QStringLiteral("databar:status=503#1")});
        QCOMPARE(taken(plan, QStringLiteral("timbal")), QString());
        QCOMPARE(taken(plan, QStringLiteral("databar")), QStringLiteral("databar:status=503#1"));
    }

    void firstMatchingFaultWins()
    {
        FaultPlan plan =
            planOf({QStringLiteral("timbal:latency=10#1"), QStringLiteral("*:status=500")});
        QCOMPARE(taken(plan, QStringLiteral("timbal")), QStringLiteral("timbal:latency=10#1"));
        QCOMPARE(taken(plan, QStringLiteral("timbal")), QStringLiteral("*:status=500"));
    }

    void starMatchesEveryVendor_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const char* v : {"timbal", "aisquared", "b3os", "databar", "bigdata"})
            QTest::newRow(v) << QString::fromLatin1(v);
    }
    void starMatchesEveryVendor()
    {
        QFETCH(QString, vendor);
        FaultPlan plan = planOf({QStringLiteral("*:hang")});
        QCOMPARE(taken(plan, vendor), QStringLiteral("*:hang"));
    }

    void filtersOnMethodAndPath_data()
    {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("applies");

        QTest::newRow("both match") << "POST"
                                    << "/orgs/demo-org/connectors/con_000003/update" << true;
        QTest::newRow("method case-insensitive")
            << "post"
            << "/orgs/demo-org/connectors/con_000003/update" << true;
        QTest::newRow("other method") << "GET"
                                      << "/orgs/demo-org/connectors/con_000003" << false;
        QTest::newRow("other path") << "POST"
                                    << "/orgs/demo-org/connectors/con_000004/update" << false;
    }
    void filtersOnMethodAndPath()
    {
        QFETCH(QString, method);
        QFETCH(QString, path);
        FaultPlan plan;
        QString error;
        const QJsonObject spec{{QStringLiteral("spec"), QStringLiteral("timbal:status=503")},
                               {QStringLiteral("method"), QStringLiteral("post")},
                               {QStringLiteral("path"), QStringLiteral("con_000003")}};
        QVERIFY2(plan.setFaults(QJsonArray{spec}, &error), qPrintable(error));
        QTEST(plan.take(QStringLiteral("timbal"), method, path).has_value(), "applies");
    }

    void rejectsObjectWithoutSpec()
    {
        FaultPlan plan;
        QString error;
        QVERIFY(!plan.setFaults(
            QJsonArray{QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}}}, &error));
        QVERIFY(!error.isEmpty());
    }

    void rateZeroNeverApplies()
    {
        FaultPlan plan = planOf({QStringLiteral("timbal:hang@0")});
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(taken(plan, QStringLiteral("timbal")), QString());
    }

    void rateAppliesToAShare()
    {
        FaultPlan plan = planOf({QStringLiteral("timbal:hang@0.5")});
        int applied = 0;
        for (int i = 0; i < 1000; ++i)
            applied += taken(plan, QStringLiteral("timbal")).isEmpty() ? 0 : 1;
        QVERIFY2(applied > 350 && applied < 650, qPrintable(QString::number(applied)));
    }

    void sameSeedRepeatsDraws()
    {
        auto draws = [](quint32 seed) {
            FaultPlan plan = planOf({QStringLiteral("timbal:hang@0.3")}, seed);
            QString bits;
            for (int i = 0; i < 64; ++i)
                bits += taken(plan, QStringLiteral("timbal")).isEmpty() ? QLatin1Char('0')
                                                                        : QLatin1Char('1');
            return bits;
        };
        QCOMPARE(draws(7), draws(7));
        QVERIFY(draws(7) != draws(8));
    }

    void listsActiveFaultsWithRemainingCount()
    {
        FaultPlan plan = planOf({QStringLiteral("databar:status=503#2")});
        taken(plan, QStringLiteral("databar"));
        const QJsonObject o = plan.toJson().first().toObject();
        QCOMPARE(o.value(QStringLiteral("spec")).toString(),
                 QStringLiteral("databar:status=503#2"));
        QCOMPARE(o.value(QStringLiteral("remaining")).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestFaultPlan)
#include "tst_fault_plan.moc"
