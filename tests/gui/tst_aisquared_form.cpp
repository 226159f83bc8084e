// The AI Squared form built from the vendor's own connector definitions (the sandbox's, read over
// HTTP): a widget of the right kind for every property, in the definition's order, secrets at any
// depth as keep/replace/clear fields, read-only fields read-only; validation against the vendor's
// schema at the field; unknown keys kept; a nested secret replaced changes exactly that secret at
// the server; Test connection through the edit session (succeeded, failed, hang, viewer key) and
// what the review says about it; the fallback when no definition can be read.
#include "AiSquaredForm.h"
#include "AiSquaredService.h"
#include "DraftStore.h"
#include "EditSession.h"
#include "ReviewChangesDialog.h"
#include "SchemaConfigEditor.h"
#include "SecretField.h"
#include "SessionFixture.h"
#include "TestHttp.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDirIterator>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>

using namespace ca;

namespace {
const QString kConfiguration = QStringLiteral("configuration");

QString dotted(const QString& pointer)
{
    return jsonPointerTokens(pointer).join(QLatin1Char('.'));
}

// What the definition's property should be shown as, decided here from the schema alone.
QString expectedKind(const QJsonObject& s)
{
    const QString type = s.value(QLatin1String("type")).toString();
    if (s.value(QLatin1String("multiwoven_secret")).toBool())
        return QStringLiteral("secret");
    if (type == QLatin1String("object") && s.contains(QLatin1String("properties")))
        return QStringLiteral("group");
    if (s.contains(QLatin1String("oneOf")) || s.contains(QLatin1String("enum")))
        return QStringLiteral("choice");
    if (type == QLatin1String("boolean"))
        return QStringLiteral("check");
    if (type == QLatin1String("integer"))
        return QStringLiteral("spin");
    if (type == QLatin1String("array") &&
        s.value(QLatin1String("items")).toObject().value(QLatin1String("type")) ==
            QLatin1String("string"))
        return QStringLiteral("list");
    if (type == QLatin1String("string"))
        return QStringLiteral("line");
    return QStringLiteral("json");
}

QString actualKind(QWidget* w)
{
    if (qobject_cast<SecretField*>(w))
        return QStringLiteral("secret");
    if (qobject_cast<QGroupBox*>(w))
        return QStringLiteral("group");
    if (qobject_cast<QComboBox*>(w))
        return QStringLiteral("choice");
    if (qobject_cast<QCheckBox*>(w))
        return QStringLiteral("check");
    if (qobject_cast<QSpinBox*>(w))
        return QStringLiteral("spin");
    if (w->findChild<QListWidget*>(QStringLiteral("items")))
        return QStringLiteral("list");
    if (qobject_cast<QLineEdit*>(w))
        return QStringLiteral("line");
    if (qobject_cast<QPlainTextEdit*>(w))
        return QStringLiteral("json");
    return QString::fromLatin1(w->metaObject()->className());
}

bool isReadOnly(QWidget* w)
{
    if (auto* e = qobject_cast<QLineEdit*>(w))
        return e->isReadOnly();
    if (auto* s = qobject_cast<QSpinBox*>(w))
        return s->isReadOnly();
    if (auto* t = qobject_cast<QPlainTextEdit*>(w))
        return t->isReadOnly();
    return !w->isEnabled();
}
} // namespace

