#pragma once

#include "ApiError.h"
#include "ApiKeys.h"
#include "ChangeSet.h" // openChangeSetReview()'s arguments, defaulted
#include "Connector.h"
#include "DraftStore.h"
#include "ProfileStore.h"
#include "ProfilesDialog.h"

#include <QMainWindow>

#include <QPersistentModelIndex>
#include <QUrl>
#include <chrono>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTimer;

namespace ca {

class AuditLog;
class ChangeSetDialog;
class ConnectorCatalog;
class ConnectorForm;
class DraftBanner;
class DraftStore;
class EditSession;

class ConnectorFilterModel;
class ConnectorTableModel;
class KeychainBanner;
class ProfileStatusPanel;

// The window an admin sees all day: every connector of every profile in one filterable list,
// per-profile loading state, and the selected connector's details.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ProfileStore& profiles, ApiKeys& keys, QWidget* parent = nullptr);
    ~MainWindow() override;

    void setDemoSandboxUrl(const QUrl& url);
    // Where applies are recorded and unsaved edits autosaved. Drafts left by an earlier session
    // (a crash, a kill) are offered for restoring once their connectors are loaded.
    void setRecordKeeping(AuditLog* audit, DraftStore* drafts);
    int pendingDraftCount() const;
    EditSession* editSession() const { return m_session; }
    bool keychainAvailable() const { return m_keychainAvailable; }
    ConnectorCatalog* catalog() const { return m_catalog; }
    ConnectorTableModel* connectorModel() const { return m_model; }
    ConnectorFilterModel* filterModel() const { return m_filter; }
    // Auto-refresh every `interval` (0: off). The preferences set it in minutes; the soak test
    // runs it every second.
    void setAutoRefreshInterval(std::chrono::milliseconds interval);
    // The review of a change set (a bulk edit, a folder compared with the servers), non-modal;
    // `refused`: connectors left out before planning, listed with the others.
    ChangeSetDialog* openChangeSetReview(const QList<ca::ChangeSetEntry>& entries,
                                         const QList<ca::ChangeSetItem>& refused = {});

public slots:
    void checkKeychain();
    void showProfilesDialog();
    // The profiles dialog on `profile`, asking for a new key at once for Remedy::ReplaceKey (a
    // load error's button).
    void fixProfile(const QString& profile, ca::ApiError::Remedy remedy);
    void showPreferences();
    void showAbout();
    void refreshAll();
    void reviewAndApply();
    void revertEdit();
    void showHistory();
    // Timbal software updates: every Timbal connector of the selected (or first) Timbal profile,
    // or only the connector in the detail pane.
    void updateTimbalConnectors();
    void updateOpenTimbalConnector();
    // A staged rollout (MainWindowRollouts.cpp): the selected Timbal connectors (two or more of
    // one profile), else the whole fleet of the selected, open or first Timbal profile; the
    // profile's active rollout instead, when it has one.
    void rollOutTimbal();
    void restoreDraft();
    void discardDrafts();
    // The bulk edit of the selected connectors (two or more of one vendor).
    void editSelected();
    // Connectors as files (MainWindowFolders.cpp): every loaded profile's connectors written
    // into `directory` as `connectorctl export` writes them; the folder's plan in the change-set
    // review, its bases updated after each apply. Both answer asynchronously (foldersChanged).
    void exportConnectorsTo(const QString& directory);
    ChangeSetDialog* compareWithFolder(const QString& directory);

signals:
    void keychainChecked(bool available);
    // An export into `directory` finished, or an apply from it updated its bases.
    void foldersChanged(const QString& directory);

protected:
    bool event(QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    // What the first frame does not need (themed icons, the keychain check, the first load of
    // every profile) runs after the first paint.
    void startAfterFirstPaint();
    static constexpr int kStartWithoutPaintMs = 1000;
    bool m_started = false;
    QAction* m_refreshAction = nullptr;
    void buildMenus();
    void restoreUiState();
    void saveUiState();
    void updateCount();
    void updateProfileFilter();
    void showSelected();
    void applyAutoRefresh(int minutes);
    void applyTimeout(int seconds);
    bool hasUnsavedEdit() const;
    void openConnector(const Connector& connector);
    void showOpenConnector(); // the detail pane's title and buttons for the session's connector
    void updateEditActions();
    // Asks what to do with an unsaved edit, then runs `proceed` unless the admin cancelled.
    void confirmLeavingEdit(const QString& question, std::function<void()> proceed);
    void updateDraftBanner();

    ProfileStore& m_profiles;
    ApiKeys& m_keys;
    ConnectorTableModel* m_model = nullptr;
    ConnectorFilterModel* m_filter = nullptr;
    ConnectorCatalog* m_catalog = nullptr;
    KeychainBanner* m_banner = nullptr;
    ProfileStatusPanel* m_statusPanel = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QComboBox* m_vendorFilter = nullptr;
    QComboBox* m_profileFilter = nullptr;
    QLabel* m_countLabel = nullptr;
    QTableView* m_view = nullptr;
    QSplitter* m_splitter = nullptr;
    QStackedWidget* m_detail = nullptr;
    QLabel* m_detailTitle = nullptr;
    QWidget* m_formHost = nullptr;
    EditSession* m_session = nullptr;
    QPersistentModelIndex m_openIndex; // source row of the connector in the form
    QPushButton* m_reviewButton = nullptr;
    QPushButton* m_revertButton = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_revertAction = nullptr;
    bool m_closeConfirmed = false;
    QPushButton* m_historyButton = nullptr;
    QPushButton* m_updateButton = nullptr;
    void openTimbalUpdate(const QString& profile, const QList<Connector>& connectors);
    void openRollout(const QString& profile, const QList<Connector>& connectors);
    // The open connector's Timbal profile, else the first Timbal profile; empty: none.
    QString currentTimbalProfile() const;
    QList<Connector> timbalFleet(const QString& profile) const; // as last listed
    void showReconciledIntents(const QStringList& reports);
    // Files that could not be used and were kept aside (a damaged draft, a garbage profiles.ini,
    // a link where an app file belongs): one non-modal box that says which and where they went.
    void showFileNotices(const QStringList& notices);
    // Change sets (MainWindowChangeSets.cpp).
    void addBulkEditAction(QMenu* edit);
    void addFolderActions(QMenu* file);
    void chooseExportFolder();
    void chooseCompareFolder();
    QList<Connector> selectedConnectors() const;
    QString bulkEditRefusal(const QList<Connector>& selected) const; // empty: allowed
    void updateBulkEditAction();
    QAction* m_editSelectedAction = nullptr;
    DraftBanner* m_draftBanner = nullptr;
    QTimer* m_autoRefresh = nullptr;
    bool m_keychainAvailable = true;
};

} // namespace ca
