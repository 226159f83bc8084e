#include "Connector.h"
#include "DraftStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace ca;

// Drafts as a specification: round trip, safe file names, no typed secret on disk, unreadable
// files skipped and reported, and the debounced autosaver.
class TestDraftStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_root;
    QString m_dir; // a fresh drafts directory per test function

    static QJsonObject json(const char* text)
    {
        return QJsonDocument::fromJson(QByteArray(text)).object();
    }

    static ConnectorDraft draft(const QString& id = QStringLiteral("42"),
                                const QString& profile = QStringLiteral("prod"))
    {
        ConnectorDraft d;
        d.profile = profile;
        d.vendor = Vendor::Databar;
        d.connectorId = id;
        d.connectorName = QStringLiteral("Enrichment");
        d.baseDocument = json(R"({"name":"Enrichment","rate_limit":60,"tags":["a"]})");
        d.baseUpdatedAt = QStringLiteral("2024-05-01T10:00:00Z");
        d.editedDocument = json(R"({"name":"Enrichment v2","rate_limit":10,"tags":["a","b"]})");
        return d;
    }

    static QByteArray bytesOf(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    static void writeBytes(const QString& path, const QByteArray& bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

private slots:
    void init()
    {
        static int n = 0;
        m_dir = m_root.filePath(QStringLiteral("drafts%1").arg(++n));
    }

    void defaultDirectoryIsUnderTheSharedDataDirectory()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(DraftStore::defaultDirectory().endsWith(QStringLiteral("/ConnectorAdmin/drafts")));
    }

    void draftRoundTrips()
    {
        DraftStore store(m_dir);
        const ConnectorDraft saved = draft();
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        QString error;
        QVERIFY2(store.save(saved, &error), qPrintable(error));

        const auto loaded = DraftStore(m_dir).load(saved.profile, saved.vendor, saved.connectorId);
        QVERIFY(loaded);
        QCOMPARE(loaded->profile, saved.profile);
        QCOMPARE(loaded->vendor, saved.vendor);
        QCOMPARE(loaded->connectorId, saved.connectorId);
        QCOMPARE(loaded->connectorName, saved.connectorName);
        QCOMPARE(loaded->baseDocument, saved.baseDocument);
        QCOMPARE(loaded->baseUpdatedAt, saved.baseUpdatedAt);
        QCOMPARE(loaded->editedDocument, saved.editedDocument);
        QVERIFY(loaded->savedAt >= before);
        QCOMPARE(loaded->savedAt.timeSpec(), Qt::UTC);
        QVERIFY(loaded->unsavedSecretPointers().isEmpty());

        const QList<ConnectorDraft> all = store.all();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().editedDocument, saved.editedDocument);
    }

    void saveReplacesTheConnectorsDraft()
    {
        DraftStore store(m_dir);
        ConnectorDraft d = draft();
        QVERIFY(store.save(d));
        d.editedDocument.insert(QStringLiteral("rate_limit"), 5);
        QVERIFY(store.save(d));
        QCOMPARE(store.all().size(), 1);
        QCOMPARE(store.load(d.profile, d.vendor, d.connectorId)->editedDocument, d.editedDocument);
    }

    void missingDraftIsNotAnError()
    {
        DraftStore store(m_dir);
        QString error = QStringLiteral("stale");
        QVERIFY(!store.load(QStringLiteral("p"), Vendor::B3os, QStringLiteral("x"), &error));
        QVERIFY(error.isEmpty());
        QVERIFY(store.all().isEmpty());
        QVERIFY(!store.remove(QStringLiteral("p"), Vendor::B3os, QStringLiteral("x")));
    }

    void fileNameIsSafeForAnyId_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("id");
        QTest::newRow("dot dot slash") << "prod"
                                       << "../x";
        QTest::newRow("slash") << "prod"
                               << "a/b";
        QTest::newRow("absolute") << "prod"
                                  << "/etc/passwd";
        QTest::newRow("encoded slash") << "prod"
                                       << "%2F";
        QTest::newRow("spaces") << "prod"
                                << "  spaced id  ";
        QTest::newRow("dot dot") << "prod"
                                 << "..";
        QTest::newRow("empty") << "prod"
                               << "";
        QTest::newRow("unicode") << "prod" << QStringLiteral("conn\u00e9\u4e2d");
        QTest::newRow("profile with slash") << "../../evil"
                                            << "1";
        QTest::newRow("newline and nul") << "prod" << QStringLiteral("a\nb") + QChar(0) + "c";
    }
    void fileNameIsSafeForAnyId()
    {
        QFETCH(QString, profile);
        QFETCH(QString, id);
        const QString name = DraftStore::fileNameFor(profile, Vendor::B3os, id);
        QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{32}\\.json$")).match(name).hasMatch(),
                 qPrintable(name));

        const QStringList rootBefore =
            QDir(m_root.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
        DraftStore store(m_dir);
        ConnectorDraft d = draft(id, profile);
        d.vendor = Vendor::B3os;
        QVERIFY(store.save(d));
        QCOMPARE(QDir(m_dir).entryList(QDir::Files), QStringList{name});
        QCOMPARE(QFileInfo(store.filePathFor(profile, Vendor::B3os, id)).absolutePath(),
                 QFileInfo(m_dir).absoluteFilePath());
        // Nothing appeared next to the drafts directory.
        QStringList rootAfter =
            QDir(m_root.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
        rootAfter.removeAll(QFileInfo(m_dir).fileName());
        QCOMPARE(rootAfter, rootBefore);

        const auto loaded = store.load(profile, Vendor::B3os, id);
        QVERIFY(loaded);
        QCOMPARE(loaded->connectorId, id);
        QCOMPARE(loaded->profile, profile);
    }

    void differentKeysGetDifferentFiles_data()
    {
        QTest::addColumn<QString>("profileB");
        QTest::addColumn<int>("vendorB");
        QTest::addColumn<QString>("idB");
        QTest::newRow("id") << "p" << int(Vendor::Databar) << "2";
        QTest::newRow("vendor") << "p" << int(Vendor::Bigdata) << "1";
        QTest::newRow("profile") << "q" << int(Vendor::Databar) << "1";
        QTest::newRow("no ambiguity when joined") << "p1" << int(Vendor::Databar) << "";
    }
    void differentKeysGetDifferentFiles()
    {
        QFETCH(QString, profileB);
        QFETCH(int, vendorB);
        QFETCH(QString, idB);
        DraftStore store(m_dir);
        ConnectorDraft a = draft(QStringLiteral("1"), QStringLiteral("p"));
        ConnectorDraft b = draft(idB, profileB);
        b.vendor = Vendor(vendorB);
        b.editedDocument.insert(QStringLiteral("which"), QStringLiteral("b"));
        QVERIFY(store.save(a));
        QVERIFY(store.save(b));
        QCOMPARE(store.all().size(), 2);
        QVERIFY(!store.load(a.profile, a.vendor, a.connectorId)
                     ->editedDocument.contains(QStringLiteral("which")));
        QVERIFY(store.load(b.profile, b.vendor, b.connectorId)
                    ->editedDocument.contains(QStringLiteral("which")));
    }

    void typedSecretsAreNeverWritten_data()
    {
        QTest::addColumn<QStringList>("secretPaths");
        QTest::addColumn<QString>("base");
        QTest::addColumn<QString>("edited");
        QTest::addColumn<QStringList>("typed");   // must not be in the file
        QTest::addColumn<QStringList>("unsaved"); // pointers holding the marker
        QTest::addColumn<QString>("keptPointer"); // a secret kept from the base, or ""
        QTest::addColumn<QString>("keptValue");
        QTest::newRow("changed masked password")
            << QStringList{"/configuration/password"}
            << R"({"configuration":{"host":"db","password":"*************"}})"
            << R"({"configuration":{"host":"db2","password":"hunter2-typed"}})"
            << QStringList{"hunter2-typed"} << QStringList{"/configuration/password"} << ""
            << "";
        QTest::newRow("untouched mask is kept")
            << QStringList{"/configuration/password"}
            << R"({"configuration":{"host":"db","password":"*************"}})"
            << R"({"configuration":{"host":"db2","password":"*************"}})" << QStringList{}
            << QStringList{} << "/configuration/password"
            << "*************";
        QTest::newRow("header values by wildcard")
            << QStringList{"/headers/*/value"} << R"({"headers":[{"name":"A","value":"base-a"}]})"
            << R"({"headers":[{"name":"A","value":"base-a"},{"name":"B","value":"typed-b"}]})"
            << QStringList{"typed-b"} << QStringList{"/headers/1/value"} << "/headers/0/value"
            << "base-a";
        QTest::newRow("new secret field") << QStringList{"/token"} << R"({"name":"x"})"
                                          << R"({"name":"x","token":"tok-new"})"
                                          << QStringList{"tok-new"} << QStringList{"/token"} << ""
                                          << "";
        QTest::newRow("whole object secret")
            << QStringList{"/data"} << R"({"data":{"k":"old"}})"
            << R"({"data":{"k":"old","pin":"pin-typed-77"}})" << QStringList{"pin-typed-77"}
            << QStringList{"/data"} << ""
            << "";
        QTest::newRow("two secrets, one changed")
            << QStringList{"/a/secret", "/b/secret"}
            << R"({"a":{"secret":"***"},"b":{"secret":"***"}})"
            << R"({"a":{"secret":"***"},"b":{"secret":"typed-b2"}})" << QStringList{"typed-b2"}
            << QStringList{"/b/secret"} << "/a/secret"
            << "***";
    }
    void typedSecretsAreNeverWritten()
    {
        QFETCH(QStringList, secretPaths);
        QFETCH(QString, base);
        QFETCH(QString, edited);
        QFETCH(QStringList, typed);
        QFETCH(QStringList, unsaved);
        QFETCH(QString, keptPointer);
        QFETCH(QString, keptValue);
        DraftStore store(m_dir);
        ConnectorDraft d = draft();
        d.secretPaths = secretPaths;
        d.baseDocument = QJsonDocument::fromJson(base.toUtf8()).object();
        d.editedDocument = QJsonDocument::fromJson(edited.toUtf8()).object();
        QVERIFY(!d.editedDocument.isEmpty());
        QVERIFY(store.save(d));

        const QByteArray bytes = bytesOf(store.filePathFor(d.profile, d.vendor, d.connectorId));
        QVERIFY(!bytes.isEmpty());
        for (const QString& secret : typed)
            QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(secret));
        const auto loaded = store.load(d.profile, d.vendor, d.connectorId);
        QVERIFY(loaded);
        QCOMPARE(loaded->unsavedSecretPointers(), unsaved);
        for (const QString& pointer : unsaved)
            QCOMPARE(jsonValueAt(loaded->editedDocument, pointer),
                     QJsonValue(DraftStore::kSecretNotSaved));
        if (!keptPointer.isEmpty()) {
            // Kept secrets are not written either: they come back from the server's copy.
            QVERIFY2(!bytes.contains(keptValue.toUtf8()) || keptValue.startsWith(QLatin1Char('*')),
                     qPrintable(keptValue));
            QCOMPARE(jsonValueAt(loaded->editedDocument, keptPointer),
                     QJsonValue(DraftStore::kSecretStored));
            const ConnectorDraft restored = loaded->withStoredSecretsFrom(d.baseDocument);
            QCOMPARE(jsonValueAt(restored.editedDocument, keptPointer), QJsonValue(keptValue));
            QCOMPARE(restored.baseDocument, d.baseDocument);
        }
        QCOMPARE(loaded->secretPaths, secretPaths);
        // Non-secret edits survive.
        QCOMPARE(DraftStore::sanitized(d).editedDocument, loaded->editedDocument);
    }

    void unreadableFilesAreSkippedAndReported_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << "JSON";
        QTest::newRow("garbage") << QByteArray("\x00\xff\x13garbage", 10) << "JSON";
        QTest::newRow("truncated")
            << QJsonDocument(draft(QStringLiteral("t")).toJson()).toJson().left(80) << "JSON";
        QTest::newRow("array") << QByteArray("[1,2]") << "object";
        QTest::newRow("unknown vendor") << QByteArray(R"({"vendor":"acme"})") << "vendor";
        QTest::newRow("no documents")
            << QByteArray(R"({"vendor":"b3os","profile":"p","connectorId":"1"})") << "Document";
        QTest::newRow("another connector's draft")
            << QJsonDocument(draft(QStringLiteral("other")).toJson()).toJson() << "name";
    }
    void unreadableFilesAreSkippedAndReported()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, reason);
        DraftStore store(m_dir);
        QVERIFY(store.save(draft()));
        const QString bad = m_dir + QStringLiteral("/0123456789abcdef0123456789abcdef.json");
        writeBytes(bad, content);

        QStringList unreadable;
        const QList<ConnectorDraft> all = store.all(&unreadable);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().connectorId, QStringLiteral("42"));
        QCOMPARE(unreadable.size(), 1);
        QVERIFY2(unreadable.first().startsWith(bad), qPrintable(unreadable.first()));
        QVERIFY2(unreadable.first().contains(reason), qPrintable(unreadable.first()));
    }

    void truncatedDraftFailsToLoadWithAReason()
    {
        DraftStore store(m_dir);
        const ConnectorDraft d = draft();
        QVERIFY(store.save(d));
        const QString path = store.filePathFor(d.profile, d.vendor, d.connectorId);
        const QByteArray full = bytesOf(path);
        writeBytes(path, full.left(full.size() / 2));
        QString error;
        QVERIFY(!store.load(d.profile, d.vendor, d.connectorId, &error));
        QVERIFY(!error.isEmpty());
    }

    void allListsNewestFirst()
    {
        DraftStore store(m_dir);
        for (const char* id : {"first", "second", "third"}) {
            QVERIFY(store.save(draft(QLatin1String(id))));
            QTest::qWait(5); // distinct savedAt stamps
        }
        QStringList ids;
        for (const ConnectorDraft& d : store.all())
            ids.append(d.connectorId);
        QCOMPARE(ids, (QStringList{"third", "second", "first"}));
    }

    void removeAndClear()
    {
        DraftStore store(m_dir);
        QVERIFY(store.save(draft(QStringLiteral("1"))));
        QVERIFY(store.save(draft(QStringLiteral("2"))));
        QVERIFY(store.save(draft(QStringLiteral("3"))));
        QVERIFY(store.remove(QStringLiteral("prod"), Vendor::Databar, QStringLiteral("2")));
        QVERIFY(!store.load(QStringLiteral("prod"), Vendor::Databar, QStringLiteral("2")));
        QCOMPARE(store.all().size(), 2);
        writeBytes(m_dir + QStringLiteral("/0123456789abcdef0123456789abcdef.json.aB3dEf"), "x");
        store.clear();
        QVERIFY(store.all().isEmpty());
        QVERIFY(QDir(m_dir).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void filesArePrivate()
    {
        DraftStore store(m_dir + QStringLiteral("/nested"));
        const ConnectorDraft d = draft();
        QVERIFY(store.save(d));
        QVERIFY(store.save(d)); // a replacement too
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(store.filePathFor(d.profile, d.vendor, d.connectorId))
                            .constData(),
                        &st),
                 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        for (const QString& dir : {m_dir, store.directory()}) {
            QCOMPARE(::stat(QFile::encodeName(dir).constData(), &st), 0);
            QCOMPARE(st.st_mode & 0777, 0700u);
        }
    }

    void autosaverCoalescesEdits()
    {
        DraftStore store(m_dir);
        DraftAutosaver autosaver(&store, 50);
        QSignalSpy saved(&autosaver, &DraftAutosaver::saved);
        ConnectorDraft d = draft();
        for (int i = 1; i <= 5; ++i) {
            d.editedDocument.insert(QStringLiteral("rate_limit"), i);
            autosaver.scheduleSave(d);
        }
        QVERIFY(autosaver.hasPending());
        QCOMPARE(autosaver.writeCount(), 0);
        QVERIFY(!QFile::exists(store.filePathFor(d.profile, d.vendor, d.connectorId)));

        QTRY_COMPARE(autosaver.writeCount(), 1);
        QCOMPARE(saved.size(), 1);
        QVERIFY(!autosaver.hasPending());
        QCOMPARE(store.load(d.profile, d.vendor, d.connectorId)
                     ->editedDocument.value(QStringLiteral("rate_limit"))
                     .toInt(),
                 5);
        QTest::qWait(150); // nothing else was pending: no second write
        QCOMPARE(autosaver.writeCount(), 1);
    }

    void autosaverWritesEachConnectorOnce()
    {
        DraftStore store(m_dir);
        DraftAutosaver autosaver(&store, 50);
        for (int i = 0; i < 3; ++i) {
            autosaver.scheduleSave(draft(QStringLiteral("a")));
            autosaver.scheduleSave(draft(QStringLiteral("b")));
        }
        QTRY_COMPARE(autosaver.writeCount(), 2);
        QCOMPARE(store.all().size(), 2);
    }

    void flushWritesImmediately()
    {
        DraftStore store(m_dir);
        DraftAutosaver autosaver(&store, 60'000);
        QCOMPARE(autosaver.delayMs(), 60'000);
        ConnectorDraft d = draft();
        autosaver.scheduleSave(d);
        d.editedDocument.insert(QStringLiteral("rate_limit"), 7);
        autosaver.scheduleSave(d);
        QVERIFY(autosaver.flush());
        QCOMPARE(autosaver.writeCount(), 1);
        QVERIFY(!autosaver.hasPending());
        QCOMPARE(store.load(d.profile, d.vendor, d.connectorId)
                     ->editedDocument.value(QStringLiteral("rate_limit"))
                     .toInt(),
                 7);
        QVERIFY(autosaver.flush()); // nothing pending: no write
        QCOMPARE(autosaver.writeCount(), 1);
    }

    void destroyingTheAutosaverFlushes()
    {
        DraftStore store(m_dir);
        const ConnectorDraft d = draft();
        {
            DraftAutosaver autosaver(&store, 60'000);
            autosaver.scheduleSave(d);
        }
        QVERIFY(store.load(d.profile, d.vendor, d.connectorId));
    }

    void discardDropsPendingAndStoredDraft()
    {
        DraftStore store(m_dir);
        DraftAutosaver autosaver(&store, 50);
        ConnectorDraft d = draft();
        autosaver.scheduleSave(d);
        QVERIFY(autosaver.flush());
        autosaver.scheduleSave(d); // an edit racing with a successful apply
        autosaver.discard(d.profile, d.vendor, d.connectorId);
        QVERIFY(!autosaver.hasPending());
        QTest::qWait(150);
        QVERIFY(!store.load(d.profile, d.vendor, d.connectorId));
        QCOMPARE(autosaver.writeCount(), 1);
    }

    void failedAutosaveIsReported()
    {
        // The "directory" is a file: nothing can be written there.
        writeBytes(m_root.filePath(QStringLiteral("not-a-dir")), "x");
        DraftStore store(m_root.filePath(QStringLiteral("not-a-dir")));
        DraftAutosaver autosaver(&store, 60'000);
        QSignalSpy failed(&autosaver, &DraftAutosaver::saveFailed);
        autosaver.scheduleSave(draft());
        QVERIFY(!autosaver.flush());
        QCOMPARE(failed.size(), 1);
        QCOMPARE(autosaver.writeCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDraftStore)
#include "tst_draft_store.moc"
