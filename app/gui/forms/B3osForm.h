#pragma once

#include "ConnectorForm.h"

#include <memory>

namespace Ui {
class B3osForm;
}

namespace ca {

// B3OS connector: name, description, and new `data` (write-only credentials: never returned,
// only a masked view; empty = keep the stored data).
class B3osForm : public ConnectorForm
{
    Q_OBJECT
public:
    explicit B3osForm(QWidget* parent = nullptr);
    ~B3osForm() override;

protected:
    void fillWidgets(const Connector& connector) override;
    QJsonObject buildDocument() const override;
    QList<FieldProblem> widgetProblems() const override;

private:
    void updateSyntaxStatus();

    std::unique_ptr<Ui::B3osForm> m_ui;
};

} // namespace ca
