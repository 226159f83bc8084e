#pragma once

#include "AuditLog.h"
#include "Connector.h"

#include <QDialog>
#include <memory>

namespace Ui {
class HistoryDialog;
}

namespace ca {

// What was applied to one connector, newest first, from the audit log (GUI and CLI alike).
// "Revert to this" builds the edit that restores the connector to how it was before the chosen
// change; it goes through the same review and apply as any edit.
class HistoryDialog : public QDialog
{
    Q_OBJECT
public:
    HistoryDialog(const AuditLog& audit, const Connector& current, QWidget* parent = nullptr);
    ~HistoryDialog() override;

    int recordCount() const { return int(m_records.size()); }

    // The document that undoes `record` on top of `current`: the record's `before`, with every
    // secret the log redacted kept as the server holds it now (the log never had the value).
    static QJsonObject revertDocument(const AuditRecord& record, const Connector& current);

signals:
    void revertRequested(const QJsonObject& document);

private:
    void showRecord(int index);

    std::unique_ptr<Ui::HistoryDialog> m_ui;
    Connector m_current;
    QList<AuditRecord> m_records;
};

// One line per diff entry of an audit record's (already masked) diff.
QString describeAuditDiff(const QJsonValue& diff);

} // namespace ca
