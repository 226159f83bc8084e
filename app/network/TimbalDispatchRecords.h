#pragma once

#include "AuditLog.h"
#include "Connector.h"

#include <QDateTime>
#include <QHash>
#include <QString>
#include <optional>

namespace ca {

// What this app dispatched to Timbal connectors recently, read from the audit log that every
// window and connectorctl share. Timbal keeps no pending state (verified: a 202 leaves nothing on
// the connector that says "moving to X"), so these records are the only memory of "told to move,
// not reported yet": an update of the same connector to the same target is not sent again while
// its record is younger than the window and the connector has not reported the target.
class TimbalDispatchRecords
{
public:
    static constexpr qint64 kDefaultWindowMs = 15 * 60 * 1000;

    struct Dispatch
    {
        QString connectorId;
        QString fromVersion; // bare, as reported before the POST ("" if unknown)
        QString target;      // bare, as the server chose it; "" when unknown (answer lost)
        QDateTime time;      // UTC
        bool answerLost = false;
        bool unfinished = false; // an intent without outcome record
    };

    TimbalDispatchRecords() = default;
    // The newest dispatch (or lost answer, or intent without outcome) per connector of `profile`
    // within `windowMs` of `now`.
    static TimbalDispatchRecords read(const AuditLog& log, const QString& profile,
                                      qint64 windowMs = kDefaultWindowMs,
                                      const QDateTime& now = QDateTime::currentDateTimeUtc());

    qint64 windowMs() const { return m_windowMs; }
    std::optional<Dispatch> latestFor(const QString& connectorId) const;
    int size() const { return int(m_latest.size()); }

    // Why an update of `connector` to `target` (bare; empty = the server's latest) must wait, in
    // words ("dispatched 2 min ago, waiting for it to report 0.1.4"), or empty when it may go.
    QString waitReason(const Connector& connector, const QString& target,
                       const QDateTime& now = QDateTime::currentDateTimeUtc()) const;

    // "2 min", "40 s", "1 h 5 min".
    static QString ago(qint64 ms);

    // A version as the records compare it: "v0.1.3" → "0.1.3"; kept as given when not semver.
    static QString bare(const QString& version);
    // Whether a connector that reported `from` before an update to `target` (empty: the server's
    // latest) now reports that it moved: the target itself, or (target unknown) another version.
    // The one rule for a run watching its dispatches and for reconciling an unfinished one.
    static bool reportsUpdate(const QString& from, const QString& target, const QString& reported);

private:
    QHash<QString, Dispatch> m_latest;
    qint64 m_windowMs = kDefaultWindowMs;
    QDateTime m_readAt;
};

} // namespace ca
