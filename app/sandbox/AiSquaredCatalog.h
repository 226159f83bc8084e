#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

// AI Squared's catalogue (Multiwoven's integrations/ and models/connector.rb): which connector
// names each connector_type enables, the seeded kinds and their connection_specification, which
// configuration values are secret and how they are masked, and whether a configuration matches
// its specification.
namespace sandbox::aisquared {

inline const QString kSource = QStringLiteral("source");
inline const QString kDestination = QStringLiteral("destination");

// integrations/lib/multiwoven/integrations.rb: ENABLED_SOURCES / ENABLED_DESTINATIONS.
const QStringList& enabledSources();
const QStringList& enabledDestinations();

// One seeded connector kind: the definition's name (= connector_name), its folder under
// integrations/, and its specification per connector_type (null: that type does not exist).
struct Kind
{
    QString name;
    QString folder;
    const char* sourceSpec;
    const char* destinationSpec;
    bool credentials; // the specification nests username/password under "credentials"
};

const QList<Kind>& kinds();
const Kind* kindNamed(const QString& name);

// The parsed specification of (type, connector_name), or nullptr when the sandbox has none.
const QJsonObject* specFor(const QString& type, const QString& name);

// The property names the (type, connector_name) specification flags multiwoven_secret.
QSet<QString> secretKeys(const QString& type, const QString& name);

// Connector#mask_secret_values: a key of a secret name answers the mask at any depth, whatever
// its value; arrays are walked too.
QJsonValue maskSecrets(const QJsonValue& value, const QSet<QString>& secrets);

// The draft-07 subset the trimmed specifications use: type, required, properties, oneOf of
// consts, const, additionalProperties.
bool matchesSchema(const QJsonValue& v, const QJsonObject& schema);

} // namespace sandbox::aisquared
