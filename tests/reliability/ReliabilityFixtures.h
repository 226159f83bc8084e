#pragma once

// What the reliability suites (disk, files) start from: a draft, a profile, file bytes.

#include "DraftStore.h"
#include "Profile.h"

#include <QByteArray>
#include <QFile>
#include <QJsonObject>
#include <QUrl>

namespace fixtures {

inline QByteArray bytesOf(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

inline bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A draft of Databar connector 42 of profile "prod", its name edited to `name`.
inline ca::ConnectorDraft draft(const QString& name = QStringLiteral("Edited"))
{
    ca::ConnectorDraft d;
    d.profile = QStringLiteral("prod");
    d.vendor = ca::Vendor::Databar;
    d.connectorId = QStringLiteral("42");
    d.connectorName = QStringLiteral("Enrichment");
    d.baseDocument = QJsonObject{{QStringLiteral("name"), QStringLiteral("Enrichment")}};
    d.baseUpdatedAt = QStringLiteral("2024-05-01T10:00:00Z");
    d.editedDocument = QJsonObject{{QStringLiteral("name"), name}};
    return d;
}

inline ca::Profile profile(const QString& name)
{
    ca::Profile p;
    p.name = name;
    p.vendor = ca::Vendor::Databar;
    p.baseUrl = QUrl(QStringLiteral("https://api.databar.ai"));
    return p;
}

} // namespace fixtures
