#include "FaultMatrix.h"

#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QJsonArray>

namespace faultmatrix {

namespace {

Expectation ok(int requests = 1, const QString& text = {})
{
    return {true, text, {}, requests};
}
Expectation error(const QString& text, const QString& tag, int requests)
{
    return {false, text, tag, requests};
}
Expectation resentByQt(Expectation e)
{
    e.maxRequests = 2 * e.requests;
    return e;
}

} // namespace

const QList<FaultRow>& faultRows()
{
    // Times are short so the whole matrix runs in minutes: the programs set a 1 s transfer
    // time-out, so "hang" costs one second per attempt.
    static const QList<FaultRow> rows = {
        {QStringLiteral("latency 300 ms"), QStringLiteral("latency=300"), ok(), ok(),
         ok(1, QStringLiteral("dispatched"))},
        {QStringLiteral("500 once"), QStringLiteral("status=500#1"),
         error(QStringLiteral("HTTP 500"), QStringLiteral("HTTP 500"), 1),
         error(QStringLiteral("HTTP 500"), QStringLiteral("HTTP 500"), 1),
         error(QStringLiteral("HTTP 500"), QStringLiteral("HTTP 500"), 1), false},
        {QStringLiteral("502 twice"), QStringLiteral("status=502#2"), ok(3), ok(3),
         error(QStringLiteral("HTTP 502"), QStringLiteral("HTTP 502"), 1), false},
        {QStringLiteral("503 once"), QStringLiteral("status=503#1"), ok(2), ok(2),
         error(QStringLiteral("HTTP 503"), QStringLiteral("HTTP 503"), 1), false},
        {QStringLiteral("503 always"), QStringLiteral("status=503"),
         error(QStringLiteral("HTTP 503"), QStringLiteral("HTTP 503"), 3),
         error(QStringLiteral("HTTP 503"), QStringLiteral("HTTP 503"), 3),
         error(QStringLiteral("HTTP 503"), QStringLiteral("HTTP 503"), 1), false},
        {QStringLiteral("429 Retry-After 1 once"), QStringLiteral("retry-after=1#1"), ok(2), ok(2),
         error(QStringLiteral("too many requests"), QStringLiteral("429"), 1), false},
        {QStringLiteral("hang once"), QStringLiteral("hang#1"), ok(2), ok(2),
         ok(1, QStringLiteral("answer was lost"))},
        {QStringLiteral("hang always"), QStringLiteral("hang"),
         error(QStringLiteral("timed out"), QStringLiteral("timeout"), 3),
         error(QStringLiteral("timed out"), QStringLiteral("timeout"), 3),
         ok(1, QStringLiteral("answer was lost"))},
        {QStringLiteral("reset once"), QStringLiteral("reset#1"), resentByQt(ok(2)), ok(2),
         ok(1, QStringLiteral("answer was lost"))},
        {QStringLiteral("reset always"), QStringLiteral("reset"),
         resentByQt(error(QStringLiteral("cut off"), QStringLiteral("cut off"), 3)),
         error(QStringLiteral("cut off"), QStringLiteral("cut off"), 3),
         ok(1, QStringLiteral("answer was lost"))},
        // The sandbox's malformed body is a broken proxy's HTML: said in words, never shown.
        {QStringLiteral("malformed JSON"), QStringLiteral("malformed"),
         error(QStringLiteral("a web page instead of JSON"), QStringLiteral("web page"), 1),
         error(QStringLiteral("a web page instead of JSON"), QStringLiteral("web page"), 1),
         ok(1, QStringLiteral("answer was lost"))},
        // A web application firewall's block page (docs.bigdata.com; any vendor may have one).
        {QStringLiteral("firewall page 403"), QStringLiteral("html=403"),
         error(QStringLiteral("a web page instead of JSON (status 403)"),
               QStringLiteral("web page"), 1),
         error(QStringLiteral("a web page instead of JSON (status 403)"),
               QStringLiteral("web page"), 1),
         error(QStringLiteral("a web page instead of JSON (status 403)"),
               QStringLiteral("web page"), 1),
         false},
        {QStringLiteral("truncated"), QStringLiteral("truncated"),
         error(QStringLiteral("cut off"), QStringLiteral("cut off"), 3),
         error(QStringLiteral("cut off"), QStringLiteral("cut off"), 3),
         ok(1, QStringLiteral("answer was lost"))},
        {QStringLiteral("oversized 20 MB"), QStringLiteral("oversized=20000000"),
         error(QStringLiteral("larger than 16 MiB"), QStringLiteral("too large"), 1),
         error(QStringLiteral("larger than 16 MiB"), QStringLiteral("too large"), 1),
         ok(1, QStringLiteral("answer was lost"))},
        {QStringLiteral("slow drip 4 KB/s"), QStringLiteral("drip=4000"), ok(), ok(),
         ok(1, QStringLiteral("dispatched"))},
    };
    return rows;
}

const FaultRow* findRow(const QString& label)
{
    for (const FaultRow& r : faultRows())
        if (r.label == label)
            return &r;
    return nullptr;
}

QStringList allVendors()
{
    return QStringList{QStringLiteral("timbal")} + editableVendors();
}

QStringList editableVendors()
{
    return {QStringLiteral("aisquared"), QStringLiteral("b3os"), QStringLiteral("databar"),
            QStringLiteral("bigdata")};
}

QString listPath(const QString& vendor)
{
    if (vendor == QLatin1String("timbal"))
        return QStringLiteral("/orgs/demo-org/connectors");
    if (vendor == QLatin1String("aisquared"))
        return QStringLiteral("/api/v1/connectors");
    if (vendor == QLatin1String("bigdata"))
        return QStringLiteral("/contents/v1/connectors");
    if (vendor == QLatin1String("databar"))
        return QStringLiteral("/v1/connectors/"); // with the slash (databar-python client.py)
    return QStringLiteral("/v1/connectors");      // b3os
}

bool SandboxControl::reset() const
{
    return TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {});
}

