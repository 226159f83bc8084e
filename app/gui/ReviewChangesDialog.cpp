#include "ReviewChangesDialog.h"

#include "Appearance.h"
#include "ThreeWayMerge.h"
#include "ui_ReviewChangesDialog.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPushButton>

namespace ca {

namespace {

QString pretty(const QJsonValue& v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented));
    return ConnectorDiff::valueText(v);
}

} // namespace

ReviewChangesDialog::ReviewChangesDialog(ConnectorService* service, const Connector& base,
                                         const QJsonObject& edited, QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::ReviewChangesDialog>()), m_service(service),
      m_base(base), m_edited(edited)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("reviewDialog"));
    m_options = diffOptionsFor(base.vendor);
    m_options.secretPaths += base.secretPaths;
    if (service)
        m_options.secretPaths += service->secretPaths(edited);
    // Secret values are masked wherever they show up, whatever shape the body has.
    for (const QString& path : std::as_const(m_options.secretPaths)) {
        if (path.contains(QLatin1Char('*')))
            continue;
        collectJsonStrings(jsonValueAt(base.editable, path), &m_secretValues);
        collectJsonStrings(jsonValueAt(edited, path), &m_secretValues);
    }
    connect(m_ui->applyButton, &QPushButton::clicked, this, &ReviewChangesDialog::apply);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_ui->closeButton, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_ui->reviewAgainButton, &QPushButton::clicked, this,
            &ReviewChangesDialog::reviewAgain);
    m_ui->changeTree->header()->setStretchLastSection(true);
    m_ui->changeTree->setColumnWidth(0, 110);
    m_ui->changeTree->setColumnWidth(1, 260);
    m_ui->changeTree->setColumnWidth(2, 220);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_ui->beforeText->setFont(mono);
    m_ui->afterText->setFont(mono);
    m_ui->detailsText->setFont(mono);
    fillReview();
}

ReviewChangesDialog::~ReviewChangesDialog() = default;

QJsonValue ReviewChangesDialog::masked(const QJsonValue& value) const
{
    if (value.isString())
        return m_secretValues.contains(value.toString()) ? QJsonValue(QStringLiteral("<secret>"))
                                                         : value;
    if (value.isObject()) {
        QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = masked(it.value());
        return o;
    }
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (int i = 0; i < a.size(); ++i)
            a.replace(i, masked(a.at(i)));
        return a;
    }
    return value;
}

QString ReviewChangesDialog::text(const QJsonValue& value) const
{
    return ConnectorDiff::valueText(masked(value));
}

bool ReviewChangesDialog::canApply() const
{
    return m_service && m_refusal.isEmpty() && !m_diff.isEmpty();
}

void ReviewChangesDialog::fillReview()
{
    m_ui->pages->setCurrentWidget(m_ui->reviewPage);
    setWindowTitle(tr("Review changes to %1").arg(m_base.displayName));
    m_ui->titleLabel->setText(
        tr("<b>%1</b> · %2 · profile %3 · id %4")
            .arg(m_base.displayName.toHtmlEscaped(), vendorDisplayName(m_base.vendor),
                 m_base.profileName.toHtmlEscaped(), m_base.id.toHtmlEscaped()));
    m_diff = ConnectorDiff(m_base.editable, m_edited, m_options);
    m_body = m_service ? m_service->buildUpdateBody(m_base, m_edited, &m_refusal) : QJsonObject();
    m_ui->summaryLabel->setText(
        QStringLiteral("<b>%1</b>").arg(m_diff.summaryLine().toHtmlEscaped()));

    m_ui->changeTree->clear();
    for (const DiffEntry& e : m_diff.entries()) {
        auto* item = new QTreeWidgetItem(m_ui->changeTree);
        const QString kind = diffKindName(e.kind);
        item->setText(0, kind);
        item->setText(1, QString(e.depth * 2, QLatin1Char(' ')) +
                             (e.path.isEmpty() ? tr("(top level)") : e.path));
        if (e.kind == DiffEntry::Kind::Unchanged) {
            item->setText(2, e.unchangedItems
                                 ? tr("%n unchanged item(s)", nullptr, e.unchangedCount)
                                 : tr("%n unchanged field(s)", nullptr, e.unchangedCount));
            item->setForeground(0, palette().brush(QPalette::Disabled, QPalette::Text));
            item->setForeground(2, palette().brush(QPalette::Disabled, QPalette::Text));
            continue;
        }
        if (e.kind == DiffEntry::Kind::Moved) {
            item->setText(2, tr("position %1").arg(e.fromIndex));
            item->setText(3, tr("position %1").arg(e.toIndex));
        } else {
            item->setText(2, e.before.isUndefined() ? QString() : text(e.before));
            item->setText(3, e.after.isUndefined() ? QString() : text(e.after));
        }
        item->setToolTip(2, item->text(2));
        item->setToolTip(3, item->text(3));
        item->setData(0, Qt::AccessibleTextRole, tr("%1: %2").arg(kind, e.path));
    }

    m_ui->beforeText->setPlainText(pretty(masked(m_base.editable)));
    m_ui->afterText->setPlainText(m_refusal.isEmpty() ? pretty(masked(m_body))
                                                      : tr("(nothing will be sent)"));

    QStringList omissions;
    if (m_service && m_refusal.isEmpty()) {
        const auto effects = m_service->omissionEffects(m_base, m_body);
        for (const auto& effect : effects)
            omissions.append(tr("%1 will be reset from %2 to %3")
                                 .arg(effect.path, text(effect.current), text(effect.after)));
    }
    m_ui->omissionLabel->setText(
        omissions.isEmpty() ? tr("Nothing is cleared or reset by omission.")
                            : tr("<b>The update also resets:</b> %1")
                                  .arg(omissions.join(QStringLiteral("; ")).toHtmlEscaped()));
    m_ui->serverNotesLabel->setText(
        m_service ? tr("Set by the server: %1.")
                        .arg(m_service->serverComputedNotes().join(QStringLiteral("; ")))
                  : QString());
    m_ui->refusalLabel->setVisible(!m_refusal.isEmpty() || m_diff.isEmpty());
    m_ui->refusalLabel->setText(
        !m_refusal.isEmpty() ? tr("<b>This cannot be sent:</b> %1").arg(m_refusal.toHtmlEscaped())
                             : tr("There is nothing to send: the edit changes nothing."));
    m_ui->refusalLabel->setStyleSheet(tone::errorText());
    m_ui->applyButton->setEnabled(canApply());
    m_ui->applyButton->setVisible(true);
    m_ui->cancelButton->setVisible(true);
    m_ui->closeButton->setVisible(false);
    m_ui->reviewAgainButton->setVisible(false);
    m_ui->progressLabel->clear();
}

