// Change sets from the command line, black box: connectorctl export / plan / apply DIR / drift /
// set run as processes against a connector-sandbox process (HOME and the XDG dirs in a temp dir,
// the key from the environment). The sandbox's state and request log are the truth.
#include "ConnectorFolder.h"
#include "CtlProcess.h"
#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

namespace {

QJsonObject readObject(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll()).object()
                                       : QJsonObject();
}

bool writeObject(const QString& path, const QJsonObject& o)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(ca::jsonFileText(o)) > 0;
}

} // namespace

class TestChangeSetCli : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("150")}};
    QTemporaryDir m_home;

    CtlRun ctl(const QStringList& args, const QMap<QString, QString>& env = {},
               const QByteArray& stdinBytes = {})
    {
        QProcessEnvironment e = ctlEnvironment(m_home.path());
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            e.insert(it.key(), it.value());
        return runCtlIn(e, args, stdinBytes);
    }

    QString dir(const QString& name)
    {
        const QString path = m_home.filePath(QStringLiteral("folder-") + name);
        QDir(path).removeRecursively();
        return path;
    }

    // Bigdata names its id connector_id.
    static QString idOf(const QJsonObject& o)
    {
        const QJsonValue id = o.contains(QLatin1String("id"))
                                  ? o.value(QLatin1String("id"))
                                  : o.value(QLatin1String("connector_id"));
        return id.toVariant().toString();
    }

    QJsonArray state(const QString& vendor)
    {
        return TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=") + vendor))
            .value(vendor)
            .toArray();
    }
    // id → the connector's state without the sandbox's own facts and stamps.
    QMap<QString, QJsonObject> stateById(const QString& vendor)
    {
        QMap<QString, QJsonObject> out;
        for (const QJsonValue& v : state(vendor)) {
            QJsonObject o = v.toObject();
            for (const char* stamp : {"_sandbox", "updated_at", "updatedAt", "version_id"})
                o.remove(QLatin1String(stamp));
            out.insert(idOf(o), o);
        }
        return out;
    }

    void clearRequests()
    {
        TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")));
    }

    QStringList ids(const QString& vendor)
    {
        QStringList out;
        for (const QJsonValue& v : state(vendor))
            out << idOf(v.toObject());
        return out;
    }

    // Renames Databar connector `id` on the server, as someone in the vendor's console would,
    // starting from its exported `file`.
    bool renameOnServer(const QString& id, const QString& file, const QString& name)
    {
        QJsonObject changed = readObject(file);
        changed.insert(QStringLiteral("name"), name);
        const QString single = m_home.filePath(QStringLiteral("console.json"));
        return writeObject(single, changed) &&
               ctl({QStringLiteral("apply"), QStringLiteral("t-databar"), id, single,
                    QStringLiteral("--yes")})
                       .code == 0;
    }

    QByteArray auditBytes()
    {
        QFile f(QDir(ctlDataDirectory(m_home.path())).filePath(QStringLiteral("audit.jsonl")));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        for (const char* vendor : {"databar", "bigdata", "aisquared"}) {
            const QString v = QLatin1String(vendor);
            QStringList args{QStringLiteral("profile"),
                             QStringLiteral("add"),
                             QStringLiteral("t-") + v,
                             QStringLiteral("--vendor"),
                             v,
                             QStringLiteral("--base-url"),
                             m_sandbox.vendorUrl(v).toString()};
            if (v == QLatin1String("aisquared"))
                args << QStringLiteral("--workspace") << QStringLiteral("1");
            const CtlRun r = ctl(args);
            QVERIFY2(r.code == 0, qPrintable(r.describe()));
        }
    }
    void init()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        clearRequests();
    }

    // Export → edit 3 files → plan (3 to change) → apply → exactly those 3 changes on the
    // server; plan again → nothing; export again → the same bytes.
    void exportEditPlanApplyRoundTrip()
    {
        const QString d = dir(QStringLiteral("round"));
        CtlRun r = ctl({QStringLiteral("export"), d, QStringLiteral("t-databar"),
                        QStringLiteral("t-bigdata")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        const QMap<QString, QJsonObject> databarBefore = stateById(QStringLiteral("databar"));
        const QMap<QString, QJsonObject> bigdataBefore = stateById(QStringLiteral("bigdata"));
        const QString d1 = ids(QStringLiteral("databar")).at(3);
        const QString d2 = ids(QStringLiteral("databar")).at(7);
        const QString b1 = ids(QStringLiteral("bigdata")).at(2);
        const auto edit = [&](const QString& profile, const QString& id, const QString& field,
                              const QJsonValue& value) {
            const QString path =
                QStringLiteral("%1/%2/%3").arg(d, profile, ca::ConnectorFolder::fileNameForId(id));
            QJsonObject o = readObject(path);
            o.insert(field, value);
            return writeObject(path, o);
        };
        QVERIFY(edit(QStringLiteral("t-databar"), d1, QStringLiteral("name"),
                     QStringLiteral("Renamed one")));
        QVERIFY(edit(QStringLiteral("t-databar"), d2, QStringLiteral("rate_limit"), 7));
        QVERIFY(edit(QStringLiteral("t-bigdata"), b1, QStringLiteral("description"),
                     QStringLiteral("Described in git")));

        r = ctl({QStringLiteral("plan"), d});
        QVERIFY2(r.code == 1, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("3 to change, "), qPrintable(r.describe()));
        QVERIFY(r.out.contains("Renamed one"));
        QVERIFY(m_sandbox.requestsTo(QStringLiteral("databar"), QStringLiteral("PUT")).isEmpty());

        r = ctl({QStringLiteral("apply"), d, QStringLiteral("--yes")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QCOMPARE(m_sandbox.requestsTo(QStringLiteral("databar"), QStringLiteral("PUT")).size(), 2);
        QCOMPARE(m_sandbox.requestsTo(QStringLiteral("bigdata"), QStringLiteral("PUT")).size(), 1);
        QMap<QString, QJsonObject> databarAfter = stateById(QStringLiteral("databar"));
        QMap<QString, QJsonObject> bigdataAfter = stateById(QStringLiteral("bigdata"));
        QCOMPARE(databarAfter.value(d1).value(QLatin1String("name")).toString(),
                 QStringLiteral("Renamed one"));
        QCOMPARE(databarAfter.value(d2).value(QLatin1String("rate_limit")).toInt(), 7);
        QCOMPARE(bigdataAfter.value(b1).value(QLatin1String("description")).toString(),
                 QStringLiteral("Described in git"));
        // Nothing else moved.
        databarAfter[d1].insert(QStringLiteral("name"),
                                databarBefore.value(d1).value(QLatin1String("name")));
        databarAfter[d2].insert(QStringLiteral("rate_limit"),
                                databarBefore.value(d2).value(QLatin1String("rate_limit")));
        bigdataAfter[b1].insert(QStringLiteral("description"),
                                bigdataBefore.value(b1).value(QLatin1String("description")));
        QCOMPARE(databarAfter, databarBefore);
        QCOMPARE(bigdataAfter, bigdataBefore);
        const QByteArray audit = auditBytes();
        QCOMPARE(audit.count("\"action\":\"change-set\""), 2);

        r = ctl({QStringLiteral("plan"), d});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QVERIFY(!r.out.contains("to change"));
        const QMap<QString, QByteArray> folder = filesUnder(d);
        r = ctl({QStringLiteral("export"), d, QStringLiteral("t-databar"),
                 QStringLiteral("t-bigdata")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QCOMPARE(filesUnder(d), folder);
    }

    // A connector changed on the server after the export is drifted, not "to change"; drift
    // --refresh adopts it into the folder.
    void driftIsShownAndRefreshAdoptsIt()
    {
        const QString d = dir(QStringLiteral("drift"));
        CtlRun r = ctl({QStringLiteral("export"), d, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        const QString id = ids(QStringLiteral("databar")).at(5);
        const QString file = QStringLiteral("%1/t-databar/%2.json").arg(d, id);
        QVERIFY(renameOnServer(id, file, QStringLiteral("Changed in the console")));

        r = ctl({QStringLiteral("plan"), d});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains("1 drifted"), qPrintable(r.describe()));
        QVERIFY(!r.out.contains("to change"));
        r = ctl({QStringLiteral("drift"), d});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains("Changed in the console"));
        r = ctl({QStringLiteral("drift"), d, QStringLiteral("--refresh")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QCOMPARE(readObject(file).value(QLatin1String("name")).toString(),
                 QStringLiteral("Changed in the console"));
        r = ctl({QStringLiteral("drift"), d});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        r = ctl({QStringLiteral("plan"), d});
        QVERIFY2(r.code == 0 && !r.out.contains("drifted"), qPrintable(r.describe()));
    }

    // File and server both changed the same field: plan exits 7 and apply sends nothing for it
    // until a choice is given.
    void conflictNeedsAChoice()
    {
        const QString d = dir(QStringLiteral("conflict"));
        CtlRun r = ctl({QStringLiteral("export"), d, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        const QString id = ids(QStringLiteral("databar")).at(1);
        const QString file = QStringLiteral("%1/t-databar/%2.json").arg(d, id);
        QVERIFY(renameOnServer(id, file, QStringLiteral("Theirs")));
        QJsonObject mine = readObject(file);
        mine.insert(QStringLiteral("name"), QStringLiteral("Mine"));
        QVERIFY(writeObject(file, mine));
        clearRequests();

        r = ctl({QStringLiteral("plan"), d});
        QVERIFY2(r.code == 7, qPrintable(r.describe()));
        QVERIFY(r.out.contains("1 conflict"));
        r = ctl({QStringLiteral("apply"), d, QStringLiteral("--yes")});
        QVERIFY2(r.code == 7, qPrintable(r.describe()));
        QVERIFY(m_sandbox.requestsTo(QStringLiteral("databar"), QStringLiteral("PUT")).isEmpty());
        r = ctl({QStringLiteral("apply"), d, QStringLiteral("--yes"), QStringLiteral("--resolve"),
                 QStringLiteral("mine")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QCOMPARE(m_sandbox.requestsTo(QStringLiteral("databar"), QStringLiteral("PUT")).size(), 1);
        QCOMPARE(stateById(QStringLiteral("databar")).value(id).value(QLatin1String("name")),
                 QJsonValue(QStringLiteral("Mine")));
    }

    // A secret from the environment: missing → exit 5 naming it; sent once; the same value again
    // is nothing to do (its fingerprint); it is in no file and no output.
    void secretFromTheEnvironment()
    {
        const QString d = dir(QStringLiteral("env"));
        CtlRun r = ctl({QStringLiteral("export"), d, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QString id;
        for (const QJsonValue& v : state(QStringLiteral("databar"))) {
            if (!v.toObject().value(QLatin1String("headers")).toArray().isEmpty()) {
                id = idOf(v.toObject());
                break;
            }
        }
        QVERIFY(!id.isEmpty());
        const QString file = QStringLiteral("%1/t-databar/%2.json").arg(d, id);
        QJsonObject doc = readObject(file);
        QJsonArray headers = doc.value(QLatin1String("headers")).toArray();
        QJsonObject first = headers.at(0).toObject();
        first.insert(QStringLiteral("value"),
                     QJsonObject{{QStringLiteral("$env"), QStringLiteral("CA_ROTATED")}});
        headers.replace(0, first);
        doc.insert(QStringLiteral("headers"), headers);
        QVERIFY(writeObject(file, doc));
        const QString value = QStringLiteral("env-secret-5c1e9a77");

        r = ctl({QStringLiteral("plan"), d});
        QVERIFY2(r.code == 5, qPrintable(r.describe()));
        QVERIFY(r.err.contains("CA_ROTATED"));
        const QMap<QString, QString> env{{QStringLiteral("CA_ROTATED"), value}};
        r = ctl({QStringLiteral("plan"), d}, env);
        QVERIFY2(r.code == 1, qPrintable(r.describe()));
        QVERIFY(!r.out.contains(value.toUtf8()) && !r.err.contains(value.toUtf8()));
        r = ctl({QStringLiteral("apply"), d, QStringLiteral("--yes")}, env);
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QVERIFY(!r.out.contains(value.toUtf8()) && !r.err.contains(value.toUtf8()));
        const QJsonArray stored = stateById(QStringLiteral("databar"))
                                      .value(id)
                                      .value(QLatin1String("headers"))
                                      .toArray();
        QCOMPARE(stored.at(0).toObject().value(QLatin1String("value")).toString(), value);
        r = ctl({QStringLiteral("plan"), d}, env);
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        r = ctl({QStringLiteral("plan"), d},
                {{QStringLiteral("CA_ROTATED"), QStringLiteral("another-value-0042")}});
        QVERIFY2(r.code == 1, qPrintable(r.describe()));
        for (const QByteArray& bytes : filesUnder(d))
            QVERIFY(!bytes.contains(value.toUtf8()));
        QVERIFY(readObject(file)
                    .value(QLatin1String("headers"))
                    .toArray()
                    .at(0)
                    .toObject()
                    .value(QLatin1String("value"))
                    .isObject()); // the reference stays in the file
        QVERIFY(!auditBytes().contains(value.toUtf8()));
    }

    // Rotation: one new header value on 40 Databar connectors, read from stdin, sent once per
    // connector; every other header keeps its stored value; 40 audit records, value redacted.
    void rotateAHeaderOnFortyConnectors()
    {
        QStringList chosen;
        const QMap<QString, QJsonObject> before = stateById(QStringLiteral("databar"));
        for (auto it = before.cbegin(); it != before.cend() && chosen.size() < 40; ++it) {
            for (const QJsonValue& h : it.value().value(QLatin1String("headers")).toArray()) {
                if (h.toObject().value(QLatin1String("name")).toString() ==
                    QLatin1String("X-Api-Key"))
                    chosen << it.key();
            }
        }
        QCOMPARE(chosen.size(), 40);
        const QByteArray value = "rotated-key-3f0b6d2e91";
        const QByteArray auditBefore = auditBytes();
        CtlRun r = ctl({QStringLiteral("set"), QStringLiteral("t-databar"),
                        QStringLiteral("/headers/[name=X-Api-Key]/value"),
                        QStringLiteral("--secret-stdin"), QStringLiteral("--ids"),
                        chosen.join(QLatin1Char(',')), QStringLiteral("--yes"),
                        QStringLiteral("--parallel"), QStringLiteral("8")},
                       {}, value + '\n');
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QVERIFY(!r.out.contains(value) && !r.err.contains(value));
        const QList<QJsonObject> puts =
            m_sandbox.requestsTo(QStringLiteral("databar"), QStringLiteral("PUT"));
        QCOMPARE(puts.size(), 40);
        const QMap<QString, QJsonObject> after = stateById(QStringLiteral("databar"));
        for (const QString& id : chosen) {
            const QJsonArray old = before.value(id).value(QLatin1String("headers")).toArray();
            const QJsonArray now = after.value(id).value(QLatin1String("headers")).toArray();
            QCOMPARE(now.size(), old.size());
            for (qsizetype i = 0; i < old.size(); ++i) {
                const QJsonObject h = now.at(i).toObject();
                if (h.value(QLatin1String("name")).toString() == QLatin1String("X-Api-Key"))
                    QCOMPARE(h.value(QLatin1String("value")).toString(),
                             QString::fromLatin1(value));
                else
                    QCOMPARE(now.at(i), old.at(i));
            }
        }
        const QByteArray audit = auditBytes().mid(auditBefore.size());
        QVERIFY(!audit.contains(value));
        int applied = 0;
        for (const QByteArray& line : audit.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            applied += o.value(QLatin1String("action")).toString() == QLatin1String("apply") &&
                       o.value(QLatin1String("outcome")).toString() == QLatin1String("applied") &&
                       !o.value(QLatin1String("changeSetId")).toString().isEmpty();
        }
        QCOMPARE(applied, 40);
    }

    // Appending an address to every email connector keeps label, description and
    // share_with_org; running it again changes nothing.
    void appendAnAddressToEveryEmailConnector()
    {
        const QMap<QString, QJsonObject> before = stateById(QStringLiteral("bigdata"));
        QStringList emails;
        for (auto it = before.cbegin(); it != before.cend(); ++it) {
            if (it.value().value(QLatin1String("type")).toString() == QLatin1String("email"))
                emails << it.key();
        }
        QVERIFY(emails.size() >= 3);
        const QStringList args{QStringLiteral("set"),
                               QStringLiteral("t-bigdata"),
                               QStringLiteral("/config/allowed_emails/-"),
                               QStringLiteral("--value"),
                               QStringLiteral("\"ops@example.com\""),
                               QStringLiteral("--ids"),
                               emails.join(QLatin1Char(',')),
                               QStringLiteral("--yes")};
        CtlRun r = ctl(args);
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QCOMPARE(m_sandbox.requestsTo(QStringLiteral("bigdata"), QStringLiteral("PUT")).size(),
                 emails.size());
        const QMap<QString, QJsonObject> after = stateById(QStringLiteral("bigdata"));
        for (const QString& id : emails) {
            for (const char* field : {"label", "description", "share_with_org"})
                QCOMPARE(after.value(id).value(QLatin1String(field)),
                         before.value(id).value(QLatin1String(field)));
            QVERIFY(after.value(id)
                        .value(QLatin1String("config"))
                        .toObject()
                        .value(QLatin1String("allowed_emails"))
                        .toArray()
                        .contains(QStringLiteral("ops@example.com")));
        }
        clearRequests();
        r = ctl(args);
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QVERIFY(r.err.contains("nothing to apply"));
        QVERIFY(m_sandbox.requestsTo(QStringLiteral("bigdata"), QStringLiteral("PUT")).isEmpty());
    }

    // A bulk rename of AI Squared connectors never sends their configuration; --dry-run sends
    // nothing at all.
    void aisquaredBulkRenameNeverSendsConfiguration()
    {
        const QStringList chosen = ids(QStringLiteral("aisquared")).mid(0, 3);
        QStringList args{QStringLiteral("set"),
                         QStringLiteral("t-aisquared"),
                         QStringLiteral("/name"),
                         QStringLiteral("--value"),
                         QStringLiteral("\"Renamed in bulk\""),
                         QStringLiteral("--ids"),
                         chosen.join(QLatin1Char(','))};
        CtlRun r = ctl(args + QStringList{QStringLiteral("--dry-run")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QVERIFY(r.out.contains("3 to change"));
        QVERIFY(m_sandbox.requestsTo(QStringLiteral("aisquared"), QStringLiteral("PUT")).isEmpty());
        r = ctl(args + QStringList{QStringLiteral("--yes")});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        const QList<QJsonObject> puts =
            m_sandbox.requestsTo(QStringLiteral("aisquared"), QStringLiteral("PUT"));
        QCOMPARE(puts.size(), 3);
        for (const QJsonObject& put : puts) {
            const QJsonObject body = put.value(QLatin1String("json")).toObject();
            QVERIFY(!QJsonDocument(body).toJson().contains("configuration"));
        }
    }

    // A 503 on one PUT in the middle: exit 8, the per-item table says which, no second PUT.
    void partialFailureExitsEight()
    {
        const QStringList chosen = ids(QStringLiteral("databar")).mid(10, 4);
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            QJsonObject{{QStringLiteral("faults"),
                         QJsonArray{QJsonObject{
                             {QStringLiteral("spec"), QStringLiteral("databar:status=503")},
                             {QStringLiteral("method"), QStringLiteral("PUT")},
                             {QStringLiteral("path"), QLatin1Char('/') + chosen.at(2)}}}}}));
        const CtlRun r =
            ctl({QStringLiteral("set"), QStringLiteral("t-databar"), QStringLiteral("/name"),
                 QStringLiteral("--value"), QStringLiteral("\"Renamed in bulk\""),
                 QStringLiteral("--ids"), chosen.join(QLatin1Char(',')), QStringLiteral("--yes")});
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   QJsonObject{{QStringLiteral("faults"), QJsonArray()}}));
        QVERIFY2(r.code == 8, qPrintable(r.describe()));
        QVERIFY(r.out.contains("failed"));
        QVERIFY(r.err.contains("3 applied, 1 failed (of 4)"));
        QCOMPARE(m_sandbox.requestsTo(QStringLiteral("databar"), QStringLiteral("PUT")).size(), 4);
    }
};

QTEST_MAIN(TestChangeSetCli)
#include "tst_change_set_cli.moc"
