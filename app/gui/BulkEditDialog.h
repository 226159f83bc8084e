#pragma once

#include "ChangeSet.h"
#include "Connector.h"
#include "FieldEdit.h"

#include <QDialog>
#include <QJsonValue>
#include <functional>
#include <memory>

class QComboBox;
class QLineEdit;

namespace Ui {
class BulkEditDialog;
}

namespace ca {

class ConnectorService;
class SecretField;

// One change a bulk edit makes to every selected connector (a FieldEdit with its value).
struct BulkOperation
{
    QString path; // a FieldEdit path
    FieldEdit::Op op = FieldEdit::Op::Set;
    QJsonValue value;
    bool secret = false; // the value is secret: masked in every view of the change
    // "Add or replace" of a named item ({name, value} in /headers): when an item with this name
    // is there, its value is set (path/[name=…]/value), else {name, value} is appended.
    QString upsertName;
};

// The change set of a bulk edit: each connector's printable document (EditReview::printable)
// with `operations` applied. A connector an operation does not fit (FieldEdit's error) is left
// out of `entries` and listed in `refused` with the error; an operation that finds nothing to do
// (no such header to remove) leaves the document as it was: the plan calls it unchanged.
struct BulkEdit
{
    QList<ChangeSetEntry> entries;
    QList<ChangeSetItem> refused;
};
BulkEdit bulkEdit(const QList<Connector>& connectors,
                  const std::function<ConnectorService*(const QString&)>& services,
                  const QList<BulkOperation>& operations);

// "Edit selected…": one change for many connectors of one vendor. A row per editable top-level
// field of the vendor's schema, each "Leave as is" or "Set to …" with an editor of its type
// (secret fields: "Replace on all" with one masked entry), and the list operations of the
// vendor's list fields (Databar headers: add/replace or remove a header, its value secret;
// Bigdata allowed senders: add or remove an address). Review… hands the change set to the
// change-set review (reviewRequested); nothing is sent from here.
//
// Object names: bulkEditDialog, bulkField_<key>_mode (QComboBox), bulkField_<key>_value (the
// editor: QLineEdit, QComboBox, QCheckBox, QSpinBox, QPlainTextEdit or SecretField),
// bulkHeaderMode, bulkHeaderName, bulkHeaderValue (SecretField), bulkAddressMode,
// bulkAddressValue, bulkStatus, reviewButton, cancelButton.
class BulkEditDialog : public QDialog
{
    Q_OBJECT
public:
    using ServiceLookup = std::function<ConnectorService*(const QString& profile)>;

    // `connectors`: editable connectors of one vendor (the first one's vendor is taken).
    BulkEditDialog(const QList<Connector>& connectors, ServiceLookup services,
                   QWidget* parent = nullptr);
    ~BulkEditDialog() override;

    // The operations chosen so far; *problems (may be null) gets what must be fixed first.
    QList<BulkOperation> operations(QStringList* problems) const;

signals:
    void reviewRequested(const QList<ca::ChangeSetEntry>& entries,
                         const QList<ca::ChangeSetItem>& refused);

private:
    struct FieldRow;
    void buildFieldRows();
    void buildHeaderRows();
    void buildAddressRows();
    void addRow(const QString& label, QWidget* mode, QWidget* value);
    void updateState();
    void review();

    std::unique_ptr<Ui::BulkEditDialog> m_ui;
    QList<Connector> m_connectors;
    ServiceLookup m_services;
    Vendor m_vendor = Vendor::Timbal;
    QList<std::shared_ptr<FieldRow>> m_rows;
    QComboBox* m_headerMode = nullptr;
    QLineEdit* m_headerName = nullptr;
    SecretField* m_headerValue = nullptr;
    QComboBox* m_addressMode = nullptr;
    QLineEdit* m_address = nullptr;
};

} // namespace ca
