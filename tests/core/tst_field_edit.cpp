// FieldEdit: one field path edited on one connector document, the core of a change set.
#include "FieldEdit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ca;
using Op = FieldEdit::Op;

namespace {

QJsonValue jsonValue(const QString& text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson('[' + text.toUtf8() + ']', &error);
    if (error.error != QJsonParseError::NoError || doc.array().size() != 1)
        qFatal("bad test JSON: %s (%s)", qPrintable(text), qPrintable(error.errorString()));
    return doc.array().at(0);
}

QJsonObject json(const QString& text)
{
    return jsonValue(text).toObject();
}

const char* emailConnector = R"({"label":"Ops alerts","description":"Mail to the on-call desk",
    "share_with_org":true,"config":{"allowed_emails":["a@x.com"]}})";

const char* databarHeaders = R"({"label":"Billing","headers":[
    {"name":"X-Api-Key","value":"old"},{"name":"Content-Type","value":"application/json"}]})";

FieldEdit parsed(const QString& path)
{
    QString error;
    const std::optional<FieldEdit> edit = FieldEdit::parse(path, &error);
    if (!edit)
        qFatal("cannot parse %s: %s", qPrintable(path), qPrintable(error));
    return *edit;
}

} // namespace

class TestFieldEdit : public QObject
{
    Q_OBJECT

private slots:
    void parseRejectsMalformedPaths_data();
    void parseRejectsMalformedPaths();
    void displayPathShowsSelectorsAsTheDiffDoes_data();
    void displayPathShowsSelectorsAsTheDiffDoes();

    void changingEditsReportWhatTheyWrote_data();
    void changingEditsReportWhatTheyWrote();
    void editsAlreadyInPlaceChangeNothing_data();
    void editsAlreadyInPlaceChangeNothing();
    void mismatchedPathsFailAndLeaveTheDocument_data();
    void mismatchedPathsFailAndLeaveTheDocument();

    void selectorSetLeavesOtherItemsInOrder();
    void appendRunTwiceAppendsOnce();
    void removeValueRemovesEveryEqualItem();
};

void TestFieldEdit::parseRejectsMalformedPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("error");
    QTest::newRow("no leading slash") << "headers/0"
                                      << "headers/0 is not a JSON pointer: it must start with /";
    QTest::newRow("empty") << ""
                           << " is not a JSON pointer: it must start with /";
    QTest::newRow("selector without key")
        << "/headers/[=X-Api-Key]/value"
        << "/headers/[=X-Api-Key]/value: [=X-Api-Key] needs a key";
    QTest::newRow("selector without =")
        << "/headers/[name]/value"
        << "/headers/[name]/value: [name] is not a selector: write [key=value]";
    QTest::newRow("unterminated selector")
        << "/headers/[name=X-Api-Key/value"
        << "/headers/[name=X-Api-Key/value: [name=X-Api-Key has no closing ]";
    QTest::newRow("- not last") << "/headers/-/value"
                                << "/headers/-/value: - can only be the last token";
    QTest::newRow("- alone") << "/-"
                             << "/-: - must follow the path of an array";
}

void TestFieldEdit::parseRejectsMalformedPaths()
{
    QFETCH(QString, path);
    QFETCH(QString, error);
    QString actual;
    QVERIFY(!FieldEdit::parse(path, &actual));
    QCOMPARE(actual, error);
}

void TestFieldEdit::displayPathShowsSelectorsAsTheDiffDoes_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("display");
    QTest::newRow("selector") << "/headers/[name=X-Api-Key]/value"
                              << "/headers[name=X-Api-Key]/value";
    QTest::newRow("append") << "/config/allowed_emails/-"
                            << "/config/allowed_emails/-";
    QTest::newRow("escaped / in a selector") << "/routes/[path=~1v1~1items]/cache"
                                             << "/routes[path=/v1/items]/cache";
    QTest::newRow("escaped member") << "/labels/team~1owner"
                                    << "/labels/team~1owner";
    QTest::newRow("index") << "/headers/1/name"
                           << "/headers/1/name";
}

void TestFieldEdit::displayPathShowsSelectorsAsTheDiffDoes()
{
    QFETCH(QString, path);
    QFETCH(QString, display);
    const FieldEdit edit = parsed(path);
    QCOMPARE(edit.path(), path);
    QCOMPARE(edit.displayPath(), display);
}

