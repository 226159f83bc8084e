#include "MainWindow.h"

#include "KeychainBanner.h"

#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>

namespace ca {

MainWindow::MainWindow(ProfileStore& profiles, ApiKeys& keys, QWidget* parent)
    : QMainWindow(parent), m_profiles(profiles), m_keys(keys)
{
    setWindowTitle(tr("Connector Admin"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_banner = new KeychainBanner(central);
    layout->addWidget(m_banner);
    m_status = new QLabel(tr("Connector Admin: the connector list arrives with the main window."), central);
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setObjectName(QStringLiteral("placeholderLabel"));
    layout->addWidget(m_status, 1);
    setCentralWidget(central);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* profilesAction = file->addAction(tr("&Profiles…"), this, &MainWindow::showProfilesDialog);
    profilesAction->setObjectName(QStringLiteral("profilesAction"));
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    connect(m_banner, &KeychainBanner::retryRequested, this, &MainWindow::checkKeychain);
    resize(1100, 700);
    // The keychain health check runs once the window is up, never blocking it.
    QTimer::singleShot(0, this, &MainWindow::checkKeychain);
}

void MainWindow::checkKeychain()
{
    m_keys.probe(this, [this](const KeyStoreResult& r) {
        m_keychainAvailable = r.ok();
        m_banner->showProblem(r);
        emit keychainChecked(r.ok());
    });
}

void MainWindow::showProfilesDialog()
{
    auto* dialog = new ProfilesDialog(m_profiles, m_keys, m_connectionTest, this);
    dialog->setObjectName(QStringLiteral("profilesDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setKeychainAvailable(m_keychainAvailable);
    dialog->open();
}

void MainWindow::setDemoSandboxUrl(const QUrl& url)
{
    statusBar()->showMessage(tr("Demo: built-in sandbox at %1").arg(url.toString()));
}

} // namespace ca
