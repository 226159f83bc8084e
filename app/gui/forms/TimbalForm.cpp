// Timbal connector form (ui/TimbalForm.ui): read-only, the connector's ConnectorView.
//
// objectNames: timbalNote (why nothing is editable), versionValue, connectedValue, onlineValue,
//   platformValue (selectable labels), factsLayout (fact_id, fact_name, fact_hostname,
//   fact_capabilities, fact_enrolled_at, fact_last_seen_at).
#include "TimbalForm.h"

#include "ConnectorTableModel.h"
#include "ui_TimbalForm.h"

namespace ca {

TimbalForm::TimbalForm(QWidget* parent)
    : ConnectorForm(Vendor::Timbal, parent), m_ui(std::make_unique<Ui::TimbalForm>())
{
    m_ui->setupUi(this);
    const QString connected = ConnectorTableModel::timbalConnectedHelp();
    const QString online = ConnectorTableModel::timbalOnlineHelp();
    for (QLabel* w : {m_ui->connectedLabel, m_ui->connectedValue})
        w->setToolTip(connected);
    for (QLabel* w : {m_ui->onlineLabel, m_ui->onlineValue})
        w->setToolTip(online);
    m_ui->connectedValue->setAccessibleDescription(connected);
    m_ui->onlineValue->setAccessibleDescription(online);
}

TimbalForm::~TimbalForm() = default;

void TimbalForm::fillWidgets(const Connector& connector)
{
    const QString none = QStringLiteral("—");
    m_ui->versionValue->setText(connector.version.isEmpty() ? tr("none reported")
                                                            : connector.version);
    m_ui->connectedValue->setText(
        ConnectorTableModel::flagText(connector.connected, tr("yes"), tr("no")));
    m_ui->onlineValue->setText(
        ConnectorTableModel::flagText(connector.online, tr("yes, on the server that answered"),
                                      tr("no live connection on the server that answered")));
    QStringList platform;
    for (const QString& part : {connector.os, connector.arch}) {
        if (!part.isEmpty())
            platform << part;
    }
    m_ui->platformValue->setText(platform.isEmpty() ? none : platform.join(QStringLiteral(" / ")));
    showFacts(m_ui->factsLayout,
              {{QStringLiteral("/id"), tr("Id")},
               {QStringLiteral("/name"), tr("Name")},
               {QStringLiteral("/hostname"), tr("Host")},
               {QStringLiteral("/capabilities"), tr("Capabilities")},
               {QStringLiteral("/enrolled_at"), tr("Enrolled")},
               {QStringLiteral("/last_seen_at"), tr("Last seen")}},
              {QStringLiteral("version"), QStringLiteral("online"), QStringLiteral("connected"),
               QStringLiteral("os"), QStringLiteral("arch")});
}

QJsonObject TimbalForm::buildDocument() const
{
    return connector().editable; // always empty: nothing to edit
}

} // namespace ca
