#include "NetworkTestSupport.h"

#include "AiSquaredService.h"
#include "HttpClient.h"
#include "TimbalService.h"

// Each vendor's update trap, checked on the wire (the sandbox request log) and in its state.
class TestVendorUpdateRules : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    ca::HttpClient* m_http = nullptr;

    ca::ConnectorService* service(ca::Vendor vendor, const QByteArray& key = nettest::kKey)
    {
        return ca::createConnectorService(nettest::profileFor(m_sandbox, vendor, key), m_http,
                                          this);
    }

    // A freshly read connector of `vendor` that satisfies `accept`.
    ca::Connector fresh(ca::Vendor vendor, std::function<bool(const ca::Connector&)> accept = {})
    {
        ca::ConnectorListJob* job = service(vendor)->list();
        QSignalSpy spy(job, &ca::ConnectorListJob::finished);
        if (!spy.wait(30000))
            return {};
        for (const ca::Connector& c :
             spy.first().first().value<ca::ConnectorListResult>().connectors) {
            if (!accept || accept(c)) {
                ca::ConnectorJob* get = service(vendor)->get(c.id);
                QSignalSpy getSpy(get, &ca::ConnectorJob::finished);
                if (!getSpy.wait(30000))
                    return {};
                return getSpy.first().first().value<ca::ConnectorResult>().connector;
            }
        }
        return {};
    }

    QJsonObject lastBody(ca::Vendor vendor, const QString& method)
    {
        const auto requests = nettest::requestsTo(m_sandbox, ca::vendorId(vendor), method);
        return requests.isEmpty() ? QJsonObject()
                                  : requests.last().value(QLatin1String("json")).toObject();
    }

    // The paths below /configuration holding the mask, at any depth.
    static QStringList maskedPaths(const QJsonValue& v, const QString& pointer = {})
    {
        QStringList out;
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            for (auto it = o.begin(); it != o.end(); ++it)
                out += maskedPaths(it.value(), pointer + QLatin1Char('/') + it.key());
        } else if (v.toString() == ca::AiSquaredService::maskedPlaceholder()) {
            out << pointer;
        }
        return out;
    }
    static bool hasMaskedSecret(const ca::Connector& c)
    {
        return !maskedPaths(c.editable.value(QLatin1String("configuration"))).isEmpty();
    }
    // A nested secret such as credentials.password (Multiwoven masks at any depth).
    static bool hasNestedMaskedSecret(const ca::Connector& c)
    {
        for (const QString& p : maskedPaths(c.editable.value(QLatin1String("configuration"))))
            if (p.count(QLatin1Char('/')) > 1)
                return true;
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_http = nettest::newHttpClient(this);
    }
    void init() { QVERIFY(nettest::resetSandbox(m_sandbox)); }

    void aisquaredNestedMaskIsNeverSentBack()
    {
        // Multiwoven masks secret keys at any depth (connector.rb mask_secret_values): a nested
        // one is a secret path, and a configuration change that still holds it is refused.
        const ca::Connector c = fresh(ca::Vendor::AiSquared, hasNestedMaskedSecret);
        QVERIFY2(!c.id.isEmpty(), "the sandbox seeds kinds with nested secrets (credentials)");
        const QStringList nested = maskedPaths(c.editable.value(QLatin1String("configuration")));
        for (const QString& p : nested)
            QVERIFY2(c.secretPaths.contains(QStringLiteral("/configuration") + p), qPrintable(p));
        QJsonObject edited = c.editable;
        QJsonObject config = edited.value(QLatin1String("configuration")).toObject();
        config.insert(QStringLiteral("added_setting"), 1);
        edited.insert(QStringLiteral("configuration"), config);
        nettest::clearRequestLog(m_sandbox);
        ca::ConnectorUpdateJob* job = service(ca::Vendor::AiSquared)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::Refused);
        QVERIFY2(result.error.message.contains(QStringLiteral("masked placeholder")),
                 qPrintable(result.error.message));
        QVERIFY(nettest::requestsTo(m_sandbox, QStringLiteral("aisquared"), "PUT").isEmpty());
    }

    void aisquaredDescriptionIsSentOnlyWhenChanged()
    {
        const ca::Connector c = fresh(ca::Vendor::AiSquared);
        QVERIFY(c.editable.contains(QLatin1String("description")));
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("name"), QStringLiteral("renamed"));
        QString refusal;
        auto* s = service(ca::Vendor::AiSquared);
        QVERIFY(!s->buildUpdateBody(c, edited, &refusal)
                     .value(QLatin1String("connector"))
                     .toObject()
                     .contains(QLatin1String("description")));
        edited.insert(QStringLiteral("description"), QStringLiteral("nightly, EU"));
        ca::ConnectorUpdateJob* job = s->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(lastBody(ca::Vendor::AiSquared, QStringLiteral("PUT"))
                     .value(QLatin1String("connector"))
                     .toObject()
                     .value(QLatin1String("description"))
                     .toString(),
                 QStringLiteral("nightly, EU"));
        QCOMPARE(result.connector.editable.value(QLatin1String("description")).toString(),
                 QStringLiteral("nightly, EU"));
    }

    void aisquaredRenameDoesNotSendConfiguration()
    {
        const ca::Connector c = fresh(ca::Vendor::AiSquared, hasMaskedSecret);
        QVERIFY2(!c.id.isEmpty(), "the sandbox seeds AI Squared connectors with masked secrets");
        QVERIFY(!c.secretPaths.isEmpty());
        const QByteArray before = nettest::stateBytes(m_sandbox, QStringLiteral("aisquared"));
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("name"), QStringLiteral("renamed"));
        nettest::clearRequestLog(m_sandbox);
        ca::ConnectorUpdateJob* job = service(ca::Vendor::AiSquared)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QJsonObject sent = lastBody(ca::Vendor::AiSquared, QStringLiteral("PUT"))
                                     .value(QLatin1String("connector"))
                                     .toObject();
        QCOMPARE(sent.value(QLatin1String("name")).toString(), QStringLiteral("renamed"));
        QVERIFY(!sent.contains(QLatin1String("configuration")));
        QVERIFY(!result.sentBody.value(QLatin1String("connector"))
                     .toObject()
                     .contains(QLatin1String("configuration")));
        // The stored secrets are untouched (no asterisks stored).
        const QByteArray after = nettest::stateBytes(m_sandbox, QStringLiteral("aisquared"));
        QVERIFY(!after.contains(ca::AiSquaredService::maskedPlaceholder().toUtf8()));
        QVERIFY(before != after);
    }

    void aisquaredMaskedPlaceholderRefusedAndNothingSent()
    {
        const ca::Connector c = fresh(ca::Vendor::AiSquared, hasMaskedSecret);
        QVERIFY(!c.id.isEmpty());
        QJsonObject config = c.editable.value(QLatin1String("configuration")).toObject();
        config.insert(QStringLiteral("added_by_test"),
                      QStringLiteral("x")); // a real change, secrets still masked
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("configuration"), config);
        auto* s = service(ca::Vendor::AiSquared);
        QString refusal;
        QVERIFY(s->buildUpdateBody(c, edited, &refusal).isEmpty());
        QVERIFY(refusal.contains(QStringLiteral("masked placeholder")));
        nettest::clearRequestLog(m_sandbox);
        ca::ConnectorUpdateJob* job = s->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::Refused);
        QVERIFY(!result.sent);
        QVERIFY(nettest::requestLog(m_sandbox).isEmpty());
    }

    void aisquaredConfigurationWithSecretsReenteredIsSent()
    {
        const ca::Connector c = fresh(ca::Vendor::AiSquared, hasMaskedSecret);
        QJsonValue config = c.editable.value(QLatin1String("configuration"));
        // Every masked value, at any depth, re-entered.
        for (const QString& p : maskedPaths(config))
            config = ca::jsonValueSet(config, p, QStringLiteral("re-entered-secret"));
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("configuration"), config);
        ca::ConnectorUpdateJob* job = service(ca::Vendor::AiSquared)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QVERIFY(result.differences.isEmpty()); // masked secrets in the answer are no difference
        QVERIFY(nettest::stateBytes(m_sandbox, QStringLiteral("aisquared"))
                    .contains("re-entered-secret"));
    }

    void b3osBodyNeverContainsMaskedData()
    {
        const ca::Connector c = fresh(ca::Vendor::B3os);
        QVERIFY(!c.id.isEmpty());
        QVERIFY(c.readOnly.contains(QLatin1String("maskedData")));
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("description"), QStringLiteral("new description"));
        edited.insert(QStringLiteral("maskedData"),
                      c.readOnly.value(QLatin1String("maskedData"))); // a careless caller
        nettest::clearRequestLog(m_sandbox);
        ca::ConnectorUpdateJob* job = service(ca::Vendor::B3os)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QJsonObject sent = lastBody(ca::Vendor::B3os, QStringLiteral("PUT"));
        QCOMPARE(sent.value(QLatin1String("description")).toString(),
                 QStringLiteral("new description"));
        QVERIFY(!sent.contains(QLatin1String("maskedData")));
        QVERIFY(
            !sent.contains(QLatin1String("data"))); // no new data typed: stored credentials kept
    }

    void b3osNewDataIsSentWhole()
    {
        const ca::Connector c = fresh(ca::Vendor::B3os);
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("data"),
                      QJsonObject{{QStringLiteral("apiKey"), QStringLiteral("sk_new_value_1234")}});
        ca::ConnectorUpdateJob* job = service(ca::Vendor::B3os)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QVERIFY(result.differences.isEmpty()); // data is write-only, not a difference
        QCOMPARE(lastBody(ca::Vendor::B3os, QStringLiteral("PUT"))
                     .value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("apiKey"))
                     .toString(),
                 QStringLiteral("sk_new_value_1234"));
    }

    void bigdataBodyCarriesFieldsFromFreshGet()
    {
        const ca::Connector c = fresh(ca::Vendor::Bigdata, [](const ca::Connector& x) {
            return x.type == QLatin1String("email");
        });
        QVERIFY(!c.id.isEmpty());
        QJsonObject edited;
        edited.insert(QStringLiteral("label"), QStringLiteral("only the label edited"));
        nettest::clearRequestLog(m_sandbox);
        ca::ConnectorUpdateJob* job = service(ca::Vendor::Bigdata)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QJsonObject sent = lastBody(ca::Vendor::Bigdata, QStringLiteral("PUT"));
        QCOMPARE(sent.value(QLatin1String("label")).toString(),
                 QStringLiteral("only the label edited"));
        QCOMPARE(sent.value(QLatin1String("description")),
                 c.editable.value(QLatin1String("description")));
        QCOMPARE(sent.value(QLatin1String("share_with_org")),
                 c.editable.value(QLatin1String("share_with_org")));
        const QJsonObject storedConfig = c.readOnly.value(QLatin1String("config")).toObject();
        const QJsonObject sentConfig = sent.value(QLatin1String("config")).toObject();
        QCOMPARE(sentConfig.value(QLatin1String("email_hash")),
                 storedConfig.value(QLatin1String("email_hash")));
        QCOMPARE(sentConfig.value(QLatin1String("allowed_emails")),
                 storedConfig.value(QLatin1String("allowed_emails")));
        // Nothing else was cleared: description and senders survive.
        QCOMPARE(result.connector.editable.value(QLatin1String("description")),
                 c.editable.value(QLatin1String("description")));
        QCOMPARE(result.connector.editable.value(QLatin1String("config")),
                 c.editable.value(QLatin1String("config")));
    }

    void bigdataNonEmailTypesSendNullConfig_data()
    {
        // docs.bigdata.com: only email has an updatable config; sharepoint's comes back as {}
        // and must never be sent back as {} (or with invented fields).
        QTest::addColumn<QString>("type");
        QTest::newRow("investment_research (seed page)") << "investment_research";
        QTest::newRow("sharepoint (docs.bigdata.com)") << "sharepoint";
    }
    void bigdataNonEmailTypesSendNullConfig()
    {
        QFETCH(QString, type);
        const ca::Connector c =
            fresh(ca::Vendor::Bigdata, [&type](const ca::Connector& x) { return x.type == type; });
        QVERIFY2(!c.id.isEmpty(), qPrintable(type));
        QVERIFY(!c.editable.contains(QLatin1String("config")));
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("share_with_org"),
                      !c.editable.value(QLatin1String("share_with_org")).toBool());
        ca::ConnectorUpdateJob* job = service(ca::Vendor::Bigdata)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QJsonObject sent = lastBody(ca::Vendor::Bigdata, QStringLiteral("PUT"));
        QVERIFY(sent.value(QLatin1String("config")).isNull());
        // Asking to change it is refused before sending.
        edited.insert(QStringLiteral("config"),
                      QJsonObject{{QStringLiteral("user_id"), QStringLiteral("x")}});
        QString refusal;
        QVERIFY(service(ca::Vendor::Bigdata)->buildUpdateBody(c, edited, &refusal).isEmpty());
        QVERIFY(refusal.contains(QStringLiteral("cannot be updated")));
    }

    void databarCapReportedAsServerDifference()
    {
        const ca::Connector c = fresh(ca::Vendor::Databar);
        QVERIFY(!c.id.isEmpty());
        QJsonObject edited = c.editable;
        edited.insert(QStringLiteral("rate_limit"), 60);
        ca::ConnectorUpdateJob* job = service(ca::Vendor::Databar)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.differences.size(), 1);
        QCOMPARE(result.differences.first().path, QStringLiteral("/rate_limit"));
        QCOMPARE(result.differences.first().sent.toInt(), 60);
        QCOMPARE(result.differences.first().received.toInt(), 10);
    }

    void databarSendsFullReplacementBody()
    {
        const ca::Connector c = fresh(ca::Vendor::Databar);
        QJsonObject edited;
        edited.insert(QStringLiteral("name"), QStringLiteral("renamed"));
        ca::ConnectorUpdateJob* job = service(ca::Vendor::Databar)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        const QJsonObject sent = lastBody(ca::Vendor::Databar, QStringLiteral("PUT"));
        for (const QString& field : {QStringLiteral("method"), QStringLiteral("url"),
                                     QStringLiteral("headers"), QStringLiteral("type")})
            QCOMPARE(sent.value(field), c.editable.value(field));
        QCOMPARE(result.connector.editable.value(QLatin1String("headers")),
                 c.editable.value(QLatin1String("headers")));
    }

    void databarValidationMappedToField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QJsonValue>("value");
        QTest::addColumn<QString>("path");
        QTest::newRow("name too long")
            << "name" << QJsonValue(QString(300, QLatin1Char('n'))) << "/name";
        QTest::newRow("rate_limit zero") << "rate_limit" << QJsonValue(0) << "/rate_limit";
        QTest::newRow("method not allowed")
            << "method" << QJsonValue(QStringLiteral("delete")) << "/method";
    }
    void databarValidationMappedToField()
    {
        QFETCH(QString, field);
        QFETCH(QJsonValue, value);
        QFETCH(QString, path);
        const ca::Connector c = fresh(ca::Vendor::Databar);
        QJsonObject edited = c.editable;
        edited.insert(field, value);
        ca::ConnectorUpdateJob* job = service(ca::Vendor::Databar)->update(c, edited);
        CA_AWAIT(job, ca::UpdateResult, result);
        QCOMPARE(result.error.kind, ca::ApiError::Kind::Validation);
        QCOMPARE(result.error.httpStatus, 422);
        QVERIFY(!result.error.fieldErrors.isEmpty());
        QCOMPARE(result.error.fieldErrors.first().path, path);
        QVERIFY(!result.error.fieldErrors.first().message.isEmpty());
        QVERIFY2(result.error.message.contains(field), qPrintable(result.error.message));
    }

    void readOnlyKeyUpdateIsExplained_data()
    {
        QTest::addColumn<ca::Vendor>("vendor");
        QTest::addColumn<ca::ApiError::Kind>("kind");
        QTest::newRow("aisquared") << ca::Vendor::AiSquared << ca::ApiError::Kind::Forbidden;
        QTest::newRow("b3os") << ca::Vendor::B3os << ca::ApiError::Kind::Forbidden;
        QTest::newRow("databar") << ca::Vendor::Databar << ca::ApiError::Kind::Forbidden;
        QTest::newRow("bigdata") << ca::Vendor::Bigdata << ca::ApiError::Kind::Unauthorized;
    }
    void readOnlyKeyUpdateIsExplained()
    {
        QFETCH(ca::Vendor, vendor);
        QFETCH(ca::ApiError::Kind, kind);
        const ca::Connector c = fresh(vendor);
        ca::ConnectorUpdateJob* job = service(vendor, nettest::kReadOnlyKey)->update(c, c.editable);
        CA_AWAIT(job, ca::UpdateResult, result);
        QCOMPARE(result.error.kind, kind);
        QVERIFY(!result.error.hint.isEmpty());
        QVERIFY(!result.error.rawBody.contains(nettest::kReadOnlyKey));
    }

    // --- Timbal: software updates ---

    bool reachable(const ca::Connector& c)
    {
        return nettest::sandboxFacts(m_sandbox, QStringLiteral("timbal"), c.id)
            .value(QLatin1String("reachable"))
            .toBool();
    }

    void timbalLatestIsChosenByTheServer()
    {
        // No release list (timbal openapi.json): "latest" is sent as null and the answer's
        // target_version says what the server chose, here newer than any connector reports.
        QStringList reported;
        const ca::Connector c = fresh(ca::Vendor::Timbal, [&](const ca::Connector& x) {
            reported << x.version;
            return x.connected.value_or(false) && x.online.value_or(false) &&
                   x.version != QLatin1String("0.0.9") && !x.version.isEmpty();
        });
        QVERIFY(!c.id.isEmpty());
        TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")),
                           {{QStringLiteral("timbalUpdateDelayMs"), 0}});
        auto* s = qobject_cast<ca::TimbalService*>(service(ca::Vendor::Timbal));
        nettest::clearRequestLog(m_sandbox);
        ca::TimbalSoftwareUpdateJob* job = s->triggerSoftwareUpdate(c.id);
        CA_AWAIT(job, ca::SoftwareUpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.httpStatus, 202);
        QVERIFY(result.dispatched);
        QCOMPARE(result.targetVersion, QStringLiteral("0.1.5"));
        QVERIFY(!reported.contains(QStringLiteral("0.1.5")));
        QVERIFY2(result.artifact.contains(c.os), qPrintable(result.artifact));
        QCOMPARE(
            lastBody(ca::Vendor::Timbal, QStringLiteral("POST")).value(QLatin1String("version")),
            QJsonValue(QJsonValue::Null));
        for (const QJsonObject& r : nettest::requestsTo(m_sandbox, QStringLiteral("timbal")))
            QVERIFY(!r.value(QLatin1String("path")).toString().contains(QLatin1String("release")));
        // The reported version moves (update delay 0); then the same request is a no-op (200).
        QString reported2;
        for (int i = 0; i < 50 && reported2 != QLatin1String("0.1.5"); ++i) {
            ca::ConnectorJob* get = s->get(c.id);
            QSignalSpy spy(get, &ca::ConnectorJob::finished);
            QVERIFY(spy.wait(10000));
            reported2 = spy.first().first().value<ca::ConnectorResult>().connector.version;
            if (reported2 != QLatin1String("0.1.5"))
                QTest::qWait(50);
        }
        QCOMPARE(reported2, QStringLiteral("0.1.5"));
        ca::TimbalSoftwareUpdateJob* again =
            s->triggerSoftwareUpdate(c.id, QStringLiteral("v0.1.5"));
        CA_AWAIT(again, ca::SoftwareUpdateResult, noop);
        QVERIFY2(noop.ok(), qPrintable(noop.error.toString()));
        QCOMPARE(noop.httpStatus, 200);
        QVERIFY(!noop.dispatched);
    }

    void timbalConnectedButNotOnlineIsSent()
    {
        // online is "a live socket on this instance"; the server decides (timbal openapi.json).
        const ca::Connector c = fresh(ca::Vendor::Timbal, [this](const ca::Connector& x) {
            return x.connected.value_or(false) && !x.online.value_or(true) &&
                   x.version != QLatin1String("0.0.9") && reachable(x);
        });
        QVERIFY2(!c.id.isEmpty(), "the sandbox seeds connected connectors that are not online");
        auto* s = qobject_cast<ca::TimbalService*>(service(ca::Vendor::Timbal));
        ca::TimbalSoftwareUpdateJob* job = s->triggerSoftwareUpdate(c.id);
        CA_AWAIT(job, ca::SoftwareUpdateResult, result);
        QVERIFY2(result.ok(), qPrintable(result.error.toString()));
        QCOMPARE(result.httpStatus, 202);
    }

    void timbalUpdateErrorsExplained_data()
    {
        QTest::addColumn<QString>("which"); // which connector
        QTest::addColumn<QString>("version");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<ca::ApiError::Kind>("kind");
        QTest::addColumn<QString>("text");
        QTest::newRow("offline") << "offline" << QString() << nettest::kKey
                                 << ca::ApiError::Kind::Precondition
                                 << "the connector is offline: Timbal could not reach it";
        QTest::newRow("connected, not online, gone")
            << "stale" << QString() << nettest::kKey << ca::ApiError::Kind::Precondition
            << "the connector is offline: Timbal could not reach it";
        QTest::newRow("too old") << "old" << QString() << nettest::kKey
                                 << ca::ApiError::Kind::Precondition
                                 << "the connector is too old to update remotely";
        QTest::newRow("unknown release") << "online"
                                         << "0.9.9" << nettest::kKey << ca::ApiError::Kind::NotFound
                                         << "release 0.9.9 not found at Timbal";
        QTest::newRow("read-only key")
            << "online" << QString() << nettest::kReadOnlyKey << ca::ApiError::Kind::Forbidden
            << "this API key may not update connectors";
        QTest::newRow("bad version")
            << "online"
            << "latest!" << nettest::kKey << ca::ApiError::Kind::Refused << "is not a version";
    }
    void timbalUpdateErrorsExplained()
    {
        QFETCH(QString, which);
        QFETCH(QString, version);
        QFETCH(QByteArray, key);
        QFETCH(ca::ApiError::Kind, kind);
        QFETCH(QString, text);
        const ca::Connector c = fresh(ca::Vendor::Timbal, [&](const ca::Connector& x) {
            const bool old = x.version == QLatin1String("0.0.9");
            if (which == QLatin1String("offline"))
                return !x.connected.value_or(true) && !x.online.value_or(true) && !old;
            if (which == QLatin1String("stale"))
                return x.connected.value_or(false) && !x.online.value_or(true) && !old &&
                       !reachable(x);
            if (which == QLatin1String("old"))
                return x.online.value_or(false) && old;
            return x.online.value_or(false) && !old && !x.version.isEmpty();
        });
        QVERIFY(!c.id.isEmpty());
        auto* s = qobject_cast<ca::TimbalService*>(service(ca::Vendor::Timbal, key));
        ca::TimbalSoftwareUpdateJob* job = s->triggerSoftwareUpdate(c.id, version);
        CA_AWAIT(job, ca::SoftwareUpdateResult, result);
        QCOMPARE(result.error.kind, kind);
        QVERIFY2(result.error.message.contains(text), qPrintable(result.error.message));
        QVERIFY(!result.error.hint.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestVendorUpdateRules)
#include "tst_vendor_update_rules.moc"
