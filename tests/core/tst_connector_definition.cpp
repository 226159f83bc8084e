// ConnectorDefinition: reading one AI Squared definition (and the two ways an unknown one comes
// back), which configuration values are secret (Multiwoven masks every key of a flagged name at
// any depth), the order a form shows the properties in, enum titles, and the document schema
// one validator checks an edit against.
#include "ConnectorDefinition.h"
#include "ConnectorDefinitionSample.h"
#include "SchemaValidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace ca;

namespace {
QJsonObject parse(const char* text)
{
    return QJsonDocument::fromJson(text).object();
}

} // namespace

class TestConnectorDefinition : public QObject
{
    Q_OBJECT

private slots:
    void readsOneDefinition()
    {
        QString error;
        const ConnectorDefinition d = ConnectorDefinition::fromJson(parse(kDefinition), &error);
        QVERIFY2(d.isValid(), qPrintable(error));
        QCOMPARE(d.name, "Postgresql");
        QCOMPARE(d.title, "PostgreSQL");
        QCOMPARE(d.type, "source");
        QCOMPARE(d.documentationUrl, "https://docs.example/pg");
        QVERIFY(d.specification.contains(QLatin1String("properties")));
    }

    void unknownOrMalformedIsInvalid_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("[] (the controller)") << QByteArray("[]");
        QTest::newRow("{data: []} (what the client gets)") << QByteArray(R"({"data":[]})");
        QTest::newRow("no spec") << QByteArray(R"({"name":"X","connector_type":"source"})");
        QTest::newRow("no name") << QByteArray(
            R"({"connector_spec":{"connection_specification":{"type":"object"}}})");
        QTest::newRow("not an object schema") << QByteArray(
            R"({"name":"X","connector_spec":{"connection_specification":{"type":"array"}}})");
    }
    void unknownOrMalformedIsInvalid()
    {
        QFETCH(QByteArray, json);
        const QJsonDocument doc = QJsonDocument::fromJson(json);
        const QJsonValue v = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        QString error;
        QVERIFY(!ConnectorDefinition::fromJson(v, &error).isValid());
        QVERIFY(!error.isEmpty());
    }

    void secretsAtAnyDepthByName()
    {
        const ConnectorDefinition d = ConnectorDefinition::fromJson(parse(kDefinition));
        QCOMPARE(d.secretKeyNames(), QSet<QString>{QStringLiteral("password")});
        QCOMPARE(d.secretPropertyPointers(), QStringList{QStringLiteral("/credentials/password")});
        // As the server masks: a key of that name anywhere (arrays too), plus the flagged
        // property the configuration does not hold yet.
        const QJsonObject configuration = parse(R"({"host":"h",
            "replicas":[{"password":"r1"},{"user":"u"}],
            "extra":{"deep":{"password":"x"}}})");
        QCOMPARE(d.secretPaths(configuration, QStringLiteral("/configuration")),
                 (QStringList{QStringLiteral("/configuration/credentials/password"),
                              QStringLiteral("/configuration/extra/deep/password"),
                              QStringLiteral("/configuration/replicas/0/password")}));
        // A value where an object is expected: the flagged property cannot be added below it.
        QCOMPARE(d.secretPaths(parse(R"({"credentials":"none"})"), QString()), QStringList());
    }

    void propertiesInTheVendorsOrder()
    {
        const ConnectorDefinition d = ConnectorDefinition::fromJson(parse(kDefinition));
        QStringList keys;
        for (const SchemaProperty& p : ConnectorDefinition::orderedProperties(d.specification))
            keys << p.key;
        // By "order", then the unordered ones as written (QJsonObject: sorted).
        QCOMPARE(keys, (QStringList{"credentials", "host", "mode", "region", "alpha", "zeta"}));
        const auto top = ConnectorDefinition::orderedProperties(d.specification);
        QVERIFY(top.at(0).required && top.at(1).required && !top.at(3).required);
        const auto inner =
            ConnectorDefinition::orderedProperties(top.at(0).schema, top.at(0).pointer);
        QCOMPARE(inner.at(1).pointer, "/credentials/password");
        QVERIFY(inner.at(1).secret && inner.at(1).required && !inner.at(0).secret);
    }

    void enumTitles()
    {
        const QJsonObject properties = ConnectorDefinition::fromJson(parse(kDefinition))
                                           .specification.value("properties")
                                           .toObject();
        const auto mode = ConnectorDefinition::choices(properties.value("mode").toObject());
        QCOMPARE(mode.size(), 2);
        QCOMPARE(mode.at(0).second, "Mode A");
        QCOMPARE(mode.at(1).second, "b"); // no title: the value
        const auto region = ConnectorDefinition::choices(properties.value("region").toObject());
        QCOMPARE(region.at(0).second, "Europe");
        QCOMPARE(region.at(1).second, "us");
        QVERIFY(ConnectorDefinition::choices(properties.value("host").toObject()).isEmpty());
    }

    void oneValidatorForTheWholeEdit()
    {
        const ConnectorDefinition d = ConnectorDefinition::fromJson(parse(kDefinition));
        const QJsonObject vendor = parse(R"({"type":"object","required":["name"],
            "properties":{"name":{"type":"string"},"configuration":{"type":"object"}}})");
        const SchemaValidator v =
            SchemaValidator::fromSchema(d.documentSchema(vendor), QStringLiteral("test"));
        QVERIFY2(v.isLoaded(), qPrintable(v.errorString()));
        const QJsonObject ok = parse(R"({"name":"n","configuration":{"host":"h","mode":"a",
            "credentials":{"password":"p"}}})");
        QVERIFY(v.validate(ok).isEmpty());
        const QList<FieldProblem> problems = v.validate(
            parse(R"({"name":"n","configuration":{"host":"h","mode":"c","credentials":{}}})"));
        QStringList paths;
        for (const FieldProblem& p : problems)
            paths << p.path;
        QVERIFY2(paths.contains("/configuration/credentials/password"),
                 qPrintable(paths.join(',')));
        QVERIFY2(paths.contains("/configuration/mode"), qPrintable(paths.join(',')));
    }
};

QTEST_GUILESS_MAIN(TestConnectorDefinition)
#include "tst_connector_definition.moc"
