#include "SandboxProcess.h"
#include "TestHttp.h"
#include "VendorContract.h"

#include <QCryptographicHash>
#include <QtTest>

#include <csignal>

using namespace contract;

// The /_sandbox/ control API (request log with redaction, ?since, DELETE, reset) and the binary's
// command-line contract (first line, --help, bad --fault, SIGTERM).
class TestSandboxContractControl : public QObject
{
    Q_OBJECT

    // A distinctive key, so that "never appears in the log" means something.
    const QByteArray kSecret = QByteArrayLiteral("contract-secret-Zq81xv");
    SandboxProcess m_sandbox{{QStringLiteral("--key"), QString::fromLatin1(kSecret)}};

    QJsonArray log(const QString& query = {}) const
    {
        return TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/requests") + query))
            .value(QLatin1String("requests"))
            .toArray();
    }

    QJsonArray vendorEntries(const QString& query = {}) const
    {
        QJsonArray out;
        for (const QJsonValue& v : log(query)) {
            if (!v.toObject().value(QLatin1String("vendor")).toString().isEmpty())
                out.append(v);
        }
        return out;
    }

    static QString redacted(const QByteArray& fullValue)
    {
        return QStringLiteral("[redacted sha256:") +
               QString::fromLatin1(QCryptographicHash::hash(fullValue, QCryptographicHash::Sha256)
                                       .toHex()
                                       .left(8)) +
               QLatin1Char(']');
    }

