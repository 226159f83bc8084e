#include "ConnectorService.h"

#include "AiSquaredService.h"
#include "B3osService.h"
#include "BigdataService.h"
#include "DatabarService.h"
#include "HttpJob.h"
#include "NetworkLog.h"
#include "ProcessWideSet.h"
#include "Secrets.h"

#include "TimbalService.h"
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimer>

namespace ca {

namespace {

// Fingerprints of (base URL, key) that got a 2xx answer in this process, in memory only.
ProcessWideSet<QByteArray>& workedKeys()
{
    static ProcessWideSet<QByteArray> s;
    return s;
}

// The <title> of a web page as plain text (at most 120 characters), or empty.
QString webPageTitle(const QByteArray& body)
{
    static const QRegularExpression title(QStringLiteral("<title[^>]*>([^<]{1,400})</title>"),
                                          QRegularExpression::CaseInsensitiveOption);
    const QString text = QString::fromUtf8(body.left(16 * 1024));
    const QString found = title.match(text).captured(1).simplified();
    return found.left(120);
}

constexpr qsizetype kWebPageDetailBytes = 2048;

} // namespace

ConnectorService::ConnectorService(ConnectorProfile profile, HttpClient* http, QObject* parent)
    : QObject(parent), m_profile(std::move(profile)), m_http(http), m_options(http->options())
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(m_profile.effectiveBaseUrl().toEncoded());
    h.addData(QByteArrayView("\n"));
    h.addData(m_profile.apiKey);
    m_keyFingerprint = h.result();
}

bool ConnectorService::keyWorkedBefore() const
{
    return workedKeys().contains(m_keyFingerprint);
}

void ConnectorService::noteKeyWorked() const
{
    workedKeys().insert(m_keyFingerprint);
}

bool ConnectorService::isWebPage(const HttpResponse& response)
{
    const QByteArray type = response.header("Content-Type").toLower();
    if (type.startsWith("text/html") || type.startsWith("application/xhtml"))
        return true;
    const QByteArray start = response.body.left(256).trimmed().toLower();
    return start.startsWith("<!doctype html") || start.startsWith("<html");
}

ConnectorService::~ConnectorService()
{
    // A worker may still be mapping a page with this service's (const) rules: let it finish.
    for (QFuture<void>& f : m_parsing)
        f.waitForFinished();
}

void ConnectorService::setPageSize(int size)
{
    m_pageSize = qMax(1, size);
}

QString ConnectorService::label() const
{
    const QString vendorName = vendorDisplayName(m_profile.vendor);
    return m_profile.name.isEmpty() ? vendorName
                                    : QStringLiteral("%1 (%2)").arg(vendorName, m_profile.name);
}

QStringList ConnectorService::secretPaths(const QJsonObject& editableDocument) const
{
    Q_UNUSED(editableDocument);
    return {};
}

QString ConnectorService::idRefusal(const QString& id) const
{
    if (id.isEmpty())
        return tr("the connector id is empty");
    // "." and ".." would be read as path navigation even when encoded by some servers.
    if (id == QLatin1String(".") || id == QLatin1String(".."))
        return tr("'%1' is not a connector id").arg(id);
    if (id.size() > 512)
        return tr("the connector id is longer than 512 characters");
    return {};
}

QString ConnectorService::integerIdRefusal(const QString& id) const
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,18}$"));
    if (digits.match(id).hasMatch())
        return {};
    return tr("%1 connector ids are integers, '%2' is not").arg(vendorDisplayName(vendor()), id);
}

QString ConnectorService::profileRefusal() const
{
    if (m_profile.apiKey.isEmpty())
        return tr("profile '%1' has no API key").arg(m_profile.name);
    return {};
}

QString ConnectorService::segment(const QString& raw)
{
    // Everything but unreserved characters is encoded: "/", "?", "#", "%" and spaces stay inside.
    return QString::fromLatin1(QUrl::toPercentEncoding(raw));
}

