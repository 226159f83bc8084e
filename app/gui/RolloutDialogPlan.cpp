// The rollout dialog's first page: the options, each checked where it is typed, and the plan
// (TimbalRollout::plan, nothing sent) by wave, made again a moment after every change.
#include "Appearance.h"
#include "RolloutDialog.h"
#include "Semver.h"
#include "ServiceJobs.h"
#include "TimbalRollout.h"
#include "TimbalService.h"
#include "ui_RolloutDialog.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QSpinBox>
#include <QTreeWidget>

namespace ca {

namespace {

constexpr int kReplanDelayMs = 250;
constexpr int kRowsPerGroup = 1000; // a preview of 100,000 rows would take seconds to build
// A long preview opens only its small groups (the canary, the skipped): all counts stay in sight.
constexpr int kRowsExpanded = 30;
constexpr int kGroupExpanded = 10;

// Shows (or hides, for an empty `error`) the reason below a field, and marks the field. A hidden
// row of a form still takes its spacing: the whole row goes.
void setFieldError(QFormLayout* form, QLabel* label, QWidget* field, const QString& error)
{
    label->setText(error);
    label->setStyleSheet(tone::errorText());
    form->setRowVisible(label, !error.isEmpty());
    field->setStyleSheet(error.isEmpty() ? QString() : tone::problemField());
    field->setAccessibleDescription(error);
}

} // namespace

void RolloutDialog::setUpPlanPage()
{
    m_planTimer.setSingleShot(true);
    m_planTimer.setInterval(kReplanDelayMs);
    connect(&m_planTimer, &QTimer::timeout, this, &RolloutDialog::replan);
    for (QLineEdit* edit :
         {m_ui->versionEdit, m_ui->wavesEdit, m_ui->reportTimeoutEdit, m_ui->pauseEdit})
        connect(edit, &QLineEdit::textChanged, this, &RolloutDialog::onOptionEdited);
    for (QSpinBox* spin : {m_ui->canarySpin, m_ui->parallelSpin, m_ui->failurePercentSpin,
                           m_ui->minFinishedSpin, m_ui->failureCountSpin})
        connect(spin, &QSpinBox::valueChanged, this, &RolloutDialog::onOptionEdited);
    connect(m_ui->approveCheck, &QCheckBox::toggled, this, &RolloutDialog::onOptionEdited);
    connect(m_ui->startButton, &QPushButton::clicked, this, &RolloutDialog::startRollout);
    connect(m_ui->newRolloutButton, &QPushButton::clicked, this, &RolloutDialog::planNewRollout);
    QHeaderView* header = m_ui->previewTree->header();
    header->setSectionResizeMode(0, QHeaderView::Interactive);
    header->setStretchLastSection(true);
}

void RolloutDialog::showPlanPage()
{
    m_ui->pages->setCurrentWidget(m_ui->planPage);
    m_ui->startButton->setVisible(true);
    m_ui->newRolloutButton->setVisible(false);
    replan();
}

void RolloutDialog::setFleetNewestVersion(const QString& version)
{
    m_fleetNewest = Semver::normalized(version);
    if (m_ui->pages->currentWidget() == m_ui->planPage)
        fillPreview();
}

void RolloutDialog::onOptionEdited()
{
    // The fields say at once what is wrong with them; the plan follows when the typing pauses.
    QString error;
    readOptions(&error);
    updateStartButton();
    m_planTimer.start();
}

std::optional<RolloutOptions> RolloutDialog::readOptions(QString* error)
{
    RolloutOptions o;
    QStringList errors;
    const QString version = m_ui->versionEdit->text().trimmed();
    QString why;
    if (!version.isEmpty() && version.compare(QLatin1String("latest"), Qt::CaseInsensitive) != 0 &&
        version != tr("latest")) {
        if (const auto v = Semver::parse(version, &why))
            o.target = v->toString();
        else
            errors << why;
    }
    setFieldError(m_ui->targetForm, m_ui->versionError, m_ui->versionEdit, why);

    why.clear();
    if (const auto waves = RolloutOptions::parseWaves(m_ui->wavesEdit->text(), &why))
        o.wavePercents = *waves;
    else
        errors << why;
    setFieldError(m_ui->targetForm, m_ui->wavesError, m_ui->wavesEdit, why);

    why.clear();
    if (const auto ms = RolloutOptions::parseDuration(m_ui->reportTimeoutEdit->text(), &why)) {
        if (*ms > 0)
            o.reportTimeoutMs = *ms;
        else
            why = tr("the report time-out must be longer than 0");
    }
    if (!why.isEmpty())
        errors << why;
    setFieldError(m_ui->safetyForm, m_ui->reportTimeoutError, m_ui->reportTimeoutEdit, why);

    why.clear();
    const QString pause = m_ui->pauseEdit->text().trimmed();
    if (!pause.isEmpty()) {
        if (const auto ms = RolloutOptions::parseDuration(pause, &why))
            o.pauseBetweenMs = *ms;
        else
            errors << why;
    }
    setFieldError(m_ui->safetyForm, m_ui->pauseError, m_ui->pauseEdit, why);

    o.canaryCount = m_ui->canarySpin->value();
    o.maxFailurePercent = m_ui->failurePercentSpin->value();
    o.maxFailureCount = m_ui->failureCountSpin->value();
    o.minFinished = m_ui->minFinishedSpin->value();
    o.approveEach = m_ui->approveCheck->isChecked();
    o.parallel = m_ui->parallelSpin->value();
    o.pollIntervalMs = m_pollIntervalMs;
    if (!errors.isEmpty()) {
        *error = errors.first();
        return std::nullopt;
    }
    return o;
}

void RolloutDialog::replan()
{
    m_planTimer.stop();
    m_plan.reset();
    m_planError.clear();
    if (const auto options = readOptions(&m_planError)) {
        // Synchronous and cheap: the connectors as listed, and one read of the audit log's
        // recent dispatches.
        m_plan = TimbalRollout::plan(m_service, m_connectors, *options, m_audit, AuditTool::Gui,
                                     &m_planError);
    }
    fillPreview();
    updateStartButton();
}

void RolloutDialog::fillPreview()
{
    QTreeWidget* tree = m_ui->previewTree;
    tree->setUpdatesEnabled(false);
    tree->clear();
    if (!m_plan) {
        m_ui->planSummary->setText(m_planError);
        m_ui->planSummary->setStyleSheet(tone::errorText());
        tree->setUpdatesEnabled(true);
        return;
    }
    const Rollout& r = *m_plan;
    const QString target = r.options.target.isEmpty() ? tr("latest") : r.options.target;
    QList<QTreeWidgetItem*> waves;
    for (int w = 0; w < r.waveCount; ++w) {
        auto* wave = new QTreeWidgetItem(tree);
        wave->setFirstColumnSpanned(true);
        waves << wave;
    }
    QTreeWidgetItem* skipped = nullptr;
    QHash<QTreeWidgetItem*, int> sizes; // per group, rows shown or not
    for (const RolloutItem& it : r.items) {
        const QString from = it.fromVersion.isEmpty() ? tr("unknown") : it.fromVersion;
        QTreeWidgetItem* parent = nullptr;
        if (it.state == RolloutItem::State::Skipped || it.wave < 0) {
            if (!skipped)
                skipped = new QTreeWidgetItem;
            parent = skipped;
        } else {
            parent = waves.value(it.wave);
        }
        if (!parent || ++sizes[parent] > kRowsPerGroup)
            continue;
        auto* row = new QTreeWidgetItem(parent);
        row->setText(0, connectorText(it));
        row->setData(0, Qt::UserRole, it.id);
        row->setText(1, parent == skipped ? from : tr("%1 → %2").arg(from, target));
        row->setText(2, parent == skipped ? it.message : QString());
    }
    for (auto it = sizes.cbegin(); it != sizes.cend(); ++it) {
        if (it.value() > kRowsPerGroup)
            new QTreeWidgetItem(it.key(), {tr("… and %n more", "", it.value() - kRowsPerGroup)});
    }
    for (int w = 0; w < waves.size(); ++w) {
        waves[w]->setText(0,
                          tr("%1 — %n connector(s)", "", sizes.value(waves[w])).arg(r.waveName(w)));
        QFont bold = waves[w]->font(0);
        bold.setBold(true);
        waves[w]->setFont(0, bold);
    }
    if (skipped) {
        tree->addTopLevelItem(skipped);
        skipped->setFirstColumnSpanned(true);
        skipped->setText(
            0, tr("Skipped — %n connector(s), not part of any wave", "", sizes.value(skipped)));
    }
    const int rows = int(r.items.size());
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* group = tree->topLevelItem(i);
        group->setExpanded(rows <= kRowsExpanded || group->childCount() <= kGroupExpanded);
    }
    tree->resizeColumnToContents(0);
    tree->resizeColumnToContents(1);
    tree->setUpdatesEnabled(true);

