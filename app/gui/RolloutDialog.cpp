#include "RolloutDialog.h"

#include "Appearance.h"
#include "AuditLog.h"
#include "Profile.h"
#include "TimbalRollout.h"
#include "TimbalService.h"
#include "ui_RolloutDialog.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QGroupBox>
#include <QHeaderView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>

namespace ca {

namespace {

constexpr int kFollowIntervalMs = 1000; // a watcher can miss an atomic rename: read anyway
constexpr int kProbeIntervalMs = 2000;  // who drives it: asked at most this often

Profile lockProfile(const ConnectorProfile& p)
{
    Profile out;
    out.name = p.name;
    out.vendor = p.vendor;
    out.baseUrl = p.baseUrl;
    out.orgId = p.orgId;
    return out;
}

QString localTime(const QDateTime& utc)
{
    const QDateTime t = utc.toLocalTime();
    return t.date() == QDate::currentDate() ? t.toString(QStringLiteral("HH:mm:ss"))
                                            : t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

// An action's name ("pause", …) as the notice says it.
QString actionWords(const QString& action)
{
    if (action == QLatin1String("pause"))
        return RolloutDialog::tr("pause");
    if (action == QLatin1String("resume"))
        return RolloutDialog::tr("resume");
    if (action == QLatin1String("continue"))
        return RolloutDialog::tr("start the next wave");
    if (action == QLatin1String("retry"))
        return RolloutDialog::tr("retry the failed connectors");
    if (action == QLatin1String("rollback"))
        return RolloutDialog::tr("abort and roll back");
    return RolloutDialog::tr("abort");
}

} // namespace

RolloutDialog::RolloutDialog(const TimbalService& service, HttpClient* http,
                             const QList<Connector>& connectors, AuditLog* audit, QWidget* parent)
    : RunningDialog(parent), m_ui(std::make_unique<Ui::RolloutDialog>()), m_audit(audit),
      m_dataDir(audit ? audit->directory() : QString()), m_connectors(connectors)
{
    m_ui->setupUi(this);
    setModal(false);
    setWindowTitle(tr("Roll out a Timbal update — %1").arg(service.profile().name));
    m_service = new TimbalService(service.profile(), http, this);
    m_service->setHttpOptions(service.httpOptions());
    m_service->setPageSize(service.pageSize());
    for (const Connector& c : connectors)
        m_selection << c.id;
    m_driver = new TimbalRollout(m_service, audit, AuditTool::Gui, m_dataDir, this);
    connect(m_driver, &TimbalRollout::changed, this, &RolloutDialog::onDriverChanged);
    // Queued: settled() may come from inside an action, before the driver is done with it.
    connect(m_driver, &TimbalRollout::settled, this, &RolloutDialog::onSettled,
            Qt::QueuedConnection);
    connect(m_driver, &TimbalRollout::warning, this,
            [this](const QString& text) { setNotice(text, true); });

    m_followTimer.setInterval(kFollowIntervalMs);
    connect(&m_followTimer, &QTimer::timeout, this, &RolloutDialog::reloadFollowed);
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(100); // a save is a rename plus a directory change: read once
    connect(&m_reloadTimer, &QTimer::timeout, this, &RolloutDialog::reloadFollowed);

    connect(m_ui->pauseButton, &QPushButton::clicked, this,
            [this] { act(QStringLiteral("pause")); });
    connect(m_ui->resumeButton, &QPushButton::clicked, this,
            [this] { act(QStringLiteral("resume")); });
    connect(m_ui->continueButton, &QPushButton::clicked, this,
            [this] { act(QStringLiteral("continue")); });
    connect(m_ui->retryButton, &QPushButton::clicked, this,
            [this] { act(QStringLiteral("retry")); });
    connect(m_ui->abortButton, &QPushButton::clicked, this, [this] { confirmAbort(false); });
    connect(m_ui->rollbackButton, &QPushButton::clicked, this, [this] { confirmAbort(true); });
    connect(m_ui->closeButton, &QPushButton::clicked, this, &QWidget::close);
    m_ui->failedTree->header()->setStretchLastSection(true);
    setUpPlanPage();

    // The profile's active rollout, whoever started it, comes before a new plan.
    QString error;
    if (const auto active = m_driver->store().active(&error)) {
        follow(*active);
    } else {
        showPlanPage();
        if (!error.isEmpty())
            setNotice(error, true);
    }
}

RolloutDialog::~RolloutDialog()
{
    // The driver saves on its way out and may warn: not into a half-destroyed dialog.
    m_driver->disconnect(this);
    delete m_driver;
    if (m_watcher)
        m_watcher->disconnect(this);
}

QString RolloutDialog::profileName() const
{
    return m_service->profile().name;
}

bool RolloutDialog::isRunning() const
{
    return m_driver->isDriving() &&
           (m_driver->rollout().isActive() || m_driver->isRollbackPending());
}

QString RolloutDialog::connectorText(const RolloutItem& item)
{
    return item.name.isEmpty() ? item.id : QStringLiteral("%1 (%2)").arg(item.name, item.id);
}

bool RolloutDialog::isLive() const
{
    return m_ui->pages->currentWidget() == m_ui->livePage;
}

void RolloutDialog::setPollIntervalMs(qint64 ms)
{
    m_pollIntervalMs = qMax<qint64>(10, ms);
    replan();
}

void RolloutDialog::showLivePage()
{
    m_ui->pages->setCurrentWidget(m_ui->livePage);
    m_ui->startButton->setVisible(false);
}

// --- following a rollout driven elsewhere ---

void RolloutDialog::follow(const Rollout& rollout)
{
    m_followed = rollout;
    m_fileStamp = {};
    if (!m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &RolloutDialog::scheduleReload);
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this,
                &RolloutDialog::scheduleReload);
    }
    const QString dir = m_driver->store().directory();
    if (!m_watcher->directories().contains(dir))
        m_watcher->addPath(dir);
    if (!m_watcher->files().isEmpty())
        m_watcher->removePaths(m_watcher->files());
    m_watcher->addPath(m_driver->store().filePath(rollout.id));
    m_followTimer.start();
    m_sinceProbe.invalidate();
    probeDriver();
    showLivePage();
    showRollout();
}