void TestFieldEdit::changingEditsReportWhatTheyWrote_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<Op>("op");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QStringList>("written");

    const QString email = QString::fromUtf8(emailConnector);
    const QString headers = QString::fromUtf8(databarHeaders);
    auto emailWith = [&](const char* member, const char* value) {
        QJsonObject o = json(email);
        o.insert(QString::fromUtf8(member), jsonValue(QString::fromUtf8(value)));
        return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    };
    auto emails = [](const char* list) {
        return QStringLiteral(R"({"label":"Ops alerts","description":"Mail to the on-call desk",
            "share_with_org":true,"config":{"allowed_emails":%1}})")
            .arg(QString::fromUtf8(list));
    };

    QTest::newRow("set existing member")
        << email << "/label" << Op::Set << R"("Astreinte ops – équipe")"
        << emailWith("label", R"("Astreinte ops – équipe")") << QStringList{"/label"};
    QTest::newRow("set new member")
        << email << "/owner" << Op::Set << R"("ops@example.com")"
        << emailWith("owner", R"("ops@example.com")") << QStringList{"/owner"};
    QTest::newRow("set new nested member")
        << email << "/config/reply_to" << Op::Set << R"("desk@x.com")"
        << R"({"label":"Ops alerts","description":"Mail to the on-call desk","share_with_org":true,
              "config":{"allowed_emails":["a@x.com"],"reply_to":"desk@x.com"}})"
        << QStringList{"/config/reply_to"};
    QTest::newRow("set by index")
        << headers << "/headers/1/value" << Op::Set << R"("text/plain")"
        << R"({"label":"Billing","headers":[{"name":"X-Api-Key","value":"old"},
              {"name":"Content-Type","value":"text/plain"}]})"
        << QStringList{"/headers/1/value"};
    QTest::newRow("set through number selector")
        << R"({"ports":[{"port":8080,"open":true},{"port":443,"open":true}]})"
        << "/ports/[port=443]/open" << Op::Set << "false"
        << R"({"ports":[{"port":8080,"open":true},{"port":443,"open":false}]})"
        << QStringList{"/ports/1/open"};
    QTest::newRow("large number selector")
        << R"({"accounts":[{"id":12345678,"role":"viewer"},{"id":1234567,"role":"viewer"}]})"
        << "/accounts/[id=12345678]/role" << Op::Set << R"("admin")"
        << R"({"accounts":[{"id":12345678,"role":"admin"},{"id":1234567,"role":"viewer"}]})"
        << QStringList{"/accounts/0/role"};
    QTest::newRow("selector value with escaped /")
        << R"({"routes":[{"path":"/v1","cache":true},{"path":"/v1/items","cache":true}]})"
        << "/routes/[path=~1v1~1items]/cache" << Op::Set << "false"
        << R"({"routes":[{"path":"/v1","cache":true},{"path":"/v1/items","cache":false}]})"
        << QStringList{"/routes/1/cache"};
    QTest::newRow("selector with unicode value")
        << R"({"headers":[{"name":"X-Équipe","value":"a"},{"name":"X-Team","value":"b"}]})"
        << "/headers/[name=X-Équipe]/value" << Op::Set << R"("café ☕")"
        << R"({"headers":[{"name":"X-Équipe","value":"café ☕"},{"name":"X-Team","value":"b"}]})"
        << QStringList{"/headers/0/value"};
    QTest::newRow("append to existing array")
        << email << "/config/allowed_emails" << Op::Append << R"("ops@example.com")"
        << emails(R"(["a@x.com","ops@example.com"])") << QStringList{"/config/allowed_emails/1"};
    QTest::newRow("set with - appends")
        << email << "/config/allowed_emails/-" << Op::Set << R"("jürgen@example.de")"
        << emails(R"(["a@x.com","jürgen@example.de"])") << QStringList{"/config/allowed_emails/1"};
    QTest::newRow("append creates a missing array")
        << email << "/config/blocked_emails/-" << Op::Append << R"("spam@x.com")"
        << R"({"label":"Ops alerts","description":"Mail to the on-call desk","share_with_org":true,
              "config":{"allowed_emails":["a@x.com"],"blocked_emails":["spam@x.com"]}})"
        << QStringList{"/config/blocked_emails/0"};
    QTest::newRow("append an object item")
        << headers << "/headers/-" << Op::Append << R"({"name":"X-Trace","value":"1"})"
        << R"({"label":"Billing","headers":[{"name":"X-Api-Key","value":"old"},
              {"name":"Content-Type","value":"application/json"},{"name":"X-Trace","value":"1"}]})"
        << QStringList{"/headers/2"};
    QTest::newRow("delete member") << email << "/description" << Op::Delete << ""
                                   << R"({"label":"Ops alerts","share_with_org":true,
                                         "config":{"allowed_emails":["a@x.com"]}})"
                                   << QStringList{};
    QTest::newRow("delete item by selector")
        << headers << "/headers/[name=X-Api-Key]" << Op::Delete << ""
        << R"({"label":"Billing","headers":[{"name":"Content-Type","value":"application/json"}]})"
        << QStringList{};
    QTest::newRow("delete item by index")
        << headers << "/headers/1" << Op::Delete << ""
        << R"({"label":"Billing","headers":[{"name":"X-Api-Key","value":"old"}]})" << QStringList{};
    QTest::newRow("remove value") << email << "/config/allowed_emails" << Op::RemoveValue
                                  << R"("a@x.com")" << emails("[]") << QStringList{};
}