QUrl ConnectorService::urlFor(const QString& encodedPath, const QString& encodedQuery) const
{
    QUrl base = m_profile.effectiveBaseUrl();
    QString basePath = base.path(QUrl::FullyEncoded);
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    base.setQuery(QString());
    base.setFragment(QString());
    base.setPath(basePath + encodedPath, QUrl::StrictMode);
    if (!encodedQuery.isEmpty())
        base.setQuery(encodedQuery, QUrl::StrictMode);
    return base;
}

QUrl ConnectorService::connectorUrl(const QString& id) const
{
    return urlFor(collectionPath() + QLatin1Char('/') + segment(id));
}

const QLoggingCategory& ConnectorService::logCategory() const
{
    return lcService(vendor());
}

RawHeaders ConnectorService::authHeaders() const
{
    return {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + m_profile.apiKey}};
}

QUrl ConnectorService::pageUrl(const QVariant& cursor) const
{
    Q_UNUSED(cursor);
    return urlFor(collectionPath());
}

ConnectorService::Page ConnectorService::arrayPage(const QJsonValue& items,
                                                   const QString& shapeError,
                                                   NonObjectEntry nonObject)
{
    Page page;
    if (!items.isArray()) {
        page.shapeError = shapeError;
        return page;
    }
    for (const QJsonValue& v : items.toArray()) {
        if (!v.isObject() && nonObject == NonObjectEntry::ShapeError) {
            page.items.clear();
            page.shapeError = tr("a list entry is not an object");
            return page;
        }
        page.items.append(v.toObject());
    }
    return page;
}

QJsonObject ConnectorService::objectUnder(const QJsonDocument& doc, const QString& key,
                                          QString* shapeError)
{
    const QJsonValue value = doc.object().value(key);
    if (!value.isObject()) {
        *shapeError = tr("expected {\"%1\": {...}}").arg(key);
        return {};
    }
    return value.toObject();
}

Connector ConnectorService::connectorFrom(const QJsonObject& vendorJson) const
{
    Connector c = toConnector(vendorJson);
    c.vendor = vendor();
    c.profileName = m_profile.name;
    return c;
}

QJsonObject ConnectorService::unwrapConnector(const QJsonDocument& doc, QString* shapeError) const
{
    if (!doc.isObject()) {
        *shapeError = tr("expected a JSON object");
        return {};
    }
    return doc.object();
}

bool ConnectorService::ignoreDifference(const QString& path, const QJsonValue& received) const
{
    Q_UNUSED(path);
    Q_UNUSED(received);
    return false;
}

void ConnectorService::runLater(QObject* context, std::function<void()> fn)
{
    QTimer::singleShot(0, context, std::move(fn));
}

HttpJob* ConnectorService::send(const QByteArray& method, const QUrl& url, const QJsonValue& body,
                                const std::optional<HttpOptions>& options)
{
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers = authHeaders();
    request.headers.append({QByteArrayLiteral("User-Agent"), QByteArrayLiteral("ConnectorAdmin")});
    if (body.isObject())
        request.body = QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
    else if (body.isArray())
        request.body = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
    qCDebug(logCategory()).noquote() << method << url.toDisplayString();
    return m_http->send(request, options.value_or(m_options));
}

QString ConnectorService::operationText(const OperationContext& context) const
{
    switch (context.operation) {
    case Operation::List:
        return tr("listing connectors");
    case Operation::Get:
        return tr("reading connector %1").arg(context.id);
    case Operation::Update:
        return tr("updating connector %1").arg(context.id);
    case Operation::SoftwareUpdate:
        return context.version.isEmpty()
                   ? tr("updating connector %1 to the latest release").arg(context.id)
                   : tr("updating connector %1 to %2").arg(context.id, context.version);
    }
    return {};
}

ApiError ConnectorService::refusedError(const QString& why, const OperationContext& context) const
{
    ApiError e;
    e.kind = ApiError::Kind::Refused;
    e.message = tr("%1, %2: not sent: %3").arg(label(), operationText(context), why);
    e.hint = tr("Nothing was sent. Correct this and try again.");
    return e;
}

