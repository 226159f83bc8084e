#include "SandboxProcess.h"
#include "TestHttp.h"
#include "VendorContract.h"

#include <QtTest>

using namespace contract;

// Auth per vendor, from VERIFIED.md and docs/sandbox.md: who is let in, who is turned away, and
// with which status and body shape. A refused write must also leave the stored state untouched.
class TestSandboxContractAuth : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;

    // The vendor's error body for `status`, as VERIFIED.md records it; empty when it matches.
    static QString errorBodyError(const QString& vendor, int status, const TestResponse& r)
    {
        const QJsonObject o = r.object();
        if (!r.json().isObject())
            return QStringLiteral("error body is not a JSON object: ") + QString::fromUtf8(r.body);
        if (vendor == QLatin1String("timbal")) {
            // ErrorMessage {code, message} (timbal openapi.json).
            const QString want =
                status == 401 ? QStringLiteral("UNAUTHORIZED") : QStringLiteral("FORBIDDEN");
            if (o.value(QLatin1String("code")).toString() != want ||
                !o.value(QLatin1String("message")).isString())
                return QStringLiteral("timbal: want {\"code\":\"%1\",\"message\":…}, got %2")
                    .arg(want, QString::fromUtf8(r.body));
            return {};
        }
        if (vendor == QLatin1String("aisquared")) {
            // render_error / render_bad_request_error: errors[0].status is the integer status.
            const QJsonArray errors = o.value(QLatin1String("errors")).toArray();
            if (errors.isEmpty())
                return QStringLiteral("aisquared: no errors array: ") + QString::fromUtf8(r.body);
            const QJsonObject e0 = errors.first().toObject();
            const QString e =
                shapeError(e0, {{"status", Int}, {"title", String}, {"detail", String}}, vendor);
            if (!e.isEmpty())
                return e;
            if (e0.value(QLatin1String("status")).toInt() != status)
                return QStringLiteral("aisquared: errors[0].status differs from HTTP status: ") +
                       QString::fromUtf8(r.body);
            if (status == 400 && !e0.value(QLatin1String("detail"))
                                      .toString()
                                      .endsWith(QLatin1String("Workspace not found")))
                return QStringLiteral("aisquared: 400 is not Workspace not found: ") +
                       QString::fromUtf8(r.body);
            return {};
        }
        if (vendor == QLatin1String("b3os")) {
            // The envelope with message, for 401 and 403.
            const QString e =
                shapeError(o, {{"code", Int}, {"message", String}, {"requestId", String}}, vendor);
            if (!e.isEmpty())
                return e;
            if (o.value(QLatin1String("code")).toInt() != status)
                return QStringLiteral("b3os: code differs from HTTP status: ") +
                       QString::fromUtf8(r.body);
            if (!o.value(QLatin1String("requestId")).toString().startsWith(QLatin1String("req_")))
                return QStringLiteral("b3os: requestId not req_…: ") + QString::fromUtf8(r.body);
            return {};
        }
        if (vendor == QLatin1String("databar") && status == 422) {
            const QJsonArray detail = o.value(QLatin1String("detail")).toArray();
            for (const QJsonValue& d : detail) {
                const QJsonObject item = d.toObject();
                if (item.value(QLatin1String("loc")).toArray() ==
                    QJsonArray{QStringLiteral("header"), QStringLiteral("x-apikey")})
                    return shapeError(item, {{"loc", Array}, {"msg", String}, {"type", String}},
                                      vendor);
            }
            return QStringLiteral("databar: no detail with loc [header, x-apikey]: ") +
                   QString::fromUtf8(r.body);
        }
        if (vendor == QLatin1String("databar"))
            return o.value(QLatin1String("detail")).isString()
                       ? QString()
                       : vendor + QStringLiteral(": want {\"detail\":\"…\"}, got ") +
                             QString::fromUtf8(r.body);
        // bigdata: {statusCode, message, errorCode, requestId}
        const QString e = shapeError(o,
                                     {{"statusCode", Int},
                                      {"message", String},
                                      {"errorCode", String},
                                      {"requestId", String}},
                                     vendor);
        if (!e.isEmpty())
            return e;
        return o.value(QLatin1String("statusCode")).toInt() == status
                   ? QString()
                   : QStringLiteral("bigdata: statusCode differs: ") + QString::fromUtf8(r.body);
    }

    QString firstId(const QString& vendor) const
    {
        const QJsonArray items = listAll(m_sandbox, vendor);
        return items.isEmpty() ? QString() : idOf(vendor, items.first().toObject());
    }