void TestFieldEdit::changingEditsReportWhatTheyWrote()
{
    QFETCH(QString, document);
    QFETCH(QString, path);
    QFETCH(Op, op);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QFETCH(QStringList, written);

    QJsonObject doc = json(document);
    QString error;
    QStringList actualWritten{QStringLiteral("stale")};
    const QJsonValue v = value.isEmpty() ? QJsonValue(QJsonValue::Undefined) : jsonValue(value);
    QVERIFY2(parsed(path).apply(&doc, op, v, &error, &actualWritten), qPrintable(error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(doc, json(expected));
    QCOMPARE(actualWritten, written);
}

void TestFieldEdit::editsAlreadyInPlaceChangeNothing_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<Op>("op");
    QTest::addColumn<QString>("value");

    const QString email = QString::fromUtf8(emailConnector);
    const QString headers = QString::fromUtf8(databarHeaders);
    QTest::newRow("set to the same value") << email << "/share_with_org" << Op::Set << "true";
    QTest::newRow("set through selector to the same value")
        << headers << "/headers/[name=X-Api-Key]/value" << Op::Set << R"("old")";
    QTest::newRow("append a present item")
        << email << "/config/allowed_emails/-" << Op::Append << R"("a@x.com")";
    QTest::newRow("remove an absent value")
        << email << "/config/allowed_emails" << Op::RemoveValue << R"("zz@x.com")";
    QTest::newRow("remove from an absent array")
        << email << "/config/blocked_emails" << Op::RemoveValue << R"("zz@x.com")";
    QTest::newRow("delete an absent member") << email << "/owner" << Op::Delete << "";
    QTest::newRow("delete an unmatched item")
        << headers << "/headers/[name=X-Debug]" << Op::Delete << "";
    QTest::newRow("delete an index past the end") << headers << "/headers/7" << Op::Delete << "";
}

void TestFieldEdit::editsAlreadyInPlaceChangeNothing()
{
    QFETCH(QString, document);
    QFETCH(QString, path);
    QFETCH(Op, op);
    QFETCH(QString, value);

    QJsonObject doc = json(document);
    QString error;
    QStringList written{QStringLiteral("stale")};
    const QJsonValue v = value.isEmpty() ? QJsonValue(QJsonValue::Undefined) : jsonValue(value);
    QVERIFY(!parsed(path).apply(&doc, op, v, &error, &written));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(doc, json(document));
    QVERIFY(written.isEmpty());
}

void TestFieldEdit::mismatchedPathsFailAndLeaveTheDocument_data()
{
    QTest::addColumn<QString>("document");
    QTest::addColumn<QString>("path");
    QTest::addColumn<Op>("op");
    QTest::addColumn<QString>("error");

    const QString email = QString::fromUtf8(emailConnector);
    const QString headers = QString::fromUtf8(databarHeaders);
    const QString twoKeys = QStringLiteral(
        R"({"headers":[{"name":"X-Api-Key","value":"a"},{"name":"X-Api-Key","value":"b"}]})");
    QTest::newRow("selector matches nothing")
        << headers << "/headers/[name=X-Missing]/value" << Op::Set
        << "/headers has no item with name = X-Missing";
    QTest::newRow("selector matches two") << twoKeys << "/headers/[name=X-Api-Key]/value" << Op::Set
                                          << "/headers has 2 items with name = X-Api-Key";
    QTest::newRow("delete with ambiguous selector")
        << twoKeys << "/headers/[name=X-Api-Key]" << Op::Delete
        << "/headers has 2 items with name = X-Api-Key";
    QTest::newRow("selector on an object")
        << email << "/config/[name=x]/value" << Op::Set << "/config is not an array";
    QTest::newRow("index past the end")
        << headers << "/headers/5/value" << Op::Set << "/headers has no item 5";
    QTest::newRow("word on an array") << headers << "/headers/first/value" << Op::Set
                                      << "/headers is an array: first is not an index";
    QTest::newRow("missing parent")
        << email << "/config/smtp/host" << Op::Set << "/config/smtp does not exist";
    QTest::newRow("append under a missing parent")
        << email << "/settings/allowed_emails/-" << Op::Append << "/settings does not exist";
    QTest::newRow("through a scalar")
        << email << "/label/text" << Op::Set << "/label is not an object or array";
    QTest::newRow("append to a string")
        << email << "/label" << Op::Append << "/label is not an array";
    QTest::newRow("append with - to a string")
        << email << "/label/-" << Op::Append << "/label is not an array";
    QTest::newRow("append at a missing index")
        << headers << "/headers/4" << Op::Append << "/headers has no item 4";
    QTest::newRow("remove value from a string")
        << email << "/description" << Op::RemoveValue << "/description is not an array";
    QTest::newRow("delete with -") << email << "/config/allowed_emails/-" << Op::Delete
                                   << "/config/allowed_emails/-: - can only append";
}

void TestFieldEdit::mismatchedPathsFailAndLeaveTheDocument()
{
    QFETCH(QString, document);
    QFETCH(QString, path);
    QFETCH(Op, op);
    QFETCH(QString, error);

    QJsonObject doc = json(document);
    QString actual;
    QStringList written{QStringLiteral("stale")};
    QVERIFY(!parsed(path).apply(&doc, op, QJsonValue(QStringLiteral("new")), &actual, &written));
    QCOMPARE(actual, error);
    QCOMPARE(doc, json(document));
    QVERIFY(written.isEmpty());
}

void TestFieldEdit::selectorSetLeavesOtherItemsInOrder()
{
    QJsonObject doc = json(QString::fromUtf8(
        R"({"headers":[{"name":"Accept","value":"*/*"},{"name":"Content-Type","value":"text/csv"},
                       {"name":"X-Api-Key","value":"old","note":"rotated 2023"},
                       {"name":"X-Trace","value":"on"}]})"));
    const QJsonArray before = doc.value(QStringLiteral("headers")).toArray();
    QString error;
    QStringList written;
    QVERIFY(parsed(QStringLiteral("/headers/[name=X-Api-Key]/value"))
                .apply(&doc, Op::Set, QStringLiteral("s3cr3t-ключ"), &error, &written));
    QCOMPARE(written, QStringList{QStringLiteral("/headers/2/value")});
    const QJsonArray after = doc.value(QStringLiteral("headers")).toArray();
    QCOMPARE(after.size(), before.size());
    for (qsizetype i : {0, 1, 3})
        QCOMPARE(after.at(i), before.at(i));
    QCOMPARE(after.at(2),
             jsonValue(QString::fromUtf8(
                 R"({"name":"X-Api-Key","value":"s3cr3t-ключ","note":"rotated 2023"})")));
}

void TestFieldEdit::appendRunTwiceAppendsOnce()
{
    const FieldEdit edit = parsed(QStringLiteral("/config/allowed_emails/-"));
    QJsonObject doc = json(QString::fromUtf8(emailConnector));
    const QJsonValue address(QStringLiteral("ops@example.com"));
    QString error;
    QStringList written;
    QVERIFY(edit.apply(&doc, Op::Set, address, &error, &written));
    const QJsonObject once = doc;
    QVERIFY(!edit.apply(&doc, Op::Set, address, &error, &written));
    QVERIFY(error.isEmpty());
    QVERIFY(written.isEmpty());
    QCOMPARE(doc, once);
    QCOMPARE(doc.value(QStringLiteral("config")).toObject().value(QStringLiteral("allowed_emails")),
             jsonValue(QStringLiteral(R"(["a@x.com","ops@example.com"])")));
}

void TestFieldEdit::removeValueRemovesEveryEqualItem()
{
    QJsonObject doc = json(QStringLiteral(
        R"({"config":{"allowed_emails":["old@x.com","a@x.com","old@x.com","b@x.com","old@x.com"]}})"));
    QString error;
    QVERIFY(parsed(QStringLiteral("/config/allowed_emails"))
                .apply(&doc, Op::RemoveValue, QStringLiteral("old@x.com"), &error));
    QCOMPARE(doc, json(QStringLiteral(R"({"config":{"allowed_emails":["a@x.com","b@x.com"]}})")));
}

QTEST_MAIN(TestFieldEdit)
#include "tst_field_edit.moc"