ApiError ConnectorService::transportError(const HttpResponse& response,
                                          const OperationContext& context) const
{
    ApiError e = response.error;
    e.message = QStringLiteral("%1, %2: %3").arg(label(), operationText(context), e.message);
    if (response.attempts > 1)
        e.message += QStringLiteral(" (%1 attempts)").arg(response.attempts);
    e.rawBody = redactBody(response.body, m_profile.apiKey);
    return e;
}

ApiError ConnectorService::malformedError(const QString& why, const HttpResponse& response,
                                          const OperationContext& context) const
{
    ApiError e;
    e.kind = ApiError::Kind::Malformed;
    e.httpStatus = response.status;
    if (isWebPage(response))
        return webPageError(response, context);
    e.message = tr("%1, %2: the answer is not what the vendor documents (%3)")
                    .arg(label(), operationText(context), why);
    e.hint = tr("Try again; if it persists, the base URL may not point at the vendor's API.");
    e.rawBody = redactBody(response.body, m_profile.apiKey);
    return e;
}

ApiError ConnectorService::webPageError(const HttpResponse& response,
                                        const OperationContext& context) const
{
    // A web application firewall, a gateway, a proxy or a web site answered, not the vendor's
    // API: its HTML never reaches a dialog, only its first bytes the details pane.
    ApiError e;
    e.httpStatus = response.status;
    e.kind =
        response.isSuccess() ? ApiError::Kind::Malformed : ApiError::kindForStatus(response.status);
    e.webPage = true;
    e.message = tr("%1, %2: the server answered with a web page instead of JSON "
                   "(status %3)")
                    .arg(label(), operationText(context))
                    .arg(response.status);
    e.serverMessage = webPageTitle(response.body);
    if (m_profile.apiKey.size() >= 4)
        e.serverMessage.replace(QString::fromUtf8(m_profile.apiKey), SecretMarker::redacted);
    e.rawBody = redactBody(response.body.left(kWebPageDetailBytes), m_profile.apiKey);
    if (response.isSuccess())
        e.hint = tr("The base URL may point at a web site or a proxy's login page "
                    "rather than the vendor's API.");
    else if (response.status == 403)
        e.hint = tr("A firewall in front of the vendor may have blocked the request "
                    "(for example text that looks like a script); change that value, "
                    "or ask the vendor's support.");
    else
        e.hint = tr("A proxy or gateway answered instead of the vendor's API; try "
                    "again later, and check the base URL.");
    return e;
}

bool ConnectorService::readJsonAnswer(const HttpResponse& response, const OperationContext& context,
                                      QJsonDocument* doc, ApiError* error) const
{
    if (response.error.isError()) {
        *error = transportError(response, context);
        return false;
    }
    if (!response.isSuccess()) {
        *error = httpError(response, context);
        return false;
    }
    QJsonParseError pe;
    *doc = QJsonDocument::fromJson(response.body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error =
            malformedError(tr("malformed JSON at byte %1: %2").arg(pe.offset).arg(pe.errorString()),
                           response, context);
        return false;
    }
    noteKeyWorked();
    return true;
}

ApiError ConnectorService::httpError(const HttpResponse& response,
                                     const OperationContext& context) const
{
    ApiError e;
    e.httpStatus = response.status;
    e.kind = ApiError::kindForStatus(response.status);
    if (isWebPage(response))
        return webPageError(response, context);
    e.rawBody = redactBody(response.body, m_profile.apiKey);
    const QJsonDocument doc = QJsonDocument::fromJson(response.body);
    readErrorBody(doc, response, &e);
    // The vendor's words may echo the key back ("unknown key …"): it must not reach any text.
    if (m_profile.apiKey.size() >= 4) {
        const QString key = QString::fromUtf8(m_profile.apiKey);
        const QString& mask = SecretMarker::redacted;
        e.serverMessage.replace(key, mask);
        e.requestId.replace(key, mask);
        for (ApiError::FieldError& f : e.fieldErrors) {
            f.path.replace(key, mask);
            f.message.replace(key, mask);
        }
    }
    describeHttpError(context, &e);
    if (response.status == 429 && response.retryAfterMs >= 0)
        e.hint = tr("The vendor asks to wait %1 s; try again after that.")
                     .arg((response.retryAfterMs + 999) / 1000);
    return e;
}