void ReviewChangesDialog::setBusy(const QString& message)
{
    m_ui->progressLabel->setText(message);
    m_ui->applyButton->setEnabled(false);
}

void ReviewChangesDialog::apply()
{
    if (!canApply())
        return;
    auto* op = new ApplyOperation(m_service, m_base, m_edited, m_body, this);
    connect(op, &ApplyOperation::stageChanged, this, [this](ApplyOperation::Stage stage) {
        setBusy(stage == ApplyOperation::Stage::Checking
                    ? tr("Checking the server for changes since you began…")
                    : tr("Sending…"));
    });
    connect(op, &ApplyOperation::finished, this, &ReviewChangesDialog::showOutcome);
    m_ui->cancelButton->setEnabled(false); // the request is on its way: no half-cancel
    op->start();
}

void ReviewChangesDialog::showOutcome(const ApplyOperation::Outcome& outcome)
{
    m_outcome = outcome;
    emit applyFinished(m_base, m_edited, outcome);
    m_ui->progressLabel->clear();
    m_ui->cancelButton->setEnabled(true);
    if (outcome.kind == ApplyOperation::Outcome::Kind::Conflict) {
        showConflict(outcome);
        return;
    }
    m_ui->pages->setCurrentWidget(m_ui->resultPage);
    m_ui->applyButton->setVisible(false);
    m_ui->cancelButton->setVisible(false);
    m_ui->closeButton->setVisible(true);
    m_ui->differencesList->clear();
    m_ui->detailsText->clear();
    m_ui->detailsText->setVisible(false);
    if (outcome.kind == ApplyOperation::Outcome::Kind::Applied) {
        const auto& diffs = outcome.update.differences;
        m_ui->resultLabel->setText(
            diffs.isEmpty()
                ? tr("Applied to %1. The server stored exactly what was sent.")
                      .arg(m_base.displayName)
                : tr("Applied to %1, but the server changed %n value(s) you sent:", nullptr,
                     int(diffs.size()))
                      .arg(m_base.displayName));
        for (const ValueDifference& d : diffs) {
            QString why;
            if (m_base.vendor == Vendor::Databar &&
                (d.path.endsWith(QLatin1String("rate_limit")) ||
                 d.path.endsWith(QLatin1String("max_concurrency"))))
                why = tr(" — plan limit");
            m_ui->differencesList->addItem(
                tr("the server changed %1 from %2 to %3%4")
                    .arg(d.path.mid(d.path.lastIndexOf(QLatin1Char('/')) + 1), text(d.sent),
                         text(d.received), why));
        }
        m_ui->differencesList->setVisible(!diffs.isEmpty());
        emit applied(m_base, m_edited, outcome);
        return;
    }
    m_ui->differencesList->setVisible(!outcome.error.fieldErrors.isEmpty());
    for (const auto& fe : outcome.error.fieldErrors)
        m_ui->differencesList->addItem(tr("%1: %2").arg(fe.path, fe.message));
    const QString what = outcome.kind == ApplyOperation::Outcome::Kind::Refused
                             ? tr("Not sent: %1").arg(outcome.message)
                             : outcome.error.toString();
    // A PUT whose answer was lost or unreadable may have landed: "not applied" would be wrong.
    using K = ApiError::Kind;
    const K kind = outcome.error.kind;
    const bool answerLost = outcome.sent && (kind == K::Timeout || kind == K::ConnectionClosed ||
                                             kind == K::Truncated || kind == K::TooLarge ||
                                             kind == K::Malformed || kind == K::Network);
    m_ui->resultLabel->setText(
        answerLost ? tr("<b>The answer was lost: the change may or may not have been applied.</b> "
                        "%1<br>Your edit is kept: refresh to see what the server has now before "
                        "saving again.")
                         .arg(what.toHtmlEscaped())
                   : tr("<b>The change was not applied.</b> %1<br>Your edit is kept: fix it and "
                        "save again.")
                         .arg(what.toHtmlEscaped()));
    m_ui->resultLabel->setStyleSheet(tone::errorText());
    if (outcome.error.httpStatus > 0 || !outcome.error.rawBody.isEmpty()) {
        m_ui->detailsText->setVisible(true);
        m_ui->detailsText->setPlainText(tr("%1 %2 → HTTP %3\n%4")
                                            .arg(outcome.error.method, outcome.error.url)
                                            .arg(outcome.error.httpStatus)
                                            .arg(QString::fromUtf8(outcome.error.rawBody)));
    }
    emit applyFailed(m_base, m_edited, outcome);
}

