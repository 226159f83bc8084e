#pragma once

#include "ConnectorForm.h"

#include <memory>

namespace Ui {
class DatabarForm;
}

namespace ca {

class NameValueTable;

// Databar custom API connector: the full ConnectorCreate body (the PUT replaces everything).
class DatabarForm : public ConnectorForm
{
    Q_OBJECT
public:
    explicit DatabarForm(QWidget* parent = nullptr);
    ~DatabarForm() override;

    static constexpr int kNameMax = 256;
    static constexpr int kUrlMax = 512;
    static constexpr int kBodyTemplateMax = 2048;

    NameValueTable* headers() const { return m_headers; }

protected:
    void fillWidgets(const Connector& connector) override;
    QJsonObject buildDocument() const override;
    QList<FieldProblem> widgetProblems() const override;
    void presentItemProblems(const QList<FieldProblem>& problems) override;

private:
    void updateTemplateCounter();

    std::unique_ptr<Ui::DatabarForm> m_ui;
    NameValueTable* m_headers = nullptr;
    NameValueTable* m_parameters = nullptr;
    NameValueTable* m_body = nullptr;
};

} // namespace ca
