#include "AiSquaredForm.h"
#include "AiSquaredService.h"
#include "B3osService.h"
#include "BigdataForm.h"
#include "BigdataService.h"
#include "ConnectorForm.h"
#include "DatabarForm.h"
#include "DatabarService.h"
#include "HttpClient.h"
#include "NameValueTable.h"
#include "SchemaValidator.h"
#include "SecretField.h"
#include "TimbalService.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QStyleOptionButton>
#include <QTableWidget>
#include <QtTest>

using namespace ca;

Q_DECLARE_METATYPE(ca::Vendor)

namespace {

const QString kMask = QStringLiteral("*************");

// Vendor JSON as the sandbox / the vendors send it (one connector each).
QJsonObject timbalJson()
{
    // A ConnectorView (timbal openapi.json): no platform, no pending version, no update stamps.
    return QJsonObject{{"id", "con_000007"},
                       {"name", "Warehouse edge"},
                       {"version", "0.1.2"},
                       {"online", false},
                       {"connected", true},
                       {"capabilities", QJsonArray{"query", "filesystem"}},
                       {"enrolled_at", "2025-01-02T03:04:05Z"},
                       {"last_seen_at", "2025-03-01T00:00:00Z"},
                       {"hostname", "edge-7.example.com"},
                       {"os", "linux"},
                       {"arch", "x86_64"}};
}

QJsonObject aisquaredJson()
{
    return QJsonObject{
        {"id", "12"},
        {"type", "connectors"},
        {"attributes",
         QJsonObject{{"name", "Warehouse"},
                     {"description", "Nightly ETL source"},
                     {"connector_type", "source"},
                     {"workspace_id", 1},
                     {"created_at", "2025-01-02T03:04:05Z"},
                     {"updated_at", "2025-02-03T04:05:06Z"},
                     {"configuration", QJsonObject{{"host", "db.example.com"},
                                                   {"port", 5432},
                                                   {"username", "etl"},
                                                   {"password", kMask},
                                                   {"ssl", QJsonObject{{"mode", "require"},
                                                                       {"private_key", kMask}}}}},
                     {"connector_name", "Postgresql"},
                     {"icon", "https://example.invalid/postgres.svg"}}}};
}

QJsonObject b3osJson()
{
    return QJsonObject{{"id", "cn_3f2a"},
                       {"name", "Slack alerts"},
                       {"description", "Posts alerts to #ops"},
                       {"provider", "slack"},
                       {"type", "webhook"},
                       {"organizationId", "demo-org"},
                       {"createdAt", "2025-01-02T03:04:05Z"},
                       {"createdBy", "user_demo"},
                       {"updatedAt", "2025-02-03T04:05:06Z"},
                       {"updatedBy", "user_demo"},
                       {"maskedData", QJsonObject{{"apiKey", "****abcd"}, {"channel", "#ops"}}}};
}

QJsonObject databarJson()
{
    return QJsonObject{
        {"id", 7},
        {"name", "Score lookup"},
        {"type", "enrichment"},
        {"method", "post"},
        {"url", "https://api.example.com/v1/score"},
        {"headers",
         QJsonArray{QJsonObject{{"name", "Authorization"}, {"value", "Bearer sk_live_123"}},
                    QJsonObject{{"name", "X-Team"}, {"value", "growth"}}}},
        {"parameters", QJsonArray{QJsonObject{{"name", "domain"}, {"value", "{{ domain }}"}}}},
        {"body", QJsonArray{}},
        {"body_template", QJsonValue::Null},
        {"rate_limit", 10},
        {"max_concurrency", 5},
        {"created_at", "2025-01-02T03:04:05Z"}};
}

QJsonObject bigdataJson(bool email = true)
{
    QJsonObject json{{"connector_id", "019c4c5c-b021-7a72-8651-53e01b8f9334"},
                     {"user_id", "user_id_001"},
                     {"org_id", "org_id_001"},
                     {"share_with_org", false},
                     {"label", "Broker Research - Daily Reports"},
                     {"description", "Daily reports"},
                     {"created_at", "2026-02-11T11:01:09.574095Z"},
                     {"updated_at", "2026-02-11T11:15:30.123456Z"},
                     {"archived", false}};
    if (email) {
        json.insert("type", "email");
        json.insert("config", QJsonObject{{"allowed_emails",
                                           QJsonArray{"user1@bigdata.com", "user2@bigdata.com"}},
                                          {"email_hash", "a1b2c3d4e5f6"},
                                          {"email", "connector@bigdata.com"}});
    } else {
        json.insert("type", "investment_research");
        json.insert("config", QJsonObject{{"user_id", "API@ravenpack.com"}});
        json.insert("files_count", 10);
        json.insert("last_sync_status", "SUCCESS");
        json.insert("last_sync_at", "2026-04-07T09:36:34.195040Z");
    }
    return json;
}

// The same connectors built by hand, as the services' toConnector maps them (checked against
// the real mapping in handBuiltConnectorsMatchServiceMapping).
Connector timbalConnector()
{
    Connector c;
    c.vendor = Vendor::Timbal;
    c.profileName = "p";
    c.id = "con_000007";
    c.displayName = "Warehouse edge";
    c.type = "connector";
    c.version = "0.1.2";
    c.os = "linux";
    c.arch = "x86_64";
    c.online = false;
    c.connected = true;
    c.readOnly = timbalJson();
    return c;
}

Connector aisquaredConnector()
{
    const QJsonObject attributes = aisquaredJson().value("attributes").toObject();
    Connector c;
    c.vendor = Vendor::AiSquared;
    c.profileName = "p";
    c.id = "12";
    c.displayName = "Warehouse";
    c.type = "Postgresql";
    c.updatedAt = "2025-02-03T04:05:06Z";
    for (const char* key :
         {"name", "description", "connector_type", "configuration", "connector_name"})
        c.editable.insert(key, attributes.value(key));
    c.readOnly = QJsonObject{{"id", "12"},
                             {"type", "connectors"},
                             {"workspace_id", 1},
                             {"created_at", "2025-01-02T03:04:05Z"},
                             {"updated_at", "2025-02-03T04:05:06Z"},
                             {"icon", "https://example.invalid/postgres.svg"}};
    c.secretPaths = QStringList{"/configuration/password", "/configuration/ssl/private_key"};
    return c;
}

Connector b3osConnector()
{
    const QJsonObject json = b3osJson();
    Connector c;
    c.vendor = Vendor::B3os;
    c.profileName = "p";
    c.id = "cn_3f2a";
    c.displayName = "Slack alerts";
    c.type = "slack/webhook";
    c.updatedAt = "2025-02-03T04:05:06Z";
    c.editable = QJsonObject{{"name", "Slack alerts"}, {"description", "Posts alerts to #ops"}};
    c.readOnly = json;
    c.readOnly.remove("name");
    c.readOnly.remove("description");
    return c;
}

Connector databarConnector(const QJsonObject& json = databarJson())
{
    Connector c;
    c.vendor = Vendor::Databar;
    c.profileName = "p";
    c.id = QString::number(json.value("id").toInteger());
    c.displayName = json.value("name").toString();
    c.type = json.value("type").toString();
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.key() == "id" || it.key() == "created_at")
            c.readOnly.insert(it.key(), it.value());
        else
            c.editable.insert(it.key(), it.value());
    }
    for (int i = 0; i < json.value("headers").toArray().size(); ++i)
        c.secretPaths << QStringLiteral("/headers/%1/value").arg(i);
    return c;
}

