#include "MainWindow.h"

#include "Appearance.h"
#include "AuditLog.h"
#include "BuildInfo.h"
#include "ChangeSetDialog.h"
#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorForm.h"
#include "ConnectorTableModel.h"
#include "DraftBanner.h"
#include "DraftStore.h"
#include "EditSession.h"
#include "HistoryDialog.h"
#include "HttpClient.h"
#include "KeychainBanner.h"
#include "PreferencesDialog.h"
#include "ProfileStatusPanel.h"
#include "ReviewChangesDialog.h"
#include "RolloutDialog.h"
#include "TimbalService.h"
#include "TimbalUpdateDialog.h"
#include "UiSettings.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <functional>

namespace ca {

MainWindow::MainWindow(ProfileStore& profiles, ApiKeys& keys, QWidget* parent)
    : QMainWindow(parent), m_profiles(profiles), m_keys(keys)
{
    setWindowTitle(tr("Connector Admin"));
    if (const QString theme = UiSettings().value(Setting::Theme).toString(); !theme.isEmpty())
        applyTheme(themeFromString(theme));
    else
        installAppStyle();
    m_model = new ConnectorTableModel(this);
    m_filter = new ConnectorFilterModel(this);
    m_filter->setSourceModel(m_model);
    m_catalog = new ConnectorCatalog(m_profiles, m_keys, m_model, this);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    // The keychain banner (m_banner) is built on the first problem, at the top of this layout.
    m_draftBanner = new DraftBanner(central);
    connect(m_draftBanner, &DraftBanner::restoreRequested, this, &MainWindow::restoreDraft);
    connect(m_draftBanner, &DraftBanner::discardRequested, this, &MainWindow::discardDrafts);
    layout->addWidget(m_draftBanner);

    // Filter bar
    auto* filterBar = new QHBoxLayout;
    auto* findLabel = new QLabel(tr("&Find:"), central);
    m_filterEdit = new QLineEdit(central);
    m_filterEdit->setObjectName(QStringLiteral("filterEdit"));
    m_filterEdit->setPlaceholderText(tr("name, id, type or vendor"));
    m_filterEdit->setAccessibleName(tr("Filter connectors"));
    findLabel->setBuddy(m_filterEdit);
    auto* vendorLabel = new QLabel(tr("&Vendor:"), central);
    m_vendorFilter = new QComboBox(central);
    m_vendorFilter->setObjectName(QStringLiteral("vendorFilter"));
    m_vendorFilter->setAccessibleName(tr("Vendor filter"));
    m_vendorFilter->addItem(tr("All vendors"), QString());
    // Icons after the first paint (startAfterFirstPaint): rendering SVGs is start-up work the
    // first frame does not need.
    for (Vendor v : allVendors())
        m_vendorFilter->addItem(vendorDisplayName(v), vendorId(v));
    vendorLabel->setBuddy(m_vendorFilter);
    auto* profileLabel = new QLabel(tr("&Profile:"), central);
    m_profileFilter = new QComboBox(central);
    m_profileFilter->setObjectName(QStringLiteral("profileFilter"));
    m_profileFilter->setAccessibleName(tr("Profile filter"));
    profileLabel->setBuddy(m_profileFilter);
    m_countLabel = new QLabel(central);
    m_countLabel->setObjectName(QStringLiteral("countLabel"));
    filterBar->addWidget(findLabel);
    filterBar->addWidget(m_filterEdit, 2);
    filterBar->addWidget(vendorLabel);
    filterBar->addWidget(m_vendorFilter);
    filterBar->addWidget(profileLabel);
    filterBar->addWidget(m_profileFilter);
    filterBar->addWidget(m_countLabel);
    layout->addLayout(filterBar);

    m_statusPanel = new ProfileStatusPanel(m_catalog, central);
    connect(m_statusPanel, &ProfileStatusPanel::remedyRequested, this, &MainWindow::fixProfile);
    layout->addWidget(m_statusPanel);

    // List | details
    m_splitter = new QSplitter(Qt::Horizontal, central);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_view = new QTableView(m_splitter);
    m_view->setObjectName(QStringLiteral("connectorView"));
    m_view->setAccessibleName(tr("Connectors"));
    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ConnectorTableModel::NameColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Shift/Ctrl select many (for "Edit selected…"); the details show the current row.
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    // Fixed row heights: no per-row size queries, so 100,000 rows scroll smoothly.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->setColumnWidth(ConnectorTableModel::VendorColumn, 120);
    m_view->setColumnWidth(ConnectorTableModel::ProfileColumn, 130);
    m_view->setColumnWidth(ConnectorTableModel::NameColumn, 240);
    m_view->setColumnWidth(ConnectorTableModel::TypeColumn, 110);
    m_view->setColumnWidth(ConnectorTableModel::IdColumn, 140);
    m_view->setColumnWidth(ConnectorTableModel::StatusColumn, 170);

    m_detail = new QStackedWidget(m_splitter);
    m_detail->setObjectName(QStringLiteral("detailPane"));
    auto* empty = new QLabel(tr("Select a connector to see and edit it."), m_detail);
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    m_detail->addWidget(empty);
    auto* page = new QWidget(m_detail);
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(4, 0, 0, 0);
    m_detailTitle = new QLabel(page);
    m_detailTitle->setObjectName(QStringLiteral("detailTitle"));
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detailTitle->setWordWrap(true);
    auto* scroll = new QScrollArea(page);
    scroll->setObjectName(QStringLiteral("formScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_formHost = new QWidget(scroll);
    auto* hostLayout = new QVBoxLayout(m_formHost);
    hostLayout->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(m_formHost);
    m_session = new EditSession(
        [this](const QString& profile) { return m_catalog->service(profile); }, m_formHost, this);
    connect(m_session, &EditSession::formCreated, this,
            [this](ConnectorForm* form) { m_formHost->layout()->addWidget(form); });
    connect(m_session, &EditSession::editChanged, this, &MainWindow::updateEditActions);
    connect(m_session, &EditSession::modifiedChanged, m_model, &ConnectorTableModel::setModified);
    connect(m_session, &EditSession::applied, this, [this](const Connector& updated) {
        m_model->upsert(updated.profileName, {updated});
        if (m_session->base().profileName == updated.profileName &&
            m_session->base().id == updated.id)
            showOpenConnector();
    });
    connect(m_session, &EditSession::notice, statusBar(), &QStatusBar::showMessage);
    auto* actionsRow = new QHBoxLayout;
    m_reviewButton = new QPushButton(tr("&Review && apply…"), page);
    m_reviewButton->setObjectName(QStringLiteral("reviewButton"));
    m_revertButton = new QPushButton(tr("Re&vert"), page);
    m_revertButton->setObjectName(QStringLiteral("revertButton"));
    m_historyButton = new QPushButton(tr("&History…"), page);
    m_historyButton->setObjectName(QStringLiteral("historyButton"));
    m_historyButton->setEnabled(false);
    connect(m_historyButton, &QPushButton::clicked, this, &MainWindow::showHistory);
    actionsRow->addWidget(m_historyButton);
    m_updateButton = new QPushButton(tr("&Update software…"), page);
    m_updateButton->setObjectName(QStringLiteral("updateButton"));
    m_updateButton->setToolTip(tr("Roll this connector to another Timbal release"));
    m_updateButton->hide();
    connect(m_updateButton, &QPushButton::clicked, this, &MainWindow::updateOpenTimbalConnector);
    actionsRow->addWidget(m_updateButton);
    actionsRow->addStretch(1);
    actionsRow->addWidget(m_revertButton);
    actionsRow->addWidget(m_reviewButton);
    pageLayout->addWidget(m_detailTitle);
    pageLayout->addWidget(scroll, 1);
    pageLayout->addLayout(actionsRow);
    connect(m_reviewButton, &QPushButton::clicked, this, &MainWindow::reviewAndApply);
    connect(m_revertButton, &QPushButton::clicked, this, &MainWindow::revertEdit);
    m_detail->addWidget(page);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({700, 640});
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    connect(m_filterEdit, &QLineEdit::textChanged, m_filter, &ConnectorFilterModel::setFilterText);
    connect(m_vendorFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setVendorFilter(m_vendorFilter->currentData().toString()); });
    connect(m_profileFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setProfileFilter(m_profileFilter->currentData().toString()); });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateCount);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &MainWindow::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateCount);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current, const QModelIndex& previous) {
                const QModelIndex target = m_filter->mapToSource(current);
                if (!hasUnsavedEdit() || QPersistentModelIndex(target) == m_openIndex) {
                    showSelected();
                    return;
                }
                // Stay on the edited connector until the admin decides; no nested event loop.
                {
                    const QSignalBlocker blocker(m_view->selectionModel());
                    m_view->selectionModel()->setCurrentIndex(
                        previous, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
                }
                const QPersistentModelIndex wanted(current);
                confirmLeavingEdit(tr("%1 has unsaved changes.").arg(m_session->base().displayName),
                                   [this, wanted] {
                                       const QSignalBlocker blocker(m_view->selectionModel());
                                       m_view->selectionModel()->setCurrentIndex(
                                           wanted, QItemSelectionModel::ClearAndSelect |
                                                       QItemSelectionModel::Rows);
                                       showSelected();
                                   });
            });
    connect(m_catalog, &ConnectorCatalog::profilesChanged, this, &MainWindow::updateProfileFilter);
    connect(m_catalog, &ConnectorCatalog::statusChanged, this, &MainWindow::updateDraftBanner);
    connect(m_catalog, &ConnectorCatalog::statusChanged, this, [this](const QString& profile) {
        if (m_catalog->status(profile).state == ConnectorCatalog::LoadState::Loaded)
            m_session->reconcileIntents(profile);
    });
    connect(m_session, &EditSession::intentsReconciled, this, &MainWindow::showReconciledIntents);

    m_autoRefresh = new QTimer(this);
    connect(m_autoRefresh, &QTimer::timeout, this, &MainWindow::refreshAll);

    buildMenus();
    resize(1360, 820);
    restoreUiState();
    updateProfileFilter();
    updateCount();
    // Everything slow (keychain, network stack, the first requests) starts once the window has
    // painted, so none of it delays the first frame; a window that is never painted (started
    // minimized) still loads, a moment later.
    QTimer::singleShot(kStartWithoutPaintMs, this, &MainWindow::startAfterFirstPaint);
    if (!m_profiles.notice().isEmpty())
        QTimer::singleShot(0, this, [this] { showFileNotices({m_profiles.notice()}); });
}

