#include "HistoryDialog.h"

#include "ConnectorDiff.h"
#include "ui_HistoryDialog.h"

#include <QJsonArray>
#include <QLocale>
#include <QPushButton>

namespace ca {

namespace {

QJsonValue keepRedacted(const QJsonValue& value, const QString& pointer, const QJsonObject& current)
{
    if (value.isString() && value.toString() == AuditLog::kRedacted)
        return jsonValueAt(current, pointer);
    if (value.isObject()) {
        QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = keepRedacted(it.value(), jsonPointerAppend(pointer, it.key()), current);
        return o;
    }
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = keepRedacted(a.at(i), jsonPointerAppend(pointer, QString::number(i)), current);
        return a;
    }
    return value;
}

} // namespace

QString describeAuditDiff(const QJsonValue& diff)
{
    QStringList lines;
    const QJsonObject d = diff.toObject();
    const QString summary =
        d.value(QStringLiteral("summary")).toObject().value(QStringLiteral("text")).toString();
    if (!summary.isEmpty())
        lines.append(summary);
    for (const QJsonValue& v : d.value(QStringLiteral("entries")).toArray()) {
        const QJsonObject e = v.toObject();
        const QString op = e.value(QStringLiteral("op")).toString();
        const QString path = e.value(QStringLiteral("path")).toString();
        if (op == QLatin1String("unchanged"))
            continue;
        QString line = QStringLiteral("%1 %2").arg(op, path);
        if (e.contains(QStringLiteral("before")) || e.contains(QStringLiteral("after")))
            line += QStringLiteral(": %1 → %2")
                        .arg(e.contains(QStringLiteral("before"))
                                 ? ConnectorDiff::valueText(e.value(QStringLiteral("before")))
                                 : QStringLiteral("—"),
                             e.contains(QStringLiteral("after"))
                                 ? ConnectorDiff::valueText(e.value(QStringLiteral("after")))
                                 : QStringLiteral("—"));
        lines.append(line);
    }
    return lines.join(QLatin1Char('\n'));
}

QJsonObject HistoryDialog::revertDocument(const AuditRecord& record, const Connector& current)
{
    return keepRedacted(record.before, QString(), current.editable).toObject();
}

HistoryDialog::HistoryDialog(const AuditLog& audit, const Connector& current, QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::HistoryDialog>()), m_current(current)
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("historyDialog"));
    setWindowTitle(tr("History of %1").arg(current.displayName));
    m_ui->titleLabel->setText(
        tr("<b>%1</b> · %2 · profile %3 · id %4")
            .arg(current.displayName.toHtmlEscaped(), vendorDisplayName(current.vendor),
                 current.profileName.toHtmlEscaped(), current.id.toHtmlEscaped()));
    m_records = audit.records(current.profileName, current.id);
    m_ui->skippedLabel->setVisible(audit.skippedLines() > 0);
    m_ui->skippedLabel->setText(
        tr("%n damaged line(s) of the audit log were skipped.", nullptr, audit.skippedLines()));
    for (const AuditRecord& r : std::as_const(m_records)) {
        auto* item = new QTreeWidgetItem(m_ui->recordTree);
        item->setText(0, QLocale().toString(r.time.toLocalTime(), QLocale::ShortFormat));
        item->setText(1, auditToolName(r.tool));
        item->setText(2, auditActionName(r.action));
        // An intent still here has no outcome: it is being sent, or the app stopped meanwhile
        // (then it is reconciled when its profile loads).
        item->setText(3, r.outcome == AuditOutcome::Intent ? tr("sending, no outcome yet")
                                                           : auditOutcomeName(r.outcome));
        item->setText(4, r.httpStatus > 0 ? QString::number(r.httpStatus) : QString());
        item->setText(5, r.message);
    }
    m_ui->recordTree->setColumnWidth(0, 150);
    connect(m_ui->recordTree, &QTreeWidget::currentItemChanged, this, [this] {
        showRecord(m_ui->recordTree->indexOfTopLevelItem(m_ui->recordTree->currentItem()));
    });
    connect(m_ui->revertButton, &QPushButton::clicked, this, [this] {
        const int i = m_ui->recordTree->indexOfTopLevelItem(m_ui->recordTree->currentItem());
        if (i < 0)
            return;
        emit revertRequested(revertDocument(m_records.at(i), m_current));
        accept();
    });
    m_ui->revertButton->setEnabled(false);
    if (m_records.isEmpty())
        m_ui->detailsText->setPlainText(
            tr("Nothing has been applied to this connector from this computer yet."));
    else
        m_ui->recordTree->setCurrentItem(m_ui->recordTree->topLevelItem(0));
}

HistoryDialog::~HistoryDialog() = default;

void HistoryDialog::showRecord(int index)
{
    if (index < 0 || index >= m_records.size())
        return;
    const AuditRecord& r = m_records.at(index);
    QString text = describeAuditDiff(r.diff);
    if (!r.requestId.isEmpty())
        text += tr("\nrequest id: %1").arg(r.requestId);
    for (const ValueDifference& d : r.serverDifferences)
        text += tr("\nthe server changed %1 from %2 to %3")
                    .arg(d.path, ConnectorDiff::valueText(d.sent),
                         ConnectorDiff::valueText(d.received));
    m_ui->detailsText->setPlainText(text);
    // Only a change that was applied can be reverted, and only when its "before" was kept.
    m_ui->revertButton->setEnabled(r.action == AuditAction::Apply || r.action == AuditAction::Revert
                                       ? r.outcome == AuditOutcome::Applied && !r.before.isEmpty()
                                       : false);
}

} // namespace ca
