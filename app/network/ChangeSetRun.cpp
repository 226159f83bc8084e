#include "ChangeSetRun.h"

#include "AuditLog.h"

#include <QJsonArray>
#include <QSysInfo>
#include <QUuid>

namespace ca {

namespace {

using State = ChangeSetRun::State;

// The editable document as printed (secrets as the placeholder): what a read-back is compared in.
QJsonObject sentAsPrinted(const EditReview& review)
{
    return review.masked(review.edited()).toObject();
}

} // namespace

QString ChangeSetRun::stateId(State state)
{
    switch (state) {
    case State::Pending:
        return QStringLiteral("pending");
    case State::Checking:
        return QStringLiteral("checking");
    case State::Sending:
        return QStringLiteral("sending");
    case State::Verifying:
        return QStringLiteral("verifying");
    case State::Applied:
        return QStringLiteral("applied");
    case State::Conflict:
        return QStringLiteral("conflict");
    case State::Refused:
        return QStringLiteral("refused");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Cancelled:
        break;
    }
    return QStringLiteral("cancelled");
}

QString ChangeSetRun::stateName(State state)
{
    switch (state) {
    case State::Pending:
        return tr("Pending");
    case State::Checking:
        return tr("Checking");
    case State::Sending:
        return tr("Sending");
    case State::Verifying:
        return tr("Verifying");
    case State::Applied:
        return tr("Applied");
    case State::Conflict:
        return tr("Conflict");
    case State::Refused:
        return tr("Refused");
    case State::Failed:
        return tr("Failed");
    case State::Cancelled:
        break;
    }
    return tr("Cancelled");
}

bool ChangeSetRun::isFinal(State state)
{
    return state != State::Pending && state != State::Checking && state != State::Sending &&
           state != State::Verifying;
}

ChangeSetRun::ChangeSetRun(QHash<QString, ConnectorService*> services, const ChangeSetPlan& plan,
                           QObject* parent)
    : QObject(parent), m_changeSetId(QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    for (auto it = services.cbegin(); it != services.cend(); ++it) {
        m_services.insert(it.key(), it.value());
        if (it.value())
            connect(it.value(), &QObject::destroyed, this,
                    [this, profile = it.key()] { onServiceGone(profile); });
    }
    for (const qsizetype index : plan.toApply()) {
        Item item;
        item.planned = plan.items.at(index);
        m_items.append(item);
    }
}

void ChangeSetRun::setConcurrency(int n)
{
    m_concurrency = qBound(1, n, 64);
}

void ChangeSetRun::setAuditLog(AuditLog* log, AuditTool tool)
{
    m_log = log;
    m_tool = tool;
}

void ChangeSetRun::start()
{
    if (m_started)
        return;
    m_started = true;
    m_clock.start();
    m_intents = QList<Intent>(m_items.size(), Intent::None);
    for (int i = 0; i < m_items.size(); ++i)
        m_queue.append(i);
    if (m_items.isEmpty()) {
        QMetaObject::invokeMethod(this, &ChangeSetRun::finishIfDone, Qt::QueuedConnection);
        return;
    }
    pump();
}

void ChangeSetRun::pump()
{
    writeIntentsAhead();
    while (m_inFlight < m_concurrency && !m_queue.isEmpty()) {
        const int index = m_queue.first();
        // No PUT before its intent is durable: onIntentsWritten() pumps again.
        if (m_log && m_intents.at(index) != Intent::Durable)
            return;
        m_queue.removeFirst();
        launch(index);
        writeIntentsAhead();
    }
}

void ChangeSetRun::launch(int index)
{
    Item& item = m_items[index];
    ++m_inFlight;
    ConnectorService* service = m_services.value(item.planned.entry.profile);
    const EditReview& review = *item.planned.review;
    if (!service) {
        ApplyOperation::Outcome gone;
        gone.message = tr("the profile's connection is gone; nothing was sent");
        settle(index, State::Failed, gone.message, gone);
        return;
    }
    auto* op =
        new ApplyOperation(service, *item.planned.server, review.edited(), review.body(), this);
    op->setRetryWrites(false);
    if (m_log)
        op->useRecordedIntent(item.operationId);
    connect(op, &ApplyOperation::stageChanged, this, [this, index](ApplyOperation::Stage stage) {
        m_items[index].state =
            stage == ApplyOperation::Stage::Checking ? State::Checking : State::Sending;
        emit itemChanged(index);
    });
    connect(op, &ApplyOperation::finished, this,
            [this, index](const ApplyOperation::Outcome& o) { onApplied(index, o); });
    m_inFlightWork.insert(index, op);
    op->start();
}

void ChangeSetRun::onApplied(int index, const ApplyOperation::Outcome& o)
{
    using K = ApplyOperation::Outcome::Kind;
    Item& item = m_items[index];
    item.sent = o.sent;
    if (!o.operationId.isEmpty())
        item.operationId = o.operationId;
    item.error = o.error;
    if (o.kind == K::Applied && o.update.connector.isEditable()) {
        // The server's answer to the PUT is the connector as stored: verified from it, without
        // reading it once more.
        verifyApplied(index, o, &o.update.connector, {});
        return;
    }
    if (o.kind == K::Applied || EditReview::answerMayHaveLanded(o)) {
        item.state = State::Verifying;
        emit itemChanged(index);
        readBack(index, o);
        return;
    }
    const QString message = o.message.isEmpty() ? o.error.toString() : o.message;
    settle(index,
           o.kind == K::Conflict  ? State::Conflict
           : o.kind == K::Refused ? State::Refused
                                  : State::Failed,
           message, o);
}

void ChangeSetRun::readBack(int index, const ApplyOperation::Outcome& o)
{
    const Item& item = m_items.at(index);
    ConnectorService* service = m_services.value(item.planned.entry.profile);
    ConnectorJob* job = service ? service->get(item.planned.entry.connectorId) : nullptr;
    if (!job) {
        settle(index,
               o.kind == ApplyOperation::Outcome::Kind::Applied ? State::Applied : State::Failed,
               tr("the profile's connection is gone; not read back"), o);
        return;
    }
    m_inFlightWork.insert(index, job);
    connect(
        job, &ConnectorJob::finished, this,
        [this, index, o, service = QPointer<ConnectorService>(service)](const ConnectorResult& r) {
            Item& item = m_items[index];
            const EditReview& review = *item.planned.review;
            const bool read = r.ok() && service;
            if (o.kind == ApplyOperation::Outcome::Kind::Applied) {
                verifyApplied(index, o, read ? &r.connector : nullptr, r.error);
                return;
            }
            const QJsonObject sent = sentAsPrinted(review);
            const QJsonObject now =
                read ? EditReview::printable(*service, r.connector) : QJsonObject();
            if (read)
                item.after = r.connector;
            // The answer was lost: what the server holds now says whether it landed.
            ApplyOperation::Outcome resolved = o;
            if (read && now == sent) {
                item.verified = true;
                resolved.kind = ApplyOperation::Outcome::Kind::Applied;
                settle(index, State::Applied,
                       tr("the answer was lost; read back, it is stored as sent"), resolved);
            } else if (read && now == EditReview::printable(*service, *item.planned.server)) {
                settle(index, State::Failed,
                       tr("the answer was lost (%1); read back, nothing was stored")
                           .arg(o.error.toString()),
                       resolved);
            } else {
                item.mayHaveLanded = true;
                settle(index, State::Failed,
                       read ? tr("the answer was lost (%1), and the connector now differs "
                                 "from both the old and the sent version: not sent again")
                                  .arg(o.error.toString())
                            : tr("the answer was lost (%1) and the connector could not be "
                                 "read again: whether it was stored is not known; not sent "
                                 "again")
                                  .arg(o.error.toString()),
                       resolved);
            }
        });
}

void ChangeSetRun::verifyApplied(int index, const ApplyOperation::Outcome& o,
                                 const Connector* stored, const ApiError& readError)
{
    Item& item = m_items[index];
    const EditReview& review = *item.planned.review;
    const ConnectorService* service = m_services.value(item.planned.entry.profile);
    for (const ValueDifference& d : o.update.differences)
        item.verifyNotes << tr("the server stored %1 as %2 (sent %3)")
                                .arg(d.path, review.maskedText(d.received),
                                     review.maskedText(d.sent));
    if (!stored || !service) {
        item.verifyNotes << tr("not read back: %1").arg(readError.toString());
    } else {
        item.after = *stored;
        // Stored as sent, secrets included (a vendor that answers them in clear); else compared
        // as printed, where a vendor's masks stand for the secrets.
        item.verified = stored->editable == review.edited();
        if (!item.verified) {
            const QJsonObject sent = sentAsPrinted(review);
            const QJsonObject now = EditReview::printable(*service, *stored);
            item.verified = now == sent;
            if (!item.verified && o.update.differences.isEmpty())
                item.verifyNotes
                    << tr("stored differently from what was sent: %1")
                           .arg(ConnectorDiff(sent, now, review.options()).summaryLine());
        }
    }
    settle(index, State::Applied, review.diff().summaryLine(), o);
}

void ChangeSetRun::settle(int index, State state, const QString& message,
                          const ApplyOperation::Outcome& outcome)
{
    Item& item = m_items[index];
    m_inFlightWork.remove(index);
    item.state = state;
    item.message = message;
    record(index, outcome);
    --m_inFlight;
    emit itemChanged(index);
    pump();
    finishIfDone();
}

void ChangeSetRun::onServiceGone(const QString& profile)
{
    for (const int index : m_inFlightWork.keys()) {
        Item& item = m_items[index];
        if (item.planned.entry.profile != profile)
            continue;
        if (QObject* work = m_inFlightWork.value(index)) {
            work->disconnect(this);
            work->deleteLater();
        }
        ApplyOperation::Outcome o;
        o.kind = ApplyOperation::Outcome::Kind::Failed;
        o.operationId = item.operationId;
        // A PUT that was out, or answered and not read back yet, may have been stored.
        const bool mayHaveLeft = item.state == State::Sending || item.state == State::Verifying;
        o.sent = mayHaveLeft;
        item.sent = item.sent || mayHaveLeft;
        item.mayHaveLanded = mayHaveLeft;
        settle(index, State::Failed,
               mayHaveLeft ? tr("the profile was reloaded while this change was being sent: "
                                "whether it was stored is not known; not sent again")
                           : tr("the profile was reloaded before this change was sent; nothing "
                                "was sent"),
               o);
    }
}

void ChangeSetRun::cancelRemaining()
{
    for (const int index : std::as_const(m_queue)) {
        m_items[index].state = State::Cancelled;
        m_items[index].message = tr("cancelled before it started; nothing was sent");
        closeUnsentIntent(index);
        emit itemChanged(index);
    }
    m_queue.clear();
    finishIfDone();
}

void ChangeSetRun::finishIfDone()
{
    if (!m_started || m_finished || m_inFlight > 0 || !m_queue.isEmpty())
        return;
    m_finished = true;
    recordChangeSet();
    emit finished();
}

ChangeSetRun::Counts ChangeSetRun::counts() const
{
    Counts c;
    c.total = int(m_items.size());
    for (const Item& item : m_items) {
        if (!isFinal(item.state))
            continue;
        ++c.finished;
        if (item.state == State::Applied)
            ++c.applied;
        else if (item.state == State::Cancelled)
            ++c.cancelled;
        else
            ++c.failed;
    }
    return c;
}

double ChangeSetRun::rate() const
{
    const qint64 ms = m_clock.isValid() ? m_clock.elapsed() : 0;
    const int done = counts().finished - counts().cancelled;
    return ms > 0 ? done * 1000.0 / double(ms) : 0.0;
}

qint64 ChangeSetRun::remainingMs() const
{
    const Counts c = counts();
    const double perSecond = rate();
    if (perSecond <= 0.0)
        return -1;
    return qint64(double(c.total - c.finished) * 1000.0 / perSecond);
}

QString ChangeSetRun::summaryLine() const
{
    const Counts c = counts();
    QStringList parts;
    parts << tr("%1 applied").arg(c.applied);
    if (c.failed > 0)
        parts << tr("%1 failed").arg(c.failed);
    if (c.cancelled > 0)
        parts << tr("%1 cancelled").arg(c.cancelled);
    if (c.finished < c.total)
        parts << tr("%1 in progress").arg(c.total - c.finished);
    return tr("%1 (of %2)").arg(parts.join(QStringLiteral(", "))).arg(c.total);
}

QJsonObject ChangeSetRun::toJson() const
{
    QJsonArray items;
    for (const Item& item : m_items) {
        QJsonObject o{{QStringLiteral("profile"), item.planned.entry.profile},
                      {QStringLiteral("id"), item.planned.entry.connectorId},
                      {QStringLiteral("name"), item.planned.name},
                      {QStringLiteral("state"), stateId(item.state)},
                      {QStringLiteral("message"), item.message},
                      {QStringLiteral("sent"), item.sent},
                      {QStringLiteral("verified"), item.verified}};
        if (item.mayHaveLanded)
            o.insert(QStringLiteral("mayHaveLanded"), true);
        if (!item.verifyNotes.isEmpty())
            o.insert(QStringLiteral("notes"), QJsonArray::fromStringList(item.verifyNotes));
        if (item.error.httpStatus)
            o.insert(QStringLiteral("httpStatus"), item.error.httpStatus);
        items.append(o);
    }
    return QJsonObject{{QStringLiteral("changeSet"), m_changeSetId},
                       {QStringLiteral("summary"), summaryLine()},
                       {QStringLiteral("items"), items}};
}

ChangeSetPlan ChangeSetRun::retryPlan() const
{
    ChangeSetPlan plan;
    for (const Item& item : m_items) {
        if (item.state == State::Failed && !item.mayHaveLanded)
            plan.items.append(item.planned);
    }
    return plan;
}

} // namespace ca
