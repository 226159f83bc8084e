// connectorctl as a black box: the built binary run as a process against a connector-sandbox
// process, with HOME and the XDG dirs in a temp dir and no keychain (the key comes from
// CONNECTOR_ADMIN_API_KEY). Every run is checked for the key leaking into stdout or stderr.
#include "CtlProcess.h"
#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QByteArray kKey = "demo-key";

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    // One line on stderr, in connectorctl's error format.
    bool oneErrorLine() const
    {
        const QByteArray e = err.trimmed();
        return e.startsWith("connectorctl: ") && !e.contains('\n');
    }
};

QString describe(const Run& r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(r.code)
        .arg(QString::fromUtf8(r.out.left(2000)), QString::fromUtf8(r.err.left(2000)));
}

} // namespace

class TestConnectorCtl : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;
    SandboxProcess m_sandbox;
    QStringList m_leaks;
    bool m_realKeyring = qEnvironmentVariableIsSet("CA_REAL_KEYRING");

    struct Options
    {
        bool withKey = true;
        QByteArray key = kKey;
        QByteArray stdinBytes;
        QString dataHome; // XDG_DATA_HOME (the audit log's parent) instead of the test's own
        QMap<QString, QString> env; // extra variables (check's CONNECTOR_ADMIN_SECRET_*)
    };

    Run ctl(const QStringList& args, const Options& o)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (!m_realKeyring) {
            env.insert(QStringLiteral("HOME"), m_home.path());
            env.insert(QStringLiteral("XDG_CONFIG_HOME"),
                       m_home.filePath(QStringLiteral("config")));
            env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
            // Never the user's keychain: an unreachable session bus.
            env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                       QStringLiteral("unix:path=/nonexistent/bus"));
            env.insert(QStringLiteral("DISPLAY"), QString());
        }
        if (!o.dataHome.isEmpty())
            env.insert(QStringLiteral("XDG_DATA_HOME"), o.dataHome);
        env.remove(QStringLiteral("CONNECTOR_ADMIN_API_KEY"));
        if (o.withKey)
            env.insert(QStringLiteral("CONNECTOR_ADMIN_API_KEY"), QString::fromUtf8(o.key));
        for (auto it = o.env.cbegin(); it != o.env.cend(); ++it)
            env.insert(it.key(), it.value());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CA_CONNECTORCTL_BIN), args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.write(o.stdinBytes);
        p.closeWriteChannel();
        if (!p.waitForFinished(120000))
            p.kill();
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        if (r.out.contains(kKey) || r.err.contains(kKey))
            m_leaks << args.join(QLatin1Char(' '));
        return r;
    }
    Run ctl(const QStringList& args) { return ctl(args, Options{}); }

    static QString profileOf(const QString& vendor) { return QStringLiteral("t-") + vendor; }

    QList<QJsonObject> requests(const QString& vendor = {}, const QString& method = {})
    {
        QList<QJsonObject> out;
        const QJsonArray all =
            TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                .value(QLatin1String("requests"))
                .toArray();
        for (const QJsonValue& v : all) {
            const QJsonObject r = v.toObject();
            if ((vendor.isEmpty() || r.value(QLatin1String("vendor")).toString() == vendor) &&
                (method.isEmpty() || r.value(QLatin1String("method")).toString() == method))
                out.append(r);
        }
        return out;
    }

    QJsonArray state(const QString& vendor)
    {
        return TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=") + vendor))
            .value(vendor)
            .toArray();
    }

    // The first connector id of a profile, as `list --json` gives it.
    QString firstId(const QString& vendor)
    {
        const Run r = ctl({QStringLiteral("list"), profileOf(vendor), QStringLiteral("--json")});
        return r.json().array().first().toObject().value(QLatin1String("id")).toString();
    }

    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        const QString path = m_home.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(bytes);
        return path;
    }

    static QStringList editableVendors()
    {
        return {QStringLiteral("aisquared"), QStringLiteral("b3os"), QStringLiteral("databar"),
                QStringLiteral("bigdata")};
    }
    static QStringList allVendors()
    {
        return QStringList{QStringLiteral("timbal")} + editableVendors();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        if (m_realKeyring)
            return;
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        for (const QString& v : allVendors()) {
            const Run r = ctl({QStringLiteral("profile"), QStringLiteral("add"), profileOf(v),
                               QStringLiteral("--vendor"), v, QStringLiteral("--base-url"),
                               m_sandbox.vendorUrl(v).toString(), QStringLiteral("--org"),
                               QStringLiteral("demo-org"), QStringLiteral("--workspace"),
                               QStringLiteral("1")});
            QVERIFY2(r.code == 0, qPrintable(describe(r)));
            QVERIFY(r.out.isEmpty());
        }
    }

    void init()
    {
        if (m_realKeyring)
            return;
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        // Each test starts without the dispatch records of the one before (the sandbox was
        // reset, so those dispatches no longer exist).
        for (const char* f : {"audit.jsonl", "audit.jsonl.1"})
            QFile::remove(
                m_home.filePath(QStringLiteral("data/ConnectorAdmin/") + QLatin1String(f)));
    }

    void cleanup()
    {
        QVERIFY2(m_leaks.isEmpty(),
                 qPrintable(QStringLiteral("the key appeared in the output of: ") +
                            m_leaks.join(QStringLiteral("; "))));
        m_leaks.clear();
    }

    // --- conventions ---

    void helpWorksOnEveryCommand_data()
    {
        QTest::addColumn<QStringList>("command");
        for (const char* c :
             {"profile add", "profile list", "profile remove", "key set", "key delete", "list",
              "get", "diff", "apply", "update", "history", "check"})
            QTest::newRow(c) << QString::fromLatin1(c).split(QLatin1Char(' '));
    }
    void helpWorksOnEveryCommand()
    {
        QFETCH(QStringList, command);
        const Run r = ctl(command + QStringList{QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        QVERIFY2(r.out.startsWith("Usage: connectorctl " + command.join(QLatin1Char(' ')).toUtf8()),
                 r.out.constData());
        QVERIFY(r.out.contains("Exit codes:"));
    }

    void topLevelHelpListsEveryCommandAndExitCode()
    {
        const Run r = ctl({QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        for (const char* c :
             {"profile add", "profile list", "profile remove", "key set", "key delete", "list",
              "get", "diff", "apply", "update", "history", "check"})
            QVERIFY2(r.out.contains(QByteArray("  ") + c + ' '), c);
        for (int code = 0; code <= 8; ++code)
            QVERIFY(r.out.contains(QByteArray("  ") + QByteArray::number(code) + "  "));
        QVERIFY(r.out.contains("CONNECTOR_ADMIN_API_KEY"));
    }

    void usageErrorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("unknown subcommand")
            << QStringList{QStringLiteral("profile"), QStringLiteral("rename")};
        QTest::newRow("unknown option") << QStringList{
            QStringLiteral("list"), QStringLiteral("t-databar"), QStringLiteral("--colour")};
        QTest::newRow("missing argument")
            << QStringList{QStringLiteral("get"), QStringLiteral("t-databar")};
        QTest::newRow("extra argument")
            << QStringList{QStringLiteral("get"), QStringLiteral("t-databar"),
                           QStringLiteral("1001"), QStringLiteral("x")};
        QTest::newRow("bad vendor")
            << QStringList{QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("p1"),
                           QStringLiteral("--vendor"), QStringLiteral("acme")};
        QTest::newRow("no vendor")
            << QStringList{QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("p1")};
        QTest::newRow("bad profile name")
            << QStringList{QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("a b"),
                           QStringLiteral("--vendor"), QStringLiteral("databar")};
        QTest::newRow("plain http to a remote host")
            << QStringList{QStringLiteral("profile"),
                           QStringLiteral("add"),
                           QStringLiteral("p1"),
                           QStringLiteral("--vendor"),
                           QStringLiteral("databar"),
                           QStringLiteral("--base-url"),
                           QStringLiteral("http://example.com")};
        QTest::newRow("existing profile") << QStringList{
            QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("t-databar"),
            QStringLiteral("--vendor"), QStringLiteral("databar")};
        QTest::newRow("bad --parallel") << QStringList{
            QStringLiteral("update"), QStringLiteral("t-timbal"), QStringLiteral("con_000001"),
            QStringLiteral("--parallel"), QStringLiteral("0")};
        QTest::newRow("--timeout without --wait") << QStringList{
            QStringLiteral("update"), QStringLiteral("t-timbal"), QStringLiteral("con_000001"),
            QStringLiteral("--timeout"), QStringLiteral("5")};
    }
    void usageErrorsExitWithTwo()
    {
        QFETCH(QStringList, args);
        const Run r = ctl(args);
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        QVERIFY2(r.oneErrorLine(), qPrintable(describe(r)));
        QVERIFY(r.out.isEmpty());
        QVERIFY(requests().isEmpty());
    }

    // --- profiles ---

    void profileAddListRemove()
    {
        Run r = ctl({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("extra"),
                     QStringLiteral("--vendor"), QStringLiteral("b3os"), QStringLiteral("--org"),
                     QStringLiteral("org-9")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        r = ctl({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QJsonObject found;
        for (const QJsonValue& v : r.json().array())
            if (v.toObject().value(QLatin1String("name")).toString() == QLatin1String("extra"))
                found = v.toObject();
        QCOMPARE(found.value(QLatin1String("vendor")).toString(), QStringLiteral("b3os"));
        QCOMPARE(found.value(QLatin1String("orgId")).toString(), QStringLiteral("org-9"));
        // --base-url defaults to the vendor's production URL.
        QCOMPARE(found.value(QLatin1String("effectiveBaseUrl")).toString(),
                 QStringLiteral("https://api.b3os.org"));
        r = ctl({QStringLiteral("profile"), QStringLiteral("list")});
        QVERIFY(r.out.contains("extra"));
        r = ctl({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("extra")});
        QCOMPARE(r.code, 0);
        r = ctl({QStringLiteral("profile"), QStringLiteral("remove"), QStringLiteral("extra")});
        QCOMPARE(r.code, 3);
        QVERIFY(r.oneErrorLine());
    }

    // --- keys ---

    void keySetRefusesAKeyArgument()
    {
        const Run r =
            ctl({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("t-databar"),
                 QStringLiteral("sk-live-typed-on-the-command-line")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.oneErrorLine());
        QVERIFY(!r.err.contains("sk-live-typed"));
    }

    void keySetNeedsAKeyOnStdin()
    {
        Options o;
        o.withKey = false;
        const Run r =
            ctl({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("t-databar")}, o);
        QCOMPARE(r.code, 2);
        QVERIFY(r.oneErrorLine());
    }

    void keySetNeedsAKnownProfile()
    {
        Options o;
        o.stdinBytes = "some-key\n";
        const Run r =
            ctl({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("nobody")}, o);
        QCOMPARE(r.code, 3);
        QVERIFY(r.oneErrorLine());
    }

    void keySetFailsWithoutAKeychain()
    {
        Options o;
        o.stdinBytes = "some-key\n";
        const Run r =
            ctl({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("t-databar")}, o);
        QCOMPARE(r.code, 4);
        QVERIFY(r.oneErrorLine());
        QVERIFY(!r.err.contains("some-key"));
    }

    void noKeyAndNoKeychainIsAnAuthFailure()
    {
        Options o;
        o.withKey = false;
        const Run r = ctl({QStringLiteral("list"), QStringLiteral("t-databar")}, o);
        QVERIFY2(r.code == 4, qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
        QVERIFY(requests().isEmpty());
    }

    void rejectedKeyIsAnAuthFailure_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : allVendors())
            QTest::newRow(qPrintable(v)) << v;
    }
    void rejectedKeyIsAnAuthFailure()
    {
        QFETCH(QString, vendor);
        Options o;
        o.key = "wrong-key";
        const Run r = ctl({QStringLiteral("list"), profileOf(vendor)}, o);
        QVERIFY2(r.code == 4, qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
        QVERIFY(!r.err.contains("wrong-key"));
    }

    void keySetStoresTheKeyInTheRealKeychain()
    {
        if (!m_realKeyring)
            QSKIP(
                "runs under tests/keychain/run-with-keyring.sh (ctest tst_connectorctl_keychain)");
        QVERIFY(m_sandbox.start());
        Run r = ctl({QStringLiteral("profile"), QStringLiteral("add"), QStringLiteral("kr"),
                     QStringLiteral("--vendor"), QStringLiteral("databar"),
                     QStringLiteral("--base-url"),
                     m_sandbox.vendorUrl(QStringLiteral("databar")).toString()});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        Options noEnv;
        noEnv.withKey = false;
        r = ctl({QStringLiteral("list"), QStringLiteral("kr")}, noEnv);
        QCOMPARE(r.code, 4); // no key stored yet
        Options piped = noEnv;
        piped.stdinBytes = kKey + "\n";
        r = ctl({QStringLiteral("key"), QStringLiteral("set"), QStringLiteral("kr")}, piped);
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        r = ctl({QStringLiteral("list"), QStringLiteral("kr"), QStringLiteral("--json")}, noEnv);
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(!r.json().array().isEmpty());
        r = ctl({QStringLiteral("key"), QStringLiteral("delete"), QStringLiteral("kr")}, noEnv);
        QCOMPARE(r.code, 0);
        r = ctl({QStringLiteral("list"), QStringLiteral("kr")}, noEnv);
        QCOMPARE(r.code, 4);
        m_sandbox.stop();
    }

    // --- list / get ---

    void listPrintsJsonPerVendor_data() { rejectedKeyIsAnAuthFailure_data(); }
    void listPrintsJsonPerVendor()
    {
        QFETCH(QString, vendor);
        const Run r = ctl({QStringLiteral("list"), profileOf(vendor), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(r.json().isArray());
        const QJsonArray rows = r.json().array();
        QCOMPARE(rows.size(), state(vendor).size());
        for (const QJsonValue& v : rows) {
            const QJsonObject o = v.toObject();
            for (const char* key : {"id", "name", "type", "vendor", "profile"})
                QVERIFY2(o.contains(QLatin1String(key)), key);
            QCOMPARE(o.value(QLatin1String("vendor")).toString(), vendor);
            QCOMPARE(o.value(QLatin1String("profile")).toString(), profileOf(vendor));
            if (vendor == QLatin1String("timbal")) {
                QVERIFY(o.value(QLatin1String("version")).isString());
                QVERIFY(o.value(QLatin1String("online")).isBool());
            }
        }
        QVERIFY(ctl({QStringLiteral("list"), profileOf(vendor)}).out.startsWith("ID"));
    }

    void listFilterNarrowsTheList()
    {
        const QString id = firstId(QStringLiteral("databar"));
        const Run r = ctl({QStringLiteral("list"), profileOf(QStringLiteral("databar")),
                           QStringLiteral("--filter"), id, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QVERIFY(!r.json().array().isEmpty());
        for (const QJsonValue& v : r.json().array())
            QVERIFY(v.toObject().value(QLatin1String("id")).toString().contains(id) ||
                    v.toObject().value(QLatin1String("name")).toString().contains(id));
        QVERIFY(r.json().array().size() < state(QStringLiteral("databar")).size());
    }

    void getPrintsTheEditableDocument_data() { rejectedKeyIsAnAuthFailure_data(); }
    void getPrintsTheEditableDocument()
    {
        QFETCH(QString, vendor);
        const QString id = firstId(vendor);
        Run r = ctl({QStringLiteral("get"), profileOf(vendor), id, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(r.json().isObject());
        if (vendor == QLatin1String("timbal"))
            QVERIFY(r.json().object().isEmpty()); // nothing editable: software updates only
        else
            QVERIFY(!r.json().object().isEmpty());
        r = ctl({QStringLiteral("get"), profileOf(vendor), id});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains(id.toUtf8()));
    }

    void getMasksSecrets()
    {
        // Databar returns header values (third-party keys) unmasked: get must not print them.
        const QString id = firstId(QStringLiteral("databar"));
        QStringList secrets;
        for (const QJsonValue& c : state(QStringLiteral("databar"))) {
            if (QString::number(c.toObject().value(QLatin1String("id")).toInteger()) != id &&
                c.toObject().value(QLatin1String("id")).toString() != id)
                continue;
            for (const QJsonValue& h : c.toObject().value(QLatin1String("headers")).toArray())
                secrets << h.toObject().value(QLatin1String("value")).toString();
        }
        QVERIFY(!secrets.isEmpty());
        for (const QStringList& args :
             {QStringList{QStringLiteral("get"), QStringLiteral("t-databar"), id,
                          QStringLiteral("--json")},
              QStringList{QStringLiteral("get"), QStringLiteral("t-databar"), id}}) {
            const Run r = ctl(args);
            QCOMPARE(r.code, 0);
            QVERIFY(r.out.contains("<secret>"));
            for (const QString& s : std::as_const(secrets))
                QVERIFY2(!r.out.contains(s.toUtf8()), qPrintable(s));
        }
    }

    // --- diff / apply ---

    void getJsonThenApplyChangesNothing_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : editableVendors())
            QTest::newRow(qPrintable(v)) << v;
    }
    void getJsonThenApplyChangesNothing()
    {
        QFETCH(QString, vendor);
        const QString id = firstId(vendor);
        const Run got =
            ctl({QStringLiteral("get"), profileOf(vendor), id, QStringLiteral("--json")});
        QCOMPARE(got.code, 0);
        const QString file = writeFile(vendor + QStringLiteral("-same.json"), got.out);
        const QJsonArray before = state(vendor);
        Run r = ctl({QStringLiteral("diff"), profileOf(vendor), id, file});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        r = ctl({QStringLiteral("apply"), profileOf(vendor), id, file, QStringLiteral("--yes")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(r.err.contains("no changes"));
        QVERIFY(requests(vendor, QStringLiteral("PUT")).isEmpty());
        QCOMPARE(state(vendor), before);
    }

    void applySendsTheEdit_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("field");
        QTest::newRow("aisquared") << QStringLiteral("aisquared") << QStringLiteral("name");
        QTest::newRow("b3os") << QStringLiteral("b3os") << QStringLiteral("name");
        QTest::newRow("databar") << QStringLiteral("databar") << QStringLiteral("name");
        QTest::newRow("bigdata") << QStringLiteral("bigdata") << QStringLiteral("label");
    }
    void applySendsTheEdit()
    {
        QFETCH(QString, vendor);
        QFETCH(QString, field);
        const QString id = firstId(vendor);
        const Run got =
            ctl({QStringLiteral("get"), profileOf(vendor), id, QStringLiteral("--json")});
        QJsonObject doc = got.json().object();
        doc.insert(field, QStringLiteral("Renamed by connectorctl"));
        const QString original = writeFile(vendor + QStringLiteral("-orig.json"), got.out);
        const QString file =
            writeFile(vendor + QStringLiteral("-edit.json"), QJsonDocument(doc).toJson());

        Run r = ctl({QStringLiteral("diff"), profileOf(vendor), id, file});
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.contains("Renamed by connectorctl"));
        r = ctl({QStringLiteral("diff"), profileOf(vendor), id, file, QStringLiteral("--json")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.json().object().contains(QLatin1String("entries")));
        QVERIFY(requests(vendor, QStringLiteral("PUT")).isEmpty());

        r = ctl({QStringLiteral("apply"), profileOf(vendor), id, file, QStringLiteral("--yes"),
                 QStringLiteral("--base"), original});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const auto puts = requests(vendor, QStringLiteral("PUT"));
        QCOMPARE(puts.size(), 1);
        QVERIFY(QJsonDocument(puts.first().value(QLatin1String("json")).toObject())
                    .toJson()
                    .contains("Renamed by connectorctl"));
        // No placeholder ever reaches the server.
        QVERIFY(!puts.first()
                     .value(QLatin1String("body"))
                     .toString()
                     .contains(QLatin1String("<secret>")));

        r = ctl({QStringLiteral("history"), profileOf(vendor), id, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonObject rec = r.json().array().first().toObject();
        QCOMPARE(rec.value(QLatin1String("tool")).toString(), QStringLiteral("cli"));
        QCOMPARE(rec.value(QLatin1String("action")).toString(), QStringLiteral("apply"));
        QCOMPARE(rec.value(QLatin1String("outcome")).toString(), QStringLiteral("applied"));
        QVERIFY(ctl({QStringLiteral("history"), profileOf(vendor), id}).out.contains("applied"));

        // The same edit again: the server now matches.
        r = ctl({QStringLiteral("diff"), profileOf(vendor), id, file});
        QCOMPARE(r.code, 0);
    }

    void applyKeepsStoredSecretsForPlaceholders()
    {
        // Databar: edit the name only; the header values in the file are "<secret>".
        const QString id = firstId(QStringLiteral("databar"));
        const QJsonArray before = state(QStringLiteral("databar"));
        const Run got =
            ctl({QStringLiteral("get"), QStringLiteral("t-databar"), id, QStringLiteral("--json")});
        QJsonObject doc = got.json().object();
        doc.insert(QStringLiteral("name"), QStringLiteral("Kept secrets"));
        const QString file =
            writeFile(QStringLiteral("databar-keep.json"), QJsonDocument(doc).toJson());
        const Run r = ctl({QStringLiteral("apply"), QStringLiteral("t-databar"), id, file,
                           QStringLiteral("--yes")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        auto headersOf = [&](const QJsonArray& all) {
            for (const QJsonValue& c : all)
                if (QString::number(c.toObject().value(QLatin1String("id")).toInteger()) == id)
                    return c.toObject().value(QLatin1String("headers"));
            return QJsonValue();
        };
        QCOMPARE(headersOf(state(QStringLiteral("databar"))), headersOf(before));
    }

    void applyDryRunSendsNothing()
    {
        const QString id = firstId(QStringLiteral("databar"));
        const Run got =
            ctl({QStringLiteral("get"), QStringLiteral("t-databar"), id, QStringLiteral("--json")});
        QJsonObject doc = got.json().object();
        doc.insert(QStringLiteral("name"), QStringLiteral("Dry"));
        const QString file = writeFile(QStringLiteral("dry.json"), QJsonDocument(doc).toJson());
        const Run r = ctl({QStringLiteral("apply"), QStringLiteral("t-databar"), id, file,
                           QStringLiteral("--dry-run")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(r.out.contains("\"Dry\""));
        QVERIFY(r.out.contains("<secret>"));
        QVERIFY(requests(QStringLiteral("databar"), QStringLiteral("PUT")).isEmpty());
    }

    // No write without a durable record of the intent: an audit log that cannot be written (its
    // directory would have to be made below a plain file, which fails even for root) stops the
    // PUT, with exit 9 and the reason on stderr.
    void applySendsNothingWhenTheAuditLogCannotBeWritten()
    {
        const QString id = firstId(QStringLiteral("databar"));
        const Run got =
            ctl({QStringLiteral("get"), QStringLiteral("t-databar"), id, QStringLiteral("--json")});
        QJsonObject doc = got.json().object();
        doc.insert(QStringLiteral("name"), QStringLiteral("Unrecorded"));
        const QString file =
            writeFile(QStringLiteral("unrecorded.json"), QJsonDocument(doc).toJson());
        const QString blocker = writeFile(QStringLiteral("not-a-directory"), "x");
        Options o;
        o.dataHome = blocker + QStringLiteral("/data");
        const Run r = ctl({QStringLiteral("apply"), QStringLiteral("t-databar"), id, file,
                           QStringLiteral("--yes")},
                          o);
        QVERIFY2(r.code == 9, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("nothing was sent") && r.err.contains(blocker.toUtf8()),
                 qPrintable(describe(r)));
        QVERIFY(requests(QStringLiteral("databar"), QStringLiteral("PUT")).isEmpty());
        // With the disk back, the same apply goes through, its intent recorded first.
        const Run again = ctl({QStringLiteral("apply"), QStringLiteral("t-databar"), id, file,
                               QStringLiteral("--yes")});
        QVERIFY2(again.code == 0, qPrintable(describe(again)));
        QCOMPARE(requests(QStringLiteral("databar"), QStringLiteral("PUT")).size(), 1);
    }

    // An intent left without outcome by a connectorctl that stopped while sending (its process
    // is gone): the next command on that profile tells it on stderr, re-reads the connector and
    // closes it with a reconciled record; the one after that says nothing more.
    void anUnfinishedWriteIsToldAndClosedByTheNextCommand()
    {
        const QString id = firstId(QStringLiteral("databar"));
        const QJsonObject intent{
            {QStringLiteral("time"),
             QDateTime::currentDateTimeUtc().addSecs(-60).toString(Qt::ISODateWithMs)},
            {QStringLiteral("tool"), QStringLiteral("cli")},
            {QStringLiteral("profile"), QStringLiteral("t-databar")},
            {QStringLiteral("vendor"), QStringLiteral("databar")},
            {QStringLiteral("connectorId"), id},
            {QStringLiteral("connectorName"), QStringLiteral("Half-sent")},
            {QStringLiteral("action"), QStringLiteral("apply")},
            {QStringLiteral("diff"), QJsonValue()},
            {QStringLiteral("httpStatus"), 0},
            {QStringLiteral("requestId"), QString()},
            {QStringLiteral("outcome"), QStringLiteral("intent")},
            {QStringLiteral("message"), QStringLiteral("sending: 1 changed")},
            {QStringLiteral("before"), QJsonObject{{QStringLiteral("name"), QStringLiteral("a")}}},
            {QStringLiteral("after"), QJsonObject{{QStringLiteral("name"), QStringLiteral("b")}}},
            {QStringLiteral("serverDifferences"), QJsonArray()},
            {QStringLiteral("secretPaths"), QJsonArray()},
            {QStringLiteral("operationId"), QStringLiteral("op-half-sent")},
            // A process id no system hands out: the writer is gone.
            {QStringLiteral("processId"), 2147483646},
            {QStringLiteral("host"), QSysInfo::machineHostName()}};
        QVERIFY(QDir().mkpath(m_home.filePath(QStringLiteral("data/ConnectorAdmin"))));
        QFile log(m_home.filePath(QStringLiteral("data/ConnectorAdmin/audit.jsonl")));
        QVERIFY(log.open(QIODevice::Append));
        log.write(QJsonDocument(intent).toJson(QJsonDocument::Compact) + '\n');
        log.close();

        Run r = ctl({QStringLiteral("get"), QStringLiteral("t-databar"), id});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("stopped while sending") && r.err.contains("Half-sent"),
                 qPrintable(describe(r)));
        // Neither what was there (name "a") nor what was sent ("b"): said so, recorded so.
        QVERIFY2(r.err.contains("differs both"), qPrintable(describe(r)));
        r = ctl(
            {QStringLiteral("history"), QStringLiteral("t-databar"), id, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        const QJsonArray history = r.json().array();
        QCOMPARE(history.size(), 1); // the intent is told by its reconciled outcome
        const QJsonObject closed = history.first().toObject();
        QCOMPARE(closed.value(QLatin1String("operationId")).toString(),
                 QStringLiteral("op-half-sent"));
        QCOMPARE(closed.value(QLatin1String("outcome")).toString(), QStringLiteral("answer-lost"));
        QVERIFY(closed.value(QLatin1String("message"))
                    .toString()
                    .startsWith(QLatin1String("reconciled at start")));
        r = ctl({QStringLiteral("get"), QStringLiteral("t-databar"), id});
        QCOMPARE(r.code, 0);
        QVERIFY2(!r.err.contains("stopped while sending"), qPrintable(describe(r)));
    }

    void applyOnAPipeWithoutYesSendsNothing()
    {
        const QString file =
            writeFile(QStringLiteral("pipe.json"),
                      "{\"name\":\"x\",\"method\":\"get\",\"url\":\"https://a.example\"}");
        const Run r = ctl(
            {QStringLiteral("apply"), QStringLiteral("t-databar"), QStringLiteral("1001"), file});
        QCOMPARE(r.code, 2);
        QVERIFY(r.oneErrorLine());
        QVERIFY(requests().isEmpty());
    }

    void applyRefusesWhenChangedOnTheServer()
    {
        const QString vendor = QStringLiteral("databar");
        const QString id = firstId(vendor);
        const Run got =
            ctl({QStringLiteral("get"), profileOf(vendor), id, QStringLiteral("--json")});
        const QString original = writeFile(QStringLiteral("conflict-orig.json"), got.out);
        QJsonObject mine = got.json().object();
        mine.insert(QStringLiteral("name"), QStringLiteral("Mine"));
        const QString file =
            writeFile(QStringLiteral("conflict-edit.json"), QJsonDocument(mine).toJson());
        // Someone else edits the connector meanwhile.
        QJsonObject theirs = got.json().object();
        theirs.insert(QStringLiteral("max_concurrency"), 1);
        theirs.insert(QStringLiteral("headers"), QJsonArray());
        const TestResponse put =
            TestHttp::sendJson("PUT", m_sandbox.url(QStringLiteral("/databar/v1/connectors/") + id),
                               {{"x-apikey", kKey}}, theirs);
        QCOMPARE(put.status, 200);
        QVERIFY(TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                    .status == 200);

        const Run r = ctl({QStringLiteral("apply"), profileOf(vendor), id, file,
                           QStringLiteral("--yes"), QStringLiteral("--base"), original});
        QVERIFY2(r.code == 7, qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
        QVERIFY(requests(vendor, QStringLiteral("PUT")).isEmpty());
        const Run h =
            ctl({QStringLiteral("history"), profileOf(vendor), id, QStringLiteral("--json")});
        QCOMPARE(h.json().array().first().toObject().value(QLatin1String("outcome")).toString(),
                 QStringLiteral("conflict"));
    }

    void applyRefusedByTheVendorRules()
    {
        // AI Squared: a configuration change that still holds the masked secrets is refused.
        QString id;
        Run got;
        for (const QJsonValue& v :
             ctl({QStringLiteral("list"), QStringLiteral("t-aisquared"), QStringLiteral("--json")})
                 .json()
                 .array()) {
            // A kind whose definition has secrets, which the server masks (Http has none: its
            // Authorization header is a secret by its name only, returned in clear).
            if (v.toObject().value(QLatin1String("type")).toString() == QLatin1String("Http"))
                continue;
            id = v.toObject().value(QLatin1String("id")).toString();
            got = ctl({QStringLiteral("get"), QStringLiteral("t-aisquared"), id,
                       QStringLiteral("--json")});
            if (got.out.contains("<secret>"))
                break;
        }
        QVERIFY2(got.out.contains("<secret>"), got.out.constData());
        QJsonObject doc = got.json().object();
        QJsonObject config = doc.value(QLatin1String("configuration")).toObject();
        config.insert(QStringLiteral("extra_setting"), QStringLiteral("x"));
        doc.insert(QStringLiteral("configuration"), config);
        const QString file =
            writeFile(QStringLiteral("ai-refused.json"), QJsonDocument(doc).toJson());
        const Run r = ctl({QStringLiteral("apply"), QStringLiteral("t-aisquared"), id, file,
                           QStringLiteral("--yes")});
        QVERIFY2(r.code == 5, qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
        QVERIFY(requests(QStringLiteral("aisquared"), QStringLiteral("PUT")).isEmpty());
    }

    // --- bad input: documented exit code, one line on stderr, nothing sent where validation fails
    // ---

    void badInputIsReported_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("nothingSent");
        const QString invalidJson = writeFile(QStringLiteral("invalid.json"), "{\"name\": ");
        const QString notObject = writeFile(QStringLiteral("array.json"), "[1,2]");
        const QString schemaFail =
            writeFile(QStringLiteral("schema.json"),
                      "{\"name\":\"x\",\"method\":\"fetch\",\"url\":\"https://a.example\"}");
        const QString tooLong =
            writeFile(QStringLiteral("long.json"),
                      QByteArray("{\"name\":\"") + QByteArray(300, 'n') +
                          "\",\"method\":\"get\",\"url\":\"https://a.example\"}");
        const QString databarDoc =
            writeFile(QStringLiteral("databar-doc.json"),
                      "{\"name\":\"x\",\"method\":\"get\",\"url\":\"https://a.example\"}");
        const QString missing = m_home.filePath(QStringLiteral("does-not-exist.json"));
        const QString db = QStringLiteral("t-databar");
        auto row = [](const char* name, QStringList args, int code, bool nothingSent) {
            QTest::newRow(name) << args << code << nothingSent;
        };
        for (const char* cmd :
             {"list", "get", "diff", "apply", "history", "update", "profile remove"}) {
            QStringList a = QString::fromLatin1(cmd).split(QLatin1Char(' '));
            a << QStringLiteral("no-such-profile");
            if (QLatin1String(cmd) == QLatin1String("get") ||
                QLatin1String(cmd) == QLatin1String("history") ||
                QLatin1String(cmd) == QLatin1String("update"))
                a << QStringLiteral("1001");
            if (QLatin1String(cmd) == QLatin1String("diff") ||
                QLatin1String(cmd) == QLatin1String("apply"))
                a << QStringLiteral("1001") << databarDoc << QStringLiteral("--yes");
            if (QLatin1String(cmd) == QLatin1String("diff"))
                a.removeLast();
            row(qPrintable(QStringLiteral("unknown profile: %1").arg(QLatin1String(cmd))), a, 3,
                true);
        }
        row("invalid JSON (diff)",
            {QStringLiteral("diff"), db, QStringLiteral("1001"), invalidJson}, 5, true);
        row("invalid JSON (apply)",
            {QStringLiteral("apply"), db, QStringLiteral("1001"), invalidJson,
             QStringLiteral("--yes")},
            5, true);
        row("not an object",
            {QStringLiteral("apply"), db, QStringLiteral("1001"), notObject,
             QStringLiteral("--yes")},
            5, true);
        row("missing file",
            {QStringLiteral("apply"), db, QStringLiteral("1001"), missing, QStringLiteral("--yes")},
            5, true);
        row("schema: bad enum",
            {QStringLiteral("apply"), db, QStringLiteral("1001"), schemaFail,
             QStringLiteral("--yes")},
            5, true);
        row("schema: too long", {QStringLiteral("diff"), db, QStringLiteral("1001"), tooLong}, 5,
            true);
        row("another vendor's document",
            {QStringLiteral("apply"), QStringLiteral("t-bigdata"),
             QStringLiteral("019db623-d791-7d50-b81d-c2ed25440b10"), databarDoc,
             QStringLiteral("--yes")},
            5, true);
        row("timbal has nothing to apply",
            {QStringLiteral("apply"), QStringLiteral("t-timbal"), QStringLiteral("con_000001"),
             databarDoc, QStringLiteral("--yes")},
            5, true);
        row("update on a non-Timbal profile",
            {QStringLiteral("update"), db, QStringLiteral("1001")}, 5, true);
        row("id refused (databar ids are integers)",
            {QStringLiteral("get"), db, QStringLiteral("abc")}, 5, true);
        row("id refused (bigdata ids are uuids)",
            {QStringLiteral("get"), QStringLiteral("t-bigdata"), QStringLiteral("not-a-uuid")}, 5,
            true);
        row("unknown id (get)", {QStringLiteral("get"), db, QStringLiteral("999999")}, 3, false);
        row("unknown id (apply)",
            {QStringLiteral("apply"), db, QStringLiteral("999999"), databarDoc,
             QStringLiteral("--yes")},
            3, false);
        row("unknown id (update)",
            {QStringLiteral("update"), QStringLiteral("t-timbal"), QStringLiteral("con_999999")}, 3,
            false);
        row("not a version (update)",
            {QStringLiteral("update"), QStringLiteral("t-timbal"), QStringLiteral("con_000003"),
             QStringLiteral("--version"), QStringLiteral("0.1")},
            5, true);
    }
    void badInputIsReported()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(bool, nothingSent);
        const Run r = ctl(args);
        QVERIFY2(r.code == exitCode, qPrintable(describe(r)));
        QVERIFY2(r.oneErrorLine(), qPrintable(describe(r)));
        if (nothingSent)
            QVERIFY2(requests().isEmpty(), "a request went out although the input was refused");
        QVERIFY(requests(QString(), QStringLiteral("PUT")).isEmpty());
        QVERIFY(requests(QString(), QStringLiteral("POST")).isEmpty());
    }

    void serverDownIsANetworkFailure_data() { rejectedKeyIsAnAuthFailure_data(); }
    void serverDownIsANetworkFailure()
    {
        QFETCH(QString, vendor);
        // A port nothing listens on: a fresh sandbox stopped at once leaves its port closed.
        SandboxProcess gone;
        QVERIFY(gone.start());
        const QString url = gone.vendorUrl(vendor).toString();
        gone.stop();
        const QString name = QStringLiteral("down-") + vendor;
        Run r =
            ctl({QStringLiteral("profile"), QStringLiteral("add"), name, QStringLiteral("--vendor"),
                 vendor, QStringLiteral("--base-url"), url, QStringLiteral("--org"),
                 QStringLiteral("demo-org"), QStringLiteral("--workspace"), QStringLiteral("1"),
                 QStringLiteral("--replace")});
        QCOMPARE(r.code, 0);
        r = ctl({QStringLiteral("list"), name, QStringLiteral("--json")});
        QVERIFY2(r.code == 6, qPrintable(describe(r)));
        QVERIFY2(r.oneErrorLine(), qPrintable(describe(r)));
        QVERIFY(r.out.isEmpty());
    }

    void serverErrorIsANetworkFailure()
    {
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"), QJsonArray{QStringLiteral("databar:status=503")}}}));
        const Run r = ctl({QStringLiteral("get"), QStringLiteral("t-databar"),
                           QStringLiteral("1001"), QStringLiteral("--json")});
        QVERIFY2(r.code == 6, qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
    }

    // --- update (Timbal) ---

private:
    QStringList timbalIds(const std::function<bool(const QJsonObject&)>& pick)
    {
        QStringList ids;
        for (const QJsonValue& v :
             ctl({QStringLiteral("list"), QStringLiteral("t-timbal"), QStringLiteral("--json")})
                 .json()
                 .array())
            if (pick(v.toObject()))
                ids << v.toObject().value(QLatin1String("id")).toString();
        return ids;
    }
    // Connected and online, remotely updatable, not on the latest (0.1.5, which none runs).
    static bool updatable(const QJsonObject& c)
    {
        const QString v = c.value(QLatin1String("version")).toString();
        return c.value(QLatin1String("online")).toBool() &&
               c.value(QLatin1String("connected")).toBool() && !v.isEmpty() &&
               v != QLatin1String("0.0.9");
    }
    QList<QJsonObject> updatePosts()
    {
        QList<QJsonObject> out;
        for (const QJsonObject& r : requests(QStringLiteral("timbal"), QStringLiteral("POST")))
            if (r.value(QLatin1String("path")).toString().endsWith(QLatin1String("/update")))
                out.append(r);
        return out;
    }

private slots:

    void updateDispatchesOnePostPerConnector()
    {
        const QStringList ids = timbalIds(updatable).mid(0, 3);
        QVERIFY(ids.size() >= 2);
        const Run r = ctl(QStringList{QStringLiteral("update"), QStringLiteral("t-timbal")} + ids +
                          QStringList{QStringLiteral("--json"), QStringLiteral("--parallel"),
                                      QStringLiteral("2")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const QJsonArray rows = r.json().array();
        QCOMPARE(rows.size(), ids.size());
        for (const QJsonValue& v : rows) {
            QCOMPARE(v.toObject().value(QLatin1String("state")).toString(),
                     QStringLiteral("dispatched"));
            // latest: what the server chose (no release list), from the answer.
            QCOMPARE(v.toObject().value(QLatin1String("to")).toString(), QStringLiteral("0.1.5"));
        }
        QCOMPARE(requests(QStringLiteral("timbal"), QStringLiteral("POST")).size(), ids.size());
        for (const QJsonObject& r : requests(QStringLiteral("timbal")))
            QVERIFY(!r.value(QLatin1String("path")).toString().contains(QLatin1String("releases")));
    }

    void updateToAnUnknownReleaseSaysSo()
    {
        // Timbal publishes no release list: the 404 is the only way to learn it, in words.
        const QStringList ids = timbalIds(updatable).mid(0, 1);
        const Run r = ctl({QStringLiteral("update"), QStringLiteral("t-timbal"), ids.first(),
                           QStringLiteral("--version"), QStringLiteral("9.9.9")});
        QVERIFY2(r.code == 8, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("release 9.9.9 not found at Timbal"), qPrintable(describe(r)));
        QCOMPARE(updatePosts().size(), 1);
    }

    void updateTwiceInsideTheWindowIsSkippedUnlessForced()
    {
        // No pending state at Timbal: connectorctl's own audit record of the first dispatch
        // keeps a second connectorctl from sending the same update again.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("timbalUpdateDelayMs"), -1}}));
        const QString id = timbalIds(updatable).first();
        const QStringList update{QStringLiteral("update"), QStringLiteral("t-timbal"), id,
                                 QStringLiteral("--json")};
        const Run first = ctl(update);
        QVERIFY2(first.code == 0, qPrintable(describe(first)));
        QCOMPARE(first.json().array().first().toObject().value("state").toString(),
                 QStringLiteral("dispatched"));
        const Run second = ctl(update);
        QVERIFY2(second.code == 0, qPrintable(describe(second)));
        const QJsonObject row = second.json().array().first().toObject();
        QCOMPARE(row.value("state").toString(), QStringLiteral("skipped"));
        QVERIFY2(row.value("message").toString().startsWith(QStringLiteral("dispatched ")) &&
                     row.value("message").toString().endsWith(
                         QStringLiteral("waiting for it to report 0.1.5")),
                 qPrintable(row.value("message").toString()));
        QCOMPARE(updatePosts().size(), 1);
        // An explicit version that is what was dispatched: the same request, skipped too.
        const Run explicitSame =
            ctl(update + QStringList{QStringLiteral("--version"), QStringLiteral("0.1.5")});
        QCOMPARE(explicitSame.json().array().first().toObject().value("state").toString(),
                 QStringLiteral("skipped"));
        QCOMPARE(updatePosts().size(), 1);
        const Run noWindow =
            ctl(update + QStringList{QStringLiteral("--dispatch-window"), QStringLiteral("0")});
        QVERIFY2(noWindow.code == 0, qPrintable(describe(noWindow)));
        QCOMPARE(updatePosts().size(), 2);
        const Run forced = ctl(update + QStringList{QStringLiteral("--force")});
        QVERIFY2(forced.code == 0, qPrintable(describe(forced)));
        QCOMPARE(forced.json().array().first().toObject().value("state").toString(),
                 QStringLiteral("dispatched"));
        QCOMPARE(updatePosts().size(), 3);
    }

    void updateWaitsForTheNewVersion()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("timbalUpdateDelayMs"), 100}}));
        const QStringList ids = timbalIds(updatable).mid(0, 1);
        const Run r =
            ctl({QStringLiteral("update"), QStringLiteral("t-timbal"), ids.first(),
                 QStringLiteral("--wait"), QStringLiteral("--timeout"), QStringLiteral("60")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains(ids.first().toUtf8() + "  ") && r.out.contains("updated"),
                 r.out.constData());
        // Plain lines when stdout is not a terminal: no carriage returns or escapes.
        QVERIFY(!r.out.contains('\r') && !r.out.contains('\033'));
    }

    void updateWithSomeFailuresIsPartial()
    {
        const QStringList ok = timbalIds(updatable).mid(0, 1);
        const QStringList tooOld =
            timbalIds([](const QJsonObject& c) {
                return c.value(QLatin1String("online")).toBool() &&
                       c.value(QLatin1String("connected")).toBool() &&
                       c.value(QLatin1String("version")).toString() == QLatin1String("0.0.9");
            }).mid(0, 1);
        QVERIFY(!ok.isEmpty() && !tooOld.isEmpty());
        const Run r = ctl(QStringList{QStringLiteral("update"), QStringLiteral("t-timbal")} + ok +
                          tooOld + QStringList{QStringLiteral("--json")});
        QVERIFY2(r.code == 8, qPrintable(describe(r)));
        QStringList states;
        for (const QJsonValue& v : r.json().array())
            states << v.toObject().value(QLatin1String("state")).toString();
        QVERIFY(states.contains(QStringLiteral("dispatched")));
        QVERIFY(states.contains(QStringLiteral("failed")));
    }

    void updateAllOutdatedSkipsCurrentOnes()
    {
        const Run r = ctl({QStringLiteral("update"), QStringLiteral("t-timbal"),
                           QStringLiteral("--all-outdated"), QStringLiteral("--version"),
                           QStringLiteral("0.1.4"), QStringLiteral("--json")});
        QVERIFY(r.code == 0 || r.code == 8);
        const QJsonArray rows = r.json().array();
        QVERIFY(!rows.isEmpty());
        for (const QJsonValue& v : rows)
            QVERIFY(v.toObject().value(QLatin1String("from")).toString() != QLatin1String("0.1.4"));
        const int current =
            int(timbalIds([](const QJsonObject& c) {
                    return c.value(QLatin1String("version")).toString() == QLatin1String("0.1.4");
                }).size());
        QVERIFY(current > 0);
        QCOMPARE(rows.size() + current, state(QStringLiteral("timbal")).size());
    }

    // --- check ---

    // A seeded AI Squared connector of one kind, as the sandbox holds it (real secret values).
    QJsonObject aisquaredConnector(const QString& type, const QString& name)
    {
        for (const QJsonValue& v : state(QStringLiteral("aisquared"))) {
            const QJsonObject c = v.toObject();
            if (c.value(QLatin1String("connector_type")).toString() == type &&
                c.value(QLatin1String("connector_name")).toString() == name)
                return c;
        }
        return {};
    }
    static QString realPassword(const QJsonObject& connector)
    {
        return connector.value(QLatin1String("configuration"))
            .toObject()
            .value(QLatin1String("credentials"))
            .toObject()
            .value(QLatin1String("password"))
            .toString();
    }
    static bool shows(const Run& r, const QString& secret)
    {
        return r.out.contains(secret.toUtf8()) || r.err.contains(secret.toUtf8());
    }

    void checkSucceedsWithTheSecretFromTheEnvironment()
    {
        const QJsonObject pg =
            aisquaredConnector(QStringLiteral("source"), QStringLiteral("Postgresql"));
        const QString id = pg.value(QLatin1String("id")).toString();
        const QString password = realPassword(pg);
        QVERIFY(!password.isEmpty());
        // The document as `get --json` prints it: the password is "<secret>".
        Run r = ctl(
            {QStringLiteral("get"), QStringLiteral("t-aisquared"), id, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(r.out.contains("<secret>"));
        const QString file = writeFile(QStringLiteral("check-doc.json"), r.out);
        Options o;
        o.env.insert(QStringLiteral("CONNECTOR_ADMIN_SECRET_CREDENTIALS_PASSWORD"), password);
        r = ctl({QStringLiteral("check"), QStringLiteral("t-aisquared"), id, file}, o);
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.startsWith("connection test succeeded"), qPrintable(describe(r)));
        QVERIFY2(!shows(r, password), qPrintable(describe(r)));
        QCOMPARE(requests(QStringLiteral("aisquared"), QStringLiteral("POST")).size(), 1);
    }

    void checkFailsWithAWrongSecret()
    {
        const QJsonObject pg =
            aisquaredConnector(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QJsonObject configuration = pg.value(QLatin1String("configuration")).toObject();
        QJsonObject credentials = configuration.value(QLatin1String("credentials")).toObject();
        const QString wrong = QStringLiteral("wrong-Password-4711");
        credentials.insert(QStringLiteral("password"), wrong);
        configuration.insert(QStringLiteral("credentials"), credentials);
        // Only the configuration this time.
        const QString file =
            writeFile(QStringLiteral("check-config.json"), QJsonDocument(configuration).toJson());
        const Run r = ctl({QStringLiteral("check"), QStringLiteral("t-aisquared"),
                           pg.value(QLatin1String("id")).toString(), file});
        QVERIFY2(r.code == 6, qPrintable(describe(r)));
        QVERIFY2(r.err.startsWith("connectorctl: connection test failed: "),
                 qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
        QVERIFY(r.out.isEmpty());
        QVERIFY2(!shows(r, wrong) && !shows(r, realPassword(pg)), qPrintable(describe(r)));
    }

    void checkRefusesAnInvalidFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("says");
        QTest::newRow("not JSON") << QByteArray("{host: x") << "is not valid JSON";
        QTest::newRow("configuration not an object")
            << QByteArray(R"({"name": "x", "configuration": [1]})")
            << "configuration must be a JSON object";
        QTest::newRow("against the definition")
            << QByteArray(R"({"host": "db", "port": 5432, "database": "d", "schema": "s",
                 "credentials": {"auth_type": "username/password", "username": "u",
                 "password": "Pw-checked-0001"}})")
            << "is not a valid Postgresql source configuration";
    }
    void checkRefusesAnInvalidFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, says);
        const QJsonObject pg =
            aisquaredConnector(QStringLiteral("source"), QStringLiteral("Postgresql"));
        const QString file = writeFile(QStringLiteral("check-invalid.json"), content);
        const Run r = ctl({QStringLiteral("check"), QStringLiteral("t-aisquared"),
                           pg.value(QLatin1String("id")).toString(), file});
        QVERIFY2(r.code == 5, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(says.toUtf8()), qPrintable(describe(r)));
        QVERIFY2(!shows(r, QStringLiteral("Pw-checked-0001")), qPrintable(describe(r)));
        QVERIFY(requests(QStringLiteral("aisquared"), QStringLiteral("POST")).isEmpty());
    }

    void checkNamesTheVariableOfAMaskedSecret()
    {
        const QJsonObject pg =
            aisquaredConnector(QStringLiteral("destination"), QStringLiteral("Postgresql"));
        QJsonObject configuration = pg.value(QLatin1String("configuration")).toObject();
        QJsonObject credentials = configuration.value(QLatin1String("credentials")).toObject();
        credentials.insert(QStringLiteral("password"), QStringLiteral("*************"));
        configuration.insert(QStringLiteral("credentials"), credentials);
        const QString file =
            writeFile(QStringLiteral("check-masked.json"),
                      QJsonDocument(QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                                {QStringLiteral("configuration"), configuration}})
                          .toJson());
        const Run r = ctl({QStringLiteral("check"), QStringLiteral("t-aisquared"),
                           pg.value(QLatin1String("id")).toString(), file});
        QVERIFY2(r.code == 5, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("credentials.password is masked: set "
                                "CONNECTOR_ADMIN_SECRET_CREDENTIALS_PASSWORD"),
                 qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
        QVERIFY(requests(QStringLiteral("aisquared"), QStringLiteral("POST")).isEmpty());
    }

    void checkIsForAiSquaredOnly()
    {
        const QString file = writeFile(QStringLiteral("check-databar.json"), "{}");
        const Run r = ctl(
            {QStringLiteral("check"), QStringLiteral("t-databar"), QStringLiteral("1001"), file});
        QVERIFY2(r.code == 2, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("check is for AI Squared connectors"), qPrintable(describe(r)));
        QVERIFY(requests().isEmpty());
    }

    // --- packaging ---

    void completionScriptCoversEveryCommand()
    {
        const Run r = ctl({QStringLiteral("--completion-script"), QStringLiteral("bash")});
        QCOMPARE(r.code, 0);
        for (const char* w :
             {"\"profile add\"", "\"key set\"", "\"apply\"", "\"update\"", "--dry-run",
              "--all-outdated", "complete -F _connectorctl connectorctl"})
            QVERIFY2(r.out.contains(w), w);
        QProcess bash;
        bash.start(QStringLiteral("bash"), {QStringLiteral("-n")});
        if (!bash.waitForStarted())
            QSKIP("no bash to check the syntax with");
        bash.write(r.out);
        bash.closeWriteChannel();
        QVERIFY(bash.waitForFinished());
        QVERIFY2(bash.exitCode() == 0, bash.readAllStandardError().constData());
    }

    void manPageDocumentsCommandsOptionsAndExitCodes()
    {
        QFile f(QStringLiteral(CA_SOURCE_DIR "/packaging/connectorctl.1"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString man = QString::fromUtf8(f.readAll()).remove(QLatin1Char('\\'));
        const Run help = ctl({QStringLiteral("--help")});
        for (const char* c : {"profile add",   "profile list",   "profile remove",
                              "key set",       "key delete",     "list",
                              "get",           "diff",           "apply",
                              "update",        "history",        "check",
                              "export",        "plan",           "drift",
                              "set",           "rollout start",  "rollout status",
                              "rollout pause", "rollout resume", "rollout continue",
                              "rollout retry", "rollout abort"}) {
            QVERIFY2(man.contains(QLatin1String(c)), c);
            const Run r = ctl(QString::fromLatin1(c).split(QLatin1Char(' ')) +
                              QStringList{QStringLiteral("--help")});
            static const QRegularExpression longOption(QStringLiteral("--([a-z][a-z-]+)"));
            for (const auto& m : longOption.globalMatch(QString::fromUtf8(r.out))) {
                if (m.captured(1) != QLatin1String("help"))
                    QVERIFY2(man.contains(QStringLiteral("-") + m.captured(1)),
                             qPrintable(m.captured(1)));
            }
        }
        for (const char* w : {"CONNECTOR_ADMIN_API_KEY", "CONNECTOR_ADMIN_SECRET_", "profiles.ini",
                              "audit.jsonl", "definitions", "EXIT STATUS"})
            QVERIFY2(man.contains(QLatin1String(w)), w);
        for (int code = 0; code <= 8; ++code)
            QVERIFY(man.contains(QStringLiteral(".B %1").arg(code)) ||
                    man.contains(QStringLiteral(".IP %1").arg(code)));
    }

    // ===== export (change sets, issue 21) =====================================================
    // Kept together at the end of the class. Helpers are lambdas/statics here so the block stays
    // self-contained.

    // A fresh folder under the test's home for one test.
    QString exportDirectory(const QString& name)
    {
        const QString path = m_home.filePath(QStringLiteral("export-") + name);
        QDir(path).removeRecursively();
        return path;
    }

    static QMap<QString, QDateTime> mtimesUnder(const QString& dir)
    {
        QMap<QString, QDateTime> times;
        for (const QString& relative : filesUnder(dir).keys())
            times.insert(relative, QFileInfo(QDir(dir).filePath(relative))
                                       .fileTime(QFileDevice::FileModificationTime));
        return times;
    }

    // The secret values the sandbox stores (true values, as seeded): credentials named like
    // secrets at any depth, and the values of credential headers ({"name": "X-Api-Key", …}).
    QStringList storedSecrets()
    {
        static const QRegularExpression secretKey(
            QStringLiteral("password|secret|token|api_?key|private_key|secret_access"),
            QRegularExpression::CaseInsensitiveOption);
        static const QRegularExpression credentialName(QStringLiteral("auth|key|token|secret"),
                                                       QRegularExpression::CaseInsensitiveOption);
        QStringList values;
        std::function<void(const QJsonValue&, const QString&)> walk = [&](const QJsonValue& v,
                                                                          const QString& key) {
            if (v.isObject()) {
                const QJsonObject o = v.toObject();
                if (credentialName.match(o.value(QLatin1String("name")).toString()).hasMatch() &&
                    o.value(QLatin1String("value")).isString())
                    values << o.value(QLatin1String("value")).toString();
                for (auto it = o.begin(); it != o.end(); ++it)
                    walk(it.value(), it.key());
            } else if (v.isArray()) {
                for (const QJsonValue& item : v.toArray())
                    walk(item, key);
            } else if (v.isString() && secretKey.match(key).hasMatch()) {
                values << v.toString();
            }
        };
        for (const QString& vendor : editableVendors())
            walk(state(vendor), QString());
        values.removeIf([](const QString& s) { return s.size() < 8; });
        values.removeDuplicates();
        return values;
    }

    void exportWritesOneFilePerConnector()
    {
        const QString dir = exportDirectory(QStringLiteral("one"));
        const Run r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const QJsonArray listed =
            ctl({QStringLiteral("list"), QStringLiteral("t-databar"), QStringLiteral("--json")})
                .json()
                .array();
        QVERIFY(!listed.isEmpty());
        QVERIFY2(
            r.out.startsWith(QStringLiteral("t-databar: %1 connectors exported to %2/t-databar")
                                 .arg(listed.size())
                                 .arg(dir)
                                 .toUtf8()),
            qPrintable(describe(r)));
        QStringList expected;
        for (const QJsonValue& c : listed)
            expected << c.toObject().value(QLatin1String("id")).toString() +
                            QStringLiteral(".json");
        expected.sort();
        QStringList written =
            QDir(dir + QStringLiteral("/t-databar")).entryList(QDir::Files, QDir::Name);
        written.sort();
        QCOMPARE(written, expected);
        int withSecret = 0;
        for (const QString& name : std::as_const(written)) {
            const QString path = dir + QStringLiteral("/t-databar/") + name;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(bytes.startsWith("{\n  \"") && bytes.endsWith("\n}\n"), bytes.constData());
            QVERIFY(!bytes.contains("\n    \"body\"")); // top-level keys: two spaces, not four
            QVERIFY(QJsonDocument::fromJson(bytes).isObject());
            QVERIFY(QFileInfo::exists(dir + QStringLiteral("/t-databar/.base/") + name));
            withSecret += bytes.contains("\"<secret>\"") ? 1 : 0;
        }
        QVERIFY(withSecret > 0);
        // The file is what `get --json` prints.
        const QString id = firstId(QStringLiteral("databar"));
        QFile first(dir + QStringLiteral("/t-databar/") + id + QStringLiteral(".json"));
        QVERIFY(first.open(QIODevice::ReadOnly));
        QCOMPARE(
            QJsonDocument::fromJson(first.readAll()),
            ctl({QStringLiteral("get"), QStringLiteral("t-databar"), id, QStringLiteral("--json")})
                .json());
        QVERIFY(requests(QStringLiteral("databar"), QStringLiteral("PUT")).isEmpty());
    }

    void exportTwiceRewritesNothing()
    {
        const QString dir = exportDirectory(QStringLiteral("twice"));
        Run r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar"),
                     QStringLiteral("t-aisquared")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const QDateTime old = QDateTime::currentDateTimeUtc().addDays(-3);
        const QMap<QString, QByteArray> before = filesUnder(dir);
        QVERIFY(before.size() > 4);
        for (const QString& relative : before.keys()) {
            QFile f(QDir(dir).filePath(relative));
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(old, QFileDevice::FileModificationTime));
        }
        const QMap<QString, QDateTime> times = mtimesUnder(dir);
        r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar"),
                 QStringLiteral("t-aisquared")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.out.contains("(0 rewritten, "), qPrintable(describe(r)));
        QVERIFY(!r.out.contains("(0 rewritten, 0 unchanged"));
        QCOMPARE(filesUnder(dir), before);
        QCOMPARE(mtimesUnder(dir), times);
    }

    void exportKeepsAnEditedFileUnlessOverwritten()
    {
        const QString dir = exportDirectory(QStringLiteral("edited"));
        Run r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const QString id = firstId(QStringLiteral("databar"));
        const QString path = dir + QStringLiteral("/t-databar/") + id + QStringLiteral(".json");
        const QMap<QString, QByteArray> exported = filesUnder(dir);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        doc.insert(QStringLiteral("name"), QStringLiteral("Renamed in the folder"));
        const QByteArray edited = QJsonDocument(doc).toJson();
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(edited);
        f.close();

        r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QStringLiteral("kept your edit of %1 (plan shows it; --overwrite "
                                               "discards it)")
                                    .arg(path)
                                    .toUtf8()),
                 qPrintable(describe(r)));
        QVERIFY2(r.out.contains("1 kept as edited"), qPrintable(describe(r)));
        QMap<QString, QByteArray> now = filesUnder(dir);
        QCOMPARE(now.value(QStringLiteral("t-databar/") + id + QStringLiteral(".json")), edited);
        now.insert(QStringLiteral("t-databar/") + id + QStringLiteral(".json"),
                   exported.value(QStringLiteral("t-databar/") + id + QStringLiteral(".json")));
        QCOMPARE(now, exported); // the base and every other file as they were

        r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar"),
                 QStringLiteral("--overwrite")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(!r.err.contains("kept"));
        QCOMPARE(filesUnder(dir), exported);
    }

    void exportRemovesTheFilesOfGoneConnectorsUnlessEdited()
    {
        const QString dir = exportDirectory(QStringLiteral("gone"));
        Run r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const QString id = firstId(QStringLiteral("databar"));
        const QDir profileDir(dir + QStringLiteral("/t-databar"));
        // Two connectors the server no longer has (copies under ids it never had), one of them
        // edited, and a file added by hand (no base).
        for (const char* gone : {"990001", "990002"}) {
            QVERIFY(
                QFile::copy(profileDir.filePath(id + QStringLiteral(".json")),
                            profileDir.filePath(QLatin1String(gone) + QStringLiteral(".json"))));
            QVERIFY(QFile::copy(
                profileDir.filePath(QStringLiteral(".base/") + id + QStringLiteral(".json")),
                profileDir.filePath(QStringLiteral(".base/") + QLatin1String(gone) +
                                    QStringLiteral(".json"))));
        }
        QFile edited(profileDir.filePath(QStringLiteral("990002.json")));
        QVERIFY(edited.open(QIODevice::WriteOnly | QIODevice::Truncate));
        edited.write("{\"name\": \"mine\"}\n");
        edited.close();
        QFile byHand(profileDir.filePath(QStringLiteral("990003.json")));
        QVERIFY(byHand.open(QIODevice::WriteOnly));
        byHand.write("{\"name\": \"new\"}\n");
        byHand.close();

        r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(!profileDir.exists(QStringLiteral("990001.json")));
        QVERIFY(!profileDir.exists(QStringLiteral(".base/990001.json")));
        QVERIFY(profileDir.exists(QStringLiteral("990002.json")));
        QVERIFY(profileDir.exists(QStringLiteral(".base/990002.json")));
        QVERIFY(profileDir.exists(QStringLiteral("990003.json")));
        QVERIFY2(r.err.contains("990002.json: connector 990002 is no longer on the server"),
                 qPrintable(describe(r)));
        QVERIFY2(r.out.contains("1 removed"), qPrintable(describe(r)));
    }

    void exportOfAnUnknownProfileFails()
    {
        const QString dir = exportDirectory(QStringLiteral("unknown"));
        const Run r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-databar"),
                           QStringLiteral("no-such-profile")});
        QVERIFY2(r.code == 3, qPrintable(describe(r)));
        QVERIFY(r.oneErrorLine());
        QVERIFY(r.err.contains("no-such-profile"));
        QVERIFY(!QFileInfo::exists(dir)); // nothing written, not even for the known profile
        QVERIFY(requests().isEmpty());
    }

    void exportWritesNoSecretValue()
    {
        const QStringList secrets = storedSecrets();
        QVERIFY2(secrets.size() >= 10, qPrintable(secrets.join(QLatin1Char(' '))));
        const QString dir = exportDirectory(QStringLiteral("secrets"));
        QStringList args{QStringLiteral("export"), dir};
        for (const QString& vendor : allVendors())
            args << profileOf(vendor);
        const Run r = ctl(args);
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY2(r.err.contains("t-timbal: Timbal connectors have no editable settings; nothing "
                                "exported"),
                 qPrintable(describe(r)));
        QCOMPARE(r.err.count("Timbal connectors have no editable settings"), 1);
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/t-timbal")));
        const QMap<QString, QByteArray> files = filesUnder(dir);
        for (const QString& vendor : editableVendors())
            QVERIFY2(files.contains(QStringLiteral("t-") + vendor + QStringLiteral("/") +
                                    firstId(vendor) + QStringLiteral(".json")),
                     qPrintable(vendor));
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            for (const QString& s : secrets) {
                const QByteArray raw = s.toUtf8();
                const QByteArray escaped =
                    QJsonDocument(QJsonArray{s})
                        .toJson(QJsonDocument::Compact); // ["…"], as a JSON file would hold it
                QVERIFY2(!it.value().contains(raw) &&
                             !it.value().contains(escaped.mid(2, escaped.size() - 4)),
                         qPrintable(it.key() + QStringLiteral(" holds ") + s));
                QVERIFY(!r.out.contains(raw) && !r.err.contains(raw));
            }
        }
    }

    void exportJsonPrintsAnObjectPerProfile()
    {
        const QString dir = exportDirectory(QStringLiteral("json"));
        const Run r = ctl({QStringLiteral("export"), dir, QStringLiteral("t-b3os"),
                           QStringLiteral("t-bigdata"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const QJsonArray all = r.json().array();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.at(0).toObject().value(QLatin1String("profile")).toString(),
                 QStringLiteral("t-b3os"));
        QCOMPARE(all.at(1).toObject().value(QLatin1String("profile")).toString(),
                 QStringLiteral("t-bigdata"));
        for (const QJsonValue& v : all) {
            const QJsonObject o = v.toObject();
            QVERIFY(o.value(QLatin1String("exported")).toInt() > 0);
            QCOMPARE(o.value(QLatin1String("rewritten")), o.value(QLatin1String("exported")));
            QCOMPARE(o.value(QLatin1String("failed")).toInt(), 0);
        }
    }

    void exportIsInHelpCompletionAndManPage()
    {
        Run r = ctl({QStringLiteral("export"), QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("Usage: connectorctl export DIR"));
        QVERIFY(r.out.contains("--overwrite"));
        r = ctl({QStringLiteral("--help")});
        QVERIFY(r.out.contains("  export DIR"));
        r = ctl({QStringLiteral("--completion-script"), QStringLiteral("bash")});
        QVERIFY(r.out.contains("\"export\") opts=\"--overwrite --json --help\"; args=\"file "
                               "profile\""));
        QFile f(QStringLiteral(CA_SOURCE_DIR "/packaging/connectorctl.1"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString man = QString::fromUtf8(f.readAll()).remove(QLatin1Char('\\'));
        QVERIFY(man.contains(QLatin1String("export ")));
        QVERIFY(man.contains(QLatin1String("-overwrite")));
        QVERIFY(man.contains(QLatin1String("-json")));
    }
    // ===== end of export ======================================================================

    // ===== zsh and fish completion ============================================================
    // `--completion-script bash|zsh|fish`, all three generated from the command table. The shells
    // check what they can where they are installed (CI: scripts/deps.txt); bash always is.

    // The commands that `connectorctl --help` lists ("profile add", "list", …).
    QStringList helpCommands()
    {
        const QString help = QString::fromUtf8(ctl({QStringLiteral("--help")}).out);
        const QString section = help.section(QStringLiteral("Commands:\n"), 1)
                                    .section(QStringLiteral("\nOptions:"), 0, 0);
        static const QRegularExpression word(QStringLiteral("^[a-z][a-z-]*$"));
        QStringList commands;
        for (const QString& line : section.split(QLatin1Char('\n'))) {
            if (line.size() < 3 || !line.startsWith(QLatin1String("  ")) ||
                line.at(2) == QLatin1Char(' '))
                continue; // a summary line
            QStringList name;
            for (const QString& w : line.trimmed().split(QLatin1Char(' '))) {
                if (!word.match(w).hasMatch())
                    break;
                name << w;
            }
            commands << name.join(QLatin1Char(' '));
        }
        return commands;
    }

    // The long options in the Options section of `connectorctl COMMAND --help`, but --help.
    QStringList helpOptions(const QString& command)
    {
        const QString help = QString::fromUtf8(
            ctl(command.split(QLatin1Char(' ')) + QStringList{QStringLiteral("--help")}).out);
        const QString section =
            help.section(QStringLiteral("Options:\n"), 1).section(QStringLiteral("\n\n"), 0, 0);
        static const QRegularExpression option(QStringLiteral("^  (?:-[a-z], )?--([a-z][a-z-]*)"),
                                               QRegularExpression::MultilineOption);
        QStringList options;
        for (const auto& m : option.globalMatch(section)) {
            if (m.captured(1) != QLatin1String("help"))
                options << m.captured(1);
        }
        return options;
    }

    // The part of a shell's script that is about one command.
    static QString commandPart(const QString& script, const QString& shell, const QString& command)
    {
        if (shell == QLatin1String("zsh")) {
            const qsizetype from = script.indexOf(QStringLiteral("'%1')\n").arg(command));
            return from < 0 ? QString()
                            : script.mid(from, script.indexOf(QLatin1String(";;"), from) - from);
        }
        // bash: its line of the case; fish: its line of the argument switch and its options.
        const QStringList marks =
            shell == QLatin1String("bash")
                ? QStringList{QStringLiteral("\"%1\") opts=").arg(command)}
                : QStringList{QStringLiteral("case '%1'").arg(command),
                              QStringLiteral("__connectorctl_command_is '%1'\"").arg(command)};
        QStringList lines;
        for (const QString& line : script.split(QLatin1Char('\n'))) {
            if (line.contains(marks.first()) || line.contains(marks.last()))
                lines << line;
        }
        return lines.join(QLatin1Char('\n'));
    }

    QString writeScript(const QString& shell)
    {
        const Run r = ctl({QStringLiteral("--completion-script"), shell});
        return r.code == 0 ? writeFile(QStringLiteral("completion.") + shell, r.out) : QString();
    }

    // The environment of ctl() with connectorctl on PATH: the scripts run `connectorctl profile
    // list` for profile names.
    QProcessEnvironment shellEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=/nonexistent/bus"));
        env.insert(QStringLiteral("PATH"),
                   QFileInfo(QStringLiteral(CA_CONNECTORCTL_BIN)).absolutePath() +
                       QLatin1Char(':') + env.value(QStringLiteral("PATH")));
        return env;
    }

    // A shell run in the test's home with shellEnvironment().
    Run runShell(const QString& program, const QStringList& args)
    {
        QProcess p;
        p.setProcessEnvironment(shellEnvironment());
        p.setWorkingDirectory(m_home.path());
        p.start(program, args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.closeWriteChannel();
        if (!p.waitForFinished(60000))
            p.kill();
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    void completionScriptsNameEveryCommandAndOption_data()
    {
        QTest::addColumn<QString>("shell");
        QTest::addColumn<QString>("optionPattern"); // how the script names a long option
        QTest::newRow("bash") << QStringLiteral("bash") << QStringLiteral("--%1(?![a-z-])");
        QTest::newRow("zsh") << QStringLiteral("zsh") << QStringLiteral("--%1(?![a-z-])");
        QTest::newRow("fish") << QStringLiteral("fish") << QStringLiteral(" -l %1(?![a-z-])");
    }
    void completionScriptsNameEveryCommandAndOption()
    {
        QFETCH(QString, shell);
        QFETCH(QString, optionPattern);
        const Run r = ctl({QStringLiteral("--completion-script"), shell});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        const QString script = QString::fromUtf8(r.out);
        const QStringList commands = helpCommands();
        for (const char* c : {"profile add", "export", "plan", "drift", "set", "apply"})
            QVERIFY2(commands.contains(QLatin1String(c)), c);
        for (const QString& c : commands) {
            const QString part = commandPart(script, shell, c);
            QVERIFY2(!part.isEmpty(), qPrintable(c));
            for (const QString& o : helpOptions(c)) {
                const QRegularExpression named(optionPattern.arg(QRegularExpression::escape(o)));
                QVERIFY2(part.contains(named), qPrintable(c + QStringLiteral(": --") + o));
            }
        }
        for (const QString& w : {QStringLiteral("profile"), QStringLiteral("key"),
                                 QStringLiteral("plan"), QStringLiteral("drift")})
            QVERIFY2(script.contains(w), qPrintable(w));
    }

    void completionScriptForAnUnknownShellIsAUsageError_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown shell") << QStringList{QStringLiteral("tcsh")};
        QTest::newRow("no shell") << QStringList{};
        QTest::newRow("extra argument") << QStringList{QStringLiteral("zsh"), QStringLiteral("x")};
    }
    void completionScriptForAnUnknownShellIsAUsageError()
    {
        QFETCH(QStringList, args);
        const Run r = ctl(QStringList{QStringLiteral("--completion-script")} + args);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.oneErrorLine(), r.err.constData());
        QVERIFY(r.err.contains("bash|zsh|fish"));
        if (!args.isEmpty())
            QVERIFY(r.err.contains(args.first().toUtf8()));
    }

    void completionScriptsPassTheirShellsSyntaxCheck_data()
    {
        QTest::addColumn<QString>("shell");
        QTest::addColumn<QStringList>("check");
        QTest::newRow("bash") << QStringLiteral("bash") << QStringList{QStringLiteral("-n")};
        QTest::newRow("zsh") << QStringLiteral("zsh") << QStringList{QStringLiteral("-n")};
        QTest::newRow("fish") << QStringLiteral("fish")
                              << QStringList{QStringLiteral("--no-execute")};
    }
    void completionScriptsPassTheirShellsSyntaxCheck()
    {
        QFETCH(QString, shell);
        QFETCH(QStringList, check);
        const QString program = QStandardPaths::findExecutable(shell);
        if (program.isEmpty())
            QSKIP(qPrintable(shell + QStringLiteral(" is not installed")));
        const QString script = writeScript(shell);
        QVERIFY(!script.isEmpty());
        const Run r = runShell(program, check + QStringList{script});
        QVERIFY2(r.code == 0, r.err.constData());
    }

    // What a shell offers for a command line ending at the cursor.
    void completionOffers_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("offered");
        QTest::newRow("command") << QStringLiteral("connectorctl pl") << QStringLiteral("plan");
        QTest::newRow("new command")
            << QStringLiteral("connectorctl dr") << QStringLiteral("drift");
        QTest::newRow("subcommand")
            << QStringLiteral("connectorctl profile re") << QStringLiteral("remove");
        QTest::newRow("option") << QStringLiteral("connectorctl set t-timbal /x --dr")
                                << QStringLiteral("--dry-run");
        QTest::newRow("apply DIR option")
            << QStringLiteral("connectorctl apply --res") << QStringLiteral("--resolve");
        QTest::newRow("profile") << QStringLiteral("connectorctl list t-ti")
                                 << QStringLiteral("t-timbal");
        QTest::newRow("profile after an option value")
            << QStringLiteral("connectorctl set --filter x t-da") << QStringLiteral("t-databar");
        QTest::newRow("repeated profile") << QStringLiteral("connectorctl export out t-timbal t-bi")
                                          << QStringLiteral("t-bigdata");
        QTest::newRow("vendor") << QStringLiteral("connectorctl profile add x --vendor da")
                                << QStringLiteral("databar");
        // The scripts are written into the shells' working directory first.
        QTest::newRow("file") << QStringLiteral("connectorctl plan completion.ba")
                              << QStringLiteral("completion.bash");
    }

    void bashCompletes_data() { completionOffers_data(); }
    void bashCompletes()
    {
        QFETCH(QString, line);
        QFETCH(QString, offered);
        const QString bash = QStandardPaths::findExecutable(QStringLiteral("bash"));
        if (bash.isEmpty())
            QSKIP("bash is not installed");
        const QString script = writeScript(QStringLiteral("bash"));
        QVERIFY(!script.isEmpty());
        const Run r =
            runShell(bash, QStringList{QStringLiteral("-c"),
                                       QStringLiteral("source \"$1\"; shift; COMP_WORDS=(\"$@\"); "
                                                      "COMP_CWORD=$(($# - 1)); _connectorctl; "
                                                      "printf '%s\\n' \"${COMPREPLY[@]}\""),
                                       QStringLiteral("bash"), script} +
                               line.split(QLatin1Char(' ')));
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(QString::fromUtf8(r.out).split(QLatin1Char('\n')).contains(offered),
                 qPrintable(describe(r)));
    }

    void fishCompletes_data() { completionOffers_data(); }
    void fishCompletes()
    {
        QFETCH(QString, line);
        QFETCH(QString, offered);
        const QString fish = QStandardPaths::findExecutable(QStringLiteral("fish"));
        if (fish.isEmpty())
            QSKIP("fish is not installed");
        QVERIFY(!writeScript(QStringLiteral("bash")).isEmpty()); // for the "file" row
        const QString script = writeScript(QStringLiteral("fish"));
        QVERIFY(!script.isEmpty());
        const auto quoted = [](QString text) {
            text.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
                .replace(QLatin1Char('\''), QLatin1String("\\'"));
            return QLatin1Char('\'') + text + QLatin1Char('\'');
        };
        const Run r = runShell(
            fish, {QStringLiteral("-c"),
                   QStringLiteral("source %1; complete -C %2").arg(quoted(script), quoted(line))});
        QVERIFY2(r.code == 0, r.err.constData());
        bool found = false;
        for (const QString& candidate : QString::fromUtf8(r.out).split(QLatin1Char('\n')))
            found = found || candidate.section(QLatin1Char('\t'), 0, 0) == offered;
        QVERIFY2(found, qPrintable(describe(r)));
    }
    // ===== end of zsh and fish completion =====================================================
};

QTEST_GUILESS_MAIN(TestConnectorCtl)
#include "tst_connectorctl.moc"
