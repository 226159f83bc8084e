// Many instances on the same profiles (ctest -L instances), for 2 minutes (CA_INSTANCES_SECONDS
// shortens it): two connector-admin windows (real processes, offscreen, auto-refresh on) and this
// test driving connectorctl in a loop on the same HOME: applies to Databar, profiles added and
// removed (profiles.ini churn while the windows read it), and pairs of overlapping Timbal
// rollouts on one profile. Runs inside a throwaway Secret Service (run-with-keyring.sh): every
// process reads its keys from the real keychain. At the end:
//   - every line of the audit log is a JSON object;
//   - no record lost: PUTs in the sandbox's request log = applies that succeeded = their
//     "applied" records, each with its intent; Timbal POSTs = their dispatch records;
//   - profiles.ini and ui.ini read back whole, nothing was kept aside as corrupt;
//   - the one-rollout-per-profile lock held: the second run of each pair was refused.
#include "AuditLog.h"
#include "CtlProcess.h"
#include "ProfileStore.h"
#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QtTest>

using namespace ca;

class TestManyInstances : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("12")}};
    QProcessEnvironment m_env = QProcessEnvironment::systemEnvironment();
    QString m_config;
    QString m_data;

    CtlRun ctl(const QStringList& args, const QByteArray& stdinBytes = {})
    {
        return runCtlIn(m_env, args, stdinBytes);
    }

    QList<QJsonObject> requests(const QString& vendor, const QString& method) const
    {
        return m_sandbox.requestsTo(vendor, method);
    }

    // Ids of the profile's connectors; for Timbal only those online (an update reaches them).
    QStringList idsOf(const QString& profile)
    {
        const CtlRun r = ctl({QStringLiteral("list"), profile, QStringLiteral("--json")});
        QStringList ids;
        for (const QJsonValue& v : QJsonDocument::fromJson(r.out).array()) {
            const QJsonObject c = v.toObject();
            if (!c.contains(QLatin1String("online")) || c.value(QLatin1String("online")).toBool())
                ids << c.value(QLatin1String("id")).toString();
        }
        return ids;
    }

    QString applyFile(const QString& id, int n)
    {
        const CtlRun got =
            ctl({QStringLiteral("get"), QStringLiteral("t-databar"), id, QStringLiteral("--json")});
        QJsonObject doc = QJsonDocument::fromJson(got.out).object();
        doc.insert(QStringLiteral("name"), QStringLiteral("Renamed %1").arg(n));
        const QString path = QDir::temp().filePath(QStringLiteral("ca-instances-apply.json"));
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(QJsonDocument(doc).toJson());
        return path;
    }

    QProcess* startWindow()
    {
        auto* p = new QProcess(this);
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p->setProcessEnvironment(env);
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start(QStringLiteral(CA_ADMIN_BIN), {});
        return p;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_env.contains(QStringLiteral("DBUS_SESSION_BUS_ADDRESS")),
                 "run under tests/keychain/run-with-keyring.sh (ctest -L instances)");
        m_env.remove(QStringLiteral("CONNECTOR_ADMIN_API_KEY"));
        m_config =
            m_env.value(QStringLiteral("XDG_CONFIG_HOME")) + QStringLiteral("/ConnectorAdmin");
        m_data = m_env.value(QStringLiteral("XDG_DATA_HOME")) + QStringLiteral("/ConnectorAdmin");
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        // A dispatched update reports its new version after 2.5 s: a run with --wait holds the
        // profile's rollout lock at least that long.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   QJsonObject{{QStringLiteral("timbalUpdateDelayMs"), 2500}}));
        for (const QString& vendor : {QStringLiteral("databar"), QStringLiteral("timbal")}) {
            const QString name = QStringLiteral("t-") + vendor;
            CtlRun r = ctl({QStringLiteral("profile"), QStringLiteral("add"), name,
                            QStringLiteral("--vendor"), vendor, QStringLiteral("--base-url"),
                            m_sandbox.vendorUrl(vendor).toString(), QStringLiteral("--org"),
                            QStringLiteral("demo-org")});
            QVERIFY2(r.code == 0, qPrintable(r.describe()));
            r = ctl({QStringLiteral("key"), QStringLiteral("set"), name}, kCtlTestKey + "\n");
            QVERIFY2(r.code == 0, qPrintable(r.describe()));
        }
        QSettings ui(m_config + QStringLiteral("/ui.ini"), QSettings::IniFormat);
        ui.setValue(QStringLiteral("refresh/minutes"), 1);
    }

    void windowsAndScriptsShareProfilesWithoutLoss()
    {
        const int seconds = qEnvironmentVariableIsSet("CA_INSTANCES_SECONDS")
                                ? qEnvironmentVariableIntValue("CA_INSTANCES_SECONDS")
                                : 120;
        QProcess* first = startWindow();
        QProcess* second = startWindow();
        QVERIFY(first->waitForStarted(10000) && second->waitForStarted(10000));

        const QStringList databar = idsOf(QStringLiteral("t-databar"));
        const QStringList timbal = idsOf(QStringLiteral("t-timbal"));
        QVERIFY(databar.size() >= 3 && timbal.size() >= 3);
        int applied = 0;
        int pairs = 0;
        int refusedSeconds = 0;
        QStringList failures;
        QElapsedTimer clock;
        clock.start();
        for (int n = 0; clock.elapsed() < qint64(seconds) * 1000; ++n) {
            const QString id = databar.at(n % 3);
            const CtlRun r = ctl({QStringLiteral("apply"), QStringLiteral("t-databar"), id,
                                  applyFile(id, n), QStringLiteral("--yes")});
            if (r.code == 0)
                ++applied;
            else
                failures << r.describe();
            if (n % 3 == 1) {
                const QString scratch = QStringLiteral("scratch-%1").arg(n);
                ctl({QStringLiteral("profile"), QStringLiteral("add"), scratch,
                     QStringLiteral("--vendor"), QStringLiteral("databar")});
                ctl({QStringLiteral("profile"), QStringLiteral("remove"), scratch});
            }
            if (n % 5 == 2) {
                // Two overlapping rollouts on one profile: the second starts once the first has
                // dispatched (so it holds the lock) and must be refused.
                ++pairs;
                const qsizetype postsBefore =
                    requests(QStringLiteral("timbal"), QStringLiteral("POST")).size();
                QProcess holder;
                holder.setProcessEnvironment(m_env);
                // A version other than the one the last pair set: every row is dispatched.
                const QString version =
                    pairs % 2 ? QStringLiteral("0.1.4") : QStringLiteral("0.1.5");
                holder.start(QStringLiteral(CA_CONNECTORCTL_BIN),
                             {QStringLiteral("update"), QStringLiteral("t-timbal"), timbal.at(0),
                              timbal.at(1), QStringLiteral("--version"), version,
                              QStringLiteral("--wait"), QStringLiteral("--force")});
                QTRY_VERIFY_WITH_TIMEOUT(
                    requests(QStringLiteral("timbal"), QStringLiteral("POST")).size() > postsBefore,
                    20000);
                const CtlRun second =
                    ctl({QStringLiteral("update"), QStringLiteral("t-timbal"), timbal.at(2),
                         QStringLiteral("--version"), version, QStringLiteral("--force")});
                if ((second.out + second.err).contains("another update run"))
                    ++refusedSeconds;
                else
                    failures << QStringLiteral("second rollout not refused: ") + second.describe();
                if (holder.state() != QProcess::NotRunning)
                    QVERIFY(holder.waitForFinished(60000));
                if (holder.exitCode() != 0)
                    failures << QStringLiteral("first rollout: ") +
                                    QString::fromUtf8(holder.readAll() +
                                                      holder.readAllStandardError());
            }
        }
        first->kill();
        second->kill();
        first->waitForFinished(10000);
        second->waitForFinished(10000);
        qInfo("%d s: %d applies, %d rollout pairs (%d second runs refused)", seconds, applied,
              pairs, refusedSeconds);
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QStringLiteral("\n---\n"))));
        QVERIFY(applied >= 3 && pairs >= 1);
        QCOMPARE(refusedSeconds, pairs);

        // Every audit line is one JSON object.
        int lines = 0;
        for (const QString& name :
             {QStringLiteral("audit.jsonl.1"), QStringLiteral("audit.jsonl")}) {
            QFile f(m_data + QLatin1Char('/') + name);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            for (const QByteArray& line : f.readAll().split('\n')) {
                if (line.trimmed().isEmpty())
                    continue;
                ++lines;
                QJsonParseError error{};
                const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
                QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(),
                         line.constData());
            }
        }
        QVERIFY(lines > 0);

        // No record lost: each PUT the sandbox saw has its "applied" record (and its intent),
        // each Timbal POST its dispatch record.
        AuditLog audit(m_data);
        auto count = [&audit](const QString& profile, AuditAction action, auto counts) {
            AuditLog::Query q;
            q.profile = profile;
            q.action = action;
            q.limit = 100000;
            int n = 0;
            for (const AuditRecord& r : audit.records(q))
                n += counts(r) ? 1 : 0;
            return n;
        };
        QCOMPARE(int(requests(QStringLiteral("databar"), QStringLiteral("PUT")).size()), applied);
        QCOMPARE(count(QStringLiteral("t-databar"), AuditAction::Apply,
                       [](const AuditRecord& r) { return r.outcome == AuditOutcome::Applied; }),
                 applied);
        QCOMPARE(count(QStringLiteral("t-timbal"), AuditAction::SoftwareUpdate,
                       [](const AuditRecord& r) { return r.httpStatus > 0; }),
                 int(requests(QStringLiteral("timbal"), QStringLiteral("POST")).size()));

        // Settings never corrupted: both files read back whole, nothing kept aside.
        ProfileStore profiles(m_config + QStringLiteral("/profiles.ini"));
        QVERIFY2(profiles.notice().isEmpty(), qPrintable(profiles.notice()));
        QVERIFY(profiles.find(QStringLiteral("t-databar")) &&
                profiles.find(QStringLiteral("t-timbal")));
        QSettings ui(m_config + QStringLiteral("/ui.ini"), QSettings::IniFormat);
        QCOMPARE(ui.status(), QSettings::NoError);
        QCOMPARE(ui.value(QStringLiteral("refresh/minutes")).toInt(), 1);
        const QStringList kept =
            QDir(m_config).entryList({QStringLiteral("*.corrupt-*"), QStringLiteral("*.link-*")});
        QVERIFY2(kept.isEmpty(), qPrintable(kept.join(u',')));
    }
};

QTEST_GUILESS_MAIN(TestManyInstances)
#include "tst_many_instances.moc"
