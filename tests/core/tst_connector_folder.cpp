// ConnectorFolder: the folder format of change sets (file text, file names, documents and their
// bases, secrets from the environment and their fingerprints), on real files in a temp dir.
#include "ConnectorFolder.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace ca;

namespace {

QJsonValue parse(const QByteArray& json)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson('[' + json + ']', &error);
    Q_ASSERT(error.error == QJsonParseError::NoError);
    return doc.array().first();
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

bool setModified(const QString& path, const QDateTime& when)
{
    QFile f(path);
    return f.open(QIODevice::ReadWrite) && f.setFileTime(when, QFileDevice::FileModificationTime);
}

QDateTime modified(const QString& path)
{
    return QFileInfo(path).fileTime(QFileDevice::FileModificationTime);
}

FolderBase sampleBase(const QJsonObject& document)
{
    FolderBase base;
    base.document = document;
    base.name = QStringLiteral("Orders sync");
    base.type = QStringLiteral("enrichment");
    base.updatedAt = QStringLiteral("2026-02-11T11:01:09.574095Z");
    base.secretFingerprints.insert(QStringLiteral("/headers/0/value"),
                                   QStringLiteral("sha256:") + QString(64, QLatin1Char('a')));
    return base;
}

const QJsonObject kDocument{
    {QStringLiteral("name"), QStringLiteral("Orders sync")},
    {QStringLiteral("rate_limit"), 60},
    {QStringLiteral("headers"),
     QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("Authorization")},
                            {QStringLiteral("value"), QStringLiteral("<secret>")}}}}};

} // namespace

class TestConnectorFolder : public QObject
{
    Q_OBJECT

private slots:
    // --- file text ---

