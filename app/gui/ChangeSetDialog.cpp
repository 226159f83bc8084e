#include "ChangeSetDialog.h"

#include "Appearance.h"
#include "ConnectorService.h"
#include "EditReviewView.h"
#include "ui_ChangeSetDialog.h"

#include <QHeaderView>
#include <QLocale>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>

namespace ca {

namespace {

using Kind = ChangeSetItem::Kind;
using State = ChangeSetRun::State;

QString keyOf(const ChangeSetEntry& entry)
{
    return entry.profile + QLatin1Char('\n') + entry.connectorId;
}

// Readable on the light and the dark palette; the text says the same as the colour.
QColor kindColour(Kind kind, bool dark)
{
    switch (kind) {
    case Kind::ToChange:
        return dark ? QColor(0x7c, 0xb3, 0xff) : QColor(0x0b, 0x57, 0xd0);
    case Kind::Drifted:
        return dark ? QColor(0xe0, 0xb0, 0x50) : QColor(0x8a, 0x5a, 0x00);
    case Kind::Conflict:
        return dark ? QColor(0xff, 0x9a, 0x6a) : QColor(0xb3, 0x40, 0x0a);
    case Kind::Gone:
    case Kind::Refused:
        return dark ? QColor(0xff, 0x7b, 0x7b) : QColor(0xb0, 0x00, 0x20);
    case Kind::Unchanged:
        break;
    }
    return {};
}

QColor stateColour(State state, bool dark)
{
    switch (state) {
    case State::Applied:
        return dark ? QColor(0x7a, 0xd6, 0x7a) : QColor(0x1b, 0x7f, 0x2a);
    case State::Failed:
    case State::Refused:
    case State::Conflict:
        return dark ? QColor(0xff, 0x7b, 0x7b) : QColor(0xb0, 0x00, 0x20);
    default:
        return {};
    }
}

bool isFailure(State state)
{
    return state == State::Failed || state == State::Refused || state == State::Conflict;
}

QString duration(qint64 ms)
{
    const qint64 s = (ms + 999) / 1000;
    if (s < 90)
        return ChangeSetDialog::tr("%n second(s)", nullptr, int(s));
    return ChangeSetDialog::tr("%n minute(s)", nullptr, int((s + 30) / 60));
}

} // namespace

ChangeSetDialog::ChangeSetDialog(ServiceLookup services, AuditLog* audit, QWidget* parent)
    : RunningDialog(parent), m_ui(std::make_unique<Ui::ChangeSetDialog>()),
      m_services(std::move(services)), m_audit(audit)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("changeSetDialog"));
    setModal(false);

    m_model = new QStandardItemModel(0, ColumnCount, this);
    m_model->setHorizontalHeaderLabels(
        {tr("Connector"), tr("Profile"), tr("Classification"), tr("Why"), tr("Result")});
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(TagsRole);
    m_proxy->setFilterKeyColumn(ConnectorColumn);
    m_ui->changeSetItems->setModel(m_proxy);
    m_ui->changeSetItems->sortByColumn(-1, Qt::AscendingOrder); // the plan's order first
    QHeaderView* header = m_ui->changeSetItems->header();
    header->setStretchLastSection(true);
    m_ui->changeSetItems->setColumnWidth(ConnectorColumn, 300);
    m_ui->changeSetItems->setColumnWidth(ProfileColumn, 120);
    m_ui->changeSetItems->setColumnWidth(KindColumn, 130);
    m_ui->changeSetItems->setColumnWidth(ReasonColumn, 300);
    m_ui->conflictTree->header()->setStretchLastSection(true);
    m_ui->conflictTree->setColumnWidth(0, 220);
    m_ui->conflictTree->setColumnWidth(1, 200);
    m_ui->conflictTree->setColumnWidth(2, 200);
    m_ui->splitter->setStretchFactor(0, 1);
    m_ui->splitter->setStretchFactor(1, 1);

    m_ui->changeSetFilter->addItem(tr("All"), QString());
    m_ui->changeSetFilter->addItem(tr("To change"), QStringLiteral("to-change"));
    m_ui->changeSetFilter->addItem(tr("Conflicts"), QStringLiteral("conflict"));
    m_ui->changeSetFilter->addItem(tr("Drifted"), QStringLiteral("drifted"));
    m_ui->changeSetFilter->addItem(tr("Refused or gone"), QStringLiteral("refused|gone"));
    m_ui->changeSetFilter->addItem(tr("Failed"), QStringLiteral("failed"));
    m_ui->changeSetFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    connect(m_ui->changeSetFilter, &QComboBox::currentIndexChanged, this,
            &ChangeSetDialog::updateFilter);
    connect(m_ui->changeSetItems->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ChangeSetDialog::showCurrent);
    connect(m_ui->keepMineButton, &QPushButton::clicked, this,
            [this] { resolveCurrent(ChangeSetItem::Resolution::KeepMine); });
    connect(m_ui->keepServerButton, &QPushButton::clicked, this,
            [this] { resolveCurrent(ChangeSetItem::Resolution::KeepServer); });
    connect(m_ui->applyButton, &QPushButton::clicked, this, &ChangeSetDialog::apply);
    connect(m_ui->cancelRemainingButton, &QPushButton::clicked, this, [this] {
        if (m_run)
            m_run->cancelRemaining();
    });
    connect(m_ui->retryFailedButton, &QPushButton::clicked, this, &ChangeSetDialog::retryFailed);
    connect(m_ui->closeButton, &QPushButton::clicked, this, &QWidget::close);

    // Keyboard first: the list takes focus, the diff follows the current row.
    m_ui->changeSetItems->setFocus();
    showCurrent();
    updateButtons();
}