void ConnectorService::describeHttpError(const OperationContext& context, ApiError* e) const
{
    const QString op = operationText(context);
    QString what;
    switch (e->kind) {
    case ApiError::Kind::Unauthorized:
        if (keyWorkedBefore()) {
            what = tr("the API key was refused although it worked earlier in this "
                      "session: it may have expired or been revoked");
            e->hint = tr("Replace the API key of profile '%1'.").arg(m_profile.name);
            e->remedy = ApiError::Remedy::ReplaceKey;
        } else {
            what = tr("API key rejected");
            e->hint = tr("Check or re-enter the API key of profile '%1'.").arg(m_profile.name);
        }
        break;
    case ApiError::Kind::Forbidden:
        what = tr("not allowed with this API key");
        e->hint =
            tr("Use a key with the needed permissions, for the right organization or workspace.");
        break;
    case ApiError::Kind::NotFound:
        what =
            context.id.isEmpty() ? tr("not found") : tr("connector %1 not found").arg(context.id);
        e->hint = tr("Refresh the list: it may have been deleted or belong to another account.");
        break;
    case ApiError::Kind::Validation:
        what = tr("the server rejected the request");
        e->hint = tr("Correct the values named above and try again.");
        break;
    case ApiError::Kind::Conflict:
        what = tr("someone else changed the connector meanwhile");
        e->hint = tr("Read the connector again and merge your edit into it.");
        break;
    case ApiError::Kind::RateLimited:
        what = tr("too many requests");
        e->hint = tr("Wait a minute and try again.");
        break;
    case ApiError::Kind::Server:
        what = tr("the vendor's server failed (HTTP %1)").arg(e->httpStatus);
        e->hint = tr("The vendor's service has a problem; try again later.");
        break;
    default:
        what = tr("unexpected HTTP status %1").arg(e->httpStatus);
        break;
    }
    e->message = QStringLiteral("%1, %2: %3").arg(label(), op, what);
    if (!e->serverMessage.isEmpty())
        e->message += QStringLiteral(": ") + e->serverMessage;
}

ConnectorListJob* ConnectorService::list()
{
    auto* job = new ConnectorListJob(this);
    const QString refusal = profileRefusal();
    if (!refusal.isEmpty()) {
        const ApiError e = refusedError(refusal, {Operation::List, {}, {}});
        runLater(job, [job, e] { job->finish(e); });
        return job;
    }
    job->setDeduplicates(listOrderMayShift());
    fetchPage(job, QVariant());
    return job;
}

HttpJob* ConnectorService::fetchPage(ConnectorListJob* job, const QVariant& cursor)
{
    HttpJob* http = send("GET", pageUrl(cursor));
    job->track(http);
    connect(http, &HttpJob::finished, job, [this, job, cursor](const HttpResponse& response) {
        // A multi-megabyte list (Databar and Bigdata do not page) is parsed and mapped on a
        // worker, so the caller's thread (the window) keeps painting; a small answer is parsed
        // here, where handing it over would cost more than the parse.
        constexpr qsizetype kParseOnWorkerBytes = 512 * 1024;
        if (response.body.size() < kParseOnWorkerBytes) {
            // Pages are delivered in order: this page is parsed and delivered before the event
            // loop can report the early request's answer.
            HttpJob* early = nullptr;
            std::optional<QVariant> next;
            if (response.isSuccess())
                next = peekNextCursor(response.body);
            if (next && next->isValid()) {
                early = fetchPage(job, *next);
                early->start(); // now, not on the next turn: it is on the wire during the parse
            }
            deliverPage(job, parseListResponse(response, cursor), early, next.value_or(QVariant()));
            return;
        }
        auto result = std::make_shared<ParsedPage>();
        QFuture<void> future = QtConcurrent::run(
            [this, response, cursor, result] { *result = parseListResponse(response, cursor); });
        m_parsing.removeIf([](const QFuture<void>& f) { return f.isFinished(); });
        m_parsing.append(future);
        auto* watcher = new QFutureWatcher<void>(job);
        connect(watcher, &QFutureWatcher<void>::finished, job, [this, job, watcher, result] {
            watcher->deleteLater();
            deliverPage(job, *result);
        });
        watcher->setFuture(future);
    });
    return http;
}

