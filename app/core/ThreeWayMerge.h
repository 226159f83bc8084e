#pragma once

#include "ConnectorDiff.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace ca {

// A place where the server and the user changed the same thing differently.
struct MergeConflict
{
    QString path; // display path as in DiffEntry::path ("/headers[name=X-Trace]/value")
    // RFC 6901 pointers into each document; empty where the value is absent there.
    QString basePointer;
    QString serverPointer;
    QString minePointer;
    // Undefined where absent (a removal). Secrets are replaced by markers: safe to display.
    QJsonValue base{QJsonValue::Undefined};
    QJsonValue server{QJsonValue::Undefined};
    QJsonValue mine{QJsonValue::Undefined};
    bool secret = false;
};

// Merges what the server changed since an edit began (base -> server) into the user's edit
// (base -> mine), for the stale-preview rule. Objects merge field by field, keyed arrays item by
// item, positional arrays as a whole; identical changes on both sides are not conflicts.
// Where they conflict the merged document keeps the user's value.
class ThreeWayMerge
{
public:
    ThreeWayMerge(const QJsonObject& base, const QJsonObject& server, const QJsonObject& mine,
                  const DiffOptions& options = {});

    // Real values, secrets included: this is what would be sent.
    const QJsonObject& merged() const { return m_merged; }
    const QList<MergeConflict>& conflicts() const { return m_conflicts; }
    bool isClean() const { return m_conflicts.isEmpty(); }

    // {"clean": bool, "conflicts": [{"path", "base"?, "server"?, "mine"?, ...}]}, secrets masked.
    // The merged document is not in it.
    QJsonObject toJson() const;
    // One line per conflict: "! /rate_limit: base 60, server 10, mine 30" ("absent" for none).
    QString toText() const;

private:
    QJsonObject m_merged;
    QList<MergeConflict> m_conflicts;
};

} // namespace ca