ChangeSetDialog::~ChangeSetDialog() = default;

QHash<QString, ConnectorService*>
ChangeSetDialog::servicesFor(const QList<ChangeSetItem>& items) const
{
    QHash<QString, ConnectorService*> out;
    for (const ChangeSetItem& item : items) {
        if (!out.contains(item.entry.profile))
            out.insert(item.entry.profile, m_services ? m_services(item.entry.profile) : nullptr);
    }
    return out;
}

void ChangeSetDialog::plan(const QList<ChangeSetEntry>& entries,
                           const QList<ChangeSetItem>& refused)
{
    QHash<QString, ConnectorService*> services;
    for (const ChangeSetEntry& e : entries) {
        if (!services.contains(e.profile))
            services.insert(e.profile, m_services ? m_services(e.profile) : nullptr);
    }
    m_planning = true;
    m_ui->changeSetSummary->setText(tr("Reading %n connector(s) from the server to plan the "
                                       "change…",
                                       nullptr, int(entries.size())));
    updateButtons();
    auto* planner = new ChangeSetPlanner(services, entries, this);
    connect(planner, &ChangeSetPlanner::finished, this,
            [this, refused](const ChangeSetPlan& planned) {
                ChangeSetPlan all = planned;
                all.items.append(refused);
                m_planning = false;
                setPlan(all);
            });
    planner->start();
}

void ChangeSetDialog::setPlan(const ChangeSetPlan& plan)
{
    m_plan = plan;
    m_wasConflict.clear();
    m_indexOf.clear();
    m_result.clear();
    for (int i = 0; i < m_plan.items.size(); ++i) {
        if (m_plan.items.at(i).kind == Kind::Conflict)
            m_wasConflict.insert(i);
        m_indexOf.insert(keyOf(m_plan.items.at(i).entry), i);
    }
    fillItems();
    updateSummary();
    updateButtons();
    // Where the admin has to look first: a conflict, else the first change.
    int first = -1;
    for (int i = 0; i < m_plan.items.size() && first < 0; ++i)
        first = m_plan.items.at(i).kind == Kind::Conflict ? i : -1;
    if (first < 0 && !m_plan.toApply().isEmpty())
        first = int(m_plan.toApply().first());
    if (first < 0 && !m_plan.items.isEmpty())
        first = 0;
    if (first >= 0)
        m_ui->changeSetItems->setCurrentIndex(m_proxy->mapFromSource(m_model->index(first, 0)));
}

void ChangeSetDialog::fillItems()
{
    m_model->removeRows(0, m_model->rowCount());
    for (int i = 0; i < m_plan.items.size(); ++i) {
        QList<QStandardItem*> row;
        for (int c = 0; c < ColumnCount; ++c)
            row.append(new QStandardItem);
        m_model->appendRow(row);
        updateRow(i);
    }
}

