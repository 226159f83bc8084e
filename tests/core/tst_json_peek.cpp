#include "JsonPeek.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace ca;

// peekTopLevelString must agree with QJsonDocument wherever it answers, and answer for the list
// pages vendors send (the early next-page request depends on it).
class TestJsonPeek : public QObject
{
    Q_OBJECT
private slots:
    void agreesWithFullParse_data();
    void agreesWithFullParse();
    void declinesWhatItCannotTell_data();
    void declinesWhatItCannotTell();
};

void TestJsonPeek::agreesWithFullParse_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    QTest::newRow("only member") << QByteArray(R"({"next_cursor":"abc"})") << "abc";
    QTest::newRow("after a page of objects")
        << QByteArray(R"({"connectors":[{"id":"c1","next_cursor":"inner","tags":["}",{"a":[]}]},)"
                      R"({"id":"c2\"}"}],"next_cursor":"p2"})")
        << "p2";
    QTest::newRow("before other members")
        << QByteArray(R"({"next_cursor":"first","connectors":[],"total":3})") << "first";
    QTest::newRow("whitespace everywhere")
        << QByteArray(" \n{ \"a\" : 1 ,\r\n\t\"next_cursor\"\t:\n\"x y\" , \"b\" : null } ")
        << "x y";
    QTest::newRow("scalars of every kind")
        << QByteArray(R"({"n":-1.5e3,"t":true,"f":false,"z":null,"next_cursor":"c"})") << "c";
    QTest::newRow("escaped value")
        << QByteArray(R"({"next_cursor":"a\"b\\c\u00e9\/d"})") << QStringLiteral("a\"b\\c\u00e9/d");
    QTest::newRow("non-ASCII value")
        << QByteArray("{\"next_cursor\":\"caf\xc3\xa9\"}") << QStringLiteral("caf\u00e9");
    QTest::newRow("repeated: the last wins")
        << QByteArray(R"({"next_cursor":"old","x":1,"next_cursor":"new"})") << "new";
    QTest::newRow("empty string") << QByteArray(R"({"next_cursor":""})") << "";
    QTest::newRow("nested key of the same name is not top level")
        << QByteArray(R"({"meta":{"next_cursor":"no"},"next_cursor":"yes"})") << "yes";
}

void TestJsonPeek::agreesWithFullParse()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const std::optional<QString> peeked = peekTopLevelString(json, "next_cursor");
    QVERIFY(peeked.has_value());
    QCOMPARE(*peeked, expected);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(doc.object().value(QLatin1String("next_cursor")).toString(), *peeked);
}

void TestJsonPeek::declinesWhatItCannotTell_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("absent") << QByteArray(R"({"connectors":[]})");
    QTest::newRow("null") << QByteArray(R"({"connectors":[],"next_cursor":null})");
    QTest::newRow("a number") << QByteArray(R"({"next_cursor":42})");
    QTest::newRow("an object") << QByteArray(R"({"next_cursor":{"v":"a"}})");
    QTest::newRow("repeated, last not a string")
        << QByteArray(R"({"next_cursor":"a","next_cursor":null})");
    QTest::newRow("only nested") << QByteArray(R"({"page":{"next_cursor":"a"}})");
    QTest::newRow("an array document") << QByteArray(R"([{"next_cursor":"a"}])");
    QTest::newRow("cut off after the value") << QByteArray(R"({"next_cursor":"a","connectors":[)");
    QTest::newRow("cut off in the value") << QByteArray(R"({"next_cursor":"ab)");
    QTest::newRow("missing closing brace") << QByteArray(R"({"next_cursor":"a")");
    QTest::newRow("escaped key") << QByteArray(R"({"next\u005fcursor":"a"})");
    QTest::newRow("missing colon") << QByteArray(R"({"next_cursor" "a"})");
    QTest::newRow("empty") << QByteArray();
}

void TestJsonPeek::declinesWhatItCannotTell()
{
    QFETCH(QByteArray, json);
    QCOMPARE(peekTopLevelString(json, "next_cursor"), std::optional<QString>());
}

QTEST_GUILESS_MAIN(TestJsonPeek)
#include "tst_json_peek.moc"
