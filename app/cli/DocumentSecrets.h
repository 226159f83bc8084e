#pragma once

#include "ConnectorDiff.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace ca {

// Secrets in documents connectorctl prints and reads back. `get` writes kSecretPlaceholder for
// every secret value, so `get --json > f; apply … f` must read the placeholder as "keep the
// stored value" instead of sending it.
namespace DocumentSecrets {

inline const QString kPlaceholder = QStringLiteral("<secret>");

// Every non-empty string at a concrete (wildcard-free) secret path of `doc`: masked by value
// wherever else it shows up.
QStringList valuesAt(const QJsonObject& doc, const QStringList& secretPaths);

// `value` with every value at or below a secret path of `options`, and every string equal to one
// of `secretValues`, replaced by kPlaceholder.
QJsonValue masked(const QJsonValue& value, const DiffOptions& options,
                  const QStringList& secretValues);

// Replaces each kPlaceholder in `edited` by the value at the same place in `stored` (items of
// keyed arrays matched by their key, others by position). False, with the JSON pointer of the
// first placeholder that has no stored counterpart in *where, when one cannot be resolved.
bool restorePlaceholders(QJsonObject* edited, const QJsonObject& stored, const DiffOptions& options,
                         QString* where);

// Replaces occurrences of the secret values in a finished text (a diff line may quote one at a
// place that is not a secret path). Values shorter than 4 characters are left alone.
QString maskText(QString text, const QStringList& secretValues);

} // namespace DocumentSecrets

} // namespace ca