void ChangeSetDialog::updateRow(int index)
{
    if (index < 0 || index >= m_model->rowCount() || index >= m_plan.items.size())
        return;
    const ChangeSetItem& item = m_plan.items.at(index);
    const bool dark = applicationIsDark();
    QStandardItem* connector = m_model->item(index, ConnectorColumn);
    const QString name = item.name.isEmpty() || item.name == item.entry.connectorId
                             ? item.entry.connectorId
                             : tr("%1 (%2)").arg(item.name, item.entry.connectorId);
    connector->setText(name);
    connector->setData(index, PlanIndexRole);
    connector->setData(item.entry.connectorId, IdRole);
    m_model->item(index, ProfileColumn)->setText(item.entry.profile);

    QString kind = ChangeSetItem::kindName(item.kind);
    if (item.resolution == ChangeSetItem::Resolution::KeepMine)
        kind = tr("%1 (yours kept)").arg(kind);
    else if (item.resolution == ChangeSetItem::Resolution::KeepServer)
        kind = tr("%1 (server's kept)").arg(kind);
    QStandardItem* kindItem = m_model->item(index, KindColumn);
    kindItem->setText(kind);
    const QColor colour = kindColour(item.kind, dark);
    kindItem->setData(colour.isValid() ? QVariant(colour) : QVariant(), Qt::ForegroundRole);

    QString reason = item.reason;
    if (reason.isEmpty() && item.kind == Kind::ToChange && item.review)
        reason = item.review->diff().summaryLine();
    if (reason.isEmpty() && item.kind == Kind::Unchanged)
        reason = tr("the server already has this");
    m_model->item(index, ReasonColumn)->setText(reason);
    m_model->item(index, ReasonColumn)->setToolTip(reason);

    QStringList tags{ChangeSetItem::kindId(item.kind)};
    if (m_wasConflict.contains(index))
        tags << QStringLiteral("conflict");
    QStandardItem* result = m_model->item(index, ResultColumn);
    if (const auto found = m_result.constFind(index); found != m_result.cend()) {
        const Result& r = found.value();
        const QString state = ChangeSetRun::stateName(r.state);
        result->setText(r.message.isEmpty() ? state : tr("%1: %2").arg(state, r.message));
        result->setToolTip(result->text());
        const QColor c = stateColour(r.state, dark);
        result->setData(c.isValid() ? QVariant(c) : QVariant(), Qt::ForegroundRole);
        if (isFailure(r.state))
            tags << QStringLiteral("failed");
    } else {
        result->setText(QString());
        result->setToolTip(QString());
    }
    connector->setData(tags.join(QLatin1Char(' ')), TagsRole);
    connector->setData(tr("%1: %2").arg(name, kind), Qt::AccessibleTextRole);
}

void ChangeSetDialog::updateFilter()
{
    const QString tag = m_ui->changeSetFilter->currentData().toString();
    m_proxy->setFilterRegularExpression(
        tag.isEmpty() ? QRegularExpression()
                      : QRegularExpression(QStringLiteral("(^| )(%1)( |$)").arg(tag)));
    m_ui->shownLabel->setText(
        tr("%1 of %n connector(s) shown", nullptr, m_model->rowCount()).arg(m_proxy->rowCount()));
    if (!m_ui->changeSetItems->currentIndex().isValid() && m_proxy->rowCount() > 0)
        m_ui->changeSetItems->setCurrentIndex(m_proxy->index(0, 0));
    showCurrent();
}

int ChangeSetDialog::currentIndex() const
{
    const QModelIndex current = m_ui->changeSetItems->currentIndex();
    if (!current.isValid())
        return -1;
    return m_proxy->mapToSource(current.siblingAtColumn(ConnectorColumn))
        .data(PlanIndexRole)
        .toInt();
}

