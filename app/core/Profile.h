#pragma once

#include "Vendor.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace ca {

// One account at one vendor. Never holds a secret: the API key lives in the OS keychain only.
struct Profile
{
    QString name;
    Vendor vendor = Vendor::Timbal;
    QUrl baseUrl;        // empty = the vendor's production URL
    QString orgId;       // Timbal org id / B3OS X-Org-ID
    QString workspaceId; // AI Squared Workspace-Id

    QUrl effectiveBaseUrl() const
    {
        return baseUrl.isEmpty() ? vendorDefaultBaseUrl(vendor) : baseUrl;
    }
    bool operator==(const Profile&) const = default;

    QJsonObject toJson() const;
    // Parses one profile; on error returns false and says why in *error.
    static bool fromJson(const QJsonObject& json, Profile* out, QString* error);
};

// Which identity fields a vendor needs (required by validation) or takes (shown in forms).
// B3OS takes an X-Org-ID but does not need it: a key names its organization (verified).
bool vendorNeedsOrg(Vendor v);
bool vendorTakesOrg(Vendor v);
bool vendorNeedsWorkspace(Vendor v);

// Checks a profile before it is stored or used; returns an empty string when it is fine, else a
// message naming the field and what to do.
QString validateProfile(const Profile& p);

// Profile names are ASCII letters, digits, '.', '-', '_' (1..64): safe as a keychain key, a
// settings group and a command-line argument.
bool isValidProfileName(const QString& name);

// True for 127.0.0.0/8, ::1 and "localhost": the only hosts that may be spoken to without TLS.
bool isLoopbackHost(const QString& host);

} // namespace ca
