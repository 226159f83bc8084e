#include "ChangeSet.h"

#include "ConnectorService.h"
#include "SchemaValidator.h"

#include <QElapsedTimer>
#include <QJsonArray>

namespace ca {

namespace {

using Kind = ChangeSetItem::Kind;

constexpr Kind kSummaryOrder[] = {Kind::ToChange, Kind::Drifted, Kind::Conflict,
                                  Kind::Gone,     Kind::Refused, Kind::Unchanged};

// The review of sending `wanted` over the server's copy, or nullopt with *refusal when a
// placeholder has no stored value to keep.
std::optional<EditReview> reviewOf(const ConnectorService& service, const Connector& server,
                                   QJsonObject wanted, const ChangeSetEntry& entry,
                                   QString* refusal)
{
    QString where;
    if (!EditReview::restorePlaceholders(&wanted, server.editable, diffOptionsFor(server.vendor),
                                         &where)) {
        *refusal = ChangeSetItem::tr("%1 holds the %2 placeholder, but the connector has no "
                                     "stored value there to keep")
                       .arg(where, SecretMarker::placeholder);
        return std::nullopt;
    }
    return EditReview(&service, server, wanted, AuditAction::Apply, entry.secretPointers);
}

// The item as ToChange with `review`, Refused with its refusal, or Unchanged when it sends nothing.
void settle(ChangeSetItem& item, std::optional<EditReview> review, const QString& refusal)
{
    item.review = std::move(review);
    if (!item.review) {
        item.kind = Kind::Refused;
        item.reason = refusal;
    } else if (!item.review->refusal().isEmpty()) {
        item.kind = Kind::Refused;
        item.reason = item.review->refusal();
    } else {
        item.kind = item.review->diff().isEmpty() ? Kind::Unchanged : Kind::ToChange;
    }
}

QString schemaRefusal(Vendor vendor, const QJsonObject& desired)
{
    const QList<FieldProblem> problems = SchemaValidator::forVendor(vendor).validate(desired);
    if (problems.isEmpty())
        return {};
    const FieldProblem& first = problems.first();
    QString why = ChangeSetItem::tr("not a valid %1 connector document: %2%3")
                      .arg(vendorDisplayName(vendor),
                           first.path.isEmpty() ? QString() : first.path + QStringLiteral(": "),
                           first.message);
    if (problems.size() > 1)
        why += ChangeSetItem::tr(" (and %n more problem(s))", nullptr, int(problems.size() - 1));
    return why;
}

} // namespace

QString ChangeSetItem::kindId(Kind kind)
{
    switch (kind) {
    case Kind::Unchanged:
        return QStringLiteral("unchanged");
    case Kind::ToChange:
        return QStringLiteral("to-change");
    case Kind::Drifted:
        return QStringLiteral("drifted");
    case Kind::Conflict:
        return QStringLiteral("conflict");
    case Kind::Gone:
        return QStringLiteral("gone");
    case Kind::Refused:
        break;
    }
    return QStringLiteral("refused");
}

QString ChangeSetItem::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Unchanged:
        return tr("unchanged");
    case Kind::ToChange:
        return tr("to change");
    case Kind::Drifted:
        return tr("drifted");
    case Kind::Conflict:
        return tr("conflict");
    case Kind::Gone:
        return tr("gone");
    case Kind::Refused:
        break;
    }
    return tr("refused");
}

QJsonObject ChangeSetItem::toJson() const
{
    QJsonObject o{{QStringLiteral("profile"), entry.profile},
                  {QStringLiteral("id"), entry.connectorId},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("vendor"), vendorId(vendor)},
                  {QStringLiteral("kind"), kindId(kind)}};
    if (!entry.source.isEmpty())
        o.insert(QStringLiteral("source"), entry.source);
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    if (review && kind != Kind::Unchanged)
        o.insert(QStringLiteral("diff"), review->toJson());
    if (!drift.isEmpty())
        o.insert(QStringLiteral("drift"), drift);
    if (merge && !merge->isClean())
        o.insert(QStringLiteral("conflicts"), merge->toJson().value(QStringLiteral("conflicts")));
    if (resolution != Resolution::None)
        o.insert(QStringLiteral("resolution"), resolution == Resolution::KeepMine
                                                   ? QStringLiteral("mine")
                                                   : QStringLiteral("server"));
    return o;
}