void ChangeSetDialog::showCurrent()
{
    const int index = currentIndex();
    if (index < 0 || index >= m_plan.items.size()) {
        m_ui->itemTitle->setText(m_planning ? QString()
                                            : tr("Select a connector to see its change."));
        m_ui->itemReason->clear();
        m_ui->conflictPanel->setVisible(false);
        m_ui->changeSetDiff->showNothing(QString());
        updateButtons();
        return;
    }
    const ChangeSetItem& item = m_plan.items.at(index);
    QString title =
        tr("<b>%1</b> · %2 · profile %3 · id %4")
            .arg(item.name.toHtmlEscaped(), vendorDisplayName(item.vendor),
                 item.entry.profile.toHtmlEscaped(), item.entry.connectorId.toHtmlEscaped());
    if (!item.entry.source.isEmpty())
        title += tr(" · from %1").arg(item.entry.source.toHtmlEscaped());
    m_ui->itemTitle->setText(title);

    QStringList lines;
    const QString kind = ChangeSetItem::kindName(item.kind);
    lines << (item.reason.isEmpty() ? tr("<b>%1</b>").arg(kind)
                                    : tr("<b>%1:</b> %2").arg(kind, item.reason.toHtmlEscaped()));
    if (!item.driftText.isEmpty())
        lines << tr("Changed on the server since the change began: %1")
                     .arg(item.driftText.trimmed().toHtmlEscaped())
                     .replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    if (const auto found = m_result.constFind(index); found != m_result.cend()) {
        const Result& r = found.value();
        lines << tr("<b>Result: %1.</b> %2")
                     .arg(ChangeSetRun::stateName(r.state), r.message.toHtmlEscaped());
        if (!r.verifyNotes.isEmpty())
            lines << tr("The server holds differently: %1")
                         .arg(r.verifyNotes.join(QStringLiteral("; ")).toHtmlEscaped());
    }
    m_ui->itemReason->setText(lines.join(QStringLiteral("<br>")));

    const bool conflicted = item.merge && !item.merge->isClean();
    m_ui->conflictPanel->setVisible(conflicted);
    if (conflicted)
        showConflict(item);

    const ConnectorService* service = m_services ? m_services(item.entry.profile) : nullptr;
    if (item.review && (item.kind != Kind::Conflict))
        m_ui->changeSetDiff->showReview(*item.review, service);
    else if (item.kind == Kind::Conflict)
        m_ui->changeSetDiff->showNothing(tr("Choose “Keep mine” or “Keep server's”: what would "
                                            "then be sent is shown here."));
    else if (item.kind == Kind::Unchanged)
        m_ui->changeSetDiff->showNothing(tr("Nothing to send: the server already has this."));
    else if (item.kind == Kind::Drifted)
        m_ui->changeSetDiff->showNothing(tr("Nothing to send: only the server changed."));
    else
        m_ui->changeSetDiff->showNothing(item.reason);
    updateButtons();
}

void ChangeSetDialog::showConflict(const ChangeSetItem& item)
{
    m_ui->conflictTree->clear();
    auto show = [](const QJsonValue& v) {
        return v.isUndefined() ? tr("(absent)") : ConnectorDiff::valueText(v);
    };
    for (const MergeConflict& c : item.merge->conflicts()) {
        auto* row = new QTreeWidgetItem(m_ui->conflictTree);
        row->setText(0, c.path);
        row->setText(1, show(c.base));
        row->setText(2, show(c.server));
        row->setText(3, show(c.mine));
        for (int col = 1; col < 4; ++col)
            row->setToolTip(col, row->text(col));
    }
    switch (item.resolution) {
    case ChangeSetItem::Resolution::KeepMine:
        m_ui->resolutionLabel->setText(tr("Your values will be sent."));
        break;
    case ChangeSetItem::Resolution::KeepServer:
        m_ui->resolutionLabel->setText(tr("The server's values are kept."));
        break;
    case ChangeSetItem::Resolution::None:
        m_ui->resolutionLabel->setText(tr("Not sent until you choose."));
        break;
    }
}

void ChangeSetDialog::resolveCurrent(ChangeSetItem::Resolution resolution)
{
    const int index = currentIndex();
    if (m_run || index < 0 || !m_plan.resolve(index, resolution))
        return;
    updateRow(index);
    updateSummary();
    showCurrent();
}

void ChangeSetDialog::updateSummary()
{
    QString text = QStringLiteral("<b>%1</b>").arg(m_plan.summaryLine().toHtmlEscaped());
    if (m_plan.count(Kind::Conflict) > 0)
        text += QLatin1Char(' ') + tr("— nothing is sent for a conflict until you keep a side.");
    if (m_run)
        text += QStringLiteral("<br>") + tr("Apply: %1").arg(m_run->summaryLine().toHtmlEscaped());
    m_ui->changeSetSummary->setText(text);
    setWindowTitle(tr("Review change set — %1").arg(m_plan.summaryLine()));
    updateFilter();
}

