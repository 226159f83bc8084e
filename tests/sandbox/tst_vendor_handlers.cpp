#include "Handlers.h"
#include "JsonExpect.h"
#include "VendorHandler.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QMap>
#include <QSet>
#include <QUrl>
#include <QtTest>

#include <algorithm>

using namespace sandbox;

// The five vendor handlers called directly (no HTTP): auth, paging, traps, validation and error
// shapes (shared/vendor-apis/VERIFIED.md), knobs, fault replies and the no-op rule of
// docs/sandbox.md.
namespace {

const QByteArray kKey = "demo-key";
const QByteArray kReadOnly = "demo-readonly-key";
const QString kMask = QStringLiteral("*************");

using Headers = QList<QPair<QByteArray, QByteArray>>;

Headers authHeaders(const QString& vendor, const QByteArray& key = kKey)
{
    if (vendor == QLatin1String("aisquared"))
        return {{"Authorization", "Bearer " + key}, {"Workspace-Id", "1"}};
    if (vendor == QLatin1String("timbal") || vendor == QLatin1String("b3os"))
        return {{"Authorization", "Bearer " + key}};
    if (vendor == QLatin1String("databar"))
        return {{"x-apikey", key}};
    return {{"X-API-KEY", key}};
}

// The collection, without a trailing slash: the base of item paths.
QString collectionPath(const QString& vendor)
{
    if (vendor == QLatin1String("timbal"))
        return QStringLiteral("orgs/demo-org/connectors");
    if (vendor == QLatin1String("aisquared"))
        return QStringLiteral("api/v1/connectors");
    if (vendor == QLatin1String("b3os") || vendor == QLatin1String("databar"))
        return QStringLiteral("v1/connectors");
    return QStringLiteral("contents/v1/connectors");
}

// The list call: databar's has the trailing slash (databar-python client.py list_connectors).
QString listPath(const QString& vendor)
{
    return collectionPath(vendor) +
           (vendor == QLatin1String("databar") ? QStringLiteral("/") : QString());
}

QStringList allVendors()
{
    return {QStringLiteral("timbal"), QStringLiteral("aisquared"), QStringLiteral("b3os"),
            QStringLiteral("databar"), QStringLiteral("bigdata")};
}

QStringList putVendors()
{
    return {QStringLiteral("aisquared"), QStringLiteral("b3os"), QStringLiteral("databar"),
            QStringLiteral("bigdata")};
}

struct Answer
{
    SandboxReply reply;
    QJsonDocument doc;
    int status() const { return reply.status; }
    QJsonObject object() const { return doc.object(); }
    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : reply.headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
};

// One vendor's handler, seeded, plus a request builder in the shape SandboxServer produces.
class Vendor
{
public:
    explicit Vendor(const QString& id, int connectors = 25, quint32 seed = 1) : m_id(id)
    {
        if (id == QLatin1String("timbal"))
            m_handler = makeTimbalHandler();
        else if (id == QLatin1String("aisquared"))
            m_handler = makeAiSquaredHandler();
        else if (id == QLatin1String("b3os"))
            m_handler = makeB3osHandler();
        else if (id == QLatin1String("databar"))
            m_handler = makeDatabarHandler();
        else
            m_handler = makeBigdataHandler();
        SandboxOptions o;
        o.connectors = connectors;
        o.seed = seed;
        m_handler->reset(o);
    }

    VendorHandler& handler() { return *m_handler; }

    Answer call(const QByteArray& method, const QString& path, const QByteArray& body = {},
                const Headers& headers = {}, bool useDefaultAuth = true) const
    {
        SandboxRequest r;
        r.method = method;
        // As SandboxServer splits: a trailing slash leaves an empty last segment.
        const QString p = path.section(QLatin1Char('?'), 0, 0);
        for (const QString& s : p.split(QLatin1Char('/')))
            r.segments << QUrl::fromPercentEncoding(s.toUtf8());
        if (path.contains(QLatin1Char('?')))
            r.query = QUrlQuery(path.section(QLatin1Char('?'), 1));
        r.headers.insert("host", "127.0.0.1:4321");
        if (!body.isEmpty())
            r.headers.insert("content-type", "application/json");
        for (const auto& h : (useDefaultAuth ? authHeaders(m_id) : Headers()) + headers)
            r.headers.insert(h.first.toLower(), h.second);
        r.body = body;
        Answer a{m_handler->handle(r), {}};
        a.doc = QJsonDocument::fromJson(a.reply.body);
        return a;
    }
    Answer call(const QByteArray& method, const QString& path, const QJsonObject& body) const
    {
        return call(method, path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }

    QString item(const QString& id) const { return collectionPath(m_id) + QLatin1Char('/') + id; }

    QJsonArray list() const
    {
        QString p = listPath(m_id);
        if (m_id == QLatin1String("aisquared"))
            p += QStringLiteral("?per_page=100000");
        else if (m_id == QLatin1String("b3os"))
            p += QStringLiteral("?limit=100");
        if (m_id == QLatin1String("timbal")) {
            QJsonArray all;
            QString token;
            do {
                const QJsonObject page =
                    call("GET", token.isEmpty() ? p : p + QStringLiteral("?page_token=") + token)
                        .object();
                for (const QJsonValue& c : page.value(QLatin1String("connectors")).toArray())
                    all.append(c);
                token = page.value(QLatin1String("next_page_token")).toString();
            } while (!token.isEmpty());
            return all;
        }
        const QJsonDocument d = call("GET", p).doc;
        if (m_id == QLatin1String("aisquared"))
            return d.object().value(QLatin1String("data")).toArray();
        if (m_id == QLatin1String("b3os"))
            return d.object()
                .value(QLatin1String("data"))
                .toObject()
                .value(QLatin1String("items"))
                .toArray();
        if (m_id == QLatin1String("databar"))
            return d.array();
        return d.object().value(QLatin1String("results")).toArray();
    }

    static QString idOf(const QJsonObject& c)
    {
        const QJsonValue v = c.contains(QLatin1String("connector_id"))
                                 ? c.value(QLatin1String("connector_id"))
                                 : c.value(QLatin1String("id"));
        return v.isDouble() ? QString::number(v.toInteger()) : v.toString();
    }

    // The connector of a GET/PUT answer (aisquared and b3os wrap it in "data").
    QJsonObject connectorOf(const Answer& a) const
    {
        return m_id == QLatin1String("aisquared") || m_id == QLatin1String("b3os")
                   ? a.object().value(QLatin1String("data")).toObject()
                   : a.object();
    }
    QJsonObject get(const QString& id) const { return connectorOf(call("GET", item(id))); }

    QJsonObject first(const std::function<bool(const QJsonObject&)>& pred = {}) const
    {
        for (const QJsonValue& v : list()) {
            if (!pred || pred(v.toObject()))
                return v.toObject();
        }
        return {};
    }

    QByteArray stateBytes() const
    {
        return QJsonDocument(m_handler->state()).toJson(QJsonDocument::Compact);
    }
    QJsonObject stored(const QString& id) const
    {
        for (const QJsonValue& v : m_handler->state()) {
            if (idOf(v.toObject()) == id)
                return v.toObject();
        }
        return {};
    }

private:
    QString m_id;
    std::unique_ptr<VendorHandler> m_handler;
};

QJsonObject aisquaredAttributes(const QJsonObject& resource)
{
    return resource.value(QLatin1String("attributes")).toObject();
}

// Whether `v` holds the mask at any depth.
bool holdsMask(const QJsonValue& v)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        return std::any_of(o.begin(), o.end(), [](const QJsonValue& x) { return holdsMask(x); });
    }
    if (v.isArray()) {
        const QJsonArray a = v.toArray();
        return std::any_of(a.begin(), a.end(), [](const QJsonValue& x) { return holdsMask(x); });
    }
    return v == QJsonValue(kMask);
}

bool hasMaskedConfiguration(const QJsonObject& resource)
{
    return holdsMask(aisquaredAttributes(resource).value(QLatin1String("configuration")));
}

bool hasMaskedData(const QJsonObject& c)
{
    const QJsonObject m = c.value(QLatin1String("maskedData")).toObject();
    for (auto it = m.begin(); it != m.end(); ++it) {
        if (it.value().toString().startsWith(QLatin1String("****")))
            return true;
    }
    return false;
}

std::function<bool(const QJsonObject&)> ofType(const QString& type)
{
    return
        [type](const QJsonObject& c) { return c.value(QLatin1String("type")).toString() == type; };
}

// The body a careful client sends for "change nothing" (built from a GET, vendor's rules).
QJsonObject unchangedBody(const QString& vendor, const QJsonObject& got)
{
    if (vendor == QLatin1String("aisquared")) {
        const QJsonObject a = aisquaredAttributes(got);
        return {
            {QStringLiteral("connector"),
             QJsonObject{
                 {QStringLiteral("name"), a.value(QLatin1String("name"))},
                 {QStringLiteral("connector_type"), a.value(QLatin1String("connector_type"))},
                 {QStringLiteral("connector_name"), a.value(QLatin1String("connector_name"))}}}};
    }
    if (vendor == QLatin1String("b3os"))
        return {{QStringLiteral("name"), got.value(QLatin1String("name"))},
                {QStringLiteral("description"), got.value(QLatin1String("description"))}};
    if (vendor == QLatin1String("databar")) {
        QJsonObject b = got;
        b.remove(QStringLiteral("id"));
        b.remove(QStringLiteral("created_at"));
        return b;
    }
    const bool email = got.value(QLatin1String("type")).toString() == QLatin1String("email");
    return {{QStringLiteral("label"), got.value(QLatin1String("label"))},
            {QStringLiteral("description"), got.value(QLatin1String("description"))},
            {QStringLiteral("share_with_org"), got.value(QLatin1String("share_with_org"))},
            {QStringLiteral("config"), email ? got.value(QLatin1String("config")) : QJsonValue()}};
}

// Parsed faults for VendorHandler::setReportFaults, as SandboxServer hands them over.
QList<FaultSpec> reportFaults(const QStringList& specs)
{
    QList<FaultSpec> faults;
    for (const QString& spec : specs) {
        QString error;
        const std::optional<FaultSpec> f = FaultSpec::parse(spec, &error);
        if (!f)
            qFatal("bad fault %s", qPrintable(error));
        faults.append(*f);
    }
    return faults;
}

// Timbal connectors an update reaches and accepts (202 for latest), by id in index order.
QStringList timbalUpdatable(Vendor& v)
{
    QStringList ids;
    for (const QJsonValue& value : v.handler().state()) {
        const QJsonObject c = value.toObject();
        const QString version = c[QLatin1String("version")].toString();
        if (c[QLatin1String("_sandbox")][QLatin1String("reachable")].toBool() &&
            !version.isEmpty() && version != QLatin1String("0.0.9"))
            ids << Vendor::idOf(c);
    }
    return ids;
}

Answer timbalUpdate(const Vendor& v, const QString& id)
{
    return v.call("POST", v.item(id) + QStringLiteral("/update"), QByteArray("{}"));
}

// The `_sandbox.reportFault` of every Timbal connector that has one, by id.
QMap<QString, QString> timbalReportFaultsHit(Vendor& v)
{
    QMap<QString, QString> hit;
    for (const QJsonValue& value : v.handler().state()) {
        const QJsonValue f = value[QLatin1String("_sandbox")][QLatin1String("reportFault")];
        if (!f.isUndefined())
            hit.insert(Vendor::idOf(value.toObject()), f.toString());
    }
    return hit;
}

// Polls `id` every 5 ms until `done` holds (or 10 s passed); the last GET answer.
QJsonObject pollTimbal(const Vendor& v, const QString& id,
                       const std::function<bool(const QJsonObject&)>& done)
{
    QDeadlineTimer deadline(10000);
    QJsonObject c = v.get(id);
    while (!done(c) && !deadline.hasExpired()) {
        QTest::qWait(5);
        c = v.get(id);
    }
    return c;
}

QString updatedAtKey(const QString& vendor)
{
    return vendor == QLatin1String("b3os") ? QStringLiteral("updatedAt")
                                           : QStringLiteral("updated_at");
}

} // namespace