    const int count = r.allCounts().total;
    QString summary =
        tr("%1 in %2 to %3; halts when %4.")
            .arg(tr("%n connector(s)", "", count), tr("%n wave(s)", "", r.waveCount),
                 r.options.target.isEmpty() ? tr("the latest release (chosen by Timbal)")
                                            : r.options.target,
                 r.options.thresholdText());
    if (const int n = r.skippedCount(); n > 0)
        summary += QLatin1Char(' ') + tr("%n skipped (see why below).", "", n);
    if (r.options.target.isEmpty()) {
        summary += QLatin1Char(' ') + tr("Timbal chooses its latest release at the first update; "
                                         "every wave then gets that same version.");
        if (!m_fleetNewest.isEmpty())
            summary += QLatin1Char(' ') +
                       tr("%1 is the newest version in this fleet (Timbal's latest may be newer).")
                           .arg(m_fleetNewest);
    }
    m_ui->planSummary->setText(summary);
    m_ui->planSummary->setStyleSheet({});
}

void RolloutDialog::updateStartButton()
{
    QString why;
    const bool fieldsOk = readOptions(&why).has_value();
    QPushButton* start = m_ui->startButton;
    if (fieldsOk && m_plan) {
        start->setText(tr("&Start rollout: %1 in %2")
                           .arg(tr("%n connector(s)", "", m_plan->allCounts().total),
                                tr("%n wave(s)", "", m_plan->waveCount)));
        start->setEnabled(true);
        start->setToolTip({});
        return;
    }
    start->setText(tr("&Start rollout"));
    start->setEnabled(false);
    start->setToolTip(fieldsOk ? m_planError : why);
}