ConnectorService::ParsedPage ConnectorService::parseListResponse(const HttpResponse& response,
                                                                 const QVariant& cursor) const
{
    const OperationContext context{Operation::List, {}, {}};
    ParsedPage out;
    QJsonDocument doc;
    if (!readJsonAnswer(response, context, &doc, &out.error))
        return out;
    const Page page = parsePage(doc, cursor);
    if (!page.shapeError.isEmpty()) {
        out.error = malformedError(page.shapeError, response, context);
        return out;
    }
    out.connectors.reserve(page.items.size());
    for (const QJsonObject& item : page.items)
        out.connectors.append(connectorFrom(item));
    out.next = page.items.isEmpty() ? QVariant() : page.next;
    out.expectedTotal = page.expectedTotal;
    out.walkShape = page.walkShape;
    return out;
}

void ConnectorService::deliverPage(ConnectorListJob* job, const ParsedPage& page, HttpJob* early,
                                   const QVariant& earlyCursor)
{
    // A server that keeps saying "more" without sending any would loop forever.
    constexpr int kMaxPages = 100000;
    const bool more = !page.error.isError() && page.next.isValid() && job->pages() + 1 < kMaxPages;
    if (early && !(more && page.next == earlyCursor)) {
        // The early request was for a page that is not (or not yet) wanted: drop it. The job
        // tracks the early request; its abort must not finish the list.
        early->disconnect(job);
        early->abort();
        early = nullptr;
    }
    if (page.error.isError())
        return job->finish(page.error);
    if (job->deduplicates())
        job->noteWalkShape(page.walkShape);
    job->addPage(page.connectors, page.expectedTotal);
    if (early)
        return;
    if (more) {
        fetchPage(job, page.next);
    } else if (job->deduplicates() && job->walk() == 1 && job->walkShifted()) {
        qCInfo(logCategory()).noquote()
            << label() << "the list changed while it was read: reading it once more";
        job->startSecondWalk();
        fetchPage(job, QVariant());
    } else {
        job->finish({});
    }
}

ConnectorJob* ConnectorService::get(const QString& id)
{
    auto* job = new ConnectorJob(this);
    const OperationContext context{Operation::Get, id, {}};
    QString refusal = profileRefusal();
    if (refusal.isEmpty())
        refusal = idRefusal(id);
    if (!refusal.isEmpty()) {
        const ApiError e = refusedError(refusal, context);
        runLater(job, [job, e] { job->finish({Connector{}, e}); });
        return job;
    }
    HttpJob* http = send("GET", connectorUrl(id));
    job->track(http);
    connect(http, &HttpJob::finished, job, [this, job, id](const HttpResponse& response) {
        job->finish(parseConnectorAnswer(response, id));
    });
    return job;
}

ConnectorResult ConnectorService::parseConnectorAnswer(const HttpResponse& response,
                                                       const QString& id) const
{
    const OperationContext context{Operation::Get, id, {}};
    ConnectorResult result;
    QJsonDocument doc;
    if (readJsonAnswer(response, context, &doc, &result.error)) {
        QString shapeError;
        const QJsonObject json = unwrapConnector(doc, &shapeError);
        if (shapeError.isEmpty())
            result.connector = connectorFrom(json);
        else
            result.error = malformedError(shapeError, response, context);
    }
    return result;
}

QList<Connector> ConnectorService::parseListAnswer(const HttpResponse& response,
                                                   const QVariant& cursor, ApiError* error) const
{
    ParsedPage page = parseListResponse(response, cursor);
    *error = page.error;
    return page.connectors;
}