bool MainWindow::event(QEvent* event)
{
    if (event->type() == QEvent::Paint && !m_started)
        QTimer::singleShot(0, this, &MainWindow::startAfterFirstPaint);
    return QMainWindow::event(event);
}

void MainWindow::startAfterFirstPaint()
{
    if (m_started || !isVisible())
        return; // a window closed before it got going loads nothing
    m_started = true;
    // Icons go through the icon theme's index (parsed on first use), the image and SVG plugins:
    // half of the window's construction time. The clear button only shows once something is
    // typed, the refresh button shows its text until then, the title bar its default icon.
    m_filterEdit->setClearButtonEnabled(true);
    for (int i = 1; i < m_vendorFilter->count(); ++i) {
        if (const auto v = vendorFromId(m_vendorFilter->itemData(i).toString()))
            m_vendorFilter->setItemIcon(i, ConnectorTableModel::vendorIcon(*v));
    }
    updateProfileFilter(); // now with icons
    m_refreshAction->setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    setWindowIcon(QIcon(QStringLiteral(":/icons/connector-admin.svg"))); // rendered per size
    checkKeychain();
    refreshAll();
}

MainWindow::~MainWindow()
{
    // QWidget deletes the catalog (and its services) before QObject drops connections; a
    // Timbal run ends when its service goes, and must not call back into the dying window.
    for (TimbalUpdateDialog* dialog : findChildren<TimbalUpdateDialog*>())
        disconnect(dialog, nullptr, this, nullptr);
    for (ChangeSetDialog* dialog : findChildren<ChangeSetDialog*>())
        disconnect(dialog, nullptr, this, nullptr);
    // A rollout sends on the catalog's HTTP client: it stops (and saves) before the client goes.
    qDeleteAll(findChildren<RolloutDialog*>());
}

