#pragma once

#include <optional>

#include "ApiError.h"
#include "Connector.h"
#include "ConnectorDiff.h"
#include "HttpClient.h"
#include "Profile.h"
#include "Secrets.h"
#include "ServiceJobs.h"

#include <QFuture>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QObject>
#include <QVariant>
#include <functional>
#include <memory>

namespace ca {

class HttpJob;

// What every vendor offers, so the GUI and CLI can treat the five alike. Each vendor's subclass
// is the only place that knows that vendor: URLs, auth headers, paging, JSON mapping, update-body
// rules and error wording. Jobs returned here start on the next event-loop turn (connect first),
// emit `finished` once and delete themselves; they are children of the service.
class ConnectorService : public QObject
{
    Q_OBJECT
public:
    ConnectorService(ConnectorProfile profile, HttpClient* http, QObject* parent = nullptr);
    ~ConnectorService() override;

    Vendor vendor() const { return m_profile.vendor; }
    const ConnectorProfile& profile() const { return m_profile; }

    // Page size used when walking pages (vendors without paging ignore it).
    int pageSize() const { return m_pageSize; }
    void setPageSize(int size);

    // Per-service request limits (time-out, size cap, retries); defaults: the client's.
    HttpOptions httpOptions() const { return m_options; }
    void setHttpOptions(const HttpOptions& options) { m_options = options; }

    ConnectorListJob* list(); // walks every page
    ConnectorJob* get(const QString& id);
    // Sends buildUpdateBody(base, editedDocument). `base` must be a fresh get() of the connector
    // (Bigdata resends its unedited fields from it). Refusals end the job without sending.
    // `retryWrites` false: the PUT goes out once, whatever happens to it
    // (HttpOptions::retryWrites). `builtBody`: what buildUpdateBody(base, editedDocument)
    // returned to a caller that built it already (ApplyOperation compares it with the reviewed
    // one), so it is not built twice.
    ConnectorUpdateJob* update(const Connector& base, const QJsonObject& editedDocument,
                               bool retryWrites = true,
                               const std::optional<QJsonObject>& builtBody = std::nullopt);

    // The body update() would send, built by the vendor's rules (never by echoing a GET), so a
    // review dialog can show exactly that. Empty object + *refusal set when it must not be sent.
    virtual QJsonObject buildUpdateBody(const Connector& base, const QJsonObject& editedDocument,
                                        QString* refusal) const = 0;
    // Secret paths of one editable document (recompute after the user edits lists).
    virtual QStringList secretPaths(const QJsonObject& editableDocument) const;
    // Which values of `document` are secret: the vendor's rules (vendorSecretRules()), the
    // document's own secret paths, `known` (Connector::secretPaths of the connector it came from),
    // and the strings found at them, so a secret is also masked where it is quoted elsewhere.
    SecretRules secretRules(const QJsonObject& document, const QStringList& known = {}) const;
    // How an edit of `base` into `edited` is compared and masked: the vendor's array keys and the
    // secret rules of both documents.
    DiffOptions diffOptions(const Connector& base, const QJsonObject& edited) const;
    // Empty when `id` is acceptable for this vendor, else why not (checked before sending).
    virtual QString idRefusal(const QString& id) const;
    // Empty when the profile has what this vendor needs (org id, workspace id, key).
    virtual QString profileRefusal() const;

    // What the vendor's PUT does to stored fields that `body` leaves out (PUT semantics reset
    // them), for the review. Empty for vendors whose update only touches the fields it is given.
    struct OmissionEffect
    {
        QString path;       // JSON pointer in the editable document
        QJsonValue current; // as stored now (may be a secret: mask before showing)
        QJsonValue after;   // what the server will store instead
    };
    virtual QList<OmissionEffect> omissionEffects(const Connector& base,
                                                  const QJsonObject& body) const;
    // Fields the server computes itself and that will change on an update, in words.
    virtual QStringList serverComputedNotes() const;