void ChangeSetDialog::updateButtons()
{
    const qsizetype toApply = m_plan.toApply().size();
    const bool running = isRunning();
    m_ui->applyButton->setText(tr("&Apply %n change(s)", nullptr, int(toApply)));
    m_ui->applyButton->setEnabled(!m_planning && !m_run && toApply > 0);
    m_ui->applyButton->setAccessibleName(m_ui->applyButton->text().remove(QLatin1Char('&')));
    m_ui->applyButton->setToolTip(
        m_planning ? tr("The plan is still being made")
        : m_run    ? tr("Applied: retry what failed, or review again from the list")
        : toApply == 0
            ? tr("Nothing to apply: no connector is classified “to change”")
            : tr("Sends each change after checking that the connector did not change meanwhile"));
    m_ui->changeSetFilter->setEnabled(!m_planning);
    bool pending = false;
    if (running) {
        for (const ChangeSetRun::Item& item : m_run->items())
            pending = pending || item.state == State::Pending;
    }
    m_ui->cancelRemainingButton->setEnabled(running && pending);
    m_ui->retryFailedButton->setEnabled(m_run && m_run->isFinished() &&
                                        !m_run->retryPlan().items.isEmpty());
    const int index = currentIndex();
    const bool conflicted = index >= 0 && index < m_plan.items.size() &&
                            m_plan.items.at(index).merge &&
                            !m_plan.items.at(index).merge->isClean();
    m_ui->keepMineButton->setEnabled(conflicted && !m_run);
    m_ui->keepServerButton->setEnabled(conflicted && !m_run);
}

void ChangeSetDialog::updateProgress()
{
    if (!m_run)
        return;
    const ChangeSetRun::Counts c = m_run->counts();
    m_ui->changeSetProgress->setMaximum(qMax(1, c.total));
    m_ui->changeSetProgress->setValue(c.finished);
    m_ui->changeSetProgress->setFormat(tr("%1 of %2 done").arg(c.finished).arg(c.total));
    QString rate;
    if (m_run->isFinished()) {
        rate = m_run->summaryLine();
    } else {
        const qint64 left = m_run->remainingMs();
        rate = left < 0 ? tr("starting…")
                        : tr("%1 per second · about %2 left")
                              .arg(QLocale().toString(m_run->rate(), 'f', 1), duration(left));
    }
    m_ui->changeSetRate->setText(rate);
}

void ChangeSetDialog::apply()
{
    if (m_planning || m_run || m_plan.toApply().isEmpty())
        return;
    QList<int> indexes;
    for (const qsizetype i : m_plan.toApply())
        indexes.append(int(i));
    auto* run = new ChangeSetRun(servicesFor(m_plan.items), m_plan, this);
    m_runIndexes = indexes;
    startRun(run);
}

void ChangeSetDialog::retryFailed()
{
    if (!m_run || !m_run->isFinished())
        return;
    const ChangeSetPlan retry = m_run->retryPlan();
    if (retry.items.isEmpty())
        return;
    QList<int> indexes;
    for (const ChangeSetItem& item : retry.items)
        indexes.append(m_indexOf.value(keyOf(item.entry), -1));
    auto* run = new ChangeSetRun(servicesFor(retry.items), retry, this);
    run->setRetryOf(m_run->changeSetId());
    m_run->deleteLater();
    m_runIndexes = indexes;
    startRun(run);
}

void ChangeSetDialog::takeResult(int runItem)
{
    if (!m_run || runItem < 0 || runItem >= m_runIndexes.size() || runItem >= m_run->items().size())
        return;
    const ChangeSetRun::Item& item = m_run->items().at(runItem);
    const int index = m_runIndexes.at(runItem);
    m_result.insert(index, {item.state, item.message, item.verifyNotes});
    updateRow(index);
    if (index >= 0 && index == currentIndex())
        showCurrent();
}

void ChangeSetDialog::startRun(ChangeSetRun* run)
{
    m_run = run;
    run->setConcurrency(4);
    if (m_audit)
        run->setAuditLog(m_audit, AuditTool::Gui);
    for (int i = 0; i < run->items().size(); ++i)
        takeResult(i);
    connect(run, &ChangeSetRun::itemChanged, this, [this, run](int i) {
        if (run != m_run)
            return;
        takeResult(i);
        updateProgress();
        updateButtons();
    });
    connect(run, &ChangeSetRun::finished, this, [this, run] {
        if (run == m_run)
            onRunFinished();
    });
    m_ui->runPanel->setVisible(true);
    updateProgress();
    updateButtons();
    run->start();
    updateSummary();
}

void ChangeSetDialog::onRunFinished()
{
    updateProgress();
    updateSummary();
    updateButtons();
    showCurrent();
    QStringList profiles;
    for (const ChangeSetRun::Item& item : m_run->items()) {
        if (!profiles.contains(item.planned.entry.profile))
            profiles.append(item.planned.entry.profile);
    }
    emit runFinished(profiles);
    runEnded();
}

} // namespace ca