    void fileTextIsByteExact_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("empty object") << QByteArray("{}") << QByteArray("{}\n");
        QTest::newRow("empty array") << QByteArray("[]") << QByteArray("[]\n");
        QTest::newRow("nested") << QByteArray(
                                       R"({"b":{"c":[1,{"d":null}],"a":true},"a":[],"e":{}})")
                                << QByteArray("{\n"
                                              "  \"a\": [],\n"
                                              "  \"b\": {\n"
                                              "    \"a\": true,\n"
                                              "    \"c\": [\n"
                                              "      1,\n"
                                              "      {\n"
                                              "        \"d\": null\n"
                                              "      }\n"
                                              "    ]\n"
                                              "  },\n"
                                              "  \"e\": {}\n"
                                              "}\n");
        QTest::newRow("array at the top") << QByteArray(R"([[],{},"x",[false]])")
                                          << QByteArray("[\n"
                                                        "  [],\n"
                                                        "  {},\n"
                                                        "  \"x\",\n"
                                                        "  [\n"
                                                        "    false\n"
                                                        "  ]\n"
                                                        "]\n");
        QTest::newRow("numbers")
            << QByteArray(
                   R"({"i":42,"neg":-7,"half":1.5,"big":1e300,"zero":0,"long":9007199254740993})")
            << QByteArray("{\n"
                          "  \"big\": 1e+300,\n"
                          "  \"half\": 1.5,\n"
                          "  \"i\": 42,\n"
                          "  \"long\": 9007199254740993,\n"
                          "  \"neg\": -7,\n"
                          "  \"zero\": 0\n"
                          "}\n");
        QTest::newRow("escapes") << QByteArray(
                                        "{\"s\":\"q\\\" b\\\\ n\\n t\\t c\\u0001 s/ u\\u2028\"}")
                                 << QByteArray("{\n"
                                               "  \"s\": \"q\\\" b\\\\ n\\n t\\t c\\u0001 s/ "
                                               "u\xe2\x80\xa8\"\n"
                                               "}\n");
        QTest::newRow("unicode keys and values")
            << QByteArray("{\"\xc3\xa4\":\"\xe6\x97\xa5\xe6\x9c\xac \xe2\x82\xac\",\"z\":\"\"}")
            << QByteArray("{\n"
                          "  \"z\": \"\",\n"
                          "  \"\xc3\xa4\": \"\xe6\x97\xa5\xe6\x9c\xac \xe2\x82\xac\"\n"
                          "}\n");
        QTest::newRow("scalar at the top") << QByteArray("\"a\"") << QByteArray("\"a\"\n");
    }
    void fileTextIsByteExact()
    {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, expected);
        QCOMPARE(jsonFileText(parse(json)), expected);
    }

    void fileTextKeyOrderDoesNotDependOnInsertion()
    {
        QJsonObject inner1;
        inner1.insert(QStringLiteral("y"), 1);
        inner1.insert(QStringLiteral("x"), 2);
        QJsonObject a;
        a.insert(QStringLiteral("zeta"), inner1);
        a.insert(QStringLiteral("Alpha"), 3);
        a.insert(QStringLiteral("alpha"), 4);
        QJsonObject inner2;
        inner2.insert(QStringLiteral("x"), 2);
        inner2.insert(QStringLiteral("y"), 1);
        QJsonObject b;
        b.insert(QStringLiteral("alpha"), 4);
        b.insert(QStringLiteral("Alpha"), 3);
        b.insert(QStringLiteral("zeta"), inner2);
        QCOMPARE(jsonFileText(a), jsonFileText(b));
        // Code-unit order: upper case before lower case.
        QCOMPARE(jsonFileText(a), QByteArray("{\n  \"Alpha\": 3,\n  \"alpha\": 4,\n  \"zeta\": {\n"
                                             "    \"x\": 2,\n    \"y\": 1\n  }\n}\n"));
    }

    void fileTextEndsWithOneNewline_data()
    {
        QTest::addColumn<QByteArray>("json");
        for (const char* j : {"{}", "[]", "{\"a\":[1]}", "null", "\"x\\n\""})
            QTest::newRow(j) << QByteArray(j);
    }
    void fileTextEndsWithOneNewline()
    {
        QFETCH(QByteArray, json);
        const QByteArray text = jsonFileText(parse(json));
        QVERIFY(text.endsWith('\n'));
        QVERIFY(!text.endsWith("\n\n"));
        // Read back, it is the same value.
        QCOMPARE(parse(text.trimmed()), parse(json));
    }

    // --- file names ---

    void fileNameForId_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("fileName");
        QTest::newRow("digits") << QStringLiteral("1001") << QStringLiteral("1001.json");
        QTest::newRow("plain") << QStringLiteral("Az_9-x") << QStringLiteral("Az_9-x.json");
        QTest::newRow("slash") << QStringLiteral("a/b") << QStringLiteral("a%2Fb.json");
        QTest::newRow("dot dot") << QStringLiteral("..") << QStringLiteral("%2E%2E.json");
        QTest::newRow("hidden") << QStringLiteral(".hidden") << QStringLiteral("%2Ehidden.json");
        QTest::newRow("inner dot") << QStringLiteral("a.b") << QStringLiteral("a%2Eb.json");
        QTest::newRow("umlaut") << QStringLiteral("\u00e4") << QStringLiteral("%C3%A4.json");
        QTest::newRow("space") << QStringLiteral("a b") << QStringLiteral("a%20b.json");
        QTest::newRow("percent") << QStringLiteral("%") << QStringLiteral("%25.json");
        QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral("a%5Cb.json");
    }
    void fileNameForId()
    {
        QFETCH(QString, id);
        QFETCH(QString, fileName);
        QCOMPARE(ConnectorFolder::fileNameForId(id), fileName);
        QCOMPARE(ConnectorFolder::idFromFileName(fileName), std::optional<QString>(id));
    }

    void idFromFileNameRefusesOtherNames_data()
    {
        QTest::addColumn<QString>("fileName");
        for (const char* name :
             {"%41.json", "%2e.json", "a b.json", "a.b.json", ".json", "a.JSON", "a", "%C3.json",
              "%2.json", "%C0%AE.json", "%ZZ.json", "a%2Fb.txt"})
            QTest::newRow(name) << QString::fromLatin1(name);
        QTest::newRow("non-ASCII") << QStringLiteral("\u00e4.json");
    }
    void idFromFileNameRefusesOtherNames()
    {
        QFETCH(QString, fileName);
        QCOMPARE(ConnectorFolder::idFromFileName(fileName), std::nullopt);
    }

    // --- writing and reading ---

    void writeThenReadRoundTrips()
    {
        QTemporaryDir dir;
        ConnectorFolder folder(dir.path());
        QString error;
        const QJsonObject other{{QStringLiteral("url"), QStringLiteral("https://x.example")}};
        QVERIFY2(folder.write(QStringLiteral("prod"), QStringLiteral("a/b"), kDocument,
                              sampleBase(kDocument), &error),
                 qPrintable(error));
        QVERIFY2(folder.write(QStringLiteral("dev"), QStringLiteral("7"), other, sampleBase(other),
                              &error),
                 qPrintable(error));
        QVERIFY(folder.write(QStringLiteral("prod"), QStringLiteral("10"), other, sampleBase(other),
                             &error));
        QCOMPARE(readAll(folder.documentPath(QStringLiteral("prod"), QStringLiteral("a/b"))),
                 jsonFileText(kDocument));
        QCOMPARE(folder.documentPath(QStringLiteral("prod"), QStringLiteral("a/b")),
                 dir.filePath(QStringLiteral("prod/a%2Fb.json")));
        QCOMPARE(folder.basePath(QStringLiteral("prod"), QStringLiteral("a/b")),
                 dir.filePath(QStringLiteral("prod/.base/a%2Fb.json")));
        QVERIFY(QFileInfo::exists(folder.basePath(QStringLiteral("prod"), QStringLiteral("a/b"))));
        QCOMPARE(folder.profiles(), (QStringList{QStringLiteral("dev"), QStringLiteral("prod")}));

        const QList<FolderEntry> entries = folder.read();
        QCOMPARE(entries.size(), 3);
        QStringList order;
        for (const FolderEntry& e : entries) {
            QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
            QVERIFY(e.base.has_value());
            QCOMPARE(e.desired, e.base->document);
            QCOMPARE(e.base->toJson(), sampleBase(e.desired).toJson());
            QCOMPARE(e.path, folder.documentPath(e.profile, e.id));
            order << e.profile + QLatin1Char(':') + e.id;
        }
        QCOMPARE(order, (QStringList{QStringLiteral("dev:7"), QStringLiteral("prod:10"),
                                     QStringLiteral("prod:a/b")}));
        QCOMPARE(folder.read({QStringLiteral("dev")}).size(), 1);
        QCOMPARE(folder.read({QStringLiteral("absent")}).size(), 0);
    }

    void unchangedWriteKeepsTheFiles()
    {
        QTemporaryDir dir;
        ConnectorFolder folder(dir.path());
        const QString p = QStringLiteral("prod");
        const QString id = QStringLiteral("1");
        QString error;
        bool rewritten = false;
        QVERIFY(folder.write(p, id, kDocument, sampleBase(kDocument), &error, &rewritten));
        QVERIFY(rewritten);
        const QDateTime old = QDateTime::currentDateTimeUtc().addDays(-30);
        for (const QString& path : {folder.documentPath(p, id), folder.basePath(p, id)})
            QVERIFY(setModified(path, old));
        const QDateTime documentTime = modified(folder.documentPath(p, id));
        const QDateTime baseTime = modified(folder.basePath(p, id));

        QVERIFY(folder.write(p, id, kDocument, sampleBase(kDocument), &error, &rewritten));
        QVERIFY(!rewritten);
        QCOMPARE(modified(folder.documentPath(p, id)), documentTime);
        QCOMPARE(modified(folder.basePath(p, id)), baseTime);

        // Only the base changes (a new stamp): the document stays as it was.
        FolderBase newer = sampleBase(kDocument);
        newer.updatedAt = QStringLiteral("2026-03-01T00:00:00Z");
        QVERIFY(folder.write(p, id, kDocument, newer, &error, &rewritten));
        QVERIFY(rewritten);
        QCOMPARE(modified(folder.documentPath(p, id)), documentTime);
        QVERIFY(modified(folder.basePath(p, id)) != baseTime);
    }

    void writeRefusesWhatCannotBeAFile_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("id");
        QTest::newRow("profile ..") << QStringLiteral("..") << QStringLiteral("1");
        QTest::newRow("profile .base") << QStringLiteral(".base") << QStringLiteral("1");
        QTest::newRow("profile with slash") << QStringLiteral("a/b") << QStringLiteral("1");
        QTest::newRow("empty id") << QStringLiteral("prod") << QString();
        QTest::newRow("lone surrogate") << QStringLiteral("prod") << QString(QChar(0xd800));
    }
    void writeRefusesWhatCannotBeAFile()
    {
        QFETCH(QString, profile);
        QFETCH(QString, id);
        QTemporaryDir parent;
        const QString path = parent.filePath(QStringLiteral("folder"));
        ConnectorFolder folder(path);
        QString error;
        QVERIFY(!folder.write(profile, id, kDocument, sampleBase(kDocument), &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(
            QDir(parent.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
            QStringList());
    }

    void readReportsABadFileAndKeepsTheOthers_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("error");
        QTest::newRow("not JSON") << QStringLiteral("5.json") << QByteArray("{\"a\": ")
                                  << QStringLiteral("is not valid JSON");
        QTest::newRow("not an object") << QStringLiteral("5.json") << QByteArray("[1, 2]")
                                       << QStringLiteral("must hold one JSON object");
        QTest::newRow("bad file name") << QStringLiteral("a.b.json") << QByteArray("{}")
                                       << QStringLiteral("not a connector id");
        QTest::newRow("over 4 MB")
            << QStringLiteral("5.json") << ("{\"a\": \"" + QByteArray(4 * 1024 * 1024, 'x') + "\"}")
            << QStringLiteral("more than");
        QTest::newRow("base not JSON") << QStringLiteral(".base/5.json") << QByteArray("garbage")
                                       << QStringLiteral("is not valid JSON");
        QTest::newRow("base of another format")
            << QStringLiteral(".base/5.json") << QByteArray(R"({"format": 2, "document": {}})")
            << QStringLiteral("not a base written by connectorctl");
    }
    void readReportsABadFileAndKeepsTheOthers()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, content);
        QFETCH(QString, error);
        QTemporaryDir dir;
        ConnectorFolder folder(dir.path());
        QString why;
        for (const char* id : {"1", "5", "9"})
            QVERIFY(folder.write(QStringLiteral("p"), QLatin1String(id), kDocument,
                                 sampleBase(kDocument), &why));
        QVERIFY(writeAll(dir.filePath(QStringLiteral("p/") + file), content));
        // Not documents: dot files, other suffixes, directories.
        QVERIFY(writeAll(dir.filePath(QStringLiteral("p/.swap.json")), "{"));
        QVERIFY(writeAll(dir.filePath(QStringLiteral("p/README.md")), "notes"));
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("p/sub.json")));

        const QList<FolderEntry> entries = folder.read();
        QStringList bad;
        int good = 0;
        for (const FolderEntry& e : entries) {
            if (e.error.isEmpty()) {
                ++good;
                QCOMPARE(e.desired, kDocument);
            } else {
                bad << e.error;
                QVERIFY2(e.error.contains(error), qPrintable(e.error));
                // Named by the file that is wrong (the document or its base).
                const QString bad = dir.filePath(QStringLiteral("p/") + file);
                QVERIFY2(e.error.contains(bad), qPrintable(e.error));
            }
        }
        QCOMPARE(bad.size(), 1);
        QCOMPARE(good, file == QLatin1String("a.b.json") ? 3 : 2);
    }

    void baseFromJsonRejectsGarbage_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("empty") << QByteArray("{}") << QStringLiteral("no \"format\"");
        QTest::newRow("format 2") << QByteArray(R"({"format":2,"document":{}})")
                                  << QStringLiteral("format 2");
        QTest::newRow("format text")
            << QByteArray(R"({"format":"1","document":{}})") << QStringLiteral("format \"1\"");
        QTest::newRow("document array") << QByteArray(R"({"format":1,"document":[]})")
                                        << QStringLiteral("\"document\" is not an object");
        QTest::newRow("no document")
            << QByteArray(R"({"format":1})") << QStringLiteral("\"document\" is not an object");
        QTest::newRow("name number") << QByteArray(R"({"format":1,"document":{},"name":3})")
                                     << QStringLiteral("\"name\" is not a string");
        QTest::newRow("fingerprints array")
            << QByteArray(R"({"format":1,"document":{},"secretFingerprints":[]})")
            << QStringLiteral("\"secretFingerprints\" is not an object");
        QTest::newRow("fingerprint not sha256")
            << QByteArray(R"({"format":1,"document":{},"secretFingerprints":{"/a":"hunter2"}})")
            << QStringLiteral("not sha256:");
        QTest::newRow("fingerprint key not a pointer")
            << QByteArray(R"({"format":1,"document":{},"secretFingerprints":{"a":"x"}})")
            << QStringLiteral("not a JSON pointer");
    }
    void baseFromJsonRejectsGarbage()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString why;
        QVERIFY(!FolderBase::fromJson(parse(json).toObject(), &why));
        QVERIFY2(why.contains(error), qPrintable(why));
    }

    void baseJsonRoundTrips()
    {
        const FolderBase base = sampleBase(kDocument);
        QString why;
        const std::optional<FolderBase> back = FolderBase::fromJson(base.toJson(), &why);
        QVERIFY2(back, qPrintable(why));
        QCOMPARE(back->document, base.document);
        QCOMPARE(back->name, base.name);
        QCOMPARE(back->type, base.type);
        QCOMPARE(back->updatedAt, base.updatedAt);
        QCOMPARE(back->secretFingerprints, base.secretFingerprints);
    }

    void isEditedComparesTheDocumentWithItsBase()
    {
        QTemporaryDir dir;
        ConnectorFolder folder(dir.path());
        const QString p = QStringLiteral("p");
        QString error;
        QVERIFY(!folder.isEdited(p, QStringLiteral("1"))); // nothing there
        QVERIFY(folder.write(p, QStringLiteral("1"), kDocument, sampleBase(kDocument), &error));
        QVERIFY(!folder.isEdited(p, QStringLiteral("1")));
        // Reformatted by hand, same value: not an edit.
        QVERIFY(writeAll(folder.documentPath(p, QStringLiteral("1")),
                         QJsonDocument(kDocument).toJson(QJsonDocument::Compact)));
        QVERIFY(!folder.isEdited(p, QStringLiteral("1")));
        QJsonObject edited = kDocument;
        edited.insert(QStringLiteral("rate_limit"), 5);
        QVERIFY(folder.writeDocument(p, QStringLiteral("1"), edited, &error));
        QVERIFY(folder.isEdited(p, QStringLiteral("1")));
        // A document that no longer parses cannot be compared: it counts as edited.
        QVERIFY(writeAll(folder.documentPath(p, QStringLiteral("1")), "{ half"));
        QVERIFY(folder.isEdited(p, QStringLiteral("1")));
        // Without a base (added by hand) there is nothing to have edited.
        QVERIFY(writeAll(folder.documentPath(p, QStringLiteral("2")), "{}"));
        QVERIFY(!folder.isEdited(p, QStringLiteral("2")));
    }

    void removeTakesTheDocumentAndItsBase()
    {
        QTemporaryDir dir;
        ConnectorFolder folder(dir.path());
        QString error;
        QVERIFY(folder.write(QStringLiteral("p"), QStringLiteral("1"), kDocument,
                             sampleBase(kDocument), &error));
        QVERIFY2(folder.remove(QStringLiteral("p"), QStringLiteral("1"), &error),
                 qPrintable(error));
        QVERIFY(!QFileInfo::exists(folder.documentPath(QStringLiteral("p"), QStringLiteral("1"))));
        QVERIFY(!QFileInfo::exists(folder.basePath(QStringLiteral("p"), QStringLiteral("1"))));
        QVERIFY(folder.read().isEmpty());
        // Gone already: no error.
        QVERIFY(folder.remove(QStringLiteral("p"), QStringLiteral("1"), &error));
    }

    // --- secrets from the environment ---

    void resolveEnvSecretsReplacesAtAnyDepth()
    {
        QJsonObject doc = parse(R"({
            "top": {"$env": "TOP"},
            "nested": {"deeper": {"password": {"$env": "DB_PASSWORD"}}},
            "headers": [{"name": "Authorization", "value": {"$env": "_AUTH_1"}}, "plain"],
            "keep": "as is"
        })")
                              .toObject();
        const QMap<QString, QString> env{{QStringLiteral("TOP"), QStringLiteral("t")},
                                         {QStringLiteral("DB_PASSWORD"), QStringLiteral("pw")},
                                         {QStringLiteral("_AUTH_1"), QStringLiteral("Bearer x")}};
        QStringList missing;
        const QStringList replaced = resolveEnvSecrets(
            &doc,
            [&env](const QString& name) -> std::optional<QString> {
                return env.contains(name) ? std::optional<QString>(env.value(name)) : std::nullopt;
            },
            &missing);
        QCOMPARE(missing, QStringList());
        QCOMPARE(replaced,
                 (QStringList{QStringLiteral("/headers/0/value"),
                              QStringLiteral("/nested/deeper/password"), QStringLiteral("/top")}));
        QCOMPARE(doc, parse(R"({
            "top": "t",
            "nested": {"deeper": {"password": "pw"}},
            "headers": [{"name": "Authorization", "value": "Bearer x"}, "plain"],
            "keep": "as is"
        })")
                          .toObject());
    }

    void resolveEnvSecretsNamesWhatIsMissing_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("missing");
        QTest::newRow("not set") << QByteArray(R"({"a": [{"b": {"$env": "UNSET_VAR"}}]})")
                                 << QStringLiteral("UNSET_VAR (at /a/0/b)");
        QTest::newRow("starts with a digit") << QByteArray(R"({"a": {"$env": "1X"}})")
                                             << QStringLiteral("1X (at /a): not a variable name");
        QTest::newRow("a dash") << QByteArray(R"({"a": {"$env": "A-B"}})")
                                << QStringLiteral("A-B (at /a): not a variable name");
        QTest::newRow("empty") << QByteArray(R"({"a": {"$env": ""}})")
                               << QStringLiteral(" (at /a): not a variable name");
        QTest::newRow("a number") << QByteArray(R"({"a": {"$env": 5}})")
                                  << QStringLiteral("5 (at /a): not a variable name");
        QTest::newRow("key with slash")
            << QByteArray(R"({"a/b": {"$env": "NOPE"}})") << QStringLiteral("NOPE (at /a~1b)");
    }
    void resolveEnvSecretsNamesWhatIsMissing()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, missing);
        const QJsonObject before = parse(json).toObject();
        QJsonObject doc = before;
        QStringList found;
        // Every name is looked up as set: only UNSET_VAR and NOPE are not.
        const QStringList replaced = resolveEnvSecrets(
            &doc,
            [](const QString& name) -> std::optional<QString> {
                if (name == QLatin1String("UNSET_VAR") || name == QLatin1String("NOPE"))
                    return std::nullopt;
                return QStringLiteral("value");
            },
            &found);
        QCOMPARE(replaced, QStringList());
        QCOMPARE(found, QStringList{missing});
        QCOMPARE(doc, before); // left in place
    }

    void resolveEnvSecretsLeavesOtherObjectsAlone()
    {
        const QJsonObject before = parse(R"({
            "extra": {"$env": "SET", "other": 1},
            "nested": {"$env": {"$env": "SET"}},
            "text": "$env",
            "list": ["$env", {"env": "SET"}]
        })")
                                       .toObject();
        QJsonObject doc = before;
        QStringList missing;
        const QStringList replaced = resolveEnvSecrets(
            &doc, [](const QString&) { return std::optional<QString>(QStringLiteral("v")); },
            &missing);
        // {"$env": {...}} is one member named $env whose value is no name.
        QCOMPARE(replaced, QStringList());
        QCOMPARE(missing.size(), 1);
        QVERIFY2(missing.first().contains(QLatin1String("(at /nested): not a variable name")),
                 qPrintable(missing.first()));
        QCOMPARE(doc, before);
    }

    void isEnvSecretTakesOnlyTheExactForm_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<bool>("expected");
        QTest::newRow("exact") << QByteArray(R"({"$env": "A"})") << true;
        QTest::newRow("extra key") << QByteArray(R"({"$env": "A", "b": 1})") << false;
        QTest::newRow("number") << QByteArray(R"({"$env": 1})") << false;
        QTest::newRow("string") << QByteArray(R"("$env")") << false;
        QTest::newRow("empty object") << QByteArray("{}") << false;
    }
    void isEnvSecretTakesOnlyTheExactForm()
    {
        QFETCH(QByteArray, json);
        QFETCH(bool, expected);
        QCOMPARE(isEnvSecret(parse(json)), expected);
    }

    // --- fingerprints ---

    void fingerprintIsStableForTheSameFolder()
    {
        QTemporaryDir dir;
        QString error;
        const QString first =
            ConnectorFolder(dir.path())
                .secretFingerprint(QStringLiteral("p"), QStringLiteral("1"),
                                   QStringLiteral("/password"), QStringLiteral("hunter2"), &error);
        QVERIFY2(!first.isEmpty(), qPrintable(error));
        static const QRegularExpression shape(QStringLiteral("^sha256:[0-9a-f]{64}$"));
        QVERIFY2(shape.match(first).hasMatch(), qPrintable(first));
        const QString second =
            ConnectorFolder(dir.path())
                .secretFingerprint(QStringLiteral("p"), QStringLiteral("1"),
                                   QStringLiteral("/password"), QStringLiteral("hunter2"), &error);
        QCOMPARE(second, first);
    }

    void fingerprintDiffersPerInput_data()
    {
        QTest::addColumn<QStringList>("other"); // profile, id, pointer, value
        QTest::newRow("profile") << QStringList{"q", "1", "/password", "hunter2"};
        QTest::newRow("id") << QStringList{"p", "2", "/password", "hunter2"};
        QTest::newRow("pointer") << QStringList{"p", "1", "/token", "hunter2"};
        QTest::newRow("value") << QStringList{"p", "1", "/password", "hunter3"};
        QTest::newRow("parts run together") << QStringList{"p1", "", "/password", "hunter2"};
        QTest::newRow("empty value") << QStringList{"p", "1", "/password", ""};
    }
    void fingerprintDiffersPerInput()
    {
        QFETCH(QStringList, other);
        QTemporaryDir dir;
        const ConnectorFolder folder(dir.path());
        const QString base =
            folder.secretFingerprint(QStringLiteral("p"), QStringLiteral("1"),
                                     QStringLiteral("/password"), QStringLiteral("hunter2"));
        const QString changed =
            folder.secretFingerprint(other.at(0), other.at(1), other.at(2), other.at(3));
        QVERIFY(!base.isEmpty());
        QVERIFY(!changed.isEmpty());
        QVERIFY(changed != base);
    }

    void fingerprintDiffersPerFolder()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        const auto print = [](const QString& path) {
            return ConnectorFolder(path).secretFingerprint(QStringLiteral("p"), QStringLiteral("1"),
                                                           QStringLiteral("/password"),
                                                           QStringLiteral("hunter2"));
        };
        QVERIFY(!print(a.path()).isEmpty());
        QVERIFY(print(a.path()) != print(b.path()));
    }

    void fingerprintNeverHoldsTheValue_data()
    {
        QTest::addColumn<QString>("value");
        for (const char* v : {"hunter2", "sk_live_51Habc", "0123456789abcdef0123", "p@ss word",
                              "Bearer eyJhbGciOi"})
            QTest::newRow(v) << QString::fromLatin1(v);
    }
    void fingerprintNeverHoldsTheValue()
    {
        QFETCH(QString, value);
        QTemporaryDir dir;
        const ConnectorFolder folder(dir.path());
        const QString print = folder.secretFingerprint(QStringLiteral("p"), QStringLiteral("1"),
                                                       QStringLiteral("/password"), value);
        QCOMPARE(print.size(), 7 + 64);
        QVERIFY2(!print.contains(value), qPrintable(print));
        QVERIFY(!print.contains(QString::fromLatin1(value.toUtf8().toHex())));
        // Nor is it anywhere in the folder (the salt is the only file a fingerprint makes).
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral(".connectorctl-salt")});
        QVERIFY(
            !readAll(dir.filePath(QStringLiteral(".connectorctl-salt"))).contains(value.toUtf8()));
    }

    void saltFileIsPrivate()
    {
        QTemporaryDir dir;
        const QString folderPath = dir.filePath(QStringLiteral("not-yet"));
        QString error;
        QVERIFY(!ConnectorFolder(folderPath)
                     .secretFingerprint(QStringLiteral("p"), QStringLiteral("1"),
                                        QStringLiteral("/a"), QStringLiteral("v"), &error)
                     .isEmpty());
        const QString salt = QDir(folderPath).filePath(QStringLiteral(".connectorctl-salt"));
        QVERIFY(QFileInfo::exists(salt));
        // Owner, group and others (not Qt's "user" bits, which repeat whichever applies).
        const QFileDevice::Permissions unix = QFileDevice::Permissions::fromInt(0x7077);
        QCOMPARE(QFile::permissions(salt) & unix, QFile::ReadOwner | QFile::WriteOwner);
        const QByteArray hex = readAll(salt).trimmed();
        QCOMPARE(hex.size(), 64);
        QCOMPARE(QByteArray::fromHex(hex).toHex(), hex);
        // The salt file is not a profile, and not a document.
        QCOMPARE(ConnectorFolder(folderPath).profiles(), QStringList());
        QVERIFY(ConnectorFolder(folderPath).read().isEmpty());
    }

    void aDamagedSaltIsReported()
    {
        QTemporaryDir dir;
        QVERIFY(writeAll(dir.filePath(QStringLiteral(".connectorctl-salt")), "not hex"));
        QString error;
        QVERIFY(ConnectorFolder(dir.path())
                    .secretFingerprint(QStringLiteral("p"), QStringLiteral("1"),
                                       QStringLiteral("/a"), QStringLiteral("v"), &error)
                    .isEmpty());
        QVERIFY2(error.contains(QLatin1String("damaged")), qPrintable(error));
        // Left as it was: fingerprints made with it must stay comparable once it is repaired.
        QCOMPARE(readAll(dir.filePath(QStringLiteral(".connectorctl-salt"))),
                 QByteArray("not hex"));
    }
};

QTEST_GUILESS_MAIN(TestConnectorFolder)
#include "tst_connector_folder.moc"
