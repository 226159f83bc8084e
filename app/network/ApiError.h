#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace ca {

// What went wrong with one operation, in words a person can act on, plus the raw facts for a
// details pane. Credentials are redacted from everything kept here.
struct ApiError
{
    enum class Kind
    {
        None,
        Refused,          // not sent: invalid input, missing profile data, unsafe body
        InsecureUrl,      // not sent: plain http:// to a non-loopback host, or a bad scheme
        Timeout,          // transfer time-out
        ConnectionFailed, // refused, host not found, network unreachable
        ConnectionClosed, // closed or reset before an answer arrived
        Truncated,        // the answer was cut off (Content-Length not reached)
        Tls,              // certificate or handshake problem
        Redirect,         // redirect to another origin or to http refused
        TooLarge,         // response over the size cap
        Malformed,        // not the JSON the vendor documents
        Unauthorized,     // 401
        Forbidden,        // 403
        NotFound,         // 404
        Validation,       // 400 / 422: the server rejected what was sent
        Precondition,     // the connector's state forbids it (Timbal 422, Databar 406)
        Conflict,         // 409: changed by someone else meanwhile; re-read and merge
        RateLimited,      // 429
        Server,           // 5xx
        Http,             // any other non-2xx status
        Canceled,         // aborted by the caller
        Network,          // any other transport error
    };

    // What the person can do about it, beyond "try again", so a window can offer it as a button
    // and the CLI can name it.
    enum class Remedy
    {
        None,
        EditProfile, // the profile's account data is wrong (AI Squared workspace, Timbal org)
        ReplaceKey   // the key was refused after it had worked: it may have expired
    };

    struct FieldError
    {
        QString path;    // JSON pointer into the editable document ("/name", "/headers/0/value")
        QString message; // server's wording
    };

    Kind kind = Kind::None;
    int httpStatus = 0;    // 0 when no HTTP answer arrived
    QString message;       // one sentence: what happened, to which connector
    QString hint;          // what to do next
    QString serverMessage; // the vendor's own words, when it sent any
    QString serverCode;    // the vendor's machine-readable code (Timbal `code`, Bigdata
                           // `errorCode`, B3OS `error.code`), when it sent one
    QString requestId;     // vendor request id (B3OS, Bigdata), for support
    Remedy remedy = Remedy::None;
    bool webPage = false; // the answer was a web page (a firewall, a proxy), not the vendor's
    QList<FieldError> fieldErrors;
    QByteArray method;
    QString url;        // without credentials (none are ever in URLs here)
    QByteArray rawBody; // redacted, capped at 64 KiB

    bool isError() const { return kind != Kind::None; }
    // "message (server: …) — hint [request id …]" for a status line or the CLI.
    QString toString() const;

    static QString kindName(Kind kind); // "timeout", "not-found", ... (stable, for CLI/JSON output)
    // Kind for an HTTP status that is not 2xx.
    static Kind kindForStatus(int status);
};

// A JSON body with its secrets redacted by the key-name rule (SecretRules::byKeyNames(), and
// every header value), and `secret` itself replaced wherever it occurs. Non-JSON bodies only get
// the literal replacement. Capped at 64 KiB.
QByteArray redactBody(const QByteArray& body, const QByteArray& secret);

} // namespace ca

Q_DECLARE_METATYPE(ca::ApiError)