    // Header value in a log entry, whatever the case of its name and whether headers is an
    // object or a list of pairs (the contract does not fix that detail).
    static QString loggedHeader(const QJsonObject& entry, const QByteArray& name)
    {
        const QJsonValue h = entry.value(QLatin1String("headers"));
        const QString want = QString::fromLatin1(name);
        if (h.isObject()) {
            const QJsonObject o = h.toObject();
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (it.key().compare(want, Qt::CaseInsensitive) == 0)
                    return it.value().isArray() ? it.value().toArray().first().toString()
                                                : it.value().toString();
            }
        } else {
            for (const QJsonValue& pair : h.toArray()) {
                const QJsonArray a = pair.toArray();
                const QJsonObject o = pair.toObject();
                const QString k =
                    a.isEmpty() ? o.value(QLatin1String("name")).toString() : a.at(0).toString();
                const QString v =
                    a.isEmpty() ? o.value(QLatin1String("value")).toString() : a.at(1).toString();
                if (k.compare(want, Qt::CaseInsensitive) == 0)
                    return v;
            }
        }
        return {};
    }

    static QByteArray runSandbox(const QStringList& args, int* exitCode, QByteArray* err)
    {
        QProcess p;
        p.start(QStringLiteral(CA_SANDBOX_BIN), args);
        if (!p.waitForFinished(10000)) {
            p.kill();
            p.waitForFinished();
            *exitCode = -1;
            return {};
        }
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        *err = p.readAllStandardError();
        return p.readAllStandardOutput();
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void logShowsRequestDetails()
    {
        const QString v = QStringLiteral("b3os");
        const QString id = idOf(v, listAll(m_sandbox, v, kSecret).first().toObject());
        QVERIFY(TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                    .status < 300);
        QCOMPARE(call(m_sandbox, v, "GET", listPath(v) + QStringLiteral("?limit=5&offset=0"),
                      QJsonValue::Undefined, kSecret)
                     .status,
                 200);
        const QJsonObject body{{QStringLiteral("description"), QStringLiteral("logged body")}};
        QCOMPARE(call(m_sandbox, v, "PUT", itemPath(v, id), body, kSecret).status, 200);
        QCOMPARE(call(m_sandbox, v, "GET", listPath(v), QJsonValue::Undefined, kWrongKey).status,
                 401);

        const QJsonArray entries = vendorEntries();
        QCOMPARE(entries.size(), 3);
        const QJsonObject get = entries.at(0).toObject();
        const QJsonObject put = entries.at(1).toObject();
        const QJsonObject refused = entries.at(2).toObject();
        QCOMPARE(get.value(QLatin1String("vendor")).toString(), v);
        QCOMPARE(get.value(QLatin1String("method")).toString(), QStringLiteral("GET"));
        QVERIFY2(
            get.value(QLatin1String("path")).toString().endsWith(QLatin1String("/v1/connectors")),
            qPrintable(get.value(QLatin1String("path")).toString()));
        const QString query = get.value(QLatin1String("query")).toVariant().toString() +
                              compact(get.value(QLatin1String("query")));
        QVERIFY2(query.contains(QLatin1String("limit")) && query.contains(QLatin1String("5")),
                 qPrintable(query));
        QCOMPARE(get.value(QLatin1String("status")).toInt(), 200);
        QCOMPARE(get.value(QLatin1String("authorized")).toBool(), true);
        QVERIFY(get.value(QLatin1String("seq")).toDouble() <
                put.value(QLatin1String("seq")).toDouble());
        QVERIFY(get.value(QLatin1String("answeredMs")).toDouble() >=
                get.value(QLatin1String("receivedMs")).toDouble());

        QCOMPARE(put.value(QLatin1String("method")).toString(), QStringLiteral("PUT"));
        QVERIFY(put.value(QLatin1String("path")).toString().endsWith(id));
        QCOMPARE(
            QJsonDocument::fromJson(put.value(QLatin1String("body")).toString().toUtf8()).object(),
            body);
        QCOMPARE(put.value(QLatin1String("json")).toObject(), body);
        QCOMPARE(loggedHeader(put, "Content-Type"),
                 QStringLiteral("application/json")); // non-credentials kept

        QCOMPARE(refused.value(QLatin1String("status")).toInt(), 401);
        QCOMPARE(refused.value(QLatin1String("authorized")).toBool(true), false);
    }

    void credentialsAreRedactedAsHashPrefix_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : vendorIds())
            QTest::newRow(qPrintable(v)) << v;
    }
    void credentialsAreRedactedAsHashPrefix()
    {
        QFETCH(QString, vendor);
        QVERIFY(TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                    .status < 300);
        QCOMPARE(
            call(m_sandbox, vendor, "GET", listPath(vendor), QJsonValue::Undefined, kSecret).status,
            200);
        const QByteArray raw =
            TestHttp::get(m_sandbox.url(QStringLiteral("/_sandbox/requests"))).body;
        QVERIFY(!raw.isEmpty());
        QVERIFY2(!raw.contains(kSecret), "the raw key is in the request log");
        QVERIFY2(!raw.contains(kSecret.toBase64()), "the key is in the log, base64");
        const QJsonArray entries = vendorEntries();
        QCOMPARE(entries.size(), 1);
        const QByteArray header = credentialHeader(vendor);
        QCOMPARE(loggedHeader(entries.first().toObject(), header),
                 redacted(credentialValue(vendor, kSecret)));
    }

    void wrongKeyIsRedactedToo()
    {
        const QByteArray wrong = QByteArrayLiteral("wrong-secret-Pk3");
        call(m_sandbox, QStringLiteral("databar"), "GET", listPath(QStringLiteral("databar")),
             QJsonValue::Undefined, wrong);
        const QByteArray raw =
            TestHttp::get(m_sandbox.url(QStringLiteral("/_sandbox/requests"))).body;
        QVERIFY(!raw.contains(wrong));
        QVERIFY(raw.contains(redacted(wrong).toUtf8()));
    }

    void sinceReturnsOnlyNewerEntries()
    {
        for (int i = 0; i < 4; ++i)
            call(m_sandbox, QStringLiteral("timbal"), "GET", listPath(QStringLiteral("timbal")),
                 QJsonValue::Undefined, kSecret);
        const QJsonArray all = vendorEntries();
        QCOMPARE(all.size(), 4);
        const qint64 pivot = qint64(all.at(1).toObject().value(QLatin1String("seq")).toDouble());
        QList<qint64> seqs;
        for (const QJsonValue& v : log(QStringLiteral("?since=%1").arg(pivot)))
            seqs << qint64(v.toObject().value(QLatin1String("seq")).toDouble());
        // sandbox.md does not say whether N itself is included: accept either, nothing older.
        for (qint64 s : seqs)
            QVERIFY2(s >= pivot, qPrintable(QString::number(s)));
        QVERIFY(seqs.contains(qint64(all.at(2).toObject().value(QLatin1String("seq")).toDouble())));
        QVERIFY(seqs.contains(qint64(all.at(3).toObject().value(QLatin1String("seq")).toDouble())));
        QVERIFY(
            !seqs.contains(qint64(all.at(0).toObject().value(QLatin1String("seq")).toDouble())));
    }

    void deleteClearsLog()
    {
        call(m_sandbox, QStringLiteral("bigdata"), "GET", listPath(QStringLiteral("bigdata")),
             QJsonValue::Undefined, kSecret);
        QVERIFY(!vendorEntries().isEmpty());
        QVERIFY(TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                    .status < 300);
        QVERIFY(vendorEntries().isEmpty());
    }

    void resetRestoresStateAndClearsLog()
    {
        const QByteArray pristine = stateBytes(m_sandbox);
        const QString v = QStringLiteral("aisquared");
        const QString id = idOf(v, listAll(m_sandbox, v, kSecret).first().toObject());
        QCOMPARE(
            call(m_sandbox, v, "PUT", itemPath(v, id),
                 QJsonObject{{QStringLiteral("connector"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("changed")}}}},
                 kSecret)
                .status,
            200);
        QVERIFY(stateBytes(m_sandbox) != pristine);
        QVERIFY(reset(m_sandbox));
        QVERIFY(stateBytes(m_sandbox) == pristine);
        QVERIFY(vendorEntries().isEmpty());
    }

    void stateIsDeterministicAcrossProcesses()
    {
        SandboxProcess other{{QStringLiteral("--key"), QString::fromLatin1(kSecret)}};
        QVERIFY2(other.start(), qPrintable(other.errorString()));
        QVERIFY(stateBytes(other) == stateBytes(m_sandbox));
        SandboxProcess otherSeed{{QStringLiteral("--seed"), QStringLiteral("2")}};
        QVERIFY2(otherSeed.start(), qPrintable(otherSeed.errorString()));
        QVERIFY(stateBytes(otherSeed) != stateBytes(m_sandbox));
    }

    void readOnlyKeyOptionIsHonoured()
    {
        SandboxProcess sb{{QStringLiteral("--readonly-key"), QStringLiteral("ro-Contract-1")}};
        QVERIFY2(sb.start(), qPrintable(sb.errorString()));
        QCOMPARE(call(sb, QStringLiteral("databar"), "GET", listPath(QStringLiteral("databar")),
                      QJsonValue::Undefined, "ro-Contract-1")
                     .status,
                 200);
        QCOMPARE(call(sb, QStringLiteral("databar"), "GET", listPath(QStringLiteral("databar")),
                      QJsonValue::Undefined, kReadOnlyKey)
                     .status,
                 401);
    }

    // ---- the binary ----

    void firstLineAnnouncesLoopbackUrl()
    {
        QProcess p;
        p.start(QStringLiteral(CA_SANDBOX_BIN), {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(p.waitForStarted());
        QDeadlineTimer deadline(10000);
        while (!p.canReadLine() && !deadline.hasExpired())
            p.waitForReadyRead(100);
        const QByteArray line = p.readLine();
        QVERIFY2(QRegularExpression(
                     QStringLiteral("^listening on http://127\\.0\\.0\\.1:[1-9][0-9]*\\n$"))
                     .match(QString::fromUtf8(line))
                     .hasMatch(),
                 line.constData());
        p.terminate();
        QVERIFY(p.waitForFinished(5000));
    }

    void sigtermExitsWithZero()
    {
        QProcess p;
        p.start(QStringLiteral(CA_SANDBOX_BIN), {QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(p.waitForStarted());
        QDeadlineTimer deadline(10000);
        while (!p.canReadLine() && !deadline.hasExpired())
            p.waitForReadyRead(100);
        QVERIFY(p.canReadLine());
        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
    }

    void helpDocumentsFaultGrammar()
    {
        int code = -1;
        QByteArray err;
        const QByteArray out = runSandbox({QStringLiteral("--help")}, &code, &err);
        QCOMPARE(code, 0);
        for (const char* word : {"--fault", "VENDOR:KIND", "latency", "status", "retry-after",
                                 "hang", "reset", "malformed", "truncated", "oversized", "drip",
                                 "@", "#", "--update-delay", "--connectors", "--readonly-key"})
            QVERIFY2(out.contains(word), word);
    }

    void badFaultExitsWithCode2_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::newRow("unknown kind") << QStringLiteral("databar:explode");
        QTest::newRow("unknown vendor") << QStringLiteral("acme:status=503");
    }
    void badFaultExitsWithCode2()
    {
        QFETCH(QString, spec);
        int code = -1;
        QByteArray err;
        const QByteArray out = runSandbox(
            {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--fault"), spec}, &code,
            &err);
        QCOMPARE(code, 2);
        QVERIFY(!err.trimmed().isEmpty());
        QVERIFY(!out.contains("listening on"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractControl)
#include "tst_sandbox_contract_control.moc"