Connector bigdataConnector(bool email = true)
{
    const QJsonObject json = bigdataJson(email);
    Connector c;
    c.vendor = Vendor::Bigdata;
    c.profileName = "p";
    c.id = json.value("connector_id").toString();
    c.displayName = json.value("label").toString();
    c.type = json.value("type").toString();
    c.updatedAt = json.value("updated_at").toString();
    c.editable = QJsonObject{{"label", json.value("label")},
                             {"description", json.value("description")},
                             {"share_with_org", json.value("share_with_org")}};
    if (email)
        c.editable.insert("config",
                          QJsonObject{{"allowed_emails", json.value("config")["allowed_emails"]}});
    c.readOnly = json;
    for (const char* key : {"label", "description", "share_with_org"})
        c.readOnly.remove(key);
    return c;
}

Connector connectorFor(Vendor v)
{
    switch (v) {
    case Vendor::Timbal:
        return timbalConnector();
    case Vendor::AiSquared:
        return aisquaredConnector();
    case Vendor::B3os:
        return b3osConnector();
    case Vendor::Databar:
        return databarConnector();
    case Vendor::Bigdata:
        return bigdataConnector();
    }
    return {};
}

// Exposes the services' protected mapping to compare the hand-built connectors with it.
template <typename Service> struct Mapping : Service
{
    using Service::Service;
    using Service::toConnector;
};

template <typename T> T* child(QWidget* parent, const QString& name)
{
    T* w = parent->findChild<T*>(name);
    if (!w)
        qWarning("no child %s", qPrintable(name));
    return w;
}

bool hasProblemMark(QWidget* w)
{
    return w && w->property("problem").toBool();
}

void clickCheckBox(QCheckBox* box)
{
    QStyleOptionButton option;
    option.initFrom(box);
    const QRect indicator =
        box->style()->subElementRect(QStyle::SE_CheckBoxIndicator, &option, box);
    QTest::mouseClick(box, Qt::LeftButton, Qt::NoModifier, indicator.center());
}

// Selects `index` of a combo by keyboard, as a user would.
void chooseByKeyboard(QComboBox* combo, int index)
{
    combo->setFocus();
    while (combo->currentIndex() < index)
        QTest::keyClick(combo, Qt::Key_Down);
    while (combo->currentIndex() > index)
        QTest::keyClick(combo, Qt::Key_Up);
}

void replaceText(QLineEdit* edit, const QString& text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
}

void replaceText(QPlainTextEdit* edit, const QString& text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(edit, Qt::Key_Return); // keyClicks takes no line breaks
        QTest::keyClicks(edit, lines.at(i));
    }
}

bool hasProblemAt(const ConnectorForm& form, const QString& path, const QString& contains = {})
{
    for (const FieldProblem& p : form.problems()) {
        if (p.path == path && p.message.contains(contains))
            return true;
    }
    return false;
}

} // namespace

class TestVendorForms : public QObject
{
    Q_OBJECT

    std::unique_ptr<ConnectorForm> makeForm(const Connector& connector)
    {
        auto form = createConnectorForm(connector.vendor);
        form->resize(680, 900);
        form->setConnector(connector);
        form->show();
        return form;
    }

private slots:
    // ---------------------------------------------------------------- SchemaValidator
    void schemaLoadsForEveryVendor_data()
    {
        QTest::addColumn<Vendor>("vendor");
        for (Vendor v : allVendors())
            QTest::newRow(qPrintable(vendorId(v))) << v;
    }
    void schemaLoadsForEveryVendor()
    {
        QFETCH(Vendor, vendor);
        const SchemaValidator validator = SchemaValidator::forVendor(vendor);
        QVERIFY2(validator.isLoaded(), qPrintable(validator.errorString()));
        QCOMPARE(validator.schema().value("$schema").toString(),
                 QStringLiteral("http://json-schema.org/draft-07/schema#"));
    }

