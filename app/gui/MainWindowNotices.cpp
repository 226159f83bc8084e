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

namespace {

// One non-modal box about the state the window started from, and a line in the status bar.
void tellOnce(QMainWindow* window, QMessageBox::Icon icon, const QString& title,
              const QString& text, const QStringList& details, const QString& objectName,
              const QString& status)
{
    auto* box = new QMessageBox(icon, title, text, QMessageBox::Ok, window);
    box->setObjectName(objectName);
    box->setInformativeText(details.join(QStringLiteral("\n\n")));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not modal to the event loop: the window keeps working
    window->statusBar()->showMessage(status, 10000);
}

} // namespace

void MainWindow::showFileNotices(const QStringList& notices)
{
    const int n = int(notices.size());
    tellOnce(this, QMessageBox::Warning, tr("Files kept aside"),
             tr("%n file(s) could not be used and were kept aside, not deleted; nothing else was "
                "lost:",
                nullptr, n),
             notices, QStringLiteral("fileNoticesBox"),
             tr("%n damaged file(s) kept aside.", nullptr, n));
}

void MainWindow::showReconciledIntents(const QStringList& reports)
{
    const int n = int(reports.size());
    tellOnce(this, QMessageBox::Information, tr("Unfinished changes"),
             tr("%n change(s) were being sent when the app stopped last time. Each was read again "
                "at its vendor and recorded in the history:",
                nullptr, n),
             reports, QStringLiteral("reconciledIntentsBox"),
             tr("%n unfinished change(s) from the last session checked.", nullptr, n));
}

} // namespace ca
