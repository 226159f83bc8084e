// ConnectorDiff: the structural diff behind the review dialog, `connectorctl diff` and the audit.
#include "ConnectorDiff.h"
#include "ConnectorService.h" // vendorDiffOptions: the vendors' secret rules

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace ca;

namespace {

QJsonObject json(const char* text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad test JSON: %s (%s)", text, qPrintable(error.errorString()));
    return doc.object();
}

// Named option sets, so that data tables stay readable.
DiffOptions options(const QString& name)
{
    if (name == QLatin1String("databar"))
        return vendorDiffOptions(Vendor::Databar);
    if (name == QLatin1String("bigdata"))
        return vendorDiffOptions(Vendor::Bigdata);
    if (name == QLatin1String("aisquared"))
        return vendorDiffOptions(Vendor::AiSquared);
    if (name == QLatin1String("b3os"))
        return vendorDiffOptions(Vendor::B3os);
    if (name == QLatin1String("secretKey")) {
        DiffOptions o;
        o.arrayKeys.insert(QStringLiteral("/tokens"), QStringLiteral("id"));
        o.secrets.addPaths({QStringLiteral("/tokens/*/id")});
        return o;
    }
    return {};
}

QStringList lines(const ConnectorDiff& diff)
{
    const QString text = diff.toText();
    return text.isEmpty() ? QStringList() : text.split(QLatin1Char('\n'));
}

QList<JsonPathToken> tokens(const QString& pointer)
{
    QList<JsonPathToken> path;
    if (pointer.isEmpty())
        return path;
    for (const QString& part : pointer.mid(1).split(QLatin1Char('/'))) {
        bool ok = false;
        const int index = part.toInt(&ok);
        path.append(ok ? JsonPathToken{QString(), index} : JsonPathToken{part, -1});
    }
    return path;
}

// Everything a diff lets out, as text: where a secret must never appear.
QString everythingShown(const ConnectorDiff& diff)
{
    QStringList out{diff.toText(), diff.summaryLine(),
                    QString::fromUtf8(QJsonDocument(diff.toJson()).toJson())};
    for (const DiffEntry& e : diff.entries()) {
        out << e.path << e.beforePointer << e.afterPointer
            << QString::fromUtf8(QJsonDocument(QJsonArray{e.before, e.after}).toJson());
    }
    for (const DiffRow& r : diff.sideBySide())
        out << r.path << r.beforeText << r.afterText;
    for (const ConnectorDiff::Fallback& f : diff.positionalFallbacks())
        out << f.path << f.reason;
    return out.join(QLatin1Char('\n'));
}

QJsonObject databarDocument(int parameters, int changed, int removed, int added)
{
    // ~100 bytes per parameter: 10'000 of them make a ~1 MB document.
    QJsonArray params;
    for (int i = 0; i < parameters; ++i) {
        if (i < removed)
            continue;
        const bool isChanged = i >= removed && i < removed + changed;
        params.append(QJsonObject{
            {QStringLiteral("name"), QStringLiteral("param-%1").arg(i, 5, 10, QLatin1Char('0'))},
            {QStringLiteral("value"),
             QStringLiteral("value of parameter %1, long enough to look like real data %2")
                 .arg(i)
                 .arg(isChanged ? QStringLiteral("(edited)") : QStringLiteral("........"))}});
    }
    for (int i = 0; i < added; ++i)
        params.append(
            QJsonObject{{QStringLiteral("name"), QStringLiteral("new-%1").arg(i)},
                        {QStringLiteral("value"), QStringLiteral("added parameter %1").arg(i)}});
    return QJsonObject{{QStringLiteral("name"), QStringLiteral("big")},
                       {QStringLiteral("method"), QStringLiteral("get")},
                       {QStringLiteral("parameters"), params}};
}

QJsonObject nestedDocument(int groups, int changed)
{
    QJsonObject root;
    for (int g = 0; g < groups; ++g) {
        QJsonObject group;
        for (int f = 0; f < 10; ++f)
            group.insert(QStringLiteral("field_%1").arg(f),
                         QStringLiteral("some moderately long value %1/%2").arg(g).arg(f));
        if (g < changed)
            group.insert(QStringLiteral("field_3"), QStringLiteral("edited %1").arg(g));
        root.insert(QStringLiteral("group_%1").arg(g, 5, 10, QLatin1Char('0')), group);
    }
    return root;
}

} // namespace

class ConnectorDiffTest : public QObject
{
    Q_OBJECT

private:
    void addTextColumns()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QStringList>("expected");
    }
    void compareText()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QStringList, expected);
        const ConnectorDiff diff(json(before), json(after), options(preset));
        QCOMPARE(lines(diff), expected);
    }