void RolloutDialog::startRollout()
{
    replan(); // what starts is what the fields say now, not the last plan
    if (!m_plan)
        return;
    QString error;
    bool conflict = false;
    if (!m_driver->start(*m_plan, &error, &conflict)) {
        // Another rollout became active meanwhile (connectorctl): show that one.
        if (conflict) {
            if (const auto active = m_driver->store().active()) {
                follow(*active);
                setNotice(error, true);
                return;
            }
        }
        m_ui->planSummary->setText(error);
        m_ui->planSummary->setStyleSheet(tone::errorText());
        return;
    }
    m_plan.reset();
    showLivePage();
    showRollout();
}

void RolloutDialog::planNewRollout()
{
    // The versions have moved since the list was read: read the fleet again first.
    m_ui->pages->setCurrentWidget(m_ui->planPage);
    m_ui->startButton->setVisible(true);
    m_ui->startButton->setEnabled(false);
    m_ui->newRolloutButton->setVisible(false);
    setNotice({}, false);
    m_ui->previewTree->clear();
    m_ui->planSummary->setStyleSheet({});
    m_ui->planSummary->setText(tr("Reading the fleet…"));
    ConnectorListJob* job = m_service->list();
    connect(job, &ConnectorListJob::finished, this, [this](const ConnectorListResult& result) {
        if (!result.ok()) {
            m_ui->planSummary->setText(
                tr("The fleet could not be read: %1").arg(result.error.message));
            m_ui->planSummary->setStyleSheet(tone::errorText());
            return;
        }
        m_connectors.clear();
        for (const Connector& c : result.connectors) {
            if (m_selection.isEmpty() || m_selection.contains(c.id))
                m_connectors.append(c);
        }
        replan();
    });
}

} // namespace ca
