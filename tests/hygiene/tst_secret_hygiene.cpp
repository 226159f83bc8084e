// Secret hygiene end to end: a whole session with recognisable keys and secret values — profiles,
// keys set, secret fields edited in the real window, applies that succeed and fail, a Timbal
// update, connectorctl with --json, AI Squared connection tests with real secrets (in this process
// and with `connectorctl check`), and processes killed mid-operation — then every byte the app
// left behind (config, data, cache, runtime and temp dirs: settings, audit log, drafts) and every
// byte it printed or logged is searched for each secret, raw and encoded. Zero hits.
//
// The app's dirs are isolated before QApplication exists (main() below), so the in-process
// window, the connectorctl and connector-admin children and nothing else write there. Not
// scanned: the sandbox (another process with no files; /_sandbox/state holds the real values by
// design) and, under run-with-keyring.sh, the throwaway gnome-keyring's storage, which lives in
// the wrapper's own dir: that is the OS keychain, where keys belong.
#include "AiSquaredService.h"
#include "ApiKeys.h"
#include "AuditLog.h"
#include "BuildInfo.h"
#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorForm.h"
#include "ConnectorTableModel.h"
#include "DraftStore.h"
#include "KeychainKeyStore.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "ReviewChangesDialog.h"
#include "SandboxProcess.h"
#include "SecretField.h"
#include "TestHttp.h"

#include <QApplication>
#include <QComboBox>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

using namespace ca;

