// Bad input everywhere connectorctl takes it: document files that are not JSON, huge, binary,
// not UTF-8, of another vendor or not an object, and connector ids that carry path characters.
// Each is refused with its documented exit code and one clear line on stderr, or — for an id a
// vendor allows — sent as one percent-encoded path segment, never raw: checked in the sandbox's
// own request log.
#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

QString describe(const Run& r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(r.code)
        .arg(QString::fromUtf8(r.out.left(1000)), QString::fromUtf8(r.err.left(1000)));
}

// Where each vendor's connector paths start, below the vendor prefix.
QString collectionOf(const QString& vendor)
{
    if (vendor == QLatin1String("timbal"))
        return QStringLiteral("/orgs/demo-org/connectors/");
    if (vendor == QLatin1String("aisquared"))
        return QStringLiteral("/api/v1/connectors/");
    return QStringLiteral("/v1/connectors/");
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;
    SandboxProcess m_sandbox;

    Run ctl(const QStringList& args, const QByteArray& stdinBytes = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=/nonexistent/bus"));
        env.insert(QStringLiteral("CONNECTOR_ADMIN_API_KEY"), QStringLiteral("demo-key"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CA_CONNECTORCTL_BIN), args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.write(stdinBytes);
        p.closeWriteChannel();
        if (!p.waitForFinished(120000))
            p.kill();
        // A crash (signal) is -1: never an accepted outcome below.
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    QJsonArray requests()
    {
        return TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/requests")))
            .value(QLatin1String("requests"))
            .toArray();
    }

    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        const QString path = m_home.filePath(name);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(bytes);
        return path;
    }

    static QByteArray randomBytes(int n)
    {
        QByteArray b(n, '\0');
        auto* random = QRandomGenerator::global();
        for (char& c : b)
            c = char(random->bounded(256));
        b[n / 2] = '\0';
        return b;
    }

    static QString databarDocument()
    {
        return QStringLiteral(
            "{\"name\":\"x\",\"method\":\"get\",\"url\":\"https://a.example\",\"headers\":[]}");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        for (const char* vendor : {"timbal", "aisquared", "b3os", "databar", "bigdata"}) {
            const QString v = QLatin1String(vendor);
            const Run r = ctl({QStringLiteral("profile"), QStringLiteral("add"),
                               QStringLiteral("b-") + v, QStringLiteral("--vendor"), v,
                               QStringLiteral("--base-url"), m_sandbox.vendorUrl(v).toString(),
                               QStringLiteral("--org"), QStringLiteral("demo-org"),
                               QStringLiteral("--workspace"), QStringLiteral("1")});
            QVERIFY2(r.code == 0, qPrintable(describe(r)));
        }
    }

    void init()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
    }

    // A document file connectorctl cannot use: exit 5, one line saying why, nothing sent.
    void badDocumentIsRefusedBeforeAnythingIsSent_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("viaStdin");
        QTest::addColumn<QString>("message");

        const QString db = QStringLiteral("b-databar");
        const QString ai = QStringLiteral("b-aisquared");
        QByteArray huge = "{\"name\":\"";
        huge += QByteArray(20 * 1024 * 1024, 'h');
        huge += "\",\"method\":\"get\",\"url\":\"https://a.example\"}";
        QByteArray hugeGarbage(20 * 1024 * 1024, '[');

        QTest::newRow("invalid JSON")
            << db << "1001" << QByteArray("{\"name\": ") << false << "is not valid JSON";
        QTest::newRow("empty file") << db << "1001" << QByteArray() << false << "is empty";
        QTest::newRow("only whitespace")
            << db << "1001" << QByteArray(" \n\t\n") << false << "is empty";
        QTest::newRow("20 MB of valid JSON") << db << "1001" << huge << false << "too large";
        QTest::newRow("20 MB of brackets") << db << "1001" << hugeGarbage << false << "too large";
        QTest::newRow("20 MB on stdin") << db << "1001" << huge << true << "too large";
        QTest::newRow("binary with NUL bytes")
            << db << "1001" << randomBytes(4096) << false << "is not valid JSON";
        QTest::newRow("binary on stdin")
            << db << "1001" << randomBytes(4096) << true << "is not valid JSON";
        QTest::newRow("invalid UTF-8 in a string")
            << db << "1001"
            << QByteArray("{\"name\":\"caf\xe9 \xff\xfe\",\"method\":\"get\",\"url\":"
                          "\"https://a.example\"}")
            << false << "is not valid JSON";
        QTest::newRow("UTF-16 file")
            << db << "1001" << QByteArray("\xff\xfe{\0\"\0n\0\"\0:\0\"\0x\0\"\0}\0", 18) << false
            << "is not valid JSON";
        QTest::newRow("a Databar document for AI Squared")
            << ai << "1" << databarDocument().toUtf8() << false
            << "is not a valid AI Squared connector document";
        QTest::newRow("a JSON array") << db << "1001" << QByteArray("[{\"name\":\"x\"}]") << false
                                      << "must hold one JSON object";
        QTest::newRow("a JSON string")
            << db << "1001" << QByteArray("\"name\"") << false << "must hold one JSON object";
        QTest::newRow("two objects")
            << db << "1001" << QByteArray("{}{}") << false << "is not valid JSON";
        QTest::newRow("deeply nested")
            << db << "1001" << (QByteArray(100000, '[') + QByteArray(100000, ']')) << false
            << "is not valid JSON";
    }
    void badDocumentIsRefusedBeforeAnythingIsSent()
    {
        QFETCH(QString, profile);
        QFETCH(QString, id);
        QFETCH(QByteArray, content);
        QFETCH(bool, viaStdin);
        QFETCH(QString, message);
        const QString file =
            viaStdin ? QStringLiteral("-") : writeFile(QStringLiteral("doc.json"), content);
        for (const QString& command : {QStringLiteral("diff"), QStringLiteral("apply")}) {
            QStringList args{command, profile, id, file};
            if (command == QLatin1String("apply"))
                args << QStringLiteral("--yes");
            const Run r = ctl(args, viaStdin ? content : QByteArray());
            QVERIFY2(r.code == 5, qPrintable(command + QLatin1Char(' ') + describe(r)));
            const QByteArray e = r.err.trimmed();
            QVERIFY2(e.startsWith("connectorctl: ") && !e.contains('\n'), qPrintable(describe(r)));
            QVERIFY2(e.contains(message.toUtf8()), qPrintable(describe(r)));
            // A clear message is a short one: never the document echoed back.
            QVERIFY2(e.size() < 600, qPrintable(QString::number(e.size())));
            QVERIFY(r.out.isEmpty());
        }
        QVERIFY2(requests().isEmpty(), "a request went out although the document was refused");
    }

    // An id no vendor can have: refused before any request, exit 5, one short line.
    void impossibleIdIsRefused_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("message");
        for (const char* v : {"timbal", "aisquared", "b3os", "databar", "bigdata"}) {
            const QString vendor = QLatin1String(v);
            QTest::addRow("%s: empty", v) << vendor << QString() << "the connector id is empty";
            QTest::addRow("%s: 10 KB", v)
                << vendor << QString(10 * 1024, QLatin1Char('i')) << "connector id";
            QTest::addRow("%s: ..", v) << vendor << QStringLiteral("..") << "connector id";
            QTest::addRow("%s: .", v) << vendor << QStringLiteral(".") << "connector id";
        }
        // Ids of a fixed shape: anything else is refused.
        for (const char* v : {"databar", "bigdata"}) {
            for (const char* id : {"../x", "a/../b", "%2F", "a b", "?x=1", "#frag", "1001/..",
                                   "1001?x=1", "1001#f", "1001%00", "1001\t"})
                QTest::addRow("%s: %s", v, id)
                    << QString::fromLatin1(v) << QString::fromLatin1(id) << "connector id";
        }
    }
    void impossibleIdIsRefused()
    {
        QFETCH(QString, vendor);
        QFETCH(QString, id);
        QFETCH(QString, message);
        const QString profile = QStringLiteral("b-") + vendor;
        QList<QStringList> commands{{QStringLiteral("get"), profile, id, QStringLiteral("--json")},
                                    {QStringLiteral("get"), profile, id}};
        if (vendor == QLatin1String("timbal"))
            commands.append({QStringLiteral("update"), profile, id});
        if (vendor == QLatin1String("databar"))
            commands.append({QStringLiteral("apply"), profile, id,
                             writeFile(QStringLiteral("d.json"), databarDocument().toUtf8()),
                             QStringLiteral("--yes")});
        for (const QStringList& args : commands) {
            const Run r = ctl(args);
            const QByteArray e = r.err.trimmed();
            // update reports per connector; every other command exits 5.
            const bool update = args.first() == QLatin1String("update");
            QVERIFY2(update ? (r.code == 5 || r.code == 8) : r.code == 5,
                     qPrintable(args.first() + QLatin1Char(' ') + describe(r)));
            QVERIFY2(e.contains("connectorctl: "), qPrintable(describe(r)));
            QVERIFY2(QString::fromUtf8(e).contains(message), qPrintable(describe(r)));
            QVERIFY2(e.size() < 600, qPrintable(QString::number(e.size())));
        }
        // Timbal's update reads the list first (which version to go to); nothing else is sent.
        for (const QJsonValue& v : requests()) {
            const QJsonObject req = v.toObject();
            QVERIFY2(
                req.value(QLatin1String("method")).toString() == QLatin1String("GET") &&
                    !req.value(QLatin1String("path")).toString().startsWith(collectionOf(vendor)),
                qPrintable(QJsonDocument(req).toJson()));
        }
    }

    // An id with path characters that a vendor's id format allows (Timbal and B3OS ids are
    // strings; AI Squared's are integers, refused before sending): one encoded path segment.
    void pathCharactersInAnIdAreEncoded_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("encoded");
        const QList<QPair<const char*, const char*>> ids{{"../x", "..%2Fx"},
                                                         {"a/../b", "a%2F..%2Fb"},
                                                         {"%2F", "%252F"},
                                                         {"a b", "a%20b"},
                                                         {"?x=1", "%3Fx%3D1"},
                                                         {"#frag", "%23frag"},
                                                         {"..%2F..", "..%252F.."},
                                                         {"con_1/update", "con_1%2Fupdate"},
                                                         {"\xc3\xa9t\xc3\xa9", "%C3%A9t%C3%A9"}};
        for (const char* v : {"timbal", "b3os"}) {
            for (const auto& [id, encoded] : ids)
                QTest::addRow("%s: %s", v, id) << QString::fromLatin1(v) << QString::fromUtf8(id)
                                               << QString::fromLatin1(encoded);
        }
    }
    void pathCharactersInAnIdAreEncoded()
    {
        QFETCH(QString, vendor);
        QFETCH(QString, id);
        QFETCH(QString, encoded);
        const QString profile = QStringLiteral("b-") + vendor;
        const Run r = ctl({QStringLiteral("get"), profile, id, QStringLiteral("--json")});
        QVERIFY2(r.code == 3, qPrintable(describe(r))); // no such connector
        QVERIFY2(r.err.trimmed().startsWith("connectorctl: ") && !r.err.trimmed().contains('\n'),
                 qPrintable(describe(r)));
        if (vendor == QLatin1String("timbal")) {
            const Run u = ctl({QStringLiteral("update"), profile, id, QStringLiteral("--version"),
                               QStringLiteral("0.1.4")});
            QVERIFY2(u.code == 3 || u.code == 8, qPrintable(describe(u)));
        }
        const QJsonArray all = requests();
        QVERIFY(!all.isEmpty());
        const QString expected = collectionOf(vendor) + encoded;
        for (const QJsonValue& v : all) {
            const QJsonObject req = v.toObject();
            const QString path = req.value(QLatin1String("path")).toString();
            const QString query = req.value(QLatin1String("query")).toString();
            QVERIFY2(
                path == expected || path == expected + QStringLiteral("/update"),
                qPrintable(QStringLiteral("sent %1 ?%2, expected %3").arg(path, query, expected)));
            QVERIFY2(query.isEmpty(), qPrintable(query));
        }
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
