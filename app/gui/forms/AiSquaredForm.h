#pragma once

#include "ConnectorForm.h"

#include <QMap>
#include <memory>

namespace Ui {
class AiSquaredForm;
}

namespace ca {

class SecretField;

// AI Squared (Multiwoven) connector: name, connector_type, configuration as JSON text, with the
// configuration's secret keys (secretPaths) as separate keep / replace / clear rows.
class AiSquaredForm : public ConnectorForm
{
    Q_OBJECT
public:
    explicit AiSquaredForm(QWidget* parent = nullptr);
    ~AiSquaredForm() override;

    // The row of a secret path ("/configuration/password"), or null.
    SecretField* secretField(const QString& pointer) const { return m_secrets.value(pointer); }

protected:
    void fillWidgets(const Connector& connector) override;
    QJsonObject buildDocument() const override;
    QList<FieldProblem> widgetProblems() const override;

private:
    void rebuildSecretRows(const Connector& connector);
    void updateSyntaxStatus();
    QJsonObject assembledConfiguration() const;

    std::unique_ptr<Ui::AiSquaredForm> m_ui;
    QMap<QString, SecretField*> m_secrets; // pointer → row, in path order
    QJsonObject m_visibleConfiguration;    // the stored configuration without its secrets
};

} // namespace ca
