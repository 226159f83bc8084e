#pragma once

#include "Connector.h"
#include "SchemaValidator.h"

#include <QJsonObject>
#include <QLabel>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QWidget>
#include <memory>

class QFormLayout;

namespace ca {

// The editor of one connector's `editable` document, one subclass per vendor (built from
// ui/<Vendor>Form.ui). The main window shows it in the detail pane; the review dialog diffs
// editedDocument() against connector().editable.
//
// Problems (the vendor schema's and the widgets' own) are shown as the user types: a red border
// (dynamic property "problem" = true) and a message label at the field, the same words in the
// field's tool tip and accessibleDescription, and a list in the summary label at the top.
class ConnectorForm : public QWidget
{
    Q_OBJECT
public:
    ~ConnectorForm() override;

    Vendor vendor() const { return m_vendor; }
    const Connector& connector() const { return m_connector; }

    // Fills the widgets from the connector; the form is then unmodified and server errors gone.
    virtual void setConnector(const Connector& connector);
    // Shows an edit of `base` (a restored draft, a merged edit): modified relative to `base`.
    void setConnector(const Connector& base, const QJsonObject& edited);

    // The edited `editable` object, with the vendor's field names. Secrets on "keep" carry the
    // stored value (for AI Squared the mask, which the service refuses to send in a changed
    // configuration); a mask is never given as a replaced value.
    QJsonObject editedDocument() const;
    // editedDocument() differs from connector().editable (structurally).
    bool isModified() const;

    // Schema, widget-level and (until their field is edited) server problems.
    QList<FieldProblem> problems() const { return m_problems; }
    bool isValid() const { return m_problems.isEmpty(); }

    // Problems the server reported for the last save, as (JSON pointer, message): e.g. Databar's
    // loc ["body", "rate_limit"] mapped by the caller to "/rate_limit". Each stays at its field
    // until that field's value changes.
    void showServerErrors(const QList<QPair<QString, QString>>& pathMessages);

    // The label of the field showing `pointer` ("Rate limit"), or the pointer itself.
    QString fieldLabel(const QString& pointer) const;

signals:
    void changed(); // the user edited something
    void validityChanged(bool valid);

protected:
    ConnectorForm(Vendor vendor, QWidget* parent);

    virtual void fillWidgets(const Connector& connector) = 0;
    virtual QJsonObject buildDocument() const = 0;
    // Problems the schema cannot see (JSON syntax, secret choices, duplicates, URL form).
    virtual QList<FieldProblem> widgetProblems() const { return {}; }
    // Marks parts of a field (table cells, list rows) after the field itself was marked.
    virtual void presentItemProblems(const QList<FieldProblem>& problems) { Q_UNUSED(problems); }

    // Shows problems at `pointer` and below it at `input` and `message`. `itemNoun` names the
    // entries of a list field in messages ("header" → "Header 2 name: needs a name").
    void bindField(const QString& pointer, QWidget* input, QLabel* message, const QString& label,
                   const QString& itemNoun = {});
    void unbindFieldsUnder(const QString& pointer);
    void setSummaryLabel(QLabel* summary) { m_summary = summary; }
    // Validates against `schema` from now on (the vendor's own definition of a connector kind);
    // call revalidate() after.
    void setSchema(const SchemaValidator& schema) { m_schema = schema; }

    // A read-only fact: the value at `pointer` of connector().readOnly, under `label`.
    struct Fact
    {
        QString pointer;
        QString label;
    };
    // Fills `layout` with selectable labels: `facts` first, then every other top-level key of
    // readOnly except `skipKeys`.
    void showFacts(QFormLayout* layout, const QList<Fact>& facts, const QStringList& skipKeys = {});
    static QString factText(const QJsonValue& value);

    // Subclasses connect their widgets' change signals here.
    void onEdited();
    // Recomputes and shows problems (also after a subclass changed what widgetProblems() sees).
    void revalidate();

private:
    struct Binding
    {
        QString pointer;
        QPointer<QWidget> input;
        QPointer<QLabel> message;
        QString label;
        QString itemNoun;
        QString baseToolTip;
    };
    struct ServerError
    {
        FieldProblem problem;
        QJsonValue valueWhenShown;
    };

    const Binding* bindingFor(const QString& pointer) const;
    QString describeWithin(const Binding& binding, const FieldProblem& problem) const;
    void present();

    Vendor m_vendor;
    Connector m_connector;
    SchemaValidator m_schema;
    QList<Binding> m_bindings;
    QList<ServerError> m_serverErrors;
    QList<FieldProblem> m_problems;
    QPointer<QLabel> m_summary;
    bool m_filling = false;
    bool m_valid = true;
};

// The form for a vendor's connectors.
std::unique_ptr<ConnectorForm> createConnectorForm(Vendor vendor, QWidget* parent = nullptr);

} // namespace ca