ConnectorUpdateJob* ConnectorService::update(const Connector& base,
                                             const QJsonObject& editedDocument, bool retryWrites,
                                             const std::optional<QJsonObject>& builtBody)
{
    auto* job = new ConnectorUpdateJob(this);
    const OperationContext context{Operation::Update, base.id, {}};
    QString refusal = profileRefusal();
    if (refusal.isEmpty())
        refusal = idRefusal(base.id);
    if (refusal.isEmpty() && base.vendor != vendor())
        refusal = tr("the connector belongs to %1, not %2")
                      .arg(vendorDisplayName(base.vendor), vendorDisplayName(vendor()));
    QJsonObject body;
    if (refusal.isEmpty())
        body = builtBody ? *builtBody : buildUpdateBody(base, editedDocument, &refusal);
    if (!refusal.isEmpty()) {
        UpdateResult r;
        r.error = refusedError(refusal, context);
        runLater(job, [job, r] { job->finish(r); });
        return job;
    }
    job->pending().sentBody = body;
    HttpOptions options = m_options;
    options.retryWrites = retryWrites;
    HttpJob* http = send("PUT", connectorUrl(base.id), body, options);
    job->track(http);
    job->pending().sent = true;
    connect(http, &HttpJob::finished, job,
            [this, job, context, body](const HttpResponse& response) {
                UpdateResult result = job->pending();
                result.httpStatus = response.status;
                QJsonDocument doc;
                if (readJsonAnswer(response, context, &doc, &result.error)) {
                    QString shapeError;
                    const QJsonObject json = unwrapConnector(doc, &shapeError);
                    if (!shapeError.isEmpty()) {
                        result.error = malformedError(shapeError, response, context);
                    } else {
                        result.connector = connectorFrom(json);
                        result.differences = compareSentWithReceived(
                            sentDocument(body), answerInSentShape(json), {},
                            [this](const QString& path, const QJsonValue& received) {
                                return ignoreDifference(path, received);
                            });
                        if (!result.differences.isEmpty())
                            qCInfo(logCategory()).noquote()
                                << label() << "stored" << result.differences.size()
                                << "value(s) differently from what was sent for connector"
                                << context.id;
                    }
                }
                // Sent, but the answer was lost or unreadable: the PUT may have landed.
                using K = ApiError::Kind;
                const K kind = result.error.kind;
                if (kind == K::Timeout || kind == K::ConnectionClosed || kind == K::Truncated ||
                    kind == K::TooLarge || kind == K::Network ||
                    (kind == K::Malformed && response.isSuccess()))
                    result.error.hint = tr("The change may or may not have been applied: read the "
                                           "connector again before sending it again.");
                job->finish(result);
            });
    return job;
}

ConnectorProfile toConnectorProfile(const Profile& profile, const QByteArray& key)
{
    ConnectorProfile p;
    p.apiKey = key;
    p.name = profile.name;
    p.vendor = profile.vendor;
    p.baseUrl = profile.baseUrl;
    p.orgId = profile.orgId;
    p.workspaceId = profile.workspaceId;
    return p;
}

ConnectorService* createConnectorService(const ConnectorProfile& profile, HttpClient* http,
                                         QObject* parent)
{
    switch (profile.vendor) {
    case Vendor::Timbal:
        return new TimbalService(profile, http, parent);
    case Vendor::AiSquared:
        return new AiSquaredService(profile, http, parent);
    case Vendor::B3os:
        return new B3osService(profile, http, parent);
    case Vendor::Databar:
        return new DatabarService(profile, http, parent);
    case Vendor::Bigdata:
        return new BigdataService(profile, http, parent);
    }
    return nullptr;
}

QList<ConnectorService::OmissionEffect> ConnectorService::omissionEffects(const Connector&,
                                                                          const QJsonObject&) const
{
    return {};
}

QStringList ConnectorService::serverComputedNotes() const
{
    return {tr("the last-updated time is set by the server")};
}

} // namespace ca
