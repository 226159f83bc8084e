#pragma once

#include "VendorHandler.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

// What the vendor handlers share: a lazily seeded record store and the handler frame around it,
// request ids, a reversible id scramble (so an id leads back to its index without a lookup
// table), body parsing, error-code spelling and small credential helpers. Vendor rules (which
// status gets which code, which field is secret) never live here.
namespace sandbox::support {

// Connectors 1..count: record i is generated on demand from (seed, vendor, i); only records a
// write really changed are kept. Records are QJsonObjects in their stored form, so state() is
// deterministic (QJsonObject serialises keys sorted).
class SeededStore
{
public:
    using Generator = std::function<QJsonObject(int index)>;

    void reset(int count, Generator generate);
    int count() const { return m_count; }
    bool contains(int index) const { return index >= 1 && index <= m_count; }
    QJsonObject record(int index) const;
    bool isEdited(int index) const { return m_edited.contains(index); }
    const QJsonObject* edited(int index) const;
    // Stores `updated` unless it equals the current record; returns whether anything changed.
    bool store(int index, const QJsonObject& updated);
    // A write: when `updated` differs from the current record it is stored with `stamp`'s
    // members (who changed it and when) set; a write that changes nothing changes no stamp
    // either. Returns the record now stored.
    QJsonObject write(int index, QJsonObject updated, const QJsonObject& stamp);
    QJsonArray all() const;

private:
    int m_count = 0;
    Generator m_generate;
    QHash<int, QJsonObject> m_edited;
};

// The frame of the handlers whose connectors are a SeededStore: the options they were reset
// with, the store seeded with generate(), the key of their id scramble, and the draws of their
// seed data. A subclass that resets more state overrides reset() and calls this one first.
class SeededHandler : public VendorHandler
{
public:
    QString vendorId() const override;
    void reset(const SandboxOptions& options) override;
    // The stored records, generated ones included.
    QJsonArray state() const override { return m_store.all(); }

protected:
    // `idSalt` tells this vendor's id scramble key apart from the other seed draws.
    explicit SeededHandler(const char* vendor, int idSalt = 0) : m_vendor(vendor), m_idSalt(idSalt)
    {}

    // Connector `index` as the seed makes it, in its stored form.
    virtual QJsonObject generate(int index) const = 0;

    // The seed draw `field` of connector `index`, and one of n values from it.
    quint64 draw(int index, int field) const;
    int pick(int index, int field, int n) const;

    const char* const m_vendor;
    SandboxOptions m_options;
    SeededStore m_store;
    quint64 m_idKey = 0; // scramble key of the vendor's ids, drawn from the seed at reset

private:
    const int m_idSalt;
};

// Request ids that differ on every answer, across /_sandbox/reset and across sandbox runs.
class RequestIds
{
public:
    RequestIds();
    // 64 fresh-looking bits per call.
    quint64 next();

private:
    const quint64 m_nonce;
    quint64 m_count = 0; // never reset: ids stay unique across /_sandbox/reset
};

// A bijection on `bits`-bit numbers (bits even, <= 64) keyed by `key`: ids look random, yet
// decode to their index.
quint64 scramble(quint64 value, int bits, quint64 key);
quint64 unscramble(quint64 value, int bits, quint64 key);

// The low `digits` hex digits of `value`, lower-case, zero padded.
QString hex(quint64 value, int digits);

// The credential of "Authorization: Bearer <token>" (empty when absent or another scheme).
QByteArray bearerToken(const SandboxRequest& request);

// The request body parsed as JSON; nullopt when it is not JSON at all.
std::optional<QJsonValue> parseBody(const QByteArray& body);

// The current UTC time as the seed data formats timestamps.
QString nowIso();

// Query parameter as an integer: `fallback` when absent, nullopt when present but not an integer.
std::optional<int> queryInt(const SandboxRequest& request, const QString& name, int fallback);

// A reply with its credential verdict set (shown as "authorized" in the request log).
SandboxReply withAuth(SandboxReply reply, bool authorized);

// A 405 reply with the Allow header naming the path's methods.
SandboxReply withAllow(SandboxReply reply, bool itemPath);

// "http://<Host header>" (the sandbox's own origin as the client addressed it), for absolute
// links and redirects; "http://127.0.0.1" when the request has no Host header.
QString origin(const SandboxRequest& request);

// Whether the request says its body is JSON (Content-Type application/json or +json).
bool hasJsonContentType(const SandboxRequest& request);

// A web-firewall / gateway error page: `status` as text/html, a few hundred bytes with <html>, a
// <title>, "Request blocked" and `reference` (what such pages print for support). The `html=CODE`
// fault and bigdata's web application firewall send it.
SandboxReply htmlErrorPage(int status, const QString& reference);

// The reason phrase of an HTTP status ("Not Found"), "Status N" for unusual ones.
QString reasonPhrase(int status);

// An error code as several vendors spell one: `own`'s word for the status if it has one, else
// the reason phrase in upper snake case ("NOT_FOUND") for a status in `named`, else "HTTP_<N>".
QString errorCode(int status, const QList<int>& named, const QHash<int, QString>& own = {});

} // namespace sandbox::support