    void schemaAcceptsWhatTheServicesProduce_data()
    {
        QTest::addColumn<Vendor>("vendor");
        for (Vendor v : allVendors())
            QTest::newRow(qPrintable(vendorId(v))) << v;
    }
    void schemaAcceptsWhatTheServicesProduce()
    {
        QFETCH(Vendor, vendor);
        const QList<FieldProblem> problems =
            SchemaValidator::forVendor(vendor).validate(connectorFor(vendor).editable);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.isEmpty() ? QString()
                                                                   : problems.first().path + ": " +
                                                                         problems.first().message));
    }

    void schemaProblems_data()
    {
        QTest::addColumn<Vendor>("vendor");
        QTest::addColumn<QJsonObject>("document");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("count"); // -1: any number of problems

        const QJsonObject db = databarConnector().editable;
        auto with = [](QJsonObject o, const QString& key, const QJsonValue& v) {
            if (v.isUndefined())
                o.remove(key);
            else
                o.insert(key, v);
            return o;
        };
        QTest::newRow("databar name too long")
            << Vendor::Databar << with(db, "name", QString(300, 'n')) << "/name"
            << "must be at most 256 characters (now 300)" << 1;
        QTest::newRow("databar url missing")
            << Vendor::Databar << with(db, "url", QJsonValue::Undefined) << "/url"
            << "is required" << 1;
        QTest::newRow("databar url empty")
            << Vendor::Databar << with(db, "url", QString()) << "/url"
            << "must not be empty" << 1;
        QTest::newRow("databar rate_limit 0 (no type noise)")
            << Vendor::Databar << with(db, "rate_limit", 0) << "/rate_limit"
            << "must be at least 1" << 1;
        QTest::newRow("databar rate_limit text")
            << Vendor::Databar << with(db, "rate_limit", "ten") << "/rate_limit"
            << "must be a whole number or empty (null)" << 1;
        QTest::newRow("databar rate_limit fraction")
            << Vendor::Databar << with(db, "max_concurrency", 1.5) << "/max_concurrency"
            << "must be a whole number or empty (null)" << 1;
        QTest::newRow("databar method outside enum")
            << Vendor::Databar << with(db, "method", "delete") << "/method"
            << "must be one of: get, post, put, patch" << 1;
        QTest::newRow("databar body_template too long")
            << Vendor::Databar << with(db, "body_template", QString(2049, 'x')) << "/body_template"
            << "must be at most 2048 characters (now 2049)" << 1;
        QTest::newRow("databar header without name")
            << Vendor::Databar << with(db, "headers", QJsonArray{QJsonObject{{"value", "v"}}})
            << "/headers/0/name"
            << "is required" << 1;
        QTest::newRow("databar header value not text")
            << Vendor::Databar
            << with(db, "headers", QJsonArray{QJsonObject{{"name", "a"}, {"value", 3}}})
            << "/headers/0/value"
            << "must be text" << 1;
        QTest::newRow("databar field it does not have")
            << Vendor::Databar << with(db, "id", 7) << "/id"
            << "is not a field this vendor accepts" << 1;
        const QJsonObject ai = aisquaredConnector().editable;
        QTest::newRow("aisquared connector_type")
            << Vendor::AiSquared << with(ai, "connector_type", "sink") << "/connector_type"
            << "must be one of: source, destination" << 1;
        QTest::newRow("aisquared configuration not an object")
            << Vendor::AiSquared << with(ai, "configuration", "host=x") << "/configuration"
            << "must be a JSON object" << 1;
        QTest::newRow("b3os data array")
            << Vendor::B3os << QJsonObject{{"name", "n"}, {"data", QJsonArray{}}} << "/data"
            << "must be a JSON object" << 1;
        const QJsonObject bd = bigdataConnector().editable;
        QTest::newRow("bigdata label blank")
            << Vendor::Bigdata << with(bd, "label", "   ") << "/label"
            << "is required (not only spaces)" << 1;
        QTest::newRow("bigdata label missing")
            << Vendor::Bigdata << with(bd, "label", QJsonValue::Undefined) << "/label"
            << "is required" << 1;
        QTest::newRow("bigdata invalid email (no config type noise)")
            << Vendor::Bigdata
            << with(bd, "config",
                    QJsonObject{{"allowed_emails", QJsonArray{"a@b.com", "not an email"}}})
            << "/config/allowed_emails/1"
            << "is not a valid email address" << 1;
        QTest::newRow("bigdata duplicate email")
            << Vendor::Bigdata
            << with(bd, "config", QJsonObject{{"allowed_emails", QJsonArray{"a@b.com", "a@b.com"}}})
            << "/config/allowed_emails/1"
            << "repeats entry 1" << 1;
        QTest::newRow("bigdata share_with_org not boolean")
            << Vendor::Bigdata << with(bd, "share_with_org", "yes") << "/share_with_org"
            << "must be true or false" << 1;
        QTest::newRow("timbal has nothing to edit")
            << Vendor::Timbal << QJsonObject{{"version", "0.1.3"}} << "/version"
            << "is not a field this vendor accepts" << 1;
    }
    void schemaProblems()
    {
        QFETCH(Vendor, vendor);
        QFETCH(QJsonObject, document);
        QFETCH(QString, path);
        QFETCH(QString, message);
        QFETCH(int, count);
        const QList<FieldProblem> problems = SchemaValidator::forVendor(vendor).validate(document);
        QStringList seen;
        for (const FieldProblem& p : problems)
            seen << p.path + " " + p.message;
        QVERIFY2(problems.contains(FieldProblem{path, message}), qPrintable(seen.join(" | ")));
        if (count >= 0)
            QVERIFY2(problems.size() == count, qPrintable(seen.join(" | ")));
    }

    void schemaContextToJsonPointer_data()
    {
        QTest::addColumn<QStringList>("context");
        QTest::addColumn<QString>("pointer");
        QTest::newRow("root") << QStringList{"<root>"} << QString();
        QTest::newRow("property") << QStringList{"<root>", "[name]"} << "/name";
        QTest::newRow("array item field")
            << QStringList{"<root>", "[headers]", "[0]", "[value]"} << "/headers/0/value";
        QTest::newRow("escaped") << QStringList{"<root>", "[a/b]", "[c~d]"} << "/a~1b/c~0d";
    }
    void schemaContextToJsonPointer()
    {
        QFETCH(QStringList, context);
        QFETCH(QString, pointer);
        std::vector<std::string> parts;
        for (const QString& s : context)
            parts.push_back(s.toStdString());
        QCOMPARE(SchemaValidator::toJsonPointer(parts), pointer);
    }

    void schemaValidatorReportsMissingSchema()
    {
        const SchemaValidator validator(QStringLiteral(":/schemas/nope.schema.json"));
        QVERIFY(!validator.isLoaded());
        QVERIFY(!validator.errorString().isEmpty());
        QCOMPARE(validator.validate(QJsonObject{}).size(), 1);
    }

    // ---------------------------------------------------------------- every form
    void handBuiltConnectorsMatchServiceMapping_data()
    {
        QTest::addColumn<Vendor>("vendor");
        for (Vendor v : allVendors())
            QTest::newRow(qPrintable(vendorId(v))) << v;
    }
    void handBuiltConnectorsMatchServiceMapping()
    {
        QFETCH(Vendor, vendor);
        HttpClient http;
        ConnectorProfile profile;
        profile.name = "p";
        profile.vendor = vendor;
        Connector mapped;
        switch (vendor) {
        case Vendor::Timbal:
            mapped = Mapping<TimbalService>(profile, &http).toConnector(timbalJson());
            break;
        case Vendor::AiSquared:
            mapped = Mapping<AiSquaredService>(profile, &http).toConnector(aisquaredJson());
            break;
        case Vendor::B3os:
            mapped = Mapping<B3osService>(profile, &http).toConnector(b3osJson());
            break;
        case Vendor::Databar:
            mapped = Mapping<DatabarService>(profile, &http).toConnector(databarJson());
            break;
        case Vendor::Bigdata:
            mapped = Mapping<BigdataService>(profile, &http).toConnector(bigdataJson());
            break;
        }
        const Connector byHand = connectorFor(vendor);
        QCOMPARE(mapped.editable, byHand.editable);
        QCOMPARE(mapped.readOnly, byHand.readOnly);
        QCOMPARE(mapped.secretPaths, byHand.secretPaths);
        QCOMPARE(mapped.id, byHand.id);
    }

    void factoryMakesTheVendorsForm_data()
    {
        QTest::addColumn<Vendor>("vendor");
        QTest::addColumn<QString>("className");
        QTest::newRow("timbal") << Vendor::Timbal << "ca::TimbalForm";
        QTest::newRow("aisquared") << Vendor::AiSquared << "ca::AiSquaredForm";
        QTest::newRow("b3os") << Vendor::B3os << "ca::B3osForm";
        QTest::newRow("databar") << Vendor::Databar << "ca::DatabarForm";
        QTest::newRow("bigdata") << Vendor::Bigdata << "ca::BigdataForm";
    }
    void factoryMakesTheVendorsForm()
    {
        QFETCH(Vendor, vendor);
        QFETCH(QString, className);
        auto form = createConnectorForm(vendor);
        QVERIFY(form);
        QCOMPARE(form->vendor(), vendor);
        QCOMPARE(QString::fromLatin1(form->metaObject()->className()), className);
    }

    void loadedFormIsUnmodifiedAndValid_data()
    {
        QTest::addColumn<Vendor>("vendor");
        for (Vendor v : allVendors())
            QTest::newRow(qPrintable(vendorId(v))) << v;
    }
    void loadedFormIsUnmodifiedAndValid()
    {
        QFETCH(Vendor, vendor);
        const Connector c = connectorFor(vendor);
        auto form = makeForm(c);
        QCOMPARE(form->editedDocument(), c.editable);
        QVERIFY(!form->isModified());
        QVERIFY(form->isValid());
        QVERIFY(form->problems().isEmpty());
        const auto* summary = form->findChild<QLabel*>("problemSummary"); // none on Timbal's
        QVERIFY(!summary || !summary->isVisible());
    }

    void everyInputIsNamedAndLabelled_data()
    {
        QTest::addColumn<Vendor>("vendor");
        for (Vendor v : allVendors())
            QTest::newRow(qPrintable(vendorId(v))) << v;
    }
    void everyInputIsNamedAndLabelled()
    {
        QFETCH(Vendor, vendor);
        auto form = makeForm(connectorFor(vendor));
        QList<QWidget*> inputs;
        for (QWidget* w : form->findChildren<QWidget*>()) {
            if (w->objectName().startsWith("qt_") || w->window() != form.get())
                continue; // Qt's own parts (the spin box's line edit, a combo's popup list)
            if (qobject_cast<QLineEdit*>(w) || qobject_cast<QComboBox*>(w) ||
                qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QAbstractButton*>(w) ||
                qobject_cast<QPlainTextEdit*>(w) || qobject_cast<QAbstractItemView*>(w))
                inputs << w;
        }
        QSet<QWidget*> buddies;
        for (QLabel* l : form->findChildren<QLabel*>()) {
            if (l->buddy())
                buddies << l->buddy();
        }
        for (QWidget* w : inputs) {
            if (qobject_cast<QAbstractButton*>(w) && w->parent() &&
                QByteArray(w->parent()->metaObject()->className()) == "QTableCornerButton")
                continue;
            if (QByteArray(w->metaObject()->className()) == "QTableCornerButton" ||
                qobject_cast<QHeaderView*>(w))
                continue; // parts of a table
            QVERIFY2(!w->objectName().isEmpty(), w->metaObject()->className());
            QVERIFY2(!w->accessibleName().isEmpty() || buddies.contains(w) ||
                         (w->parentWidget() && buddies.contains(w->parentWidget())),
                     qPrintable(w->objectName()));
        }
    }

    void tabOrderFollowsTheForm_data()
    {
        QTest::addColumn<Vendor>("vendor");
        QTest::addColumn<QStringList>("order");
        QTest::newRow("databar") << Vendor::Databar
                                 << QStringList{"nameEdit",           "typeCombo",
                                                "methodCombo",        "urlEdit",
                                                "headersTable",       "headersAddButton",
                                                "parametersTable",    "parametersAddButton",
                                                "bodyTable",          "bodyAddButton",
                                                "bodyTemplateEdit",   "rateLimitSpin",
                                                "rateLimitUnset",     "maxConcurrencySpin",
                                                "maxConcurrencyUnset"};
        QTest::newRow("aisquared") << Vendor::AiSquared
                                   << QStringList{"nameEdit", "connectorTypeCombo",
                                                  "connectorNameEdit", "configurationEdit"};
        QTest::newRow("b3os") << Vendor::B3os
                              << QStringList{"nameEdit", "descriptionEdit", "dataEdit"};
        QTest::newRow("bigdata") << Vendor::Bigdata
                                 << QStringList{"labelEdit", "descriptionEdit", "shareWithOrgCheck",
                                                "allowedEmailsList", "emailEdit"};
    }
    void tabOrderFollowsTheForm()
    {
        QFETCH(Vendor, vendor);
        QFETCH(QStringList, order);
        auto form = makeForm(connectorFor(vendor));
        QStringList seen;
        QWidget* w = form->findChild<QWidget*>(order.first());
        QVERIFY(w);
        for (int guard = 0; guard < 500 && seen.size() < order.size(); ++guard) {
            if (order.contains(w->objectName()) && !seen.contains(w->objectName()) &&
                w->isEnabled() && (w->focusPolicy() & Qt::TabFocus))
                seen << w->objectName();
            w = w->nextInFocusChain();
        }
        QCOMPARE(seen, order);
    }

    // ---------------------------------------------------------------- Databar
    void databarEditsReachTheDocument()
    {
        auto form = makeForm(databarConnector());
        QSignalSpy changed(form.get(), &ConnectorForm::changed);
        QTest::keyClicks(child<QLineEdit>(form.get(), "nameEdit"), " v2");
        auto* method = child<QComboBox>(form.get(), "methodCombo");
        chooseByKeyboard(method, method->findData("put"));
        auto* type = child<QComboBox>(form.get(), "typeCombo");
        chooseByKeyboard(type, type->findData("exporter"));
        replaceText(child<QLineEdit>(form.get(), "urlEdit"), "https://api.example.com/v2/score");
        QVERIFY(changed.count() > 0);
        const QJsonObject doc = form->editedDocument();
        QCOMPARE(doc.value("name").toString(), QStringLiteral("Score lookup v2"));
        QCOMPARE(doc.value("method").toString(), QStringLiteral("put"));
        QCOMPARE(doc.value("type").toString(), QStringLiteral("exporter"));
        QCOMPARE(doc.value("url").toString(), QStringLiteral("https://api.example.com/v2/score"));
        QCOMPARE(doc.value("headers"), databarConnector().editable.value("headers"));
        QVERIFY(form->isModified());
        QVERIFY(form->isValid());
    }

    void databarUndoingAnEditIsUnmodified()
    {
        auto form = makeForm(databarConnector());
        auto* name = child<QLineEdit>(form.get(), "nameEdit");
        QTest::keyClicks(name, "X");
        QVERIFY(form->isModified());
        QTest::keyClick(name, Qt::Key_Backspace);
        QVERIFY(!form->isModified());
    }

    void databarCombosOfferTheVendorsValues()
    {
        auto form = makeForm(databarConnector());
        QStringList types, methods;
        auto* type = child<QComboBox>(form.get(), "typeCombo");
        auto* method = child<QComboBox>(form.get(), "methodCombo");
        for (int i = 0; i < type->count(); ++i)
            types << type->itemData(i).toString();
        for (int i = 0; i < method->count(); ++i)
            methods << method->itemData(i).toString();
        QCOMPARE(types, (QStringList{"simple", "enrichment", "exporter"}));
        QCOMPARE(methods, (QStringList{"get", "post", "put", "patch"}));
    }

    void databarTypingStopsAtTheLengthLimit_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("limit");
        QTest::newRow("name") << "nameEdit" << 256;
        QTest::newRow("url") << "urlEdit" << 512;
    }
    void databarTypingStopsAtTheLengthLimit()
    {
        QFETCH(QString, field);
        QFETCH(int, limit);
        auto form = makeForm(databarConnector());
        auto* edit = child<QLineEdit>(form.get(), field);
        replaceText(edit, QString(limit + 20, 'a'));
        QCOMPARE(edit->text().size(), limit);
    }

    void databarStoredNameOverLimitIsShownWholeAndFlagged()
    {
        QJsonObject json = databarJson();
        json.insert("name", QString(300, 'n'));
        auto form = createConnectorForm(Vendor::Databar);
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        form->setConnector(databarConnector(json));
        form->show();
        auto* name = child<QLineEdit>(form.get(), "nameEdit");
        QCOMPARE(name->text().size(), 300); // never cut silently
        QCOMPARE(validity.count(), 1);
        QCOMPARE(validity.last().first().toBool(), false);
        QVERIFY(hasProblemMark(name));
        auto* message = child<QLabel>(form.get(), "nameProblem");
        QVERIFY(message->isVisible());
        QVERIFY2(message->text().contains("256"), qPrintable(message->text()));
        QCOMPARE(name->accessibleDescription(), message->text());
        QVERIFY(child<QLabel>(form.get(), "problemSummary")->text().contains("Name:"));
        // Fixing it returns to valid.
        name->setText(QString(256, 'n'));
        QCOMPARE(validity.count(), 2);
        QCOMPARE(validity.last().first().toBool(), true);
        QVERIFY(!hasProblemMark(name));
        QVERIFY(!message->isVisible());
        QCOMPARE(name->maxLength(), 256); // typing is held to the limit again
    }

    void databarEmptyUrlIsFlaggedAndFixed()
    {
        auto form = makeForm(databarConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        auto* url = child<QLineEdit>(form.get(), "urlEdit");
        replaceText(url, QString());
        QCOMPARE(validity.count(), 1);
        QCOMPARE(validity.last().first().toBool(), false);
        QVERIFY(hasProblemMark(url));
        QVERIFY(hasProblemAt(*form, "/url", "must not be empty"));
        QVERIFY(child<QLabel>(form.get(), "urlProblem")->isVisible());
        QTest::keyClicks(url, "https://api.example.com/v1/x");
        QCOMPARE(validity.last().first().toBool(), true);
        QVERIFY(!hasProblemMark(url));
    }

    void databarUrlMustBeHttp()
    {
        auto form = makeForm(databarConnector());
        replaceText(child<QLineEdit>(form.get(), "urlEdit"), "ftp://files.example.com/x");
        QVERIFY(hasProblemAt(*form, "/url", "http"));
        QVERIFY(!form->isValid());
    }

    void databarLimitUnsetMeansNull_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<QString>("key");
        QTest::newRow("rate_limit") << "rateLimit"
                                    << "rate_limit";
        QTest::newRow("max_concurrency") << "maxConcurrency"
                                         << "max_concurrency";
    }
    void databarLimitUnsetMeansNull()
    {
        QFETCH(QString, prefix);
        QFETCH(QString, key);
        auto form = makeForm(databarConnector());
        auto* spin = child<QSpinBox>(form.get(), prefix + "Spin");
        auto* unset = child<QCheckBox>(form.get(), prefix + "Unset");
        QVERIFY(!unset->isChecked());
        clickCheckBox(unset);
        QVERIFY(unset->isChecked());
        QVERIFY(!spin->isEnabled());
        QCOMPARE(form->editedDocument().value(key), QJsonValue(QJsonValue::Null));
        clickCheckBox(unset);
        QVERIFY(spin->isEnabled());
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, "3");
        QCOMPARE(form->editedDocument().value(key), QJsonValue(3));
    }

    void databarStoredNullLimitShowsUnset()
    {
        QJsonObject json = databarJson();
        json.insert("rate_limit", QJsonValue::Null);
        auto form = makeForm(databarConnector(json));
        QVERIFY(child<QCheckBox>(form.get(), "rateLimitUnset")->isChecked());
        QVERIFY(!form->isModified());
        QCOMPARE(form->editedDocument().value("rate_limit"), QJsonValue(QJsonValue::Null));
    }

    void databarLimitCannotBeZero()
    {
        auto form = makeForm(databarConnector());
        auto* spin = child<QSpinBox>(form.get(), "rateLimitSpin");
        QCOMPARE(spin->minimum(), 1);
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, "0");
        QTest::keyClick(spin, Qt::Key_Down);
        QVERIFY(spin->value() >= 1);
        QVERIFY(form->editedDocument().value("rate_limit").toInt() >= 1);
    }

    void databarStoredZeroLimitIsFlagged()
    {
        QJsonObject json = databarJson();
        json.insert("rate_limit", 0);
        auto form = makeForm(databarConnector(json));
        QCOMPARE(form->editedDocument().value("rate_limit"), QJsonValue(0));
        QVERIFY(hasProblemAt(*form, "/rate_limit", "must be at least 1"));
        QVERIFY(hasProblemMark(child<QSpinBox>(form.get(), "rateLimitSpin")));
    }

    void databarBodyTemplateCounterAndLimit()
    {
        auto form = makeForm(databarConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        auto* edit = child<QPlainTextEdit>(form.get(), "bodyTemplateEdit");
        auto* counter = child<QLabel>(form.get(), "bodyTemplateCounter");
        QCOMPARE(counter->text(), QStringLiteral("0 / 2048"));
        QTest::keyClicks(edit, "{\"q\": \"{{ domain }}\"}");
        QCOMPARE(counter->text(), QStringLiteral("21 / 2048"));
        QCOMPARE(form->editedDocument().value("body_template").toString(),
                 QStringLiteral("{\"q\": \"{{ domain }}\"}"));
        QVERIFY(form->isValid());
        edit->setPlainText(QString(2049, 'x'));
        QVERIFY(counter->text().startsWith("2049 / 2048"));
        QVERIFY(counter->property("overLimit").toBool());
        QCOMPARE(validity.last().first().toBool(), false);
        QVERIFY(hasProblemMark(edit));
        QVERIFY(child<QLabel>(form.get(), "bodyTemplateProblem")->text().contains("2048"));
        edit->moveCursor(QTextCursor::End);
        QTest::keyClick(edit, Qt::Key_Backspace);
        QVERIFY(!counter->property("overLimit").toBool());
        QCOMPARE(validity.last().first().toBool(), true);
    }

    void databarEmptyBodyTemplateIsNull()
    {
        auto form = makeForm(databarConnector());
        auto* edit = child<QPlainTextEdit>(form.get(), "bodyTemplateEdit");
        QTest::keyClicks(edit, "x");
        QTest::keyClick(edit, Qt::Key_Backspace);
        QCOMPARE(form->editedDocument().value("body_template"), QJsonValue(QJsonValue::Null));
        QVERIFY(!form->isModified());
    }

    void databarParameterRowsAddAndRemove()
    {
        auto form = makeForm(databarConnector());
        auto* table = child<QTableWidget>(form.get(), "parametersTable");
        QTest::mouseClick(child<QPushButton>(form.get(), "parametersAddButton"), Qt::LeftButton);
        QCOMPARE(table->rowCount(), 2);
        QVERIFY(hasProblemAt(*form, "/parameters/1/name", "needs a name"));
        QVERIFY(child<QLabel>(form.get(), "parametersProblem")->text().contains("Parameter 2"));
        table->item(1, 0)->setText("country");
        table->item(1, 1)->setText("DE");
        QVERIFY(form->isValid());
        QCOMPARE(form->editedDocument().value("parameters").toArray().at(1).toObject(),
                 (QJsonObject{{"name", "country"}, {"value", "DE"}}));
        table->setCurrentCell(0, 0);
        QTest::mouseClick(child<QPushButton>(form.get(), "parametersRemoveButton"), Qt::LeftButton);
        QCOMPARE(form->editedDocument().value("parameters").toArray(),
                 (QJsonArray{QJsonObject{{"name", "country"}, {"value", "DE"}}}));
    }

    void databarHeaderValueIsHiddenByDefault()
    {
        auto form = makeForm(databarConnector());
        auto* table = child<QTableWidget>(form.get(), "headersTable");
        auto* field = qobject_cast<SecretField*>(table->cellWidget(0, 1));
        QVERIFY(field);
        QCOMPARE(field->state(), SecretField::State::Keep);
        QCOMPARE(field->valueEdit()->text(), QString()); // the stored value is not in any widget
        QVERIFY(!field->valueEdit()->isEnabled());
        QCOMPARE(field->valueEdit()->echoMode(), QLineEdit::Password);
        for (const QLineEdit* e : form->findChildren<QLineEdit*>())
            QVERIFY(!e->text().contains("sk_live"));
    }

    void databarHeaderSecretStates_data()
    {
        QTest::addColumn<int>("stateIndex"); // combo row: 0 keep, 1 replace, 2 clear
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("valid");
        QTest::newRow("keep") << 0 << QString() << "Bearer sk_live_123" << true;
        QTest::newRow("replace") << 1 << "Bearer sk_live_456"
                                 << "Bearer sk_live_456" << true;
        QTest::newRow("clear") << 2 << QString() << QString() << true;
        QTest::newRow("replace with the mask") << 1 << kMask << "Bearer sk_live_123" << false;
        QTest::newRow("replace with nothing") << 1 << QString() << "Bearer sk_live_123" << false;
    }
    void databarHeaderSecretStates()
    {
        QFETCH(int, stateIndex);
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        QFETCH(bool, valid);
        auto form = makeForm(databarConnector());
        auto* field = qobject_cast<SecretField*>(
            child<QTableWidget>(form.get(), "headersTable")->cellWidget(0, 1));
        chooseByKeyboard(field->findChild<QComboBox*>("secretState"), stateIndex);
        auto* edit = field->findChild<QLineEdit*>("secretEdit");
        if (!typed.isEmpty())
            QTest::keyClicks(edit, typed);
        const QJsonValue value = form->editedDocument().value("headers")[0]["value"];
        QCOMPARE(value.toString(), expected);
        QVERIFY(value.toString() != kMask);
        QCOMPARE(form->isValid(), valid);
        if (!valid) {
            QVERIFY(hasProblemMark(edit));
            QVERIFY(child<QLabel>(form.get(), "headersProblem")->text().contains("Header 1 value"));
        }
    }

    void databarNewHeaderTakesItsValueDirectly()
    {
        auto form = makeForm(databarConnector());
        auto* table = child<QTableWidget>(form.get(), "headersTable");
        QTest::mouseClick(child<QPushButton>(form.get(), "headersAddButton"), Qt::LeftButton);
        table->item(2, 0)->setText("X-Api-Key");
        auto* field = qobject_cast<SecretField*>(table->cellWidget(2, 1));
        QVERIFY(!field->stateCombo()->isVisible());
        QCOMPARE(field->valueEdit()->echoMode(), QLineEdit::Password);
        QTest::keyClicks(field->valueEdit(), "k-1");
        QCOMPARE(form->editedDocument().value("headers")[2].toObject(),
                 (QJsonObject{{"name", "X-Api-Key"}, {"value", "k-1"}}));
        QVERIFY(form->isValid());
    }

    void databarServerErrorIsShownAtTheFieldUntilEdited()
    {
        auto form = makeForm(databarConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        form->showServerErrors({{"/rate_limit", "Input should be greater than or equal to 1"}});
        auto* spin = child<QSpinBox>(form.get(), "rateLimitSpin");
        auto* message = child<QLabel>(form.get(), "rateLimitProblem");
        QVERIFY(message->isVisible());
        QVERIFY(message->text().contains("Input should be greater than or equal to 1"));
        QVERIFY(hasProblemMark(spin));
        QCOMPARE(validity.last().first().toBool(), false);
        QCOMPARE(form->fieldLabel("/rate_limit"), QStringLiteral("Rate limit"));
        spin->setValue(4);
        QVERIFY(!message->isVisible());
        QCOMPARE(validity.last().first().toBool(), true);
    }

    void serverErrorBelowAListIsShownAtTheList()
    {
        auto form = makeForm(databarConnector());
        form->showServerErrors({{"/headers/1/name", "String should have at most 256 characters"}});
        const QString text = child<QLabel>(form.get(), "headersProblem")->text();
        QVERIFY2(text.contains("Header 2 name") && text.contains("at most 256"), qPrintable(text));
        QVERIFY(hasProblemMark(child<QTableWidget>(form.get(), "headersTable")));
        form->setConnector(databarConnector()); // a reload forgets them
        QVERIFY(form->isValid());
    }

    // ---------------------------------------------------------------- AI Squared
    void aisquaredSecretsStayOutOfTheJsonText()
    {
        auto form = makeForm(aisquaredConnector());
        const QString text = child<QPlainTextEdit>(form.get(), "configurationEdit")->toPlainText();
        QVERIFY(text.contains("db.example.com"));
        QVERIFY(!text.contains("password"));
        QVERIFY(!text.contains("private_key"));
        QVERIFY(!text.contains("*****"));
        QVERIFY(child<SecretField>(form.get(), "secret_password"));
        QVERIFY(child<SecretField>(form.get(), "secret_ssl.private_key"));
    }

    void aisquaredRenameKeepsTheConfiguration()
    {
        auto form = makeForm(aisquaredConnector());
        QTest::keyClicks(child<QLineEdit>(form.get(), "nameEdit"), " (prod)");
        const QJsonObject doc = form->editedDocument();
        QCOMPARE(doc.value("name").toString(), QStringLiteral("Warehouse (prod)"));
        QCOMPARE(doc.value("configuration"), aisquaredConnector().editable.value("configuration"));
        QCOMPARE(doc.value("connector_name").toString(), QStringLiteral("Postgresql"));
        QVERIFY(form->isModified());
        QVERIFY(form->isValid());
    }

    void aisquaredConnectorKindIsReadOnly()
    {
        auto form = makeForm(aisquaredConnector());
        auto* edit = child<QLineEdit>(form.get(), "connectorNameEdit");
        QVERIFY(edit->isReadOnly());
        QTest::keyClicks(edit, "Mysql");
        QCOMPARE(form->editedDocument().value("connector_name").toString(),
                 QStringLiteral("Postgresql"));
    }

    void aisquaredConnectorTypeCombo()
    {
        auto form = makeForm(aisquaredConnector());
        auto* combo = child<QComboBox>(form.get(), "connectorTypeCombo");
        chooseByKeyboard(combo, combo->findData("destination"));
        QCOMPARE(form->editedDocument().value("connector_type").toString(),
                 QStringLiteral("destination"));
    }

    void aisquaredSecretStates_data()
    {
        QTest::addColumn<int>("stateIndex");
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected");
        QTest::newRow("keep") << 0 << QString() << kMask;
        QTest::newRow("replace") << 1 << "s3cret"
                                 << "s3cret";
        QTest::newRow("clear") << 2 << QString() << QString();
    }
    void aisquaredSecretStates()
    {
        QFETCH(int, stateIndex);
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        auto form = makeForm(aisquaredConnector());
        auto* field = child<SecretField>(form.get(), "secret_password");
        chooseByKeyboard(field->findChild<QComboBox*>("secretState"), stateIndex);
        if (!typed.isEmpty())
            QTest::keyClicks(field->findChild<QLineEdit*>("secretEdit"), typed);
        const QJsonObject config = form->editedDocument().value("configuration").toObject();
        QCOMPARE(config.value("password").toString(), expected);
        QCOMPARE(config.value("ssl")["private_key"].toString(), kMask); // the other one kept
        QCOMPARE(config.value("host").toString(), QStringLiteral("db.example.com"));
    }

    void aisquaredConfigurationChangeNeedsEverySecret()
    {
        auto form = makeForm(aisquaredConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        auto* edit = child<QPlainTextEdit>(form.get(), "configurationEdit");
        edit->setPlainText(edit->toPlainText().replace("5432", "6543"));
        QCOMPARE(validity.last().first().toBool(), false);
        QVERIFY(hasProblemAt(*form, "/configuration/password",
                             "re-enter password or keep configuration unchanged"));
        QVERIFY(hasProblemAt(*form, "/configuration/ssl/private_key", "re-enter ssl.private_key"));
        QVERIFY(child<QLabel>(form.get(), "secretProblem_password")->isVisible());
        QVERIFY(hasProblemMark(child<SecretField>(form.get(), "secret_password")->valueEdit()));
        for (const char* name : {"secret_password", "secret_ssl.private_key"}) {
            auto* field = child<SecretField>(form.get(), name);
            chooseByKeyboard(field->stateCombo(), 1);
            QTest::keyClicks(field->valueEdit(), QStringLiteral("new-%1").arg(name));
        }
        QCOMPARE(validity.last().first().toBool(), true);
        const QJsonObject config = form->editedDocument().value("configuration").toObject();
        QCOMPARE(config.value("port").toInt(), 6543);
        QCOMPARE(config.value("password").toString(), QStringLiteral("new-secret_password"));
        QCOMPARE(config.value("ssl")["private_key"].toString(),
                 QStringLiteral("new-secret_ssl.private_key"));
        QCOMPARE(config.value("ssl")["mode"].toString(), QStringLiteral("require"));
    }

    void aisquaredMaskIsNeverAReplacement()
    {
        auto form = makeForm(aisquaredConnector());
        auto* field = child<SecretField>(form.get(), "secret_password");
        chooseByKeyboard(field->stateCombo(), 1);
        QTest::keyClicks(field->valueEdit(), kMask);
        QVERIFY(!form->isValid());
        QVERIFY(hasProblemAt(*form, "/configuration/password", "mask"));
        // What the document carries is the stored value, not a "replacement" by the mask...
        QCOMPARE(field->value(), field->storedValue());
        // ...and a mask typed into the JSON text is refused as well.
        auto* edit = child<QPlainTextEdit>(form.get(), "configurationEdit");
        edit->setPlainText(edit->toPlainText().replace("\"etl\"", "\"" + kMask + "\""));
        QVERIFY(hasProblemAt(*form, "/configuration/username", "mask"));
    }

    void aisquaredSecretTypedIntoTheTextIsFlagged()
    {
        auto form = makeForm(aisquaredConnector());
        auto* edit = child<QPlainTextEdit>(form.get(), "configurationEdit");
        edit->setPlainText(
            edit->toPlainText().replace("\"host\"", "\"password\": \"x\", \"host\""));
        QVERIFY(hasProblemAt(*form, "/configuration/password", "row below"));
    }

    void aisquaredInvalidJsonShowsLineAndColumn()
    {
        auto form = makeForm(aisquaredConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        auto* edit = child<QPlainTextEdit>(form.get(), "configurationEdit");
        replaceText(edit, "{\n  \"host\": \"db\",\n  \"port\" 5432\n}");
        QCOMPARE(validity.last().first().toBool(), false);
        QVERIFY(hasProblemMark(edit));
        const QString message = child<QLabel>(form.get(), "configurationProblem")->text();
        QVERIFY2(message.contains("line 3, column", Qt::CaseInsensitive), qPrintable(message));
        QVERIFY(child<QLabel>(form.get(), "configurationStatus")->text().contains("line 3"));
        // While the text does not parse, the stored configuration stands.
        QCOMPARE(form->editedDocument().value("configuration"),
                 aisquaredConnector().editable.value("configuration"));
        edit->setPlainText(
            jsonEditorTextFor(QJsonObject{{"host", "db.example.com"},
                                          {"port", 5432},
                                          {"username", "etl"},
                                          {"ssl", QJsonObject{{"mode", "require"}}}}));
        QCOMPARE(validity.last().first().toBool(), true);
        QVERIFY(!form->isModified());
    }

    // ---------------------------------------------------------------- B3OS
    void b3osDataStartsEmptyAndIsLeftOut()
    {
        auto form = makeForm(b3osConnector());
        QCOMPARE(child<QPlainTextEdit>(form.get(), "dataEdit")->toPlainText(), QString());
        QVERIFY(child<QLabel>(form.get(), "dataNote")->text().contains("Leave this empty"));
        QVERIFY(!form->editedDocument().contains("data"));
        QVERIFY(child<QLabel>(form.get(), "fact_maskedData")->text().contains("****abcd"));
        auto* description = child<QPlainTextEdit>(form.get(), "descriptionEdit");
        description->moveCursor(QTextCursor::End);
        QTest::keyClicks(description, " and #dev");
        QCOMPARE(form->editedDocument(),
                 (QJsonObject{{"name", "Slack alerts"},
                              {"description", "Posts alerts to #ops and #dev"}}));
    }

    void b3osNewDataReplacesTheStoredData()
    {
        auto form = makeForm(b3osConnector());
        QTest::keyClicks(child<QPlainTextEdit>(form.get(), "dataEdit"),
                         "{\"apiKey\": \"xoxb-1\", \"channel\": \"#ops\"}");
        QCOMPARE(form->editedDocument().value("data").toObject(),
                 (QJsonObject{{"apiKey", "xoxb-1"}, {"channel", "#ops"}}));
        QVERIFY(form->isModified());
        QVERIFY(form->isValid());
    }

    void b3osInvalidDataIsFlagged_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::newRow("syntax") << "{\"apiKey\": }"
                                << "/data"
                                << "line 1, column";
        QTest::newRow("not an object") << "[1, 2]"
                                       << "/data"
                                       << "complete data object";
        QTest::newRow("masked value copied back") << "{\"apiKey\": \"****abcd\"}"
                                                  << "/data/apiKey"
                                                  << "masked display value";
    }
    void b3osInvalidDataIsFlagged()
    {
        QFETCH(QString, typed);
        QFETCH(QString, path);
        QFETCH(QString, message);
        auto form = makeForm(b3osConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        auto* edit = child<QPlainTextEdit>(form.get(), "dataEdit");
        QTest::keyClicks(edit, typed);
        QVERIFY(hasProblemAt(*form, path, message));
        QVERIFY(hasProblemMark(edit));
        QVERIFY(child<QLabel>(form.get(), "dataProblem")->isVisible());
        QCOMPARE(validity.last().first().toBool(), false);
        edit->clear(); // empty again: keep the stored data
        QCOMPARE(validity.last().first().toBool(), true);
        QVERIFY(!form->editedDocument().contains("data"));
    }

    // ---------------------------------------------------------------- Bigdata
    void bigdataEditsReachTheDocument()
    {
        auto form = makeForm(bigdataConnector());
        QTest::keyClicks(child<QLineEdit>(form.get(), "labelEdit"), " (EU)");
        clickCheckBox(child<QCheckBox>(form.get(), "shareWithOrgCheck"));
        const QJsonObject doc = form->editedDocument();
        QCOMPARE(doc.value("label").toString(),
                 QStringLiteral("Broker Research - Daily Reports (EU)"));
        QCOMPARE(doc.value("share_with_org").toBool(), true);
        QCOMPARE(doc.value("description").toString(), QStringLiteral("Daily reports"));
        QVERIFY(form->isModified());
    }

    void bigdataAllowedEmailsAddAndRemove()
    {
        auto form = makeForm(bigdataConnector());
        auto* add = child<QPushButton>(form.get(), "addEmailButton");
        QVERIFY(!add->isEnabled());
        QTest::keyClicks(child<QLineEdit>(form.get(), "emailEdit"), "ops@bigdata.com");
        QVERIFY(add->isEnabled());
        QTest::mouseClick(add, Qt::LeftButton);
        QCOMPARE(child<QLineEdit>(form.get(), "emailEdit")->text(), QString());
        QCOMPARE(form->editedDocument().value("config")["allowed_emails"].toArray(),
                 (QJsonArray{"user1@bigdata.com", "user2@bigdata.com", "ops@bigdata.com"}));
        auto* list = child<QListWidget>(form.get(), "allowedEmailsList");
        list->setCurrentRow(0);
        QTest::mouseClick(child<QPushButton>(form.get(), "removeEmailButton"), Qt::LeftButton);
        QCOMPARE(form->editedDocument().value("config")["allowed_emails"].toArray(),
                 (QJsonArray{"user2@bigdata.com", "ops@bigdata.com"}));
        QVERIFY(form->isValid());
    }

    void bigdataBadAddressesAreFlagged_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("message");
        QTest::newRow("not an email") << "not-an-email"
                                      << "Address 3: is not a valid email address";
        QTest::newRow("duplicate, other case") << "USER1@bigdata.com"
                                               << "Address 3: repeats entry 1";
    }
    void bigdataBadAddressesAreFlagged()
    {
        QFETCH(QString, typed);
        QFETCH(QString, message);
        auto form = makeForm(bigdataConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        auto* email = child<QLineEdit>(form.get(), "emailEdit");
        QTest::keyClicks(email, typed);
        QTest::keyClick(email, Qt::Key_Return);
        auto* list = child<QListWidget>(form.get(), "allowedEmailsList");
        QCOMPARE(list->count(), 3);
        QCOMPARE(validity.last().first().toBool(), false);
        QVERIFY(hasProblemMark(list));
        const QString shown = child<QLabel>(form.get(), "allowedEmailsProblem")->text();
        QVERIFY2(shown.contains(message), qPrintable(shown));
        QVERIFY(!list->item(2)->toolTip().isEmpty());
        list->item(2)->setText("ops@bigdata.com"); // edited in place
        QCOMPARE(validity.last().first().toBool(), true);
        QVERIFY(list->item(2)->toolTip().isEmpty());
    }

    void bigdataLabelIsRequired()
    {
        auto form = makeForm(bigdataConnector());
        QSignalSpy validity(form.get(), &ConnectorForm::validityChanged);
        auto* label = child<QLineEdit>(form.get(), "labelEdit");
        replaceText(label, QString());
        QCOMPARE(validity.last().first().toBool(), false);
        QVERIFY(hasProblemMark(label));
        QVERIFY(child<QLabel>(form.get(), "labelProblem")->isVisible());
        QVERIFY(child<QLabel>(form.get(), "problemSummary")->text().contains("Label:"));
        QTest::keyClicks(label, "   ");
        QVERIFY(hasProblemAt(*form, "/label", "not only spaces"));
        replaceText(label, "Daily");
        QCOMPARE(validity.last().first().toBool(), true);
        QVERIFY(!child<QLabel>(form.get(), "problemSummary")->isVisible());
    }

    void bigdataInvestmentResearchConfigIsReadOnly()
    {
        auto form = makeForm(bigdataConnector(false));
        QVERIFY(!child<QListWidget>(form.get(), "allowedEmailsList")->isVisible());
        auto* note = child<QLabel>(form.get(), "configNote");
        QVERIFY(note->isVisible());
        QVERIFY(note->text().contains("cannot be updated"));
        QVERIFY(child<QLabel>(form.get(), "fact_config.user_id")->text().contains("ravenpack"));
        QVERIFY(child<QLabel>(form.get(), "fact_files_count")->text() == "10");
        QTest::keyClicks(child<QLineEdit>(form.get(), "labelEdit"), "!");
        QVERIFY(!form->editedDocument().contains("config"));
    }

    void bigdataSharepointConfigIsReadOnly()
    {
        // docs.bigdata.com: a sharepoint connector's config is {} and cannot be updated.
        Connector c = bigdataConnector(false);
        c.type = QStringLiteral("sharepoint");
        c.readOnly.insert(QStringLiteral("type"), QStringLiteral("sharepoint"));
        c.readOnly.insert(QStringLiteral("config"), QJsonObject());
        auto form = makeForm(c);
        auto* note = child<QLabel>(form.get(), "configNote");
        QVERIFY(note->isVisible());
        QVERIFY2(note->text().contains("sharepoint connector cannot be changed here"),
                 qPrintable(note->text()));
        QVERIFY(!note->text().contains("broker"));
        QTest::keyClicks(child<QLineEdit>(form.get(), "labelEdit"), "!");
        QVERIFY(!form->editedDocument().contains("config"));
    }

    // ---------------------------------------------------------------- Timbal
    void timbalShowsStatusAndNothingToEdit()
    {
        auto form = makeForm(timbalConnector());
        QCOMPARE(child<QLabel>(form.get(), "versionValue")->text(), QStringLiteral("0.1.2"));
        // Both flags, each explained (timbal openapi.json ConnectorView).
        QCOMPARE(child<QLabel>(form.get(), "connectedValue")->text(), QStringLiteral("yes"));
        QVERIFY(child<QLabel>(form.get(), "onlineValue")->text().startsWith("no live connection"));
        QVERIFY(child<QLabel>(form.get(), "connectedValue")->toolTip().contains("survives"));
        QVERIFY(child<QLabel>(form.get(), "onlineValue")->toolTip().contains("right now"));
        QCOMPARE(child<QLabel>(form.get(), "platformValue")->text(),
                 QStringLiteral("linux / x86_64"));
        QVERIFY(!form->findChild<QLabel*>("pendingVersionValue"));
        QCOMPARE(child<QLabel>(form.get(), "fact_hostname")->text(),
                 QStringLiteral("edge-7.example.com"));
        QVERIFY(child<QLabel>(form.get(), "timbalNote")->text().contains("managed on the host"));
        QVERIFY(form->findChildren<QLineEdit*>().isEmpty());
        QVERIFY(form->findChildren<QPlainTextEdit*>().isEmpty());
        QCOMPARE(form->editedDocument(), QJsonObject());
        QVERIFY(!form->isModified());
    }

    // ---------------------------------------------------------------- looks
    // With CA_FORM_SCREENSHOT_DIR set, saves <dir>/form-<vendor>.png (plus the invalid state).
    void screenshots_data()
    {
        QTest::addColumn<Vendor>("vendor");
        for (Vendor v : allVendors())
            QTest::newRow(qPrintable(vendorId(v))) << v;
    }
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("CA_FORM_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set CA_FORM_SCREENSHOT_DIR to save screenshots");
        QFETCH(Vendor, vendor);
        auto form = createConnectorForm(vendor);
        form->setConnector(connectorFor(vendor));
        form->resize(680, form->sizeHint().height());
        form->show();
        QVERIFY(form->grab().save(QDir(dir).filePath("form-" + vendorId(vendor) + ".png")));
        if (vendor == Vendor::Databar) {
            child<QLineEdit>(form.get(), "urlEdit")->clear();
            child<QPlainTextEdit>(form.get(), "bodyTemplateEdit")->setPlainText(QString(2050, 'x'));
            form->showServerErrors({{"/rate_limit", "Input should be greater than or equal to 1"}});
            form->resize(680, form->sizeHint().height());
            QVERIFY(form->grab().save(QDir(dir).filePath("form-databar-invalid.png")));
        } else if (vendor == Vendor::AiSquared) {
            auto* edit = child<QPlainTextEdit>(form.get(), "configurationEdit");
            edit->setPlainText(edit->toPlainText().replace("5432,", "5433,,"));
            form->resize(680, form->sizeHint().height());
            QVERIFY(form->grab().save(QDir(dir).filePath("form-aisquared-invalid.png")));
            edit->setPlainText(edit->toPlainText().replace("5433,,", "5433,"));
            form->resize(680, form->sizeHint().height());
            QVERIFY(form->grab().save(QDir(dir).filePath("form-aisquared-secrets.png")));
        } else if (vendor == Vendor::Bigdata) {
            child<QLineEdit>(form.get(), "labelEdit")->clear();
            child<QLineEdit>(form.get(), "emailEdit")->setText("not-an-email");
            child<QPushButton>(form.get(), "addEmailButton")->click();
            form->resize(680, form->sizeHint().height());
            QVERIFY(form->grab().save(QDir(dir).filePath("form-bigdata-invalid.png")));
        }
    }

private:
    static QString jsonEditorTextFor(const QJsonObject& o)
    {
        return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    }
};

QTEST_MAIN(TestVendorForms)
#include "tst_vendor_forms.moc"
