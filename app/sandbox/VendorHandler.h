#pragma once

#include "FaultPlan.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

#include <optional>

// The sandbox is an independent implementation of the five vendor APIs, written from their
// published docs (shared/vendor-apis). It must not include or link any client code (app/network).
namespace sandbox {

// A request as a vendor handler sees it: copied out of the HTTP layer, path below the vendor
// prefix.
struct SandboxRequest
{
    QByteArray method;                     // "GET", "PUT", "POST", ...
    QStringList segments;                  // percent-decoded path segments below "/<vendor>"
    QUrlQuery query;                       // query string (decoded with QUrl::FullyDecoded)
    QHash<QByteArray, QByteArray> headers; // header names lower-cased
    QByteArray body;

    QByteArray header(const QByteArray& lowerName) const { return headers.value(lowerName); }
};

struct SandboxReply
{
    int status = 200;
    QByteArray body;                              // usually compact JSON
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers (Content-Type is added for JSON)
    QByteArray contentType = "application/json";
    // Whether the handler accepted the request's credentials (shown as "authorized" in
    // /_sandbox/requests). Unset: the HTTP layer decides by comparing the vendor's credential
    // header with the configured keys.
    std::optional<bool> authorized;

    static SandboxReply json(int status, const QJsonValue& value);
    static SandboxReply empty(int status);
};

// Options every handler is seeded with (from the command line, re-applied by /_sandbox/reset).
struct SandboxOptions
{
    QByteArray key = "demo-key"; // the one valid API key, all vendors
    QByteArray readOnlyKey =
        "demo-readonly-key"; // authenticates, but may not write (403 on writes)
    int connectors = 25;     // connectors per vendor
    quint32 seed = 1;
    int timbalUpdateDelayMs = 2000; // 202 -> reported version changes after this; <0 = never
};

class VendorHandler
{
public:
    virtual ~VendorHandler() = default;
    virtual QString vendorId() const = 0;                  // path prefix: "timbal", ...
    virtual void reset(const SandboxOptions& options) = 0; // (re)seed all state deterministically
    virtual SandboxReply handle(const SandboxRequest& request) = 0;
    // Every connector as stored (true values, secrets unmasked), deterministic order and bytes.
    virtual QJsonArray state() const = 0;
    // Runtime settings from POST /_sandbox/config (keys a handler does not know are ignored).
    virtual void configure(const QJsonObject& settings) { Q_UNUSED(settings); }
    // Why `settings` cannot be applied (a known key with a bad value), or empty. Asked of every
    // handler before any of them is configured, so that a bad knob changes nothing.
    virtual QString configError(const QJsonObject& settings) const
    {
        Q_UNUSED(settings);
        return {};
    }
    // The request body as /_sandbox/requests keeps it: a handler whose request bodies carry
    // secrets returns them redacted (RequestLog::redact); the default keeps the body as sent.
    virtual QByteArray loggedBody(const SandboxRequest& request) const { return request.body; }
    // The vendor's own error answer for `status`, as a `status=CODE` fault sends it (the handler
    // did not run). retryAfterSeconds is set for a `retry-after=S` fault (status 429); the HTTP
    // layer adds `Retry-After: S` unless the reply already carries it.
    virtual SandboxReply faultReply(int status, std::optional<qint64> retryAfterSeconds,
                                    const SandboxRequest& request) = 0;
    // The active report-side faults aimed at this vendor (stuck, revert, drop; in the order
    // given), handed over whenever the fault set is set or cleared, reset included. They bend
    // what a connector reports after an update, never an answer; a handler that models no
    // reports ignores them.
    virtual void setReportFaults(const QList<FaultSpec>& faults) { Q_UNUSED(faults); }
};

} // namespace sandbox
