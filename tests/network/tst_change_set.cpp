#include "NetworkTestSupport.h"

#include "AuditLog.h"
#include "ChangeSet.h"
#include "ChangeSetRun.h"
#include "EditReview.h"

#include <QTemporaryDir>

// Change sets (many connectors in one reviewed operation) against the sandbox: every kind of the
// plan, the apply with its stale check, faults in the middle, retry, and the audit records.
class TestChangeSet : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    ca::HttpClient* m_http = nullptr;
    QHash<ca::Vendor, ca::ConnectorService*> m_services;
    QTemporaryDir m_auditDir;

    ca::ConnectorService* service(ca::Vendor vendor)
    {
        if (!m_services.contains(vendor))
            m_services.insert(vendor, ca::createConnectorService(
                                          nettest::profileFor(m_sandbox, vendor), m_http, this));
        return m_services.value(vendor);
    }
    QHash<QString, ca::ConnectorService*> services()
    {
        QHash<QString, ca::ConnectorService*> out;
        for (ca::Vendor v : nettest::editableVendors())
            out.insert(service(v)->profile().name, service(v));
        return out;
    }

    QList<ca::Connector> list(ca::Vendor vendor)
    {
        ca::ConnectorListJob* job = service(vendor)->list();
        QSignalSpy spy(job, &ca::ConnectorListJob::finished);
        if (!spy.wait(30000))
            return {};
        return spy.first().first().value<ca::ConnectorListResult>().connectors;
    }

    ca::Connector get(ca::Vendor vendor, const QString& id)
    {
        ca::ConnectorJob* job = service(vendor)->get(id);
        QSignalSpy spy(job, &ca::ConnectorJob::finished);
        if (!spy.wait(30000))
            return {};
        return spy.first().first().value<ca::ConnectorResult>().connector;
    }

    // Changes a connector on the server, as someone in the vendor's console would.
    bool changeOnServer(ca::Vendor vendor, const QString& id, const QString& pointer,
                        const QJsonValue& value)
    {
        const ca::Connector c = get(vendor, id);
        const QJsonObject edited = ca::jsonValueSet(c.editable, pointer, value).toObject();
        ca::ConnectorUpdateJob* job = service(vendor)->update(c, edited);
        QSignalSpy spy(job, &ca::ConnectorUpdateJob::finished);
        return spy.wait(30000) && spy.first().first().value<ca::UpdateResult>().ok();
    }

    // An entry whose base is the connector as printed now and whose desired document is that
    // with `pointer` set to `value`.
    ca::ChangeSetEntry entryFor(const ca::Connector& c, const QString& pointer,
                                const QJsonValue& value)
    {
        ca::ChangeSetEntry e;
        e.profile = c.profileName;
        e.connectorId = c.id;
        e.base = ca::EditReview::printable(*service(c.vendor), c);
        e.desired =
            pointer.isEmpty() ? *e.base : ca::jsonValueSet(*e.base, pointer, value).toObject();
        return e;
    }

    ca::ChangeSetPlan plan(const QList<ca::ChangeSetEntry>& entries)
    {
        auto* planner = new ca::ChangeSetPlanner(services(), entries, this);
        QSignalSpy spy(planner, &ca::ChangeSetPlanner::finished);
        planner->start();
        if (!spy.wait(60000))
            return {};
        return spy.first().first().value<ca::ChangeSetPlan>();
    }

    // Runs the plan's changes to the end.
    ca::ChangeSetRun* apply(const ca::ChangeSetPlan& p, int concurrency = 4,
                            ca::AuditLog* log = nullptr)
    {
        auto* run = new ca::ChangeSetRun(services(), p, this);
        run->setConcurrency(concurrency);
        if (log)
            run->setAuditLog(log, ca::AuditTool::Cli);
        QSignalSpy spy(run, &ca::ChangeSetRun::finished);
        run->start();
        if (!spy.wait(120000))
            return nullptr;
        return run;
    }

    int putsTo(ca::Vendor vendor, const QString& id)
    {
        int n = 0;
        for (const QJsonObject& r :
             nettest::requestsTo(m_sandbox, ca::vendorId(vendor), QStringLiteral("PUT")))
            n += r.value(QLatin1String("path")).toString().endsWith(QLatin1Char('/') + id);
        return n;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_http = nettest::newHttpClient(this);
        QVERIFY(m_auditDir.isValid());
    }
    void init()
    {
        QVERIFY(nettest::resetSandbox(m_sandbox));
        nettest::clearRequestLog(m_sandbox);
    }

    // Each kind of the plan, from one Databar profile, with the summary line.
    void planClassifiesEveryConnector()
    {
        const QList<ca::Connector> all = list(ca::Vendor::Databar);
        QVERIFY(all.size() >= 7);
        QList<ca::ChangeSetEntry> entries;
        entries << entryFor(all.at(0), QStringLiteral("/name"), QStringLiteral("renamed 0"));
        entries << entryFor(all.at(1), {}, {});
        entries << entryFor(all.at(2), {}, {});                                          // drifts
        entries << entryFor(all.at(3), QStringLiteral("/name"), QStringLiteral("mine")); // conflict
        entries << entryFor(all.at(4), QStringLiteral("/name"),
                            QStringLiteral("renamed 4"));            // merges
        entries << entryFor(all.at(5), QStringLiteral("/name"), 42); // invalid
        ca::ChangeSetEntry gone = entryFor(all.at(6), QStringLiteral("/name"), QStringLiteral("x"));
        gone.connectorId = QStringLiteral("99999999");
        entries << gone;
        QVERIFY(changeOnServer(ca::Vendor::Databar, all.at(2).id, QStringLiteral("/name"),
                               QStringLiteral("renamed in the console")));
        QVERIFY(changeOnServer(ca::Vendor::Databar, all.at(3).id, QStringLiteral("/name"),
                               QStringLiteral("theirs")));
        QVERIFY(changeOnServer(ca::Vendor::Databar, all.at(4).id, QStringLiteral("/url"),
                               QStringLiteral("https://api.example.com/changed")));
        nettest::clearRequestLog(m_sandbox);

        const ca::ChangeSetPlan p = plan(entries);
        using K = ca::ChangeSetItem::Kind;
        QCOMPARE(p.items.size(), 7);
        QCOMPARE(p.items.at(0).kind, K::ToChange);
        QCOMPARE(p.items.at(1).kind, K::Unchanged);
        QCOMPARE(p.items.at(2).kind, K::Drifted);
        QVERIFY(p.items.at(2).driftText.contains(QStringLiteral("renamed in the console")));
        QCOMPARE(p.items.at(3).kind, K::Conflict);
        QCOMPARE(p.items.at(3).merge->conflicts().size(), 1);
        QCOMPARE(p.items.at(3).merge->conflicts().first().path, QStringLiteral("/name"));
        QCOMPARE(p.items.at(4).kind, K::ToChange);
        QCOMPARE(p.items.at(4).review->body().value(QLatin1String("url")).toString(),
                 QStringLiteral("https://api.example.com/changed"));
        QVERIFY(!p.items.at(4).reason.isEmpty());
        QCOMPARE(p.items.at(5).kind, K::Refused);
        QVERIFY2(p.items.at(5).reason.contains(QStringLiteral("/name")),
                 qPrintable(p.items.at(5).reason));
        QCOMPARE(p.items.at(6).kind, K::Gone);
        QCOMPARE(p.summaryLine(),
                 QStringLiteral("2 to change, 1 drifted, 1 conflict, 1 gone, 1 refused, "
                                "1 unchanged"));
        QCOMPARE(p.toApply(), (QList<qsizetype>{0, 4}));
        // Planning reads; it never writes.
        QCOMPARE(
            nettest::requestsTo(m_sandbox, QStringLiteral("databar"), QStringLiteral("PUT")).size(),
            0);
        const QJsonObject json = p.items.at(3).toJson();
        QCOMPARE(json.value(QLatin1String("kind")).toString(), QStringLiteral("conflict"));
        QCOMPARE(json.value(QLatin1String("conflicts")).toArray().size(), 1);
    }

    // A conflict is sent only with a choice, and the choice is what was reviewed.
    void conflictNeedsAChoice()
    {
        const ca::Connector c = list(ca::Vendor::Databar).first();
        const ca::ChangeSetEntry e = entryFor(c, QStringLiteral("/name"), QStringLiteral("mine"));
        QVERIFY(changeOnServer(ca::Vendor::Databar, c.id, QStringLiteral("/name"),
                               QStringLiteral("theirs")));
        ca::ChangeSetPlan p = plan({e});
        QCOMPARE(p.items.first().kind, ca::ChangeSetItem::Kind::Conflict);
        QVERIFY(p.toApply().isEmpty());
        ca::ChangeSetPlan server = p;
        QVERIFY(server.resolve(0, ca::ChangeSetItem::Resolution::KeepServer));
        QCOMPARE(server.items.first().kind, ca::ChangeSetItem::Kind::Unchanged);
        QVERIFY(p.resolve(0, ca::ChangeSetItem::Resolution::KeepMine));
        QCOMPARE(p.items.first().kind, ca::ChangeSetItem::Kind::ToChange);
        QVERIFY(apply(p));
        QCOMPARE(get(ca::Vendor::Databar, c.id).editable.value(QLatin1String("name")).toString(),
                 QStringLiteral("mine"));
    }

    // Only the items to change are sent, once each; every record shares the change-set id and
    // each profile gets a change-set record with the counts.
    void applySendsOnlyTheChangesAndRecordsThem()
    {
        const QList<ca::Connector> databar = list(ca::Vendor::Databar);
        const QList<ca::Connector> bigdata = list(ca::Vendor::Bigdata);
        QList<ca::ChangeSetEntry> entries;
        for (int i = 0; i < 3; ++i)
            entries << entryFor(databar.at(i), QStringLiteral("/name"),
                                QStringLiteral("batch %1").arg(i));
        entries << entryFor(databar.at(3), {}, {});
        entries << entryFor(bigdata.at(0), QStringLiteral("/description"),
                            QStringLiteral("described"));
        const ca::ChangeSetPlan p = plan(entries);
        QCOMPARE(p.toApply().size(), 4);
        ca::AuditLog log(m_auditDir.filePath(QStringLiteral("apply")));
        ca::ChangeSetRun* run = apply(p, 2, &log);
        QVERIFY(run);
        QVERIFY(log.flush());
        QCOMPARE(run->counts().applied, 4);
        QCOMPARE(run->summaryLine(), QStringLiteral("4 applied (of 4)"));
        for (const ca::ChangeSetRun::Item& item : run->items())
            QVERIFY2(item.verified, qPrintable(item.planned.entry.connectorId));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(putsTo(ca::Vendor::Databar, databar.at(i).id), 1);
            QCOMPARE(get(ca::Vendor::Databar, databar.at(i).id)
                         .editable.value(QLatin1String("name"))
                         .toString(),
                     QStringLiteral("batch %1").arg(i));
        }
        QCOMPARE(putsTo(ca::Vendor::Databar, databar.at(3).id), 0);
        const QList<ca::AuditRecord> records = log.records();
        int applied = 0;
        int summaries = 0;
        for (const ca::AuditRecord& r : records) {
            QCOMPARE(r.changeSetId, run->changeSetId());
            if (r.action == ca::AuditAction::ChangeSet) {
                ++summaries;
                QVERIFY(r.connectorId.isEmpty());
                QVERIFY(r.diff.toObject().contains(QLatin1String("user")));
                QCOMPARE(r.outcome, ca::AuditOutcome::Applied);
            } else {
                applied += r.outcome == ca::AuditOutcome::Applied;
            }
        }
        QCOMPARE(applied, 4);
        QCOMPARE(summaries, 2); // one per profile
    }

    // The stale check right before each PUT: a connector changed after the plan is not sent.
    void changedAfterThePlanIsNotSent()
    {
        const QList<ca::Connector> all = list(ca::Vendor::Databar);
        const ca::ChangeSetPlan p =
            plan({entryFor(all.at(0), QStringLiteral("/name"), QStringLiteral("planned")),
                  entryFor(all.at(1), QStringLiteral("/name"), QStringLiteral("planned too"))});
        QCOMPARE(p.toApply().size(), 2);
        QVERIFY(changeOnServer(ca::Vendor::Databar, all.at(1).id, QStringLiteral("/url"),
                               QStringLiteral("https://api.example.com/meanwhile")));
        nettest::clearRequestLog(m_sandbox);
        ca::ChangeSetRun* run = apply(p);
        QVERIFY(run);
        QCOMPARE(run->items().at(0).state, ca::ChangeSetRun::State::Applied);
        QCOMPARE(run->items().at(1).state, ca::ChangeSetRun::State::Conflict);
        QCOMPARE(putsTo(ca::Vendor::Databar, all.at(1).id), 0);
        QVERIFY(run->retryPlan().items.isEmpty()); // a conflict needs a new plan, not a retry
    }

    // 503, a reset and a hang in the middle of an apply: each item ends with the right result,
    // no connector gets a second PUT, and only what surely did not land is offered for retry.
    void faultsInTheMiddleOfAnApply()
    {
        const QList<ca::Connector> all = list(ca::Vendor::Databar);
        QList<ca::ChangeSetEntry> entries;
        for (int i = 0; i < 5; ++i)
            entries << entryFor(all.at(i), QStringLiteral("/name"),
                                QStringLiteral("faulty %1").arg(i));
        const ca::ChangeSetPlan p = plan(entries);
        QCOMPARE(p.toApply().size(), 5);
        auto fault = [&](const QString& spec, int i) {
            return QJsonObject{{QStringLiteral("spec"), spec},
                               {QStringLiteral("method"), QStringLiteral("PUT")},
                               {QStringLiteral("path"), QLatin1Char('/') + all.at(i).id}};
        };
        QVERIFY(nettest::setFaults(m_sandbox, {fault(QStringLiteral("databar:status=503"), 1),
                                               fault(QStringLiteral("databar:reset"), 2),
                                               fault(QStringLiteral("databar:hang"), 3)}));
        ca::HttpOptions quick = service(ca::Vendor::Databar)->httpOptions();
        const ca::HttpOptions before = quick;
        quick.transferTimeoutMs = 1500;
        service(ca::Vendor::Databar)->setHttpOptions(quick);
        ca::ChangeSetRun* run = apply(p, 2);
        service(ca::Vendor::Databar)->setHttpOptions(before);
        QVERIFY(nettest::setFaults(m_sandbox, {}));
        QVERIFY(run);
        using S = ca::ChangeSetRun::State;
        const QList<ca::ChangeSetRun::Item>& items = run->items();
        QCOMPARE(items.at(0).state, S::Applied);
        QCOMPARE(items.at(1).state, S::Failed);
        QCOMPARE(items.at(1).error.httpStatus, 503);
        // The reset and the hang cut the answer after the sandbox stored the change: the
        // read-back finds it stored as sent.
        for (int i : {2, 3}) {
            QCOMPARE(items.at(i).state, S::Applied);
            QVERIFY2(items.at(i).message.contains(QStringLiteral("answer was lost")),
                     qPrintable(items.at(i).message));
        }
        QCOMPARE(items.at(4).state, S::Applied);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(putsTo(ca::Vendor::Databar, all.at(i).id), 1);

        const ca::ChangeSetPlan retry = run->retryPlan();
        QCOMPARE(retry.items.size(), 1);
        QCOMPARE(retry.items.first().entry.connectorId, all.at(1).id);
        ca::ChangeSetRun* second = apply(retry);
        QVERIFY(second);
        QCOMPARE(second->items().first().state, S::Applied);
        QCOMPARE(putsTo(ca::Vendor::Databar, all.at(1).id), 2);
    }

    // Cancel remaining: what has not started is not sent.
    void cancelRemainingSendsNothingMore()
    {
        const QList<ca::Connector> all = list(ca::Vendor::Databar);
        QList<ca::ChangeSetEntry> entries;
        for (int i = 0; i < 6; ++i)
            entries << entryFor(all.at(i), QStringLiteral("/name"), QStringLiteral("c %1").arg(i));
        const ca::ChangeSetPlan p = plan(entries);
        ca::AuditLog log(m_auditDir.filePath(QStringLiteral("cancel")));
        auto* run = new ca::ChangeSetRun(services(), p, this);
        run->setConcurrency(1);
        run->setAuditLog(&log, ca::AuditTool::Gui);
        QSignalSpy finished(run, &ca::ChangeSetRun::finished);
        connect(run, &ca::ChangeSetRun::itemChanged, run, [run](int index) {
            if (index == 0 && ca::ChangeSetRun::isFinal(run->items().at(0).state))
                run->cancelRemaining();
        });
        run->start();
        QVERIFY(finished.wait(60000));
        QCOMPARE(run->counts().applied, 1);
        QCOMPARE(run->counts().cancelled, 5);
        int puts = 0;
        for (int i = 0; i < 6; ++i)
            puts += putsTo(ca::Vendor::Databar, all.at(i).id);
        QCOMPARE(puts, 1);
        // The intents written ahead of the cancelled items are closed as not sent: no intent is
        // left open for the next start to take for a change that may have left.
        QVERIFY(log.flush());
        QSet<QString> operations;
        int cancelled = 0;
        for (const ca::AuditRecord& r : log.records()) {
            if (r.action == ca::AuditAction::ChangeSet)
                continue;
            QVERIFY2(r.outcome != ca::AuditOutcome::Intent, qPrintable(r.connectorId));
            QVERIFY(!r.operationId.isEmpty());
            operations.insert(r.operationId);
            cancelled += r.outcome == ca::AuditOutcome::Failed &&
                         r.message.contains(QLatin1String("nothing was sent"));
        }
        QCOMPARE(cancelled, 5);
        QCOMPARE(operations.size(), 6); // one operation per item, each closed
    }

    // The window reloads a profile (its service is replaced) while a run is sending: the run
    // still ends, what was in flight as "not known", what had not started as not sent.
    void aServiceGoingAwayEndsTheRun()
    {
        const QList<ca::Connector> all = list(ca::Vendor::Databar);
        QList<ca::ChangeSetEntry> entries;
        for (int i = 0; i < 6; ++i)
            entries << entryFor(all.at(i), QStringLiteral("/name"), QStringLiteral("g %1").arg(i));
        const ca::ChangeSetPlan p = plan(entries);
        QVERIFY(nettest::setFaults(m_sandbox, {QStringLiteral("databar:latency=400")}));
        auto* doomed = ca::createConnectorService(
            nettest::profileFor(m_sandbox, ca::Vendor::Databar), m_http, nullptr);
        auto* run = new ca::ChangeSetRun({{doomed->profile().name, doomed}}, p, this);
        run->setConcurrency(2);
        QSignalSpy finished(run, &ca::ChangeSetRun::finished);
        connect(run, &ca::ChangeSetRun::itemChanged, doomed, [run, doomed](int index) {
            if (run->items().at(index).state == ca::ChangeSetRun::State::Sending)
                doomed->deleteLater();
        });
        run->start();
        QVERIFY(finished.wait(30000));
        QVERIFY(nettest::setFaults(m_sandbox, {}));
        QCOMPARE(run->counts().finished, 6);
        QCOMPARE(run->counts().applied, 0);
        int unknown = 0;
        for (const ca::ChangeSetRun::Item& item : run->items())
            unknown += item.mayHaveLanded;
        QVERIFY(unknown >= 1 && unknown <= 2);
        QCOMPARE(run->retryPlan().items.size(), 6 - unknown);
    }

    // Appending an address to allowed_emails keeps label, description and share_with_org.
    void bigdataAppendKeepsTheOtherFields()
    {
        QList<ca::ChangeSetEntry> entries;
        QList<ca::Connector> emails;
        for (const ca::Connector& c : list(ca::Vendor::Bigdata)) {
            if (c.type != QLatin1String("email"))
                continue;
            emails << c;
            ca::ChangeSetEntry e = entryFor(c, {}, {});
            QJsonArray allowed =
                ca::jsonValueAt(e.desired, QStringLiteral("/config/allowed_emails")).toArray();
            allowed.append(QStringLiteral("ops@example.com"));
            e.desired = ca::jsonValueSetCreating(e.desired,
                                                 QStringLiteral("/config/allowed_emails"), allowed)
                            .toObject();
            entries << e;
        }
        QVERIFY(emails.size() >= 2);
        const ca::ChangeSetPlan p = plan(entries);
        QCOMPARE(p.toApply().size(), emails.size());
        QVERIFY(apply(p));
        for (const ca::Connector& before : emails) {
            const QJsonObject after = get(ca::Vendor::Bigdata, before.id).editable;
            for (const char* field : {"label", "description", "share_with_org"})
                QCOMPARE(after.value(QLatin1String(field)),
                         before.editable.value(QLatin1String(field)));
            QVERIFY(ca::jsonValueAt(after, QStringLiteral("/config/allowed_emails"))
                        .toArray()
                        .contains(QStringLiteral("ops@example.com")));
        }
    }

    // A bulk rename of AI Squared connectors never sends their configuration.
    void aisquaredRenameNeverSendsConfiguration()
    {
        QList<ca::ChangeSetEntry> entries;
        const QList<ca::Connector> all = list(ca::Vendor::AiSquared);
        for (int i = 0; i < 3; ++i)
            entries << entryFor(all.at(i), QStringLiteral("/name"), QStringLiteral("ai %1").arg(i));
        ca::ChangeSetRun* run = apply(plan(entries));
        QVERIFY(run);
        QCOMPARE(run->counts().applied, 3);
        const auto puts =
            nettest::requestsTo(m_sandbox, QStringLiteral("aisquared"), QStringLiteral("PUT"));
        QCOMPARE(puts.size(), 3);
        for (const QJsonObject& r : puts) {
            const QJsonObject connector = r.value(QLatin1String("json"))
                                              .toObject()
                                              .value(QLatin1String("connector"))
                                              .toObject();
            QVERIFY(!connector.isEmpty());
            QVERIFY(!connector.contains(QLatin1String("configuration")));
        }
    }

    // A rotated header value: sent, masked in every view and in the audit log, and every other
    // header keeps its stored value.
    void rotatedSecretIsMaskedEverywhere()
    {
        const QByteArray fresh = "rotated-9f27c1d0-secret";
        QList<ca::ChangeSetEntry> entries;
        QList<ca::Connector> withHeaders;
        for (const ca::Connector& c : list(ca::Vendor::Databar)) {
            const QJsonArray headers = c.editable.value(QLatin1String("headers")).toArray();
            if (headers.size() < 2 || withHeaders.size() == 3)
                continue;
            withHeaders << c;
            ca::ChangeSetEntry e =
                entryFor(c, QStringLiteral("/headers/0/value"), QString::fromLatin1(fresh));
            e.secretPointers = {QStringLiteral("/headers/0/value")};
            entries << e;
        }
        QVERIFY(withHeaders.size() == 3);
        ca::AuditLog log(m_auditDir.filePath(QStringLiteral("rotate")));
        const ca::ChangeSetPlan p = plan(entries);
        QCOMPARE(p.toApply().size(), 3);
        for (const ca::ChangeSetItem& item : p.items) {
            QVERIFY(!item.review->diffText().contains(QString::fromLatin1(fresh)));
            QVERIFY(!QJsonDocument(item.toJson()).toJson().contains(fresh));
        }
        ca::ChangeSetRun* run = apply(p, 4, &log);
        QVERIFY(run);
        QVERIFY(log.flush());
        QCOMPARE(run->counts().applied, 3);
        QVERIFY(!QJsonDocument(run->toJson()).toJson().contains(fresh));
        QFile file(log.filePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(fresh));
        for (const ca::Connector& before : withHeaders) {
            const QJsonArray headers = get(ca::Vendor::Databar, before.id)
                                           .editable.value(QLatin1String("headers"))
                                           .toArray();
            const QJsonArray old = before.editable.value(QLatin1String("headers")).toArray();
            QCOMPARE(headers.at(0).toObject().value(QLatin1String("value")).toString(),
                     QString::fromLatin1(fresh));
            for (qsizetype i = 1; i < old.size(); ++i)
                QCOMPARE(headers.at(i), old.at(i));
        }
    }
};

QTEST_MAIN(TestChangeSet)
#include "tst_change_set.moc"
