#include "RunningDialog.h"

#include <QCloseEvent>

namespace ca {

void RunningDialog::reject()
{
    if (isRunning()) {
        m_hiddenWhileRunning = true;
        hide(); // the run goes on; see the class comment
        return;
    }
    QDialog::reject();
}

void RunningDialog::closeEvent(QCloseEvent* event)
{
    if (isRunning()) {
        m_hiddenWhileRunning = true;
        hide();
        event->ignore(); // not closed: WA_DeleteOnClose must not delete the running dialog
        return;
    }
    QDialog::closeEvent(event);
}

void RunningDialog::runEnded()
{
    if (m_hiddenWhileRunning && !isVisible() && testAttribute(Qt::WA_DeleteOnClose))
        deleteLater();
}

} // namespace ca
