#pragma once

#include "ConnectorForm.h"

#include <memory>

namespace Ui {
class BigdataForm;
}

namespace ca {

// Bigdata.com connector: label (required), description, share_with_org, and for `email`
// connectors the allowed sender addresses. investment_research config cannot be updated.
class BigdataForm : public ConnectorForm
{
    Q_OBJECT
public:
    explicit BigdataForm(QWidget* parent = nullptr);
    ~BigdataForm() override;

protected:
    void fillWidgets(const Connector& connector) override;
    QJsonObject buildDocument() const override;
    QList<FieldProblem> widgetProblems() const override;
    void presentItemProblems(const QList<FieldProblem>& problems) override;

private:
    void addEmail();
    void removeSelectedEmail();
    QStringList emails() const;

    std::unique_ptr<Ui::BigdataForm> m_ui;
    bool m_email = false;
};

} // namespace ca
