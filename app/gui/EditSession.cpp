#include "EditSession.h"

#include "AiSquaredForm.h"
#include "AiSquaredService.h"
#include "ConnectorForm.h"
#include "ConnectorService.h"
#include "IntentReconciler.h"
#include "ReviewChangesDialog.h"
#include "ThreeWayMerge.h"

#include <QLayout>
#include <QTimer>
#include <QWidget>

namespace ca {

EditSession::EditSession(ServiceLookup services, QWidget* formHost, QObject* parent)
    : QObject(parent), m_services(std::move(services)), m_formHost(formHost)
{}

EditSession::~EditSession()
{
    delete m_form.data();
}

void EditSession::setRecordKeeping(AuditLog* audit, DraftStore* drafts, QStringList* unreadable)
{
    m_audit = audit;
    m_drafts = drafts;
    m_autosaver.reset(drafts ? new DraftAutosaver(drafts, DraftAutosaver::kDefaultDelayMs)
                             : nullptr);
    if (m_autosaver)
        connect(m_autosaver.get(), &DraftAutosaver::saveFailed, this, [this](const QString& e) {
            emit notice(tr("Could not save a draft of your edit: %1").arg(e), 10000);
        });
    m_pendingDrafts = drafts ? drafts->all(unreadable) : QList<ConnectorDraft>();
    emit editChanged();
}

bool EditSession::hasUnsavedEdit() const
{
    return m_form && m_form->isModified();
}

bool EditSession::isValid() const
{
    return m_form && m_form->isValid();
}

bool EditSession::canReview() const
{
    return hasUnsavedEdit() && isValid() && m_base.isEditable();
}

QStringList EditSession::problemTexts() const
{
    QStringList out;
    if (!m_form)
        return out;
    for (const FieldProblem& p : m_form->problems())
        out.append(QStringLiteral("%1: %2").arg(m_form->fieldLabel(p.path), p.message));
    return out;
}

void EditSession::open(const Connector& connector)
{
    open(connector, connector.editable);
}

void EditSession::open(const Connector& connector, const QJsonObject& edited)
{
    if (m_form && m_base.profileName == connector.profileName && m_base.id != connector.id)
        emit modifiedChanged(m_base.profileName, m_base.id, false);
    m_base = connector;
    if (!m_form || m_form->vendor() != connector.vendor) {
        delete m_form.data();
        m_form = createConnectorForm(connector.vendor, m_formHost).release();
        m_form->setObjectName(QStringLiteral("connectorForm"));
        connect(m_form, &ConnectorForm::changed, this, &EditSession::onFormChanged);
        connect(m_form, &ConnectorForm::validityChanged, this, &EditSession::editChanged);
        if (auto* aisquared = qobject_cast<AiSquaredForm*>(m_form.data()))
            wireDefinitions(aisquared);
        emit formCreated(m_form);
    }
    if (edited == connector.editable)
        m_form->setConnector(connector);
    else
        m_form->setConnector(connector, edited);
    onFormChanged();
}

void EditSession::revert()
{
    if (m_form)
        open(m_base);
}

void EditSession::onFormChanged()
{
    if (m_form)
        emit modifiedChanged(m_base.profileName, m_base.id, hasUnsavedEdit());
    emit editChanged();
    scheduleDraftSave();
}

ConnectorDraft EditSession::draft() const
{
    ConnectorDraft d;
    d.profile = m_base.profileName;
    d.vendor = m_base.vendor;
    d.connectorId = m_base.id;
    d.connectorName = m_base.displayName;
    d.baseDocument = m_base.editable;
    d.baseUpdatedAt = m_base.updatedAt;
    d.editedDocument = m_form ? m_form->editedDocument() : m_base.editable;
    ConnectorService* service = m_services ? m_services(d.profile) : nullptr;
    SecretRules secrets = vendorSecretRules(m_base.vendor);
    secrets.addPaths(m_base.secretPaths);
    if (service)
        secrets = service->secretRules(d.editedDocument, m_base.secretPaths);
    d.secretPaths = secrets.paths();
    return d;
}

void EditSession::scheduleDraftSave()
{
    if (!m_autosaver || !m_form)
        return;
    if (!hasUnsavedEdit())
        m_autosaver->discard(m_base.profileName, m_base.vendor, m_base.id);
    else
        m_autosaver->scheduleSave(draft());
}

void EditSession::flushDraft()
{
    if (m_autosaver)
        m_autosaver->flush();
}

ReviewChangesDialog* EditSession::review(QWidget* parent)
{
    if (!canReview())
        return nullptr;
    const QJsonObject edited = m_form->editedDocument();
    ReviewChangesDialog* dialog = review(m_base, edited, AuditAction::Apply, parent);
    const auto* aisquared = qobject_cast<const AiSquaredForm*>(m_form.data());
    const QString configuration = QStringLiteral("configuration");
    if (aisquared && edited.value(configuration) != m_base.editable.value(configuration))
        dialog->setConnectionTestNote(aisquared->connectionTestStatus());
    return dialog;
}

AiSquaredService* EditSession::aiSquaredService() const
{
    return qobject_cast<AiSquaredService*>(m_services ? m_services(m_base.profileName) : nullptr);
}

void EditSession::wireDefinitions(AiSquaredForm* form)
{
    form->setDefinitionLookup([this](const QString& type, const QString& name) {
        AiSquaredService* service = aiSquaredService();
        return service ? service->cachedDefinition(type, name) : std::nullopt;
    });
    connect(form, &AiSquaredForm::definitionWanted, this,
            [this, form](const QString& type, const QString& name) {
                AiSquaredService* service = aiSquaredService();
                if (!service) {
                    form->setDefinitionUnavailable(type, name, tr("the profile is not open"));
                    return;
                }
                // The form may show another connector by the time the answer comes: it checks.
                connect(service->definition(type, name), &DefinitionJob::finished, form,
                        [form, type, name](const DefinitionResult& r) {
                            if (!r.ok())
                                form->setDefinitionUnavailable(type, name, r.error.message);
                            else if (r.source == DefinitionResult::Source::Disk)
                                form->setDefinition(
                                    r.definition,
                                    tr("From the copy saved earlier: the server could not be "
                                       "asked (%1).")
                                        .arg(r.error.message));
                            else
                                form->setDefinition(r.definition);
                        });
            });
    connect(form, &AiSquaredForm::connectionTestRequested, this,
            [this, form](const QString& type, const QString& name, const QJsonObject& spec) {
                AiSquaredService* service = aiSquaredService();
                if (!service) {
                    ConnectionCheckResult r;
                    r.error.message = tr("the profile is not open");
                    r.at = QDateTime::currentDateTime();
                    form->showConnectionTest(r);
                    return;
                }
                connect(service->checkConnection(type, name, spec), &ConnectionCheckJob::finished,
                        form,
                        [form](const ConnectionCheckResult& r) { form->showConnectionTest(r); });
            });
}

ReviewChangesDialog* EditSession::review(const Connector& base, const QJsonObject& edited,
                                         AuditAction action, QWidget* parent)
{
    ConnectorService* service = m_services ? m_services(base.profileName) : nullptr;
    auto* dialog = new ReviewChangesDialog(service, base, edited, parent, action);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->recordIntentsIn(m_audit);
    connect(dialog, &ReviewChangesDialog::applyFinished, this,
            [this, dialog](const Connector&, const QJsonObject&, const ApplyOperation::Outcome& o) {
                // Nothing was sent because the log could not be written: the dialog says so.
                if (o.unrecorded)
                    return;
                QString error;
                if (m_audit &&
                    !m_audit->append(dialog->review().auditRecord(AuditTool::Gui, o), &error))
                    emit notice(tr("Could not write the audit log: %1").arg(error), 10000);
            });
    connect(
        dialog, &ReviewChangesDialog::applied, this,
        [this](const Connector& sent, const QJsonObject&, const ApplyOperation::Outcome& outcome) {
            Connector updated = outcome.update.connector;
            updated.profileName = sent.profileName;
            emit modifiedChanged(sent.profileName, sent.id, false);
            if (m_autosaver)
                m_autosaver->discard(sent.profileName, sent.vendor, sent.id);
            if (m_form && m_base.profileName == sent.profileName && m_base.id == sent.id)
                open(updated);
            emit applied(updated);
            emit notice(tr("Applied to %1.").arg(sent.displayName), 8000);
        });
    connect(dialog, &ReviewChangesDialog::applyFailed, this,
            [this](const Connector& failed, const QJsonObject&,
                   const ApplyOperation::Outcome& outcome) {
                // The edit stays in the form; the server's field errors are shown at their fields.
                if (m_form && m_base.profileName == failed.profileName && m_base.id == failed.id) {
                    QList<QPair<QString, QString>> errors;
                    for (const auto& fe : outcome.error.fieldErrors)
                        errors.append({fe.path, fe.message});
                    m_form->showServerErrors(errors);
                }
            });
    connect(dialog, &ReviewChangesDialog::reviewAgainRequested, this,
            [this, parent = QPointer<QWidget>(parent)](const Connector& fresh,
                                                       const QJsonObject& merged) {
                m_base = fresh;
                QTimer::singleShot(0, this, [this, parent, fresh, merged] {
                    review(fresh, merged, AuditAction::Apply, parent)->open();
                });
            });
    return dialog;
}

EditSession::Restored EditSession::restoreFirstDraft(const Connector& current)
{
    Restored out;
    if (m_pendingDrafts.isEmpty())
        return out;
    // Secrets were never written: stored ones come back from the server's copy, typed ones are
    // kept as stored and must be typed again.
    const ConnectorDraft d = m_pendingDrafts.takeFirst().withStoredSecretsFrom(current.editable);
    QJsonObject edited = d.editedDocument;
    out.retype = d.unsavedSecretPointers();
    for (const QString& pointer : std::as_const(out.retype))
        edited = jsonValueSet(edited, pointer, jsonValueAt(current.editable, pointer)).toObject();
    if (d.baseDocument != current.editable) {
        // Changed on the server since the draft began: merge, the review shows the rest.
        ConnectorService* service = m_services ? m_services(current.profileName) : nullptr;
        const DiffOptions options =
            service ? service->diffOptions(current, edited) : vendorDiffOptions(current.vendor);
        edited = ThreeWayMerge(d.baseDocument, current.editable, edited, options).merged();
        out.merged = true;
        out.note = tr("The connector changed on the server since; those changes were merged in.");
    }
    open(current, edited);
    return out;
}

void EditSession::discardDrafts()
{
    for (const ConnectorDraft& d : std::as_const(m_pendingDrafts))
        m_drafts->remove(d.profile, d.vendor, d.connectorId);
    m_pendingDrafts.clear();
    emit editChanged();
}

void EditSession::reconcileIntents(const QString& profile)
{
    ConnectorService* service = m_services ? m_services(profile) : nullptr;
    if (!m_audit || !service || m_reconciledProfiles.contains(profile))
        return;
    m_reconciledProfiles.insert(profile);
    auto* reconciler = new IntentReconciler(m_audit, service, AuditTool::Gui, this);
    connect(reconciler, &IntentReconciler::finished, this,
            [this](const QList<IntentReconciler::Result>& results) {
                QStringList reports;
                for (const IntentReconciler::Result& r : results)
                    reports.append(r.text);
                if (!reports.isEmpty())
                    emit intentsReconciled(reports);
            });
    reconciler->start();
}

} // namespace ca