private slots:
    void initTestCase() { QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString())); }
    void init() { QVERIFY(reset(m_sandbox)); }

    void validAndReadOnlyKeysMayRead_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QByteArray>("key");
        for (const QString& v : vendorIds()) {
            QTest::newRow(qPrintable(v + QStringLiteral(":valid"))) << v << kKey;
            QTest::newRow(qPrintable(v + QStringLiteral(":readonly"))) << v << kReadOnlyKey;
        }
    }
    void validAndReadOnlyKeysMayRead()
    {
        QFETCH(QString, vendor);
        QFETCH(QByteArray, key);
        const TestResponse list =
            call(m_sandbox, vendor, "GET", listPath(vendor), QJsonValue::Undefined, key);
        QCOMPARE(list.status, 200);
        const QJsonArray items = listItems(vendor, list.json());
        QVERIFY2(!items.isEmpty(), list.body.constData());
        const QString id = idOf(vendor, items.first().toObject());
        const TestResponse one =
            call(m_sandbox, vendor, "GET", itemPath(vendor, id), QJsonValue::Undefined, key);
        QCOMPARE(one.status, 200);
    }

    // Rows: vendor × refused case, with the vendor's documented status.
    void refusedRequest_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("status");
        const QList<std::pair<QString, QList<int>>> perVendor = {
            // missing, wrong, read-only write
            {QStringLiteral("timbal"), {401, 401, 403}},
            {QStringLiteral("aisquared"), {401, 401, 403}},
            {QStringLiteral("b3os"), {401, 401, 403}},
            {QStringLiteral("databar"), {422, 401, 403}},
            {QStringLiteral("bigdata"), {401, 401, 401}},
        };
        for (const auto& [v, codes] : perVendor) {
            QTest::newRow(qPrintable(v + QStringLiteral(":missing-key")))
                << v << QStringLiteral("missing") << codes[0];
            QTest::newRow(qPrintable(v + QStringLiteral(":wrong-key")))
                << v << QStringLiteral("wrong") << codes[1];
            QTest::newRow(qPrintable(v + QStringLiteral(":readonly-write")))
                << v << QStringLiteral("readonly-write") << codes[2];
        }
        QTest::newRow("aisquared:no-workspace")
            << QStringLiteral("aisquared") << QStringLiteral("no-workspace") << 400;
        // multiwoven application_controller.rb current_workspace: "Workspace not found" is 400.
        QTest::newRow("aisquared:other-workspace")
            << QStringLiteral("aisquared") << QStringLiteral("other-workspace") << 400;
        QTest::newRow("b3os:other-org")
            << QStringLiteral("b3os") << QStringLiteral("other-org") << 403;
        QTest::newRow("timbal:other-org")
            << QStringLiteral("timbal") << QStringLiteral("other-org") << 403;
    }
    void refusedRequest()
    {
        QFETCH(QString, vendor);
        QFETCH(QString, kind);
        QFETCH(int, status);

        const QString id = firstId(vendor);
        QVERIFY(!id.isEmpty());
        const QByteArray before = stateBytes(m_sandbox);

        Headers headers = authHeaders(vendor, kKey);
        QByteArray method = "GET";
        QString path = listPath(vendor);
        QByteArray body;
        const QByteArray cred = credentialHeader(vendor);
        auto replaceHeader = [&headers](const QByteArray& name, const QByteArray& value) {
            for (auto& h : headers) {
                if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                    h.second = value;
            }
        };
        auto dropHeader = [&headers](const QByteArray& name) {
            headers.removeIf(
                [&](const auto& h) { return h.first.compare(name, Qt::CaseInsensitive) == 0; });
        };
        if (kind == QLatin1String("missing")) {
            dropHeader(cred);
        } else if (kind == QLatin1String("wrong")) {
            replaceHeader(cred, credentialValue(vendor, kWrongKey));
        } else if (kind == QLatin1String("readonly-write")) {
            replaceHeader(cred, credentialValue(vendor, kReadOnlyKey));
            method = writeMethod(vendor);
            path = writePath(vendor, id);
            body = QJsonDocument(minimalWriteBody(vendor)).toJson(QJsonDocument::Compact);
        } else if (kind == QLatin1String("no-workspace")) {
            dropHeader("Workspace-Id");
        } else if (kind == QLatin1String("other-workspace")) {
            replaceHeader("Workspace-Id", "2");
        } else if (kind == QLatin1String("other-org")) {
            if (vendor == QLatin1String("b3os"))
                headers.append({QByteArrayLiteral("X-Org-ID"), QByteArrayLiteral("other-org")});
            else
                path = QStringLiteral("/timbal/orgs/other-org/connectors");
        }
        const TestResponse r = TestHttp::request(method, m_sandbox.url(path), headers, body);
        QCOMPARE(r.status, status);
        const QString shape = errorBodyError(vendor, status, r);
        QVERIFY2(shape.isEmpty(), qPrintable(shape));
        if (vendor == QLatin1String("b3os"))
            QCOMPARE(r.header("X-Request-Id"),
                     r.object().value(QLatin1String("requestId")).toString().toUtf8());
        QVERIFY2(stateBytes(m_sandbox) == before, "a refused request changed the stored state");
    }

    // The same refusals on a single-connector GET (auth comes before routing to the connector).
    void refusedSingleGetWithWrongKey_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : vendorIds())
            QTest::newRow(qPrintable(v)) << v;
    }
    void refusedSingleGetWithWrongKey()
    {
        QFETCH(QString, vendor);
        const QString id = firstId(vendor);
        const TestResponse r =
            call(m_sandbox, vendor, "GET", itemPath(vendor, id), QJsonValue::Undefined, kWrongKey);
        QCOMPARE(r.status, 401);
        const QString shape = errorBodyError(vendor, 401, r);
        QVERIFY2(shape.isEmpty(), qPrintable(shape));
    }

    // The counterpart of readonly-write: the same write with the valid key goes through.
    void validKeyWriteIsAccepted_data() { refusedSingleGetWithWrongKey_data(); }
    void validKeyWriteIsAccepted()
    {
        QFETCH(QString, vendor);
        // timbal: pick an online connector that is allowed to update.
        QString id;
        for (const QJsonValue& v : listAll(m_sandbox, vendor)) {
            const QJsonObject c = v.toObject();
            if (vendor == QLatin1String("timbal") &&
                (!c.value(QLatin1String("online")).toBool() ||
                 !c.value(QLatin1String("connected")).toBool() ||
                 c.value(QLatin1String("version")).toString() == QLatin1String("0.0.9") ||
                 c.value(QLatin1String("version")).isNull()))
                continue;
            id = idOf(vendor, c);
            break;
        }
        QVERIFY(!id.isEmpty());
        const TestResponse r = call(m_sandbox, vendor, writeMethod(vendor), writePath(vendor, id),
                                    minimalWriteBody(vendor));
        QVERIFY2(r.status == 200 || r.status == 202, r.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestSandboxContractAuth)
#include "tst_sandbox_contract_auth.moc"
