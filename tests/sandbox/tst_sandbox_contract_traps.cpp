#include "SandboxProcess.h"
#include "TestHttp.h"
#include "VendorContract.h"

#include <QtTest>

#include <algorithm>

using namespace contract;

// The vendor traps from NOTES.md (confirmed by VERIFIED.md), which the sandbox must reproduce so
// that tests catch a client falling into them, and the no-op PUT rule (docs/sandbox.md "Common
// behaviour"). Checked through the answers and through GET /_sandbox/state (what is really stored).
class TestSandboxContractTraps : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    const QString kMask = QStringLiteral("*************");

    QJsonObject getConnector(const QString& vendor, const QString& id) const
    {
        return connectorOf(vendor, call(m_sandbox, vendor, "GET", itemPath(vendor, id)).object());
    }

    QJsonObject findConnector(const QString& vendor,
                              const std::function<bool(const QJsonObject&)>& pred) const
    {
        for (const QJsonValue& v : listAll(m_sandbox, vendor)) {
            if (pred(v.toObject()))
                return v.toObject();
        }
        return {};
    }

    // Whether `v` holds the mask anywhere (masking applies at any depth: credentials.password).
    bool holdsMask(const QJsonValue& v) const
    {
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            return std::any_of(o.begin(), o.end(),
                               [this](const QJsonValue& x) { return holdsMask(x); });
        }
        if (v.isArray()) {
            const QJsonArray a = v.toArray();
            return std::any_of(a.begin(), a.end(),
                               [this](const QJsonValue& x) { return holdsMask(x); });
        }
        return v == QJsonValue(kMask);
    }

    // Answered against stored: masked values hide a real secret, everything else is as stored.
    void compareMaskedTree(const QJsonValue& shown, const QJsonValue& stored, const QString& where,
                           int* masked) const
    {
        if (shown == QJsonValue(kMask) && stored != QJsonValue(kMask)) {
            ++*masked;
            QVERIFY2(!stored.toString().isEmpty() || stored.isObject(), qPrintable(where));
            return;
        }
        if (shown.isObject() && stored.isObject()) {
            const QJsonObject a = shown.toObject();
            const QJsonObject b = stored.toObject();
            QCOMPARE(a.keys(), b.keys());
            for (auto it = a.begin(); it != a.end(); ++it)
                compareMaskedTree(it.value(), b.value(it.key()),
                                  where + QLatin1Char('.') + it.key(), masked);
            return;
        }
        QVERIFY2(shown == stored, qPrintable(where));
    }

    QJsonObject aisquaredWithSecret() const
    {
        return findConnector(QStringLiteral("aisquared"), [this](const QJsonObject& c) {
            return holdsMask(c.value(QLatin1String("attributes"))
                                 .toObject()
                                 .value(QLatin1String("configuration")));
        });
    }

    QJsonObject b3osWithMaskedValue() const
    {
        return findConnector(QStringLiteral("b3os"), [](const QJsonObject& c) {
            const QJsonObject m = c.value(QLatin1String("maskedData")).toObject();
            for (auto it = m.begin(); it != m.end(); ++it) {
                if (it.value().toString().startsWith(QLatin1String("****")))
                    return true;
            }
            return false;
        });
    }

    QJsonObject bigdataOfType(const QString& type) const
    {
        return findConnector(QStringLiteral("bigdata"), [&type](const QJsonObject& c) {
            return c.value(QLatin1String("type")).toString() == type;
        });
    }

    // databar's full ConnectorCreate body taken from a GET (what a careful client sends).
    static QJsonObject databarBodyFrom(QJsonObject c)
    {
        c.remove(QStringLiteral("id"));
        c.remove(QStringLiteral("created_at"));
        return c;
    }

    // bigdata's PUT body resending everything unchanged (the vendor's no-op).
    static QJsonObject bigdataBodyFrom(const QJsonObject& c)
    {
        const bool email = c.value(QLatin1String("type")).toString() == QLatin1String("email");
        return {{QStringLiteral("label"), c.value(QLatin1String("label"))},
                {QStringLiteral("description"), c.value(QLatin1String("description"))},
                {QStringLiteral("share_with_org"), c.value(QLatin1String("share_with_org"))},
                {QStringLiteral("config"),
                 email ? c.value(QLatin1String("config")) : QJsonValue(QJsonValue::Null)}};
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    // ---- aisquared ----

    void aisquaredSecretConfigurationIsMaskedInGet()
    {
        const QJsonObject listed = aisquaredWithSecret();
        QVERIFY2(!listed.isEmpty(), "no seeded aisquared connector with a masked secret");
        const QString id = idOf(QStringLiteral("aisquared"), listed);
        const QJsonObject cfg = getConnector(QStringLiteral("aisquared"), id)
                                    .value(QLatin1String("attributes"))
                                    .toObject()
                                    .value(QLatin1String("configuration"))
                                    .toObject();
        const QJsonObject stored = findKey(stateEntry(m_sandbox, QStringLiteral("aisquared"), id),
                                           QStringLiteral("configuration"))
                                       .toObject();
        QVERIFY2(!stored.isEmpty(), "state holds no configuration");
        int masked = 0;
        compareMaskedTree(cfg, stored, QStringLiteral("configuration"), &masked);
        QVERIFY(masked > 0);
    }

    void aisquaredPutEchoingGetConfigurationStoresAsterisks()
    {
        const QString id = idOf(QStringLiteral("aisquared"), aisquaredWithSecret());
        QVERIFY(!id.isEmpty());
        const QJsonObject cfg = getConnector(QStringLiteral("aisquared"), id)
                                    .value(QLatin1String("attributes"))
                                    .toObject()
                                    .value(QLatin1String("configuration"))
                                    .toObject();
        const TestResponse r =
            call(m_sandbox, QStringLiteral("aisquared"), "PUT",
                 itemPath(QStringLiteral("aisquared"), id),
                 QJsonObject{{QStringLiteral("connector"),
                              QJsonObject{{QStringLiteral("configuration"), cfg}}}});
        QCOMPARE(r.status, 200);
        const QJsonObject stored = findKey(stateEntry(m_sandbox, QStringLiteral("aisquared"), id),
                                           QStringLiteral("configuration"))
                                       .toObject();
        QCOMPARE(stored, cfg); // stored exactly as sent: the asterisks are now the password
        QVERIFY(holdsMask(stored));
    }

    void aisquaredRenameWithoutConfigurationKeepsSecrets()
    {
        const QString id = idOf(QStringLiteral("aisquared"), aisquaredWithSecret());
        const QJsonValue before = findKey(stateEntry(m_sandbox, QStringLiteral("aisquared"), id),
                                          QStringLiteral("configuration"));
        const TestResponse r =
            call(m_sandbox, QStringLiteral("aisquared"), "PUT",
                 itemPath(QStringLiteral("aisquared"), id),
                 QJsonObject{{QStringLiteral("connector"),
                              QJsonObject{{QStringLiteral("name"), QStringLiteral("Renamed")}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(findKey(stateEntry(m_sandbox, QStringLiteral("aisquared"), id),
                         QStringLiteral("configuration")),
                 before);
        QCOMPARE(r.object()
                     .value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("attributes"))
                     .toObject()
                     .value(QLatin1String("name"))
                     .toString(),
                 QStringLiteral("Renamed"));
    }

    // ---- b3os ----

    void b3osMaskedDataIsComputedAndNeverStored()
    {
        const QJsonObject listed = b3osWithMaskedValue();
        QVERIFY2(!listed.isEmpty(), "no seeded b3os connector with a masked value");
        const QString id = idOf(QStringLiteral("b3os"), listed);
        const QJsonObject got = getConnector(QStringLiteral("b3os"), id);
        QVERIFY2(!got.contains(QLatin1String("data")), "b3os never returns data itself");
        const QJsonObject entry = stateEntry(m_sandbox, QStringLiteral("b3os"), id);
        QVERIFY2(findKey(entry, QStringLiteral("maskedData")).isUndefined(),
                 "maskedData was persisted");
        const QJsonObject data = findKey(entry, QStringLiteral("data")).toObject();
        const QJsonObject masked = got.value(QLatin1String("maskedData")).toObject();
        QCOMPARE(masked.keys(), data.keys());
        for (auto it = masked.begin(); it != masked.end(); ++it) {
            const QString shown = it.value().toString();
            if (!shown.startsWith(QLatin1String("****")))
                continue;
            const QString real = data.value(it.key()).toString();
            QVERIFY2(real != shown, qPrintable(it.key()));
            QCOMPARE(shown, QStringLiteral("****") + real.right(4));
        }
    }

    void b3osPutCopyingMaskedDataIntoDataStoresIt()
    {
        const QString id = idOf(QStringLiteral("b3os"), b3osWithMaskedValue());
        QVERIFY(!id.isEmpty());
        const QJsonObject masked =
            getConnector(QStringLiteral("b3os"), id).value(QLatin1String("maskedData")).toObject();
        const TestResponse r =
            call(m_sandbox, QStringLiteral("b3os"), "PUT", itemPath(QStringLiteral("b3os"), id),
                 QJsonObject{{QStringLiteral("data"), masked}});
        QCOMPARE(r.status, 200);
        const QJsonObject entry = stateEntry(m_sandbox, QStringLiteral("b3os"), id);
        QCOMPARE(findKey(entry, QStringLiteral("data")).toObject(), masked);
        QVERIFY(findKey(entry, QStringLiteral("maskedData")).isUndefined());
        QCOMPARE(r.object()
                     .value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("updatedBy"))
                     .toString(),
                 QStringLiteral("user_demo"));
    }

    // ---- databar ----

    void databarPlanCapsLimits_data()
    {
        QTest::addColumn<int>("rateSent");
        QTest::addColumn<int>("concurrencySent");
        QTest::addColumn<int>("rateStored");
        QTest::addColumn<int>("concurrencyStored");
        QTest::newRow("60/60 capped to 10/5") << 60 << 60 << 10 << 5;
        QTest::newRow("within plan kept") << 7 << 3 << 7 << 3;
        QTest::newRow("at the caps") << 10 << 5 << 10 << 5;
    }
    void databarPlanCapsLimits()
    {
        QFETCH(int, rateSent);
        QFETCH(int, concurrencySent);
        QFETCH(int, rateStored);
        QFETCH(int, concurrencyStored);
        const QString v = QStringLiteral("databar");
        const QString id = idOf(v, listAll(m_sandbox, v).first().toObject());
        QJsonObject body = databarBodyFrom(getConnector(v, id));
        body[QStringLiteral("rate_limit")] = rateSent;
        body[QStringLiteral("max_concurrency")] = concurrencySent;
        const TestResponse r = call(m_sandbox, v, "PUT", itemPath(v, id), body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(QLatin1String("rate_limit")).toInt(), rateStored);
        QCOMPARE(r.object().value(QLatin1String("max_concurrency")).toInt(), concurrencyStored);
        const QJsonObject got = getConnector(v, id);
        QCOMPARE(got.value(QLatin1String("rate_limit")).toInt(), rateStored);
        QCOMPARE(got.value(QLatin1String("max_concurrency")).toInt(), concurrencyStored);
        QCOMPARE(findKey(stateEntry(m_sandbox, v, id), QStringLiteral("rate_limit")).toInt(),
                 rateStored);
    }

    void databarHeaderValuesReturnedUnmasked()
    {
        const QString v = QStringLiteral("databar");
        const QString id = idOf(v, listAll(m_sandbox, v).first().toObject());
        QJsonObject body = databarBodyFrom(getConnector(v, id));
        const QJsonArray headers{QJsonObject{
            {QStringLiteral("name"), QStringLiteral("Authorization")},
            {QStringLiteral("value"), QStringLiteral("Bearer third-party-secret-9f3k")}}};
        body[QStringLiteral("headers")] = headers;
        const TestResponse r = call(m_sandbox, v, "PUT", itemPath(v, id), body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.object().value(QLatin1String("headers")).toArray(), headers);
        QCOMPARE(getConnector(v, id).value(QLatin1String("headers")).toArray(), headers);
    }

    void databarPutReplacesWholeConfiguration()
    {
        const QString v = QStringLiteral("databar");
        const QString id = idOf(v, listAll(m_sandbox, v).first().toObject());
        const TestResponse r = call(m_sandbox, v, "PUT", itemPath(v, id), minimalWriteBody(v));
        QCOMPARE(r.status, 200);
        const QJsonObject got = getConnector(v, id);
        QCOMPARE(got.value(QLatin1String("type")).toString(), QStringLiteral("enrichment"));
        for (const char* list : {"headers", "parameters", "body"})
            QCOMPARE(got.value(QLatin1String(list)).toArray(), QJsonArray());
        for (const char* nullable : {"body_template", "rate_limit", "max_concurrency"})
            QVERIFY2(got.value(QLatin1String(nullable)).isNull(), nullable);
        QCOMPARE(r.object(), got);
    }

    // ---- bigdata ----

    void bigdataOmittedFieldsAreClearedOrDefaulted()
    {
        const QString v = QStringLiteral("bigdata");
        const QJsonObject c = bigdataOfType(QStringLiteral("email"));
        QVERIFY2(!c.isEmpty(), "no seeded email connector");
        const QString id = idOf(v, c);
        QJsonObject full = bigdataBodyFrom(c);
        full[QStringLiteral("description")] = QStringLiteral("Keep me");
        full[QStringLiteral("share_with_org")] = true;
        QJsonObject cfg = c.value(QLatin1String("config")).toObject();
        cfg[QStringLiteral("allowed_emails")] = QJsonArray{QStringLiteral("a@example.com")};
        full[QStringLiteral("config")] = cfg;
        QCOMPARE(call(m_sandbox, v, "PUT", itemPath(v, id), full).status, 200);
        QCOMPARE(getConnector(v, id).value(QLatin1String("description")).toString(),
                 QStringLiteral("Keep me"));

        const TestResponse r =
            call(m_sandbox, v, "PUT", itemPath(v, id),
                 QJsonObject{{QStringLiteral("label"), QStringLiteral("Only label")}});
        QCOMPARE(r.status, 200);
        for (const QJsonObject& seen : {r.object(), getConnector(v, id)}) {
            QCOMPARE(seen.value(QLatin1String("label")).toString(), QStringLiteral("Only label"));
            QCOMPARE(seen.value(QLatin1String("description")).toString(), QString());
            QCOMPARE(seen.value(QLatin1String("share_with_org")).toBool(), false);
            QCOMPARE(seen.value(QLatin1String("config"))
                         .toObject()
                         .value(QLatin1String("allowed_emails"))
                         .toArray(),
                     QJsonArray());
        }
    }

    void bigdataEmailConfig_data()
    {
        QTest::addColumn<QString>("hash");    // "stored", "wrong" or "omit"
        QTest::addColumn<QString>("allowed"); // one address
        QTest::addColumn<int>("status");
        QTest::newRow("stored email_hash")
            << QStringLiteral("stored") << QStringLiteral("ok@example.com") << 200;
        QTest::newRow("email_hash omitted")
            << QStringLiteral("omit") << QStringLiteral("ok@example.com") << 400;
        QTest::newRow("email_hash wrong")
            << QStringLiteral("wrong") << QStringLiteral("ok@example.com") << 400;
        QTest::newRow("invalid allowed email")
            << QStringLiteral("stored") << QStringLiteral("not-an-email") << 400;
    }
    void bigdataEmailConfig()
    {
        QFETCH(QString, hash);
        QFETCH(QString, allowed);
        QFETCH(int, status);
        const QString v = QStringLiteral("bigdata");
        const QJsonObject c = bigdataOfType(QStringLiteral("email"));
        const QString id = idOf(v, c);
        QJsonObject body = bigdataBodyFrom(c);
        QJsonObject cfg = c.value(QLatin1String("config")).toObject();
        QVERIFY2(cfg.value(QLatin1String("email_hash")).isString(), "GET returns email_hash");
        if (hash == QLatin1String("omit"))
            cfg.remove(QStringLiteral("email_hash"));
        else if (hash == QLatin1String("wrong"))
            cfg[QStringLiteral("email_hash")] = QStringLiteral("0000deadbeef");
        cfg[QStringLiteral("allowed_emails")] = QJsonArray{allowed};
        body[QStringLiteral("config")] = cfg;
        const QByteArray before = stateBytes(m_sandbox);
        const TestResponse r = call(m_sandbox, v, "PUT", itemPath(v, id), body);
        QCOMPARE(r.status, status);
        if (status == 200) {
            QCOMPARE(r.object()
                         .value(QLatin1String("config"))
                         .toObject()
                         .value(QLatin1String("allowed_emails"))
                         .toArray(),
                     QJsonArray{allowed});
        } else {
            QCOMPARE(r.object().value(QLatin1String("statusCode")).toInt(), 400);
            QVERIFY2(r.object().value(QLatin1String("message")).isString(), r.body.constData());
            QVERIFY2(stateBytes(m_sandbox) == before, "a refused PUT changed the state");
        }
    }

    void bigdataInvestmentResearchConfigCannotBeUpdated()
    {
        const QString v = QStringLiteral("bigdata");
        const QJsonObject c = bigdataOfType(QStringLiteral("investment_research"));
        QVERIFY2(!c.isEmpty(), "no seeded investment_research connector");
        const QString id = idOf(v, c);
        QJsonObject body = bigdataBodyFrom(c);
        body[QStringLiteral("config")] = c.value(QLatin1String("config"));
        const TestResponse refused = call(m_sandbox, v, "PUT", itemPath(v, id), body);
        QCOMPARE(refused.status, 400);
        QVERIFY2(refused.object()
                     .value(QLatin1String("message"))
                     .toString()
                     .contains(QLatin1String(
                         "config cannot be updated for investment_research connectors")),
                 refused.body.constData());
        body[QStringLiteral("config")] = QJsonValue::Null;
        const TestResponse ok = call(m_sandbox, v, "PUT", itemPath(v, id), body);
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.object().value(QLatin1String("config")),
                 c.value(QLatin1String("config"))); // untouched
    }

    void bigdataTypeIsImmutable()
    {
        const QString v = QStringLiteral("bigdata");
        const QJsonObject c = bigdataOfType(QStringLiteral("email"));
        QJsonObject body = bigdataBodyFrom(c);
        body[QStringLiteral("type")] = QStringLiteral("investment_research");
        const TestResponse r = call(m_sandbox, v, "PUT", itemPath(v, idOf(v, c)), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(getConnector(v, idOf(v, c)).value(QLatin1String("type")).toString(),
                 QStringLiteral("email"));
    }

    void bigdataUserPasswordNeverReturned()
    {
        const QString v = QStringLiteral("bigdata");
        const QJsonObject c = bigdataOfType(QStringLiteral("investment_research"));
        const QString id = idOf(v, c);
        QCOMPARE(c.value(QLatin1String("config")).toObject().keys(),
                 QStringList{QStringLiteral("user_id")});
        QVERIFY(!call(m_sandbox, v, "GET", listPath(v)).body.contains("user_password"));
        QVERIFY(!call(m_sandbox, v, "GET", itemPath(v, id)).body.contains("user_password"));
        const TestResponse put = call(m_sandbox, v, "PUT", itemPath(v, id), bigdataBodyFrom(c));
        QCOMPARE(put.status, 200);
        QVERIFY(!put.body.contains("user_password"));
        // It is stored (the sandbox shows state unmasked), just never answered.
        QVERIFY(findKey(stateEntry(m_sandbox, v, id), QStringLiteral("user_password")).isString());
    }

    // ---- no-op PUT: byte-identical state ----

    void noOpWriteLeavesStateByteIdentical_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : vendorIds())
            QTest::newRow(qPrintable(v)) << v;
        QTest::newRow("bigdata investment_research")
            << QStringLiteral("bigdata:investment_research");
    }
    void noOpWriteLeavesStateByteIdentical()
    {
        QFETCH(QString, vendor);
        QString wantType = QStringLiteral("email");
        if (vendor.contains(QLatin1Char(':'))) {
            wantType = vendor.section(QLatin1Char(':'), 1);
            vendor = vendor.section(QLatin1Char(':'), 0, 0);
        }
        QJsonObject c;
        if (vendor == QLatin1String("timbal")) {
            c = findConnector(vendor, [](const QJsonObject& o) {
                return o.value(QLatin1String("online")).toBool() &&
                       o.value(QLatin1String("version")).toString() != QLatin1String("0.0.9");
            });
        } else if (vendor == QLatin1String("bigdata")) {
            c = bigdataOfType(wantType);
        } else if (vendor == QLatin1String("aisquared")) {
            c = aisquaredWithSecret();
        } else if (vendor == QLatin1String("b3os")) {
            c = b3osWithMaskedValue();
        } else {
            c = listAll(m_sandbox, vendor).first().toObject();
        }
        QVERIFY(!c.isEmpty());
        const QString id = idOf(vendor, c);
        const QJsonObject got = getConnector(vendor, id);
        QJsonObject body;
        if (vendor == QLatin1String("timbal")) {
            body = {{QStringLiteral("version"), got.value(QLatin1String("version"))}};
        } else if (vendor == QLatin1String("aisquared")) {
            const QJsonObject a = got.value(QLatin1String("attributes")).toObject();
            body = {{QStringLiteral("connector"),
                     QJsonObject{{QStringLiteral("name"), a.value(QLatin1String("name"))},
                                 {QStringLiteral("connector_type"),
                                  a.value(QLatin1String("connector_type"))},
                                 {QStringLiteral("connector_name"),
                                  a.value(QLatin1String("connector_name"))}}}};
        } else if (vendor == QLatin1String("b3os")) {
            body = {{QStringLiteral("name"), got.value(QLatin1String("name"))}};
        } else if (vendor == QLatin1String("databar")) {
            body = databarBodyFrom(got);
        } else {
            body = bigdataBodyFrom(got);
        }
        const QByteArray before = stateBytes(m_sandbox);
        QVERIFY(!before.isEmpty());
        const TestResponse r =
            call(m_sandbox, vendor, writeMethod(vendor), writePath(vendor, id), body);
        QCOMPARE(r.status, 200);
        if (vendor == QLatin1String("timbal"))
            QCOMPARE(r.object().value(QLatin1String("dispatched")).toBool(true), false);
        QVERIFY2(stateBytes(m_sandbox) == before, "a no-op write changed /_sandbox/state");
        QCOMPARE(getConnector(vendor, id), got);
    }

    // The same check the other way round: a real change does move the state (the test can fail).
    void realChangeMovesUpdatedAt()
    {
        const QString v = QStringLiteral("b3os");
        const QJsonObject c = listAll(m_sandbox, v).first().toObject();
        const TestResponse r =
            call(m_sandbox, v, "PUT", itemPath(v, idOf(v, c)),
                 QJsonObject{{QStringLiteral("description"),
                              QStringLiteral("changed ") +
                                  c.value(QLatin1String("description")).toString()}});
        QCOMPARE(r.status, 200);
        QVERIFY(
            r.object().value(QLatin1String("data")).toObject().value(QLatin1String("updatedAt")) !=
            c.value(QLatin1String("updatedAt")));
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractTraps)
#include "tst_sandbox_contract_traps.moc"