void RolloutDialog::scheduleReload()
{
    if (!m_reloadTimer.isActive())
        m_reloadTimer.start();
}

void RolloutDialog::reloadFollowed()
{
    if (m_driver->isDriving() || m_followed.id.isEmpty())
        return;
    if (!m_followed.isActive() && followNext())
        return;
    RolloutStore& store = m_driver->store();
    // A save replaces the file (rename): the watcher forgets it, so it is added again.
    const QString path = store.filePath(m_followed.id);
    if (m_watcher && !m_watcher->files().contains(path))
        m_watcher->addPath(path);
    // Read only when it changed: a large fleet's file is not parsed every second for nothing.
    const QFileInfo info(path);
    const QPair<QDateTime, qint64> stamp{info.lastModified(), info.size()};
    if (stamp == m_fileStamp) {
        probeDriver(); // the driver may have gone (a crash leaves the file as it was)
        updateDriverLabel(m_followed);
        updateActions(m_followed);
        return;
    }
    auto r = store.load(m_followed.id);
    if (!r)
        return; // between a removal and a rename, or unreadable: keep what is shown
    m_fileStamp = stamp;
    m_followed = *r;
    if (!m_followed.isActive() && followNext())
        return;
    probeDriver();
    showRollout();
}

bool RolloutDialog::followNext()
{
    // Over: its rollback, or a rollout started since (connectorctl), is the one to show.
    RolloutStore& store = m_driver->store();
    const QStringList ids = store.ids();
    const bool rollback = !m_followed.rollbackId.isEmpty();
    const QString next = rollback                                       ? m_followed.rollbackId
                         : !ids.isEmpty() && ids.last() > m_followed.id ? ids.last()
                                                                        : QString();
    if (next.isEmpty())
        return false;
    const auto n = store.load(next);
    if (!n || (!rollback && !n->isActive()))
        return false;
    follow(*n);
    return true;
}

