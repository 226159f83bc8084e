// Which values are secret, as each vendor's service declares it (SecretRules owns the rule).
#include "B3osService.h"
#include "BigdataService.h"
#include "ConnectorService.h"
#include "DatabarService.h"

namespace ca {

SecretRules vendorSecretRules(Vendor vendor)
{
    switch (vendor) {
    case Vendor::Timbal:
    case Vendor::AiSquared: // its secrets are named like secrets, or come back as the mask
        return SecretRules::byKeyNames();
    case Vendor::B3os:
        return SecretRules::byKeyNames(B3osService::secretFields());
    case Vendor::Databar:
        return SecretRules::byKeyNames(DatabarService::secretFields());
    case Vendor::Bigdata:
        return SecretRules::byKeyNames(BigdataService::secretFields());
    }
    return SecretRules::byKeyNames();
}

DiffOptions vendorDiffOptions(Vendor vendor)
{
    DiffOptions o = diffOptionsFor(vendor);
    o.secrets = vendorSecretRules(vendor);
    return o;
}

SecretRules ConnectorService::secretRules(const QJsonObject& document,
                                          const QStringList& known) const
{
    SecretRules rules = baseSecretRules(document);
    rules.addPaths(known);
    rules.addPaths(secretPaths(document));
    rules.addValues(rules.valuesAt(document));
    return rules;
}

SecretRules ConnectorService::baseSecretRules(const QJsonObject& document) const
{
    Q_UNUSED(document);
    return vendorSecretRules(vendor());
}

DiffOptions ConnectorService::diffOptions(const Connector& base, const QJsonObject& edited) const
{
    DiffOptions o = diffOptionsFor(vendor());
    o.secrets = secretRules(base.editable, base.secretPaths);
    SecretRules forEdit = secretRules(edited, base.secretPaths);
    o.secrets.add(forEdit);
    return o;
}

} // namespace ca