    // The connector's URL: base + path, the id percent-encoded as one path segment.
    QUrl connectorUrl(const QString& id) const;

    // "Databar (prod)": used at the start of error messages.
    QString label() const;

    // The parsing list() and get() apply to an answer (any status, error bodies included),
    // without sending anything: tests/fuzz feeds these arbitrary bytes. `cursor` as for a page.
    QList<Connector> parseListAnswer(const HttpResponse& response, const QVariant& cursor,
                                     ApiError* error) const;
    ConnectorResult parseConnectorAnswer(const HttpResponse& response, const QString& id) const;

protected:
    struct Page
    {
        QList<QJsonObject> items;
        QVariant next; // invalid: last page
        int expectedTotal = -1;
        QString shapeError; // non-empty: not the documented shape
        QVariant walkShape; // what the page says about the whole list (see listOrderMayShift)
    };
    enum class Operation
    {
        List,
        Get,
        Update,
        SoftwareUpdate
    };
    struct OperationContext
    {
        Operation operation = Operation::Get;
        QString id;
        QString version; // Timbal software update target, if any
    };

    // --- vendor knowledge ---
    virtual QString collectionPath() const = 0; // "/v1/connectors", unencoded parts encoded
    // The default, "Authorization: Bearer <key>", is what most vendors take.
    virtual RawHeaders authHeaders() const;
    // Invalid cursor: first page. The default is for unpaged lists: the collection itself.
    virtual QUrl pageUrl(const QVariant& cursor) const;
    virtual Page parsePage(const QJsonDocument& doc, const QVariant& cursor) const = 0;
    // True when the list's order can change while it is walked page by page (ordered by last
    // change): list() then delivers each connector once and walks a second time when the first
    // walk met a connector twice or the list's shape (Page::walkShape) changed.
    virtual bool listOrderMayShift() const { return false; }
    // The next page's cursor read from a 2xx list answer without parsing it, for vendors whose
    // cursor is in the body: the next request then goes out while this page is parsed. nullopt:
    // not known this way (the page is parsed first). Must agree with parsePage()'s `next`; when
    // it does not, the early request is dropped and the right one sent.
    virtual std::optional<QVariant> peekNextCursor(const QByteArray& body) const
    {
        Q_UNUSED(body);
        return std::nullopt;
    }
    // The connector object inside a get/put answer (AI Squared/B3OS wrap it in "data").
    virtual QJsonObject unwrapConnector(const QJsonDocument& doc, QString* shapeError) const;
    // The vendor's fields mapped onto a Connector; vendor and profile name are the base's to set
    // (see connectorFrom).
    virtual Connector toConnector(const QJsonObject& vendorJson) const = 0;
    // For comparing what was sent with what came back, in the shape of the sent document.
    virtual QJsonObject sentDocument(const QJsonObject& body) const { return body; }
    virtual QJsonObject answerInSentShape(const QJsonObject& vendorJson) const
    {
        return vendorJson;
    }
    virtual bool ignoreDifference(const QString& path, const QJsonValue& received) const;
    // The rules secretRules() starts from for `document`: the vendor's (vendorSecretRules()), or
    // what the vendor itself declares for that document's kind (AI Squared's definitions).
    virtual SecretRules baseSecretRules(const QJsonObject& document) const;
    // Fills serverMessage, requestId and fieldErrors from an error body.
    virtual void readErrorBody(const QJsonDocument& doc, const HttpResponse& response,
                               ApiError* error) const = 0;
    // Vendor wording for a status; the default covers 400/401/403/404/429/5xx.
    virtual void describeHttpError(const OperationContext& context, ApiError* error) const;

