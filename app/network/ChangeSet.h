#pragma once

#include "ConnectorDiff.h"
#include "EditReview.h"
#include "ThreeWayMerge.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <optional>

namespace ca {

class ConnectorService;

// One connector of a change set as the caller has it: where it lives, the document the change
// was made from and the document wanted. Documents are editable documents in the printable form
// (`connectorctl get --json`, an exported file): the placeholder keeps a stored secret.
struct ChangeSetEntry
{
    QString profile;
    QString connectorId;
    // The document the change started from (an export's base). nullopt: the server's document
    // as the plan reads it (a change made now, such as a bulk edit).
    std::optional<QJsonObject> base;
    QJsonObject desired;
    // Pointers of `desired` whose values are secret whatever the vendor's rules say (read from
    // stdin or the environment): masked in every view of the change.
    QStringList secretPointers;
    QString source; // where the entry came from ("exports/prod/12.json"), for messages
};

// One planned connector: the same review the single-connector path makes (EditReview), plus how
// the change relates to the server's copy.
struct ChangeSetItem
{
    Q_DECLARE_TR_FUNCTIONS(ChangeSetItem)
public:
    enum class Kind
    {
        Unchanged, // nothing to send: the wanted document is what the server has
        ToChange,  // a reviewed body to send (`review`)
        Drifted,   // changed on the server since the base, not in the entry (`drift`)
        Conflict,  // both changed the same fields differently (`conflicts`); needs a choice
        Gone,      // not on the server any more
        Refused    // cannot be sent as it is (`reason`)
    };
    // How a conflict is settled: the entry's values or the server's where both changed.
    enum class Resolution
    {
        None,
        KeepMine,
        KeepServer
    };
    static QString kindId(Kind kind);   // "to-change", stable for JSON and scripts
    static QString kindName(Kind kind); // translated, for the window ("to change")

    ChangeSetEntry entry;
    Kind kind = Kind::Refused;
    Vendor vendor = Vendor::Timbal;
    QString name;                    // the connector's display name (server, else the id)
    std::optional<Connector> server; // as read by the plan (the base of the stale check)
    // ToChange, and Refused where the body was built: what would be sent and the diff.
    std::optional<EditReview> review;
    QString reason; // Refused / Gone: why, in words; ToChange after a merge: what was merged
    // Drifted / Conflict / merged ToChange: what changed on the server since the base (masked).
    QJsonObject drift;
    QString driftText;
    // Conflict, merged ToChange: the merge of the entry's change with the server's (its conflicts
    // are the fields both sides changed differently).
    std::optional<ThreeWayMerge> merge;
    Resolution resolution = Resolution::None;
    // Conflict: the review of each choice (made by the plan, so the choice is reviewed too).
    std::optional<EditReview> keepMine;
    std::optional<EditReview> keepServer;

    // One object for `connectorctl plan --json`: profile, id, name, vendor, kind, source,
    // reason, diff (EditReview::toJson()), drift, conflicts; secrets masked.
    QJsonObject toJson() const;
};

// The plan of a change set: every item classified, in the order given.
class ChangeSetPlan
{
    Q_DECLARE_TR_FUNCTIONS(ChangeSetPlan)
public:
    QList<ChangeSetItem> items;
    // Profiles whose connectors could not be read, with the error (their items are Refused).
    QList<QPair<QString, ApiError>> readErrors;

    int count(ChangeSetItem::Kind kind) const;
    // "3 to change, 1 drifted, 1 conflict, 120 unchanged": the kinds present, in that order.
    QString summaryLine() const;
    QJsonObject summaryJson() const; // {"toChange": 3, "drifted": 1, …, "summary": "…"}
    // Settles a conflict: the item becomes ToChange with the chosen review (or Unchanged when
    // the choice leaves nothing to send). False when the item is not a conflict.
    bool resolve(qsizetype index, ChangeSetItem::Resolution resolution);
    // The indexes of the items an apply sends.
    QList<qsizetype> toApply() const;
};

// Classifies one entry against the server's copy (nullptr: not on the server). Pure: reads
// nothing, sends nothing; `service` builds the body by the vendor's rules.
ChangeSetItem classifyChange(const ConnectorService& service, const ChangeSetEntry& entry,
                             const Connector* server);

// Reads every profile a change set touches (one list per profile, all at once) and classifies
// each entry (classifyChange), a slice of at most kSliceMs per event-loop turn: planning
// thousands never blocks the window. Emits finished() once, then deletes itself.
class ChangeSetPlanner : public QObject
{
    Q_OBJECT
public:
    // `services`: profile name → its service (not owned; must outlive the planner).
    ChangeSetPlanner(QHash<QString, ConnectorService*> services, QList<ChangeSetEntry> entries,
                     QObject* parent = nullptr);
    void start();
    static constexpr int kSliceMs = 8;

signals:
    void finished(const ca::ChangeSetPlan& plan);

private:
    void classifyAll(); // the next slice; finished() after the last
    ChangeSetItem classifyEntry(const ChangeSetEntry& e) const;

    QHash<QString, QPointer<ConnectorService>> m_services;
    QList<ChangeSetEntry> m_entries;
    QHash<QString, QHash<QString, Connector>> m_read; // profile → id → connector
    QList<QPair<QString, ApiError>> m_errors;
    int m_pending = 0;
    ChangeSetPlan m_plan; // classified so far
    qsizetype m_next = 0; // the next entry to classify
};

} // namespace ca

Q_DECLARE_METATYPE(ca::ChangeSetPlan)