namespace {

// '+', '/' and '=' make the percent-encoded and base64 forms differ from the raw one.
const QByteArray kKey = "HYGIENE-KEY-7f3a9c+2e/51d=04b8a";
const QByteArray kReadonlyKey = "HYGIENE-ROKEY-5b1e8d+c4/a7=e2";
const QByteArray kWrongKey = "HYGIENE-BADKEY-90c2f1+e3/77=d5";
const QString kGuiHeader = QStringLiteral("HYGIENE-DBHDR-GUI-a41c+9e/0=");
const QString kGuiFailedHeader = QStringLiteral("HYGIENE-DBHDR-FAIL-3e8a+71/c=");
const QString kGuiAisqSecret = QStringLiteral("HYGIENE-AISQ-GUI-6d2b+f0/13=");
const QString kDraftSecret = QStringLiteral("HYGIENE-DRAFT-TYPED-c07e+5a/9=");
const QString kCliHeader = QStringLiteral("HYGIENE-DBHDR-CLI-18f4+b2/6=");
const QString kCliFailedHeader = QStringLiteral("HYGIENE-DBHDR-CLIFAIL-d93a+0c/4=");
const QString kCliCrashHeader = QStringLiteral("HYGIENE-DBHDR-CRASH-5ee1+a7/2=");
// Secrets typed for AI Squared connection tests that fail, time out or are refused.
const QString kCheckWrongSecret = QStringLiteral("HYGIENE-CHECK-WRONG-2b7d+e1/8=");
const QString kCheckHangSecret = QStringLiteral("HYGIENE-CHECK-HANG-94ac+0f/3=");
const QString kCheckCliWrongSecret = QStringLiteral("HYGIENE-CHECK-CLI-61e0+d4/b=");
// Change sets: a secret taken from the environment for a folder's apply, and header values
// rotated on many connectors from stdin (applied, and refused by the server).
const QString kEnvSecret = QStringLiteral("HYGIENE-ENV-FOLDER-8c3d+17/e=");
const QString kRotatedSecret = QStringLiteral("HYGIENE-ROTATED-STDIN-4f9b+e0/2=");
const QString kRotatedFailSecret = QStringLiteral("HYGIENE-ROTATED-FAIL-a6e2+58/d=");
// connector-admin --demo holds this key for its built-in sandbox, in memory only.
const QByteArray kDemoKey = "demo-key";

// Set by main() before QApplication: the isolated root every app dir lives under, and a dir
// outside it for the test's own input files (which hold secrets on purpose).
QString g_root;
QString g_inputs;

// Everything logged in this process (the window's network and service logs included).
QByteArray g_log;
QtMessageHandler g_previousHandler = nullptr;
void captureMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    g_log += QByteArray(context.category ? context.category : "") + ": " + message.toUtf8() + '\n';
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

QString dirOf(const char* name)
{
    return g_root + QLatin1Char('/') + QLatin1String(name);
}

void isolateDirs()
{
    for (const char* d : {"home", "config", "data", "cache", "run", "tmp"})
        QDir().mkpath(dirOf(d));
    QFile::setPermissions(dirOf("run"),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    qputenv("HOME", dirOf("home").toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", dirOf("config").toLocal8Bit());
    qputenv("XDG_DATA_HOME", dirOf("data").toLocal8Bit());
    qputenv("XDG_CACHE_HOME", dirOf("cache").toLocal8Bit());
    qputenv("XDG_RUNTIME_DIR", dirOf("run").toLocal8Bit());
    qputenv("TMPDIR", dirOf("tmp").toLocal8Bit());
    qunsetenv("CONNECTOR_ADMIN_API_KEY");
    // ctest turns debug logs off; this test wants every log line there is (see initTestCase).
    qunsetenv("QT_LOGGING_RULES");
    if (!qEnvironmentVariableIsSet("CA_REAL_KEYRING")) {
        // Never the user's keychain: an unreachable session bus.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    }
}

struct Hit
{
    QString where;
    qsizetype offset;
    QString secret;
    QString form;
};

// The forms a secret could take on its way into a file or a log.
QList<QPair<QString, QByteArray>> encodedForms(const QByteArray& secret)
{
    QList<QPair<QString, QByteArray>> forms{
        {QStringLiteral("raw"), secret},
        {QStringLiteral("base64"), secret.toBase64(QByteArray::OmitTrailingEquals)},
        {QStringLiteral("base64url"),
         secret.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)},
        {QStringLiteral("percent-encoded"), QUrl::toPercentEncoding(QString::fromUtf8(secret))},
        {QStringLiteral("percent-encoded, '/' kept"),
         QUrl::toPercentEncoding(QString::fromUtf8(secret), "/")},
        {QStringLiteral("json-escaped"), QByteArray(secret).replace("/", "\\/")},
        {QStringLiteral("hex"), secret.toHex()},
    };
    // Base64 of a secret that starts at another offset in the encoded stream.
    for (int shift = 1; shift <= 2; ++shift) {
        const QByteArray b = (QByteArray(shift, 'x') + secret).toBase64();
        forms.append({QStringLiteral("base64+%1").arg(shift), b.mid(4, b.size() - 8)});
    }
    return forms;
}

QList<Hit> findSecrets(const QString& where, const QByteArray& bytes,
                       const QList<QByteArray>& secrets)
{
    QList<Hit> hits;
    for (const QByteArray& s : secrets) {
        for (const auto& [form, needle] : encodedForms(s)) {
            for (qsizetype at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1))
                hits.append({where, at, QString::fromUtf8(s), form});
        }
    }
    return hits;
}

struct Run
{
    int code = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;
};

QString describe(const Run& r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(r.code)
        .arg(QString::fromUtf8(r.out.left(2000)), QString::fromUtf8(r.err.left(2000)));
}

} // namespace

class TestSecretHygiene : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--key"), QString::fromUtf8(kKey),
                              QStringLiteral("--readonly-key"), QString::fromUtf8(kReadonlyKey),
                              QStringLiteral("--connectors"), QStringLiteral("12")}};
    bool m_realKeyring = qEnvironmentVariableIsSet("CA_REAL_KEYRING");
    // Every stdout/stderr of every child, by command line.
    QList<QPair<QString, QByteArray>> m_outputs;
    // Secrets the vendors already held (Databar header values, AI Squared passwords).
    QList<QByteArray> m_storedSecrets;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<ApiKeys> m_keys;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<DraftStore> m_drafts;
    std::unique_ptr<MainWindow> m_window;

    static QStringList vendors()
    {
        return {QStringLiteral("timbal"), QStringLiteral("aisquared"), QStringLiteral("b3os"),
                QStringLiteral("databar"), QStringLiteral("bigdata")};
    }
    static QString profileOf(const QString& vendor) { return QStringLiteral("h-") + vendor; }

    QList<QByteArray> allSecrets() const
    {
        QList<QByteArray> s{kKey,
                            kReadonlyKey,
                            kWrongKey,
                            kDemoKey,
                            kGuiHeader.toUtf8(),
                            kGuiFailedHeader.toUtf8(),
                            kDraftSecret.toUtf8(),
                            kCliHeader.toUtf8(),
                            kCliFailedHeader.toUtf8(),
                            kCliCrashHeader.toUtf8(),
                            kCheckWrongSecret.toUtf8(),
                            kCheckHangSecret.toUtf8(),
                            kCheckCliWrongSecret.toUtf8(),
                            kEnvSecret.toUtf8(),
                            kRotatedSecret.toUtf8(),
                            kRotatedFailSecret.toUtf8()};
        for (int i = 0; i < 4; ++i)
            s.append((kGuiAisqSecret + QString::number(i)).toUtf8());
        return s + m_storedSecrets;
    }

    QProcessEnvironment childEnv(const QByteArray& key,
                                 const QMap<QString, QString>& extra = {}) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment(); // already isolated
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        // The most talkative logs the children have: they must stay clean too.
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("ca.*.debug=true"));
        if (!key.isEmpty())
            env.insert(QStringLiteral("CONNECTOR_ADMIN_API_KEY"), QString::fromUtf8(key));
        for (auto it = extra.cbegin(); it != extra.cend(); ++it)
            env.insert(it.key(), it.value());
        return env;
    }

    Run ctl(const QStringList& args, const QByteArray& key = kKey,
            const QByteArray& stdinBytes = {}, const QMap<QString, QString>& env = {})
    {
        QProcess p;
        p.setProcessEnvironment(childEnv(key, env));
        p.start(QStringLiteral(CA_CONNECTORCTL_BIN), args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.write(stdinBytes);
        p.closeWriteChannel();
        if (!p.waitForFinished(120000))
            p.kill();
        p.waitForFinished(5000);
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        const QString label = QStringLiteral("connectorctl ") + args.join(QLatin1Char(' '));
        m_outputs.append({label + QStringLiteral(" [stdout]"), r.out});
        m_outputs.append({label + QStringLiteral(" [stderr]"), r.err});
        return r;
    }

    // Starts connectorctl, waits until the sandbox has seen `method` from it, then SIGKILLs it.
    Run ctlKilledAfter(const QStringList& args, const QString& method)
    {
        const qint64 since = lastSeq();
        QProcess p;
        p.setProcessEnvironment(childEnv(kKey));
        p.start(QStringLiteral(CA_CONNECTORCTL_BIN), args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.closeWriteChannel();
        QDeadlineTimer deadline(60000);
        while (!deadline.hasExpired() && p.state() == QProcess::Running) {
            bool seen = false;
            for (const QJsonValue& v : requestsSince(since))
                seen = seen || v.toObject().value(QLatin1String("method")).toString() == method;
            if (seen)
                break;
            p.waitForFinished(50);
        }
        r.crashed = p.state() == QProcess::Running;
        ::kill(pid_t(p.processId()), SIGKILL);
        p.waitForFinished(10000);
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        const QString label = QStringLiteral("killed connectorctl ") + args.join(QLatin1Char(' '));
        m_outputs.append({label + QStringLiteral(" [stdout]"), r.out});
        m_outputs.append({label + QStringLiteral(" [stderr]"), r.err});
        return r;
    }

    QJsonArray requestsSince(qint64 seq)
    {
        return TestHttp::getJson(
                   m_sandbox.url(QStringLiteral("/_sandbox/requests?since=%1").arg(seq)))
            .value(QStringLiteral("requests"))
            .toArray();
    }
    qint64 lastSeq()
    {
        const QJsonArray all = requestsSince(0);
        return all.isEmpty()
                   ? 0
                   : qint64(all.last().toObject().value(QStringLiteral("seq")).toDouble());
    }
    bool setFaults(const QJsonArray& faults)
    {
        return TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                  {{QStringLiteral("faults"), faults}});
    }
    static QJsonObject fault(const QString& spec, const QString& method)
    {
        return {{QStringLiteral("spec"), spec}, {QStringLiteral("method"), method}};
    }

    QString writeInput(const QString& name, const QByteArray& bytes)
    {
        const QString path = g_inputs + QLatin1Char('/') + name;
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(bytes);
        return path;
    }

    // --- the window ---

    bool settled()
    {
        const auto statuses = m_window->catalog()->statuses();
        if (statuses.size() != 5)
            return false;
        for (const auto& s : statuses)
            if (s.state != ConnectorCatalog::LoadState::Loaded)
                return false;
        return true;
    }
    Connector select(Vendor vendor, const std::function<bool(const Connector&)>& accept = {})
    {
        ConnectorTableModel* model = m_window->connectorModel();
        for (int r = 0; r < model->rowCount(); ++r) {
            const Connector c = model->connector(r); // a copy: selecting may change the rows
            if (c.vendor != vendor || (accept && !accept(c)))
                continue;
            auto* view = m_window->findChild<QTableView*>(QStringLiteral("connectorView"));
            view->setCurrentIndex(m_window->filterModel()->mapFromSource(model->index(r, 0)));
            return c;
        }
        return {};
    }
    ConnectorForm* form()
    {
        return m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm"));
    }
    QPushButton* reviewButton()
    {
        return m_window->findChild<QPushButton*>(QStringLiteral("reviewButton"));
    }
    static void replaceSecret(SecretField* field, const QString& value)
    {
        field->setState(SecretField::State::Replace);
        QTest::keyClicks(field->valueEdit(), value);
    }
    // Replaces the first Databar header value of the open form.
    bool replaceFirstHeader(const QString& value)
    {
        auto* table = m_window->findChild<QTableWidget*>(QStringLiteral("headersTable"));
        if (!table || table->rowCount() == 0)
            return false;
        auto* field = qobject_cast<SecretField*>(table->cellWidget(0, 1));
        if (!field)
            return false;
        replaceSecret(field, value);
        return true;
    }
    // Review → apply; returns the outcome kind (-1 when none came).
    int reviewAndApply()
    {
        m_window->reviewAndApply();
        ReviewChangesDialog* d = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (d = m_window->findChild<ReviewChangesDialog*>()) && d->isVisible(); },
                10000))
            return -1;
        QTest::mouseClick(d->findChild<QPushButton*>(QStringLiteral("applyButton")),
                          Qt::LeftButton);
        if (!QTest::qWaitFor([&] { return d->lastOutcome().has_value(); }, 20000))
            return -1;
        const int kind = int(d->lastOutcome()->kind);
        QTest::mouseClick(d->findChild<QPushButton*>(QStringLiteral("closeButton")),
                          Qt::LeftButton);
        QTest::qWait(50);
        return kind;
    }
    static bool hasDatabarHeaders(const Connector& c)
    {
        return !c.editable.value(QStringLiteral("headers")).toArray().isEmpty();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(!g_root.isEmpty());
        g_previousHandler = qInstallMessageHandler(captureMessage);
        QLoggingCategory::setFilterRules(QStringLiteral("ca.*.debug=true"));
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));

        // The vendors' stored secrets the app will load: they must not leak either.
        const QJsonObject state =
            TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state")));
        for (const QJsonValue& c : state.value(QStringLiteral("databar")).toArray())
            for (const QJsonValue& h : c.toObject().value(QStringLiteral("headers")).toArray()) {
                // Credentials only: a Content-Type value is no secret to look for.
                static const QRegularExpression credential(
                    QStringLiteral("auth|key|token|secret"),
                    QRegularExpression::CaseInsensitiveOption);
                if (credential.match(h.toObject().value(QStringLiteral("name")).toString())
                        .hasMatch())
                    m_storedSecrets.append(
                        h.toObject().value(QStringLiteral("value")).toString().toUtf8());
            }
        for (const QJsonValue& c : state.value(QStringLiteral("aisquared")).toArray()) {
            // Every string whose own key is named like a secret, at any depth
            // (credentials.password; not credentials.username).
            QStringList values;
            std::function<void(const QJsonValue&, const QString&)> walk = [&](const QJsonValue& v,
                                                                              const QString& key) {
                if (v.isObject()) {
                    const QJsonObject o = v.toObject();
                    for (auto it = o.begin(); it != o.end(); ++it)
                        walk(it.value(), it.key());
                } else if (v.isArray()) {
                    for (const QJsonValue& item : v.toArray())
                        walk(item, key);
                } else if (v.isString() && SecretRules::isSecretKeyName(key)) {
                    values << v.toString();
                }
            };
            walk(c.toObject().value(QStringLiteral("configuration")), QString());
            for (const QString& v : std::as_const(values))
                m_storedSecrets.append(v.toUtf8());
        }
        m_storedSecrets.removeIf([](const QByteArray& s) { return s.size() < 8; });
        QVERIFY2(m_storedSecrets.size() >= 5, "the sandbox seeded no secrets to look for");

        // Profiles and keys, as an admin would set them up.
        for (const QString& v : vendors()) {
            const Run r = ctl({QStringLiteral("profile"), QStringLiteral("add"), profileOf(v),
                               QStringLiteral("--vendor"), v, QStringLiteral("--base-url"),
                               m_sandbox.vendorUrl(v).toString(), QStringLiteral("--org"),
                               QStringLiteral("demo-org"), QStringLiteral("--workspace"),
                               QStringLiteral("1")},
                              {});
            QVERIFY2(r.code == 0, qPrintable(describe(r)));
            // `key set` reads the key from stdin; without a keychain it fails (4), quietly.
            const Run k =
                ctl({QStringLiteral("key"), QStringLiteral("set"), profileOf(v)}, {}, kKey + '\n');
            QVERIFY2(k.code == (m_realKeyring ? 0 : 4), qPrintable(describe(k)));
        }
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_sandbox.stop();
        qInstallMessageHandler(g_previousHandler);
    }

    // The window in this process: loads all five vendors, edits secret fields, applies with and
    // without server failures, leaves a draft with a typed secret behind, and closes.
    void windowSession()
    {
        QCoreApplication::setApplicationName(QLatin1String(kAppId));
        QCoreApplication::setOrganizationName(QLatin1String(kOrgName));
        m_profiles = std::make_unique<ProfileStore>(); // the profiles.ini connectorctl wrote
        QCOMPARE(m_profiles->profiles().size(), 5);
        if (m_realKeyring) {
            m_keys = std::make_unique<ApiKeys>(std::make_unique<KeychainKeyStore>());
        } else {
            auto memory = std::make_unique<MemoryKeyStore>();
            for (const QString& v : vendors())
                memory->store(profileOf(v), SecretBytes(kKey));
            m_keys = std::make_unique<ApiKeys>(std::move(memory));
        }
        m_audit = std::make_unique<AuditLog>(AuditLog::defaultDirectory());
        m_drafts =
            std::make_unique<DraftStore>(AuditLog::defaultDirectory() + QStringLiteral("/drafts"));
        m_window = std::make_unique<MainWindow>(*m_profiles, *m_keys);
        m_window->setRecordKeeping(m_audit.get(), m_drafts.get());
        m_window->show();
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 30000);

        // Databar: a new header value refused by the server (500); another one applied.
        const Connector db = select(Vendor::Databar, hasDatabarHeaders);
        QVERIFY(!db.id.isEmpty());
        QTRY_VERIFY(form() && m_window->findChild<QTableWidget*>(QStringLiteral("headersTable")));
        QVERIFY(replaceFirstHeader(kGuiFailedHeader));
        QTRY_VERIFY(reviewButton()->isEnabled());
        QVERIFY(setFaults({fault(QStringLiteral("databar:status=500"), QStringLiteral("PUT"))}));
        QCOMPARE(reviewAndApply(), int(ApplyOperation::Outcome::Kind::Failed));
        QVERIFY(setFaults({}));
        form()->setConnector(form()->connector()); // drop the failed edit

        const Connector db2 = select(Vendor::Databar, [&](const Connector& c) {
            return hasDatabarHeaders(c) && c.id != db.id;
        });
        QVERIFY(!db2.id.isEmpty());
        QTRY_VERIFY(form() && m_window->findChild<QTableWidget*>(QStringLiteral("headersTable")));
        QVERIFY(replaceFirstHeader(kGuiHeader));
        QTRY_VERIFY(reviewButton()->isEnabled());
        QCOMPARE(reviewAndApply(), int(ApplyOperation::Outcome::Kind::Applied));

        // AI Squared: every secret of the configuration replaced, applied.
        const Connector ai =
            select(Vendor::AiSquared, [](const Connector& c) { return !c.secretPaths.isEmpty(); });
        QVERIFY(!ai.id.isEmpty());
        QList<SecretField*> fields;
        QTRY_VERIFY(form() && !(fields = form()->findChildren<SecretField*>()).isEmpty());
        for (int i = 0; i < fields.size(); ++i)
            replaceSecret(fields.at(i), kGuiAisqSecret + QString::number(i % 4));
        QTRY_VERIFY(reviewButton()->isEnabled());
        QCOMPARE(reviewAndApply(), int(ApplyOperation::Outcome::Kind::Applied));

        // A typed secret left unapplied: the autosaved draft must not carry it.
        const Connector db3 = select(Vendor::Databar, [&](const Connector& c) {
            return hasDatabarHeaders(c) && c.id != db.id && c.id != db2.id;
        });
        QVERIFY(!db3.id.isEmpty());
        QTRY_VERIFY(form() && m_window->findChild<QTableWidget*>(QStringLiteral("headersTable")));
        QVERIFY(replaceFirstHeader(kDraftSecret));
        auto* name = form()->findChild<QLineEdit*>(QStringLiteral("nameEdit"));
        QVERIFY(name);
        QTest::keyClicks(name, QStringLiteral(" (draft)"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_drafts->load(db3.profileName, Vendor::Databar, db3.id).has_value(), 10000);

        // Closed as after a crash: no prompt, the draft stays; window state is saved.
        m_window->setRecordKeeping(nullptr, nullptr);
        form()->setConnector(form()->connector());
        m_window->close();
        m_window.reset();
        QVERIFY(!m_drafts->all().isEmpty());
        QVERIFY(m_audit->records().size() >= 3);
    }

    // connectorctl as scripts use it: --json everywhere, an env key, failures of every kind.
    void cliSession()
    {
        for (const QString& v : vendors()) {
            Run r = ctl({QStringLiteral("list"), profileOf(v), QStringLiteral("--json")});
            QVERIFY2(r.code == 0, qPrintable(describe(r)));
            const QString id = QJsonDocument::fromJson(r.out)
                                   .array()
                                   .first()
                                   .toObject()
                                   .value(QStringLiteral("id"))
                                   .toString();
            r = ctl({QStringLiteral("get"), profileOf(v), id, QStringLiteral("--json")});
            QVERIFY2(r.code == 0, qPrintable(describe(r)));
            ctl({QStringLiteral("get"), profileOf(v), id});
            ctl({QStringLiteral("history"), profileOf(v), id, QStringLiteral("--json")});
        }
        if (m_realKeyring) {
            const Run r = ctl({QStringLiteral("list"), profileOf(QStringLiteral("databar")),
                               QStringLiteral("--json")},
                              {});
            QVERIFY2(r.code == 0, qPrintable(describe(r)));
        }

        // Databar documents with new header values: applied, refused with 500, refused for the
        // read-only key (403) and for a wrong key (401).
        const QString db = profileOf(QStringLiteral("databar"));
        Run list = ctl({QStringLiteral("list"), db, QStringLiteral("--json")});
        QString id;
        for (const QJsonValue& v : QJsonDocument::fromJson(list.out).array()) {
            const QString candidate = v.toObject().value(QStringLiteral("id")).toString();
            const Run got = ctl({QStringLiteral("get"), db, candidate, QStringLiteral("--json")});
            if (!QJsonDocument::fromJson(got.out)
                     .object()
                     .value(QStringLiteral("headers"))
                     .toArray()
                     .isEmpty()) {
                id = candidate;
                break;
            }
        }
        QVERIFY(!id.isEmpty());
        auto docWithHeader = [&](const QString& value) {
            QJsonObject doc =
                QJsonDocument::fromJson(
                    ctl({QStringLiteral("get"), db, id, QStringLiteral("--json")}).out)
                    .object();
            QJsonArray headers = doc.value(QStringLiteral("headers")).toArray();
            QJsonObject h = headers.first().toObject();
            h.insert(QStringLiteral("value"), value);
            headers.replace(0, h);
            doc.insert(QStringLiteral("headers"), headers);
            return writeInput(value.left(20) + QStringLiteral(".json"),
                              QJsonDocument(doc).toJson());
        };
        const QString ok = docWithHeader(kCliHeader);
        Run r = ctl({QStringLiteral("diff"), db, id, ok, QStringLiteral("--json")});
        QVERIFY2(r.code == 1, qPrintable(describe(r)));
        r = ctl({QStringLiteral("apply"), db, id, ok, QStringLiteral("--dry-run")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        r = ctl({QStringLiteral("apply"), db, id, ok, QStringLiteral("--yes")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));

        const QString failing = docWithHeader(kCliFailedHeader);
        QVERIFY(setFaults({fault(QStringLiteral("databar:status=500"), QStringLiteral("PUT"))}));
        r = ctl({QStringLiteral("apply"), db, id, failing, QStringLiteral("--yes")});
        QVERIFY2(r.code == 6, qPrintable(describe(r)));
        QVERIFY(setFaults({}));
        r = ctl({QStringLiteral("apply"), db, id, failing, QStringLiteral("--yes")}, kReadonlyKey);
        QVERIFY2(r.code == 4, qPrintable(describe(r)));
        r = ctl({QStringLiteral("apply"), db, id, failing, QStringLiteral("--yes")}, kWrongKey);
        QVERIFY2(r.code == 4, qPrintable(describe(r)));
        r = ctl({QStringLiteral("list"), profileOf(QStringLiteral("aisquared")),
                 QStringLiteral("--json")},
                kWrongKey);
        QVERIFY2(r.code == 4, qPrintable(describe(r)));
        r = ctl({QStringLiteral("history"), db, id, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));

        // A Timbal update, waited for.
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("timbalUpdateDelayMs"), 100}}));
        r = ctl({QStringLiteral("update"), profileOf(QStringLiteral("timbal")),
                 QStringLiteral("--all-outdated"), QStringLiteral("--wait"),
                 QStringLiteral("--timeout"), QStringLiteral("60"), QStringLiteral("--json")});
        QVERIFY2(r.code == 0 || r.code == 8, qPrintable(describe(r)));
        QVERIFY(r.out.contains("updated"));
        ctl({QStringLiteral("profile"), QStringLiteral("list"), QStringLiteral("--json")});
        if (m_realKeyring) {
            r = ctl({QStringLiteral("key"), QStringLiteral("delete"), db}, {});
            QVERIFY2(r.code == 0, qPrintable(describe(r)));
        }
    }

    // AI Squared connection tests carry real secrets: in this process (succeeded, failed, timed
    // out, refused for a mask, refused to the read-only key) and with `connectorctl check`.
    void connectionTestSession()
    {
        QJsonObject pg;
        for (const QJsonValue& v :
             TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=aisquared")))
                 .value(QStringLiteral("aisquared"))
                 .toArray()) {
            const QJsonObject c = v.toObject();
            if (c.value(QStringLiteral("connector_name")).toString() == QLatin1String("Postgresql"))
                pg = c;
        }
        QVERIFY(!pg.isEmpty());
        const QString type = pg.value(QStringLiteral("connector_type")).toString();
        const QString id = pg.value(QStringLiteral("id")).toString();
        const QJsonObject real = pg.value(QStringLiteral("configuration")).toObject();
        const QString password =
            jsonValueAt(real, QStringLiteral("/credentials/password")).toString();
        QVERIFY(m_storedSecrets.contains(password.toUtf8()));
        auto with = [&real](const QString& value) {
            return jsonValueSet(real, QStringLiteral("/credentials/password"), value).toObject();
        };

        HttpClient http;
        ConnectorProfile profile;
        profile.name = profileOf(QStringLiteral("aisquared"));
        profile.vendor = Vendor::AiSquared;
        profile.baseUrl = m_sandbox.vendorUrl(QStringLiteral("aisquared"));
        profile.workspaceId = QStringLiteral("1");
        profile.apiKey = kKey;
        AiSquaredService service(profile, &http);
        auto check = [&](AiSquaredService& s, const QJsonObject& spec) {
            ConnectionCheckJob* job = s.checkConnection(type, QStringLiteral("Postgresql"), spec);
            QSignalSpy spy(job, &ConnectionCheckJob::finished);
            if (!spy.wait(60000))
                return ConnectionCheckResult{};
            const auto r = spy.first().first().value<ConnectionCheckResult>();
            // What a window would show of it, logged so that the scan below covers it.
            qInfo().noquote() << "connection test:" << int(r.status) << r.message
                              << r.error.toString() << r.error.rawBody;
            return r;
        };
        DefinitionJob* definition = service.definition(type, QStringLiteral("Postgresql"));
        QSignalSpy definitionSpy(definition, &DefinitionJob::finished);
        QVERIFY(definitionSpy.wait(30000));
        QVERIFY(definitionSpy.first().first().value<DefinitionResult>().ok());
        QCOMPARE(check(service, real).status, ConnectionCheckResult::Status::Succeeded);
        QCOMPARE(check(service, with(kCheckWrongSecret)).status,
                 ConnectionCheckResult::Status::Failed);
        QCOMPARE(check(service, with(SecretMarker::vendorMask)).error.kind,
                 ApiError::Kind::Refused);
        profile.apiKey = kReadonlyKey;
        AiSquaredService readOnly(profile, &http);
        QCOMPARE(check(readOnly, real).error.kind, ApiError::Kind::Forbidden);
        QVERIFY(
            setFaults({QJsonObject{{QStringLiteral("spec"), QStringLiteral("aisquared:hang")},
                                   {QStringLiteral("path"), QStringLiteral("check_connection")}}}));
        HttpOptions shortWait = service.httpOptions();
        shortWait.transferTimeoutMs = 1000;
        service.setHttpOptions(shortWait);
        QCOMPARE(check(service, with(kCheckHangSecret)).error.kind, ApiError::Kind::Timeout);
        QVERIFY(setFaults({}));

        // connectorctl check: the real secret from the environment, a wrong one from a file.
        const Run got = ctl({QStringLiteral("get"), profile.name, id, QStringLiteral("--json")});
        QVERIFY2(got.code == 0, qPrintable(describe(got)));
        const QString document = writeInput(QStringLiteral("check.json"), got.out);
        Run r = ctl({QStringLiteral("check"), profile.name, id, document}, kKey, {},
                    {{QStringLiteral("CONNECTOR_ADMIN_SECRET_CREDENTIALS_PASSWORD"), password}});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        const QString wrong = writeInput(QStringLiteral("check-wrong.json"),
                                         QJsonDocument(with(kCheckCliWrongSecret)).toJson());
        r = ctl({QStringLiteral("check"), profile.name, id, wrong});
        QVERIFY2(r.code == 6, qPrintable(describe(r)));
        r = ctl({QStringLiteral("check"), profile.name, id, wrong}, kReadonlyKey);
        QVERIFY2(r.code == 4, qPrintable(describe(r)));
    }

    // Processes killed mid-operation: an update waiting for its version, an apply whose answer
    // never comes, and the real connector-admin with an edit open.
    // Change sets: an export into the scanned dirs, a folder applied with a secret from the
    // environment, plan / drift with --json, and a header value rotated from stdin on every
    // connector that carries it (dry run, applied, refused by the server with 500).
    void changeSetSession()
    {
        const QString db = profileOf(QStringLiteral("databar"));
        const QString folder = g_root + QStringLiteral("/exports");
        Run r = ctl({QStringLiteral("export"), folder, db});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QString file;
        QJsonObject doc;
        QDirIterator files(folder + QLatin1Char('/') + db, {QStringLiteral("*.json")}, QDir::Files);
        while (files.hasNext() && file.isEmpty()) {
            const QString path = files.next();
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            doc = QJsonDocument::fromJson(f.readAll()).object();
            if (!doc.value(QStringLiteral("headers")).toArray().isEmpty())
                file = path;
        }
        QVERIFY(!file.isEmpty());
        QJsonArray headers = doc.value(QStringLiteral("headers")).toArray();
        QJsonObject first = headers.first().toObject();
        first.insert(QStringLiteral("value"),
                     QJsonObject{{QStringLiteral("$env"), QStringLiteral("HYGIENE_ENV_SECRET")}});
        headers.replace(0, first);
        doc.insert(QStringLiteral("headers"), headers);
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(QJsonDocument(doc).toJson());
        out.close();
        const QMap<QString, QString> env{{QStringLiteral("HYGIENE_ENV_SECRET"), kEnvSecret}};
        r = ctl({QStringLiteral("plan"), folder, QStringLiteral("--json")}, kKey, {}, env);
        QVERIFY2(r.code == 1, qPrintable(describe(r)));
        r = ctl({QStringLiteral("apply"), folder, QStringLiteral("--yes")}, kKey, {}, env);
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        r = ctl({QStringLiteral("drift"), folder, QStringLiteral("--json")});
        QVERIFY2(r.code == 0, qPrintable(describe(r)));

        const QStringList rotate{db, QStringLiteral("/headers/[name=X-Api-Key]/value"),
                                 QStringLiteral("--secret-stdin")};
        r = ctl(QStringList{QStringLiteral("set")} + rotate +
                    QStringList{QStringLiteral("--dry-run")},
                kKey, kRotatedSecret.toUtf8() + '\n');
        QVERIFY2(r.code == 0 && r.out.contains("to change"), qPrintable(describe(r)));
        r = ctl(QStringList{QStringLiteral("set")} + rotate +
                    QStringList{QStringLiteral("--yes"), QStringLiteral("--json")},
                kKey, kRotatedSecret.toUtf8() + '\n');
        QVERIFY2(r.code == 0, qPrintable(describe(r)));
        QVERIFY(setFaults({fault(QStringLiteral("databar:status=500"), QStringLiteral("PUT"))}));
        r = ctl(QStringList{QStringLiteral("set")} + rotate + QStringList{QStringLiteral("--yes")},
                kKey, kRotatedFailSecret.toUtf8() + '\n');
        QVERIFY(setFaults({}));
        QVERIFY2(r.code == 8, qPrintable(describe(r)));
    }

    void crashes()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                                   {{QStringLiteral("timbalUpdateDelayMs"), -1}}));
        const Run list = ctl({QStringLiteral("list"), profileOf(QStringLiteral("timbal")),
                              QStringLiteral("--json")});
        QString updatable;
        for (const QJsonValue& v : QJsonDocument::fromJson(list.out).array()) {
            const QJsonObject c = v.toObject();
            const QString version = c.value(QStringLiteral("version")).toString();
            if (c.value(QStringLiteral("online")).toBool() && version != QLatin1String("0.0.9") &&
                version != QLatin1String("0.1.3"))
                updatable = c.value(QStringLiteral("id")).toString();
        }
        QVERIFY(!updatable.isEmpty());
        Run r = ctlKilledAfter({QStringLiteral("update"), profileOf(QStringLiteral("timbal")),
                                updatable, QStringLiteral("--version"), QStringLiteral("0.1.3"),
                                QStringLiteral("--wait"), QStringLiteral("--timeout"),
                                QStringLiteral("120")},
                               QStringLiteral("POST"));
        QVERIFY2(r.crashed, qPrintable(describe(r)));

        const QString db = profileOf(QStringLiteral("databar"));
        const Run got =
            ctl({QStringLiteral("get"), db, QStringLiteral("1001"), QStringLiteral("--json")});
        QJsonObject doc = QJsonDocument::fromJson(got.out).object();
        doc.insert(QStringLiteral("headers"),
                   QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("Authorization")},
                                          {QStringLiteral("value"), kCliCrashHeader}}});
        const QString file = writeInput(QStringLiteral("crash.json"), QJsonDocument(doc).toJson());
        QVERIFY(setFaults({fault(QStringLiteral("databar:hang"), QStringLiteral("PUT"))}));
        r = ctlKilledAfter(
            {QStringLiteral("apply"), db, QStringLiteral("1001"), file, QStringLiteral("--yes")},
            QStringLiteral("PUT"));
        QVERIFY(setFaults({}));
        QVERIFY2(r.crashed, qPrintable(describe(r)));

        // The real app (demo mode: its own sandbox and key) with an edit open, killed.
        QProcess app;
        app.setProcessEnvironment(childEnv({}));
        app.start(QStringLiteral(CA_ADMIN_BIN),
                  {QStringLiteral("--demo"), QStringLiteral("--demo-edit"),
                   QStringLiteral("--data-dir"), dirOf("data") + QStringLiteral("/demo")});
        QVERIFY(app.waitForStarted(10000));
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += app.readAllStandardOutput()).contains("edited") ||
                                     app.state() != QProcess::Running,
                                 30000);
        const DraftStore demoDrafts(dirOf("data") + QStringLiteral("/demo/drafts"));
        QTRY_VERIFY_WITH_TIMEOUT(!demoDrafts.all().isEmpty(), 10000); // autosaved, then killed
        ::kill(pid_t(app.processId()), SIGKILL);
        QVERIFY(app.waitForFinished(10000));
        QCOMPARE(app.exitStatus(), QProcess::CrashExit);
        m_outputs.append(
            {QStringLiteral("connector-admin --demo [stdout]"), out + app.readAllStandardOutput()});
        m_outputs.append(
            {QStringLiteral("connector-admin --demo [stderr]"), app.readAllStandardError()});
    }

    // Every file under the isolated dirs, every output captured and this process's log:
    // not one secret in any form.
    void noSecretAnywhere()
    {
        const QList<QByteArray> secrets = allSecrets();
        QList<Hit> hits;
        int files = 0;
        qint64 bytes = 0;
        QDirIterator it(g_root, QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (!f.open(QIODevice::ReadOnly))
                continue;
            const QByteArray content = f.readAll();
            ++files;
            bytes += content.size();
            qInfo("scanned %s (%lld bytes)", qPrintable(QDir(g_root).relativeFilePath(path)),
                  qint64(content.size()));
            hits += findSecrets(QDir(g_root).relativeFilePath(path), content, secrets);
        }
        for (const auto& [label, output] : std::as_const(m_outputs))
            hits += findSecrets(label, output, secrets);
        hits += findSecrets(QStringLiteral("log of this process"), g_log, secrets);

        // The scan saw what it should have: settings, audit log and drafts exist, logs were on.
        QVERIFY2(files >= 4, qPrintable(QString::number(files)));
        QVERIFY(
            QFileInfo::exists(dirOf("config") + QStringLiteral("/ConnectorAdmin/profiles.ini")));
        QVERIFY(QFileInfo::exists(AuditLog::defaultDirectory() + QStringLiteral("/audit.jsonl")));
        QVERIFY(!g_log.isEmpty());
        qInfo("searched %d files (%lld bytes), %d outputs and %lld bytes of log for %d secrets",
              files, bytes, int(m_outputs.size()), qint64(g_log.size()), int(secrets.size()));

        QStringList report;
        for (const Hit& h : std::as_const(hits)) {
            const QString line = QStringLiteral("%1: %2 (%3) first at %4")
                                     .arg(h.where, h.secret, h.form)
                                     .arg(h.offset);
            if (!std::any_of(report.cbegin(), report.cend(), [&](const QString& r) {
                    return r.startsWith(
                        QStringLiteral("%1: %2 (%3)").arg(h.where, h.secret, h.form));
                }))
                report << line;
        }
        QVERIFY2(hits.isEmpty(),
                 qPrintable(QStringLiteral("%1 secret(s) found:\n").arg(hits.size()) +
                            report.join(QLatin1Char('\n'))));
    }
};

int main(int argc, char** argv)
{
    // Before anything reads an environment variable or a standard path.
    QTemporaryDir root;
    QTemporaryDir inputs;
    if (!root.isValid() || !inputs.isValid())
        return 1;
    g_root = root.path();
    g_inputs = inputs.path();
    isolateDirs();
    QApplication app(argc, argv);
    TestSecretHygiene test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_secret_hygiene.moc"
