// createConnectorForm: the one place that knows which form belongs to which vendor.
#include "AiSquaredForm.h"
#include "B3osForm.h"
#include "BigdataForm.h"
#include "ConnectorForm.h"
#include "DatabarForm.h"
#include "TimbalForm.h"

namespace ca {

std::unique_ptr<ConnectorForm> createConnectorForm(Vendor vendor, QWidget* parent)
{
    switch (vendor) {
    case Vendor::Timbal:
        return std::make_unique<TimbalForm>(parent);
    case Vendor::AiSquared:
        return std::make_unique<AiSquaredForm>(parent);
    case Vendor::B3os:
        return std::make_unique<B3osForm>(parent);
    case Vendor::Databar:
        return std::make_unique<DatabarForm>(parent);
    case Vendor::Bigdata:
        return std::make_unique<BigdataForm>(parent);
    }
    return nullptr;
}

} // namespace ca