void ReviewChangesDialog::showConflict(const ApplyOperation::Outcome& outcome)
{
    m_fresh = outcome.fresh;
    m_fresh.profileName = m_base.profileName;
    const ThreeWayMerge merge(m_base.editable, m_fresh.editable, m_edited, m_options);
    m_merged = merge.merged();
    const ConnectorDiff serverChanges(m_base.editable, m_fresh.editable, m_options);
    m_ui->pages->setCurrentWidget(m_ui->conflictPage);
    m_ui->summaryLabel->setText(
        outcome.sent
            ? tr("<b>The server refused the change: someone else changed it meanwhile — nothing "
                 "was stored.</b>")
            : tr("<b>Changed on the server since you began — nothing was sent.</b>"));
    m_ui->conflictLabel->setText(
        merge.isClean()
            ? tr("%1 The server's changes do not touch yours: they have been merged into your "
                 "edit.")
                  .arg(outcome.message)
            : tr("%1 Choose for each conflicting field which value to keep.").arg(outcome.message));
    m_ui->mergedLabel->setText(tr("Server changes: %1. Review the merged edit before it is sent.")
                                   .arg(serverChanges.summaryLine()));
    m_ui->conflictTree->clear();
    m_ui->conflictTree->setVisible(!merge.isClean());
    for (const MergeConflict& c : merge.conflicts()) {
        auto* item = new QTreeWidgetItem(m_ui->conflictTree);
        item->setText(0, c.path);
        auto show = [](const QJsonValue& v) {
            return v.isUndefined() ? QObject::tr("(absent)") : ConnectorDiff::valueText(v);
        };
        item->setText(1, show(c.base));
        item->setText(2, show(c.server));
        item->setText(3, show(c.mine));
        auto* choice = new QComboBox(m_ui->conflictTree);
        choice->setObjectName(QStringLiteral("conflictChoice"));
        choice->setAccessibleName(tr("Value to keep for %1").arg(c.path));
        choice->addItem(tr("Yours"));
        choice->addItem(tr("Server's"));
        choice->setProperty("minePointer", c.minePointer);
        choice->setProperty("serverPointer", c.serverPointer);
        m_ui->conflictTree->setItemWidget(item, 4, choice);
    }
    m_ui->applyButton->setVisible(false);
    m_ui->closeButton->setVisible(false);
    m_ui->cancelButton->setVisible(true);
    m_ui->reviewAgainButton->setVisible(true);
}

void ReviewChangesDialog::reviewAgain()
{
    QJsonObject merged = m_merged;
    const auto choices =
        m_ui->conflictTree->findChildren<QComboBox*>(QStringLiteral("conflictChoice"));
    for (QComboBox* choice : choices) {
        if (choice->currentIndex() != 1)
            continue;
        // Take the server's value: the merged document holds mine at that place.
        const QString serverPointer = choice->property("serverPointer").toString();
        const QString minePointer = choice->property("minePointer").toString();
        const QString target = minePointer.isEmpty() ? serverPointer : minePointer;
        const QJsonValue serverValue = serverPointer.isEmpty()
                                           ? QJsonValue(QJsonValue::Undefined)
                                           : jsonValueAt(m_fresh.editable, serverPointer);
        merged = jsonValueSet(merged, target, serverValue).toObject();
    }
    emit reviewAgainRequested(m_fresh, merged);
    accept();
}

} // namespace ca
