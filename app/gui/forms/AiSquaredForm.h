#pragma once

#include "ConnectorDefinition.h"
#include "ConnectorForm.h"
#include "ServiceJobs.h"

#include <QMap>
#include <functional>
#include <memory>
#include <optional>

namespace Ui {
class AiSquaredForm;
}

namespace ca {

class SchemaConfigEditor;
class SecretField;

// AI Squared (Multiwoven) connector: name, description, connector_type, and the configuration.
// With the kind's definition (setDefinition()), the configuration is a form built from the
// vendor's own connection_specification (SchemaConfigEditor) and validated against it; "Edit as
// JSON" shows the same document as text. Without one (still loading, or unavailable) the text
// editor is the only view and the secrets are found from the key names and the masks, and the
// form says so. Secrets are keep / replace / clear fields at any depth (SecretField).
//
// Test connection sends the configuration as it is now to the vendor's check_connection
// (connectionTestRequested; the edit session runs it) once every secret it holds is a real value
// (a kept one is a mask), and shows the answer inline. The values typed for it live only in the
// form's widgets.
class AiSquaredForm : public ConnectorForm
{
    Q_OBJECT
public:
    explicit AiSquaredForm(QWidget* parent = nullptr);
    ~AiSquaredForm() override;

    // The definition of the connector's kind (ignored when it is not the kind shown).
    void setDefinition(const ConnectorDefinition& definition, const QString& note = {});
    // No definition could be had: the text editor stays, with `why` in the form.
    void setDefinitionUnavailable(const QString& connectorType, const QString& connectorName,
                                  const QString& why);
    const ConnectorDefinition& definition() const { return m_definition; }
    // Where definitions already read this session are found without waiting (the service's
    // memory), so a connector of a known kind opens on its fields at once.
    using DefinitionLookup =
        std::function<std::optional<ConnectorDefinition>(const QString&, const QString&)>;
    void setDefinitionLookup(DefinitionLookup lookup) { m_lookup = std::move(lookup); }
    // The (connector_type, connector_name) shown, whose definition the form wants.
    QString wantedType() const;
    QString wantedName() const;

    bool isJsonMode() const;
    // false: back to the generated fields (refused while the text does not parse).
    bool setJsonMode(bool json);
    SchemaConfigEditor* schemaEditor() const { return m_editor; }

    // The row of a secret path ("/configuration/password"), or null, in the view shown.
    SecretField* secretField(const QString& pointer) const;

    // --- connection test ---
    // Why the configuration cannot be tested now (secrets to re-enter), or empty.
    QString connectionTestBlocker() const;
    void showConnectionTest(const ConnectionCheckResult& result);
    // For the review: "tested: succeeded at 14:02", "tested: failed at 14:02 (…)", "not tested",
    // or "not tested since the last change (…)".
    QString connectionTestStatus() const;

signals:
    // The form needs the definition of this kind (a connector of a kind not loaded yet is shown).
    void definitionWanted(const QString& connectorType, const QString& connectorName);
    void connectionTestRequested(const QString& connectorType, const QString& connectorName,
                                 const QJsonObject& configuration);

protected:
    void fillWidgets(const Connector& connector) override;
    QJsonObject buildDocument() const override;
    QList<FieldProblem> widgetProblems() const override;

private:
    void showJsonView(const QJsonObject& configuration, const QStringList& secretPointers,
                      const QMap<QString, SecretField*>& statesFrom);
    void showSchemaView(const QJsonObject& configuration,
                        const QMap<QString, SecretField*>& statesFrom);
    void rebuildSecretRows(const QJsonObject& configuration, const QStringList& secretPointers,
                           const QMap<QString, SecretField*>& statesFrom);
    void updateSyntaxStatus();
    void updateTestButton();
    void applyValidationSchema();
    QJsonObject assembledConfiguration() const;
    QJsonObject currentConfiguration() const; // of the view shown
    QMap<QString, SecretField*> shownSecrets() const;
    QStringList secretPointersFor(const QJsonObject& configuration) const;
    bool definitionMatches() const;
    void requestTest();

    std::unique_ptr<Ui::AiSquaredForm> m_ui;
    SchemaConfigEditor* m_editor = nullptr;
    QMap<QString, SecretField*> m_secrets; // JSON view: pointer → row, in path order
    QJsonObject m_visibleConfiguration;    // JSON view: the configuration without its secrets
    QStringList m_knownSecretPaths;        // the connector's (from the service)
    ConnectorDefinition m_definition;
    DefinitionLookup m_lookup;
    QString m_definitionNote;
    bool m_userChoseJson = false;
    // The last connection test, and the configuration it ran on (in memory only).
    std::optional<ConnectionCheckResult> m_lastTest;
    QString m_testedFingerprint; // of the configuration tested (a keyed hash: no secret kept)
    QString m_testedId;          // profile/id of the connector the test belongs to
    bool m_testRunning = false;
};

} // namespace ca
