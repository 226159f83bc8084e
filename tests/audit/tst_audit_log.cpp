#include "AuditLog.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <thread>

using namespace ca;

Q_DECLARE_METATYPE(ca::AuditRecord)

// The audit log as a specification: what a record holds, that secrets never reach the file,
// newest-first reading with filters, crash leftovers, rotation, permissions and concurrent writers.
class TestAuditLog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_root;
    QString m_dir; // a fresh directory per test function

    static AuditRecord record(const QString& profile, const QString& connectorId,
                              const QString& message, qint64 msecs = 0)
    {
        AuditRecord r;
        r.time = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000 + msecs, Qt::UTC);
        r.tool = AuditTool::Cli;
        r.profile = profile;
        r.vendor = Vendor::Databar;
        r.connectorId = connectorId;
        r.connectorName = QStringLiteral("Enrichment ") + connectorId;
        r.action = AuditAction::Apply;
        r.diff = QJsonObject{{QStringLiteral("summary"), QStringLiteral("1 changed")}};
        r.httpStatus = 200;
        r.requestId = QStringLiteral("req-") + message;
        r.outcome = AuditOutcome::Applied;
        r.message = message;
        r.before = QJsonObject{{QStringLiteral("rate_limit"), 60}};
        r.after = QJsonObject{{QStringLiteral("rate_limit"), 10}};
        return r;
    }

    QByteArray fileBytes() const
    {
        QFile f(AuditLog(m_dir).filePath());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    static QStringList messages(const QList<AuditRecord>& records)
    {
        QStringList out;
        for (const AuditRecord& r : records)
            out.append(r.message);
        return out;
    }

private slots:
    void init()
    {
        static int n = 0;
        m_dir = m_root.filePath(QStringLiteral("log%1").arg(++n));
    }

    void defaultDirectoryIsSharedByCliAndGui()
    {
        QStandardPaths::setTestModeEnabled(true);
        const QString before = QCoreApplication::applicationName();
        QCoreApplication::setApplicationName(QStringLiteral("connectorctl"));
        const QString cli = AuditLog::defaultDirectory();
        QCoreApplication::setApplicationName(QStringLiteral("connector-admin"));
        const QString gui = AuditLog::defaultDirectory();
        QCoreApplication::setApplicationName(before);
        QCOMPARE(cli, gui);
        QVERIFY(cli.endsWith(QStringLiteral("/ConnectorAdmin")));
        QCOMPARE(AuditLog(cli).filePath(), cli + QStringLiteral("/audit.jsonl"));
    }

    void recordRoundTripsThroughTheFile_data()
    {
        QTest::addColumn<int>("tool");
        QTest::addColumn<int>("action");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<int>("vendor");
        QTest::addColumn<int>("httpStatus");
        QTest::newRow("gui apply applied")
            << int(AuditTool::Gui) << int(AuditAction::Apply) << int(AuditOutcome::Applied)
            << int(Vendor::Databar) << 200;
        QTest::newRow("cli apply refused") << int(AuditTool::Cli) << int(AuditAction::Apply)
                                           << int(AuditOutcome::Refused) << int(Vendor::B3os) << 0;
        QTest::newRow("apply failed") << int(AuditTool::Gui) << int(AuditAction::Apply)
                                      << int(AuditOutcome::Failed) << int(Vendor::Bigdata) << 500;
        QTest::newRow("apply conflict")
            << int(AuditTool::Gui) << int(AuditAction::Apply) << int(AuditOutcome::Conflict)
            << int(Vendor::AiSquared) << 409;
        QTest::newRow("update dispatched")
            << int(AuditTool::Cli) << int(AuditAction::SoftwareUpdate)
            << int(AuditOutcome::Dispatched) << int(Vendor::Timbal) << 202;
        QTest::newRow("update already current")
            << int(AuditTool::Gui) << int(AuditAction::SoftwareUpdate)
            << int(AuditOutcome::AlreadyCurrent) << int(Vendor::Timbal) << 200;
        QTest::newRow("revert applied")
            << int(AuditTool::Gui) << int(AuditAction::Revert) << int(AuditOutcome::Applied)
            << int(Vendor::Databar) << 200;
    }
    void recordRoundTripsThroughTheFile()
    {
        QFETCH(int, tool);
        QFETCH(int, action);
        QFETCH(int, outcome);
        QFETCH(int, vendor);
        QFETCH(int, httpStatus);
        AuditRecord r = record(QStringLiteral("prod"), QStringLiteral("42"), QStringLiteral("m"));
        r.time =
            QDateTime::fromString(QStringLiteral("2024-05-01T12:34:56.789Z"), Qt::ISODateWithMs);
        r.tool = AuditTool(tool);
        r.action = AuditAction(action);
        r.outcome = AuditOutcome(outcome);
        r.vendor = Vendor(vendor);
        r.httpStatus = httpStatus;
        r.serverDifferences = {{QStringLiteral("/rate_limit"), 60, 10},
                               {QStringLiteral("/gone"), true, QJsonValue(QJsonValue::Undefined)}};
        r.secretPaths = {QStringLiteral("/configuration/password")};

        AuditLog log(m_dir);
        QString error;
        QVERIFY2(log.append(r, &error), qPrintable(error));
        QVERIFY2(log.flush(&error), qPrintable(error)); // another instance reads the file only
        const QList<AuditRecord> back = AuditLog(m_dir).records();
        QCOMPARE(back.size(), 1);
        QCOMPARE(back.first().toJson(), r.toJson());
        QCOMPARE(back.first().time, r.time);
        QVERIFY(back.first().serverDifferences.at(1).received.isUndefined());
        // One line, ISO 8601 UTC with milliseconds.
        QCOMPARE(fileBytes().count('\n'), 1);
        QVERIFY(fileBytes().contains("\"time\":\"2024-05-01T12:34:56.789Z\""));
    }

    // The writer's fast path for small records writes what QJsonDocument writes, byte for byte,
    // and declines whatever it cannot write the same way (then QJsonDocument writes it).
    void compactLineIsWhatQJsonDocumentWrites_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("fast");
        QString ascii;
        for (char16_t c = 0x20; c < 0x7f; ++c)
            ascii += QChar(c);
        QTest::newRow("printable ASCII") << ascii << true;
        QTest::newRow("quotes and backslashes") << QStringLiteral("a\\\"b\\") << true;
        QTest::newRow("Latin-1 and CJK") << QStringLiteral("café ñ ¿ 日本 → €") << true;
        QTest::newRow("empty") << QString() << true;
        QTest::newRow("newline") << QStringLiteral("two\nlines") << false;
        QTest::newRow("tab") << QStringLiteral("a\tb") << false;
        QTest::newRow("DEL") << QStringLiteral("a\x7f") << false;
        QTest::newRow("emoji") << QStringLiteral("ok 👍") << false;
        QTest::newRow("lone surrogate") << QString(QChar(0xd800)) << false;
    }
    void compactLineIsWhatQJsonDocumentWrites()
    {
        QFETCH(QString, text);
        QFETCH(bool, fast);
        AuditRecord r = record(QStringLiteral("prod ") + text, QStringLiteral("con_1"), text);
        r.time = QDateTime::currentDateTimeUtc();
        r.diff = QJsonValue(QJsonValue::Undefined);
        r.action = AuditAction::SoftwareUpdate;
        r.vendor = Vendor::Timbal;
        r.connectorName = text;
        r.requestId = text;
        r.secretPaths = {QStringLiteral("/a"), text};
        for (const bool intent : {false, true}) {
            r.outcome = intent ? AuditOutcome::Intent : AuditOutcome::Dispatched;
            r.operationId = intent ? QStringLiteral("op-") + text : QString();
            r.changeSetId = intent ? QStringLiteral("cs-") + text : QString();
            r.processId = intent ? 4242 : 0;
            r.host = intent ? text : QString();
            r.httpStatus = intent ? 0 : 202;
            r.before = QJsonObject{{QStringLiteral("version"), text},
                                   {QStringLiteral("b"), true},
                                   {QStringLiteral("n"), QJsonValue()}};
            r.after =
                QJsonObject{{QStringLiteral("version"), QStringLiteral("0.1.4")}, {text, false}};
            QByteArray line;
            QCOMPARE(r.appendCompactJson(&line), fast);
            if (fast)
                QCOMPARE(line, QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact));
            else
                QVERIFY(line.isEmpty());
        }
        if (!fast)
            return;
        // Documents with numbers, arrays or objects, a diff, server differences: the same bytes.
        AuditRecord withNumber = r;
        withNumber.after.insert(QStringLiteral("port"), 5432.5);
        withNumber.before.insert(QStringLiteral("rate"), 60);
        AuditRecord withDiff = r;
        withDiff.diff = QJsonArray{QStringLiteral("x"), QJsonObject{{QStringLiteral("n"), 1e21}}};
        AuditRecord withDiffObject = r;
        withDiffObject.diff = QJsonObject{{QStringLiteral("changes"), QJsonArray{}},
                                          {QStringLiteral("note"), QStringLiteral("a\nb ") + text}};
        AuditRecord withDifference = r;
        withDifference.serverDifferences = {{QStringLiteral("/rate_limit"), 60, 10},
                                            {QStringLiteral("/gone"), true, QJsonValue::Undefined}};
        AuditRecord nested = r;
        nested.after.insert(
            QStringLiteral("headers"),
            QJsonArray{QJsonObject{{QStringLiteral("name"), text + QLatin1Char('\t')}}});
        for (const AuditRecord& other :
             {withNumber, withDiff, withDiffObject, withDifference, nested}) {
            QByteArray line;
            QVERIFY(other.appendCompactJson(&line));
            QCOMPARE(line, QJsonDocument(other.toJson()).toJson(QJsonDocument::Compact));
        }
        // A diff that is no document: left to QJsonDocument.
        AuditRecord scalarDiff = r;
        scalarDiff.diff = QStringLiteral("x");
        QByteArray line;
        QVERIFY(!scalarDiff.appendCompactJson(&line));
        QVERIFY(line.isEmpty());
    }

    // An intent is told by its outcome once that is written: readers see one record per write,
    // and an intent alone only when its outcome never came (the app stopped while sending).
    void anIntentIsFoldedIntoItsOutcome()
    {
        AuditRecord firstIntent =
            record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("sending 1"), 1);
        firstIntent.outcome = AuditOutcome::Intent;
        firstIntent.operationId = QStringLiteral("op-1");
        AuditRecord firstOutcome =
            record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("applied 1"), 2);
        firstOutcome.operationId = QStringLiteral("op-1");
        AuditRecord lone =
            record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("sending 2"), 3);
        lone.outcome = AuditOutcome::Intent;
        lone.operationId = QStringLiteral("op-2");
        AuditRecord older =
            record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("no id"), 0);
        {
            AuditLog log(m_dir);
            for (const AuditRecord& r : {older, firstIntent, firstOutcome, lone})
                QVERIFY(log.append(r));
            // Queued and written lines fold alike.
            QCOMPARE(messages(log.records()), (QStringList{"sending 2", "applied 1", "no id"}));
        }
        AuditLog log(m_dir);
        const QList<AuditRecord> all = log.records();
        QCOMPARE(messages(all), (QStringList{"sending 2", "applied 1", "no id"}));
        QCOMPARE(all.first().outcome, AuditOutcome::Intent);
        QCOMPARE(all.first().operationId, QStringLiteral("op-2"));
        QCOMPARE(all.at(1).operationId, QStringLiteral("op-1"));
        QCOMPARE(messages(log.records(QStringLiteral("p"), QStringLiteral("1"), 2)),
                 (QStringList{"sending 2", "applied 1"}));
        QCOMPARE(fileBytes().count("\"operationId\":\"op-1\""), 2); // both lines are kept
        QVERIFY(!fileBytes().contains("\"operationId\":\"\""));     // no empty id is written
    }

    // appendDurably() answers on the log's thread once the record is fsynced: by then it is in
    // the file.
    void appendDurablyAnswersOnceTheRecordIsOnDisk()
    {
        AuditLog log(m_dir);
        QObject context;
        bool answered = false;
        bool ok = false;
        QByteArray seen;
        AuditRecord intent =
            record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("sending"));
        intent.outcome = AuditOutcome::Intent;
        intent.operationId = QStringLiteral("op-durable");
        const Qt::HANDLE appending = QThread::currentThreadId();
        log.appendDurably(intent, &context, [&](bool written, const QString& error) {
            QVERIFY2(written, qPrintable(error));
            QCOMPARE(QThread::currentThreadId(), appending);
            answered = true;
            ok = written;
            seen = fileBytes();
        });
        QVERIFY(!answered); // never from within the call: the caller has not set anything up yet
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        QVERIFY(ok);
        QVERIFY(seen.contains("\"operationId\":\"op-durable\""));
        QVERIFY(seen.contains("\"outcome\":\"intent\""));
    }

    // When the record cannot be written the answer says so, with the path: the caller sends
    // nothing. A directory that would have to be made below a plain file fails even for root.
    void appendDurablyReportsARecordThatCannotBeWritten()
    {
        QVERIFY(QDir().mkpath(m_dir));
        QFile blocker(m_dir + QStringLiteral("/plain-file"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        AuditLog log(blocker.fileName() + QStringLiteral("/audit"));
        QObject context;
        std::optional<std::pair<bool, QString>> answer;
        log.appendDurably(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m")),
                          &context,
                          [&](bool ok, const QString& error) { answer.emplace(ok, error); });
        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 10000);
        QVERIFY(!answer->first);
        QVERIFY2(answer->second.contains(blocker.fileName()), qPrintable(answer->second));
    }

    // A caller gone before the disk answered is not called (the apply was closed meanwhile).
    void appendDurablyForgetsAGoneContext()
    {
        AuditLog log(m_dir);
        bool called = false;
        {
            QObject context;
            log.appendDurably(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m")),
                              &context, [&](bool, const QString&) { called = true; });
        }
        QVERIFY(log.flush());
        QTest::qWait(50); // the answer, if any, is posted: let it be delivered
        QCoreApplication::processEvents();
        QVERIFY(!called);
        QCOMPARE(log.records().size(), 1); // the record itself is written all the same
    }

    void appendStampsTheTimeWhenUnset()
    {
        AuditRecord r = record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m"));
        r.time = QDateTime();
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        QVERIFY(AuditLog(m_dir).append(r));
        const QDateTime stamped = AuditLog(m_dir).records().value(0).time;
        QVERIFY(stamped.isValid());
        QVERIFY(stamped >= before);
        QCOMPARE(stamped.timeSpec(), Qt::UTC);
    }

    // The records of a change set share its id, and its summary is a record of its own.
    void changeSetIdAndActionRoundTrip()
    {
        AuditRecord r = record(QStringLiteral("p"), QString(), QStringLiteral("3 applied"));
        r.action = AuditAction::ChangeSet;
        r.changeSetId = QStringLiteral("cs-1");
        QVERIFY(AuditLog(m_dir).append(r));
        QVERIFY(fileBytes().contains("\"action\":\"change-set\""));
        const AuditRecord read = AuditLog(m_dir).records().value(0);
        QCOMPARE(read.action, AuditAction::ChangeSet);
        QCOMPARE(read.changeSetId, QStringLiteral("cs-1"));
        r.changeSetId.clear();
        QVERIFY(!r.toJson().contains(QStringLiteral("changeSetId")));
    }

    void recordHasNoFieldForAnApiKey()
    {
        QJsonObject o =
            record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m")).toJson();
        o.insert(QStringLiteral("apiKey"), QStringLiteral("sk-live-never"));
        const auto parsed = AuditRecord::fromJson(o);
        QVERIFY(parsed);
        QVERIFY(!parsed->toJson().contains(QStringLiteral("apiKey")));
        QVERIFY(AuditLog(m_dir).append(*parsed));
        QVERIFY(!fileBytes().contains("sk-live-never"));
    }

    void unknownEnumValuesAreRejected_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("tool") << "tool"
                              << "robot";
        QTest::newRow("vendor") << "vendor"
                                << "acme";
        QTest::newRow("action") << "action"
                                << "delete";
        QTest::newRow("outcome") << "outcome"
                                 << "maybe";
        QTest::newRow("time") << "time"
                              << "yesterday";
    }
    void unknownEnumValuesAreRejected()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QJsonObject o =
            record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m")).toJson();
        QVERIFY(AuditRecord::fromJson(o));
        o.insert(field, value);
        QString error;
        QVERIFY(!AuditRecord::fromJson(o, &error));
        QVERIFY(error.contains(field));
    }

    // Defensive: the caller's diff is supposed to be masked already, the log masks again.
    void secretsAreRedactedByKeyName_data()
    {
        QTest::addColumn<QString>("key");
        for (const char* key :
             {"password", "secret", "token", "api_key", "apikey", "private_key", "authorization",
              "x-apikey", "x-api-key", "key", "Password", "X-API-KEY", "Authorization",
              "db_password", "clientSecret", "access_token", "refreshToken", "apiKey"})
            QTest::newRow(key) << QString::fromLatin1(key);
    }
    void secretsAreRedactedByKeyName()
    {
        QFETCH(QString, key);
        const QString inBefore = QStringLiteral("s3cr3t-before-") + key;
        const QString inAfter = QStringLiteral("s3cr3t-after-") + key;
        const QString inDiff = QStringLiteral("s3cr3t-diff-") + key;
        const QString inServer = QStringLiteral("s3cr3t-server-") + key;
        const QString inHeader = QStringLiteral("s3cr3t-header-") + key;
        AuditRecord r = record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m"));
        r.before = QJsonObject{{QStringLiteral("configuration"), QJsonObject{{key, inBefore}}},
                               {QStringLiteral("name"), QStringLiteral("visible")}};
        r.after = QJsonObject{
            {QStringLiteral("nested"), QJsonArray{QJsonObject{{key, QJsonArray{inAfter}}}}},
            {QStringLiteral("headers"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("name"), key}, {QStringLiteral("value"), inHeader}}}}};
        r.diff =
            QJsonObject{{QStringLiteral("entries"),
                         QJsonArray{QJsonObject{{QStringLiteral("op"), QStringLiteral("changed")},
                                                {QStringLiteral("afterPointer"),
                                                 QStringLiteral("/configuration/") + key},
                                                {QStringLiteral("after"), inDiff}}}}};
        r.serverDifferences = {{QStringLiteral("/configuration/") + key, inServer, inServer}};
        QVERIFY(AuditLog(m_dir).append(r));

        const QByteArray bytes = fileBytes();
        for (const QString& secret : {inBefore, inAfter, inDiff, inServer, inHeader})
            QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(secret));
        QVERIFY(bytes.contains("visible")); // the rest is kept
        const AuditRecord back = AuditLog(m_dir).records().value(0);
        QCOMPARE(jsonValueAt(back.before, QStringLiteral("/configuration/") + key).toString(),
                 AuditLog::kRedacted);
        QCOMPARE(jsonValueAt(back.after, QStringLiteral("/headers/0/value")).toString(),
                 AuditLog::kRedacted);
    }

    void ordinaryKeysAreKept_data()
    {
        QTest::addColumn<QString>("key");
        for (const char* key : {"name", "max_tokens", "tokens", "primary_key", "keyboard", "monkey",
                                "keys", "url", "rate_limit", "description"})
            QTest::newRow(key) << QString::fromLatin1(key);
    }
    void ordinaryKeysAreKept()
    {
        QFETCH(QString, key);
        AuditRecord r = record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m"));
        r.before = QJsonObject{{key, QStringLiteral("plain-value")}};
        QVERIFY(AuditLog(m_dir).append(r));
        QCOMPARE(AuditLog(m_dir).records().value(0).before.value(key).toString(),
                 QStringLiteral("plain-value"));
    }

    void secretsAreRedactedBySecretPath_data()
    {
        QTest::addColumn<QStringList>("secretPaths");
        QTest::addColumn<QString>("document");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("secret");
        QTest::newRow("exact pointer")
            << QStringList{QStringLiteral("/configuration/dsn")}
            << R"({"configuration":{"dsn":"postgres://u:pw-1@h/db","port":5432}})"
            << "/configuration/dsn"
            << "pw-1";
        QTest::newRow("array item")
            << QStringList{QStringLiteral("/headers/1/value")}
            << R"({"headers":[{"name":"X-Trace","value":"t"},{"name":"X-Custom","value":"hv-2"}]})"
            << "/headers/1/value"
            << "hv-2";
        QTest::newRow("wildcard")
            << QStringList{QStringLiteral("/headers/*/value")}
            << R"({"headers":[{"name":"A","value":"hv-3a"},{"name":"B","value":"hv-3b"}]})"
            << "/headers/0/value"
            << "hv-3b";
        QTest::newRow("whole subtree, numbers too")
            << QStringList{QStringLiteral("/data")}
            << R"({"data":{"account":{"pin":"pin-4","n":987654321}},"name":"x"})"
            << "/data"
            << "987654321";
        QTest::newRow("wildcard then any depth")
            << QStringList{QStringLiteral("/*/b/**")}
            << R"({"x":{"b":{"c":["deep-5"]}},"y":{"b":"deep-5b"},"z":{"keep":1}})"
            << "/x/b"
            << "deep-5";
        QTest::newRow("escaped token")
            << QStringList{QStringLiteral("/conf/a~1b")} << R"({"conf":{"a/b":"slash-6"}})"
            << "/conf/a~1b"
            << "slash-6";
    }
    void secretsAreRedactedBySecretPath()
    {
        QFETCH(QStringList, secretPaths);
        QFETCH(QString, document);
        QFETCH(QString, pointer);
        QFETCH(QString, secret);
        const QJsonObject doc = QJsonDocument::fromJson(document.toUtf8()).object();
        QVERIFY(!doc.isEmpty());
        AuditRecord r = record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m"));
        r.before = doc;
        r.after = doc;
        r.secretPaths = secretPaths;
        r.diff = QJsonObject{
            {QStringLiteral("entries"),
             QJsonArray{QJsonObject{{QStringLiteral("beforePointer"), pointer},
                                    {QStringLiteral("afterPointer"), pointer},
                                    {QStringLiteral("before"), jsonValueAt(doc, pointer)},
                                    {QStringLiteral("after"), jsonValueAt(doc, pointer)}}}}};
        r.serverDifferences = {{pointer, jsonValueAt(doc, pointer), jsonValueAt(doc, pointer)}};
        QVERIFY(AuditLog(m_dir).append(r));

        QVERIFY2(!fileBytes().contains(secret.toUtf8()), fileBytes().constData());
        const AuditRecord back = AuditLog(m_dir).records().value(0);
        QCOMPARE(jsonValueAt(back.after, pointer), QJsonValue(AuditLog::kRedacted));
        QCOMPARE(back.secretPaths, secretPaths);
    }

    void newestRecordComesFirst()
    {
        AuditLog log(m_dir);
        for (int i = 0; i < 5; ++i)
            QVERIFY(log.append(
                record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m%1").arg(i), i)));
        QCOMPARE(messages(log.records()), (QStringList{"m4", "m3", "m2", "m1", "m0"}));
    }

    void recordsAreFiltered_data()
    {
        QTest::addColumn<QString>("profile");
        QTest::addColumn<QString>("connectorId");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QStringList>("expected");
        // Appended in this order: p1/c1 a, p1/c2 b, p10/c1 c, p2/c1 d, p1/c1 e, p1/c11 f
        QTest::newRow("all") << ""
                             << "" << -1 << QStringList{"f", "e", "d", "c", "b", "a"};
        QTest::newRow("profile") << "p1"
                                 << "" << -1 << QStringList{"f", "e", "b", "a"};
        QTest::newRow("profile, no prefix match") << "p10"
                                                  << "" << -1 << QStringList{"c"};
        QTest::newRow("connector") << ""
                                   << "c1" << -1 << QStringList{"e", "d", "c", "a"};
        QTest::newRow("both") << "p1"
                              << "c1" << -1 << QStringList{"e", "a"};
        QTest::newRow("limit") << ""
                               << "" << 2 << QStringList{"f", "e"};
        QTest::newRow("both with limit") << "p1"
                                         << "c1" << 1 << QStringList{"e"};
        QTest::newRow("limit zero") << ""
                                    << "" << 0 << QStringList{};
        QTest::newRow("no match") << "nope"
                                  << "" << -1 << QStringList{};
    }
    void recordsAreFiltered()
    {
        QFETCH(QString, profile);
        QFETCH(QString, connectorId);
        QFETCH(int, limit);
        QFETCH(QStringList, expected);
        AuditLog log(m_dir);
        const QList<std::tuple<const char*, const char*, const char*>> rows{
            {"p1", "c1", "a"}, {"p1", "c2", "b"}, {"p10", "c1", "c"},
            {"p2", "c1", "d"}, {"p1", "c1", "e"}, {"p1", "c11", "f"}};
        int i = 0;
        for (const auto& [p, c, m] : rows)
            QVERIFY(log.append(record(QLatin1String(p), QLatin1String(c), QLatin1String(m), ++i)));
        QCOMPARE(messages(log.records(profile, connectorId, limit)), expected);
        QCOMPARE(log.skippedLines(), 0);
    }

    void readsAcrossManyBlocks()
    {
        // Lines longer than the reader's block, and many of them, in the right order.
        AuditLog log(m_dir);
        for (int i = 0; i < 40; ++i) {
            AuditRecord r = record(QStringLiteral("p"), QString::number(i % 3),
                                   QStringLiteral("m%1").arg(i), i);
            r.diff = QJsonObject{{QStringLiteral("blob"), QString(i * 3000, QLatin1Char('x'))}};
            QVERIFY(log.append(r));
        }
        const QList<AuditRecord> all = log.records();
        QCOMPARE(all.size(), 40);
        for (int i = 0; i < 40; ++i) {
            QCOMPARE(all.at(i).message, QStringLiteral("m%1").arg(39 - i));
            QCOMPARE(all.at(i).diff[QStringLiteral("blob")].toString().size(), (39 - i) * 3000);
        }
        QCOMPARE(log.records(QString(), QStringLiteral("1")).size(), 13);
    }

    void malformedLinesAreSkippedAndCounted_data()
    {
        QTest::addColumn<QByteArray>("tail");
        QTest::addColumn<int>("skipped");
        const QByteArray line =
            QJsonDocument(
                record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("torn")).toJson())
                .toJson(QJsonDocument::Compact);
        QTest::newRow("half a line") << line.left(line.size() / 2) << 1;
        QTest::newRow("all but the closing brace") << line.left(line.size() - 1) << 1;
        QTest::newRow("one byte") << QByteArray("{") << 1;
        QTest::newRow("garbage line") << QByteArray("\x01\x02 not json\n") << 1;
        QTest::newRow("valid JSON, not a record") << QByteArray("{\"hello\":1}\n") << 1;
        QTest::newRow("two torn lines") << QByteArray("{\"time\":\n") + line.left(20) << 2;
        QTest::newRow("blank lines are not errors") << QByteArray("\n\n") << 0;
    }
    void malformedLinesAreSkippedAndCounted()
    {
        QFETCH(QByteArray, tail);
        QFETCH(int, skipped);
        AuditLog log(m_dir);
        for (int i = 0; i < 3; ++i)
            QVERIFY(log.append(
                record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m%1").arg(i), i)));
        QVERIFY(log.flush()); // the torn tail goes after the records, as after a crash
        QFile f(log.filePath());
        QVERIFY(f.open(QIODevice::Append));
        f.write(tail);
        f.close();
        QCOMPARE(messages(log.records()), (QStringList{"m2", "m1", "m0"}));
        QCOMPARE(log.skippedLines(), skipped);
    }

    void appendAfterATornLineStartsOnANewLine()
    {
        AuditLog log(m_dir);
        QVERIFY(log.append(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("a"))));
        QVERIFY(log.flush());
        QFile f(log.filePath());
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"time\":\"2024-");
        f.close();
        QVERIFY(log.append(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("b"))));
        QCOMPARE(messages(log.records()), (QStringList{"b", "a"}));
        QCOMPARE(log.skippedLines(), 1);
    }

    void fullFileIsRotatedKeepingOneGeneration()
    {
        const qint64 limit = 4096;
        AuditLog log(m_dir, limit);
        int appended = 0;
        while (!QFile::exists(log.rotatedFilePath())) {
            QVERIFY(log.append(record(QStringLiteral("p"), QStringLiteral("1"),
                                      QStringLiteral("m%1").arg(appended), appended)));
            QVERIFY(log.flush()); // look at the files after each record
            ++appended;
            QVERIFY(appended < 100);
        }
        // The first rotation loses nothing: the newest record is alone in the fresh file.
        QCOMPARE(log.records().size(), appended);
        QCOMPARE(log.records().first().message, QStringLiteral("m%1").arg(appended - 1));
        QCOMPARE(fileBytes().count('\n'), 1);
        QVERIFY(QFileInfo(log.rotatedFilePath()).size() >= limit);

        // Further rotations keep one old generation only; the current file stays bounded.
        for (int i = 0; i < 3 * appended; ++i) {
            QVERIFY(log.append(record(QStringLiteral("p"), QStringLiteral("1"),
                                      QStringLiteral("n%1").arg(i), 1000 + i)));
            QVERIFY(log.flush());
            QVERIFY(QFileInfo(log.filePath()).size() < limit + 1024);
        }
        const QList<AuditRecord> all = log.records();
        QVERIFY(all.size() < 4 * appended);
        QCOMPARE(all.first().message, QStringLiteral("n%1").arg(3 * appended - 1));
        QCOMPARE(log.skippedLines(), 0);
        QCOMPARE(QDir(m_dir).entryList(QDir::Files).size(), 2);
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(log.rotatedFilePath()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
    }

    void fileIsPrivateAndDirectoryToo()
    {
        const QString nested = m_dir + QStringLiteral("/a/b");
        AuditLog log(nested);
        QVERIFY(log.append(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m"))));
        QVERIFY(log.flush());
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(log.filePath()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        for (const QString& dir : {m_dir, m_dir + QStringLiteral("/a"), nested}) {
            QCOMPARE(::stat(QFile::encodeName(dir).constData(), &st), 0);
            QCOMPARE(st.st_mode & 0777, 0700u);
        }
    }

    void existingFileIsMadePrivate()
    {
        QVERIFY(QDir().mkpath(m_dir));
        AuditLog log(m_dir);
        QFile f(log.filePath());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                 QFileDevice::ReadOther | QFileDevice::ReadGroup));
        QVERIFY(log.append(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m"))));
        QVERIFY(log.flush());
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(log.filePath()).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
    }

    void concurrentWritersNeverInterleave()
    {
        // Two instances on one file (as GUI and CLI would be), large lines, at the same time.
        const int perWriter = 150;
        auto writer = [this](int id, bool* ok) {
            AuditLog log(m_dir);
            for (int i = 0; i < perWriter; ++i) {
                AuditRecord r = record(QStringLiteral("p"), QString::number(id),
                                       QStringLiteral("w%1-%2").arg(id).arg(i), i);
                r.diff = QJsonObject{
                    {QStringLiteral("blob"), QString(8000 + i, QLatin1Char(char('a' + id)))}};
                if (!log.append(r))
                    *ok = false;
            }
        };
        bool ok1 = true;
        bool ok2 = true;
        std::thread t1(writer, 0, &ok1);
        std::thread t2(writer, 1, &ok2);
        t1.join();
        t2.join();
        QVERIFY(ok1 && ok2);
        AuditLog log(m_dir);
        const QList<AuditRecord> all = log.records();
        QCOMPARE(log.skippedLines(), 0);
        QCOMPARE(all.size(), 2 * perWriter);
        QSet<QString> seen;
        for (const AuditRecord& r : all) {
            const int id = r.connectorId.toInt();
            const int i = r.message.section(QLatin1Char('-'), 1).toInt();
            QCOMPARE(r.diff[QStringLiteral("blob")].toString(),
                     QString(8000 + i, QLatin1Char(char('a' + id))));
            seen.insert(r.message);
        }
        QCOMPARE(seen.size(), 2 * perWriter);
    }

    void concurrentAppendsToOneLogKeepTheirOrder()
    {
        // Many threads on one instance: every line is whole, and each thread's records are in
        // the file in the order its append() calls returned.
        const int threads = 8;
        const int perThread = 400;
        AuditLog log(m_dir);
        std::vector<std::thread> writers;
        for (int t = 0; t < threads; ++t) {
            writers.emplace_back([&log, t] {
                for (int i = 0; i < perThread; ++i)
                    log.append(record(QStringLiteral("p"), QString::number(t),
                                      QStringLiteral("%1-%2").arg(t).arg(i), i));
            });
        }
        for (std::thread& w : writers)
            w.join();
        QVERIFY(log.flush());
        const QList<QByteArray> lines = fileBytes().split('\n');
        QCOMPARE(lines.size(), threads * perThread + 1); // and the empty rest after the last '\n'
        QVERIFY(lines.last().isEmpty());
        QList<int> next(threads, 0);
        for (qsizetype n = 0; n + 1 < lines.size(); ++n) {
            const auto parsed =
                AuditRecord::fromJson(QJsonDocument::fromJson(lines.at(n)).object());
            QVERIFY2(parsed, lines.at(n).left(80).constData());
            const int t = parsed->connectorId.toInt();
            QCOMPARE(parsed->message, QStringLiteral("%1-%2").arg(t).arg(next[t]));
            ++next[t];
        }
        QCOMPARE(next, QList<int>(threads, perThread));
    }

    void flushPutsEveryAppendedRecordOnDisk()
    {
        // Read with plain file I/O, not records() (which also sees the queue).
        const int count = 300;
        AuditLog log(m_dir);
        for (int i = 0; i < count; ++i)
            QVERIFY(log.append(
                record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m%1").arg(i), i)));
        QString error;
        QVERIFY2(log.flush(&error), qPrintable(error));
        const QByteArray bytes = fileBytes();
        QCOMPARE(bytes.count('\n'), count);
        QVERIFY(bytes.endsWith(
            QJsonDocument(
                AuditLog::redacted(record(QStringLiteral("p"), QStringLiteral("1"),
                                          QStringLiteral("m%1").arg(count - 1), count - 1))
                    .toJson())
                .toJson(QJsonDocument::Compact) +
            '\n'));
        // Nothing appended since: a second flush returns at once, and succeeds.
        QVERIFY(log.flush());
    }

    void destructorWritesEverythingQueued()
    {
        const int count = 500;
        {
            AuditLog log(m_dir);
            for (int i = 0; i < count; ++i)
                QVERIFY(log.append(record(QStringLiteral("p"), QStringLiteral("1"),
                                          QStringLiteral("m%1").arg(i), i)));
        } // no flush(): the destructor drains
        const QList<QByteArray> lines = fileBytes().split('\n');
        QCOMPARE(lines.size(), count + 1);
        for (int i = 0; i < count; ++i) {
            const auto parsed =
                AuditRecord::fromJson(QJsonDocument::fromJson(lines.at(i)).object());
            QVERIFY(parsed);
            QCOMPARE(parsed->message, QStringLiteral("m%1").arg(i));
        }
    }

    void recordsSeesWhatIsStillQueued()
    {
        // The history read right after an apply shows it, written or not; each record once.
        AuditLog log(m_dir);
        const int count = 200;
        for (int i = 0; i < count; ++i) {
            QVERIFY(log.append(
                record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m%1").arg(i), i)));
            const QList<AuditRecord> all = log.records(QString(), QString(), 2);
            QCOMPARE(all.value(0).message, QStringLiteral("m%1").arg(i));
            if (i > 0)
                QCOMPARE(all.value(1).message, QStringLiteral("m%1").arg(i - 1));
        }
        QCOMPARE(log.records().size(), count);
        QCOMPARE(log.skippedLines(), 0);
    }

    void failedWriteIsReportedByFlush()
    {
        // The directory cannot be created (a file is in the way): no record is written, and
        // flush() says so; a later append() reports it too.
        QVERIFY(QDir().mkpath(m_root.path()));
        QFile blocker(m_dir);
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        AuditLog log(m_dir + QStringLiteral("/sub"));
        log.append(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("m")));
        QString error;
        QVERIFY(!log.flush(&error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!log.append(record(QStringLiteral("p"), QStringLiteral("1"), QStringLiteral("n")),
                            &error));
        QVERIFY(!log.flush());
        QVERIFY(log.flush()); // reported once
    }

    void missingLogHasNoRecords()
    {
        AuditLog log(m_dir);
        QVERIFY(log.records().isEmpty());
        QCOMPARE(log.skippedLines(), 0);
        QVERIFY(!QFileInfo::exists(m_dir)); // reading creates nothing
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_audit_log.moc"
