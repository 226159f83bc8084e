#pragma once

#include "ChangeSet.h"
#include "ChangeSetRun.h"

#include "RunningDialog.h"
#include <QHash>
#include <QPointer>
#include <QSet>
#include <functional>
#include <memory>

class QSortFilterProxyModel;
class QStandardItemModel;

namespace Ui {
class ChangeSetDialog;
}

namespace ca {

class AuditLog;
class ConnectorService;

// The review of a change set (many connectors in one operation: a bulk edit, a folder compared
// with the servers): every connector with its classification and why, filters, each one's own
// diff (EditReviewView, as for one edit), a choice for each conflict, then Apply with progress
// (count, rate, time left), per-connector results, Cancel remaining and Retry failed. The plan
// and the apply are ChangeSetPlanner's and ChangeSetRun's; this only presents them. Non-modal:
// closing it while an apply runs only hides it, the run goes on, and the dialog deletes itself
// at the end when it has Qt::WA_DeleteOnClose.
//
// Object names: changeSetSummary, changeSetFilter, changeSetItems, itemTitle, itemReason,
// conflictTree, keepMineButton, keepServerButton, changeSetDiff, changeSetProgress,
// changeSetRate, applyButton, cancelRemainingButton, retryFailedButton, closeButton.
class ChangeSetDialog : public RunningDialog
{
    Q_OBJECT
public:
    using ServiceLookup = std::function<ConnectorService*(const QString& profile)>;
    // Columns of the item list.
    enum Column
    {
        ConnectorColumn,
        ProfileColumn,
        KindColumn,
        ReasonColumn,
        ResultColumn,
        ColumnCount
    };
    // Data of the list's first column: the item's index in the plan, what the filters match
    // ("to-change conflict failed"), the connector id.
    enum Role
    {
        PlanIndexRole = Qt::UserRole + 1,
        TagsRole,
        IdRole
    };

    // `services`: the profile's current service (it may change between the plan and the apply).
    // `audit` (may be null, not owned) gets the apply's records.
    ChangeSetDialog(ServiceLookup services, AuditLog* audit, QWidget* parent = nullptr);
    ~ChangeSetDialog() override;

    // Plans `entries` (reading every profile they touch) and shows the plan when it is ready.
    // `refused`: connectors left out before planning (a bulk edit that did not fit them), shown
    // among the others.
    void plan(const QList<ChangeSetEntry>& entries, const QList<ChangeSetItem>& refused = {});
    void setPlan(const ChangeSetPlan& plan);
    const ChangeSetPlan& currentPlan() const { return m_plan; }
    bool isPlanning() const { return m_planning; }
    // The apply shown (the first or a retry); null before Apply.
    ChangeSetRun* run() const { return m_run; }
    bool isRunning() const override { return m_run && !m_run->isFinished(); }

signals:
    // An apply (the first or a retry) ended; `profiles` had connectors in it.
    void runFinished(const QStringList& profiles);

private:
    void fillItems();
    void updateRow(int index);
    void updateFilter();
    void showCurrent();
    void showConflict(const ChangeSetItem& item);
    void resolveCurrent(ChangeSetItem::Resolution resolution);
    void updateSummary();
    void updateButtons();
    void updateProgress();
    void apply();
    void retryFailed();
    void startRun(ChangeSetRun* run);
    void takeResult(int runItem);
    void onRunFinished();
    int currentIndex() const; // the plan index of the selected row, -1 for none
    QHash<QString, ConnectorService*> servicesFor(const QList<ChangeSetItem>& items) const;

    std::unique_ptr<Ui::ChangeSetDialog> m_ui;
    ServiceLookup m_services;
    AuditLog* m_audit = nullptr;
    QStandardItemModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    ChangeSetPlan m_plan;
    bool m_planning = false;
    QSet<int> m_wasConflict;       // plan indexes that were conflicts when planned
    QHash<QString, int> m_indexOf; // "profile\nid" → plan index
    struct Result
    {
        ChangeSetRun::State state = ChangeSetRun::State::Pending;
        QString message;
        QStringList verifyNotes;
    };
    QHash<int, Result> m_result; // plan index → its latest run result
    QPointer<ChangeSetRun> m_run;
    QList<int> m_runIndexes; // the run's item i is plan index m_runIndexes[i]
};

} // namespace ca