private slots:
    void objectChanges_data()
    {
        addTextColumns();
        QTest::newRow("scalar changed")
            << "" << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":1,"b":3})")
            << QStringList{"= 1 unchanged field", "~ /b: 2 → 3"};
        QTest::newRow("field added")
            << "" << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1,"b":"x"})")
            << QStringList{"= 1 unchanged field", R"(+ /b: "x")"};
        QTest::newRow("field removed")
            << "" << QByteArray(R"({"a":1,"b":true})") << QByteArray(R"({"a":1})")
            << QStringList{"= 1 unchanged field", "- /b: true"};
        QTest::newRow("nested objects")
            << "" << QByteArray(R"({"cfg":{"db":{"host":"h","port":5432},"name":"n"},"z":1})")
            << QByteArray(R"({"cfg":{"db":{"host":"h2","port":5432},"name":"n"},"z":1})")
            << QStringList{R"(~ /cfg/db/host: "h" → "h2")", "= /cfg/db: 1 unchanged field",
                           "= /cfg: 1 unchanged field", "= 1 unchanged field"};
        QTest::newRow("unchanged runs split by changes")
            << "" << QByteArray(R"({"a":1,"b":1,"c":1,"d":1,"e":1})")
            << QByteArray(R"({"a":1,"b":1,"c":2,"d":1,"e":1})")
            << QStringList{"= 2 unchanged fields", "~ /c: 1 → 2", "= 2 unchanged fields"};
        QTest::newRow("identical") << "" << QByteArray(R"({"a":{"b":[1,2]}})")
                                   << QByteArray(R"({"a":{"b":[1,2]}})") << QStringList{};
        QTest::newRow("slash and tilde in keys")
            << "" << QByteArray(R"({"a/b":1,"m~n":1})") << QByteArray(R"({"a/b":2,"m~n":3})")
            << QStringList{"~ /a~1b: 1 → 2", "~ /m~0n: 1 → 3"};
    }
    void objectChanges() { compareText(); }

    void typeChanges_data()
    {
        addTextColumns();
        QTest::newRow("number to string")
            << "" << QByteArray(R"({"v":60})") << QByteArray(R"({"v":"60"})")
            << QStringList{R"(~ /v: 60 → "60")"};
        QTest::newRow("object to array")
            << "" << QByteArray(R"({"v":{"a":1}})") << QByteArray(R"({"v":[1]})")
            << QStringList{R"(~ /v: {"a":1} → [1])"};
        QTest::newRow("array to object")
            << "" << QByteArray(R"({"v":[{"a":1}]})") << QByteArray(R"({"v":{"a":1}})")
            << QStringList{R"(~ /v: [{"a":1}] → {"a":1})"};
        QTest::newRow("bool to number")
            << "" << QByteArray(R"({"v":true})") << QByteArray(R"({"v":1})")
            << QStringList{"~ /v: true → 1"};
        QTest::newRow("string to null")
            << "" << QByteArray(R"({"v":"x"})") << QByteArray(R"({"v":null})")
            << QStringList{R"(~ /v: "x" → null)"};
    }
    void typeChanges() { compareText(); }

    void nullVersusMissing_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("text");
        QTest::newRow("missing to null") << QByteArray("{}") << QByteArray(R"({"v":null})")
                                         << int(DiffEntry::Kind::Added) << "+ /v: null";
        QTest::newRow("null to missing") << QByteArray(R"({"v":null})") << QByteArray("{}")
                                         << int(DiffEntry::Kind::Removed) << "- /v: null";
        QTest::newRow("null to value") << QByteArray(R"({"v":null})") << QByteArray(R"({"v":0})")
                                       << int(DiffEntry::Kind::Changed) << "~ /v: null → 0";
        QTest::newRow("value to null") << QByteArray(R"({"v":""})") << QByteArray(R"({"v":null})")
                                       << int(DiffEntry::Kind::Changed) << R"(~ /v: "" → null)";
    }
    void nullVersusMissing()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(int, kind);
        QFETCH(QString, text);
        const ConnectorDiff diff(json(before), json(after));
        QCOMPARE(diff.entries().size(), 1);
        const DiffEntry& e = diff.entries().first();
        QCOMPARE(int(e.kind), kind);
        QCOMPARE(e.before.isUndefined(), kind == int(DiffEntry::Kind::Added));
        QCOMPARE(e.after.isUndefined(), kind == int(DiffEntry::Kind::Removed));
        QCOMPARE(diff.toText(), text);
    }

    void positionalArrays_data()
    {
        addTextColumns();
        QTest::newRow("item changed")
            << "" << QByteArray(R"({"a":[1,2,3]})") << QByteArray(R"({"a":[1,5,3]})")
            << QStringList{"= /a: 1 unchanged item", "~ /a/1: 2 → 5", "= /a: 1 unchanged item"};
        QTest::newRow("appended") << "" << QByteArray(R"({"a":[1,2]})")
                                  << QByteArray(R"({"a":[1,2,3]})")
                                  << QStringList{"= /a: 2 unchanged items", "+ /a/2: 3"};
        QTest::newRow("inserted in the middle shifts the rest")
            << "" << QByteArray(R"({"a":[1,2,3]})") << QByteArray(R"({"a":[1,9,2,3]})")
            << QStringList{"= /a: 1 unchanged item", "~ /a/1: 2 → 9", "~ /a/2: 3 → 2", "+ /a/3: 3"};
        QTest::newRow("truncated")
            << "" << QByteArray(R"({"a":[1,2,3]})") << QByteArray(R"({"a":[1]})")
            << QStringList{"= /a: 1 unchanged item", "- /a/1: 2", "- /a/2: 3"};
        QTest::newRow("objects without a key rule")
            << "" << QByteArray(R"({"a":[{"x":1,"y":0}]})")
            << QByteArray(R"({"a":[{"x":2,"y":0}]})")
            << QStringList{"~ /a/0/x: 1 → 2", "= /a/0: 1 unchanged field"};
    }
    void positionalArrays() { compareText(); }

    void keyedArrays_data()
    {
        addTextColumns();
        const QByteArray abc =
            R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b"},{"name":"C","value":"c"}]})";
        QTest::newRow("reorder is a move")
            << "databar" << abc
            << QByteArray(
                   R"({"parameters":[{"name":"C","value":"c"},{"name":"A","value":"a"},{"name":"B","value":"b"}]})")
            << QStringList{"> /parameters[name=C]: moved 2 → 0",
                           "= /parameters: 2 unchanged items"};
        QTest::newRow("insert in the middle is one addition")
            << "databar" << abc
            << QByteArray(
                   R"({"parameters":[{"name":"A","value":"a"},{"name":"X","value":"x"},{"name":"B","value":"b"},{"name":"C","value":"c"}]})")
            << QStringList{"= /parameters: 1 unchanged item",
                           R"(+ /parameters[name=X]: {"name":"X","value":"x"})",
                           "= /parameters: 2 unchanged items"};
        QTest::newRow("remove is one removal")
            << "databar" << abc
            << QByteArray(R"({"parameters":[{"name":"A","value":"a"},{"name":"C","value":"c"}]})")
            << QStringList{"= /parameters: 1 unchanged item",
                           R"(- /parameters[name=B]: {"name":"B","value":"b"})",
                           "= /parameters: 1 unchanged item"};
        QTest::newRow("change inside an item")
            << "databar" << abc
            << QByteArray(
                   R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b2"},{"name":"C","value":"c"}]})")
            << QStringList{
                   "= /parameters: 1 unchanged item", "= /parameters[name=B]: 1 unchanged field",
                   R"(~ /parameters[name=B]/value: "b" → "b2")", "= /parameters: 1 unchanged item"};
        QTest::newRow("moved and changed")
            << "databar" << abc
            << QByteArray(
                   R"({"parameters":[{"name":"C","value":"c2"},{"name":"A","value":"a"},{"name":"B","value":"b"}]})")
            << QStringList{"> /parameters[name=C]: moved 2 → 0",
                           "= /parameters[name=C]: 1 unchanged field",
                           R"(~ /parameters[name=C]/value: "c" → "c2")",
                           "= /parameters: 2 unchanged items"};
        QTest::newRow("renamed key is removed and added")
            << "databar" << QByteArray(R"({"body":[{"name":"A","value":1}]})")
            << QByteArray(R"({"body":[{"name":"Z","value":1}]})")
            << QStringList{R"(- /body[name=A]: {"name":"A","value":1})",
                           R"(+ /body[name=Z]: {"name":"Z","value":1})"};
        QTest::newRow("numeric keys")
            << "databar" << QByteArray(R"({"body":[{"name":1},{"name":2}]})")
            << QByteArray(R"({"body":[{"name":2},{"name":1}]})")
            << QStringList{"> /body[name=2]: moved 1 → 0", "= /body: 1 unchanged item"};
    }
    void keyedArrays() { compareText(); }

    void scalarArraysByValue_data()
    {
        addTextColumns();
        QTest::newRow("reorder is a move")
            << "bigdata"
            << QByteArray(R"({"config":{"allowed_emails":["a@x.io","b@x.io","c@x.io"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["c@x.io","a@x.io","b@x.io"]}})")
            << QStringList{R"(> /config/allowed_emails["c@x.io"]: moved 2 → 0)",
                           "= /config/allowed_emails: 2 unchanged items"};
        QTest::newRow("insert is one addition")
            << "bigdata" << QByteArray(R"({"config":{"allowed_emails":["a@x.io","c@x.io"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["a@x.io","b@x.io","c@x.io"]}})")
            << QStringList{"= /config/allowed_emails: 1 unchanged item",
                           R"(+ /config/allowed_emails["b@x.io"])",
                           "= /config/allowed_emails: 1 unchanged item"};
        QTest::newRow("remove is one removal")
            << "bigdata" << QByteArray(R"({"config":{"allowed_emails":["a@b.c","d@e.f"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["d@e.f"]}})")
            << QStringList{R"(- /config/allowed_emails["a@b.c"])",
                           "= /config/allowed_emails: 1 unchanged item"};
        QTest::newRow("types stay apart")
            << "bigdata" << QByteArray(R"({"config":{"allowed_emails":[1]}})")
            << QByteArray(R"({"config":{"allowed_emails":["1"]}})")
            << QStringList{"- /config/allowed_emails[1]", R"(+ /config/allowed_emails["1"])"};
        QTest::newRow("aisquared nested list")
            << "aisquared" << QByteArray(R"({"configuration":{"db":{"tables":["t1","t2"]}}})")
            << QByteArray(R"({"configuration":{"db":{"tables":["t2","t1","t3"]}}})")
            << QStringList{R"(> /configuration/db/tables["t2"]: moved 1 → 0)",
                           "= /configuration/db/tables: 1 unchanged item",
                           R"(+ /configuration/db/tables["t3"])"};
    }
    void scalarArraysByValue() { compareText(); }

    void unicode_data()
    {
        addTextColumns();
        QTest::newRow("CJK and emoji keys and values")
            << "" << QByteArray(R"({"名前":"値","emoji😀":"🙂"})")
            << QByteArray(R"({"名前":"新しい","emoji😀":"🙃"})")
            << QStringList{R"(~ /emoji😀: "🙂" → "🙃")", R"(~ /名前: "値" → "新しい")"};
        QTest::newRow("right to left")
            << "" << QByteArray(R"({"שם":"שלום"})") << QByteArray(R"({"שם":"مرحبا"})")
            << QStringList{R"(~ /שם: "שלום" → "مرحبا")"};
        QTest::newRow("unicode item keys")
            << "databar" << QByteArray(R"({"parameters":[{"name":"ключ","value":"α"}]})")
            << QByteArray(R"({"parameters":[{"name":"ключ","value":"👍🏽"}]})")
            << QStringList{"= /parameters[name=ключ]: 1 unchanged field",
                           R"(~ /parameters[name=ключ]/value: "α" → "👍🏽")"};
    }
    void unicode() { compareText(); }

    void movedItemPointers()
    {
        const ConnectorDiff diff(
            json(
                R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b"},{"name":"C","value":"c"}]})"),
            json(
                R"({"parameters":[{"name":"C","value":"c2"},{"name":"A","value":"a"},{"name":"B","value":"b"}]})"),
            vendorDiffOptions(Vendor::Databar));
        const DiffEntry& moved = diff.entries().at(0);
        QCOMPARE(moved.kind, DiffEntry::Kind::Moved);
        QCOMPARE(moved.beforePointer, QStringLiteral("/parameters/2"));
        QCOMPARE(moved.afterPointer, QStringLiteral("/parameters/0"));
        QCOMPARE(moved.fromIndex, 2);
        QCOMPARE(moved.toIndex, 0);
        QVERIFY(moved.movedAndChanged);
        const DiffEntry& changed = diff.entries().at(2);
        QCOMPARE(changed.kind, DiffEntry::Kind::Changed);
        QCOMPARE(changed.beforePointer, QStringLiteral("/parameters/2/value"));
        QCOMPARE(changed.afterPointer, QStringLiteral("/parameters/0/value"));
        QCOMPARE(changed.depth, 2);
        QCOMPARE(changed.before, QJsonValue(QStringLiteral("c")));
        QCOMPARE(changed.after, QJsonValue(QStringLiteral("c2")));
    }

    void secretsNeverLeak_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QStringList>("secrets");
        QTest::addColumn<QString>("summary");
        QTest::newRow("changed header value")
            << "databar"
            << QByteArray(R"({"headers":[{"name":"Authorization","value":"sk-live-OLD111"}]})")
            << QByteArray(R"({"headers":[{"name":"Authorization","value":"sk-live-NEW222"}]})")
            << QStringList{"sk-live-OLD111", "sk-live-NEW222"} << "1 changed, 0 added, 0 removed";
        QTest::newRow("added header")
            << "databar" << QByteArray(R"({"headers":[]})")
            << QByteArray(R"({"headers":[{"name":"X-Key","value":"sk-live-ADD333"}]})")
            << QStringList{"sk-live-ADD333"} << "0 changed, 1 added, 0 removed";
        QTest::newRow("removed header")
            << "databar" << QByteArray(R"({"headers":[{"name":"X-Key","value":"sk-live-DEL444"}]})")
            << QByteArray(R"({"headers":[]})") << QStringList{"sk-live-DEL444"}
            << "0 changed, 0 added, 1 removed";
        QTest::newRow("moved and changed header")
            << "databar"
            << QByteArray(
                   R"({"headers":[{"name":"A","value":"sk-A-OLD"},{"name":"B","value":"sk-B-SAME"}]})")
            << QByteArray(
                   R"({"headers":[{"name":"B","value":"sk-B-SAME"},{"name":"A","value":"sk-A-NEW"}]})")
            << QStringList{"sk-A-OLD", "sk-A-NEW", "sk-B-SAME"}
            << "1 changed, 0 added, 0 removed, 1 moved";
        QTest::newRow("duplicate names, compared by position")
            << "databar"
            << QByteArray(
                   R"({"headers":[{"name":"X","value":"sk-DUP-1"},{"name":"X","value":"sk-DUP-2"}]})")
            << QByteArray(
                   R"({"headers":[{"name":"X","value":"sk-DUP-1"},{"name":"X","value":"sk-DUP-3"}]})")
            << QStringList{"sk-DUP-1", "sk-DUP-2", "sk-DUP-3"} << "1 changed, 0 added, 0 removed";
        QTest::newRow("whole secret subtree")
            << "b3os" << QByteArray(R"({"data":{"api_key":"b3-SECRET-A"}})")
            << QByteArray(R"({"data":{"api_key":"b3-SECRET-B","extra":"b3-SECRET-C"}})")
            << QStringList{"b3-SECRET-A", "b3-SECRET-B", "b3-SECRET-C"}
            << "1 changed, 1 added, 0 removed";
        QTest::newRow("secret changes type")
            << "b3os" << QByteArray(R"({"data":null})")
            << QByteArray(R"({"data":{"k":"b3-SECRET-D"}})") << QStringList{"b3-SECRET-D"}
            << "1 changed, 0 added, 0 removed";
        QTest::newRow("secret by key name")
            << "aisquared"
            << QByteArray(R"({"configuration":{"host":"h","db_password":"pg-PASS-1"}})")
            << QByteArray(R"({"configuration":{"host":"h","db_password":"pg-PASS-2"}})")
            << QStringList{"pg-PASS-1", "pg-PASS-2"} << "1 changed, 0 added, 0 removed";
        QTest::newRow("secret items of a by-value list")
            << "aisquared"
            << QByteArray(R"({"configuration":{"api_tokens":["tok-AAA","tok-BBB"]}})")
            << QByteArray(R"({"configuration":{"api_tokens":["tok-BBB","tok-CCC"]}})")
            << QStringList{"tok-AAA", "tok-BBB", "tok-CCC"} << "0 changed, 1 added, 1 removed";
        QTest::newRow("secret item key")
            << "secretKey" << QByteArray(R"({"tokens":[{"id":"tk-SECRETID","scope":"r"}]})")
            << QByteArray(R"({"tokens":[{"id":"tk-SECRETID","scope":"rw"}]})")
            << QStringList{"tk-SECRETID"} << "1 changed, 0 added, 0 removed";
    }
    void secretsNeverLeak()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QStringList, secrets);
        QFETCH(QString, summary);
        const ConnectorDiff diff(json(before), json(after), options(preset));
        QCOMPARE(diff.summaryLine(), summary);
        const QString shown = everythingShown(diff);
        for (const QString& secret : secrets)
            QVERIFY2(!shown.contains(secret), qPrintable(secret + QLatin1String(" in:\n") + shown));
        QVERIFY(shown.contains(QLatin1String("<secret:")));
    }

    void secretMarkersCompareWithinRun()
    {
        const DiffOptions o = vendorDiffOptions(Vendor::B3os);
        const ConnectorDiff first(json(R"({"data":"one"})"), json(R"({"data":"two"})"), o);
        const ConnectorDiff second(json(R"({"data":"one"})"), json(R"({"data":"three"})"), o);
        const DiffEntry& a = first.entries().first();
        const DiffEntry& b = second.entries().first();
        QVERIFY(a.secret);
        QCOMPARE(a.before, b.before); // same value, same marker
        QVERIFY(a.after != b.after);
        QVERIFY(a.before != a.after);
        QVERIFY(QRegularExpression(QStringLiteral("^<secret:[0-9a-f]{8}>$"))
                    .match(a.before.toString())
                    .hasMatch());
    }

    void unchangedSecretIsOnlyCounted()
    {
        const ConnectorDiff diff(
            json(R"({"headers":[{"name":"Auth","value":"sk-UNCHANGED"}],"rate_limit":60})"),
            json(R"({"headers":[{"name":"Auth","value":"sk-UNCHANGED"}],"rate_limit":10})"),
            vendorDiffOptions(Vendor::Databar));
        QCOMPARE(lines(diff), (QStringList{"= 1 unchanged field", "~ /rate_limit: 60 → 10"}));
        QCOMPARE(diff.unchangedCount(), 1);
        QVERIFY(!everythingShown(diff).contains(QLatin1String("sk-UNCHANGED")));
        QVERIFY(!everythingShown(diff).contains(QLatin1String("<secret:")));
    }

    void determinism_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("before1");
        QTest::addColumn<QByteArray>("before2");
        QTest::addColumn<QByteArray>("after1");
        QTest::addColumn<QByteArray>("after2");
        QTest::newRow("key order") << "" << QByteArray(R"({"b":1,"a":{"y":1,"x":2},"c":[1]})")
                                   << QByteArray(R"({"c":[1],"a":{"x":2,"y":1},"b":1})")
                                   << QByteArray(R"({"a":{"x":3,"y":1},"b":2,"d":null})")
                                   << QByteArray(R"({"d":null,"b":2,"a":{"y":1,"x":3}})");
        QTest::newRow("keyed items with secrets")
            << "databar"
            << QByteArray(R"({"headers":[{"value":"s1","name":"A"},{"name":"B","value":"s2"}]})")
            << QByteArray(R"({"headers":[{"name":"A","value":"s1"},{"value":"s2","name":"B"}]})")
            << QByteArray(R"({"headers":[{"name":"B","value":"s3"},{"name":"C","value":"s4"}]})")
            << QByteArray(R"({"headers":[{"value":"s3","name":"B"},{"value":"s4","name":"C"}]})");
    }
    void determinism()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, before1);
        QFETCH(QByteArray, before2);
        QFETCH(QByteArray, after1);
        QFETCH(QByteArray, after2);
        const DiffOptions o = options(preset);
        const QByteArray first =
            QJsonDocument(ConnectorDiff(json(before1), json(after1), o).toJson()).toJson();
        const QByteArray again =
            QJsonDocument(ConnectorDiff(json(before1), json(after1), o).toJson()).toJson();
        const QByteArray reordered =
            QJsonDocument(ConnectorDiff(json(before2), json(after2), o).toJson()).toJson();
        QVERIFY(!ConnectorDiff(json(before1), json(after1), o).isEmpty());
        QCOMPARE(again, first);
        QCOMPARE(reordered, first);
    }

    void keyInsertionOrderIsIrrelevant()
    {
        QJsonObject forward;
        QJsonObject backward;
        const QStringList keys{"zeta", "alpha", "mid", "Ärger", "😀"};
        for (const QString& k : keys)
            forward.insert(k, k.size());
        for (auto it = keys.crbegin(); it != keys.crend(); ++it)
            backward.insert(*it, it->size());
        QJsonObject after = forward;
        after.insert(QStringLiteral("mid"), 42);
        QCOMPARE(ConnectorDiff(forward, after).toText(), ConnectorDiff(backward, after).toText());
        QCOMPARE(ConnectorDiff(forward, after).toText(),
                 QStringLiteral("= 1 unchanged field\n~ /mid: 3 → 42\n= 3 unchanged fields"));
    }

    void summaryLine_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QString>("summary");
        QTest::newRow("nothing") << "" << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1})")
                                 << "no changes";
        QTest::newRow("one change") << "" << QByteArray(R"({"a":1})") << QByteArray(R"({"a":2})")
                                    << "1 changed, 0 added, 0 removed";
        QTest::newRow("mixed") << "" << QByteArray(R"({"a":1,"b":2,"c":3,"d":[1,2]})")
                               << QByteArray(R"({"a":0,"b":2,"e":5,"d":[1,3,4]})")
                               << "2 changed, 2 added, 1 removed";
        QTest::newRow("moved is named only when there is one")
            << "bigdata" << QByteArray(R"({"config":{"allowed_emails":["a@b.c","d@e.f"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["d@e.f","a@b.c"]}})")
            << "0 changed, 0 added, 0 removed, 1 moved";
    }
    void summaryLine()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QString, summary);
        const ConnectorDiff diff(json(before), json(after), options(preset));
        QCOMPARE(diff.summaryLine(), summary);
        QCOMPARE(diff.toJson().value(QLatin1String("summary"))[QLatin1String("text")].toString(),
                 summary);
    }

    void isEmptyOnlyWithoutChanges_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<bool>("empty");
        QTest::newRow("same") << QByteArray(R"({"a":[1,{"b":null}]})")
                              << QByteArray(R"({"a":[1,{"b":null}]})") << true;
        QTest::newRow("int and double are one number")
            << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1.0})") << true;
        QTest::newRow("deep change") << QByteArray(R"({"a":[1,{"b":null}]})")
                                     << QByteArray(R"({"a":[1,{"b":false}]})") << false;
        QTest::newRow("null added") << QByteArray("{}") << QByteArray(R"({"b":null})") << false;
    }
    void isEmptyOnlyWithoutChanges()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(bool, empty);
        const ConnectorDiff diff(json(before), json(after));
        QCOMPARE(diff.isEmpty(), empty);
        QCOMPARE(diff.entries().isEmpty(), empty);
        QCOMPARE(diff.toText().isEmpty(), empty);
    }

    void duplicateKeysFallBackToPositions_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("duplicate names")
            << "databar"
            << QByteArray(R"({"parameters":[{"name":"A","value":1},{"name":"A","value":2}]})")
            << QByteArray(R"({"parameters":[{"name":"A","value":1},{"name":"A","value":3}]})")
            << QStringList{R"(! /parameters: duplicate "name" values: compared by position)",
                           "= /parameters: 1 unchanged item", "= /parameters/1: 1 unchanged field",
                           "~ /parameters/1/value: 2 → 3"};
        QTest::newRow("item without the key")
            << "databar" << QByteArray(R"({"body":[{"name":"A"},{"value":2}]})")
            << QByteArray(R"({"body":[{"name":"A"},{"value":3}]})")
            << QStringList{R"(! /body: item 1 has no "name": compared by position)",
                           "= /body: 1 unchanged item", "~ /body/1/value: 2 → 3"};
        QTest::newRow("duplicate values")
            << "bigdata" << QByteArray(R"({"config":{"allowed_emails":["a@b.c","a@b.c"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["a@b.c","x@y.z"]}})")
            << QStringList{"! /config/allowed_emails: duplicate values: compared by position",
                           "= /config/allowed_emails: 1 unchanged item",
                           R"(~ /config/allowed_emails/1: "a@b.c" → "x@y.z")"};
        QTest::newRow("no note when nothing changed")
            << "databar" << QByteArray(R"({"body":[{"name":"A"},{"name":"A"}],"x":1})")
            << QByteArray(R"({"body":[{"name":"A"},{"name":"A"}],"x":2})")
            << QStringList{"= 1 unchanged field", "~ /x: 1 → 2"};
    }
    void duplicateKeysFallBackToPositions()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QStringList, expected);
        const ConnectorDiff diff(json(before), json(after), options(preset));
        QCOMPARE(lines(diff), expected);
        const bool fellBack = expected.first().startsWith(QLatin1Char('!'));
        QCOMPARE(diff.positionalFallbacks().isEmpty(), !fellBack);
        QCOMPARE(diff.entries().last().positional, fellBack);
    }

    void largeDocuments_data()
    {
        QTest::addColumn<QJsonObject>("before");
        QTest::addColumn<QJsonObject>("after");
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("changed");
        QTest::addColumn<int>("added");
        QTest::addColumn<int>("removed");
        QTest::addColumn<int>("unchanged");
        // 10'000 keyed items, 1% touched: 50 edited, 25 removed, 25 added.
        QTest::newRow("keyed items")
            << databarDocument(10000, 0, 0, 0) << databarDocument(10000, 50, 25, 25) << "databar"
            << 50 << 25 << 25 << (2 + 9925 + 50);
        // 2'500 objects of 10 fields, 1% of them edited.
        QTest::newRow("nested objects") << nestedDocument(2500, 0) << nestedDocument(2500, 25) << ""
                                        << 25 << 0 << 0 << (2475 + 25 * 9);
    }
    void largeDocuments()
    {
        QFETCH(QJsonObject, before);
        QFETCH(QJsonObject, after);
        QFETCH(QString, preset);
        QFETCH(int, changed);
        QFETCH(int, added);
        QFETCH(int, removed);
        QFETCH(int, unchanged);
        QVERIFY(QJsonDocument(before).toJson(QJsonDocument::Compact).size() > 1000000);
        const ConnectorDiff diff(before, after, options(preset));
        QCOMPARE(diff.changedCount(), changed);
        QCOMPARE(diff.addedCount(), added);
        QCOMPARE(diff.removedCount(), removed);
        QCOMPARE(diff.movedCount(), 0);
        QCOMPARE(diff.unchangedCount(), unchanged);
    }

    void toJsonEntries()
    {
        const ConnectorDiff diff(json(R"({"a":1,"b":null,"c":{"d":true}})"),
                                 json(R"({"a":2,"c":{"d":true},"e":null})"));
        const QJsonArray entries = diff.toJson().value(QLatin1String("entries")).toArray();
        QCOMPARE(entries.size(), 4);
        QCOMPARE(entries.at(0).toObject(),
                 json(R"({"op":"changed","path":"/a","depth":0,"beforePointer":"/a",
                          "afterPointer":"/a","before":1,"after":2})"));
        QCOMPARE(
            entries.at(1).toObject(),
            json(R"({"op":"removed","path":"/b","depth":0,"beforePointer":"/b","before":null})"));
        QCOMPARE(entries.at(2).toObject(),
                 json(R"({"op":"unchanged","path":"","depth":0,"beforePointer":"",
                          "afterPointer":"","count":1,"of":"fields"})"));
        QCOMPARE(entries.at(3).toObject(),
                 json(R"({"op":"added","path":"/e","depth":0,"afterPointer":"/e","after":null})"));
        QCOMPARE(diff.toJson().value(QLatin1String("summary")).toObject(),
                 json(R"({"changed":1,"added":1,"removed":1,"moved":0,"unchanged":1,
                          "text":"1 changed, 1 added, 1 removed"})"));
    }

    void sideBySideRows()
    {
        const ConnectorDiff diff(
            json(R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b"}],"x":1})"),
            json(
                R"({"parameters":[{"name":"B","value":"b"},{"name":"A","value":"a"}],"x":{"k":1}})"),
            vendorDiffOptions(Vendor::Databar));
        const QList<DiffRow> rows = diff.sideBySide();
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(0).kind, DiffEntry::Kind::Moved);
        QCOMPARE(rows.at(0).path, QStringLiteral("/parameters[name=B]"));
        QCOMPARE(rows.at(0).beforeText, QStringLiteral("position 1"));
        QCOMPARE(rows.at(0).afterText, QStringLiteral("position 0"));
        QCOMPARE(rows.at(1).kind, DiffEntry::Kind::Unchanged);
        QCOMPARE(rows.at(1).beforeText, QStringLiteral("1 unchanged item"));
        QCOMPARE(rows.at(2).path, QStringLiteral("/x"));
        QCOMPARE(rows.at(2).beforeText, QStringLiteral("1"));
        QCOMPARE(rows.at(2).afterText, QStringLiteral("{\n    \"k\": 1\n}"));
    }

    void rulePatterns_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<bool>("arrayRule");
        QTest::addColumn<bool>("secret");
        QTest::newRow("exact") << "/headers"
                               << "/headers" << true << true;
        QTest::newRow("exact is not a prefix for arrays") << "/headers"
                                                          << "/headers/0/list" << false << true;
        QTest::newRow("star is one index") << "/a/*/b"
                                           << "/a/3/b" << true << true;
        QTest::newRow("star is one key") << "/a/*/b"
                                         << "/a/k/b" << true << true;
        QTest::newRow("star is not two") << "/a/*/b"
                                         << "/a/3/4/b" << false << false;
        QTest::newRow("other field") << "/headers/*/value"
                                     << "/headers/2/name" << false << false;
        QTest::newRow("double star any depth") << "/configuration/**"
                                               << "/configuration/x/0/y" << true << true;
        QTest::newRow("double star includes itself") << "/configuration/**"
                                                     << "/configuration" << true << true;
        QTest::newRow("escaped slash") << "/a~1b"
                                       << "/a~1b" << true << true;
        QTest::newRow("sibling prefix is no match") << "/data"
                                                    << "/database" << false << false;
    }
    void rulePatterns()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, pointer);
        QFETCH(bool, arrayRule);
        QFETCH(bool, secret);
        DiffOptions o;
        o.arrayKeys.insert(pattern, QStringLiteral("id"));
        o.secrets.addPaths({pattern});
        const DiffRules rules(o);
        QList<JsonPathToken> path = tokens(pointer);
        for (JsonPathToken& t : path)
            t.key.replace(QLatin1String("~1"), QLatin1String("/"));
        QCOMPARE(rules.arrayKeyFor(path).has_value(), arrayRule);
        QCOMPARE(rules.isSecretPointer(pointer), secret);
    }

    void mostSpecificArrayRuleWins()
    {
        DiffOptions o;
        o.arrayKeys.insert(QStringLiteral("/**"), QString());
        o.arrayKeys.insert(QStringLiteral("/items/*"), QStringLiteral("any"));
        o.arrayKeys.insert(QStringLiteral("/items/list"), QStringLiteral("exact"));
        const DiffRules rules(o);
        QCOMPARE(rules.arrayKeyFor(tokens(QStringLiteral("/items/list"))), QStringLiteral("exact"));
        QCOMPARE(rules.arrayKeyFor(tokens(QStringLiteral("/items/other"))), QStringLiteral("any"));
        QCOMPARE(rules.arrayKeyFor(tokens(QStringLiteral("/tags"))), QString());
    }

    void vendorPresets_data()
    {
        QTest::addColumn<int>("vendor");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("arrayKey"); // "-": positional
        QTest::addColumn<bool>("secret");
        auto row = [](const char* name, Vendor v, const char* pointer, const char* key, bool s) {
            QTest::newRow(name) << int(v) << QString::fromUtf8(pointer) << QString::fromUtf8(key)
                                << s;
        };
        row("databar headers", Vendor::Databar, "/headers", "name", false);
        row("databar parameters", Vendor::Databar, "/parameters", "name", false);
        row("databar body", Vendor::Databar, "/body", "name", false);
        row("databar header value", Vendor::Databar, "/headers/4/value", "-", true);
        row("databar header name", Vendor::Databar, "/headers/4/name", "-", false);
        row("databar parameter value", Vendor::Databar, "/parameters/0/value", "-", false);
        row("bigdata emails", Vendor::Bigdata, "/config/allowed_emails", "", false);
        row("aisquared lists", Vendor::AiSquared, "/configuration/scopes", "", false);
        row("aisquared password", Vendor::AiSquared, "/configuration/db/Password", "", true);
        row("aisquared host", Vendor::AiSquared, "/configuration/host", "", false);
        row("aisquared name", Vendor::AiSquared, "/name", "-", false);
        row("b3os data", Vendor::B3os, "/data/key", "-", true);
        row("b3os description", Vendor::B3os, "/description", "-", false);
        row("timbal", Vendor::Timbal, "/version", "-", false);
    }
    void vendorPresets()
    {
        QFETCH(int, vendor);
        QFETCH(QString, pointer);
        QFETCH(QString, arrayKey);
        QFETCH(bool, secret);
        const DiffRules rules(vendorDiffOptions(Vendor(vendor)));
        const std::optional<QString> key = rules.arrayKeyFor(tokens(pointer));
        QCOMPARE(key.value_or(QStringLiteral("-")), arrayKey);
        QCOMPARE(rules.isSecretPointer(pointer), secret);
    }

    void maskedKeepsNonSecrets()
    {
        const DiffRules rules(vendorDiffOptions(Vendor::Databar));
        bool replaced = false;
        const QJsonValue masked = rules.masked(
            QJsonValue(json(R"({"headers":[{"name":"A","value":"sk-XYZ"}],"url":"u"})")), QString(),
            &replaced);
        QVERIFY(replaced);
        const QJsonObject header = masked[QLatin1String("headers")][0].toObject();
        QCOMPARE(header.value(QLatin1String("name")).toString(), QStringLiteral("A"));
        QVERIFY(
            header.value(QLatin1String("value")).toString().startsWith(QLatin1String("<secret:")));
        QCOMPARE(masked[QLatin1String("url")].toString(), QStringLiteral("u"));
    }
};

QTEST_GUILESS_MAIN(ConnectorDiffTest)
#include "tst_connector_diff.moc"
