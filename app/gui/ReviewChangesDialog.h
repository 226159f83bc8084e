#pragma once

#include "ApplyOperation.h"
#include "ConnectorDiff.h"
#include "ConnectorService.h"
#include "EditReview.h"

#include <QDialog>
#include <QPointer>
#include <memory>

namespace Ui {
class ReviewChangesDialog;
}

namespace ca {

// The only way an edit reaches a server. Shows the diff of what will change (masked secrets),
// the request body that will really be sent, what the PUT resets by omission and what the server
// computes itself; Apply re-reads the connector first (stale-preview rule) and sends only if
// nothing moved. A conflict shows base / server / yours with a choice per field and offers the
// merged edit for a new review. The outcome is reported through the signals.
class ReviewChangesDialog : public QDialog
{
    Q_OBJECT
public:
    ReviewChangesDialog(ConnectorService* service, const Connector& base, const QJsonObject& edited,
                        QWidget* parent = nullptr, AuditAction action = AuditAction::Apply);
    ~ReviewChangesDialog() override;

    // What is shown: the review of the edit (also what the audit record is made from).
    const EditReview& review() const { return m_review; }
    const ConnectorDiff& diff() const { return m_review.diff(); }
    const QJsonObject& bodyToSend() const { return m_review.body(); }
    bool canApply() const;
    // Apply writes the record of its intent to `log` and sends only once it is durable
    // (ApplyOperation::recordIntentIn()). `log` must outlive the dialog.
    void recordIntentsIn(AuditLog* log) { m_audit = log; }
    // For tests and the audit log: how the last apply ended.
    std::optional<ApplyOperation::Outcome> lastOutcome() const { return m_outcome; }

    // "Connection: tested: succeeded at 14:02" under the changes (configuration edits of
    // vendors that can test a connection).
    void setConnectionTestNote(const QString& status);

    // The secret paths the diff masks (vendor rules + this connector's + the edit's).
    QStringList secretPaths() const { return m_review.secrets().paths(); }

    // Display-safe copy of `value`: every secret of the edit masked.
    QJsonValue masked(const QJsonValue& value) const { return m_review.masked(value); }

signals:
    void applied(const ca::Connector& base, const QJsonObject& edited,
                 const ca::ApplyOperation::Outcome& outcome);
    void applyFailed(const ca::Connector& base, const QJsonObject& edited,
                     const ca::ApplyOperation::Outcome& outcome);
    // Every outcome of Apply (applied, failed, refused, conflict): for the audit log.
    void applyFinished(const ca::Connector& base, const QJsonObject& edited,
                       const ca::ApplyOperation::Outcome& outcome);
    // The admin took the merged edit: re-open the form on `fresh` with `merged` and review again.
    void reviewAgainRequested(const ca::Connector& fresh, const QJsonObject& merged);

private:
    void fillReview();
    void apply();
    void showOutcome(const ApplyOperation::Outcome& outcome);
    void showConflict(const ApplyOperation::Outcome& outcome);
    void reviewAgain();
    void setBusy(const QString& text);
    QString text(const QJsonValue& value) const;

    std::unique_ptr<Ui::ReviewChangesDialog> m_ui;
    QPointer<ConnectorService> m_service;
    AuditLog* m_audit = nullptr;
    EditReview m_review;
    Connector m_fresh; // after a conflict
    QJsonObject m_merged;
    std::optional<ApplyOperation::Outcome> m_outcome;
};

} // namespace ca