    // --- plumbing for subclasses ---
    const QLoggingCategory& logCategory() const; // the vendor's, from NetworkLog
    // How a list entry that is not a JSON object is taken (see arrayPage).
    enum class NonObjectEntry
    {
        ReadAsEmpty, // mapped like {}
        ShapeError   // the page is not the documented shape
    };
    // A page holding the entries of `items`, or only `shapeError` when `items` is not an array.
    static Page arrayPage(const QJsonValue& items, const QString& shapeError,
                          NonObjectEntry nonObject);
    // The object under `key` of a get/put answer ({"data": {...}}), or *shapeError set.
    static QJsonObject objectUnder(const QJsonDocument& doc, const QString& key,
                                   QString* shapeError);
    HttpJob* send(const QByteArray& method, const QUrl& url,
                  const QJsonValue& body = QJsonValue::Undefined,
                  const std::optional<HttpOptions>& options = std::nullopt);
    QUrl urlFor(const QString& encodedPath, const QString& encodedQuery = {}) const;
    static QString segment(const QString& raw); // one percent-encoded path segment
    // For vendors whose ids are integers: why `id` is not one, or empty.
    QString integerIdRefusal(const QString& id) const;
    ApiError httpError(const HttpResponse& response, const OperationContext& context) const;
    ApiError transportError(const HttpResponse& response, const OperationContext& context) const;
    ApiError refusedError(const QString& why, const OperationContext& context) const;
    ApiError malformedError(const QString& why, const HttpResponse& response,
                            const OperationContext& context) const;
    QString operationText(const OperationContext& context) const;
    // Whether this profile's key got a 2xx answer earlier in this process: a 401 then means the
    // key expired or was revoked, not that it was mistyped.
    bool keyWorkedBefore() const;
    // A web page (a firewall's block page, a proxy's error page) where JSON was expected, and
    // the error it makes, whatever its status.
    static bool isWebPage(const HttpResponse& response);
    ApiError webPageError(const HttpResponse& response, const OperationContext& context) const;
    // A 2xx JSON answer: true with *doc set. Otherwise false with *error set: the transport
    // failure, the HTTP error status, or malformed JSON.
    bool readJsonAnswer(const HttpResponse& response, const OperationContext& context,
                        QJsonDocument* doc, ApiError* error) const;
    // Runs fn on the next event-loop turn (a refusal must wait until the caller has connected).
    static void runLater(QObject* context, std::function<void()> fn);

private:
    HttpJob* fetchPage(ConnectorListJob* job, const QVariant& cursor);
    // One list answer, parsed and mapped. Pure (const, no member state written), so a large
    // answer can be handled on a worker thread while the window keeps painting.
    struct ParsedPage
    {
        QList<Connector> connectors;
        QVariant next;
        int expectedTotal = -1;
        QVariant walkShape;
        ApiError error;
    };
    ParsedPage parseListResponse(const HttpResponse& response, const QVariant& cursor) const;
    // `early`: the next page's request already sent for `earlyCursor` (see peekNextCursor).
    void deliverPage(ConnectorListJob* job, const ParsedPage& page, HttpJob* early = nullptr,
                     const QVariant& earlyCursor = {});
    QList<QFuture<void>> m_parsing; // worker parses still reading this service

    void noteKeyWorked() const;
    // toConnector() with the vendor and profile name set.
    Connector connectorFrom(const QJsonObject& vendorJson) const;

    ConnectorProfile m_profile;
    QByteArray m_keyFingerprint; // SHA-256 of base URL + key, in memory only
    HttpClient* m_http;
    HttpOptions m_options;
    int m_pageSize = 100;
};

// The network layer's view of a stored profile: the profile plus its key, in memory only.
ConnectorProfile toConnectorProfile(const Profile& profile, const QByteArray& key);

// One service for a profile, by its vendor (owned by `parent`, or by the caller when null).
ConnectorService* createConnectorService(const ConnectorProfile& profile, HttpClient* http,
                                         QObject* parent = nullptr);

// A vendor's secret rules without a service: the key-name rule and the fields its service
// declares secret (DatabarService::secretFields(), …).
SecretRules vendorSecretRules(Vendor vendor);
// diffOptionsFor(vendor) with vendorSecretRules(vendor).
DiffOptions vendorDiffOptions(Vendor vendor);

} // namespace ca
