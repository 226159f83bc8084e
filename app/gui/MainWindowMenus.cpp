// The window's menus, tool bar and shortcuts: every action it offers, in one place.
#include "ConnectorTableModel.h"
#include "MainWindow.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QMenuBar>
#include <QTableView>
#include <QToolBar>

namespace ca {

void MainWindow::buildMenus()
{
    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolBar"));
    toolbar->setMovable(false);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* profilesAction =
        file->addAction(tr("&Profiles…"), this, &MainWindow::showProfilesDialog);
    profilesAction->setObjectName(QStringLiteral("profilesAction"));
    QAction* prefs = file->addAction(tr("Pre&ferences…"), this, &MainWindow::showPreferences);
    prefs->setShortcut(QKeySequence::Preferences);
    prefs->setObjectName(QStringLiteral("preferencesAction"));
    file->addSeparator();
    addFolderActions(file);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    m_saveAction = edit->addAction(tr("&Review && apply…"), this, &MainWindow::reviewAndApply);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setObjectName(QStringLiteral("saveAction"));
    m_revertAction = edit->addAction(tr("Re&vert"), this, &MainWindow::revertEdit);
    m_revertAction->setObjectName(QStringLiteral("revertAction"));
    QAction* history = edit->addAction(tr("&History…"), this, &MainWindow::showHistory);
    history->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    history->setObjectName(QStringLiteral("historyAction"));
    edit->addSeparator();
    QAction* find = edit->addAction(tr("&Find"), this, [this] {
        m_filterEdit->setFocus();
        m_filterEdit->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    find->setObjectName(QStringLiteral("findAction"));

    edit->addSeparator();
    QAction* update = edit->addAction(tr("Update &Timbal connectors…"), this,
                                      &MainWindow::updateTimbalConnectors);
    update->setObjectName(QStringLiteral("updateTimbalAction"));
    QAction* rollout =
        edit->addAction(tr("R&oll out Timbal update…"), this, &MainWindow::rollOutTimbal);
    rollout->setObjectName(QStringLiteral("rolloutTimbalAction"));
    rollout->setStatusTip(tr("Update Timbal connectors in waves that halt when too many fail: the "
                             "selected ones, or the whole fleet"));
    addBulkEditAction(edit);
    // The list's context menu: what acts on the selection.
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addActions({m_editSelectedAction, rollout});

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* refresh = view->addAction(tr("&Refresh"), this, &MainWindow::refreshAll);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    m_refreshAction = refresh; // its themed icon comes after the first paint
    toolbar->addAction(refresh);
    toolbar->addAction(m_saveAction);
    toolbar->addAction(profilesAction);
    QMenu* columns = view->addMenu(tr("&Columns"));
    for (int c = 0; c < ConnectorTableModel::ColumnCount; ++c) {
        QAction* a = columns->addAction(m_model->headerData(c, Qt::Horizontal).toString());
        a->setCheckable(true);
        a->setChecked(true);
        a->setObjectName(QStringLiteral("column%1Action").arg(c));
        a->setEnabled(c != ConnectorTableModel::NameColumn); // the name always stays visible
        connect(a, &QAction::toggled, this,
                [this, c](bool on) { m_view->setColumnHidden(c, !on); });
        m_view->horizontalHeader()->addAction(a);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Connector Admin"), this, &MainWindow::showAbout)
        ->setObjectName(QStringLiteral("aboutAction"));
}

} // namespace ca