void RolloutDialog::probeDriver()
{
    // Finding out takes the lock for a moment: not more often than needed.
    if (!m_followed.isActive()) {
        m_holder.clear();
        return;
    }
    if (m_sinceProbe.isValid() && m_sinceProbe.elapsed() < kProbeIntervalMs)
        return;
    m_sinceProbe.start();
    m_holder = TimbalRollout::driverOf(lockProfile(m_service->profile()), m_dataDir);
}

// --- the view ---

const Rollout& RolloutDialog::shownRollout() const
{
    return m_driver->isDriving() ? m_driver->rollout() : m_followed;
}

void RolloutDialog::onDriverChanged()
{
    if (m_driver->isDriving())
        showRollout();
}

void RolloutDialog::showRollout()
{
    const Rollout& r = shownRollout();
    const QString target = !r.pinnedTarget.isEmpty()    ? r.pinnedTarget
                           : r.options.target.isEmpty() ? tr("latest (chosen by Timbal)")
                                                        : r.options.target;
    const QString started = localTime(r.created);
    m_ui->liveTitle->setText(
        r.kind == QLatin1String("rollback")
            ? tr("<b>Rollback %1</b> of rollout %2 · started %3")
                  .arg(r.id.toHtmlEscaped(), r.parentId.toHtmlEscaped(), started)
            : tr("<b>Rollout %1</b> to %2 · started %3 from %4")
                  .arg(r.id.toHtmlEscaped(), target.toHtmlEscaped(), started,
                       r.tool == AuditTool::Cli ? tr("connectorctl") : tr("the window")));
    m_ui->stateLabel->setText(r.stateText());
    const bool alarm = r.status == Rollout::Status::NeedsAttention;
    m_ui->stateLabel->setStyleSheet(alarm ? tone::errorText() + QStringLiteral("font-weight: bold;")
                                          : QStringLiteral("font-weight: bold;"));
    m_ui->wavesView->setRollout(r);
    updateDriverLabel(r);
    showEvents(r);
    showFailed(r);
    updateActions(r);
    m_shownId = r.id;
}

void RolloutDialog::updateDriverLabel(const Rollout& r)
{
    QString text;
    if (m_driver->isDriving() && m_driver->isRollbackPending())
        text = tr("Aborted: the roll back starts here once the updates in flight have answered.");
    else if (!r.isActive())
        text = tr("Over: nothing more is sent.");
    else if (m_driver->isDriving())
        text = tr("Driven by this window (process %1): closing the dialog keeps it going.")
                   .arg(QCoreApplication::applicationPid());
    else if (!m_holder.isEmpty())
        text = tr("Driven by %1: your actions are handed to it, which applies them within %2.")
                   .arg(m_holder, RolloutOptions::durationText(r.options.pollIntervalMs));
    else
        text = tr("Not driven: no window or connectorctl sends or watches this rollout now. "
                  "Resume takes it over here.");
    m_ui->driverLabel->setText(text);
    m_ui->driverLabel->setStyleSheet(r.isActive() && !m_driver->isDriving() && m_holder.isEmpty()
                                         ? tone::errorText()
                                         : QString());
}

void RolloutDialog::showEvents(const Rollout& r)
{
    QPlainTextEdit* log = m_ui->eventLog;
    if (r.id != m_shownId || r.events.size() < m_shownEvents) {
        log->clear();
        m_shownEvents = 0;
    }
    for (qsizetype i = m_shownEvents; i < r.events.size(); ++i) {
        const RolloutEvent& e = r.events.at(i);
        log->appendPlainText(QStringLiteral("%1  %2").arg(localTime(e.time), e.text));
    }
    m_shownEvents = r.events.size();
}

void RolloutDialog::showFailed(const Rollout& r)
{
    QList<const RolloutItem*> failed;
    for (const RolloutItem& it : r.items) {
        if (it.state == RolloutItem::State::Failed)
            failed << &it;
    }
    m_ui->failedBox->setTitle(tr("Failed (%1)").arg(failed.size()));
    if (r.id == m_shownId && int(failed.size()) == m_shownFailed)
        return;
    m_shownFailed = int(failed.size());
    QTreeWidget* tree = m_ui->failedTree;
    tree->clear();
    for (const RolloutItem* it : std::as_const(failed)) {
        auto* row = new QTreeWidgetItem(tree);
        row->setText(0,
                     it->name.isEmpty() ? it->id : QStringLiteral("%1 (%2)").arg(it->name, it->id));
        row->setText(1, r.waveName(it->wave));
        row->setText(2, it->message);
    }
    tree->resizeColumnToContents(0);
}

