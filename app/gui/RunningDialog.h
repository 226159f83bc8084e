#pragma once

#include <QDialog>

namespace ca {

// A dialog that drives a long run over many connectors (a fleet update, a change set). Closing
// it while the run goes on only hides it: the run is not cancelled by a close, and a dialog with
// Qt::WA_DeleteOnClose deletes itself once that run has ended (runEnded()).
class RunningDialog : public QDialog
{
    Q_OBJECT
public:
    using QDialog::QDialog;
    virtual bool isRunning() const = 0;

public slots:
    void reject() override;

protected:
    void closeEvent(QCloseEvent* event) override;
    // Call when a run ended: a dialog closed during it goes now.
    void runEnded();

private:
    bool m_hiddenWhileRunning = false;
};

} // namespace ca
