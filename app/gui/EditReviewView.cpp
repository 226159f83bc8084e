#include "EditReviewView.h"

#include "Appearance.h"
#include "EditReview.h"
#include "ui_EditReviewView.h"

#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>

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

EditReviewView::EditReviewView(QWidget* parent)
    : QWidget(parent), m_ui(std::make_unique<Ui::EditReviewView>())
{
    m_ui->setupUi(this);
    m_ui->changeTree->header()->setStretchLastSection(true);
    m_ui->changeTree->setColumnWidth(0, 110);
    m_ui->changeTree->setColumnWidth(1, 260);
    m_ui->changeTree->setColumnWidth(2, 220);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_ui->beforeText->setFont(mono);
    m_ui->afterText->setFont(mono);
    m_ui->refusalLabel->setStyleSheet(tone::errorText());
}

EditReviewView::~EditReviewView() = default;

void EditReviewView::showReview(const EditReview& review, const ConnectorService* service)
{
    m_ui->changeTree->clear();
    for (const DiffEntry& e : review.diff().entries()) {
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
            item->setText(2, e.before.isUndefined() ? QString() : review.maskedText(e.before));
            item->setText(3, e.after.isUndefined() ? QString() : review.maskedText(e.after));
        }
        item->setToolTip(2, item->text(2));
        item->setToolTip(3, item->text(3));
        item->setData(0, Qt::AccessibleTextRole, tr("%1: %2").arg(kind, e.path));
    }

    m_ui->beforeText->setPlainText(pretty(review.masked(review.base().editable)));
    m_ui->afterText->setPlainText(review.refusal().isEmpty() ? pretty(review.masked(review.body()))
                                                             : tr("(nothing will be sent)"));

    const QStringList& omissions = review.resets();
    m_ui->omissionLabel->setText(
        omissions.isEmpty() ? tr("Nothing is cleared or reset by omission.")
                            : tr("<b>The update also resets:</b> %1")
                                  .arg(omissions.join(QStringLiteral("; ")).toHtmlEscaped()));
    m_ui->omissionLabel->setVisible(true);
    m_ui->serverNotesLabel->setText(
        service ? tr("Set by the server: %1.")
                      .arg(service->serverComputedNotes().join(QStringLiteral("; ")))
                : QString());
    m_ui->serverNotesLabel->setVisible(service != nullptr);
    m_ui->refusalLabel->setVisible(!review.refusal().isEmpty() || review.diff().isEmpty());
    m_ui->refusalLabel->setText(
        !review.refusal().isEmpty()
            ? tr("<b>This cannot be sent:</b> %1").arg(review.refusal().toHtmlEscaped())
            : tr("There is nothing to send: the edit changes nothing."));
}

void EditReviewView::showNothing(const QString& why)
{
    m_ui->changeTree->clear();
    m_ui->beforeText->clear();
    m_ui->afterText->setPlainText(tr("(nothing will be sent)"));
    m_ui->omissionLabel->setVisible(false);
    m_ui->serverNotesLabel->setVisible(false);
    m_ui->connectionTestLabel->setVisible(false);
    m_ui->refusalLabel->setVisible(!why.isEmpty());
    m_ui->refusalLabel->setText(why.toHtmlEscaped());
}

void EditReviewView::setConnectionTestNote(const QString& status)
{
    m_ui->connectionTestLabel->setText(tr("Connection: %1.").arg(status));
    m_ui->connectionTestLabel->setVisible(!status.isEmpty());
}

} // namespace ca
