// ThreeWayMerge: the stale-preview rule merges what the server changed meanwhile into the edit.
#include "ThreeWayMerge.h"

#include "ConnectorService.h" // vendorDiffOptions

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ca;

namespace {

QJsonObject json(const QByteArray& text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad test JSON: %s (%s)", text.constData(), qPrintable(error.errorString()));
    return doc.object();
}

DiffOptions options(const QString& name)
{
    if (name == QLatin1String("databar"))
        return vendorDiffOptions(Vendor::Databar);
    if (name == QLatin1String("bigdata"))
        return vendorDiffOptions(Vendor::Bigdata);
    return {};
}

} // namespace

class ThreeWayMergeTest : public QObject
{
    Q_OBJECT

private slots:
    void cleanMerges_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("base");
        QTest::addColumn<QByteArray>("server");
        QTest::addColumn<QByteArray>("mine");
        QTest::addColumn<QByteArray>("merged");
        QTest::newRow("disjoint fields")
            << "" << QByteArray(R"({"a":1,"b":1,"c":1})") << QByteArray(R"({"a":2,"b":1,"c":1})")
            << QByteArray(R"({"a":1,"b":3,"c":1})") << QByteArray(R"({"a":2,"b":3,"c":1})");
        QTest::newRow("disjoint nested fields") << "" << QByteArray(R"({"cfg":{"x":1,"y":1}})")
                                                << QByteArray(R"({"cfg":{"x":2,"y":1}})")
                                                << QByteArray(R"({"cfg":{"x":1,"y":5,"z":0}})")
                                                << QByteArray(R"({"cfg":{"x":2,"y":5,"z":0}})");
        QTest::newRow("same change on both sides")
            << "" << QByteArray(R"({"a":1,"b":1})") << QByteArray(R"({"a":7,"b":1})")
            << QByteArray(R"({"a":7,"b":2})") << QByteArray(R"({"a":7,"b":2})");
        QTest::newRow("server removed a field I left alone")
            << "" << QByteArray(R"({"a":1,"b":1})") << QByteArray(R"({"b":1})")
            << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"b":2})");
        QTest::newRow("both added different fields")
            << "" << QByteArray(R"({})") << QByteArray(R"({"cfg":{"s":1}})")
            << QByteArray(R"({"cfg":{"m":2}})") << QByteArray(R"({"cfg":{"m":2,"s":1}})");
        QTest::newRow("keyed items edited on both sides")
            << "databar"
            << QByteArray(R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b"}]})")
            << QByteArray(
                   R"({"parameters":[{"name":"A","value":"a-server"},{"name":"B","value":"b"}]})")
            << QByteArray(
                   R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b-mine"}]})")
            << QByteArray(
                   R"({"parameters":[{"name":"A","value":"a-server"},{"name":"B","value":"b-mine"}]})");
        QTest::newRow("server added an item, I edited another")
            << "databar" << QByteArray(R"({"parameters":[{"name":"A","value":"a"}]})")
            << QByteArray(R"({"parameters":[{"name":"A","value":"a"},{"name":"S","value":"s"}]})")
            << QByteArray(R"({"parameters":[{"name":"A","value":"a2"}]})")
            << QByteArray(R"({"parameters":[{"name":"A","value":"a2"},{"name":"S","value":"s"}]})");
        QTest::newRow("server removed an item, I added one")
            << "databar"
            << QByteArray(R"({"body":[{"name":"A","value":1},{"name":"B","value":2}]})")
            << QByteArray(R"({"body":[{"name":"B","value":2}]})")
            << QByteArray(
                   R"({"body":[{"name":"A","value":1},{"name":"M","value":3},{"name":"B","value":2}]})")
            << QByteArray(R"({"body":[{"name":"M","value":3},{"name":"B","value":2}]})");
        QTest::newRow("server reordered, I edited")
            << "databar"
            << QByteArray(R"({"body":[{"name":"A","value":1},{"name":"B","value":2}]})")
            << QByteArray(R"({"body":[{"name":"B","value":2},{"name":"A","value":1}]})")
            << QByteArray(R"({"body":[{"name":"A","value":9},{"name":"B","value":2}]})")
            << QByteArray(R"({"body":[{"name":"B","value":2},{"name":"A","value":9}]})");
        QTest::newRow("emails added on both sides")
            << "bigdata" << QByteArray(R"({"config":{"allowed_emails":["a@x.io","b@x.io"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["a@x.io","s@x.io","b@x.io"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["b@x.io","m@x.io"]}})")
            << QByteArray(R"({"config":{"allowed_emails":["s@x.io","b@x.io","m@x.io"]}})");
    }
    void cleanMerges()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, base);
        QFETCH(QByteArray, server);
        QFETCH(QByteArray, mine);
        QFETCH(QByteArray, merged);
        const ThreeWayMerge merge(json(base), json(server), json(mine), options(preset));
        QVERIFY2(merge.isClean(), qPrintable(merge.toText()));
        QCOMPARE(merge.merged(), json(merged));
        QCOMPARE(merge.toJson().value(QLatin1String("clean")).toBool(), true);
    }

    void conflicts_data()
    {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QByteArray>("base");
        QTest::addColumn<QByteArray>("server");
        QTest::addColumn<QByteArray>("mine");
        QTest::addColumn<QStringList>("expected"); // toText() lines
        QTest::addColumn<QByteArray>("merged");    // mine's value wins where they conflict
        QTest::newRow("same field, different values")
            << "" << QByteArray(R"({"rate_limit":60,"x":1})")
            << QByteArray(R"({"rate_limit":10,"x":2})") << QByteArray(R"({"rate_limit":30,"x":1})")
            << QStringList{"! /rate_limit: base 60, server 10, mine 30"}
            << QByteArray(R"({"rate_limit":30,"x":2})");
        QTest::newRow("server removed what I edited")
            << "" << QByteArray(R"({"a":1})") << QByteArray(R"({})") << QByteArray(R"({"a":2})")
            << QStringList{"! /a: base 1, server absent, mine 2"} << QByteArray(R"({"a":2})");
        QTest::newRow("I removed what the server edited")
            << "" << QByteArray(R"({"a":1})") << QByteArray(R"({"a":5})") << QByteArray(R"({})")
            << QStringList{"! /a: base 1, server 5, mine absent"} << QByteArray(R"({})");
        QTest::newRow("both added the same field differently")
            << "" << QByteArray(R"({})") << QByteArray(R"({"a":"s"})") << QByteArray(R"({"a":"m"})")
            << QStringList{R"(! /a: base absent, server "s", mine "m")"}
            << QByteArray(R"({"a":"m"})");
        QTest::newRow("positional arrays change as a whole")
            << "" << QByteArray(R"({"l":[1,2,3]})") << QByteArray(R"({"l":[1,2,4]})")
            << QByteArray(R"({"l":[0,2,3]})")
            << QStringList{"! /l: base [1,2,3], server [1,2,4], mine [0,2,3]"}
            << QByteArray(R"({"l":[0,2,3]})");
        QTest::newRow("same keyed item, same field")
            << "databar" << QByteArray(R"({"parameters":[{"name":"A","value":"a"}]})")
            << QByteArray(R"({"parameters":[{"name":"A","value":"s"}]})")
            << QByteArray(R"({"parameters":[{"name":"A","value":"m"}]})")
            << QStringList{R"(! /parameters[name=A]/value: base "a", server "s", mine "m")"}
            << QByteArray(R"({"parameters":[{"name":"A","value":"m"}]})");
        QTest::newRow("server removed the item I edited")
            << "databar"
            << QByteArray(R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b"}]})")
            << QByteArray(R"({"parameters":[{"name":"B","value":"b"}]})")
            << QByteArray(R"({"parameters":[{"name":"A","value":"a2"},{"name":"B","value":"b"}]})")
            << QStringList{R"(! /parameters[name=A]: base {"name":"A","value":"a"}, server absent, mine {"name":"A","value":"a2"})"}
            << QByteArray(R"({"parameters":[{"name":"A","value":"a2"},{"name":"B","value":"b"}]})");
        QTest::newRow("type change against an edit")
            << "" << QByteArray(R"({"c":{"k":1}})") << QByteArray(R"({"c":[1]})")
            << QByteArray(R"({"c":{"k":2}})")
            << QStringList{R"(! /c: base {"k":1}, server [1], mine {"k":2})"}
            << QByteArray(R"({"c":{"k":2}})");
        QTest::newRow("duplicate keys merge as a whole")
            << "databar"
            << QByteArray(R"({"body":[{"name":"A","value":1},{"name":"A","value":2}]})")
            << QByteArray(R"({"body":[{"name":"A","value":5},{"name":"A","value":2}]})")
            << QByteArray(R"({"body":[{"name":"A","value":1},{"name":"A","value":6}]})")
            << QStringList{R"(! /body: base [{"name":"A","value":1},{"name":"A","value":2}], server [{"name":"A","value":5},{"name":"A","value":2}], mine [{"name":"A","value":1},{"name":"A","value":6}])"}
            << QByteArray(R"({"body":[{"name":"A","value":1},{"name":"A","value":6}]})");
    }
    void conflicts()
    {
        QFETCH(QString, preset);
        QFETCH(QByteArray, base);
        QFETCH(QByteArray, server);
        QFETCH(QByteArray, mine);
        QFETCH(QStringList, expected);
        QFETCH(QByteArray, merged);
        const ThreeWayMerge merge(json(base), json(server), json(mine), options(preset));
        QVERIFY(!merge.isClean());
        QCOMPARE(merge.toText().split(QLatin1Char('\n')), expected);
        QCOMPARE(merge.conflicts().size(), expected.size());
        QCOMPARE(merge.merged(), json(merged));
        QCOMPARE(merge.toJson().value(QLatin1String("clean")).toBool(), false);
    }

    void conflictCarriesEachSide()
    {
        const ThreeWayMerge merge(
            json(R"({"parameters":[{"name":"A","value":"a"},{"name":"B","value":"b"}]})"),
            json(R"({"parameters":[{"name":"B","value":"b"},{"name":"A","value":"s"}]})"),
            json(R"({"parameters":[{"name":"A","value":"m"}]})"),
            vendorDiffOptions(Vendor::Databar));
        QCOMPARE(merge.conflicts().size(), 1);
        const MergeConflict& c = merge.conflicts().first();
        QCOMPARE(c.path, QStringLiteral("/parameters[name=A]/value"));
        QCOMPARE(c.basePointer, QStringLiteral("/parameters/0/value"));
        QCOMPARE(c.serverPointer, QStringLiteral("/parameters/1/value"));
        QCOMPARE(c.minePointer, QStringLiteral("/parameters/0/value"));
        QCOMPARE(c.base, QJsonValue(QStringLiteral("a")));
        QCOMPARE(c.server, QJsonValue(QStringLiteral("s")));
        QCOMPARE(c.mine, QJsonValue(QStringLiteral("m")));
        QVERIFY(!c.secret);
        // B: I removed it, the server kept it unchanged: removed.
        QCOMPARE(merge.merged(), json(R"({"parameters":[{"name":"A","value":"m"}]})"));
    }

    void secretConflictsAreMasked_data()
    {
        QTest::addColumn<QByteArray>("base");
        QTest::addColumn<QByteArray>("server");
        QTest::addColumn<QByteArray>("mine");
        QTest::addColumn<QStringList>("secrets");
        QTest::newRow("header value")
            << QByteArray(R"({"headers":[{"name":"Auth","value":"sk-BASE-1"}]})")
            << QByteArray(R"({"headers":[{"name":"Auth","value":"sk-SERVER-2"}]})")
            << QByteArray(R"({"headers":[{"name":"Auth","value":"sk-MINE-3"}]})")
            << QStringList{"sk-BASE-1", "sk-SERVER-2", "sk-MINE-3"};
        QTest::newRow("item holding a secret")
            << QByteArray(
                   R"({"headers":[{"name":"Auth","value":"sk-BASE-4"},{"name":"Z","value":"z"}]})")
            << QByteArray(R"({"headers":[{"name":"Z","value":"z"}]})")
            << QByteArray(
                   R"({"headers":[{"name":"Auth","value":"sk-MINE-5"},{"name":"Z","value":"z"}]})")
            << QStringList{"sk-BASE-4", "sk-MINE-5"};
        QTest::newRow("positional fallback")
            << QByteArray(R"({"headers":[{"name":"X","value":"sk-D-6"},{"name":"X","value":"v"}]})")
            << QByteArray(R"({"headers":[{"name":"X","value":"sk-D-7"},{"name":"X","value":"v"}]})")
            << QByteArray(R"({"headers":[{"name":"X","value":"sk-D-8"},{"name":"X","value":"v"}]})")
            << QStringList{"sk-D-6", "sk-D-7", "sk-D-8"};
    }
    void secretConflictsAreMasked()
    {
        QFETCH(QByteArray, base);
        QFETCH(QByteArray, server);
        QFETCH(QByteArray, mine);
        QFETCH(QStringList, secrets);
        const ThreeWayMerge merge(json(base), json(server), json(mine),
                                  vendorDiffOptions(Vendor::Databar));
        QCOMPARE(merge.conflicts().size(), 1);
        QVERIFY(merge.conflicts().first().secret);
        QStringList shown{merge.toText(),
                          QString::fromUtf8(QJsonDocument(merge.toJson()).toJson())};
        for (const MergeConflict& c : merge.conflicts())
            shown << c.path
                  << QString::fromUtf8(
                         QJsonDocument(QJsonArray{c.base, c.server, c.mine}).toJson());
        const QString all = shown.join(QLatin1Char('\n'));
        for (const QString& secret : secrets)
            QVERIFY2(!all.contains(secret), qPrintable(secret + QLatin1String(" in:\n") + all));
        QVERIFY(all.contains(QLatin1String("<secret:")));
        // The merged document is what gets sent: it keeps the user's real value.
        QVERIFY(QJsonDocument(merge.merged()).toJson().contains(secrets.last().toUtf8()));
    }
};

QTEST_GUILESS_MAIN(ThreeWayMergeTest)
#include "tst_three_way_merge.moc"
