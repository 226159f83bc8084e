// The secrets owner: one key-name rule, path rules with wildcards at any depth, name/value pairs,
// known values, the three masks and the markers, and the rules each vendor's service supplies.
#include "ConnectorService.h" // vendorSecretRules
#include "Secrets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ca;

namespace {

QJsonObject json(const char* text)
{
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

QByteArray compact(const QJsonValue& v)
{
    return v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)
                        : QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact);
}

} // namespace

class TestSecrets : public QObject
{
    Q_OBJECT
private slots:
    void keyNamesAreDecidedOnce_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("secret");
        const std::pair<const char*, bool> rows[] = {
            {"max_tokens", false},
            {"tokens", false},
            {"api_token", true},
            {"api_tokens", true},
            {"access_token", true},
            {"refreshToken", true},
            {"token", true},
            {"password", true},
            {"db_password", true},
            {"Password", true},
            {"passphrase", true},
            {"clientSecret", true},
            {"client_secret", true},
            {"secretAccessKey", true},
            {"api_key", true},
            {"apiKey", true},
            {"X-Api-Key", true},
            {"x-apikey", true},
            {"private_key", true},
            {"key", true},
            {"Authorization", true},
            {"credentials", true},
            {"credential", true},
            {"primary_key", false},
            {"keyboard", false},
            {"monkey", false},
            {"keys", false},
            {"name", false},
            {"url", false},
            {"rate_limit", false},
            {"max_token_count", false},
            {"description", false},
            {"token_url", false},
        };
        for (const auto& [key, secret] : rows)
            QTest::newRow(key) << QString::fromLatin1(key) << secret;
    }
    void keyNamesAreDecidedOnce()
    {
        QFETCH(QString, key);
        QFETCH(bool, secret);
        QCOMPARE(SecretRules::isSecretKeyName(key), secret);
        // The same decision wherever it is asked: a path, a member, a masked document.
        const SecretRules rules = SecretRules::byKeyNames();
        QCOMPARE(rules.isSecretPointer(QStringLiteral("/config/") + key), secret);
        QCOMPARE(rules.isSecretMember(QJsonObject{}, key), secret);
        const QJsonObject doc{{key, QStringLiteral("v-123456")}};
        QCOMPARE(compact(rules.masked(doc, SecretRules::Mask::Redacted)).contains("v-123456"),
                 !secret);
    }

    void pathRulesMatchAtAnyDepth_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<bool>("secret");
        QTest::newRow("exact") << "/data"
                               << "/data" << true;
        QTest::newRow("below") << "/data"
                               << "/data/a/0/b" << true;
        QTest::newRow("sibling prefix") << "/data"
                                        << "/database" << false;
        QTest::newRow("star one index") << "/headers/*/value"
                                        << "/headers/3/value" << true;
        QTest::newRow("star not two") << "/headers/*/value"
                                      << "/headers/3/4/value" << false;
        QTest::newRow("other field") << "/headers/*/value"
                                     << "/headers/3/name" << false;
        QTest::newRow("final double star") << "/configuration/**"
                                           << "/configuration" << true;
        QTest::newRow("leading double star") << "/**/headers/*/value"
                                             << "/a/b/headers/0/value" << true;
        QTest::newRow("double star none") << "/**/headers/*/value"
                                          << "/headers/0/value" << true;
        QTest::newRow("double star no match") << "/**/headers/*/value"
                                              << "/a/headers" << false;
        QTest::newRow("escaped") << "/conf/a~1b"
                                 << "/conf/a~1b" << true;
    }
    void pathRulesMatchAtAnyDepth()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, pointer);
        QFETCH(bool, secret);
        SecretRules rules;
        rules.addPaths({pattern});
        QCOMPARE(rules.isSecretPointer(pointer), secret);
    }

    void nothingIsSecretWithoutRules()
    {
        const SecretRules none;
        const QJsonObject doc = json(R"({"password":"p-1","headers":[{"value":"v"}]})");
        bool replaced = true;
        QCOMPARE(none.masked(doc, SecretRules::Mask::Redacted, QString(), &replaced),
                 QJsonValue(doc));
        QVERIFY(!replaced);
    }

    void masksAtDepthAndByPair()
    {
        const SecretRules rules = SecretRules::byKeyNames();
        const QJsonObject doc = json(R"({"a":{"b":[{"db":{"Password":"pw-deep-1"}}]},
            "headers":[{"name":"Authorization","value":"Bearer bt-2"},{"name":"X-Trace","value":"t"}],
            "flag":{"secret":true},"cleared":{"password":null},"count":{"max_tokens":100}})");
        bool replaced = false;
        const QJsonValue out = rules.masked(doc, SecretRules::Mask::Redacted, QString(), &replaced);
        QVERIFY(replaced);
        const QByteArray bytes = compact(out);
        QVERIFY(!bytes.contains("pw-deep-1"));
        QVERIFY(!bytes.contains("bt-2"));
        QCOMPARE(jsonValueAt(out, QStringLiteral("/headers/1/value")), QJsonValue("t"));
        QCOMPARE(jsonValueAt(out, QStringLiteral("/a/b/0/db/Password")),
                 QJsonValue(SecretMarker::redacted));
        // A flag or a cleared value tells nothing; a count is no secret.
        QCOMPARE(jsonValueAt(out, QStringLiteral("/flag/secret")), QJsonValue(true));
        QVERIFY(jsonValueAt(out, QStringLiteral("/cleared/password")).isNull());
        QCOMPARE(jsonValueAt(out, QStringLiteral("/count/max_tokens")), QJsonValue(100));
    }

    void theThreeMasks()
    {
        SecretRules rules;
        rules.addPaths({QStringLiteral("/data")});
        const QJsonObject doc = json(R"({"data":{"pin":"p-4","n":987654321,"on":true},"x":1})");
        // Redacted: the whole subtree is one marker.
        QCOMPARE(
            jsonValueAt(rules.masked(doc, SecretRules::Mask::Redacted), QStringLiteral("/data")),
            QJsonValue(SecretMarker::redacted));
        // Placeholder: strings and numbers, the shape kept for editing.
        const QJsonValue printed = rules.masked(doc, SecretRules::Mask::Placeholder);
        QCOMPARE(jsonValueAt(printed, QStringLiteral("/data/pin")),
                 QJsonValue(SecretMarker::placeholder));
        QCOMPARE(jsonValueAt(printed, QStringLiteral("/data/n")),
                 QJsonValue(SecretMarker::placeholder));
        QCOMPARE(jsonValueAt(printed, QStringLiteral("/data/on")), QJsonValue(true));
        QCOMPARE(jsonValueAt(printed, QStringLiteral("/x")), QJsonValue(1));
        // Fingerprint: equal values, equal markers; different values, different ones.
        const QJsonValue a = rules.masked(doc, SecretRules::Mask::Fingerprint);
        const QJsonValue b = rules.masked(doc, SecretRules::Mask::Fingerprint);
        QCOMPARE(a, b);
        const QString marker = jsonValueAt(a, QStringLiteral("/data")).toString();
        QVERIFY(SecretRules::isFingerprint(marker));
        QVERIFY(marker.startsWith(SecretMarker::fingerprintPrefix));
        QVERIFY(SecretRules::fingerprint(QJsonValue("x")) !=
                SecretRules::fingerprint(QJsonValue("y")));
        QVERIFY(!SecretRules::isFingerprint(QStringLiteral("<secret:zz>")));
    }

    void knownValuesAreMaskedWhereverTheyAppear()
    {
        SecretRules rules = SecretRules::byKeyNames({QStringLiteral("/headers/0/value")});
        const QJsonObject doc = json(R"({"headers":[{"name":"X-Key","value":"sk-live-77"}]})");
        rules.addValues(rules.valuesAt(doc));
        const QJsonObject elsewhere = json(R"({"body":{"echo":"sk-live-77"},"other":"keep"})");
        const QJsonValue out = rules.masked(elsewhere, SecretRules::Mask::Placeholder);
        QCOMPARE(jsonValueAt(out, QStringLiteral("/body/echo")),
                 QJsonValue(SecretMarker::placeholder));
        QCOMPARE(jsonValueAt(out, QStringLiteral("/other")), QJsonValue("keep"));
        QCOMPARE(rules.maskedText(QStringLiteral("url?k=sk-live-77&x"), SecretMarker::redacted),
                 QStringLiteral("url?k=") + SecretMarker::redacted + QStringLiteral("&x"));
        // Where a value shows (strings and keys at any depth, 4 characters or more).
        QVERIFY(rules.showsValueIn(json(R"({"a":[{"b":"x sk-live-77 y"}]})")));
        QVERIFY(rules.showsValueIn(json(R"({"a":{"sk-live-77":1}})")));
        QVERIFY(!rules.showsValueIn(json(R"({"a":[{"b":"sk-live-7"}],"c":7})")));
        SecretRules shortValue;
        shortValue.addValues({QStringLiteral("abc")});
        QVERIFY(!shortValue.showsValueIn(json(R"({"a":"abc"})")));
        QVERIFY(!SecretRules::byKeyNames().showsValueIn(json(R"({"a":"sk-live-77"})")));
        // Wildcards hold no concrete value to collect.
        SecretRules wild;
        wild.addPaths({QStringLiteral("/headers/*/value")});
        QVERIFY(wild.valuesAt(doc).isEmpty());
    }

    void vendorMasks()
    {
        QVERIFY(SecretRules::looksLikeVendorMask(SecretMarker::vendorMask));
        QVERIFY(SecretRules::looksLikeVendorMask(QStringLiteral("****abcd")));
        QVERIFY(!SecretRules::looksLikeVendorMask(QStringLiteral("sk-abc")));
    }

    void eachVendorSuppliesItsRules_data()
    {
        QTest::addColumn<int>("vendor");
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<bool>("secret");
        auto row = [](const char* name, Vendor v, const char* pointer, bool s) {
            QTest::newRow(name) << int(v) << QString::fromLatin1(pointer) << s;
        };
        row("databar header value", Vendor::Databar, "/headers/4/value", true);
        row("databar header name", Vendor::Databar, "/headers/4/name", false);
        row("databar parameter value", Vendor::Databar, "/parameters/0/value", false);
        row("databar url", Vendor::Databar, "/url", false);
        row("b3os data", Vendor::B3os, "/data/anything/deep", true);
        row("b3os name", Vendor::B3os, "/name", false);
        row("bigdata password", Vendor::Bigdata, "/config/user_password", true);
        row("bigdata emails", Vendor::Bigdata, "/config/allowed_emails/0", false);
        row("aisquared nested password", Vendor::AiSquared, "/configuration/credentials/password",
            true);
        row("aisquared host", Vendor::AiSquared, "/configuration/host", false);
        row("aisquared max_tokens", Vendor::AiSquared, "/configuration/max_tokens", false);
        row("aisquared api_token", Vendor::AiSquared, "/configuration/api_token", true);
        row("timbal version", Vendor::Timbal, "/version", false);
    }
    void eachVendorSuppliesItsRules()
    {
        QFETCH(int, vendor);
        QFETCH(QString, pointer);
        QFETCH(bool, secret);
        const SecretRules rules = vendorSecretRules(Vendor(vendor));
        QVERIFY(rules.usesKeyNames());
        QCOMPARE(rules.isSecretPointer(pointer), secret);
    }

    void markersAreDistinct()
    {
        const QStringList markers{SecretMarker::redacted, SecretMarker::placeholder,
                                  SecretMarker::draftStored, SecretMarker::draftNotSaved,
                                  SecretMarker::vendorMask};
        QCOMPARE(QSet<QString>(markers.begin(), markers.end()).size(), markers.size());
        for (const QString& m : markers)
            QVERIFY(!SecretRules::isFingerprint(m));
    }
};

QTEST_APPLESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
