#pragma once

#include "ConnectorForm.h"

#include <memory>

namespace Ui {
class TimbalForm;
}

namespace ca {

// Timbal connector: nothing to edit (settings live on the connector's host); status facts only.
// Software updates come with issue 8.
class TimbalForm : public ConnectorForm
{
    Q_OBJECT
public:
    explicit TimbalForm(QWidget* parent = nullptr);
    ~TimbalForm() override;

protected:
    void fillWidgets(const Connector& connector) override;
    QJsonObject buildDocument() const override;

private:
    std::unique_ptr<Ui::TimbalForm> m_ui;
};

} // namespace ca