void MainWindow::restoreUiState()
{
    const UiSettings s;
    restoreGeometry(s.value(Setting::WindowGeometry).toByteArray());
    restoreState(s.value(Setting::WindowState).toByteArray());
    m_splitter->restoreState(s.value(Setting::WindowSplitter).toByteArray());
    if (m_view->horizontalHeader()->restoreState(s.value(Setting::WindowColumns).toByteArray())) {
        const auto actions = m_view->horizontalHeader()->actions();
        for (int c = 0; c < actions.size(); ++c)
            actions.at(c)->setChecked(!m_view->isColumnHidden(c));
    }
    applyAutoRefresh(s.value(Setting::AutoRefreshMinutes).toInt());
    applyTimeout(s.value(Setting::NetworkTimeoutSeconds).toInt());
}

void MainWindow::saveUiState()
{
    UiSettings s;
    // Written only when something changed: each write of ui.ini syncs it to disk (a lock file,
    // a temporary file, two fdatasyncs, a rename), which made every close wait on the disk.
    const auto store = [&s](Setting setting, const QByteArray& value) {
        if (s.value(setting).toByteArray() != value)
            s.setValue(setting, value);
    };
    store(Setting::WindowGeometry, saveGeometry());
    store(Setting::WindowState, saveState());
    store(Setting::WindowSplitter, m_splitter->saveState());
    store(Setting::WindowColumns, m_view->horizontalHeader()->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (hasUnsavedEdit() && !m_closeConfirmed) {
        event->ignore();
        confirmLeavingEdit(tr("%1 has unsaved changes.").arg(m_session->base().displayName),
                           [this] {
                               m_closeConfirmed = true;
                               close();
                           });
        return;
    }
    saveUiState();
    m_session->flushDraft();
    event->accept();
}

void MainWindow::refreshAll()
{
    m_catalog->refreshAll();
}

void MainWindow::updateCount()
{
    const int shown = m_filter->rowCount();
    const int total = m_model->rowCount();
    m_countLabel->setText(shown == total ? tr("%n connector(s)", nullptr, total)
                                         : tr("%1 of %n connector(s)", nullptr, total).arg(shown));
}

void MainWindow::updateProfileFilter()
{
    const QString current = m_profileFilter->currentData().toString();
    const QSignalBlocker blocker(m_profileFilter);
    m_profileFilter->clear();
    m_profileFilter->addItem(tr("All profiles"), QString());
    const QList<Profile> all = m_profiles.profiles();
    for (const Profile& p : all) {
        // Icons once the window has painted (SVG rendering is not for the first frame).
        m_profileFilter->addItem(m_started ? ConnectorTableModel::vendorIcon(p.vendor) : QIcon(),
                                 p.name, p.name);
    }
    const int index = m_profileFilter->findData(current);
    m_profileFilter->setCurrentIndex(index < 0 ? 0 : index);
    if (index < 0)
        m_filter->setProfileFilter(QString());
}

void MainWindow::showSelected()
{
    const QModelIndex index = m_filter->mapToSource(m_view->currentIndex());
    if (!index.isValid()) {
        m_detail->setCurrentIndex(0);
        return;
    }
    m_openIndex = QPersistentModelIndex(m_model->index(index.row(), 0));
    openConnector(m_model->connector(index.row()));
}

void MainWindow::openConnector(const Connector& connector)
{
    m_session->open(connector);
    showOpenConnector();
}

void MainWindow::showOpenConnector()
{
    const Connector& c = m_session->base();
    m_updateButton->setVisible(c.vendor == Vendor::Timbal);
    m_detailTitle->setText(QStringLiteral("<b>%1</b><br>%2 · %3 · %4")
                               .arg(c.displayName.toHtmlEscaped(), vendorDisplayName(c.vendor),
                                    c.profileName.toHtmlEscaped(), c.id.toHtmlEscaped()));
    m_detail->setCurrentIndex(1);
}

bool MainWindow::hasUnsavedEdit() const
{
    return m_session->hasUnsavedEdit();
}

void MainWindow::updateEditActions()
{
    const bool open = m_session->isOpen();
    const bool modified = m_session->hasUnsavedEdit();
    setWindowTitle(open ? tr("%1[*] — Connector Admin").arg(m_session->base().displayName)
                        : tr("Connector Admin"));
    setWindowModified(modified);
    m_reviewButton->setEnabled(m_session->canReview());
    m_saveAction->setEnabled(m_session->canReview());
    m_revertButton->setEnabled(modified);
    m_historyButton->setEnabled(open && m_session->audit());
    m_revertAction->setEnabled(modified);
    QString why;
    if (modified && !m_session->isValid())
        why = tr("Fix these first:\n%1").arg(m_session->problemTexts().join(QLatin1Char('\n')));
    m_reviewButton->setToolTip(
        why.isEmpty() ? tr("See exactly what will change, then apply (Ctrl+S)") : why);
}

void MainWindow::revertEdit()
{
    m_session->revert();
}

void MainWindow::confirmLeavingEdit(const QString& question, std::function<void()> proceed)
{
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Unsaved changes"), question,
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("unsavedBox"));
    box->setInformativeText(tr("Review and apply them, discard them, or keep editing."));
    box->button(QMessageBox::Save)->setText(tr("Review && apply…"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, proceed = std::move(proceed)](int result) {
        if (result == QMessageBox::Discard) {
            revertEdit();
            proceed();
        } else if (result == QMessageBox::Save) {
            reviewAndApply();
        }
    });
    box->open();
}