ChangeSetItem classifyChange(const ConnectorService& service, const ChangeSetEntry& entry,
                             const Connector* server)
{
    ChangeSetItem item;
    item.entry = entry;
    item.vendor = service.vendor();
    item.name = server ? server->displayName : entry.connectorId;
    if (!server) {
        item.kind = Kind::Gone;
        item.reason = ChangeSetItem::tr("%1 is not among the connectors of %2 (deleted on the "
                                        "server, or a wrong id)")
                          .arg(entry.connectorId, entry.profile);
        return item;
    }
    item.server = *server;
    if (!server->isEditable()) {
        item.kind = Kind::Refused;
        item.reason = ChangeSetItem::tr("%1 connectors have no editable settings")
                          .arg(vendorDisplayName(item.vendor));
        return item;
    }
    // Both sides as printed (secrets as the placeholder), so a stored secret compares equal to
    // the placeholder that keeps it.
    const QJsonObject current = EditReview::printable(service, *server);
    const QJsonObject base = entry.base.value_or(current);
    const bool mine = entry.desired != base;
    const bool theirs = current != base;
    const DiffOptions options = vendorDiffOptions(item.vendor);
    if (theirs) {
        const ConnectorDiff drift(base, current, options);
        item.drift = drift.toJson();
        item.driftText = drift.toText();
    }
    if (!mine) {
        item.kind = theirs ? Kind::Drifted : Kind::Unchanged;
        if (theirs)
            item.reason = ChangeSetItem::tr("changed on the server since the base: %1")
                              .arg(ConnectorDiff(base, current, options).summaryLine());
        return item;
    }
    // Checked only where the entry changes something: a connector the server holds in a shape
    // the schema rejects (a repeated address) is no reason to refuse a file nobody edited.
    if (const QString why = schemaRefusal(item.vendor, entry.desired); !why.isEmpty()) {
        item.kind = Kind::Refused;
        item.reason = why;
        return item;
    }
    QString refusal;
    if (!theirs || entry.desired == current) {
        settle(item, reviewOf(service, *server, entry.desired, entry, &refusal), refusal);
        return item;
    }
    item.merge.emplace(base, current, entry.desired, options);
    if (item.merge->isClean()) {
        settle(item, reviewOf(service, *server, item.merge->merged(), entry, &refusal), refusal);
        if (item.kind == Kind::ToChange)
            item.reason = ChangeSetItem::tr("merged with what changed on the server since the "
                                            "base, which is kept");
        return item;
    }
    item.kind = Kind::Conflict;
    item.reason = ChangeSetItem::tr("changed on the server and in the entry: %n field(s) differ "
                                    "both ways",
                                    nullptr, int(item.merge->conflicts().size()));
    // Each choice reviewed now, so whichever the admin takes was shown before it is sent.
    item.keepMine = reviewOf(service, *server, item.merge->merged(), entry, &refusal);
    const ThreeWayMerge serverWins(base, entry.desired, current, options);
    item.keepServer = reviewOf(service, *server, serverWins.merged(), entry, &refusal);
    return item;
}

int ChangeSetPlan::count(ChangeSetItem::Kind kind) const
{
    return int(std::count_if(items.cbegin(), items.cend(),
                             [kind](const ChangeSetItem& i) { return i.kind == kind; }));
}

QString ChangeSetPlan::summaryLine() const
{
    QStringList parts;
    for (const Kind kind : kSummaryOrder) {
        const int n = count(kind);
        if (n == 0)
            continue;
        switch (kind) {
        case Kind::ToChange:
            parts << tr("%1 to change").arg(n);
            break;
        case Kind::Drifted:
            parts << tr("%1 drifted").arg(n);
            break;
        case Kind::Conflict:
            parts << (n == 1 ? tr("1 conflict") : tr("%1 conflicts").arg(n));
            break;
        case Kind::Gone:
            parts << tr("%1 gone").arg(n);
            break;
        case Kind::Refused:
            parts << tr("%1 refused").arg(n);
            break;
        case Kind::Unchanged:
            parts << tr("%1 unchanged").arg(n);
            break;
        }
    }
    return parts.isEmpty() ? tr("no connectors") : parts.join(QStringLiteral(", "));
}

QJsonObject ChangeSetPlan::summaryJson() const
{
    QJsonObject o{{QStringLiteral("summary"), summaryLine()}};
    for (const Kind kind : kSummaryOrder)
        o.insert(ChangeSetItem::kindId(kind), count(kind));
    return o;
}