bool SandboxControl::setFault(const QString& spec, const QString& method) const
{
    return TestHttp::postJson(
        m_sandbox.url(QStringLiteral("/_sandbox/faults")),
        {{QStringLiteral("faults"), QJsonArray{QJsonObject{{QStringLiteral("spec"), spec},
                                                           {QStringLiteral("method"), method}}}}});
}

bool SandboxControl::clearFaults() const
{
    return TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                              {{QStringLiteral("faults"), QJsonArray()}});
}

QList<QJsonObject> SandboxControl::requests(const QString& vendor, const QString& method,
                                            const QString& path) const
{
    QList<QJsonObject> out;
    const QJsonArray all = TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                               .value(QLatin1String("requests"))
                               .toArray();
    for (const QJsonValue& v : all) {
        const QJsonObject r = v.toObject();
        if (r.value(QLatin1String("vendor")).toString() == vendor &&
            r.value(QLatin1String("method")).toString() == method &&
            (path.isEmpty() || r.value(QLatin1String("path")).toString() == path))
            out.append(r);
    }
    return out;
}

QJsonObject SandboxControl::stateOf(const QString& vendor, const QString& id) const
{
    const QString idField =
        vendor == QLatin1String("bigdata") ? QStringLiteral("connector_id") : QStringLiteral("id");
    const QJsonArray list =
        TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=") + vendor))
            .value(vendor)
            .toArray();
    for (const QJsonValue& v : list)
        if (v.toObject().value(idField).toVariant().toString() == id)
            return v.toObject();
    return {};
}

int cleanSuccesses(const QList<QJsonObject>& requests)
{
    int n = 0;
    for (const QJsonObject& r : requests) {
        const int status = r.value(QLatin1String("status")).toInt();
        const QString fault = r.value(QLatin1String("fault")).toString();
        const bool delayedOnly =
            fault.contains(QLatin1String(":latency=")) || fault.contains(QLatin1String(":drip="));
        if (status >= 200 && status < 300 && (fault.isEmpty() || delayedOnly))
            ++n;
    }
    return n;
}

QString cellFor(const Expectation& e, qsizetype requestsSeen)
{
    if (e.succeeds) {
        if (e.text == QLatin1String("answer was lost"))
            return QStringLiteral("ok(lost answer, read back)");
        return requestsSeen > 1 ? QStringLiteral("ok(retry, %1 req)").arg(requestsSeen)
                                : QStringLiteral("ok");
    }
    return requestsSeen > 1 ? QStringLiteral("error:%1 (%2 req)").arg(e.tag).arg(requestsSeen)
                            : QStringLiteral("error:%1").arg(e.tag);
}

QString OutcomeMatrix::render(const QString& title, const QStringList& rows,
                              const QStringList& columns, const QString& noteHeader) const
{
    QList<QStringList> table;
    QStringList header{QStringLiteral("fault")};
    header += columns;
    if (!noteHeader.isEmpty())
        header << noteHeader;
    table << header;
    for (const QString& row : rows) {
        QStringList line{row};
        for (const QString& column : columns)
            line << m_cells.value(row).value(column, QStringLiteral("FAIL"));
        if (!noteHeader.isEmpty())
            line << m_notes.value(row, QStringLiteral("-"));
        table << line;
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList& line : table)
        for (qsizetype c = 0; c < line.size(); ++c)
            widths[c] = qMax(widths[c], line.at(c).size());
    QString out = title + QLatin1Char('\n');
    for (const QStringList& line : table) {
        QStringList padded;
        for (qsizetype c = 0; c < line.size(); ++c)
            padded << line.at(c).leftJustified(widths[c]);
        out += padded.join(QStringLiteral(" | ")).trimmed() + QLatin1Char('\n');
    }
    return out;
}

} // namespace faultmatrix
