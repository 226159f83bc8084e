#include "TimbalUpdateDialog.h"

#include "ConnectorTableModel.h"
#include "Semver.h"
#include "ui_TimbalUpdateDialog.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>

namespace ca {

namespace {

enum Column
{
    ConnectorColumn,
    VersionColumn,
    OnlineColumn,
    SkipColumn,
    ResultColumn,
    ColumnCount
};

// Object names of the count labels, for tests: "countUpdated", "countAlreadyCurrent", …
QString countObjectName(TimbalUpdateRun::RowState state)
{
    QString id = TimbalUpdateRun::stateId(state);
    QString name = QStringLiteral("count");
    bool upper = true;
    for (const QChar c : id) {
        if (c == QLatin1Char('-')) {
            upper = true;
            continue;
        }
        name += upper ? c.toUpper() : c;
        upper = false;
    }
    return name;
}

} // namespace

TimbalUpdateDialog::TimbalUpdateDialog(TimbalService* service, const QList<Connector>& connectors,
                                       AuditLog* audit, QWidget* parent)
    : RunningDialog(parent), m_ui(std::make_unique<Ui::TimbalUpdateDialog>()), m_service(service),
      m_connectors(connectors), m_audit(audit)
{
    m_ui->setupUi(this);
    setModal(false);
    if (service)
        setWindowTitle(tr("Update Timbal connectors — %1").arg(service->profile().name));

    m_ui->versionCombo->addItem(tr("latest (chosen by Timbal)"), QString());
    m_ui->versionCombo->lineEdit()->setPlaceholderText(tr("latest, or a version such as 0.1.3"));

    m_ui->rowsTable->setColumnCount(ColumnCount);
    m_ui->rowsTable->setHorizontalHeaderLabels({tr("Connector"), tr("From → to"),
                                                tr("Connected · online"), tr("Will skip because"),
                                                tr("Result")});
    m_ui->rowsTable->horizontalHeaderItem(OnlineColumn)
        ->setToolTip(ConnectorTableModel::timbalConnectedHelp() + QLatin1Char('\n') +
                     ConnectorTableModel::timbalOnlineHelp());
    m_ui->rowsTable->horizontalHeader()->setStretchLastSection(true);
    m_ui->rowsTable->verticalHeader()->setVisible(false);

    for (int s = 0; s < TimbalUpdateRun::kStateCount; ++s) {
        const auto state = TimbalUpdateRun::RowState(s);
        auto* name =
            new QLabel(TimbalUpdateRun::stateName(state) + QLatin1Char(':'), m_ui->countsBox);
        auto* value = new QLabel(QStringLiteral("0"), m_ui->countsBox);
        value->setObjectName(countObjectName(state));
        value->setAccessibleName(TimbalUpdateRun::stateName(state));
        name->setBuddy(value);
        const int row = s / 5;
        const int col = (s % 5) * 2;
        m_ui->countsLayout->addWidget(name, row, col);
        m_ui->countsLayout->addWidget(value, row, col + 1);
        m_countLabels.insert(s, value);
    }

    connect(m_ui->versionCombo, &QComboBox::editTextChanged, this,
            &TimbalUpdateDialog::onVersionEdited);
    connect(m_ui->versionCombo, &QComboBox::currentIndexChanged, this,
            &TimbalUpdateDialog::onVersionEdited);
    connect(m_ui->forceCheck, &QCheckBox::toggled, this, &TimbalUpdateDialog::onVersionEdited);
    connect(m_ui->confirmButton, &QPushButton::clicked, this, &TimbalUpdateDialog::confirm);
    connect(m_ui->cancelRemainingButton, &QPushButton::clicked, this, [this] {
        if (m_run)
            m_run->cancelRemaining();
    });
    connect(m_ui->retryFailedButton, &QPushButton::clicked, this, &TimbalUpdateDialog::retryFailed);
    connect(m_ui->closeButton, &QPushButton::clicked, this, &QWidget::close);

    if (!service)
        m_ui->summaryLabel->setText(tr("The Timbal profile is not available."));
    updateButtons();
    readDispatchRecords();
    replan();
}

TimbalUpdateDialog::~TimbalUpdateDialog()
{
    // ~QDialog hides the dialog; the focus leaving the editable version combo then commits its
    // text, and onVersionEdited() would run on a half-destroyed dialog (found by UBSan).
    m_ui->versionCombo->disconnect(this);
}

bool TimbalUpdateDialog::isRunning() const
{
    return m_run && m_run->isStarted() && !m_run->isFinished();
}

void TimbalUpdateDialog::setPollOptions(int intervalMs, int timeoutMs)
{
    m_pollIntervalMs = intervalMs;
    m_pollTimeoutMs = timeoutMs;
    if (m_run && !m_run->isStarted()) {
        m_run->setPollIntervalMs(intervalMs);
        m_run->setPollTimeoutMs(timeoutMs);
    }
}

void TimbalUpdateDialog::setDispatchWindowMs(qint64 ms)
{
    if (qMax<qint64>(0, ms) == m_windowMs)
        return;
    m_windowMs = qMax<qint64>(0, ms);
    readDispatchRecords();
    replan();
}

void TimbalUpdateDialog::setFleetNewestVersion(const QString& version)
{
    m_fleetNewest = version;
    replan();
}

void TimbalUpdateDialog::readDispatchRecords()
{
    // Once per dialog (and window change), not per keystroke: the audit log's recent tail only.
    if (m_audit && m_service)
        m_dispatches = TimbalDispatchRecords::read(*m_audit, m_service->profile().name, m_windowMs);
}

QString TimbalUpdateDialog::typedTarget(bool* valid, QString* error) const
{
    *valid = true;
    const QString text = m_ui->versionCombo->currentText().trimmed();
    const int index = m_ui->versionCombo->findText(text);
    if (index >= 0)
        return m_ui->versionCombo->itemData(index).toString();
    if (text.isEmpty() || text.compare(QLatin1String("latest"), Qt::CaseInsensitive) == 0 ||
        text == tr("latest") || text == m_ui->versionCombo->itemText(0))
        return {};
    const auto v = Semver::parse(text, error);
    *valid = v.has_value();
    return v ? v->toString() : QString();
}

void TimbalUpdateDialog::onVersionEdited()
{
    if (m_confirmed)
        return;
    replan();
}

void TimbalUpdateDialog::replan()
{
    if (m_confirmed || !m_service)
        return;
    bool valid = false;
    QString error;
    const QString target = typedTarget(&valid, &error);
    if (!valid) {
        m_ui->versionError->setText(error);
        m_ui->versionError->setVisible(true);
        m_ui->versionCombo->setAccessibleDescription(error);
        m_ui->summaryLabel->setText(tr("Type a version such as 0.1.3, or pick one."));
        updateButtons();
        m_ui->confirmButton->setEnabled(false);
        return;
    }
    if (m_run && !m_run->isStarted())
        m_run->deleteLater();
    m_run = new TimbalUpdateRun(m_service, m_connectors, this);
    m_run->setTargetVersion(target);
    m_run->setAuditLog(m_audit, AuditTool::Gui);
    m_run->setDispatchWindowMs(m_windowMs);
    m_run->setDispatchRecords(m_dispatches);
    m_run->setForce(m_ui->forceCheck->isChecked());
    m_run->setFleetNewestVersion(m_fleetNewest);
    m_run->setPollIntervalMs(m_pollIntervalMs);
    m_run->setPollTimeoutMs(m_pollTimeoutMs);
    m_run->preview(); // synchronous

    const QString planError = m_run->planError();
    m_ui->versionError->setText(planError);
    m_ui->versionError->setVisible(!planError.isEmpty());
    m_ui->versionCombo->setAccessibleDescription(planError);

    const int planned = m_run->plannedCount();
    const int skipped = int(m_run->rows().size()) - planned;
    const QString to = m_run->resolvedTarget().isEmpty() ? tr("the latest release (chosen by "
                                                              "Timbal)")
                                                         : m_run->resolvedTarget();
    QString summary = tr("%n connector(s) will be told to move to %1", "", planned).arg(to);
    if (skipped > 0)
        summary += QStringLiteral("; ") + tr("%n skipped (see why below)", "", skipped);
    summary += QLatin1Char('.');
    if (!m_run->planWarning().isEmpty())
        summary += QLatin1Char(' ') + m_run->planWarning();
    m_ui->summaryLabel->setText(summary);
    showRun(m_run);
}

void TimbalUpdateDialog::showRun(TimbalUpdateRun* run)
{
    connect(run, &TimbalUpdateRun::rowChanged, this, [this, run](int row) {
        if (run == m_run)
            updateRow(row);
    });
    connect(run, &TimbalUpdateRun::countsChanged, this,
            [this, run](const TimbalUpdateRun::Counts& c) {
                if (run == m_run)
                    updateCounts(c);
            });
    connect(run, &TimbalUpdateRun::finished, this, [this, run](const TimbalUpdateRun::Counts& c) {
        if (run == m_run)
            onRunFinished(c);
    });
    fillTable();
    updateCounts(run->counts());
    updateButtons();
}

void TimbalUpdateDialog::fillTable()
{
    QTableWidget* t = m_ui->rowsTable;
    t->setRowCount(0);
    if (!m_run)
        return;
    t->setRowCount(int(m_run->rows().size()));
    for (int r = 0; r < m_run->rows().size(); ++r) {
        for (int c = 0; c < ColumnCount; ++c)
            t->setItem(r, c, new QTableWidgetItem);
        updateRow(r);
    }
    t->resizeColumnsToContents();
}

void TimbalUpdateDialog::updateRow(int row)
{
    if (!m_run || row >= m_ui->rowsTable->rowCount())
        return;
    const TimbalUpdateRun::Row& r = m_run->rows().at(row);
    QTableWidget* t = m_ui->rowsTable;
    const QString name =
        r.connector.displayName.isEmpty()
            ? r.connector.id
            : QStringLiteral("%1 (%2)").arg(r.connector.displayName, r.connector.id);
    t->item(row, ConnectorColumn)->setText(name);
    t->item(row, ConnectorColumn)->setData(Qt::UserRole, r.connector.id);
    const QString from = r.fromVersion.isEmpty() ? tr("unknown") : r.fromVersion;
    const QString to = r.toVersion.isEmpty() ? tr("latest") : r.toVersion;
    t->item(row, VersionColumn)->setText(tr("%1 → %2").arg(from, to));
    t->item(row, OnlineColumn)
        ->setText(QStringLiteral("%1 · %2").arg(
            ConnectorTableModel::flagText(r.connector.connected, tr("connected"),
                                          tr("not connected")),
            ConnectorTableModel::flagText(r.connector.online, tr("online"), tr("not online"))));
    t->item(row, SkipColumn)->setText(r.skipReason);
    QString result;
    if (m_run->isStarted() && r.state != TimbalUpdateRun::RowState::Skipped)
        result = r.message.isEmpty()
                     ? TimbalUpdateRun::stateName(r.state)
                     : QStringLiteral("%1: %2").arg(TimbalUpdateRun::stateName(r.state), r.message);
    t->item(row, ResultColumn)->setText(result);
    t->item(row, ResultColumn)->setData(Qt::UserRole, int(r.state));
}

void TimbalUpdateDialog::updateCounts(const TimbalUpdateRun::Counts& counts)
{
    for (auto it = m_countLabels.begin(); it != m_countLabels.end(); ++it)
        it.value()->setText(QString::number(counts.byState[size_t(it.key())]));
    m_ui->progressBar->setMaximum(qMax(1, counts.total));
    m_ui->progressBar->setValue(counts.finished);
    m_ui->progressBar->setFormat(tr("%1 of %2 done").arg(counts.finished).arg(counts.total));
    updateButtons();
}

void TimbalUpdateDialog::updateButtons()
{
    const bool started = m_run && m_run->isStarted();
    const bool finished = m_run && m_run->isFinished();
    const int planned = m_run && !started ? m_run->plannedCount() : 0;
    m_ui->confirmButton->setVisible(!m_confirmed);
    m_ui->confirmButton->setText(tr("&Update %n connector(s)", "", planned));
    m_ui->confirmButton->setEnabled(!m_confirmed && planned > 0 &&
                                    m_ui->versionError->text().isEmpty());
    m_ui->cancelRemainingButton->setEnabled(
        started && !finished && m_run->counts().of(TimbalUpdateRun::RowState::Pending) > 0);
    bool retryable = false;
    if (finished) {
        for (const auto& r : m_run->rows())
            retryable = retryable ||
                        (r.state == TimbalUpdateRun::RowState::Failed && !r.mayHaveBeenDispatched);
    }
    m_ui->retryFailedButton->setEnabled(retryable);
}

void TimbalUpdateDialog::confirm()
{
    if (!m_run || m_run->isStarted() || m_run->plannedCount() == 0)
        return;
    m_confirmed = true;
    m_ui->versionCombo->setEnabled(false);
    m_ui->concurrencySpin->setEnabled(false);
    m_ui->forceCheck->setEnabled(false);
    m_ui->runPanel->setVisible(true);
    m_run->setConcurrency(m_ui->concurrencySpin->value());
    m_run->start();
    m_ui->summaryLabel->setText(tr("Updating %n connector(s) to %1…", "", m_run->plannedCount())
                                    .arg(m_run->resolvedTarget().isEmpty()
                                             ? tr("the latest release (chosen by Timbal)")
                                             : m_run->resolvedTarget()));
    fillTable();
    updateButtons();
}

void TimbalUpdateDialog::retryFailed()
{
    if (!m_run || !m_run->isFinished())
        return;
    TimbalUpdateRun* retry = m_run->retryFailed(this);
    if (!retry)
        return;
    m_run = retry;
    m_run->setConcurrency(m_ui->concurrencySpin->value());
    m_run->preview();
    m_ui->summaryLabel->setText(
        tr("Retrying %n failed connector(s)…", "", int(m_run->rows().size())));
    showRun(m_run);
    m_run->start();
    fillTable();
    updateButtons();
}

void TimbalUpdateDialog::onRunFinished(const TimbalUpdateRun::Counts& counts)
{
    using S = TimbalUpdateRun::RowState;
    m_ui->summaryLabel->setText(
        tr("Done: %1 updated, %2 already current, %3 dispatched without confirmation, %4 timed "
           "out, %5 failed, %6 skipped, %7 cancelled.")
            .arg(counts.of(S::Updated))
            .arg(counts.of(S::AlreadyCurrent))
            .arg(counts.of(S::Dispatched))
            .arg(counts.of(S::TimedOut))
            .arg(counts.of(S::Failed))
            .arg(counts.of(S::Skipped))
            .arg(counts.of(S::Cancelled)));
    // Told where the admin looks, not only on each row: the disk must be fixed first.
    if (const QString unrecorded = m_run->unrecordedSummary(); !unrecorded.isEmpty())
        m_ui->summaryLabel->setText(m_ui->summaryLabel->text() + QLatin1Char(' ') + unrecorded);
    updateButtons();
    emit runFinished(counts);
    runEnded();
}

} // namespace ca
