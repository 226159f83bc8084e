#include "NameValueTable.h"

#include "Appearance.h"
#include "Connector.h"
#include "SecretField.h"

#include <QComboBox>
#include <QHeaderView>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>

namespace ca {

namespace {
const QString kName = QStringLiteral("name");
const QString kValue = QStringLiteral("value");
constexpr int kOriginalRole = Qt::UserRole + 1; // the row as loaded (absent for new rows)
} // namespace

NameValueTable::NameValueTable(QTableWidget* table, QPushButton* addButton,
                               QPushButton* removeButton, bool secretValues, QObject* parent)
    : QObject(parent), m_table(table), m_remove(removeButton), m_secret(secretValues)
{
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                           QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    table->setTabKeyNavigation(false); // Tab leaves the table; arrows move between cells
    if (m_secret) {
        // Room for the keep/replace/clear combo in every row.
        QComboBox probe;
        table->verticalHeader()->setDefaultSectionSize(probe.sizeHint().height() + 6);
        table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
        table->horizontalHeader()->resizeSection(0, 160);
        table->horizontalHeader()->setStretchLastSection(true);
    }

    connect(table, &QTableWidget::itemChanged, this, [this] {
        if (!m_filling)
            emit changed();
    });
    connect(table, &QTableWidget::itemSelectionChanged, this, &NameValueTable::updateButtons);
    connect(addButton, &QPushButton::clicked, this, &NameValueTable::addRow);
    connect(removeButton, &QPushButton::clicked, this, &NameValueTable::removeSelectedRow);
    updateButtons();
}

void NameValueTable::insertRow(int row, const QJsonObject& original, bool isNew)
{
    m_table->insertRow(row);
    auto* nameItem = new QTableWidgetItem(original.value(kName).toString());
    if (!isNew)
        nameItem->setData(kOriginalRole, QVariant(original));
    m_table->setItem(row, 0, nameItem);
    if (m_secret) {
        auto* field = new SecretField(m_table);
        if (!isNew && original.contains(kValue))
            field->setStored(original.value(kValue));
        else
            field->setNew(original.value(kValue).toString());
        field->setAccessibleLabel(tr("Row %1 value").arg(row + 1));
        connect(field, &SecretField::changed, this, [this] {
            if (!m_filling)
                emit changed();
        });
        // Keeps the cell's item for problem marks; the widget covers it.
        m_table->setItem(row, 1, new QTableWidgetItem);
        m_table->item(row, 1)->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_table->setCellWidget(row, 1, field);
    } else {
        m_table->setItem(row, 1, new QTableWidgetItem(original.value(kValue).toString()));
    }
}

void NameValueTable::setRows(const QJsonArray& rows)
{
    m_filling = true;
    m_table->clearContents();
    m_table->setRowCount(0);
    for (int i = 0; i < rows.size(); ++i)
        insertRow(i, rows.at(i).toObject(), false);
    m_filling = false;
    updateButtons();
}

QJsonArray NameValueTable::rows() const
{
    QJsonArray out;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QTableWidgetItem* nameItem = m_table->item(r, 0);
        const QVariant originalData = nameItem ? nameItem->data(kOriginalRole) : QVariant();
        const bool isNew = !originalData.isValid();
        QJsonObject row = originalData.toJsonObject();
        row.insert(kName, nameItem ? nameItem->text() : QString());
        QJsonValue value;
        if (m_secret) {
            value = secretField(r)->value();
        } else {
            const QTableWidgetItem* valueItem = m_table->item(r, 1);
            value = valueItem ? valueItem->text() : QString();
        }
        // An empty value the vendor left out stays out (its default is "").
        if (!isNew && !row.contains(kValue) && value == QJsonValue(QString()))
            row.remove(kValue);
        else
            row.insert(kValue, value);
        out.append(row);
    }
    return out;
}

QList<FieldProblem> NameValueTable::problems(const QString& basePointer) const
{
    QList<FieldProblem> out;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QString rowPointer = jsonPointerAppend(basePointer, QString::number(r));
        const QTableWidgetItem* nameItem = m_table->item(r, 0);
        if (!nameItem || nameItem->text().trimmed().isEmpty())
            out.append({jsonPointerAppend(rowPointer, kName), tr("needs a name")});
        if (m_secret) {
            const QString problem = secretField(r)->problem();
            if (!problem.isEmpty())
                out.append({jsonPointerAppend(rowPointer, kValue), problem});
        }
    }
    return out;
}

void NameValueTable::markProblems(const QString& basePointer, const QList<FieldProblem>& problems)
{
    const QSignalBlocker blocker(m_table); // marks are not edits
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QString rowPointer = jsonPointerAppend(basePointer, QString::number(r));
        for (int column = 0; column < 2; ++column) {
            const QString cellPointer = jsonPointerAppend(rowPointer, column == 0 ? kName : kValue);
            QStringList messages;
            for (const FieldProblem& p : problems) {
                if (p.path == cellPointer || p.path.startsWith(cellPointer + QLatin1Char('/')) ||
                    (column == 0 && p.path == rowPointer))
                    messages << p.message;
            }
            QTableWidgetItem* item = m_table->item(r, column);
            if (!item)
                continue;
            item->setBackground(messages.isEmpty() ? QBrush() : QBrush(tone::problemBackground()));
            item->setForeground(messages.isEmpty() ? QBrush() : QBrush(tone::problemForeground()));
            item->setToolTip(messages.join(QLatin1Char('\n')));
            if (column == 1 && m_secret) {
                QLineEdit* edit = secretField(r)->valueEdit();
                edit->setProperty("problem", !messages.isEmpty());
                edit->setToolTip(messages.join(QLatin1Char('\n')));
                edit->style()->unpolish(edit);
                edit->style()->polish(edit);
            }
        }
    }
}

int NameValueTable::rowCount() const
{
    return m_table->rowCount();
}

SecretField* NameValueTable::secretField(int row) const
{
    return m_secret ? qobject_cast<SecretField*>(m_table->cellWidget(row, 1)) : nullptr;
}

void NameValueTable::addRow()
{
    const int row = m_table->rowCount();
    m_filling = true;
    insertRow(row, QJsonObject{}, true);
    m_filling = false;
    m_table->setCurrentCell(row, 0);
    m_table->setFocus(Qt::OtherFocusReason);
    m_table->editItem(m_table->item(row, 0));
    updateButtons();
    emit changed();
}

void NameValueTable::removeSelectedRow()
{
    const int row = m_table->currentRow();
    if (row < 0 || row >= m_table->rowCount())
        return;
    m_table->removeRow(row);
    updateButtons();
    emit changed();
}

void NameValueTable::updateButtons()
{
    if (m_remove)
        m_remove->setEnabled(m_table->currentRow() >= 0 && m_table->rowCount() > 0);
}

} // namespace ca
