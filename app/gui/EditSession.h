#pragma once

#include "AuditLog.h"
#include "Connector.h"
#include "ConnectorForm.h"
#include "DraftStore.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

class QWidget;

namespace ca {

class AiSquaredForm;
class AiSquaredService;
class ConnectorService;
class ReviewChangesDialog;

// The edit of the connector in the detail pane, from opening it to its audit record: the
// connector as the edit began, its form, the autosaved draft, drafts left by an earlier session
// and their restore (merged with what the server has now), the review and what follows an
// apply. The window only wires its widgets to it; nothing here needs a window.
class EditSession : public QObject
{
    Q_OBJECT
public:
    using ServiceLookup = std::function<ConnectorService*(const QString& profile)>;

    // `formHost`: the parent of the forms created for each vendor (the window adds them to its
    // layout on formCreated()).
    EditSession(ServiceLookup services, QWidget* formHost, QObject* parent = nullptr);
    ~EditSession() override;

    // Where applies are recorded and edits autosaved; drafts found in `drafts` become
    // pendingDrafts() (*unreadable: damaged files skipped).
    void setRecordKeeping(AuditLog* audit, DraftStore* drafts, QStringList* unreadable = nullptr);
    AuditLog* audit() const { return m_audit; }

    bool isOpen() const { return !m_form.isNull(); }
    const Connector& base() const { return m_base; }
    ConnectorForm* form() const { return m_form.data(); }
    bool hasUnsavedEdit() const;
    bool isValid() const;
    // Modified, valid and editable: the edit can go to review.
    bool canReview() const;
    // "Label: message" for each problem of the form.
    QStringList problemTexts() const;

    // Opens `connector` in its vendor's form (a new form when the vendor changes), optionally
    // with an edit already made.
    void open(const Connector& connector);
    void open(const Connector& connector, const QJsonObject& edited);
    void revert();

    // The current edit as a draft; secrets as the vendor's service declares them.
    ConnectorDraft draft() const;
    // Writes a pending draft now (the window closes).
    void flushDraft();

    // A review dialog (not yet open) of the current edit, or of `edited` against `base` (a
    // revert from the history). Its outcome is recorded in the audit log and followed up here.
    ReviewChangesDialog* review(QWidget* parent);
    ReviewChangesDialog* review(const Connector& base, const QJsonObject& edited,
                                AuditAction action, QWidget* parent);

    const QList<ConnectorDraft>& pendingDrafts() const { return m_pendingDrafts; }
    struct Restored
    {
        QString note;        // what the admin should know, in words ("" when nothing)
        QStringList retype;  // secrets typed before that were not saved: enter them again
        bool merged = false; // the server changed since: its changes were merged in
    };
    // Opens the first pending draft on `current` (the connector as the server has it now).
    Restored restoreFirstDraft(const Connector& current);
    void discardDrafts();

    // Once per profile and session, when its connection is up: the writes it began and never saw
    // end (the app stopped while sending) are read again at the vendor and closed with a
    // reconciled audit record (IntentReconciler); intentsReconciled() tells what was found.
    void reconcileIntents(const QString& profile);

signals:
    // What reconcileIntents() found, one text per write, for the admin to read (never empty).
    void intentsReconciled(const QStringList& reports);
    void formCreated(ca::ConnectorForm* form);
    // The edit, its validity or its base changed.
    void editChanged();
    // For the list's "modified" mark.
    void modifiedChanged(const QString& profile, const QString& id, bool modified);
    // The server stored an edit: `updated` is its answer.
    void applied(const ca::Connector& updated);
    // Words for the status bar.
    void notice(const QString& text, int timeoutMs);

private:
    void onFormChanged();
    void scheduleDraftSave();
    // AI Squared: the form's definitions and connection tests go through the profile's service.
    void wireDefinitions(AiSquaredForm* form);
    AiSquaredService* aiSquaredService() const;

    ServiceLookup m_services;
    QPointer<QWidget> m_formHost;
    QPointer<ConnectorForm> m_form; // a child of the host: gone with it
    Connector m_base;
    AuditLog* m_audit = nullptr;
    DraftStore* m_drafts = nullptr;
    std::unique_ptr<DraftAutosaver> m_autosaver;
    QList<ConnectorDraft> m_pendingDrafts;
    QSet<QString> m_reconciledProfiles;
};

} // namespace ca