bool ChangeSetPlan::resolve(qsizetype index, ChangeSetItem::Resolution resolution)
{
    if (index < 0 || index >= items.size() || resolution == ChangeSetItem::Resolution::None)
        return false;
    ChangeSetItem& item = items[index];
    if (item.kind != Kind::Conflict && item.resolution == ChangeSetItem::Resolution::None)
        return false;
    const bool mine = resolution == ChangeSetItem::Resolution::KeepMine;
    item.resolution = resolution;
    const std::optional<EditReview>& chosen = mine ? item.keepMine : item.keepServer;
    settle(item, chosen,
           tr("the %1 side of this conflict cannot be sent")
               .arg(mine ? tr("entry's") : tr("server's")));
    return true;
}

QList<qsizetype> ChangeSetPlan::toApply() const
{
    QList<qsizetype> out;
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (items.at(i).kind == Kind::ToChange)
            out.append(i);
    }
    return out;
}

ChangeSetPlanner::ChangeSetPlanner(QHash<QString, ConnectorService*> services,
                                   QList<ChangeSetEntry> entries, QObject* parent)
    : QObject(parent), m_entries(std::move(entries))
{
    for (auto it = services.cbegin(); it != services.cend(); ++it)
        m_services.insert(it.key(), it.value());
}

void ChangeSetPlanner::start()
{
    QStringList profiles;
    for (const ChangeSetEntry& e : std::as_const(m_entries)) {
        if (!profiles.contains(e.profile))
            profiles.append(e.profile);
    }
    m_pending = int(profiles.size());
    if (m_pending == 0) {
        QMetaObject::invokeMethod(this, &ChangeSetPlanner::classifyAll, Qt::QueuedConnection);
        return;
    }
    for (const QString& profile : std::as_const(profiles)) {
        ConnectorService* service = m_services.value(profile);
        if (!service) {
            ApiError error;
            error.kind = ApiError::Kind::Refused;
            error.message = tr("profile %1 is not available").arg(profile);
            m_errors.append({profile, error});
            if (--m_pending == 0)
                QMetaObject::invokeMethod(this, &ChangeSetPlanner::classifyAll,
                                          Qt::QueuedConnection);
            continue;
        }
        ConnectorListJob* job = service->list();
        connect(job, &ConnectorListJob::finished, this,
                [this, profile](const ConnectorListResult& result) {
                    if (!result.ok()) {
                        m_errors.append({profile, result.error});
                    } else {
                        QHash<QString, Connector>& byId = m_read[profile];
                        byId.reserve(result.connectors.size());
                        for (const Connector& c : result.connectors)
                            byId.insert(c.id, c);
                    }
                    if (--m_pending == 0)
                        classifyAll();
                });
    }
}

ChangeSetItem ChangeSetPlanner::classifyEntry(const ChangeSetEntry& e) const
{
    const ConnectorService* service = m_services.value(e.profile);
    const auto error = std::find_if(m_errors.cbegin(), m_errors.cend(),
                                    [&e](const auto& p) { return p.first == e.profile; });
    if (!service || error != m_errors.cend()) {
        ChangeSetItem item;
        item.entry = e;
        item.name = e.connectorId;
        item.kind = Kind::Refused;
        item.reason = error != m_errors.cend() ? tr("the connectors of %1 could not be read: %2")
                                                     .arg(e.profile, error->second.toString())
                                               : tr("profile %1 is not available").arg(e.profile);
        if (service)
            item.vendor = service->vendor();
        return item;
    }
    const QHash<QString, Connector>& byId = m_read[e.profile];
    const auto found = byId.constFind(e.connectorId);
    return classifyChange(*service, e, found == byId.cend() ? nullptr : &found.value());
}

void ChangeSetPlanner::classifyAll()
{
    if (m_next == 0) {
        m_plan.readErrors = m_errors;
        m_plan.items.reserve(m_entries.size());
    }
    QElapsedTimer slice;
    slice.start();
    while (m_next < m_entries.size()) {
        m_plan.items.append(classifyEntry(m_entries.at(m_next++)));
        if (m_next < m_entries.size() && slice.elapsed() >= kSliceMs) {
            QMetaObject::invokeMethod(this, &ChangeSetPlanner::classifyAll, Qt::QueuedConnection);
            return;
        }
    }
    emit finished(m_plan);
    deleteLater();
}

} // namespace ca
