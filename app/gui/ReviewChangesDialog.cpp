#include "ReviewChangesDialog.h"

#include "Appearance.h"
#include "EditReviewView.h"
#include "ThreeWayMerge.h"
#include "ui_ReviewChangesDialog.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPushButton>

namespace ca {

ReviewChangesDialog::ReviewChangesDialog(ConnectorService* service, const Connector& base,
                                         const QJsonObject& edited, QWidget* parent,
                                         AuditAction action)
    : QDialog(parent), m_ui(std::make_unique<Ui::ReviewChangesDialog>()), m_service(service),
      m_review(service, base, edited, action)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("reviewDialog"));
    connect(m_ui->applyButton, &QPushButton::clicked, this, &ReviewChangesDialog::apply);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_ui->closeButton, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_ui->reviewAgainButton, &QPushButton::clicked, this,
            &ReviewChangesDialog::reviewAgain);
    m_ui->detailsText->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    fillReview();
}

ReviewChangesDialog::~ReviewChangesDialog() = default;

QString ReviewChangesDialog::text(const QJsonValue& value) const
{
    return m_review.maskedText(value);
}

bool ReviewChangesDialog::canApply() const
{
    return m_service && m_review.canApply();
}

void ReviewChangesDialog::fillReview()
{
    m_ui->pages->setCurrentWidget(m_ui->reviewPage);
    setWindowTitle(tr("Review changes to %1").arg(m_review.base().displayName));
    m_ui->titleLabel->setText(tr("<b>%1</b> · %2 · profile %3 · id %4")
                                  .arg(m_review.base().displayName.toHtmlEscaped(),
                                       vendorDisplayName(m_review.base().vendor),
                                       m_review.base().profileName.toHtmlEscaped(),
                                       m_review.base().id.toHtmlEscaped()));
    m_ui->summaryLabel->setText(
        QStringLiteral("<b>%1</b>").arg(m_review.diff().summaryLine().toHtmlEscaped()));

    m_ui->reviewView->showReview(m_review, m_service);
    m_ui->applyButton->setEnabled(canApply());
    m_ui->applyButton->setVisible(true);
    m_ui->cancelButton->setVisible(true);
    m_ui->closeButton->setVisible(false);
    m_ui->reviewAgainButton->setVisible(false);
    m_ui->progressLabel->clear();
}

void ReviewChangesDialog::setConnectionTestNote(const QString& status)
{
    m_ui->reviewView->setConnectionTestNote(status);
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
    auto* op =
        new ApplyOperation(m_service, m_review.base(), m_review.edited(), m_review.body(), this);
    if (m_audit)
        op->recordIntentIn(m_audit, m_review.intentRecord(AuditTool::Gui));
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
    emit applyFinished(m_review.base(), m_review.edited(), outcome);
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
                      .arg(m_review.base().displayName)
                : tr("Applied to %1, but the server changed %n value(s) you sent:", nullptr,
                     int(diffs.size()))
                      .arg(m_review.base().displayName));
        for (const ValueDifference& d : diffs) {
            QString why;
            if (m_review.base().vendor == Vendor::Databar &&
                (d.path.endsWith(QLatin1String("rate_limit")) ||
                 d.path.endsWith(QLatin1String("max_concurrency"))))
                why = tr(" — plan limit");
            m_ui->differencesList->addItem(
                tr("the server changed %1 from %2 to %3%4")
                    .arg(d.path.mid(d.path.lastIndexOf(QLatin1Char('/')) + 1), text(d.sent),
                         text(d.received), why));
        }
        m_ui->differencesList->setVisible(!diffs.isEmpty());
        emit applied(m_review.base(), m_review.edited(), outcome);
        return;
    }
    m_ui->differencesList->setVisible(!outcome.error.fieldErrors.isEmpty());
    for (const auto& fe : outcome.error.fieldErrors)
        m_ui->differencesList->addItem(tr("%1: %2").arg(fe.path, fe.message));
    const QString what =
        outcome.kind == ApplyOperation::Outcome::Kind::Refused || !outcome.error.isError()
            ? tr("Not sent: %1").arg(outcome.message)
            : outcome.error.toString();
    // A PUT whose answer was lost or unreadable may have landed: "not applied" would be wrong.
    const bool answerLost = EditReview::answerMayHaveLanded(outcome);
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
    emit applyFailed(m_review.base(), m_review.edited(), outcome);
}

void ReviewChangesDialog::showConflict(const ApplyOperation::Outcome& outcome)
{
    m_fresh = outcome.fresh;
    m_fresh.profileName = m_review.base().profileName;
    const ThreeWayMerge merge(m_review.base().editable, m_fresh.editable, m_review.edited(),
                              m_review.options());
    m_merged = merge.merged();
    const ConnectorDiff serverChanges(m_review.base().editable, m_fresh.editable,
                                      m_review.options());
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
