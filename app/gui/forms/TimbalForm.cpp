// Timbal connector form (ui/TimbalForm.ui): read-only.
//
// objectNames: timbalNote (why nothing is editable), versionValue, pendingVersionValue,
//   onlineValue, platformValue (selectable labels), factsLayout (fact_id, fact_name,
//   fact_created_at, fact_updated_at, fact_last_seen_at).
#include "TimbalForm.h"

#include "ui_TimbalForm.h"

namespace ca {

TimbalForm::TimbalForm(QWidget* parent)
    : ConnectorForm(Vendor::Timbal, parent), m_ui(std::make_unique<Ui::TimbalForm>())
{
    m_ui->setupUi(this);
}

TimbalForm::~TimbalForm() = default;

void TimbalForm::fillWidgets(const Connector& connector)
{
    const QString none = QStringLiteral("—");
    m_ui->versionValue->setText(connector.version.isEmpty() ? none : connector.version);
    m_ui->pendingVersionValue->setText(
        connector.pendingVersion.isEmpty()
            ? tr("none")
            : tr("%1 (update dispatched, not reported yet)").arg(connector.pendingVersion));
    m_ui->onlineValue->setText(!connector.online.has_value() ? tr("unknown")
                               : *connector.online           ? tr("online")
                                                             : tr("offline"));
    m_ui->platformValue->setText(connector.platform.isEmpty() ? none : connector.platform);
    showFacts(m_ui->factsLayout,
              {{QStringLiteral("/id"), tr("Id")},
               {QStringLiteral("/name"), tr("Name")},
               {QStringLiteral("/created_at"), tr("Created")},
               {QStringLiteral("/updated_at"), tr("Updated")},
               {QStringLiteral("/last_seen_at"), tr("Last seen")}},
              {QStringLiteral("version"), QStringLiteral("pending_version"),
               QStringLiteral("online"), QStringLiteral("platform")});
}

QJsonObject TimbalForm::buildDocument() const
{
    return connector().editable; // always empty: nothing to edit
}

} // namespace ca
