// The same edit applied through the window's edit session and through connectorctl writes the
// same audit record, apart from the tool and the time: one PUT vendor at a time, against one
// sandbox reset between the two so both start from the same connector.
#include "AuditLog.h"
#include "EditSession.h"
#include "ReviewChangesDialog.h"
#include "SessionFixture.h"
#include "TestHttp.h"

#include <QJsonDocument>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QWidget>

using namespace ca;

class TestAuditIdentity : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    QTemporaryDir m_home; // connectorctl's HOME: profiles, and its audit log
    QTemporaryDir m_guiData;
    HttpClient m_http;

    int ctl(const QStringList& args, QByteArray* err = nullptr)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=/nonexistent/bus"));
        env.insert(QStringLiteral("CONNECTOR_ADMIN_API_KEY"), QString::fromLatin1(fixture::kKey));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CA_CONNECTORCTL_BIN), args);
        if (!p.waitForFinished(120000))
            p.kill();
        if (err)
            *err = p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // What must be equal: the record without the tool, the time and the operation's own id.
    static QJsonObject comparable(const AuditRecord& r)
    {
        QJsonObject o = r.toJson();
        o.remove(QStringLiteral("tool"));
        o.remove(QStringLiteral("time"));
        o.remove(QStringLiteral("operationId"));
        return o;
    }

    // The lines of an audit log file, each parsed: the intent and then the outcome of one apply.
    static QList<QJsonObject> lines(const QString& path)
    {
        QList<QJsonObject> out;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return out;
        for (const QByteArray& line : f.readAll().split('\n')) {
            if (!line.trimmed().isEmpty())
                out.append(QJsonDocument::fromJson(line).object());
        }
        return out;
    }

    // Both tools wrote the intent before the PUT and the outcome after it, tied by one id: the
    // last two lines of the log (connectorctl's log holds the rows before too).
    static void verifyIntentThenOutcome(const QString& path, const AuditRecord& outcome)
    {
        const QList<QJsonObject> written = lines(path);
        QVERIFY(written.size() >= 2);
        const QJsonObject& intent = written.at(written.size() - 2);
        QCOMPARE(intent.value(QStringLiteral("outcome")).toString(), QStringLiteral("intent"));
        QVERIFY(!outcome.operationId.isEmpty());
        QCOMPARE(intent.value(QStringLiteral("operationId")).toString(), outcome.operationId);
        QCOMPARE(written.last().value(QStringLiteral("operationId")).toString(),
                 outcome.operationId);
        QCOMPARE(written.last().value(QStringLiteral("outcome")).toString(),
                 QStringLiteral("applied"));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        QVERIFY(m_home.isValid() && m_guiData.isValid());
    }

    void sameEditSameRecord_data()
    {
        QTest::addColumn<int>("vendor");
        for (Vendor v : {Vendor::AiSquared, Vendor::B3os, Vendor::Databar, Vendor::Bigdata})
            QTest::newRow(qPrintable(vendorId(v))) << int(v);
    }
    void sameEditSameRecord()
    {
        const Vendor vendor = Vendor([] {
            QFETCH(int, vendor);
            return vendor;
        }());
        const Profile profile = fixture::profileFor(m_sandbox, vendor);
        std::unique_ptr<ConnectorService> service(
            createConnectorService(toConnectorProfile(profile, fixture::kKey), &m_http));

        // The window: the edit session's review, applied.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        const Connector base = fixture::firstConnector(service.get());
        QVERIFY(!base.id.isEmpty());
        QJsonObject edited = base.editable;
        edited.insert(fixture::nameField(vendor), QStringLiteral("Renamed for the audit"));
        AuditLog guiLog(m_guiData.filePath(vendorId(vendor)));
        QWidget host;
        EditSession session([&service](const QString&) { return service.get(); }, &host);
        session.setRecordKeeping(&guiLog, nullptr);
        session.open(base, edited);
        QVERIFY(session.canReview());
        ReviewChangesDialog* dialog = session.review(nullptr);
        QVERIFY(dialog && dialog->canApply());
        dialog->findChild<QPushButton*>(QStringLiteral("applyButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->lastOutcome().has_value(), 20000);
        QCOMPARE(int(dialog->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Applied));
        delete dialog;
        QVERIFY(guiLog.flush());
        const QList<AuditRecord> gui = guiLog.records();
        QCOMPARE(gui.size(), 1);
        QCOMPARE(gui.first().tool, AuditTool::Gui);
        verifyIntentThenOutcome(guiLog.filePath(), gui.first());

        // connectorctl, from the same connector: the same document applied.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QByteArray err;
        QFile::remove(m_home.filePath(QStringLiteral("config/ConnectorAdmin/profiles.ini")));
        QCOMPARE(
            ctl({QStringLiteral("profile"), QStringLiteral("add"), profile.name,
                 QStringLiteral("--vendor"), vendorId(vendor), QStringLiteral("--base-url"),
                 profile.baseUrl.toString(), QStringLiteral("--org"), QStringLiteral("demo-org"),
                 QStringLiteral("--workspace"), QStringLiteral("1")},
                &err),
            0);
        const QString file = m_home.filePath(vendorId(vendor) + QStringLiteral(".json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(edited).toJson());
        f.close();
        const int code = ctl(
            {QStringLiteral("apply"), profile.name, base.id, file, QStringLiteral("--yes")}, &err);
        QVERIFY2(code == 0, err.constData());
        const QList<AuditRecord> cli =
            AuditLog(m_home.filePath(QStringLiteral("data/ConnectorAdmin")))
                .records(profile.name, base.id);
        QCOMPARE(cli.size(), 1);
        QCOMPARE(cli.first().tool, AuditTool::Cli);
        verifyIntentThenOutcome(m_home.filePath(QStringLiteral("data/ConnectorAdmin/audit.jsonl")),
                                cli.first());

        const QJsonObject a = comparable(gui.first());
        const QJsonObject b = comparable(cli.first());
        QVERIFY2(a == b, qPrintable(QStringLiteral("gui: %1\ncli: %2")
                                        .arg(QString::fromUtf8(QJsonDocument(a).toJson()),
                                             QString::fromUtf8(QJsonDocument(b).toJson()))));
        QCOMPARE(a.value(QStringLiteral("outcome")).toString(), QStringLiteral("applied"));
        // And it is a record of this edit, not two empty ones.
        QCOMPARE(a.value(QStringLiteral("after")).toObject().value(fixture::nameField(vendor)),
                 QJsonValue(QStringLiteral("Renamed for the audit")));
        QCOMPARE(
            a.value(QStringLiteral("diff"))[QLatin1String("summary")][QLatin1String("changed")],
            QJsonValue(1));
        QCOMPARE(a.value(QStringLiteral("httpStatus")), QJsonValue(200));
    }
};

QTEST_MAIN(TestAuditIdentity)
#include "tst_audit_identity.moc"
