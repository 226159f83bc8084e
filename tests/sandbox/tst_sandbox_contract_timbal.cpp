#include "ContractFacts.h"

#include <QDeadlineTimer>
#include <QMap>
#include <QSet>
#include <QtTest>

using namespace contract;

// Timbal as its published OpenAPI describes it (timbal-ai/timbal docs/api-reference/openapi.json
// ConnectorView, UpdateReq/UpdateRes, ErrorMessage; pagination.mdx; errors.mdx), the seed page
// of POST .../update, and shared/vendor-apis/VERIFIED.md. 150 connectors, so that the default
// page size (100) splits the list. Waits poll for a state with a generous bound; nothing
// asserts on elapsed time.
class TestSandboxContractTimbal : public QObject
{
    Q_OBJECT

    const QString kVendor = QStringLiteral("timbal");
    static constexpr int kConnectors = 150;
    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QString::number(kConnectors),
                              QStringLiteral("--update-delay"), QStringLiteral("300")}};

    static QString versionOf(const QJsonObject& c)
    {
        return c.value(QLatin1String("version")).toString();
    }
    static bool reachable(const QJsonObject& c)
    {
        return c.value(QLatin1String("_sandbox"))
            .toObject()
            .value(QLatin1String("reachable"))
            .toBool();
    }
    // How many updates the sandbox dispatched to `id` (its sandbox-only state).
    int dispatches(const QString& id) const
    {
        return stateEntry(m_sandbox, kVendor, id)
            .value(QLatin1String("_sandbox"))
            .toObject()
            .value(QLatin1String("dispatches"))
            .toInt(-1);
    }
    // Reachable and remotely updatable, below the server's latest.
    static bool updatable(const QJsonObject& c)
    {
        const QString v = versionOf(c);
        return reachable(c) && !v.isEmpty() && v != QLatin1String("0.0.9") &&
               v < QLatin1String("0.1.5");
    }

    QString resolve(const QString& name) const
    {
        const QString t = kVendor;
        auto id = [&](const std::function<bool(const QJsonObject&)>& pred) {
            return stateId(m_sandbox, t, pred);
        };
        auto b = [](const QJsonObject& c, const char* key) {
            return c.value(QLatin1String(key)).toBool();
        };
        if (name == QLatin1String("online"))
            return id([&](const QJsonObject& c) {
                return updatable(c) && b(c, "connected") && b(c, "online");
            });
        if (name == QLatin1String("online.version"))
            return versionOf(stateEntry(m_sandbox, t, resolve(QStringLiteral("online"))));
        if (name == QLatin1String("other"))
            return id([&](const QJsonObject& c) {
                return updatable(c) && b(c, "connected") && !b(c, "online");
            });
        if (name == QLatin1String("offline"))
            return id([&](const QJsonObject& c) {
                return !b(c, "connected") && !c.value(QLatin1String("version")).isNull();
            });
        if (name == QLatin1String("stale"))
            return id([&](const QJsonObject& c) {
                return b(c, "connected") && !b(c, "online") && !reachable(c);
            });
        if (name == QLatin1String("tooold"))
            return id([&](const QJsonObject& c) {
                return reachable(c) && versionOf(c) == QLatin1String("0.0.9");
            });
        if (name == QLatin1String("nullname"))
            return id([](const QJsonObject& c) { return c.value(QLatin1String("name")).isNull(); });
        if (name == QLatin1String("nullversion"))
            return id(
                [](const QJsonObject& c) { return c.value(QLatin1String("version")).isNull(); });
        if (name == QLatin1String("below013"))
            return id([&](const QJsonObject& c) {
                return updatable(c) && versionOf(c) < QLatin1String("0.1.3");
            });
        for (const char* platform :
             {"linux-x86_64", "linux-arm64", "darwin-arm64", "windows-x86_64"}) {
            if (name == QLatin1String(platform))
                return id([&](const QJsonObject& c) {
                    return updatable(c) && c.value(QLatin1String("os")).toString() +
                                                   QLatin1Char('-') +
                                                   c.value(QLatin1String("arch")).toString() ==
                                               QLatin1String(platform);
                });
        }
        return {};
    }

    QJsonObject getConnector(const QString& id) const
    {
        return call(m_sandbox, kVendor, "GET", itemPath(kVendor, id)).object();
    }
    TestResponse update(const QString& id, const QJsonObject& body = {}) const
    {
        return call(m_sandbox, kVendor, "POST", writePath(kVendor, id), body);
    }
    bool configure(const QJsonObject& knobs) const
    {
        return TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/config")), knobs);
    }
    bool setFaults(const QJsonArray& faults) const
    {
        return TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                  {{QStringLiteral("faults"), faults}});
    }

    // Every connector of `sb` an update is accepted for (202 for latest), in index order.
    static QStringList updatableIds(const SandboxProcess& sb)
    {
        QStringList ids;
        for (const QJsonValue& v :
             TestHttp::getJson(sb.url(QStringLiteral("/_sandbox/state?vendor=timbal")))
                 .value(QLatin1String("timbal"))
                 .toArray()) {
            if (updatable(v.toObject()))
                ids << v.toObject().value(QLatin1String("id")).toString();
        }
        return ids;
    }
    // `_sandbox.reportFault` of every Timbal connector of `sb` that has one, by id.
    static QMap<QString, QString> reportFaultsHit(const SandboxProcess& sb)
    {
        QMap<QString, QString> hit;
        for (const QJsonValue& v :
             TestHttp::getJson(sb.url(QStringLiteral("/_sandbox/state?vendor=timbal")))
                 .value(QLatin1String("timbal"))
                 .toArray()) {
            const QJsonValue f = v[QLatin1String("_sandbox")][QLatin1String("reportFault")];
            if (!f.isUndefined())
                hit.insert(v[QLatin1String("id")].toString(), f.toString());
        }
        return hit;
    }

    // Polls GET every 50 ms until the reported version is `version` (or 10 s passed).
    bool waitForVersion(const QString& id, const QString& version) const
    {
        QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired()) {
            if (versionOf(getConnector(id)) == version)
                return true;
            QTest::qWait(50);
        }
        return false;
    }

    // Walks the list as pagination.mdx says: follow next_page_token with ?page_token= until a
    // page has none. Fails the test on a broken page.
    void walk(QStringList* ids, int* pages, QString* wrapper, bool* lastTokenNull) const
    {
        QString token;
        *pages = 0;
        do {
            QString path = listPath(kVendor);
            if (!token.isEmpty())
                path += QStringLiteral("?page_token=") +
                        QString::fromLatin1(QUrl::toPercentEncoding(token));
            const TestResponse r = call(m_sandbox, kVendor, "GET", path);
            QCOMPARE(r.status, 200);
            QVERIFY(++*pages < 200);
            const QJsonDocument doc = r.json();
            if (doc.isArray()) {
                *wrapper = QStringLiteral("array");
                for (const QJsonValue& v : doc.array())
                    ids->append(idOf(kVendor, v.toObject()));
                return;
            }
            const QJsonObject o = doc.object();
            QStringList arrays;
            for (const QString& key : o.keys()) {
                if (o.value(key).isArray())
                    arrays << key;
            }
            QCOMPARE(arrays.size(), 1);
            *wrapper = arrays.first();
            for (const QJsonValue& v : o.value(*wrapper).toArray())
                ids->append(idOf(kVendor, v.toObject()));
            const QJsonValue next = o.value(QLatin1String("next_page_token"));
            QVERIFY2(next.isString() || next.isNull() || next.isUndefined(), r.body.constData());
            token = next.toString();
            *lastTokenNull = next.isNull();
        } while (!token.isEmpty());
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    // ---- one request, one fact ----

    void facts_data()
    {
        addFactColumns();
        const QString t = kVendor;
        const QString list = listPath(t);
        const QString item = collectionPath(t) + QStringLiteral("/");
        const QString err = QStringLiteral("code:string ; message:string");
        auto upd = [&](const char* who) {
            return item + QLatin1Char('{') + QLatin1String(who) + QStringLiteral("}/update");
        };

        // ConnectorView
        fact("timbal ConnectorView has no platform (timbal openapi.json ConnectorView)", t, "GET",
             item + "{online}", {}, {}, 200, "platform:missing ; os:string ; arch:string");
        fact("timbal ConnectorView has no pending_version (timbal openapi.json ConnectorView)", t,
             "GET", item + "{online}", {}, {}, 200, "pending_version:missing");
        fact("timbal ConnectorView has no created_at/updated_at (timbal openapi.json "
             "ConnectorView)",
             t, "GET", item + "{online}", {}, {}, 200,
             "created_at:missing ; updated_at:missing ; enrolled_at:string");
        fact("timbal ConnectorView required id, capabilities, connected, online, enrolled_at "
             "(timbal openapi.json ConnectorView.required)",
             t, "GET", item + "{online}", {}, {}, 200,
             "id=\"{online}\" ; capabilities:array ; capabilities/0:string ; connected=true ; "
             "online=true ; enrolled_at:string ; last_seen_at:string ; hostname:string");
        fact("timbal ConnectorView name may be null (timbal openapi.json ConnectorView.name)", t,
             "GET", item + "{nullname}", {}, {}, 200, "name=null ; id=\"{nullname}\"");
        fact("timbal ConnectorView version may be null: enrolled, never reported (timbal "
             "openapi.json ConnectorView.version)",
             t, "GET", item + "{nullversion}", {}, {}, 200, "version=null ; last_seen_at=null");
        fact("timbal connected but not online on this instance (timbal openapi.json "
             "ConnectorView.online/connected)",
             t, "GET", item + "{other}", {}, {}, 200, "connected=true ; online=false");
        fact("timbal offline connector is neither connected nor online (timbal openapi.json "
             "ConnectorView.connected)",
             t, "GET", item + "{offline}", {}, {}, 200, "connected=false ; online=false");
        fact("timbal answers never carry the sandbox-only _sandbox member (docs/sandbox.md "
             "timbal state)",
             t, "GET", list, {}, {}, 200, "!~_sandbox ; connectors/0/id:string");

        // The list
        fact("timbal list wraps in connectors by default (VERIFIED.md timbal: wrapper not pinned; "
             "docs/sandbox.md timbalListShape)",
             t, "GET", list, {}, {}, 200,
             "connectors:array ; connectors/99/id:string ; connectors/100:missing ; "
             "next_page_token:string");
        fact("timbal list ignores unknown parameters limit and cursor (timbal openapi.json: list "
             "documents no parameters)",
             t, "GET", list + "?limit=3&cursor=abc", {}, {}, 200,
             "connectors/99/id:string ; next_page_token:string");
        fact("timbal bad page_token is 400 BAD_REQUEST (timbal pagination.mdx; openapi.json "
             "ErrorMessage)",
             t, "GET", list + "?page_token=bm90LWEtdG9rZW4", {}, {}, 400,
             "code=\"BAD_REQUEST\" ; message:string");
        fact("timbal no release list: /connectors/releases is connector id releases, 404 "
             "(VERIFIED.md timbal; openapi.json has no release path)",
             t, "GET", list + "/releases", {}, {}, 404,
             "code=\"NOT_FOUND\" ; message=\"connector releases not found\"");
        fact("timbal RateLimit-* and X-RateLimit-* may be on 2xx answers (timbal errors.mdx Rate "
             "limiting)",
             t, "GET", list, {}, {}, 200, "connectors:array",
             "RateLimit-Limit? ; RateLimit-Remaining? ; RateLimit-Reset? ; X-RateLimit-Limit? ; "
             "X-RateLimit-Remaining? ; X-RateLimit-Reset?");

        // Errors: ErrorMessage {code, message}
        fact("timbal 401 UNAUTHORIZED for a wrong key (timbal openapi.json ErrorMessage; "
             "errors.mdx 401)",
             t, "GET", list, {}, "key=wrong", 401, "code=\"UNAUTHORIZED\" ; message:string");
        fact("timbal 401 UNAUTHORIZED without a key (timbal errors.mdx 401)", t, "GET", list, {},
             "key=none", 401, "code=\"UNAUTHORIZED\" ; " + err);
        fact("timbal 403 FORBIDDEN for another org (timbal openapi.json list 403)", t, "GET",
             "/timbal/orgs/other-org/connectors", {}, {}, 403, "code=\"FORBIDDEN\" ; " + err);
        fact("timbal 403 FORBIDDEN for the read-only key on update (timbal seed update 403)", t,
             "POST", upd("online"), "{}", "key=readonly", 403, "code=\"FORBIDDEN\" ; " + err, {},
             true);
        fact("timbal 404 NOT_FOUND names the connector (timbal openapi.json get 404)", t, "GET",
             item + "con_999999", {}, {}, 404,
             "code=\"NOT_FOUND\" ; message=\"connector con_999999 not found\"");
        fact("timbal 404 NOT_FOUND on update of an unknown connector (timbal seed update 404)", t,
             "POST", item + "con_999999/update", "{}", {}, 404,
             "code=\"NOT_FOUND\" ; message=\"connector con_999999 not found\"", {}, true);
        fact("timbal 404 NOT_FOUND for an unknown release (timbal seed update 404 release "
             "version)",
             t, "POST", upd("online"), "{\"version\":\"9.9.9\"}", {}, 404,
             "code=\"NOT_FOUND\" ; message=\"release 9.9.9 not found\"", {}, true);
        fact("timbal 422 connector_offline for an offline connector (timbal seed update 422; "
             "openapi.json code connector_offline)",
             t, "POST", upd("offline"), "{}", {}, 422,
             "code=\"connector_offline\" ; message=\"connector is offline\"", {}, true);
        fact("timbal 422 connector_offline for a stale connected flag (VERIFIED.md timbal: let "
             "the server's 422 decide)",
             t, "POST", upd("stale"), "{}", {}, 422,
             "code=\"connector_offline\" ; message=\"connector is offline\"", {}, true);
        fact("timbal 422 connector_offline for a connector that never reported (timbal seed "
             "update 422)",
             t, "POST", upd("nullversion"), "{}", {}, 422, "code=\"connector_offline\"", {}, true);
        fact("timbal 422 connector_too_old for 0.0.9 (timbal seed update 422 too old)", t, "POST",
             upd("tooold"), "{}", {}, 422,
             "code=\"connector_too_old\" ; ~too old to update remotely", {}, true);
        fact("timbal 400 BAD_REQUEST for a body that is not JSON (timbal errors.mdx 400; "
             "openapi.json ErrorMessage BAD_REQUEST)",
             t, "POST", upd("online"), "{nope", {}, 400, "code=\"BAD_REQUEST\" ; " + err, {}, true);
        fact("timbal 400 BAD_REQUEST for a version that is not semver (timbal seed UpdateReq "
             "0.1.3 or v0.1.3)",
             t, "POST", upd("online"), "{\"version\":\"latest-please\"}", {}, 400,
             "code=\"BAD_REQUEST\"", {}, true);
        fact("timbal 400 BAD_REQUEST for a version that is not a string (timbal seed UpdateReq "
             "string|null)",
             t, "POST", upd("online"), "{\"version\":5}", {}, 400, "code=\"BAD_REQUEST\"", {},
             true);
        fact("timbal 405 METHOD_NOT_ALLOWED with Allow on the list (docs/sandbox.md timbal)", t,
             "PUT", list, "{}", {}, 405, "code=\"METHOD_NOT_ALLOWED\"", "Allow=GET");
        fact("timbal unknown path is 404 NOT_FOUND (timbal openapi.json ErrorMessage)", t, "GET",
             "/timbal/no/such/path", {}, {}, 404, "code=\"NOT_FOUND\" ; " + err);

        // Update answers (UpdateRes)
        fact("timbal update without version targets latest 0.1.5 (timbal seed UpdateReq: omit "
             "for latest; VERIFIED.md server resolves latest)",
             t, "POST", upd("online"), "{}", {}, 202,
             "target_version=\"0.1.5\" ; dispatched=true ; artifact:string");
        fact("timbal update with version null targets latest (timbal seed UpdateReq "
             "string|null)",
             t, "POST", upd("online"), "{\"version\":null}", {}, 202,
             "target_version=\"0.1.5\" ; dispatched=true");
        fact("timbal update accepts v0.1.3 and answers bare semver (timbal seed UpdateReq / "
             "UpdateRes.target_version)",
             t, "POST", upd("below013"), "{\"version\":\"v0.1.3\"}", {}, 202,
             "target_version=\"0.1.3\" ; dispatched=true");
        fact("timbal 202 for connected but not online here (VERIFIED.md timbal: online alone is "
             "not reachable)",
             t, "POST", upd("other"), "{}", {}, 202, "dispatched=true");
        fact("timbal 200 dispatched false when already on the target (timbal seed update 200; "
             "UpdateRes.dispatched)",
             t, "POST", upd("online"), "{\"version\":\"{online.version}\"}", {}, 200,
             "dispatched=false ; target_version=\"{online.version}\"", {}, true);
        fact("timbal artifact for linux x86_64 is a tar.gz (timbal seed UpdateRes.artifact from "
             "the platform)",
             t, "POST", upd("linux-x86_64"), "{}", {}, 202,
             "artifact=\"timbal-connector-0.1.5-linux-x86_64.tar.gz\"");
        fact("timbal artifact for linux arm64 (timbal seed UpdateRes.artifact)", t, "POST",
             upd("linux-arm64"), "{}", {}, 202,
             "artifact=\"timbal-connector-0.1.5-linux-arm64.tar.gz\"");
        fact("timbal artifact for darwin arm64 (timbal seed UpdateRes.artifact)", t, "POST",
             upd("darwin-arm64"), "{}", {}, 202,
             "artifact=\"timbal-connector-0.1.5-darwin-arm64.tar.gz\"");
        fact("timbal artifact for windows is a zip (timbal seed UpdateRes.artifact)", t, "POST",
             upd("windows-x86_64"), "{}", {}, 202,
             "artifact=\"timbal-connector-0.1.5-windows-x86_64.zip\"");
        fact("timbal update answers carry RateLimit-* (timbal errors.mdx Rate limiting)", t, "POST",
             upd("online"), "{}", {}, 202, "dispatched=true",
             "RateLimit-Limit? ; RateLimit-Remaining? ; RateLimit-Reset?");
    }
    void facts()
    {
        runFact(m_sandbox, [this](const QString& name) { return resolve(name); });
    }

    // ---- the list: wrappers and page tokens ----

    void listWrapper_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<int>("pageSize");
        QTest::addColumn<int>("pages");
        QTest::newRow("timbal list in connectors, paged by next_page_token/page_token (timbal "
                      "pagination.mdx)")
            << QStringLiteral("connectors") << 7 << 22;
        QTest::newRow("timbal list in data (VERIFIED.md timbal: accept connectors, data, items, "
                      "results)")
            << QStringLiteral("data") << 40 << 4;
        QTest::newRow("timbal list in items (VERIFIED.md timbal wrapper)")
            << QStringLiteral("items") << 100 << 2;
        QTest::newRow("timbal list in results (VERIFIED.md timbal wrapper)")
            << QStringLiteral("results") << 150 << 1;
        QTest::newRow("timbal list as a bare array, unpaged (VERIFIED.md timbal: accept a bare "
                      "array)")
            << QStringLiteral("array") << 7 << 1;
        QTest::newRow("timbal default page size 100 (docs/sandbox.md timbalPageSize)")
            << QStringLiteral("connectors") << 0 << 2;
    }
    void listWrapper()
    {
        QFETCH(QString, shape);
        QFETCH(int, pageSize);
        QFETCH(int, pages);
        QJsonObject knobs{{QStringLiteral("timbalListShape"), shape}};
        if (pageSize > 0)
            knobs.insert(QStringLiteral("timbalPageSize"), pageSize);
        QVERIFY(configure(knobs));
        QStringList ids;
        int seen = 0;
        QString wrapper;
        bool lastTokenNull = false;
        walk(&ids, &seen, &wrapper, &lastTokenNull);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(wrapper, shape);
        QCOMPARE(seen, pages);
        QCOMPARE(ids.size(), kConnectors);
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), kConnectors);
        if (shape != QLatin1String("array"))
            QVERIFY2(lastTokenNull, "the last page's next_page_token is null");
    }

    void editedPageTokenIsRefused()
    {
        // pagination.mdx: tokens are opaque; one changed by a client is a bad token.
        const TestResponse first = call(m_sandbox, kVendor, "GET", listPath(kVendor));
        const QString token = first.object().value(QLatin1String("next_page_token")).toString();
        QVERIFY(!token.isEmpty());
        const QByteArray plain = QByteArray::fromBase64(
            token.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        QVERIFY(!plain.isEmpty());
        QByteArray edited = plain;
        edited[edited.size() - 1] = edited.back() == '0' ? '1' : '0';
        const QString forged = QString::fromLatin1(
            edited.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        QCOMPARE(call(m_sandbox, kVendor, "GET",
                      listPath(kVendor) + QStringLiteral("?page_token=") + token)
                     .status,
                 200);
        const TestResponse r = call(m_sandbox, kVendor, "GET",
                                    listPath(kVendor) + QStringLiteral("?page_token=") + forged);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.object().value(QLatin1String("code")).toString(), QStringLiteral("BAD_REQUEST"));
    }

    void knobsAreCheckedAndReset_data()
    {
        QTest::addColumn<QJsonObject>("knobs");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("timbalListShape outside the five shapes is refused (docs/sandbox.md)")
            << QJsonObject{{QStringLiteral("timbalListShape"), QStringLiteral("rows")}} << false;
        QTest::newRow("timbalPageSize 0 is refused (docs/sandbox.md)")
            << QJsonObject{{QStringLiteral("timbalPageSize"), 0}} << false;
        QTest::newRow("timbalPageSize 2.5 is refused (docs/sandbox.md)")
            << QJsonObject{{QStringLiteral("timbalPageSize"), 2.5}} << false;
        QTest::newRow("timbalUpdateDelayMs as text is refused (docs/sandbox.md)")
            << QJsonObject{{QStringLiteral("timbalUpdateDelayMs"), QStringLiteral("soon")}}
            << false;
        QTest::newRow("valid knobs are taken, and /_sandbox/reset drops them (docs/sandbox.md)")
            << QJsonObject{{QStringLiteral("timbalListShape"), QStringLiteral("items")},
                           {QStringLiteral("timbalPageSize"), 5}}
            << true;
    }
    void knobsAreCheckedAndReset()
    {
        QFETCH(QJsonObject, knobs);
        QFETCH(bool, accepted);
        // A bad knob changes nothing, not even the valid ones beside it.
        QJsonObject withValid = knobs;
        withValid.insert(QStringLiteral("databarCredits"), 0);
        const TestResponse r = TestHttp::sendJson(
            "POST", m_sandbox.url(QStringLiteral("/_sandbox/config")), {}, withValid);
        QCOMPARE(r.status, accepted ? 200 : 400);
        const TestResponse list = call(m_sandbox, kVendor, "GET", listPath(kVendor));
        if (!accepted) {
            QVERIFY2(r.object().value(QLatin1String("error")).isString(), r.body.constData());
            QCOMPARE(list.object().value(QLatin1String("connectors")).toArray().size(), 100);
            QVERIFY(!TestHttp::get(m_sandbox.url(QStringLiteral("/_sandbox/config")))
                         .body.contains("databarCredits"));
            return;
        }
        QCOMPARE(list.object().value(QLatin1String("items")).toArray().size(), 5);
        QVERIFY(reset(m_sandbox));
        QCOMPARE(call(m_sandbox, kVendor, "GET", listPath(kVendor))
                     .object()
                     .value(QLatin1String("connectors"))
                     .toArray()
                     .size(),
                 100);
    }

    // ---- what decides an update ----

    // Every connector: the answer follows _sandbox.reachable and the version, never `online`.
    void updateOutcomeFollowsReachability()
    {
        const QJsonArray state =
            TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=timbal")))
                .value(kVendor)
                .toArray();
        QCOMPARE(state.size(), kConnectors);
        int accepted = 0, offline = 0, tooOld = 0, acceptedNotOnline = 0;
        for (const QJsonValue& v : state) {
            const QJsonObject c = v.toObject();
            const QString id = c.value(QLatin1String("id")).toString();
            const TestResponse r = update(id);
            int want = 202;
            QString code;
            if (!reachable(c)) {
                want = 422;
                code = QStringLiteral("connector_offline");
            } else if (versionOf(c) == QLatin1String("0.0.9")) {
                want = 422;
                code = QStringLiteral("connector_too_old");
            }
            QVERIFY2(r.status == want,
                     qPrintable(id + QLatin1Char(' ') + QString::fromUtf8(r.body)));
            if (!code.isEmpty())
                QCOMPARE(r.object().value(QLatin1String("code")).toString(), code);
            accepted += want == 202;
            offline += code == QLatin1String("connector_offline");
            tooOld += code == QLatin1String("connector_too_old");
            acceptedNotOnline += want == 202 && !c.value(QLatin1String("online")).toBool();
        }
        // The seeded mix: most accepted; some offline, too old, and accepted though not online.
        QVERIFY2(accepted > kConnectors / 2, qPrintable(QString::number(accepted)));
        QVERIFY(offline > 0 && tooOld > 0 && acceptedNotOnline > 0);
    }

    void fleetNewestIsOlderThanLatest()
    {
        // VERIFIED.md timbal: "latest" is the server's choice; the fleet's newest is only a hint.
        QString newest;
        for (const QJsonValue& v : listAll(m_sandbox, kVendor))
            newest = qMax(newest, versionOf(v.toObject()));
        QCOMPARE(newest, QStringLiteral("0.1.4"));
        QCOMPARE(update(resolve(QStringLiteral("online")))
                     .object()
                     .value(QLatin1String("target_version"))
                     .toString(),
                 QStringLiteral("0.1.5"));
    }

    // ---- after a 202 ----

    void update202ThenVersionMovesLaterThen200()
    {
        const QString id = resolve(QStringLiteral("online"));
        QVERIFY(!id.isEmpty());
        const QJsonObject before = getConnector(id);
        const TestResponse r = update(id);
        QCOMPARE(r.status, 202);
        QCOMPARE(r.object().value(QLatin1String("target_version")).toString(),
                 QStringLiteral("0.1.5"));
        // VERIFIED.md timbal: no pending state is exposed; the answer is exactly ConnectorView.
        const QJsonObject right = getConnector(id);
        QCOMPARE(versionOf(right), versionOf(before));
        QCOMPARE(right.keys(), before.keys());
        const QString shape = connectorShapeError(kVendor, right);
        QVERIFY2(shape.isEmpty(), qPrintable(shape));
        QCOMPARE(dispatches(id), 1);
        QVERIFY2(waitForVersion(id, QStringLiteral("0.1.5")),
                 "reported version never became the target");
        const TestResponse again =
            update(id, {{QStringLiteral("version"), QStringLiteral("0.1.5")}});
        QCOMPARE(again.status, 200);
        QCOMPARE(again.object().value(QLatin1String("dispatched")).toBool(true), false);
        QCOMPARE(dispatches(id), 1);
    }

    void secondPostBeforeReportIsDispatchedAgain()
    {
        // VERIFIED.md timbal: the server has no pending state, so it dispatches again.
        QVERIFY(configure({{QStringLiteral("timbalUpdateDelayMs"), 60000}}));
        const QString id = resolve(QStringLiteral("online"));
        const QString old = versionOf(getConnector(id));
        QCOMPARE(update(id).status, 202);
        QCOMPARE(update(id).status, 202);
        QCOMPARE(versionOf(getConnector(id)), old);
        QCOMPARE(dispatches(id), 2);
    }

    void negativeDelayNeverMovesVersion()
    {
        SandboxProcess never({QStringLiteral("--update-delay"), QStringLiteral("-1")});
        QVERIFY2(never.start(), qPrintable(never.errorString()));
        const QString id =
            stateId(never, kVendor, [](const QJsonObject& c) { return updatable(c); });
        QVERIFY(!id.isEmpty());
        const QJsonObject before = call(never, kVendor, "GET", itemPath(kVendor, id)).object();
        QCOMPARE(call(never, kVendor, "POST", writePath(kVendor, id), QJsonObject{}).status, 202);
        for (int i = 0; i < 10; ++i) { // ~1 s of polling
            QCOMPARE(call(never, kVendor, "GET", itemPath(kVendor, id)).object(), before);
            QTest::qWait(100);
        }
    }

    void updateDelayConfigurableAtRuntime()
    {
        QVERIFY(configure({{QStringLiteral("timbalUpdateDelayMs"), 0}}));
        const QString id = resolve(QStringLiteral("other"));
        QCOMPARE(update(id).status, 202);
        QVERIFY(waitForVersion(id, QStringLiteral("0.1.5")));
    }

    // ---- report faults: stuck, revert, drop (docs/sandbox.md "Report faults") ----

    void reportFaultsBendNoAnswer()
    {
        QVERIFY(setFaults({QStringLiteral("timbal:stuck@0.5"), QStringLiteral("timbal:drop@0.3")}));
        const QStringList ids = updatableIds(m_sandbox);
        QMap<QString, QString> before;
        for (const QString& id : ids) {
            before.insert(id, versionOf(getConnector(id)));
            const TestResponse r = update(id);
            QCOMPARE(r.status, 202);
            QCOMPARE(r.object().value(QLatin1String("target_version")).toString(),
                     QStringLiteral("0.1.5"));
        }
        for (const QJsonObject& entry : m_sandbox.requestsTo(kVendor, QStringLiteral("POST")))
            QVERIFY(entry.value(QLatin1String("fault")).isNull());
        const QMap<QString, QString> hit = reportFaultsHit(m_sandbox);
        QCOMPARE(QSet<QString>(hit.cbegin(), hit.cend()),
                 (QSet<QString>{QStringLiteral("stuck"), QStringLiteral("drop")}));
        // A connector not hit reports the target; the stuck ones never do.
        const QString normal = *std::find_if(
            ids.cbegin(), ids.cend(), [&hit](const QString& id) { return !hit.contains(id); });
        QVERIFY(waitForVersion(normal, QStringLiteral("0.1.5")));
        QTest::qWait(300);
        for (auto it = hit.cbegin(); it != hit.cend(); ++it) {
            const QJsonObject c = getConnector(it.key());
            QCOMPARE(versionOf(c), before.value(it.key()));
            if (it.value() == QLatin1String("drop")) {
                QCOMPARE(c.value(QLatin1String("connected")).toBool(true), false);
                QCOMPARE(update(it.key()).object().value(QLatin1String("code")).toString(),
                         QStringLiteral("connector_offline"));
            }
        }
    }

    void reportFaultHitsRepeatWithTheSeed()
    {
        auto hitSet = [this](const QString& seed, bool reversed) {
            SandboxProcess sb({QStringLiteral("--seed"), seed, QStringLiteral("--connectors"),
                               QStringLiteral("60"), QStringLiteral("--update-delay"),
                               QStringLiteral("-1"), QStringLiteral("--fault"),
                               QStringLiteral("timbal:stuck@0.5")});
            if (!sb.start())
                return QStringList{sb.errorString()};
            QStringList ids = updatableIds(sb);
            if (reversed)
                std::reverse(ids.begin(), ids.end());
            for (const QString& id : ids)
                call(sb, kVendor, "POST", writePath(kVendor, id), QJsonObject{});
            return reportFaultsHit(sb).keys();
        };
        const QStringList seven = hitSet(QStringLiteral("7"), false);
        QVERIFY(seven.size() > 5);
        QCOMPARE(hitSet(QStringLiteral("7"), true), seven);
        QVERIFY(hitSet(QStringLiteral("8"), false) != seven);
    }

    void revertReportsTheTargetThenTheOldVersion()
    {
        QVERIFY(configure({{QStringLiteral("timbalUpdateDelayMs"), 0}}));
        QVERIFY(setFaults({QStringLiteral("timbal:revert=1500")}));
        const QString id = resolve(QStringLiteral("online"));
        const QString old = versionOf(getConnector(id));
        QCOMPARE(update(id).status, 202);
        QCOMPARE(versionOf(getConnector(id)), QStringLiteral("0.1.5"));
        QVERIFY2(waitForVersion(id, old), "never went back to the old version");
        QCOMPARE(reportFaultsHit(m_sandbox).value(id), QStringLiteral("revert"));
    }

    void dropFromCommandLineGoesOfflineThen422()
    {
        SandboxProcess sb({QStringLiteral("--fault"), QStringLiteral("timbal:drop"),
                           QStringLiteral("--update-delay"), QStringLiteral("0")});
        QVERIFY2(sb.start(), qPrintable(sb.errorString()));
        const QString id = updatableIds(sb).value(0);
        const QJsonObject before = call(sb, kVendor, "GET", itemPath(kVendor, id)).object();
        QCOMPARE(call(sb, kVendor, "POST", writePath(kVendor, id), QJsonObject{}).status, 202);
        const QJsonObject after = call(sb, kVendor, "GET", itemPath(kVendor, id)).object();
        QCOMPARE(after.value(QLatin1String("connected")).toBool(true), false);
        QCOMPARE(after.value(QLatin1String("online")).toBool(true), false);
        QCOMPARE(versionOf(after), versionOf(before));
        const TestResponse again = call(sb, kVendor, "POST", writePath(kVendor, id), QJsonObject{});
        QCOMPARE(again.status, 422);
        QCOMPARE(again.object().value(QLatin1String("code")).toString(),
                 QStringLiteral("connector_offline"));
        QCOMPARE(reportFaultsHit(sb).value(id), QStringLiteral("drop"));
    }

    void resetClearsReportFaults()
    {
        QVERIFY(setFaults({QStringLiteral("timbal:stuck")}));
        QVERIFY(reset(m_sandbox));
        QVERIFY(configure({{QStringLiteral("timbalUpdateDelayMs"), 0}}));
        const QString id = resolve(QStringLiteral("online"));
        QCOMPARE(update(id).status, 202);
        QVERIFY(waitForVersion(id, QStringLiteral("0.1.5")));
        QVERIFY(reportFaultsHit(m_sandbox).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractTimbal)
#include "tst_sandbox_contract_timbal.moc"
