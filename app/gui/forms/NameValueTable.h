#pragma once

#include "SchemaValidator.h"

#include <QJsonArray>
#include <QObject>
#include <QPointer>

class QPushButton;
class QTableWidget;

namespace ca {

class SecretField;

// Makes a two-column QTableWidget (from a .ui) an editor of [{name, value}] lists with add and
// remove buttons. With secret values, each value cell is a SecretField: stored values stay
// hidden unless the user chooses to replace them.
class NameValueTable : public QObject
{
    Q_OBJECT
public:
    NameValueTable(QTableWidget* table, QPushButton* addButton, QPushButton* removeButton,
                   bool secretValues, QObject* parent = nullptr);

    void setRows(const QJsonArray& rows);
    // The rows as edited; fields other than name/value are kept as they came.
    QJsonArray rows() const;

    // Empty names, secret values without a usable choice; paths "<base>/<row>/<field>".
    QList<FieldProblem> problems(const QString& basePointer) const;
    // Marks the cells that `problems` (any paths) point at below `basePointer`.
    void markProblems(const QString& basePointer, const QList<FieldProblem>& problems);

    int rowCount() const;
    SecretField* secretField(int row) const; // null without secret values

    void addRow();
    void removeSelectedRow();

signals:
    void changed();

private:
    void insertRow(int row, const QJsonObject& original, bool isNew);
    void updateButtons();

    QPointer<QTableWidget> m_table;
    QPointer<QPushButton> m_remove;
    bool m_secret = false;
    bool m_filling = false;
};

} // namespace ca