class TestAiSquaredForm : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    HttpClient m_http;
    std::unique_ptr<AiSquaredService> m_service;
    QList<QJsonObject> m_definitions; // every definition the sandbox serves, both types

    static TestHttp::Headers auth(const QByteArray& key = fixture::kKey)
    {
        return {{"Authorization", "Bearer " + key}, {"Workspace-Id", "1"}};
    }
    QJsonObject definitionOf(const QString& type, const QString& name) const
    {
        for (const QJsonObject& d : m_definitions) {
            if (d.value(QLatin1String("connector_type")) == type &&
                d.value(QLatin1String("name")) == name)
                return d;
        }
        return {};
    }
    // The connector as the server holds it (secrets in clear): /_sandbox/state.
    QJsonObject storedConfiguration(const QString& id) const
    {
        const QJsonArray all =
            TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=aisquared")))
                .value(QLatin1String("aisquared"))
                .toArray();
        for (const QJsonValue& v : all) {
            const QJsonObject o = v.toObject();
            if (o.value(QLatin1String("id")).toVariant().toString() == id)
                return o.value(QLatin1String("configuration")).toObject();
        }
        return {};
    }
    Connector connectorOfKind(const QString& type, const QString& name)
    {
        ConnectorListResult list;
        if (!fixture::await(m_service->list(), &list) || !list.ok())
            return {};
        for (const Connector& c : std::as_const(list.connectors)) {
            if (c.type == name && c.editable.value(QLatin1String("connector_type")) == type) {
                ConnectorResult one;
                if (fixture::await(m_service->get(c.id), &one) && one.ok())
                    return one.connector;
            }
        }
        return {};
    }
    std::unique_ptr<EditSession> session(QWidget* host, AiSquaredService* service)
    {
        return std::make_unique<EditSession>([service](const QString&) { return service; }, host);
    }
    static AiSquaredForm* formOf(EditSession* s) { return qobject_cast<AiSquaredForm*>(s->form()); }
    static bool waitForDefinition(AiSquaredForm* form)
    {
        return QTest::qWaitFor([form] { return form->definition().isValid(); }, 10000);
    }
    static QString resultText(AiSquaredForm* form)
    {
        return form->findChild<QLabel*>(QStringLiteral("testConnectionResult"))->text();
    }
    static QPushButton* testButton(AiSquaredForm* form)
    {
        return form->findChild<QPushButton*>(QStringLiteral("testConnectionButton"));
    }
    static void replaceSecret(AiSquaredForm* form, const QString& pointer, const QString& value)
    {
        SecretField* f = form->secretField(pointer);
        QVERIFY2(f, qPrintable(pointer));
        f->setState(SecretField::State::Replace);
        f->valueEdit()->setText(value);
    }
    // Runs a connection test from the form and waits for its answer in the result label.
    static bool runTest(AiSquaredForm* form, int timeoutMs = 15000)
    {
        if (!testButton(form)->isEnabled())
            return false;
        testButton(form)->click();
        return QTest::qWaitFor(
            [form] { return !resultText(form).startsWith(QLatin1String("Testing")); }, timeoutMs);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_service = std::make_unique<AiSquaredService>(
            toConnectorProfile(fixture::profileFor(m_sandbox, Vendor::AiSquared), fixture::kKey),
            &m_http);
        for (const char* type : {"source", "destination"}) {
            const TestResponse r = TestHttp::get(
                m_sandbox.url(QStringLiteral("/aisquared/api/v1/connector_definitions?type=%1")
                                  .arg(QLatin1String(type))),
                auth());
            QCOMPARE(r.status, 200);
            for (const QJsonValue& d : r.array())
                m_definitions.append(d.toObject());
        }
        QVERIFY(m_definitions.size() >= 8);
    }
    void init()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        // The definitions' disk cache (AiSquaredService::definitionCacheDir()).
        QDir(QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation))
            .removeRecursively();
    }

    void everyPropertyHasItsWidget_data()
    {
        QTest::addColumn<QJsonObject>("definition");
        for (const QJsonObject& d : std::as_const(m_definitions))
            QTest::newRow(qPrintable(d.value(QLatin1String("connector_type")).toString() +
                                     QLatin1Char('/') + d.value(QLatin1String("name")).toString()))
                << d;
    }
    void everyPropertyHasItsWidget()
    {
        QFETCH(QJsonObject, definition);
        const ConnectorDefinition def = ConnectorDefinition::fromJson(definition);
        QVERIFY(def.isValid());
        Connector c = connectorOfKind(def.type, def.name);
        if (c.id.isEmpty()) { // a kind no seeded connector has: a new configuration
            c.vendor = Vendor::AiSquared;
            c.editable = QJsonObject{{QStringLiteral("name"), QStringLiteral("New")},
                                     {QStringLiteral("connector_type"), def.type},
                                     {QStringLiteral("connector_name"), def.name},
                                     {kConfiguration, QJsonObject{}}};
        }
        AiSquaredForm form;
        form.resize(900, 2400);
        form.setConnector(c);
        form.setDefinition(def);
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        QVERIFY(!form.isJsonMode());
        if (!c.id.isEmpty()) {
            // Showing a stored connector changes nothing.
            QVERIFY2(!form.isModified(), QJsonDocument(form.editedDocument()).toJson());
        } else {
            // A new configuration takes the defaults of the values the vendor requires, only.
            const QJsonObject shown = form.editedDocument().value(kConfiguration).toObject();
            const QJsonObject properties =
                def.specification.value(QLatin1String("properties")).toObject();
            QStringList required;
            for (const QJsonValue& r : def.specification.value(QLatin1String("required")).toArray())
                required << r.toString();
            for (auto it = properties.begin(); it != properties.end(); ++it) {
                const QJsonValue fallback = it.value().toObject().value(QLatin1String("default"));
                if (required.contains(it.key()) && !fallback.isUndefined())
                    QCOMPARE(shown.value(it.key()), fallback);
                else
                    QVERIFY2(!shown.contains(it.key()), qPrintable(it.key()));
            }
        }
        // Walks the specification as written, level by level.
        int secretsBelowTop = 0;
        std::function<void(const QJsonObject&, const QString&)> walk = [&](const QJsonObject& o,
                                                                           const QString& at) {
            const QJsonObject properties = o.value(QLatin1String("properties")).toObject();
            QSet<QString> required;
            for (const QJsonValue& r : o.value(QLatin1String("required")).toArray())
                required.insert(r.toString());
            QList<QPair<int, int>> orderAndY;
            for (auto it = properties.begin(); it != properties.end(); ++it) {
                const QString pointer = at + QLatin1Char('/') + it.key();
                const QJsonObject s = it.value().toObject();
                auto* w = form.findChild<QWidget*>(QStringLiteral("cfg_") + dotted(pointer));
                QVERIFY2(w, qPrintable(pointer));
                QCOMPARE(actualKind(w), expectedKind(s));
                if (s.value(QLatin1String("readOnly")).toBool())
                    QVERIFY2(isReadOnly(w), qPrintable(pointer));
                else if (actualKind(w) != QLatin1String("group"))
                    QVERIFY2(!isReadOnly(w), qPrintable(pointer));
                if (s.value(QLatin1String("multiwoven_secret")).toBool() && pointer.count('/') > 1)
                    ++secretsBelowTop;
                const QString description = s.value(QLatin1String("description")).toString();
                if (!description.isEmpty()) {
                    QCOMPARE(w->whatsThis(), description);
                    // The tool tip too, unless a problem is shown there ("Is required").
                    if (w->accessibleDescription().isEmpty())
                        QCOMPARE(w->toolTip(), description);
                }
                if (auto* label =
                        form.findChild<QLabel*>(QStringLiteral("cfgLabel_") + dotted(pointer)))
                    QCOMPARE(label->text().contains(QLatin1Char('*')), required.contains(it.key()));
                orderAndY.append(
                    {s.value(QLatin1String("order")).toInt(), w->mapTo(&form, QPoint(0, 0)).y()});
                if (actualKind(w) == QLatin1String("group"))
                    walk(s, pointer);
            }
            // Shown top to bottom in the definition's order.
            std::sort(orderAndY.begin(), orderAndY.end());
            for (qsizetype i = 1; i < orderAndY.size(); ++i)
                QVERIFY2(orderAndY.at(i).second > orderAndY.at(i - 1).second,
                         qPrintable(at + QStringLiteral(": order %1 above order %2")
                                             .arg(orderAndY.at(i).first)
                                             .arg(orderAndY.at(i - 1).first)));
        };
        walk(def.specification, QString());
        if (def.name == QLatin1String("Postgresql")) {
            QCOMPARE(secretsBelowTop, 1); // credentials.password
            QVERIFY(form.secretField(QStringLiteral("/configuration/credentials/password")));
        }
    }

    void validatesAgainstTheVendorSchemaAtTheField()
    {
        // AmazonS3's specification requires other fields per auth_type (if/then/else).
        const Connector c = connectorOfKind(QStringLiteral("source"), QStringLiteral("AmazonS3"));
        QVERIFY(!c.id.isEmpty());
        QWidget host;
        auto s = session(&host, m_service.get());
        s->open(c);
        AiSquaredForm* form = formOf(s.get());
        QVERIFY(waitForDefinition(form));
        QVERIFY(form->isValid());
        auto* auth = form->findChild<QComboBox*>(QStringLiteral("cfg_auth_type"));
        QVERIFY(auth);
        const QString now = c.editable.value(kConfiguration)
                                .toObject()
                                .value(QLatin1String("auth_type"))
                                .toString();
        const QString other =
            now == QLatin1String("role") ? QStringLiteral("IAM User") : QStringLiteral("IAM Role");
        auth->setCurrentIndex(auth->findText(other));
        QVERIFY(!form->isValid());
        QVERIFY(!s->canReview()); // Save (review) blocked, with the reasons
        const QString missing =
            now == QLatin1String("role") ? QStringLiteral("access_id") : QStringLiteral("arn");
        auto* problem = form->findChild<QLabel*>(QStringLiteral("cfgProblem_") + missing);
        QVERIFY(problem);
        QVERIFY2(problem->isVisibleTo(form) && problem->text().contains(QLatin1String("required")),
                 qPrintable(problem->text()));
        QVERIFY2(s->problemTexts().join(QLatin1Char('\n')).contains(QLatin1String("required")),
                 qPrintable(s->problemTexts().join(QLatin1Char('\n'))));
        // Filling what the vendor's schema asks for makes it valid again.
        if (now == QLatin1String("role")) {
            form->findChild<QLineEdit*>(QStringLiteral("cfg_access_id"))->setText("AKIA1");
            replaceSecret(form, QStringLiteral("/configuration/secret_access"), "s3cr3t-value");
        } else {
            // secret_access is not used with a role: cleared, rather than re-sent as its mask.
            form->secretField(QStringLiteral("/configuration/secret_access"))
                ->setState(SecretField::State::Clear);
            form->findChild<QLineEdit*>(QStringLiteral("cfg_arn"))
                ->setText("arn:aws:iam::1:role/x");
            form->findChild<QLineEdit*>(QStringLiteral("cfg_external_id"))->setText("ext-1");
        }
        QVERIFY2(form->isValid(), qPrintable(s->problemTexts().join(QLatin1Char('\n'))));
        QVERIFY(problem->text().isEmpty() || !problem->isVisibleTo(form));
    }

    void unknownKeysSurviveAFormEdit()
    {
        const Connector c = connectorOfKind(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QVERIFY(!c.id.isEmpty());
        QJsonObject edited = c.editable;
        QJsonObject config = edited.value(kConfiguration).toObject();
        config.insert(QStringLiteral("x_tuning"), QJsonObject{{QStringLiteral("pool"), 4}});
        QJsonObject credentials = config.value(QLatin1String("credentials")).toObject();
        credentials.insert(QStringLiteral("x_note"), QStringLiteral("kept"));
        config.insert(QStringLiteral("credentials"), credentials);
        edited.insert(kConfiguration, config);

        AiSquaredForm form;
        form.setConnector(c, edited);
        form.setDefinition(ConnectorDefinition::fromJson(
            definitionOf(QStringLiteral("source"), QStringLiteral("Postgresql"))));
        QVERIFY(!form.isJsonMode());
        form.findChild<QLineEdit*>(QStringLiteral("cfg_host"))->setText("db2.example.internal");
        auto check = [&](const QJsonObject& doc) {
            const QJsonObject cfg = doc.value(kConfiguration).toObject();
            QCOMPARE(cfg.value(QLatin1String("host")).toString(), "db2.example.internal");
            QCOMPARE(cfg.value(QLatin1String("x_tuning")).toObject().value("pool").toInt(), 4);
            QCOMPARE(cfg.value(QLatin1String("credentials")).toObject().value("x_note").toString(),
                     "kept");
        };
        check(form.editedDocument());
        // The JSON view shows the same document, and back again.
        QVERIFY(form.setJsonMode(true));
        check(form.editedDocument());
        QVERIFY(form.setJsonMode(false));
        check(form.editedDocument());
        // A JSON edit the fields then show.
        QVERIFY(form.setJsonMode(true));
        auto* text = form.findChild<QPlainTextEdit*>(QStringLiteral("configurationEdit"));
        QJsonObject visible = QJsonDocument::fromJson(text->toPlainText().toUtf8()).object();
        visible.insert(QStringLiteral("schema"), QStringLiteral("audit"));
        text->setPlainText(QString::fromUtf8(QJsonDocument(visible).toJson()));
        QVERIFY(form.setJsonMode(false));
        QCOMPARE(form.findChild<QLineEdit*>(QStringLiteral("cfg_schema"))->text(), "audit");
        check(form.editedDocument());
    }

    void aSecondAnswerForTheKindKeepsWhatWasTyped()
    {
        // Two opens of connectors of a kind not read yet ask twice; the second answer rebuilds
        // the fields shown, which must keep the secret typed in between.
        const Connector c = connectorOfKind(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QVERIFY(!c.id.isEmpty());
        const ConnectorDefinition def = ConnectorDefinition::fromJson(
            definitionOf(QStringLiteral("source"), QStringLiteral("Postgresql")));
        AiSquaredForm form;
        form.setConnector(c);
        form.setDefinition(def);
        const QString pointer = QStringLiteral("/configuration/credentials/password");
        replaceSecret(&form, pointer, QStringLiteral("typed-before-1"));
        form.setDefinition(def);
        QVERIFY(!form.isJsonMode());
        SecretField* field = form.secretField(pointer);
        QVERIFY(field);
        QCOMPARE(field->state(), SecretField::State::Replace);
        QCOMPARE(field->valueEdit()->text(), QStringLiteral("typed-before-1"));
    }

    void nestedSecretReplacedChangesOnlyThatSecret()
    {
        const Connector c = connectorOfKind(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QVERIFY(!c.id.isEmpty());
        const QJsonObject before = storedConfiguration(c.id);
        QVERIFY(!before.value("credentials").toObject().value("password").toString().isEmpty());
        AiSquaredForm form;
        form.setConnector(c);
        form.setDefinition(ConnectorDefinition::fromJson(
            definitionOf(QStringLiteral("source"), QStringLiteral("Postgresql"))));
        replaceSecret(&form, QStringLiteral("/configuration/credentials/password"),
                      QStringLiteral("rotated-pw-77"));
        QVERIFY2(form.isValid(), qPrintable(form.problems().value(0).message));
        UpdateResult r;
        QVERIFY(fixture::await(m_service->update(c, form.editedDocument()), &r));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QVERIFY(!QJsonDocument(r.sentBody).toJson().contains(SecretMarker::vendorMask.toUtf8()));
        QJsonObject expected = before;
        QJsonObject credentials = expected.value("credentials").toObject();
        credentials.insert(QStringLiteral("password"), QStringLiteral("rotated-pw-77"));
        expected.insert(QStringLiteral("credentials"), credentials);
        QCOMPARE(storedConfiguration(c.id), expected);
    }

    void keptSecretsOfAChangedConfigurationMustBeReentered()
    {
        // AI Squared stores a configuration whole, masks included: a kept secret would be
        // overwritten by its mask, so the form asks for it instead of sending the mask.
        const Connector c =
            connectorOfKind(QStringLiteral("destination"), QStringLiteral("SalesforceCrm"));
        QVERIFY(!c.id.isEmpty());
        const QJsonObject before = storedConfiguration(c.id);
        QWidget host;
        auto s = session(&host, m_service.get());
        s->open(c);
        AiSquaredForm* form = formOf(s.get());
        QVERIFY(waitForDefinition(form));
        replaceSecret(form, QStringLiteral("/configuration/access_token"), "new-access-token-1");
        QVERIFY(!s->canReview());
        const QString problems = s->problemTexts().join(QLatin1Char('\n'));
        QVERIFY2(problems.contains(QLatin1String("re-enter refresh_token")), qPrintable(problems));
        QVERIFY2(problems.contains(QLatin1String("re-enter client_secret")), qPrintable(problems));
        QVERIFY(m_sandbox.requestsTo(QStringLiteral("aisquared"), QStringLiteral("PUT")).isEmpty());
        // The others typed again as they are: only the one secret changes at the server.
        replaceSecret(form, QStringLiteral("/configuration/refresh_token"),
                      before.value("refresh_token").toString());
        replaceSecret(form, QStringLiteral("/configuration/client_secret"),
                      before.value("client_secret").toString());
        QVERIFY2(s->canReview(), qPrintable(s->problemTexts().join(QLatin1Char('\n'))));
        UpdateResult r;
        QVERIFY(fixture::await(m_service->update(c, form->editedDocument()), &r));
        QVERIFY2(r.ok(), qPrintable(r.error.message));
        QJsonObject expected = before;
        expected.insert(QStringLiteral("access_token"), QStringLiteral("new-access-token-1"));
        QCOMPARE(storedConfiguration(c.id), expected);
    }

    void testConnectionSucceedsAndFails()
    {
        const Connector c = connectorOfKind(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QVERIFY(!c.id.isEmpty());
        const QString real =
            storedConfiguration(c.id).value("credentials").toObject().value("password").toString();
        QTemporaryDir dir;
        DraftStore drafts(dir.path());
        QWidget host;
        auto s = session(&host, m_service.get());
        s->setRecordKeeping(nullptr, &drafts);
        s->open(c);
        AiSquaredForm* form = formOf(s.get());
        QVERIFY(waitForDefinition(form));
        // The stored password is only a mask: nothing to test with yet.
        QVERIFY(!testButton(form)->isEnabled());
        QVERIFY2(resultText(form).contains(QLatin1String("credentials.password")),
                 qPrintable(resultText(form)));

        replaceSecret(form, QStringLiteral("/configuration/credentials/password"), real);
        QVERIFY(runTest(form));
        QVERIFY2(resultText(form).startsWith(QLatin1String("Connection succeeded at")),
                 qPrintable(resultText(form)));
        QVERIFY(form->connectionTestStatus().startsWith(QLatin1String("tested: succeeded at")));
        // The review says so for this configuration change.
        ReviewChangesDialog* review = s->review(&host);
        QVERIFY(review);
        auto* note = review->findChild<QLabel*>(QStringLiteral("connectionTestLabel"));
        QVERIFY(note->isVisibleTo(review));
        QVERIFY2(note->text().contains(QLatin1String("tested: succeeded at")),
                 qPrintable(note->text()));
        delete review;
        // The typed password never reaches the draft.
        s->flushDraft();
        QByteArray all;
        QDirIterator it(dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            QVERIFY(f.open(QIODevice::ReadOnly));
            all += f.readAll();
        }
        QVERIFY(!all.isEmpty());
        QVERIFY(!all.contains(real.toUtf8()));

        // A wrong password: the vendor's own words, inline; a change since the test is "not
        // tested" again.
        replaceSecret(form, QStringLiteral("/configuration/credentials/password"), "wrong-pw-1");
        QVERIFY(form->connectionTestStatus().startsWith(QLatin1String("not tested since")));
        QVERIFY(runTest(form));
        QVERIFY2(resultText(form).startsWith(QLatin1String("Connection failed at")) &&
                     resultText(form).contains(QLatin1String("password authentication failed")),
                 qPrintable(resultText(form)));
        QVERIFY(form->connectionTestStatus().startsWith(QLatin1String("tested: failed at")));
        QVERIFY(!resultText(form).contains(QLatin1String("wrong-pw-1")));
        // Only what the definition flags is secret: the user name the vendor quotes is shown.
        const QString user =
            storedConfiguration(c.id).value("credentials").toObject().value("username").toString();
        QVERIFY2(resultText(form).contains(QStringLiteral("\"%1\"").arg(user)),
                 qPrintable(resultText(form)));
    }

    void testConnectionHangsAndIsRefusedToAViewer()
    {
        const Connector c = connectorOfKind(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QVERIFY(!c.id.isEmpty());
        const QString real =
            storedConfiguration(c.id).value("credentials").toObject().value("password").toString();
        AiSquaredService impatient(
            toConnectorProfile(fixture::profileFor(m_sandbox, Vendor::AiSquared), fixture::kKey),
            &m_http);
        HttpOptions options = impatient.httpOptions();
        options.transferTimeoutMs = 1500;
        impatient.setHttpOptions(options);
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"),
              QJsonArray{
                  QJsonObject{{QStringLiteral("spec"), QStringLiteral("aisquared:hang")},
                              {QStringLiteral("path"), QStringLiteral("check_connection")}}}}}));
        {
            QWidget host;
            auto s = session(&host, &impatient);
            s->open(c);
            AiSquaredForm* form = formOf(s.get());
            QVERIFY(waitForDefinition(form));
            replaceSecret(form, QStringLiteral("/configuration/credentials/password"), real);
            QVERIFY(runTest(form, 20000));
            QVERIFY2(resultText(form).startsWith(QLatin1String("Not tested:")) &&
                         resultText(form).contains(QLatin1String("no answer")),
                     qPrintable(resultText(form)));
            QCOMPARE(form->connectionTestStatus(), QStringLiteral("not tested"));
            // Never retried: it may reach the customer's database.
            QTRY_COMPARE(
                m_sandbox.requestsTo(QStringLiteral("aisquared"), QStringLiteral("POST")).size(),
                1);
        }
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   {{QStringLiteral("faults"), QJsonArray{}}}));
        AiSquaredService viewer(
            toConnectorProfile(fixture::profileFor(m_sandbox, Vendor::AiSquared),
                               "demo-readonly-key"),
            &m_http);
        QWidget host;
        auto s = session(&host, &viewer);
        s->open(c);
        AiSquaredForm* form = formOf(s.get());
        QVERIFY(waitForDefinition(form)); // a viewer may read definitions
        replaceSecret(form, QStringLiteral("/configuration/credentials/password"), real);
        QVERIFY(runTest(form));
        QVERIFY2(resultText(form).startsWith(QLatin1String("Not tested:")),
                 qPrintable(resultText(form)));
        QVERIFY(!resultText(form).contains(real));
    }

    void definitionUnavailableFallsBackToTheKeyNames()
    {
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"),
              QJsonArray{QJsonObject{
                  {QStringLiteral("spec"), QStringLiteral("aisquared:status=500")},
                  {QStringLiteral("path"), QStringLiteral("connector_definitions")}}}}}));
        AiSquaredService fresh(
            toConnectorProfile(fixture::profileFor(m_sandbox, Vendor::AiSquared), fixture::kKey),
            &m_http);
        const Connector c = connectorOfKind(QStringLiteral("source"), QStringLiteral("Postgresql"));
        QVERIFY(!c.id.isEmpty());
        QWidget host;
        auto s = session(&host, &fresh);
        s->open(c);
        AiSquaredForm* form = formOf(s.get());
        auto* status = form->findChild<QLabel*>(QStringLiteral("definitionStatus"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            status->text().startsWith(QLatin1String("Field list from the key names")),
            qPrintable(status->text()), 10000);
        QVERIFY(form->isJsonMode());
        QVERIFY(!form->findChild<QCheckBox*>(QStringLiteral("editAsJsonToggle"))->isEnabled());
        // Still usable: the masked secret has its row, and an edit can be reviewed.
        QVERIFY(form->secretField(QStringLiteral("/configuration/credentials/password")));
        form->findChild<QLineEdit*>(QStringLiteral("nameEdit"))->setText("Renamed in fallback");
        QVERIFY2(s->canReview(), qPrintable(s->problemTexts().join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestAiSquaredForm)
#include "tst_aisquared_form.moc"