class TestVendorHandlers : public QObject
{
    Q_OBJECT

private slots:
    // ---- auth ----

    void readsAcceptValidAndReadOnlyKeys_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QByteArray>("key");
        for (const QString& v : putVendors()) {
            QTest::newRow(qPrintable(v + QStringLiteral(":valid"))) << v << kKey;
            QTest::newRow(qPrintable(v + QStringLiteral(":readonly"))) << v << kReadOnly;
        }
    }
    void readsAcceptValidAndReadOnlyKeys()
    {
        QFETCH(QString, vendor);
        QFETCH(QByteArray, key);
        Vendor v(vendor);
        const Answer list = v.call("GET", listPath(vendor), {}, authHeaders(vendor, key), false);
        QCOMPARE(list.status(), 200);
        const QString id = Vendor::idOf(v.list().first().toObject());
        QCOMPARE(v.call("GET", v.item(id), {}, authHeaders(vendor, key), false).status(), 200);
    }

    void refusedRequest_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("shapeKey"); // a key the vendor's error body must carry
        const QList<std::pair<QString, QList<int>>> perVendor = {
            {QStringLiteral("aisquared"), {401, 401, 403}},
            {QStringLiteral("b3os"), {401, 401, 403}},
            {QStringLiteral("databar"), {422, 401, 403}},
            {QStringLiteral("bigdata"), {401, 401, 401}},
        };
        for (const auto& [v, codes] : perVendor) {
            const QString key = v == QLatin1String("aisquared") ? QStringLiteral("errors")
                                : v == QLatin1String("b3os")    ? QStringLiteral("requestId")
                                : v == QLatin1String("bigdata") ? QStringLiteral("statusCode")
                                                                : QStringLiteral("detail");
            QTest::newRow(qPrintable(v + QStringLiteral(":missing")))
                << v << QStringLiteral("missing") << codes[0] << key;
            QTest::newRow(qPrintable(v + QStringLiteral(":wrong")))
                << v << QStringLiteral("wrong") << codes[1] << key;
            QTest::newRow(qPrintable(v + QStringLiteral(":readonly-write")))
                << v << QStringLiteral("readonly-write") << codes[2] << key;
        }
        QTest::newRow("aisquared:no-workspace")
            << QStringLiteral("aisquared") << QStringLiteral("no-scope") << 400
            << QStringLiteral("errors");
        // multiwoven application_controller.rb: "Workspace not found" is answered 400.
        QTest::newRow("aisquared:other-workspace")
            << QStringLiteral("aisquared") << QStringLiteral("other-scope") << 400
            << QStringLiteral("errors");
        QTest::newRow("b3os:other-org") << QStringLiteral("b3os") << QStringLiteral("other-scope")
                                        << 403 << QStringLiteral("requestId");
    }
    void refusedRequest()
    {
        QFETCH(QString, vendor);
        QFETCH(QString, kind);
        QFETCH(int, status);
        QFETCH(QString, shapeKey);
        Vendor v(vendor);
        const QJsonObject c = v.list().first().toObject();
        const QString id = Vendor::idOf(c);
        const QByteArray before = v.stateBytes();

        Headers h = authHeaders(vendor);
        const QByteArray cred = vendor == QLatin1String("databar")   ? "x-apikey"
                                : vendor == QLatin1String("bigdata") ? "X-API-KEY"
                                                                     : "Authorization";
        const QByteArray scope = vendor == QLatin1String("aisquared") ? "Workspace-Id" : "X-Org-ID";
        auto set = [&h](const QByteArray& name, const QByteArray& value) {
            for (auto& p : h) {
                if (p.first == name)
                    p.second = value;
            }
        };
        auto drop = [&h](const QByteArray& name) {
            h.removeIf([&](const auto& p) { return p.first == name; });
        };
        QByteArray method = "GET";
        QString path = listPath(vendor);
        QByteArray body;
        if (kind == QLatin1String("missing")) {
            drop(cred);
        } else if (kind == QLatin1String("wrong")) {
            set(cred, cred == "Authorization" ? "Bearer nope" : "nope");
        } else if (kind == QLatin1String("readonly-write")) {
            h = authHeaders(vendor, kReadOnly);
            method = "PUT";
            path = v.item(id);
            body = QJsonDocument(unchangedBody(vendor, v.get(id))).toJson();
        } else if (kind == QLatin1String("no-scope")) {
            drop(scope);
        } else {
            drop(scope);
            h.append({scope, "other"});
        }
        const Answer a = v.call(method, path, body, h, false);
        QCOMPARE(a.status(), status);
        QVERIFY2(a.object().contains(shapeKey), a.reply.body.constData());
        if (vendor == QLatin1String("aisquared"))
            QCOMPARE(a.object().value(QLatin1String("errors"))[0][QLatin1String("status")].toInt(),
                     status);
        if (vendor == QLatin1String("b3os")) {
            QCOMPARE(a.object().value(QLatin1String("code")).toInt(), status);
            QCOMPARE(a.header("X-Request-Id"),
                     a.object().value(QLatin1String("requestId")).toString().toLatin1());
        }
        if (vendor == QLatin1String("databar") && kind == QLatin1String("missing"))
            QCOMPARE(a.object().value(QLatin1String("detail"))[0][QLatin1String("loc")].toArray(),
                     (QJsonArray{QStringLiteral("header"), QStringLiteral("x-apikey")}));
        if (kind == QLatin1String("missing") || kind == QLatin1String("wrong"))
            QCOMPARE(a.reply.authorized, std::optional<bool>(false));
        QCOMPARE(v.stateBytes(), before);
    }

    // ---- list, paging, get ----

    void pagingVisitsEveryConnectorOnce_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::newRow("aisquared") << QStringLiteral("aisquared");
        QTest::newRow("b3os") << QStringLiteral("b3os");
    }
    void pagingVisitsEveryConnectorOnce()
    {
        QFETCH(QString, vendor);
        Vendor v(vendor, 60);
        QStringList ids;
        int pages = 0;
        for (int page = 1;; ++page) {
            QVERIFY(page <= 20);
            const bool ai = vendor == QLatin1String("aisquared");
            const QString path =
                listPath(vendor) + (ai ? QStringLiteral("?page=%1&per_page=7").arg(page)
                                       : QStringLiteral("?limit=7&offset=%1").arg((page - 1) * 7));
            const Answer a = v.call("GET", path);
            QCOMPARE(a.status(), 200);
            ++pages;
            bool more = false;
            if (ai) {
                const QJsonObject links = a.object().value(QLatin1String("links")).toObject();
                QCOMPARE(links.value(QLatin1String("prev")).isNull(), page == 1);
                QCOMPARE(QUrlQuery(QUrl(links.value(QLatin1String("last")).toString()).query())
                             .queryItemValue(QStringLiteral("page")),
                         QStringLiteral("9"));
                QVERIFY(links.value(QLatin1String("self"))
                            .toString()
                            .startsWith(QLatin1String(
                                "http://127.0.0.1:4321/aisquared/api/v1/connectors?")));
                more = links.value(QLatin1String("next")).isString();
                for (const QJsonValue& c : a.object().value(QLatin1String("data")).toArray())
                    ids << Vendor::idOf(c.toObject());
            } else {
                const QJsonObject data = a.object().value(QLatin1String("data")).toObject();
                QCOMPARE(data.value(QLatin1String("total")).toInt(), 60);
                QCOMPARE(data.value(QLatin1String("limit")).toInt(), 7);
                more = data.value(QLatin1String("hasMore")).toBool();
                for (const QJsonValue& c : data.value(QLatin1String("items")).toArray())
                    ids << Vendor::idOf(c.toObject());
            }
            if (!more)
                break;
        }
        QCOMPARE(pages, 9);
        QCOMPARE(ids.size(), 60);
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), 60);
    }

    void defaultListSize_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<int>("size");
        QTest::newRow("aisquared 10") << QStringLiteral("aisquared") << 10;
        QTest::newRow("b3os 20") << QStringLiteral("b3os") << 20;
        QTest::newRow("databar all") << QStringLiteral("databar") << 30;
        QTest::newRow("bigdata all") << QStringLiteral("bigdata") << 30;
    }
    void defaultListSize()
    {
        QFETCH(QString, vendor);
        QFETCH(int, size);
        Vendor v(vendor, 30);
        const QJsonDocument d = v.call("GET", listPath(vendor)).doc;
        const QJsonArray items =
            vendor == QLatin1String("aisquared") ? d.object().value(QLatin1String("data")).toArray()
            : vendor == QLatin1String("b3os")    ? d.object()
                                                    .value(QLatin1String("data"))
                                                    .toObject()
                                                    .value(QLatin1String("items"))
                                                    .toArray()
            : vendor == QLatin1String("databar")
                ? d.array()
                : d.object().value(QLatin1String("results")).toArray();
        QCOMPARE(items.size(), size);
    }

    void aisquaredTypeFilter_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("source") << QStringLiteral("source");
        QTest::newRow("destination") << QStringLiteral("destination");
    }
    void aisquaredTypeFilter()
    {
        QFETCH(QString, type);
        Vendor v(QStringLiteral("aisquared"), 40);
        const Answer a = v.call("GET", listPath(QStringLiteral("aisquared")) +
                                           QStringLiteral("?per_page=100&type=") + type);
        QCOMPARE(a.status(), 200);
        const QJsonArray data = a.object().value(QLatin1String("data")).toArray();
        QVERIFY(!data.isEmpty());
        QVERIFY(data.size() < 40);
        for (const QJsonValue& c : data)
            QCOMPARE(
                aisquaredAttributes(c.toObject()).value(QLatin1String("connector_type")).toString(),
                type);
        // connector_contracts.rb Index: an unknown type is a 400 contract failure.
        const Answer bad =
            v.call("GET", listPath(QStringLiteral("aisquared")) + QStringLiteral("?type=sideways"));
        QCOMPARE(bad.status(), 400);
        QCOMPARE(bad.object().value(QLatin1String("errors"))[QLatin1String("type")].toArray(),
                 QJsonArray{QStringLiteral("invalid type")});
    }

    void everyListedConnectorCanBeRead_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : allVendors())
            QTest::newRow(qPrintable(v)) << v;
    }
    void everyListedConnectorCanBeRead()
    {
        QFETCH(QString, vendor);
        Vendor v(vendor, 50);
        const QJsonArray all = v.list();
        QCOMPARE(all.size(), 50);
        for (const QJsonValue& c : all) {
            const Answer a = v.call("GET", v.item(Vendor::idOf(c.toObject())));
            QCOMPARE(a.status(), 200);
            QCOMPARE(v.connectorOf(a), c.toObject());
        }
    }

    void seedDataIsDeterministic_data() { everyListedConnectorCanBeRead_data(); }
    void seedDataIsDeterministic()
    {
        QFETCH(QString, vendor);
        QCOMPARE(Vendor(vendor, 30, 7).stateBytes(), Vendor(vendor, 30, 7).stateBytes());
        QVERIFY(Vendor(vendor, 30, 7).stateBytes() != Vendor(vendor, 30, 8).stateBytes());
    }

    void seedDataLooksReal()
    {
        Vendor ai(QStringLiteral("aisquared"), 60);
        QSet<QString> names;
        for (const QJsonValue& c : ai.list())
            names << aisquaredAttributes(c.toObject())
                         .value(QLatin1String("connector_name"))
                         .toString();
        QVERIFY(names.contains(QStringLiteral("Postgresql")));
        QVERIFY(names.size() >= 4);

        Vendor b3(QStringLiteral("b3os"), 30);
        for (const QJsonValue& c : b3.list())
            QVERIFY(QRegularExpression(QStringLiteral("^conn_[0-9a-f]{12}$"))
                        .match(Vendor::idOf(c.toObject()))
                        .hasMatch());

        Vendor bd(QStringLiteral("bigdata"), 100);
        int email = 0;
        for (const QJsonValue& c : bd.list()) {
            const QJsonObject o = c.toObject();
            QVERIFY(
                QRegularExpression(
                    QStringLiteral(
                        "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))
                    .match(Vendor::idOf(o))
                    .hasMatch());
            if (o.value(QLatin1String("type")).toString() == QLatin1String("email")) {
                ++email;
                const QJsonObject cfg = o.value(QLatin1String("config")).toObject();
                QCOMPARE(cfg.value(QLatin1String("email")).toString(),
                         cfg.value(QLatin1String("email_hash")).toString() +
                             QStringLiteral("@inbox.bigdata.com"));
            }
            QCOMPARE(o.value(QLatin1String("archived")).toBool(true), false);
        }
        QVERIFY(email > 50 && email < 90);
        int sharepoint = 0;
        for (const QJsonValue& c : bd.list()) {
            if (c[QLatin1String("type")].toString() == QLatin1String("sharepoint")) {
                ++sharepoint;
                QCOMPARE(c[QLatin1String("config")].toObject(), QJsonObject());
            }
        }
        QVERIFY2(sharepoint >= 3 && sharepoint < 25, qPrintable(QString::number(sharepoint)));

        Vendor db(QStringLiteral("databar"), 60);
        bool sawKeyHeader = false;
        for (const QJsonValue& c : db.list()) {
            const QJsonObject o = c.toObject();
            QVERIFY(o.value(QLatin1String("id")).toInteger() > 1000);
            const QJsonValue rate = o.value(QLatin1String("rate_limit"));
            QVERIFY(rate.isNull() || (rate.toInt() >= 1 && rate.toInt() <= 10));
            const QJsonValue conc = o.value(QLatin1String("max_concurrency"));
            QVERIFY(conc.isNull() || (conc.toInt() >= 1 && conc.toInt() <= 5));
            for (const QJsonValue& hv : o.value(QLatin1String("headers")).toArray())
                sawKeyHeader = sawKeyHeader || hv[QLatin1String("name")].toString() ==
                                                   QLatin1String("Authorization");
        }
        QVERIFY(sawKeyHeader);
    }

    // ---- routing ----

    void unknownPathIsVendorAnswer_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        QTest::newRow("timbal ErrorMessage") << QStringLiteral("timbal") << QStringLiteral("nope")
                                             << 404 << QStringLiteral("code=\"NOT_FOUND\"");
        QTest::newRow("aisquared Rails routing 404")
            << QStringLiteral("aisquared") << QStringLiteral("api/v2/things") << 404
            << QStringLiteral("status=404 ; error=\"Not Found\"");
        QTest::newRow("b3os failure body")
            << QStringLiteral("b3os") << QStringLiteral("v1/connectors/x/y") << 404
            << QStringLiteral("success=false ; error/code=\"NOT_FOUND\" ; requestId:string");
        QTest::newRow("databar detail")
            << QStringLiteral("databar") << QStringLiteral("no/such/path") << 404
            << QStringLiteral("detail=\"Not Found\"");
        QTest::newRow("bigdata API gateway 403")
            << QStringLiteral("bigdata") << QStringLiteral("contents/v2/connectors") << 403
            << QStringLiteral("message=\"Missing Authentication Token\"");
    }
    void unknownPathIsVendorAnswer()
    {
        QFETCH(QString, vendor);
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, expect);
        const Answer a = Vendor(vendor).call("GET", path);
        QCOMPARE(a.status(), status);
        const QString e = contract::expectationError(a.reply.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
    }

    void wrongMethod_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<bool>("onItem");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("allow");
        for (const QString& v : putVendors()) {
            // API Gateway: a method the resource lacks is its 403, without Allow.
            const bool gateway = v == QLatin1String("bigdata");
            const int status = gateway ? 403 : 405;
            const QByteArray item = gateway ? QByteArray()
                                    : v == QLatin1String("aisquared")
                                        ? QByteArray("GET, PUT, PATCH")
                                        : QByteArray("GET, PUT");
            const QByteArray list = gateway ? QByteArray() : QByteArray("GET");
            QTest::newRow(qPrintable(v + QStringLiteral(" PATCH list")))
                << v << QByteArray("PATCH") << false << status << list;
            QTest::newRow(qPrintable(v + QStringLiteral(" PUT list")))
                << v << QByteArray("PUT") << false << status << list;
            QTest::newRow(qPrintable(v + QStringLiteral(" POST item")))
                << v << QByteArray("POST") << true << status << item;
        }
        QTest::newRow("timbal PUT update")
            << QStringLiteral("timbal") << QByteArray("PUT") << true << 405 << QByteArray("POST");
    }
    void wrongMethod()
    {
        QFETCH(QString, vendor);
        QFETCH(QByteArray, method);
        QFETCH(bool, onItem);
        QFETCH(int, status);
        QFETCH(QByteArray, allow);
        Vendor v(vendor);
        QString path =
            onItem ? v.item(Vendor::idOf(v.list().first().toObject())) : listPath(vendor);
        if (vendor == QLatin1String("timbal"))
            path += QStringLiteral("/update");
        const Answer a = v.call(method, path, "{}");
        QCOMPARE(a.status(), status);
        QCOMPARE(a.header("Allow"), allow);
    }

    // ---- update round trip, no-op, updated_at ----

    void renameRoundTrip_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : putVendors())
            QTest::newRow(qPrintable(v)) << v;
    }
    void renameRoundTrip()
    {
        QFETCH(QString, vendor);
        Vendor v(vendor);
        const QString name = QStringLiteral("Renamed");
        const QString id = Vendor::idOf(v.list().at(3).toObject());
        QJsonObject body;
        if (vendor == QLatin1String("aisquared")) {
            body = {{QStringLiteral("connector"), QJsonObject{{QStringLiteral("name"), name}}}};
        } else if (vendor == QLatin1String("b3os")) {
            body = {{QStringLiteral("name"), name}};
        } else {
            body = unchangedBody(vendor, v.get(id));
            body[vendor == QLatin1String("databar") ? QStringLiteral("name")
                                                    : QStringLiteral("label")] = name;
        }
        const QByteArray before = v.stateBytes();
        const Answer put = v.call("PUT", v.item(id), body);
        QCOMPARE(put.status(), 200);
        const QJsonObject answered = v.connectorOf(put);
        QCOMPARE(Vendor::idOf(answered), id);
        QCOMPARE(v.get(id), answered);
        QVERIFY(v.stateBytes() != before);
        const QJsonObject stored = v.stored(id);
        QCOMPARE(stored
                     .value(vendor == QLatin1String("bigdata") ? QStringLiteral("label")
                                                               : QStringLiteral("name"))
                     .toString(),
                 name);
    }

    void noOpPutLeavesStateIdentical_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<QString>("type"); // bigdata connector type; empty elsewhere
        QTest::newRow("aisquared") << QStringLiteral("aisquared") << QString();
        QTest::newRow("b3os") << QStringLiteral("b3os") << QString();
        QTest::newRow("databar") << QStringLiteral("databar") << QString();
        QTest::newRow("bigdata email") << QStringLiteral("bigdata") << QStringLiteral("email");
        QTest::newRow("bigdata investment_research")
            << QStringLiteral("bigdata") << QStringLiteral("investment_research");
        QTest::newRow("b3os empty body") << QStringLiteral("b3os:{}") << QString();
    }
    void noOpPutLeavesStateIdentical()
    {
        QFETCH(QString, vendor);
        QFETCH(QString, type);
        const bool emptyBody = vendor.endsWith(QLatin1String(":{}"));
        vendor = vendor.section(QLatin1Char(':'), 0, 0);
        Vendor v(vendor);
        // Edit first, so the no-op is checked against an edited record as well as generated ones.
        for (const bool edited : {false, true}) {
            const QJsonObject c =
                type.isEmpty() ? v.list().at(2).toObject() : v.first(ofType(type));
            QVERIFY(!c.isEmpty());
            const QString id = Vendor::idOf(c);
            if (edited && vendor == QLatin1String("b3os"))
                QCOMPARE(v.call("PUT", v.item(id),
                                QJsonObject{{QStringLiteral("name"), QStringLiteral("Edited")}})
                             .status(),
                         200);
            const QJsonObject got = v.get(id);
            const QByteArray before = v.stateBytes();
            const Answer a = emptyBody ? v.call("PUT", v.item(id), QByteArray("{}"))
                                       : v.call("PUT", v.item(id), unchangedBody(vendor, got));
            QCOMPARE(a.status(), 200);
            QCOMPARE(v.stateBytes(), before);
            QCOMPARE(v.connectorOf(a), got);
        }
    }

    void realChangeMovesUpdatedAt_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::newRow("aisquared") << QStringLiteral("aisquared");
        QTest::newRow("b3os") << QStringLiteral("b3os");
        QTest::newRow("bigdata") << QStringLiteral("bigdata");
    }
    void realChangeMovesUpdatedAt()
    {
        QFETCH(QString, vendor);
        Vendor v(vendor);
        const QString id = Vendor::idOf(v.list().first().toObject());
        const QString before = v.stored(id).value(updatedAtKey(vendor)).toString();
        QJsonObject body;
        if (vendor == QLatin1String("aisquared"))
            body = {{QStringLiteral("connector"),
                     QJsonObject{{QStringLiteral("name"), QStringLiteral("New")}}}};
        else if (vendor == QLatin1String("b3os"))
            body = {{QStringLiteral("description"), QStringLiteral("New")}};
        else
            body = {{QStringLiteral("label"), QStringLiteral("New")}};
        QCOMPARE(v.call("PUT", v.item(id), body).status(), 200);
        const QJsonObject stored = v.stored(id);
        QVERIFY(stored.value(updatedAtKey(vendor)).toString() != before);
        QVERIFY(stored.value(updatedAtKey(vendor))
                    .toString()
                    .startsWith(QString::number(QDate::currentDate().year())));
        if (vendor == QLatin1String("b3os"))
            QCOMPARE(stored.value(QLatin1String("updatedBy")).toString(),
                     QStringLiteral("user_demo"));
    }

    // ---- aisquared traps and errors ----

    void aisquaredSecretsAreMaskedButStored()
    {
        Vendor v(QStringLiteral("aisquared"));
        const QJsonObject c = v.first(hasMaskedConfiguration);
        QVERIFY(!c.isEmpty());
        const QString id = Vendor::idOf(c);
        const QJsonObject shown =
            aisquaredAttributes(v.get(id)).value(QLatin1String("configuration")).toObject();
        const QJsonObject stored = v.stored(id).value(QLatin1String("configuration")).toObject();
        int masked = 0;
        std::function<void(const QJsonValue&, const QJsonValue&)> walk = [&](const QJsonValue& a,
                                                                             const QJsonValue& b) {
            if (a == QJsonValue(kMask) && b != QJsonValue(kMask)) {
                ++masked;
                QVERIFY(!b.toString().isEmpty());
            } else if (a.isObject()) {
                QCOMPARE(a.toObject().keys(), b.toObject().keys());
                for (const QString& k : a.toObject().keys())
                    walk(a[k], b[k]);
            } else {
                QCOMPARE(a, b);
            }
        };
        walk(shown, stored);
        QVERIFY(masked > 0);
    }

    void aisquaredEchoedConfigurationStoresAsterisks()
    {
        Vendor v(QStringLiteral("aisquared"));
        const QString id = Vendor::idOf(v.first(hasMaskedConfiguration));
        const QJsonObject cfg =
            aisquaredAttributes(v.get(id)).value(QLatin1String("configuration")).toObject();
        const Answer a = v.call("PUT", v.item(id),
                                QJsonObject{{QStringLiteral("connector"),
                                             QJsonObject{{QStringLiteral("configuration"), cfg}}}});
        QCOMPARE(a.status(), 200);
        QCOMPARE(v.stored(id).value(QLatin1String("configuration")).toObject(), cfg);
    }

    void aisquaredConfigurationIsReplacedWhole()
    {
        Vendor v(QStringLiteral("aisquared"));
        const QString id = Vendor::idOf(v.first(hasMaskedConfiguration));
        // A complete, valid configuration of the kind, without the optional keys it had.
        QJsonObject cfg = v.stored(id).value(QLatin1String("configuration")).toObject();
        cfg.remove(QStringLiteral("schema")); // optional in Snowflake, required in Postgresql
        cfg.insert(QStringLiteral("host"), QStringLiteral("only.example"));
        cfg.insert(QStringLiteral("schema"), QStringLiteral("replaced"));
        const Answer a = v.call("PUT", v.item(id),
                                QJsonObject{{QStringLiteral("connector"),
                                             QJsonObject{{QStringLiteral("configuration"), cfg}}}});
        QVERIFY2(a.status() == 200, a.reply.body.constData());
        QCOMPARE(v.stored(id).value(QLatin1String("configuration")).toObject(), cfg);
        // An incomplete one is refused by the kind's connection_specification: 422.
        const QByteArray before = v.stateBytes();
        const Answer refused =
            v.call("PUT", v.item(id),
                   QJsonObject{{QStringLiteral("connector"),
                                QJsonObject{{QStringLiteral("configuration"),
                                             QJsonObject{{QStringLiteral("host"),
                                                          QStringLiteral("only.example")}}}}}});
        QCOMPARE(refused.status(), 422);
        QCOMPARE(v.stateBytes(), before);
    }

    void aisquaredRenameKeepsConfiguration()
    {
        Vendor v(QStringLiteral("aisquared"));
        const QString id = Vendor::idOf(v.first(hasMaskedConfiguration));
        const QJsonValue before = v.stored(id).value(QLatin1String("configuration"));
        const Answer a =
            v.call("PUT", v.item(id),
                   QJsonObject{{QStringLiteral("connector"),
                                QJsonObject{{QStringLiteral("name"), QStringLiteral("R")}}}});
        QCOMPARE(a.status(), 200);
        QCOMPARE(v.stored(id).value(QLatin1String("configuration")), before);
        QCOMPARE(v.stored(id).value(QLatin1String("name")).toString(), QStringLiteral("R"));
    }

    void aisquaredErrors_data()
    {
        QTest::addColumn<QString>("id"); // "first" = a real id
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        const QString hash400 = QStringLiteral("errors/connector:object ; errors/0:missing");
        const QString missing =
            QStringLiteral("error=\"param is missing or the value is empty: connector\"");
        QTest::newRow("404 unknown id")
            << QStringLiteral("99999999") << QByteArray("{\"connector\":{\"name\":\"x\"}}") << 404
            << QStringLiteral("errors/0/status=404 ; errors/0/title=\"Error\" ; "
                              "errors/0/detail=\"Connector not found\"");
        QTest::newRow("400 non-numeric id (connector_contracts.rb Update id integer)")
            << QStringLiteral("abc") << QByteArray("{\"connector\":{\"name\":\"x\"}}") << 400
            << QStringLiteral("errors/id=[\"must be an integer\"]");
        QTest::newRow("400 connector_type (connector_contracts.rb rule)")
            << QStringLiteral("first")
            << QByteArray("{\"connector\":{\"connector_type\":\"sideways\"}}") << 400
            << QStringLiteral("errors/connector/connector_type=[\"invalid connector type\"]");
        QTest::newRow("400 connector_type Source: not an enum value (connector.rb enum)")
            << QStringLiteral("first")
            << QByteArray("{\"connector\":{\"connector_type\":\"Source\",\"connector_name\":"
                          "\"Postgresql\"}}")
            << 400
            << QStringLiteral("errors/0/status=400 ; errors/0/title=\"Bad Request\" ; "
                              "~is not a valid connector_type");
        QTest::newRow("422 no connector (exception_handler.rb ParameterMissing)")
            << QStringLiteral("first") << QByteArray("{\"foo\":\"x\"}") << 422 << missing;
        QTest::newRow("422 array body: nothing to wrap")
            << QStringLiteral("first") << QByteArray("[1,2]") << 422 << missing;
        QTest::newRow("422 empty connector")
            << QStringLiteral("first") << QByteArray("{\"connector\":{}}") << 422 << missing;
        QTest::newRow("400 connector not an object")
            << QStringLiteral("first") << QByteArray("{\"connector\":\"x\"}") << 400
            << QStringLiteral("errors/connector=[\"must be a hash\"]");
        QTest::newRow("400 configuration not an object")
            << QStringLiteral("first") << QByteArray("{\"connector\":{\"configuration\":[1]}}")
            << 400 << QStringLiteral("errors/connector/configuration=[\"must be a hash\"]");
        QTest::newRow("400 blank name")
            << QStringLiteral("first") << QByteArray("{\"connector\":{\"name\":\"\"}}") << 400
            << QStringLiteral("errors/connector/name=[\"must be filled\"]");
        QTest::newRow("400 name not a string")
            << QStringLiteral("first") << QByteArray("{\"connector\":{\"name\":5}}") << 400
            << QStringLiteral("errors/connector/name=[\"must be a string\"]") +
                   QStringLiteral(" ; ") + hash400;
        QTest::newRow("422 whitespace name: model presence (connector.rb validates name)")
            << QStringLiteral("first") << QByteArray("{\"connector\":{\"name\":\"  \"}}") << 422
            << QStringLiteral("errors/0/detail=\"Connector update failed\" ; "
                              "errors/0/source/name=\"can't be blank\"");
        QTest::newRow("400 query_type is permitted but no attribute")
            << QStringLiteral("first") << QByteArray("{\"connector\":{\"query_type\":\"raw_sql\"}}")
            << 400 << QStringLiteral("errors/0/detail:string ; ~unknown attribute");
        QTest::newRow("400 not JSON: Rails' own answer")
            << QStringLiteral("first") << QByteArray("{oops") << 400
            << QStringLiteral("status=400 ; error=\"Bad Request\"");
    }
    void aisquaredErrors()
    {
        QFETCH(QString, id);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, expect);
        Vendor v(QStringLiteral("aisquared"));
        if (id == QLatin1String("first"))
            id = Vendor::idOf(v.list().first().toObject());
        const QByteArray before = v.stateBytes();
        const Answer a = v.call("PUT", v.item(id), body);
        QCOMPARE(a.status(), status);
        const QString e = contract::expectationError(a.reply.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        QCOMPARE(v.stateBytes(), before);
    }

    // ---- b3os traps and errors ----

    void b3osMaskedDataIsComputedNeverStored()
    {
        Vendor v(QStringLiteral("b3os"));
        const QJsonObject c = v.first(hasMaskedData);
        QVERIFY(!c.isEmpty());
        const QString id = Vendor::idOf(c);
        const QJsonObject got = v.get(id);
        QVERIFY(!got.contains(QLatin1String("data")));
        const QJsonObject stored = v.stored(id);
        QVERIFY(!stored.contains(QLatin1String("maskedData")));
        const QJsonObject data = stored.value(QLatin1String("data")).toObject();
        const QJsonObject masked = got.value(QLatin1String("maskedData")).toObject();
        QCOMPARE(masked.keys(), data.keys());
        int maskedCount = 0;
        for (auto it = masked.begin(); it != masked.end(); ++it) {
            if (!it.value().toString().startsWith(QLatin1String("****"))) {
                QCOMPARE(it.value(), data.value(it.key()));
                continue;
            }
            ++maskedCount;
            QCOMPARE(it.value().toString(),
                     QStringLiteral("****") + data.value(it.key()).toString().right(4));
        }
        QVERIFY(maskedCount > 0);
    }

    void b3osCopiedMaskedDataIsStoredAsSent()
    {
        Vendor v(QStringLiteral("b3os"));
        const QString id = Vendor::idOf(v.first(hasMaskedData));
        const QJsonObject masked = v.get(id).value(QLatin1String("maskedData")).toObject();
        const Answer a = v.call("PUT", v.item(id), QJsonObject{{QStringLiteral("data"), masked}});
        QCOMPARE(a.status(), 200);
        QCOMPARE(v.stored(id).value(QLatin1String("data")).toObject(), masked);
        QVERIFY(
            !a.object().value(QLatin1String("data")).toObject().contains(QLatin1String("data")));
    }

    void b3osRequestIdsAreUnique()
    {
        Vendor v(QStringLiteral("b3os"));
        QSet<QString> seen;
        for (int i = 0; i < 20; ++i) {
            const Answer a = v.call("GET", listPath(QStringLiteral("b3os")));
            const QString rid = a.object().value(QLatin1String("requestId")).toString();
            QVERIFY(rid.startsWith(QLatin1String("req_")));
            QCOMPARE(a.header("X-Request-Id"), rid.toLatin1());
            seen << rid;
        }
        QCOMPARE(seen.size(), 20);
        v.handler().reset(SandboxOptions());
        QVERIFY(!seen.contains(v.call("GET", listPath(QStringLiteral("b3os")))
                                   .object()
                                   .value(QLatin1String("requestId"))
                                   .toString()));
    }

    void b3osErrors_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        // docs.b3os.org api/introduction: {"success": false, "error": {"message", "code"}}.
        const QString failure = QStringLiteral(
            "success=false ; error/message:string ; error/code:string ; requestId:string");
        QTest::newRow("404") << QStringLiteral("conn_000000000000")
                             << QByteArray("{\"name\":\"x\"}") << 404
                             << failure + QStringLiteral(" ; error/code=\"NOT_FOUND\"");
        QTest::newRow("400 name not string")
            << QStringLiteral("first") << QByteArray("{\"name\":42}") << 400
            << failure + QStringLiteral(" ; error/code=\"VALIDATION_ERROR\"");
        QTest::newRow("400 data not object")
            << QStringLiteral("first") << QByteArray("{\"data\":\"x\"}") << 400 << failure;
        QTest::newRow("400 description not string")
            << QStringLiteral("first") << QByteArray("{\"description\":[]}") << 400 << failure;
        QTest::newRow("400 array body")
            << QStringLiteral("first") << QByteArray("[]") << 400 << failure;
        QTest::newRow("400 not JSON: {error: text}")
            << QStringLiteral("first") << QByteArray("{not json") << 400
            << QStringLiteral("error=\"invalid JSON body\" ; requestId:string ; success:missing");
    }
    void b3osErrors()
    {
        QFETCH(QString, id);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, expect);
        Vendor v(QStringLiteral("b3os"));
        if (id == QLatin1String("first"))
            id = Vendor::idOf(v.list().first().toObject());
        const QByteArray before = v.stateBytes();
        const Answer a = v.call("PUT", v.item(id), body);
        QCOMPARE(a.status(), status);
        const QString e = contract::expectationError(a.reply.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        QCOMPARE(a.header("X-Request-Id"),
                 a.object().value(QLatin1String("requestId")).toString().toLatin1());
        QCOMPARE(v.stateBytes(), before);
    }

    void b3osKeyAloneIsEnough_data()
    {
        QTest::addColumn<QByteArray>("org");
        QTest::addColumn<int>("status");
        QTest::newRow("no X-Org-ID (b3os client.ts: a runtime key sends only Authorization)")
            << QByteArray() << 200;
        QTest::newRow("X-Org-ID of the key's org") << QByteArray("demo-org") << 200;
        QTest::newRow("X-Org-ID of another org is 403") << QByteArray("other") << 403;
    }
    void b3osKeyAloneIsEnough()
    {
        QFETCH(QByteArray, org);
        QFETCH(int, status);
        Vendor v(QStringLiteral("b3os"));
        Headers h = authHeaders(QStringLiteral("b3os"));
        if (!org.isEmpty())
            h.append({"X-Org-ID", org});
        const Answer a = v.call("GET", listPath(QStringLiteral("b3os")), {}, h, false);
        QCOMPARE(a.status(), status);
        QCOMPARE(a.object().value(QLatin1String("code")).toInt(), status);
    }

    // ---- databar traps and errors ----

    void databarCapsLimits_data()
    {
        QTest::addColumn<QJsonValue>("rateSent");
        QTest::addColumn<QJsonValue>("concurrencySent");
        QTest::addColumn<QJsonValue>("rateStored");
        QTest::addColumn<QJsonValue>("concurrencyStored");
        QTest::newRow("60/60 capped")
            << QJsonValue(60) << QJsonValue(60) << QJsonValue(10) << QJsonValue(5);
        QTest::newRow("within plan")
            << QJsonValue(7) << QJsonValue(3) << QJsonValue(7) << QJsonValue(3);
        QTest::newRow("at caps") << QJsonValue(10) << QJsonValue(5) << QJsonValue(10)
                                 << QJsonValue(5);
        QTest::newRow("null") << QJsonValue() << QJsonValue() << QJsonValue() << QJsonValue();
    }
    void databarCapsLimits()
    {
        QFETCH(QJsonValue, rateSent);
        QFETCH(QJsonValue, concurrencySent);
        QFETCH(QJsonValue, rateStored);
        QFETCH(QJsonValue, concurrencyStored);
        Vendor v(QStringLiteral("databar"));
        const QString id = Vendor::idOf(v.list().first().toObject());
        QJsonObject body = unchangedBody(QStringLiteral("databar"), v.get(id));
        body[QStringLiteral("rate_limit")] = rateSent;
        body[QStringLiteral("max_concurrency")] = concurrencySent;
        const Answer a = v.call("PUT", v.item(id), body);
        QCOMPARE(a.status(), 200);
        QCOMPARE(a.object().value(QLatin1String("rate_limit")), rateStored);
        QCOMPARE(a.object().value(QLatin1String("max_concurrency")), concurrencyStored);
        QCOMPARE(v.stored(id).value(QLatin1String("rate_limit")), rateStored);
        QCOMPARE(v.stored(id).value(QLatin1String("max_concurrency")), concurrencyStored);
    }

    void databarHeaderValuesUnmasked()
    {
        Vendor v(QStringLiteral("databar"));
        const QString id = Vendor::idOf(v.list().first().toObject());
        QJsonObject body = unchangedBody(QStringLiteral("databar"), v.get(id));
        const QJsonArray headers{
            QJsonObject{{QStringLiteral("name"), QStringLiteral("Authorization")},
                        {QStringLiteral("value"), QStringLiteral("Bearer secret-9f3k")}}};
        body[QStringLiteral("headers")] = headers;
        QCOMPARE(v.call("PUT", v.item(id), body).object().value(QLatin1String("headers")).toArray(),
                 headers);
        QCOMPARE(v.get(id).value(QLatin1String("headers")).toArray(), headers);
    }

    void databarPutIsFullReplacement()
    {
        Vendor v(QStringLiteral("databar"));
        // A seeded connector with lists and limits, so that the defaults visibly replace them.
        const QJsonObject c = v.first([](const QJsonObject& o) {
            return !o.value(QLatin1String("headers")).toArray().isEmpty() &&
                   !o.value(QLatin1String("rate_limit")).isNull() &&
                   o.value(QLatin1String("type")).toString() != QLatin1String("enrichment");
        });
        QVERIFY(!c.isEmpty());
        const QString id = Vendor::idOf(c);
        const QJsonObject minimal{
            {QStringLiteral("name"), QStringLiteral("N")},
            {QStringLiteral("method"), QStringLiteral("post")},
            {QStringLiteral("url"), QStringLiteral("https://a.example/x")},
            {QStringLiteral("parameters"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("q")}}}}};
        const Answer a = v.call("PUT", v.item(id), minimal);
        QCOMPARE(a.status(), 200);
        const QJsonObject got = v.get(id);
        QCOMPARE(got, a.object());
        QCOMPARE(got.value(QLatin1String("type")).toString(), QStringLiteral("enrichment"));
        QCOMPARE(got.value(QLatin1String("headers")).toArray(), QJsonArray());
        QCOMPARE(got.value(QLatin1String("body")).toArray(), QJsonArray());
        QCOMPARE(got.value(QLatin1String("parameters")).toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("q")},
                                         {QStringLiteral("value"), QString()}}}));
        for (const char* nullable : {"body_template", "rate_limit", "max_concurrency"})
            QVERIFY2(got.value(QLatin1String(nullable)).isNull(), nullable);
        QCOMPARE(got.value(QLatin1String("created_at")), c.value(QLatin1String("created_at")));
        QCOMPARE(got.value(QLatin1String("id")), c.value(QLatin1String("id")));
    }

    void databarValidation_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QJsonArray>("loc");
        QTest::addColumn<QString>("msg"); // empty: not checked
        const QByteArray base = "\"method\":\"get\",\"url\":\"https://a.example/x\"";
        auto b = [&](const QByteArray& extra) {
            return "{" + base + (extra.isEmpty() ? "" : "," + extra) + "}";
        };
        auto at = [](std::initializer_list<QJsonValue> l) { return QJsonArray(l); };
        QTest::newRow("name missing") << b("") << QStringLiteral("missing")
                                      << at({QStringLiteral("body"), QStringLiteral("name")})
                                      << QStringLiteral("Field required");
        QTest::newRow("name too long")
            << b("\"name\":\"" + QByteArray(257, 'n') + "\"") << QStringLiteral("string_too_long")
            << at({QStringLiteral("body"), QStringLiteral("name")})
            << QStringLiteral("String should have at most 256 characters");
        QTest::newRow("name not string") << b("\"name\":5") << QStringLiteral("string_type")
                                         << at({QStringLiteral("body"), QStringLiteral("name")})
                                         << QStringLiteral("Input should be a valid string");
        QTest::newRow("url too long")
            << QByteArray("{\"name\":\"n\",\"method\":\"get\",\"url\":\"" + QByteArray(513, 'u') +
                          "\"}")
            << QStringLiteral("string_too_long")
            << at({QStringLiteral("body"), QStringLiteral("url")})
            << QStringLiteral("String should have at most 512 characters");
        QTest::newRow("method missing")
            << QByteArray("{\"name\":\"n\",\"url\":\"https://a.example\"}")
            << QStringLiteral("missing") << at({QStringLiteral("body"), QStringLiteral("method")})
            << QStringLiteral("Field required");
        QTest::newRow("method literal")
            << QByteArray("{\"name\":\"n\",\"method\":\"delete\",\"url\":\"u\"}")
            << QStringLiteral("literal_error")
            << at({QStringLiteral("body"), QStringLiteral("method")})
            << QStringLiteral("Input should be 'get', 'post', 'put' or 'patch'");
        QTest::newRow("type literal")
            << b("\"name\":\"n\",\"type\":\"weird\"") << QStringLiteral("literal_error")
            << at({QStringLiteral("body"), QStringLiteral("type")})
            << QStringLiteral("Input should be 'simple', 'enrichment' or 'exporter'");
        QTest::newRow("rate_limit 0")
            << b("\"name\":\"n\",\"rate_limit\":0") << QStringLiteral("greater_than_equal")
            << at({QStringLiteral("body"), QStringLiteral("rate_limit")})
            << QStringLiteral("Input should be greater than or equal to 1");
        QTest::newRow("max_concurrency -1")
            << b("\"name\":\"n\",\"max_concurrency\":-1") << QStringLiteral("greater_than_equal")
            << at({QStringLiteral("body"), QStringLiteral("max_concurrency")}) << QString();
        QTest::newRow("rate_limit string")
            << b("\"name\":\"n\",\"rate_limit\":\"ten\"") << QStringLiteral("int_parsing")
            << at({QStringLiteral("body"), QStringLiteral("rate_limit")}) << QString();
        QTest::newRow("rate_limit bool")
            << b("\"name\":\"n\",\"rate_limit\":true") << QStringLiteral("int_parsing")
            << at({QStringLiteral("body"), QStringLiteral("rate_limit")}) << QString();
        QTest::newRow("rate_limit float")
            << b("\"name\":\"n\",\"rate_limit\":2.5") << QStringLiteral("int_parsing")
            << at({QStringLiteral("body"), QStringLiteral("rate_limit")}) << QString();
        QTest::newRow("body_template too long")
            << b("\"name\":\"n\",\"body_template\":\"" + QByteArray(2049, 't') + "\"")
            << QStringLiteral("string_too_long")
            << at({QStringLiteral("body"), QStringLiteral("body_template")})
            << QStringLiteral("String should have at most 2048 characters");
        QTest::newRow("header without name")
            << b("\"name\":\"n\",\"headers\":[{\"value\":\"v\"}]") << QStringLiteral("missing")
            << at({QStringLiteral("body"), QStringLiteral("headers"), 0, QStringLiteral("name")})
            << QStringLiteral("Field required");
        QTest::newRow("parameters not a list")
            << b("\"name\":\"n\",\"parameters\":{}") << QStringLiteral("list_type")
            << at({QStringLiteral("body"), QStringLiteral("parameters")}) << QString();
        QTest::newRow("body not an object")
            << QByteArray("[1]") << QStringLiteral("model_attributes_type")
            << at({QStringLiteral("body")}) << QString();
    }
    void databarValidation()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, type);
        QFETCH(QJsonArray, loc);
        QFETCH(QString, msg);
        Vendor v(QStringLiteral("databar"));
        const QString id = Vendor::idOf(v.list().first().toObject());
        const QByteArray before = v.stateBytes();
        const Answer a = v.call("PUT", v.item(id), body);
        QCOMPARE(a.status(), 422);
        const QJsonObject d = a.object().value(QLatin1String("detail"))[0].toObject();
        QCOMPARE(d.value(QLatin1String("type")).toString(), type);
        QCOMPARE(d.value(QLatin1String("loc")).toArray(), loc);
        if (!msg.isEmpty())
            QCOMPARE(d.value(QLatin1String("msg")).toString(), msg);
        QVERIFY(d.contains(QLatin1String("input")));
        QCOMPARE(v.stateBytes(), before);
    }

    void databarReportsEveryIssue()
    {
        Vendor v(QStringLiteral("databar"));
        const QString id = Vendor::idOf(v.list().first().toObject());
        const Answer a = v.call("PUT", v.item(id), QByteArray("{\"rate_limit\":0}"));
        QCOMPARE(a.status(), 422);
        QStringList fields;
        for (const QJsonValue& d : a.object().value(QLatin1String("detail")).toArray())
            fields << d[QLatin1String("loc")][1].toString();
        QCOMPARE(fields, (QStringList{QStringLiteral("name"), QStringLiteral("method"),
                                      QStringLiteral("url"), QStringLiteral("rate_limit")}));
    }

    void databarOtherStatuses_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("detail"); // string detail, or the 422 type
        const QByteArray ok = "{\"name\":\"n\",\"method\":\"get\",\"url\":\"https://a.example/x\"}";
        QTest::newRow("404 get") << QByteArray("GET") << QStringLiteral("99999999") << QByteArray()
                                 << 404 << QStringLiteral("Connector not found");
        QTest::newRow("404 put") << QByteArray("PUT") << QStringLiteral("99999999") << ok << 404
                                 << QStringLiteral("Connector not found");
        QTest::newRow("422 path id") << QByteArray("GET") << QStringLiteral("abc") << QByteArray()
                                     << 422 << QStringLiteral("int_parsing");
        QTest::newRow("400 not JSON") << QByteArray("PUT") << QStringLiteral("first")
                                      << QByteArray("{oops") << 400 << QString();
    }
    void databarOtherStatuses()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, id);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, detail);
        Vendor v(QStringLiteral("databar"));
        if (id == QLatin1String("first"))
            id = Vendor::idOf(v.list().first().toObject());
        const Answer a = v.call(method, v.item(id), body);
        QCOMPARE(a.status(), status);
        const QJsonValue d = a.object().value(QLatin1String("detail"));
        if (status == 422) {
            QCOMPARE(d[0][QLatin1String("type")].toString(), detail);
            QCOMPARE(d[0][QLatin1String("loc")].toArray(),
                     (QJsonArray{QStringLiteral("path"), QStringLiteral("connector_id")}));
        } else if (!detail.isEmpty()) {
            QCOMPARE(d.toString(), detail);
        } else {
            QVERIFY(d.isString());
        }
    }

    void databarNoCreditsIs406UntilReset()
    {
        Vendor v(QStringLiteral("databar"));
        const QString id = Vendor::idOf(v.list().first().toObject());
        const QJsonObject body{{QStringLiteral("name"), QStringLiteral("n")},
                               {QStringLiteral("method"), QStringLiteral("get")},
                               {QStringLiteral("url"), QStringLiteral("https://a.example/x")}};
        v.handler().configure({{QStringLiteral("databarCredits"), 0}});
        const QByteArray before = v.stateBytes();
        const Answer a = v.call("PUT", v.item(id), body);
        QCOMPARE(a.status(), 406);
        QCOMPARE(a.object().value(QLatin1String("detail")).toString(),
                 QStringLiteral("Insufficient credits"));
        QCOMPARE(v.stateBytes(), before);
        QCOMPARE(v.call("GET", v.item(id)).status(), 200);
        v.handler().reset(SandboxOptions());
        QCOMPARE(v.call("PUT", v.item(id), body).status(), 200);
    }

    // ---- bigdata traps and errors ----

    void bigdataOmittedFieldsAreClearedOrDefaulted()
    {
        Vendor v(QStringLiteral("bigdata"));
        const QJsonObject c = v.first(ofType(QStringLiteral("email")));
        const QString id = Vendor::idOf(c);
        QJsonObject full = unchangedBody(QStringLiteral("bigdata"), c);
        full[QStringLiteral("description")] = QStringLiteral("Keep me");
        full[QStringLiteral("share_with_org")] = true;
        QJsonObject cfg = c.value(QLatin1String("config")).toObject();
        cfg[QStringLiteral("allowed_emails")] = QJsonArray{QStringLiteral("a@example.com")};
        full[QStringLiteral("config")] = cfg;
        QCOMPARE(v.call("PUT", v.item(id), full).status(), 200);
        QCOMPARE(v.get(id).value(QLatin1String("share_with_org")).toBool(), true);

        const Answer a =
            v.call("PUT", v.item(id),
                   QJsonObject{{QStringLiteral("label"), QStringLiteral("Only label")}});
        QCOMPARE(a.status(), 200);
        const QJsonObject stored = v.stored(id);
        QCOMPARE(stored.value(QLatin1String("description")).toString(), QString());
        QCOMPARE(stored.value(QLatin1String("share_with_org")).toBool(true), false);
        const QJsonObject storedCfg = stored.value(QLatin1String("config")).toObject();
        QCOMPARE(storedCfg.value(QLatin1String("allowed_emails")).toArray(), QJsonArray());
        QCOMPARE(storedCfg.value(QLatin1String("email_hash")),
                 cfg.value(QLatin1String("email_hash")));
        QCOMPARE(a.object(), v.get(id));
    }

    void bigdataEmailConfig_data()
    {
        QTest::addColumn<QString>("hash");
        QTest::addColumn<QJsonValue>("allowed");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("detailContains");
        QTest::newRow("stored hash")
            << QStringLiteral("stored") << QJsonValue(QJsonArray{QStringLiteral("ok@example.com")})
            << 200 << QString();
        QTest::newRow("allowed omitted")
            << QStringLiteral("stored") << QJsonValue(QJsonValue::Undefined) << 200 << QString();
        QTest::newRow("hash omitted")
            << QStringLiteral("omit") << QJsonValue(QJsonArray{QStringLiteral("ok@example.com")})
            << 400 << QStringLiteral("email_hash");
        QTest::newRow("hash wrong")
            << QStringLiteral("wrong") << QJsonValue(QJsonArray{QStringLiteral("ok@example.com")})
            << 400 << QStringLiteral("email_hash");
        QTest::newRow("invalid email") << QStringLiteral("stored")
                                       << QJsonValue(QJsonArray{QStringLiteral("ok@example.com"),
                                                                QStringLiteral("not-an-email")})
                                       << 400 << QStringLiteral("not-an-email");
        QTest::newRow("allowed not a list")
            << QStringLiteral("stored") << QJsonValue(QStringLiteral("a@b.example")) << 400
            << QStringLiteral("allowed_emails");
    }
    void bigdataEmailConfig()
    {
        QFETCH(QString, hash);
        QFETCH(QJsonValue, allowed);
        QFETCH(int, status);
        QFETCH(QString, detailContains);
        Vendor v(QStringLiteral("bigdata"));
        const QJsonObject c = v.first(ofType(QStringLiteral("email")));
        const QString id = Vendor::idOf(c);
        QJsonObject body = unchangedBody(QStringLiteral("bigdata"), c);
        QJsonObject cfg = c.value(QLatin1String("config")).toObject();
        if (hash == QLatin1String("omit"))
            cfg.remove(QStringLiteral("email_hash"));
        else if (hash == QLatin1String("wrong"))
            cfg[QStringLiteral("email_hash")] = QStringLiteral("0000deadbeef");
        if (allowed.isUndefined())
            cfg.remove(QStringLiteral("allowed_emails"));
        else
            cfg[QStringLiteral("allowed_emails")] = allowed;
        body[QStringLiteral("config")] = cfg;
        const QByteArray before = v.stateBytes();
        const Answer a = v.call("PUT", v.item(id), body);
        QCOMPARE(a.status(), status);
        if (status == 200) {
            QCOMPARE(a.object()
                         .value(QLatin1String("config"))[QLatin1String("allowed_emails")]
                         .toArray(),
                     allowed.isUndefined() ? QJsonArray() : allowed.toArray());
        } else {
            QVERIFY2(a.object().value(QLatin1String("message")).toString().contains(detailContains),
                     a.reply.body.constData());
            QCOMPARE(v.stateBytes(), before);
        }
    }

    void bigdataInvestmentResearchConfigIsFixed()
    {
        Vendor v(QStringLiteral("bigdata"));
        const QJsonObject c = v.first(ofType(QStringLiteral("investment_research")));
        QVERIFY(!c.isEmpty());
        const QString id = Vendor::idOf(c);
        QJsonObject body = unchangedBody(QStringLiteral("bigdata"), c);
        body[QStringLiteral("config")] = c.value(QLatin1String("config"));
        const Answer refused = v.call("PUT", v.item(id), body);
        QCOMPARE(refused.status(), 400);
        QVERIFY(refused.object()
                    .value(QLatin1String("message"))
                    .toString()
                    .contains(QLatin1String(
                        "config cannot be updated for investment_research connectors")));
        body.remove(QStringLiteral("config"));
        body[QStringLiteral("label")] = QStringLiteral("Renamed");
        const Answer ok = v.call("PUT", v.item(id), body);
        QCOMPARE(ok.status(), 200);
        QCOMPARE(ok.object().value(QLatin1String("config")), c.value(QLatin1String("config")));
        QVERIFY(
            v.stored(id).value(QLatin1String("config"))[QLatin1String("user_password")].isString());
    }

    void bigdataUserPasswordNeverAnswered()
    {
        Vendor v(QStringLiteral("bigdata"));
        const QJsonObject c = v.first(ofType(QStringLiteral("investment_research")));
        const QString id = Vendor::idOf(c);
        QCOMPARE(c.value(QLatin1String("config")).toObject().keys(),
                 QStringList{QStringLiteral("user_id")});
        QVERIFY(!v.call("GET", listPath(QStringLiteral("bigdata")))
                     .reply.body.contains("user_password"));
        QVERIFY(!v.call("GET", v.item(id)).reply.body.contains("user_password"));
        QVERIFY(!v.call("PUT", v.item(id), unchangedBody(QStringLiteral("bigdata"), c))
                     .reply.body.contains("user_password"));
        QVERIFY(
            v.stored(id).value(QLatin1String("config"))[QLatin1String("user_password")].isString());
    }

    void bigdataErrors_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::newRow("malformed uuid get")
            << QByteArray("GET") << QStringLiteral("not-a-uuid") << QByteArray() << 400;
        QTest::newRow("malformed uuid put") << QByteArray("PUT") << QStringLiteral("not-a-uuid")
                                            << QByteArray("{\"label\":\"x\"}") << 400;
        QTest::newRow("404 get") << QByteArray("GET")
                                 << QStringLiteral("00000000-0000-7000-8000-000000000000")
                                 << QByteArray() << 404;
        QTest::newRow("404 put") << QByteArray("PUT")
                                 << QStringLiteral("00000000-0000-7000-8000-000000000000")
                                 << QByteArray("{\"label\":\"x\"}") << 404;
        QTest::newRow("label missing") << QByteArray("PUT") << QStringLiteral("first")
                                       << QByteArray("{\"description\":\"x\"}") << 400;
        QTest::newRow("label not string")
            << QByteArray("PUT") << QStringLiteral("first") << QByteArray("{\"label\":1}") << 400;
        QTest::newRow("share not bool")
            << QByteArray("PUT") << QStringLiteral("first")
            << QByteArray("{\"label\":\"x\",\"share_with_org\":\"yes\"}") << 400;
        QTest::newRow("type change") << QByteArray("PUT") << QStringLiteral("first")
                                     << QByteArray("{\"label\":\"x\",\"type\":\"other\"}") << 400;
        QTest::newRow("not JSON") << QByteArray("PUT") << QStringLiteral("first")
                                  << QByteArray("{oops") << 400;
    }
    void bigdataErrors()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, id);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        Vendor v(QStringLiteral("bigdata"));
        if (id == QLatin1String("first"))
            id = Vendor::idOf(v.list().first().toObject());
        const QByteArray before = v.stateBytes();
        const Answer a = v.call(method, v.item(id), body);
        QCOMPARE(a.status(), status);
        // {statusCode, message, errorCode, requestId} (VERIFIED.md bigdata).
        QCOMPARE(a.object().value(QLatin1String("statusCode")).toInt(), status);
        QVERIFY(a.object().value(QLatin1String("errorCode")).isString());
        QVERIFY(a.object().value(QLatin1String("message")).isString());
        QCOMPARE(a.header("x-amzn-RequestId"),
                 a.object().value(QLatin1String("requestId")).toString().toLatin1());
        QCOMPARE(v.stateBytes(), before);
    }

    void bigdataUppercaseUuidFindsConnector()
    {
        Vendor v(QStringLiteral("bigdata"));
        const QJsonObject c = v.list().first().toObject();
        QCOMPARE(v.get(Vendor::idOf(c).toUpper()), c);
    }

    // ---- timbal ----

    void timbalConnectorViewOnlyAndSandboxMemberInStateOnly()
    {
        // timbal openapi.json ConnectorView: exactly these members; "_sandbox" is state only.
        Vendor v(QStringLiteral("timbal"), 60);
        const QStringList view{QStringLiteral("arch"),         QStringLiteral("capabilities"),
                               QStringLiteral("connected"),    QStringLiteral("enrolled_at"),
                               QStringLiteral("hostname"),     QStringLiteral("id"),
                               QStringLiteral("last_seen_at"), QStringLiteral("name"),
                               QStringLiteral("online"),       QStringLiteral("os"),
                               QStringLiteral("version")};
        for (const QJsonValue& c : v.list())
            QCOMPARE(c.toObject().keys(), view);
        for (const QJsonValue& c : v.handler().state()) {
            QStringList withSandbox = view;
            withSandbox.prepend(QStringLiteral("_sandbox"));
            QCOMPARE(c.toObject().keys(), withSandbox);
            const QJsonObject sb = c[QLatin1String("_sandbox")].toObject();
            QVERIFY(sb.value(QLatin1String("reachable")).isBool());
            QCOMPARE(sb.value(QLatin1String("dispatches")).toInt(-1), 0);
        }
    }

    void timbalSeededMix()
    {
        // VERIFIED.md timbal + the brief: ~10% offline, ~8% connected elsewhere, ~3% stale,
        // ~3% name null, ~2% never reported, ~10% on 0.0.9; versions 0.0.9..0.1.4 only.
        Vendor v(QStringLiteral("timbal"), 2000);
        int offline = 0, other = 0, stale = 0, nullName = 0, nullVersion = 0, old = 0;
        QSet<QString> versions, oses, arches;
        for (const QJsonValue& value : v.handler().state()) {
            const QJsonObject c = value.toObject();
            const bool connected = c[QLatin1String("connected")].toBool();
            const bool online = c[QLatin1String("online")].toBool();
            const bool reachable =
                c[QLatin1String("_sandbox")][QLatin1String("reachable")].toBool();
            QVERIFY(!online || (connected && reachable));
            offline += !connected;
            other += connected && !online && reachable;
            stale += connected && !online && !reachable;
            nullName += c[QLatin1String("name")].isNull();
            nullVersion += c[QLatin1String("version")].isNull();
            old += c[QLatin1String("version")].toString() == QLatin1String("0.0.9");
            if (!c[QLatin1String("version")].isNull()) {
                versions << c[QLatin1String("version")].toString();
                oses << c[QLatin1String("os")].toString();
                arches << c[QLatin1String("arch")].toString();
            }
        }
        auto near = [](int count, int percent) {
            return count > 2000 * percent / 100 / 2 && count < 2000 * percent / 100 * 2;
        };
        QVERIFY2(near(offline, 12), qPrintable(QString::number(offline)));
        QVERIFY2(near(other, 8), qPrintable(QString::number(other)));
        QVERIFY2(near(stale, 3), qPrintable(QString::number(stale)));
        QVERIFY2(near(nullName, 3), qPrintable(QString::number(nullName)));
        QVERIFY2(near(nullVersion, 2), qPrintable(QString::number(nullVersion)));
        QVERIFY2(near(old, 10), qPrintable(QString::number(old)));
        QCOMPARE(versions, (QSet<QString>{QStringLiteral("0.0.9"), QStringLiteral("0.1.0"),
                                          QStringLiteral("0.1.1"), QStringLiteral("0.1.2"),
                                          QStringLiteral("0.1.3"), QStringLiteral("0.1.4")}));
        QCOMPARE(oses, (QSet<QString>{QStringLiteral("linux"), QStringLiteral("darwin"),
                                      QStringLiteral("windows")}));
        QCOMPARE(arches, (QSet<QString>{QStringLiteral("x86_64"), QStringLiteral("arm64")}));
    }

    void timbalPageSizeAndShapeKnobs_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<int>("pageSize");
        for (const char* shape : {"connectors", "data", "items", "results"})
            QTest::newRow(shape) << QString::fromLatin1(shape) << 9;
        QTest::newRow("array") << QStringLiteral("array") << 9;
    }
    void timbalPageSizeAndShapeKnobs()
    {
        QFETCH(QString, shape);
        QFETCH(int, pageSize);
        Vendor v(QStringLiteral("timbal"), 40);
        QVERIFY(v.handler()
                    .configError({{QStringLiteral("timbalListShape"), shape},
                                  {QStringLiteral("timbalPageSize"), pageSize}})
                    .isEmpty());
        v.handler().configure({{QStringLiteral("timbalListShape"), shape},
                               {QStringLiteral("timbalPageSize"), pageSize}});
        QStringList ids;
        QString token;
        int pages = 0;
        do {
            const Answer a = v.call(
                "GET", listPath(QStringLiteral("timbal")) +
                           (token.isEmpty() ? QString() : QStringLiteral("?page_token=") + token));
            QCOMPARE(a.status(), 200);
            ++pages;
            const QJsonArray items =
                shape == QLatin1String("array") ? a.doc.array() : a.object().value(shape).toArray();
            for (const QJsonValue& c : items)
                ids << Vendor::idOf(c.toObject());
            token = a.object().value(QLatin1String("next_page_token")).toString();
            QVERIFY(pages < 20);
        } while (!token.isEmpty());
        QCOMPARE(pages, shape == QLatin1String("array") ? 1 : 5);
        QCOMPARE(ids.size(), 40);
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), 40);
    }

    void timbalBadKnobsAreNamed_data()
    {
        QTest::addColumn<QJsonObject>("knobs");
        QTest::addColumn<QString>("named");
        QTest::newRow("shape") << QJsonObject{{QStringLiteral("timbalListShape"), 3}}
                               << QStringLiteral("timbalListShape");
        QTest::newRow("page size") << QJsonObject{{QStringLiteral("timbalPageSize"), -1}}
                                   << QStringLiteral("timbalPageSize");
        QTest::newRow("delay") << QJsonObject{{QStringLiteral("timbalUpdateDelayMs"), true}}
                               << QStringLiteral("timbalUpdateDelayMs");
    }
    void timbalBadKnobsAreNamed()
    {
        QFETCH(QJsonObject, knobs);
        QFETCH(QString, named);
        Vendor v(QStringLiteral("timbal"));
        QVERIFY(v.handler().configError(knobs).contains(named));
        QVERIFY(Vendor(QStringLiteral("aisquared")).handler().configError(knobs).isEmpty());
    }

    void timbalDispatchesAreCountedAndNoOpKeepsState()
    {
        Vendor v(QStringLiteral("timbal"), 60);
        v.handler().configure({{QStringLiteral("timbalUpdateDelayMs"), -1}});
        QString id;
        for (const QJsonValue& c : v.handler().state()) {
            if (c[QLatin1String("_sandbox")][QLatin1String("reachable")].toBool() &&
                c[QLatin1String("version")].toString() == QLatin1String("0.1.2"))
                id = Vendor::idOf(c.toObject());
        }
        QVERIFY(!id.isEmpty());
        const QString update = v.item(id) + QStringLiteral("/update");
        QCOMPARE(v.call("POST", update, QByteArray("{}")).status(), 202);
        QCOMPARE(v.call("POST", update, QByteArray("{\"version\":\"0.1.3\"}")).status(), 202);
        QCOMPARE(v.stored(id)[QLatin1String("_sandbox")][QLatin1String("dispatches")].toInt(), 2);
        QCOMPARE(v.stored(id)[QLatin1String("version")].toString(), QStringLiteral("0.1.2"));
        const QByteArray before = v.stateBytes();
        const Answer same = v.call("POST", update, QByteArray("{\"version\":\"v0.1.2\"}"));
        QCOMPARE(same.status(), 200);
        QCOMPARE(same.object().value(QLatin1String("dispatched")).toBool(true), false);
        QCOMPARE(v.stateBytes(), before);
    }

    // ---- timbal report faults: stuck, revert, drop (docs/sandbox.md "Report faults") ----

    void timbalReportFaultHitsSameConnectorsWhateverTheOrder()
    {
        const QList<FaultSpec> stuck = reportFaults({QStringLiteral("timbal:stuck@0.5")});
        struct Run
        {
            QSet<QString> updated;
            QSet<QString> hit;
        };
        auto run = [&stuck](quint32 seed, bool reversed) {
            Vendor v(QStringLiteral("timbal"), 200, seed);
            v.handler().setReportFaults(stuck);
            QStringList ids = timbalUpdatable(v);
            if (reversed)
                std::reverse(ids.begin(), ids.end());
            for (const QString& id : ids) {
                if (reversed)
                    v.get(id); // other requests in between change nothing
                const Answer a = timbalUpdate(v, id);
                if (a.status() != 202)
                    qFatal("update of %s: %d", qPrintable(id), a.status());
            }
            const QMap<QString, QString> hit = timbalReportFaultsHit(v);
            if (QSet<QString>(hit.cbegin(), hit.cend()) != QSet<QString>{QStringLiteral("stuck")})
                qFatal("unexpected report fault in %s",
                       qPrintable(hit.values().join(QLatin1Char(','))));
            const QStringList hitIds = hit.keys();
            return Run{QSet<QString>(ids.cbegin(), ids.cend()),
                       QSet<QString>(hitIds.cbegin(), hitIds.cend())};
        };
        const Run forward = run(1, false);
        QCOMPARE(run(1, true).hit, forward.hit);
        // About half of the connectors updated are hit.
        QVERIFY2(
            forward.hit.size() > forward.updated.size() / 4 &&
                forward.hit.size() < forward.updated.size() * 3 / 4,
            qPrintable(
                QStringLiteral("%1 of %2").arg(forward.hit.size()).arg(forward.updated.size())));
        // Another seed hits another set, also among the connectors both seeds let update.
        const Run other = run(2, false);
        const QSet<QString> both = QSet<QString>(forward.updated).intersect(other.updated);
        QVERIFY(both.size() > 100);
        QVERIFY(QSet<QString>(forward.hit).intersect(both) !=
                QSet<QString>(other.hit).intersect(both));
    }

    void timbalStuckAcceptsButNeverReports()
    {
        Vendor v(QStringLiteral("timbal"), 60);
        Vendor plain(QStringLiteral("timbal"), 60);
        v.handler().configure({{QStringLiteral("timbalUpdateDelayMs"), 0}});
        v.handler().setReportFaults(reportFaults({QStringLiteral("timbal:stuck")}));
        const QString id = timbalUpdatable(v).value(0);
        QVERIFY(!id.isEmpty());
        const QJsonObject before = v.get(id);
        const Answer a = timbalUpdate(v, id);
        QCOMPARE(a.status(), 202);
        QCOMPARE(a.reply.body, timbalUpdate(plain, id).reply.body); // the answer as usual
        QTest::qWait(50);
        QCOMPARE(v.get(id), before); // version and last_seen_at stay
        QCOMPARE(v.stored(id)[QLatin1String("_sandbox")][QLatin1String("reportFault")].toString(),
                 QStringLiteral("stuck"));
        // Still on the old version, so a second POST is dispatched (and stuck) again.
        QCOMPARE(timbalUpdate(v, id).status(), 202);
        QCOMPARE(v.stored(id)[QLatin1String("_sandbox")][QLatin1String("dispatches")].toInt(), 2);
        QTest::qWait(50);
        QCOMPARE(v.get(id), before);
    }

    void timbalRevertReportsThenGoesBack_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("delayMs");
        QTest::addColumn<int>("revertMs");
        QTest::newRow("after the update delay") << "timbal:revert" << 300 << 300;
        QTest::newRow("after MS") << "timbal:revert=700" << 100 << 700;
    }
    void timbalRevertReportsThenGoesBack()
    {
        QFETCH(QString, spec);
        QFETCH(int, delayMs);
        QFETCH(int, revertMs);
        Vendor v(QStringLiteral("timbal"), 60);
        v.handler().configure({{QStringLiteral("timbalUpdateDelayMs"), delayMs}});
        v.handler().setReportFaults(reportFaults({spec}));
        const QString id = timbalUpdatable(v).value(0);
        const QString old = v.get(id)[QLatin1String("version")].toString();
        QCOMPARE(timbalUpdate(v, id).status(), 202);
        auto versionIs = [](const QString& version) {
            return [version](const QJsonObject& c) {
                return c[QLatin1String("version")].toString() == version;
            };
        };
        const QJsonObject reported = pollTimbal(v, id, versionIs(QStringLiteral("0.1.5")));
        QCOMPARE(reported[QLatin1String("version")].toString(), QStringLiteral("0.1.5"));
        const QJsonObject back = pollTimbal(v, id, versionIs(old));
        QCOMPARE(back[QLatin1String("version")].toString(), old);
        // It reported again (last_seen_at) exactly revertMs after reporting the target.
        auto seen = [](const QJsonObject& c) {
            return QDateTime::fromString(c[QLatin1String("last_seen_at")].toString(),
                                         Qt::ISODateWithMs);
        };
        QCOMPARE(seen(reported).msecsTo(seen(back)), qint64(revertMs));
        QCOMPARE(v.stored(id)[QLatin1String("_sandbox")][QLatin1String("reportFault")].toString(),
                 QStringLiteral("revert"));
        QTest::qWait(delayMs + revertMs);
        QCOMPARE(v.get(id), back); // for good
    }

    void timbalDropGoesOfflineAndLaterUpdateIs422()
    {
        Vendor v(QStringLiteral("timbal"), 60);
        v.handler().configure({{QStringLiteral("timbalUpdateDelayMs"), 0}});
        v.handler().setReportFaults(reportFaults({QStringLiteral("timbal:drop")}));
        const QString id = timbalUpdatable(v).value(0);
        const QJsonObject before = v.get(id);
        QCOMPARE(timbalUpdate(v, id).status(), 202);
        QTest::qWait(50);
        QJsonObject expected = before;
        expected[QStringLiteral("connected")] = false;
        expected[QStringLiteral("online")] = false;
        QCOMPARE(v.get(id), expected); // never reports the target
        const QJsonObject sb = v.stored(id)[QLatin1String("_sandbox")].toObject();
        QCOMPARE(sb[QLatin1String("reachable")].toBool(true), false);
        QCOMPARE(sb[QLatin1String("reportFault")].toString(), QStringLiteral("drop"));
        v.handler().setReportFaults({}); // cleared: the connector stays gone
        const Answer again = timbalUpdate(v, id);
        QCOMPARE(again.status(), 422);
        QCOMPARE(again.object()[QLatin1String("code")].toString(),
                 QStringLiteral("connector_offline"));
    }

    void timbalReportFaultIsDecidedAtTheDispatch()
    {
        Vendor v(QStringLiteral("timbal"), 60);
        v.handler().configure({{QStringLiteral("timbalUpdateDelayMs"), 0}});
        const QStringList ids = timbalUpdatable(v);
        // Updated before the fault is set: it stays updated.
        QCOMPARE(timbalUpdate(v, ids.at(0)).status(), 202);
        v.handler().setReportFaults(reportFaults({QStringLiteral("timbal:stuck")}));
        QCOMPARE(v.get(ids.at(0))[QLatin1String("version")].toString(), QStringLiteral("0.1.5"));
        QVERIFY(!timbalReportFaultsHit(v).contains(ids.at(0)));
        // Dispatched while it is set: stuck even after it is cleared, until dispatched again.
        const QString old = v.get(ids.at(1))[QLatin1String("version")].toString();
        QCOMPARE(timbalUpdate(v, ids.at(1)).status(), 202);
        v.handler().setReportFaults({});
        QTest::qWait(20);
        QCOMPARE(v.get(ids.at(1))[QLatin1String("version")].toString(), old);
        QCOMPARE(timbalUpdate(v, ids.at(1)).status(), 202);
        QCOMPARE(v.get(ids.at(1))[QLatin1String("version")].toString(), QStringLiteral("0.1.5"));
        QVERIFY(timbalReportFaultsHit(v).isEmpty());
    }

    void timbalReportFaultsHittingNobodyChangeNothing()
    {
        Vendor v(QStringLiteral("timbal"), 60);
        Vendor plain(QStringLiteral("timbal"), 60);
        for (Vendor* x : {&v, &plain})
            x->handler().configure({{QStringLiteral("timbalUpdateDelayMs"), -1}});
        v.handler().setReportFaults(
            reportFaults({QStringLiteral("timbal:stuck@0"), QStringLiteral("timbal:revert=5@0")}));
        for (const QString& id : timbalUpdatable(v))
            QCOMPARE(timbalUpdate(v, id).reply.body, timbalUpdate(plain, id).reply.body);
        QCOMPARE(v.stateBytes(), plain.stateBytes());
    }

    // ---- every vendor's own shape for an injected status ----

    void faultReplyIsVendorShaped_data()
    {
        QTest::addColumn<QString>("vendor");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expect");
        QTest::newRow("timbal 402") << QStringLiteral("timbal") << 402
                                    << QStringLiteral("code=\"REQUEST_FAILED\" ; message:string");
        QTest::newRow("timbal 500")
            << QStringLiteral("timbal") << 500 << QStringLiteral("code:string ; message:string");
        QTest::newRow("aisquared 422")
            << QStringLiteral("aisquared") << 422
            << QStringLiteral("errors/0/status=422 ; errors/0/title=\"Error\"");
        QTest::newRow("aisquared 503")
            << QStringLiteral("aisquared") << 503 << QStringLiteral("status=503 ; error:string");
        QTest::newRow("b3os 409")
            << QStringLiteral("b3os") << 409
            << QStringLiteral("success=false ; error/code=\"CONFLICT\" ; requestId:string");
        QTest::newRow("b3os 403") << QStringLiteral("b3os") << 403
                                  << QStringLiteral("code=403 ; message:string ; requestId:string");
        QTest::newRow("databar 500") << QStringLiteral("databar") << 500
                                     << QStringLiteral("detail=\"Internal Server Error\"");
        QTest::newRow("databar 406") << QStringLiteral("databar") << 406
                                     << QStringLiteral("detail=\"Insufficient credits\"");
        QTest::newRow("bigdata 500")
            << QStringLiteral("bigdata") << 500
            << QStringLiteral("statusCode=500 ; errorCode:string ; requestId:string");
        QTest::newRow("bigdata 504 gateway")
            << QStringLiteral("bigdata") << 504
            << QStringLiteral("message=\"Endpoint request timed out\"");
    }
    void faultReplyIsVendorShaped()
    {
        QFETCH(QString, vendor);
        QFETCH(int, status);
        QFETCH(QString, expect);
        Vendor v(vendor);
        const SandboxReply r = v.handler().faultReply(status, std::nullopt, SandboxRequest());
        QCOMPARE(r.status, status);
        QCOMPARE(r.contentType, QByteArray("application/json"));
        const QString e = contract::expectationError(r.body, expect);
        QVERIFY2(e.isEmpty(), qPrintable(e));
        QVERIFY(!r.authorized.has_value()); // the HTTP layer judges the credentials
    }

    // ---- aisquared order, churn, wrapping ----

    void aisquaredChurnBumpsTheLastOfThePage()
    {
        Vendor v(QStringLiteral("aisquared"), 30);
        QVERIFY(v.handler()
                    .configError({{QStringLiteral("aisquaredChurnPerPage"), 2.5}})
                    .contains(QLatin1String("aisquaredChurnPerPage")));
        v.handler().configure({{QStringLiteral("aisquaredChurnPerPage"), 4}});
        const QJsonArray first =
            v.call("GET", listPath(QStringLiteral("aisquared")) + QStringLiteral("?per_page=100"))
                .object()
                .value(QLatin1String("data"))
                .toArray();
        QSet<QString> lastFour;
        for (qsizetype i = first.size() - 4; i < first.size(); ++i)
            lastFour << first.at(i)[QLatin1String("id")].toString();
        v.handler().configure({{QStringLiteral("aisquaredChurnPerPage"), 0}});
        const QJsonArray now =
            v.call("GET", listPath(QStringLiteral("aisquared")) + QStringLiteral("?per_page=4"))
                .object()
                .value(QLatin1String("data"))
                .toArray();
        QSet<QString> front;
        for (const QJsonValue& c : now)
            front << c[QLatin1String("id")].toString();
        QCOMPARE(front, lastFour);
    }

    void aisquaredBodyWithoutConnectorIsWrapped()
    {
        // Rails 7.1 wrap_parameters: {"name": ...} reaches the controller as connector[name].
        Vendor v(QStringLiteral("aisquared"));
        const QString id = Vendor::idOf(v.list().at(5).toObject());
        const Answer a = v.call("PUT", v.item(id),
                                QJsonObject{{QStringLiteral("description"), QStringLiteral("W")},
                                            {QStringLiteral("unknown"), 1}});
        QCOMPARE(a.status(), 200);
        QCOMPARE(v.stored(id).value(QLatin1String("description")).toString(), QStringLiteral("W"));
        QVERIFY(!v.stored(id).contains(QLatin1String("unknown")));
    }

    // ---- databar redirects ----

    void databarRedirectSlashes_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("location");
        QTest::newRow("list without slash")
            << QStringLiteral("v1/connectors?a=b")
            << QStringLiteral("http://127.0.0.1:4321/databar/v1/connectors/?a=b");
        QTest::newRow("item with slash")
            << QStringLiteral("v1/connectors/1003/")
            << QStringLiteral("http://127.0.0.1:4321/databar/v1/connectors/1003");
    }
    void databarRedirectSlashes()
    {
        QFETCH(QString, path);
        QFETCH(QString, location);
        const Answer a = Vendor(QStringLiteral("databar")).call("GET", path, {}, {}, false);
        QCOMPARE(a.status(), 307);
        QVERIFY(a.reply.body.isEmpty());
        QCOMPARE(QString::fromUtf8(a.header("Location")), location);
    }

    // ---- bigdata firewall, gateway, sharepoint ----

    void bigdataFirewallBlocksBeforeAnything()
    {
        Vendor v(QStringLiteral("bigdata"));
        const QJsonObject c = v.first(ofType(QStringLiteral("email")));
        QJsonObject body = unchangedBody(QStringLiteral("bigdata"), c);
        body[QStringLiteral("description")] = QStringLiteral("<ScRiPt>alert(1)</script>");
        const QByteArray before = v.stateBytes();
        const Answer a = v.call("PUT", v.item(Vendor::idOf(c)), body);
        QCOMPARE(a.status(), 403);
        QVERIFY(a.reply.contentType.startsWith("text/html"));
        QVERIFY(a.reply.body.contains("<html") && a.reply.body.contains("Request blocked"));
        QVERIFY(a.reply.body.size() > 200 && a.reply.body.size() < 2000);
        QCOMPARE(v.stateBytes(), before);
        body[QStringLiteral("description")] = QStringLiteral("a <b>bold</b> remark");
        QCOMPARE(v.call("PUT", v.item(Vendor::idOf(c)), body).status(), 200);
    }

    void bigdataSharepointConfigIsFixed()
    {
        Vendor v(QStringLiteral("bigdata"), 60);
        const QJsonObject c = v.first(ofType(QStringLiteral("sharepoint")));
        QVERIFY(!c.isEmpty());
        QCOMPARE(c.value(QLatin1String("config")).toObject(), QJsonObject());
        QJsonObject body = unchangedBody(QStringLiteral("bigdata"), c);
        body[QStringLiteral("config")] = QJsonObject();
        const Answer refused = v.call("PUT", v.item(Vendor::idOf(c)), body);
        QCOMPARE(refused.status(), 400);
        QCOMPARE(refused.object().value(QLatin1String("errorCode")).toString(),
                 QStringLiteral("CONFIG_NOT_UPDATABLE"));
        body[QStringLiteral("config")] = QJsonValue::Null;
        QCOMPARE(v.call("PUT", v.item(Vendor::idOf(c)), body).status(), 200);
    }

    // ---- scale: 100,000 connectors, generated lazily ----

    void lazyAtHundredThousand_data()
    {
        QTest::addColumn<QString>("vendor");
        for (const QString& v : allVendors())
            QTest::newRow(qPrintable(v)) << v;
    }
    void lazyAtHundredThousand()
    {
        QFETCH(QString, vendor);
        constexpr int n = 100000;
        Vendor v(vendor, n);
        if (vendor == QLatin1String("timbal")) {
            const QJsonObject first = v.call("GET", listPath(vendor)).object();
            QCOMPARE(first.value(QLatin1String("connectors")).toArray().size(), 100);
            QVERIFY(first.value(QLatin1String("next_page_token")).isString());
            QCOMPARE(v.call("GET", v.item(QStringLiteral("con_100000"))).status(), 200);
            QCOMPARE(v.call("GET", v.item(QStringLiteral("con_100001"))).status(), 404);
            return;
        }
        if (vendor == QLatin1String("aisquared")) {
            const Answer first =
                v.call("GET", listPath(vendor) + QStringLiteral("?page=1&per_page=100"));
            QCOMPARE(first.object().value(QLatin1String("data")).toArray().size(), 100);
            const QString last =
                first.object().value(QLatin1String("links"))[QLatin1String("last")].toString();
            QCOMPARE(QUrlQuery(QUrl(last).query()).queryItemValue(QStringLiteral("page")),
                     QStringLiteral("1000"));
            QCOMPARE(v.call("GET", v.item(QString::number(n))).status(), 200);
            QCOMPARE(v.call("GET", v.item(QString::number(n + 1))).status(), 404);
            return;
        }
        if (vendor == QLatin1String("b3os")) {
            const Answer last =
                v.call("GET", listPath(vendor) + QStringLiteral("?limit=100&offset=99950"));
            const QJsonObject data = last.object().value(QLatin1String("data")).toObject();
            QCOMPARE(data.value(QLatin1String("total")).toInt(), n);
            QCOMPARE(data.value(QLatin1String("hasMore")).toBool(true), false);
            const QJsonArray items = data.value(QLatin1String("items")).toArray();
            QCOMPARE(items.size(), 50);
            QCOMPARE(v.get(Vendor::idOf(items.last().toObject())), items.last().toObject());
            return;
        }
        const QJsonArray all = v.list();
        QCOMPARE(all.size(), n);
        const QJsonObject last = all.last().toObject();
        QCOMPARE(v.get(Vendor::idOf(last)), last);
    }
};

QTEST_GUILESS_MAIN(TestVendorHandlers)
#include "tst_vendor_handlers.moc"
