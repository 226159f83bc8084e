#pragma once

#include "ApplyOperation.h"
#include "AuditLog.h"
#include "ConnectorDiff.h"
#include "ConnectorService.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace ca {

// One edit under review, the same for the window and for connectorctl: from the connector as the
// edit began and the edited document it works out the body that would be sent (by the vendor's
// rules), the diff, what the PUT resets by omission, why it cannot be sent, masked views of all
// of it, and after the apply the audit record of how it ended. The review dialog and
// `connectorctl diff/apply` only present it, so both tools show and record an edit alike.
class EditReview
{
    Q_DECLARE_TR_FUNCTIONS(EditReview)
public:
    EditReview() = default;
    // `service` may be null (a profile whose connection is gone): nothing can be sent then.
    // `extraSecrets`: JSON pointers of `edited` whose values are secret whatever the vendor's rules
    // say (a value read from stdin or the environment for a change set).
    EditReview(const ConnectorService* service, Connector base, QJsonObject edited,
               AuditAction action = AuditAction::Apply, const QStringList& extraSecrets = {});

    const Connector& base() const { return m_base; }
    const QJsonObject& edited() const { return m_edited; }
    AuditAction action() const { return m_action; }
    const DiffOptions& options() const { return m_options; }
    const SecretRules& secrets() const { return m_options.secrets; }
    const ConnectorDiff& diff() const { return m_diff; }
    // What update() would send; empty when refused.
    const QJsonObject& body() const { return m_body; }
    // Empty when the body may be sent, else why not, in words.
    const QString& refusal() const { return m_refusal; }
    // "/rate_limit will be reset from 60 to 10": fields the PUT clears by leaving them out.
    const QStringList& resets() const { return m_resets; }
    bool canApply() const { return m_refusal.isEmpty() && !m_diff.isEmpty(); }

    // Display-safe copies: every secret of the edit (by path, by key name and by value) shown as
    // SecretMarker::placeholder.
    QJsonValue masked(const QJsonValue& value) const;
    QString maskedText(const QJsonValue& value) const; // ConnectorDiff::valueText of masked()
    // The diff as text (ConnectorDiff::toText()) and as JSON (toJson() with "resets" and, when
    // refused, "refusal"), secrets masked also where a value is quoted inside a longer text.
    QString diffText() const;
    QJsonObject toJson() const;

    // The audit record of this edit ending as `outcome`: the same for both tools apart from
    // `tool` (and the time, stamped on append).
    AuditRecord auditRecord(AuditTool tool, const ApplyOperation::Outcome& outcome) const;
    // The record of the intent to send this edit (AuditOutcome::Intent), written and made durable
    // by ApplyOperation before its PUT; ApplyOperation gives it its operationId.
    AuditRecord intentRecord(AuditTool tool) const;
    static AuditOutcome auditOutcome(ApplyOperation::Outcome::Kind kind);
    // A PUT went out and its answer was lost or unreadable: it may have landed.
    static bool answerMayHaveLanded(const ApplyOperation::Outcome& outcome);

    // `connectorctl get --json`: the editable document with every secret as the placeholder.
    static QJsonObject printable(const ConnectorService& service, const Connector& connector);
    // The read-only fields of `connector` for display, masked by the key-name rule as well.
    static QJsonObject printableReadOnly(const ConnectorService& service,
                                         const Connector& connector);
    // Replaces each placeholder in `edited` by the value at the same place in `stored` (items of
    // keyed arrays matched by their key, others by position): a printed document read back keeps
    // the stored secrets. False, with the JSON pointer of the first placeholder that has no
    // stored counterpart in *where, when one cannot be resolved.
    static bool restorePlaceholders(QJsonObject* edited, const QJsonObject& stored,
                                    const DiffOptions& options, QString* where);

private:
    Connector m_base;
    QJsonObject m_edited;
    AuditAction m_action = AuditAction::Apply;
    DiffOptions m_options;
    ConnectorDiff m_diff;
    QJsonObject m_body;
    QString m_refusal;
    QStringList m_resets;
    mutable std::optional<QJsonObject> m_json; // toJson(), made once (an apply records it twice)
};

} // namespace ca
