// One harness per vendor (compiled once per vendor with CA_FUZZ_VENDOR=<Vendor enumerator>):
// what the vendor's service makes of an HTTP answer it did not expect. Input layout:
//   byte 0  which parser: 0 list page, 1 single connector (get/put answer), 2 Retry-After value,
//           Timbal only: 3 software-update answer to an explicit version, 4 to latest (taken
//           modulo the count)
//   byte 1  HTTP status, an index into kStatuses (non-2xx statuses parse the error body)
//   byte 2  list cursor (0: first page)
//   rest    the response body (or the Retry-After header value)
#include "FuzzSupport.h"

#include "ConnectorService.h"
#include "HttpClient.h"
#include "JsonPeek.h"
#include "TimbalService.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

using namespace ca;
using ca::fuzz::check;

namespace {

constexpr Vendor kVendor = Vendor::CA_FUZZ_VENDOR;
const QByteArray kApiKey = QByteArrayLiteral("fuzz-key-7Q2x");
constexpr int kStatuses[] = {200, 200, 200, 201, 202, 204, 400, 401,
                             403, 404, 406, 409, 422, 429, 500, 503};

ConnectorService* service()
{
    static ConnectorService* s = [] {
        ConnectorProfile profile;
        profile.name = QStringLiteral("fuzz");
        profile.vendor = kVendor;
        profile.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/") + vendorId(kVendor));
        profile.orgId = QStringLiteral("org_fuzz");
        profile.workspaceId = QStringLiteral("ws_fuzz");
        profile.apiKey = kApiKey;
        // Both live for the whole process (reachable through this static).
        return createConnectorService(profile, new HttpClient);
    }();
    return s;
}

// The API key must not get into anything an error shows or keeps (ApiError's promise).
void checkNoKey(const ApiError& e)
{
    const QString key = QString::fromLatin1(kApiKey);
    check(!e.message.contains(key), "API key in ApiError::message");
    check(!e.hint.contains(key), "API key in ApiError::hint");
    check(!e.serverMessage.contains(key), "API key in ApiError::serverMessage");
    check(!e.requestId.contains(key), "API key in ApiError::requestId");
    check(!e.rawBody.contains(kApiKey), "API key in ApiError::rawBody");
    for (const ApiError::FieldError& f : e.fieldErrors)
        check(!f.message.contains(key) && !f.path.contains(key), "API key in a field error");
    check(!e.toString().contains(key), "API key in ApiError::toString()");
}

void checkError(const HttpResponse& response, const ApiError& e)
{
    checkNoKey(e);
    if (!response.isSuccess()) {
        check(e.isError(), "a non-2xx answer parsed without an error");
        check(e.httpStatus == response.status, "error lost the HTTP status");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    fuzz::ensureApplication();
    fuzz::InputReader in(data, size);
    const int operations = kVendor == Vendor::Timbal ? 5 : 3;
    const int operation = in.byte() % operations;
    HttpResponse response;
    response.status = kStatuses[in.byte() % std::size(kStatuses)];
    const uint8_t cursorByte = in.byte();
    const QVariant cursor = cursorByte == 0
                                ? QVariant()
                                : (kVendor == Vendor::Timbal ? QVariant(QString::number(cursorByte))
                                                             : QVariant(int(cursorByte)));
    response.body = in.rest();
    response.attempts = 1;
    response.headers = {{QByteArrayLiteral("X-Request-Id"), QByteArrayLiteral("req-fuzz")}};

    switch (operation) {
    case 0: {
        ApiError error;
        const QList<Connector> connectors = service()->parseListAnswer(response, cursor, &error);
        checkError(response, error);
        for (const Connector& c : connectors)
            check(c.vendor == kVendor, "a listed connector of another vendor");
        // The early next-page request relies on the peek agreeing with the full parse.
        if (const auto peeked = peekTopLevelString(response.body, "next_cursor")) {
            const QJsonDocument doc = QJsonDocument::fromJson(response.body);
            if (doc.isObject()) {
                const QJsonValue v = doc.object().value(QLatin1String("next_cursor"));
                check(v.isString() && v.toString() == *peeked,
                      "peekTopLevelString disagrees with QJsonDocument");
            }
        }
        break;
    }
    case 1: {
        const ConnectorResult result =
            service()->parseConnectorAnswer(response, QStringLiteral("c1"));
        checkError(response, result.error);
        if (result.ok()) {
            check(result.connector.vendor == kVendor, "a connector of another vendor");
            service()->secretPaths(result.connector.editable);
        }
        break;
    }
    case 2: {
        const QDateTime now(QDate(2026, 1, 2), QTime(3, 4, 5), QTimeZone::utc());
        const std::optional<qint64> ms = HttpClient::parseRetryAfterMs(response.body, now);
        check(!ms || *ms >= 0, "negative Retry-After wait");
        break;
    }
    case 3: {
        // Timbal has no release list (verified): an explicit version's answer instead.
        const auto* timbal = static_cast<const TimbalService*>(service());
        const SoftwareUpdateResult r = timbal->parseSoftwareUpdateAnswer(
            response, QStringLiteral("con_1"), QStringLiteral("0.1.3"));
        checkError(response, r.error);
        break;
    }
    case 4: {
        const auto* timbal = static_cast<const TimbalService*>(service());
        const SoftwareUpdateResult r =
            timbal->parseSoftwareUpdateAnswer(response, QStringLiteral("con_1"), QString());
        checkError(response, r.error);
        break;
    }
    }
    return 0;
}
