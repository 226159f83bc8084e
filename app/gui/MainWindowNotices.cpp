// MainWindow: what the window tells once, without blocking, about the state it started from
// (damaged files kept aside, changes left unfinished by the last session).

#include "MainWindow.h"

#include "EditSession.h"

#include <QMessageBox>
#include <QStatusBar>

namespace ca {

void MainWindow::setRecordKeeping(AuditLog* audit, DraftStore* drafts)
{
    QStringList unreadable;
    m_session->setRecordKeeping(audit, drafts, &unreadable);
    if (!unreadable.isEmpty())
        showFileNotices(unreadable);
    updateDraftBanner();
}

void MainWindow::showFileNotices(const QStringList& notices)
{
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Files kept aside"),
                                tr("%n file(s) could not be used and were kept aside, not "
                                   "deleted; nothing else was lost:",
                                   nullptr, int(notices.size())),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("fileNoticesBox"));
    box->setInformativeText(notices.join(QStringLiteral("\n\n")));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not modal to the event loop: the window keeps working
    statusBar()->showMessage(tr("%n damaged file(s) kept aside.", nullptr, int(notices.size())),
                             10000);
}

void MainWindow::showReconciledIntents(const QStringList& reports)
{
    auto* box = new QMessageBox(QMessageBox::Information, tr("Unfinished changes"),
                                tr("%n change(s) were being sent when the app stopped last time. "
                                   "Each was read again at its vendor and recorded in the "
                                   "history:",
                                   nullptr, int(reports.size())),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("reconciledIntentsBox"));
    box->setInformativeText(reports.join(QStringLiteral("\n\n")));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not modal to the event loop: the window keeps working
    statusBar()->showMessage(
        tr("%n unfinished change(s) from the last session checked.", nullptr, int(reports.size())),
        10000);
}

} // namespace ca
