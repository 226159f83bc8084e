#pragma once

#include "JsonPointer.h"
#include "Vendor.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <functional>
#include <optional>

namespace ca {

// Where and as whom the app talks to one vendor account. Services are constructed from this.
// The API key lives in memory only: nothing here is ever persisted by the network layer.
struct ConnectorProfile
{
    QString name; // the user's label for this account ("prod-databar")
    Vendor vendor = Vendor::Timbal;
    QUrl baseUrl;        // empty: the vendor's production URL
    QString orgId;       // Timbal org (path) / B3OS X-Org-ID header
    QString workspaceId; // AI Squared Workspace-Id header
    QByteArray apiKey;

    ConnectorProfile() = default;
    ConnectorProfile(const ConnectorProfile&) = default;
    ConnectorProfile(ConnectorProfile&&) = default;
    ConnectorProfile& operator=(const ConnectorProfile&) = default;
    ConnectorProfile& operator=(ConnectorProfile&&) = default;
    // Overwrites the key's bytes when this is the last copy holding them.
    ~ConnectorProfile();

    QUrl effectiveBaseUrl() const
    {
        return baseUrl.isEmpty() ? vendorDefaultBaseUrl(vendor) : baseUrl;
    }
};

// One connector as the app models it, whatever the vendor.
struct Connector
{
    Vendor vendor = Vendor::Timbal;
    QString profileName;
    QString id;          // as a string, whatever the vendor's type (Databar: integer digits)
    QString displayName; // name / label
    QString type;        // vendor's type or kind ("email", "enrichment", "Postgresql", ...)
    QString updatedAt;   // the vendor's last-change stamp as sent (ISO 8601), empty if none

    // Runtime status, only where the vendor has one (Timbal's ConnectorView). The vendor keeps
    // no "update pending" state: what this app dispatched is in its own audit records.
    QString version;               // reported software version; empty when never reported
    QString os;                    // "linux", …; the update's artifact is chosen from os + arch
    QString arch;                  // "x86_64", …
    std::optional<bool> online;    // a live socket on the server instance that answered, now
    std::optional<bool> connected; // last known connected flag, survives server restarts

    // Exactly the fields an update (PUT) may carry, in the vendor's own field names.
    // Empty for Timbal, whose connectors have no editable settings (only a software update).
    QJsonObject editable;
    // Everything else the vendor returned (ids, stamps, masked views), for display only.
    QJsonObject readOnly;
    // JSON-pointer paths into `editable` whose values are secret ("/configuration/password",
    // "/headers/0/value"): mask them in UI, logs, diffs and audit.
    QStringList secretPaths;

    bool isEditable() const { return !editable.isEmpty(); }
};

// A value the server stored differently from what was sent (e.g. a plan cap: 60 sent, 10 back).
struct ValueDifference
{
    QString path; // JSON pointer into the sent document
    QJsonValue sent;
    QJsonValue received; // Undefined when the answer lacks the field
};

// Paths present in `sent` whose value differs in `received`, leaf by leaf (objects are walked,
// arrays of different length differ as a whole). `ignore` may skip a path (e.g. masked secrets).
QList<ValueDifference> compareSentWithReceived(
    const QJsonValue& sent, const QJsonValue& received, const QString& basePath = {},
    const std::function<bool(const QString& path, const QJsonValue& received)>& ignore = {});

} // namespace ca

Q_DECLARE_METATYPE(ca::Connector)
Q_DECLARE_METATYPE(ca::ValueDifference)