void RolloutDialog::updateActions(const Rollout& r)
{
    using S = Rollout::Status;
    const S s = r.status;
    const bool active = r.isActive();
    const bool nobody = !m_driver->isDriving() && m_holder.isEmpty();
    const bool failed = r.allCounts().failed > 0;
    m_ui->pauseButton->setEnabled(
        active && (s == S::Running || s == S::BetweenWaves || s == S::AwaitingApproval));
    // Not driven: Resume takes a running rollout over too (it was driven by a process now gone).
    m_ui->resumeButton->setEnabled(active &&
                                   (s == S::Paused || s == S::NeedsAttention ||
                                    (nobody && (s == S::Running || s == S::BetweenWaves))));
    m_ui->resumeButton->setToolTip(nobody ? tr("Take the rollout over in this window and go on")
                                          : tr("Go on sending; after a halt only new failures "
                                               "count"));
    m_ui->continueButton->setEnabled(active && s == S::AwaitingApproval);
    m_ui->retryButton->setEnabled(active && failed);
    m_ui->abortButton->setEnabled(active);
    m_ui->rollbackButton->setEnabled(active);
    m_ui->newRolloutButton->setVisible(!active && !m_driver->isDriving());
}

void RolloutDialog::setNotice(const QString& text, bool problem)
{
    m_ui->noticeLabel->setText(text);
    m_ui->noticeLabel->setStyleSheet(problem ? tone::errorText() : QString());
    m_ui->noticeLabel->setVisible(!text.isEmpty());
}

// --- actions ---

void RolloutDialog::confirmAbort(bool rollback)
{
    auto* box = new QMessageBox(QMessageBox::Warning,
                                rollback ? tr("Abort and roll back") : tr("Abort the rollout"),
                                rollback ? tr("Send nothing more, then update every connector "
                                              "that moved in this rollout back to the version it "
                                              "had before, as a rollout of its own?")
                                         : tr("Send nothing more? Connectors already updated stay "
                                              "on the new version; an aborted rollout cannot be "
                                              "resumed."),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmAbortBox"));
    QPushButton* yes = box->addButton(rollback ? tr("Abort and &roll back") : tr("&Abort"),
                                      QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("confirmAbortButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, yes, rollback] {
        if (box->clickedButton() == yes)
            act(rollback ? QStringLiteral("rollback") : QStringLiteral("abort"));
    });
    box->open();
}

void RolloutDialog::act(const QString& action)
{
    const bool driving = m_driver->isDriving();
    // Who asked, in the other process's event log; this window's own actions need no name.
    const QString by =
        driving ? QString() : tr("the window (process %1)").arg(QCoreApplication::applicationPid());
    QString error;
    switch (m_driver->act(action, by, &error)) {
    case TimbalRollout::ActResult::Applied:
        setNotice({}, false);
        if (m_driver->isDriving()) {
            m_followTimer.stop(); // this window drives now: its driver says what changes
            showRollout();
        } else {
            m_fileStamp = {};
            reloadFollowed();
        }
        break;
    case TimbalRollout::ActResult::Requested:
        setNotice(tr("Asked %1 to %2; the view follows when it has.")
                      .arg(m_holder.isEmpty() ? tr("the process that drives it") : m_holder,
                           actionWords(action)),
                  false);
        break;
    case TimbalRollout::ActResult::NoRollout:
        setNotice(tr("The rollout is not active any more."), false);
        reloadFollowed();
        break;
    case TimbalRollout::ActResult::Failed:
        setNotice(error, true);
        break;
    }
}

void RolloutDialog::onSettled()
{
    if (!m_driver->isDriving())
        return;
    emit fleetChanged();
    if (m_driver->rollout().isActive())
        return; // paused, halted or waiting for Continue: this window keeps it
    // Over: the lock goes, so a new rollout (here or in connectorctl) may start.
    const Rollout over = m_driver->rollout();
    m_driver->detach();
    follow(over);
    runEnded();
}

} // namespace ca
