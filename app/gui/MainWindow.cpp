#include "MainWindow.h"

#include <QLabel>
#include <QStatusBar>

namespace ca {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Connector Admin"));
    m_status = new QLabel(tr("Connector Admin: the connector list arrives with the main window."), this);
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setObjectName(QStringLiteral("placeholderLabel"));
    setCentralWidget(m_status);
    resize(900, 600);
}

void MainWindow::setDemoSandboxUrl(const QUrl& url)
{
    statusBar()->showMessage(tr("Demo: built-in sandbox at %1").arg(url.toString()));
}

} // namespace ca