void MainWindow::reviewAndApply()
{
    if (ReviewChangesDialog* dialog = m_session->review(this))
        dialog->open();
}

void MainWindow::applyAutoRefresh(int minutes)
{
    setAutoRefreshInterval(std::chrono::minutes(minutes));
}

void MainWindow::setAutoRefreshInterval(std::chrono::milliseconds interval)
{
    if (interval.count() > 0)
        m_autoRefresh->start(interval);
    else
        m_autoRefresh->stop();
}

void MainWindow::applyTimeout(int seconds)
{
    HttpOptions options = m_catalog->http()->options();
    options.transferTimeoutMs = seconds * 1000;
    m_catalog->http()->setOptions(options);
}

void MainWindow::showPreferences()
{
    auto* dialog = new PreferencesDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PreferencesDialog::autoRefreshMinutesChanged, this,
            &MainWindow::applyAutoRefresh);
    connect(dialog, &PreferencesDialog::timeoutSecondsChanged, this, &MainWindow::applyTimeout);
    connect(dialog, &PreferencesDialog::themeChanged, this, &applyTheme);
    // The dispatch window needs no reaction: it is read when an update dialog opens.
    dialog->open();
}

void MainWindow::showAbout()
{
    auto* box =
        new QMessageBox(QMessageBox::Information, tr("About Connector Admin"),
                        tr("<h3>Connector Admin %1</h3><p>Administer integration connectors of "
                           "Timbal, AI Squared, B3OS, Databar and Bigdata.com.</p>"
                           "<p>Qt %2 (built with %3) · QtKeychain %4</p>")
                            .arg(QLatin1String(kAppVersion), QLatin1String(qVersion()),
                                 QLatin1String(QT_VERSION_STR), QLatin1String(kQtKeychainVersion)),
                        QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIconPixmap(QIcon(QStringLiteral(":/icons/connector-admin.svg")).pixmap(64, 64));
    box->open();
}

void MainWindow::checkKeychain()
{
    m_keys.probe(this, [this](const KeyStoreResult& r) {
        m_keychainAvailable = r.ok();
        if (!r.ok() && !m_banner) {
            m_banner = new KeychainBanner(centralWidget());
            qobject_cast<QBoxLayout*>(centralWidget()->layout())->insertWidget(0, m_banner);
            connect(m_banner, &KeychainBanner::retryRequested, this, &MainWindow::checkKeychain);
        }
        if (m_banner)
            m_banner->showProblem(r);
        emit keychainChecked(r.ok());
    });
}

void MainWindow::showProfilesDialog()
{
    fixProfile(QString(), ApiError::Remedy::None);
}

void MainWindow::fixProfile(const QString& profile, ApiError::Remedy remedy)
{
    auto* dialog = new ProfilesDialog(
        m_profiles, m_keys, std::bind_front(&ConnectorCatalog::testConnection, m_catalog), this);
    dialog->setObjectName(QStringLiteral("profilesDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setKeychainAvailable(m_keychainAvailable);
    connect(dialog, &QDialog::finished, this, &MainWindow::refreshAll);
    dialog->open();
    if (!profile.isEmpty())
        dialog->selectProfile(profile, remedy == ApiError::Remedy::ReplaceKey);
}

int MainWindow::pendingDraftCount() const
{
    return int(m_session->pendingDrafts().size());
}

void MainWindow::updateDraftBanner()
{
    const QList<ConnectorDraft>& pending = m_session->pendingDrafts();
    m_draftBanner->showDrafts(
        pending, !pending.isEmpty() &&
                     m_model->rowOf(pending.first().profile, pending.first().connectorId) >= 0);
}

void MainWindow::restoreDraft()
{
    if (m_session->pendingDrafts().isEmpty())
        return;
    const ConnectorDraft& draft = m_session->pendingDrafts().first();
    const int row = m_model->rowOf(draft.profile, draft.connectorId);
    if (row < 0)
        return;
    auto proceed = [this, row] {
        const Connector current = m_model->connector(row);
        {
            const QSignalBlocker blocker(m_view->selectionModel());
            m_view->setCurrentIndex(m_filter->mapFromSource(m_model->index(row, 0)));
        }
        m_openIndex = QPersistentModelIndex(m_model->index(row, 0));
        const EditSession::Restored restored = m_session->restoreFirstDraft(current);
        showOpenConnector();
        QString message = tr("Restored your edit of %1.").arg(current.displayName);
        if (!restored.note.isEmpty())
            message += QLatin1Char(' ') + restored.note;
        if (!restored.retype.isEmpty())
            message += tr(" Secrets you had typed were not saved; enter them again: %1.")
                           .arg(restored.retype.join(QStringLiteral(", ")));
        statusBar()->showMessage(message, 20000);
        updateDraftBanner();
    };
    if (hasUnsavedEdit())
        confirmLeavingEdit(tr("%1 has unsaved changes.").arg(m_session->base().displayName),
                           proceed);
    else
        proceed();
}

void MainWindow::discardDrafts()
{
    m_session->discardDrafts();
    updateDraftBanner();
}

void MainWindow::openTimbalUpdate(const QString& profile, const QList<Connector>& connectors)
{
    auto* service = qobject_cast<TimbalService*>(m_catalog->service(profile));
    if (!service || connectors.isEmpty()) {
        statusBar()->showMessage(tr("Profile %1 is not loaded yet: refresh it first.").arg(profile),
                                 8000);
        return;
    }
    auto* dialog = new TimbalUpdateDialog(service, connectors, m_session->audit(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setDispatchWindowMs(
        qint64(UiSettings().value(Setting::TimbalDispatchWindowMinutes).toInt()) * 60000);
    dialog->setFleetNewestVersion(m_model->fleetNewestVersion(profile));
    // show(), not open(): the admin keeps browsing while a fleet update runs.
    connect(dialog, &TimbalUpdateDialog::runFinished, this,
            [this, profile] { m_catalog->refresh(profile); });
    dialog->show();
}

void MainWindow::updateTimbalConnectors()
{
    const QString profile = currentTimbalProfile();
    if (profile.isEmpty()) {
        statusBar()->showMessage(tr("There is no Timbal profile."), 8000);
        return;
    }
    openTimbalUpdate(profile, timbalFleet(profile));
}

void MainWindow::updateOpenTimbalConnector()
{
    if (m_session->isOpen() && m_session->base().vendor == Vendor::Timbal)
        openTimbalUpdate(m_session->base().profileName, {m_session->base()});
}

void MainWindow::showHistory()
{
    if (!m_session->audit() || !m_session->isOpen())
        return;
    auto* dialog = new HistoryDialog(*m_session->audit(), m_session->base(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &HistoryDialog::revertRequested, this, [this](const QJsonObject& document) {
        // The inverse edit goes through the same review and apply as any other.
        const Connector base = m_session->base();
        QTimer::singleShot(0, this, [this, base, document] {
            m_session->review(base, document, AuditAction::Revert, this)->open();
        });
    });
    dialog->open();
}

void MainWindow::setDemoSandboxUrl(const QUrl& url)
{
    setWindowTitle(tr("Connector Admin — demo"));
    statusBar()->showMessage(
        tr("Demo: built-in sandbox at %1 · keys are held in memory only").arg(url.toString()));
}

} // namespace ca
