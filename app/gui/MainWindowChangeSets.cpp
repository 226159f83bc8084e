// The window's change sets: "Edit selected…" over the multi-selection of the list (the bulk edit
// and its review), and the review's wiring to the catalog and the audit log.
#include "BulkEditDialog.h"
#include "ChangeSetDialog.h"
#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorTableModel.h"
#include "EditSession.h"
#include "MainWindow.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QMenu>
#include <QStatusBar>
#include <QTableView>

namespace ca {

void MainWindow::addBulkEditAction(QMenu* edit)
{
    m_editSelectedAction =
        edit->addAction(tr("Edit &selected connectors…"), this, &MainWindow::editSelected);
    m_editSelectedAction->setObjectName(QStringLiteral("editSelectedAction"));
    m_editSelectedAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    // The reason it is disabled is its tooltip: shown in the menu too.
    edit->setToolTipsVisible(true);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::updateBulkEditAction);
    connect(m_catalog, &ConnectorCatalog::statusChanged, this, &MainWindow::updateBulkEditAction);
    updateBulkEditAction();
}

QList<Connector> MainWindow::selectedConnectors() const
{
    QList<Connector> out;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    out.reserve(rows.size());
    for (const QModelIndex& index : rows) {
        const QModelIndex source = m_filter->mapToSource(index);
        if (source.isValid())
            out.append(m_model->connector(source.row()));
    }
    return out;
}

QString MainWindow::bulkEditRefusal(const QList<Connector>& selected) const
{
    if (selected.size() < 2)
        return tr("Select two or more connectors of one vendor (Ctrl+click, Shift+click)");
    const Vendor vendor = selected.first().vendor;
    for (const Connector& c : selected) {
        if (c.vendor != vendor)
            return tr("The selection holds connectors of several vendors: select those of one");
        if (!c.isEditable())
            return tr("%1 connectors have no editable settings").arg(vendorDisplayName(c.vendor));
        if (!m_catalog->service(c.profileName))
            return tr("Profile %1 is not loaded yet").arg(c.profileName);
    }
    return {};
}

void MainWindow::updateBulkEditAction()
{
    if (!m_editSelectedAction)
        return;
    const QList<Connector> selected = selectedConnectors();
    const QString why = bulkEditRefusal(selected);
    m_editSelectedAction->setEnabled(why.isEmpty());
    const QString tip = why.isEmpty()
                            ? tr("Change %n connector(s) at once, then review (Ctrl+Shift+E)",
                                 nullptr, int(selected.size()))
                            : why;
    m_editSelectedAction->setToolTip(tip);
    m_editSelectedAction->setStatusTip(tip);
}

void MainWindow::editSelected()
{
    const QList<Connector> selected = selectedConnectors();
    if (const QString why = bulkEditRefusal(selected); !why.isEmpty()) {
        statusBar()->showMessage(why, 8000);
        return;
    }
    auto* dialog = new BulkEditDialog(
        selected, [this](const QString& profile) { return m_catalog->service(profile); }, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &BulkEditDialog::reviewRequested, this,
            [this](const QList<ChangeSetEntry>& entries, const QList<ChangeSetItem>& refused) {
                openChangeSetReview(entries, refused);
            });
    dialog->open();
}

ChangeSetDialog* MainWindow::openChangeSetReview(const QList<ChangeSetEntry>& entries,
                                                 const QList<ChangeSetItem>& refused)
{
    // The catalog's current services: a profile reloaded meanwhile has a new one.
    auto* dialog =
        new ChangeSetDialog([this](const QString& profile) { return m_catalog->service(profile); },
                            m_session->audit(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ChangeSetDialog::runFinished, this, [this](const QStringList& profiles) {
        for (const QString& profile : profiles)
            m_catalog->refresh(profile);
    });
    dialog->plan(entries, refused);
    // show(), not open(): the admin keeps browsing while a change set is planned and applied.
    dialog->show();
    return dialog;
}

} // namespace ca
