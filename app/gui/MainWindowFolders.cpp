// The window's connectors-as-files actions: File → Export connectors… (every loaded profile into a
// folder, by the same rules as `connectorctl export`) and Compare with folder… (the folder's plan
// in the change-set review, applicable from there, the folder's bases updated after an apply as
// `connectorctl apply DIR` does). The rules are FolderChangeSet's.
#include "ChangeSetDialog.h"
#include "ConnectorCatalog.h"
#include "EditSession.h"
#include "FolderChangeSet.h"
#include "MainWindow.h"

#include <QAction>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <memory>

namespace ca {

namespace {

// One non-modal box with what the user should read after a folder action.
void showDetails(QWidget* parent, const QString& title, const QString& text,
                 const QStringList& details)
{
    auto* box = new QMessageBox(details.isEmpty() ? QMessageBox::Information : QMessageBox::Warning,
                                title, text, QMessageBox::Ok, parent);
    box->setObjectName(QStringLiteral("folderResultBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    if (!details.isEmpty())
        box->setDetailedText(details.join(QLatin1Char('\n')));
    box->open();
}

} // namespace

void MainWindow::addFolderActions(QMenu* file)
{
    QAction* exportAction =
        file->addAction(tr("&Export connectors…"), this, &MainWindow::chooseExportFolder);
    exportAction->setObjectName(QStringLiteral("exportConnectorsAction"));
    exportAction->setStatusTip(tr("Write every connector of the loaded profiles into a folder, one "
                                  "file each (secrets as placeholders), to keep in git"));
    QAction* compare =
        file->addAction(tr("&Compare with folder…"), this, &MainWindow::chooseCompareFolder);
    compare->setObjectName(QStringLiteral("compareFolderAction"));
    compare->setStatusTip(tr("Plan a folder of connector files against the servers and review "
                             "it as one change set"));
}

void MainWindow::chooseExportFolder()
{
    auto* dialog = new QFileDialog(this, tr("Export connectors into"));
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::exportConnectorsTo);
    dialog->open();
}

void MainWindow::chooseCompareFolder()
{
    auto* dialog = new QFileDialog(this, tr("Compare with the connector files in"));
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::compareWithFolder);
    dialog->open();
}

void MainWindow::exportConnectorsTo(const QString& directory)
{
    struct Run
    {
        explicit Run(const QString& d) : folder(d) {}
        ConnectorFolder folder;
        FolderExport total;
        QStringList failedProfiles;
        int profiles = 0;
        int pending = 0;
    };
    auto run = std::make_shared<Run>(directory);
    QList<ConnectorService*> services;
    for (const ConnectorCatalog::ProfileStatus& s : m_catalog->statuses()) {
        ConnectorService* service = m_catalog->service(s.profile);
        if (service && s.vendor != Vendor::Timbal &&
            ConnectorFolder::profileRefusal(s.profile).isEmpty())
            services.append(service);
    }
    if (services.isEmpty()) {
        statusBar()->showMessage(tr("No loaded profile has connectors to export"), 8000);
        return;
    }
    run->pending = int(services.size());
    statusBar()->showMessage(tr("Exporting connectors to %1…").arg(directory));
    for (ConnectorService* service : std::as_const(services)) {
        const QString profile = service->profile().name;
        ConnectorListJob* job = service->list();
        connect(job, &ConnectorListJob::finished, this,
                [this, run, profile,
                 service = QPointer<ConnectorService>(service)](const ConnectorListResult& r) {
                    if (!r.ok() || !service) {
                        run->failedProfiles << tr("%1: %2").arg(profile, r.error.toString());
                    } else {
                        const FolderExport done =
                            ca::exportToFolder(run->folder, *service, r.connectors, false);
                        FolderExport& t = run->total;
                        t.rewritten += done.rewritten;
                        t.unchanged += done.unchanged;
                        t.keptEdits += done.keptEdits + done.keptGone;
                        t.removed += done.removed;
                        t.failed += done.failed;
                        t.notes += done.notes + done.errors;
                        ++run->profiles;
                    }
                    if (--run->pending > 0)
                        return;
                    const FolderExport& t = run->total;
                    const QString summary =
                        tr("Exported %1 connector(s) of %2 profile(s) to %3: %4 rewritten, %5 "
                           "unchanged, %6 kept as edited, %7 removed")
                            .arg(t.exported())
                            .arg(run->profiles)
                            .arg(run->folder.directory())
                            .arg(t.rewritten)
                            .arg(t.unchanged)
                            .arg(t.keptEdits)
                            .arg(t.removed);
                    statusBar()->showMessage(summary, 15000);
                    const QStringList details = run->failedProfiles + t.notes;
                    if (!details.isEmpty() || t.failed > 0)
                        showDetails(this, tr("Export connectors"), summary, details);
                    emit foldersChanged(run->folder.directory());
                });
    }
}

ChangeSetDialog* MainWindow::compareWithFolder(const QString& directory)
{
    auto folder = std::make_shared<ConnectorFolder>(directory);
    FolderReadError error;
    auto read = readFolderChangeSet(*folder, FolderSide::File, {}, processEnvironment, &error);
    if (!read) {
        showDetails(this, tr("Compare with folder"),
                    error.hint.isEmpty() ? error.message
                                         : error.message + QLatin1Char('\n') + error.hint,
                    error.more);
        return nullptr;
    }
    auto in = std::make_shared<FolderChangeSet>(*read);
    ChangeSetDialog* dialog = openChangeSetReview(in->entries);
    // After each apply (the first or a retry), the folder's bases become what the servers hold.
    connect(dialog, &ChangeSetDialog::runFinished, this, [this, dialog, folder, in] {
        if (!dialog->run())
            return;
        QHash<QString, ConnectorService*> services;
        for (const QString& profile : std::as_const(in->profiles))
            services.insert(profile, m_catalog->service(profile));
        const QStringList problems = recordAppliedInFolder(*folder, *in, services, *dialog->run());
        if (!problems.isEmpty())
            showDetails(this, tr("Compare with folder"),
                        tr("Applied, but the folder could not be brought up to date"), problems);
        emit foldersChanged(folder->directory());
    });
    return dialog;
}

} // namespace ca
