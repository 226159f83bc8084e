#include "EditReview.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ca {

namespace {

QJsonValue restoreWalk(const QJsonValue& edited, const QJsonValue& stored,
                       QList<JsonPathToken>& path, const DiffRules& rules, QString* where)
{
    if (!where->isEmpty())
        return edited;
    if (edited.isString() && edited.toString() == SecretMarker::placeholder) {
        if (stored.isUndefined()) {
            *where = jsonPointerFrom(path);
            if (where->isEmpty())
                *where = QStringLiteral("/");
            return edited;
        }
        return stored;
    }
    if (edited.isObject()) {
        QJsonObject o = edited.toObject();
        const QJsonObject s = stored.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            path.append(JsonPathToken{it.key(), -1});
            it.value() = restoreWalk(it.value(),
                                     stored.isObject() ? s.value(it.key())
                                                       : QJsonValue(QJsonValue::Undefined),
                                     path, rules, where);
            path.removeLast();
        }
        return o;
    }
    if (edited.isArray()) {
        QJsonArray a = edited.toArray();
        const QJsonArray s = stored.toArray();
        const std::optional<QString> key = rules.arrayKeyFor(path);
        for (qsizetype i = 0; i < a.size(); ++i) {
            QJsonValue counterpart(QJsonValue::Undefined);
            const QJsonValue item = a.at(i);
            if (key && !key->isEmpty() && item.isObject() && item.toObject().contains(*key)) {
                // An edit may reorder or insert items: the stored secret of the same key is kept.
                const QJsonValue id = item.toObject().value(*key);
                for (const QJsonValue& candidate : s) {
                    if (candidate.isObject() && candidate.toObject().value(*key) == id) {
                        counterpart = candidate;
                        break;
                    }
                }
            } else if (stored.isArray() && i < s.size()) {
                counterpart = s.at(i);
            }
            path.append(JsonPathToken{QString(), int(i)});
            a.replace(i, restoreWalk(item, counterpart, path, rules, where));
            path.removeLast();
        }
        return a;
    }
    return edited;
}

} // namespace

EditReview::EditReview(const ConnectorService* service, Connector base, QJsonObject edited,
                       AuditAction action, const QStringList& extraSecrets)
    : m_base(std::move(base)), m_edited(std::move(edited)), m_action(action)
{
    if (service) {
        m_options = service->diffOptions(m_base, m_edited);
    } else {
        m_options = vendorDiffOptions(m_base.vendor);
        m_options.secrets.addPaths(m_base.secretPaths);
        m_options.secrets.addValues(m_options.secrets.valuesAt(m_base.editable));
        m_options.secrets.addValues(m_options.secrets.valuesAt(m_edited));
    }
    if (!extraSecrets.isEmpty()) {
        m_options.secrets.addPaths(extraSecrets);
        m_options.secrets.addValues(m_options.secrets.valuesAt(m_edited));
        m_options.secrets.addValues(m_options.secrets.valuesAt(m_base.editable));
    }
    m_diff = ConnectorDiff(m_base.editable, m_edited, m_options);
    if (!service) {
        m_refusal = tr("the profile's connection is gone; refresh and try again");
        return;
    }
    m_body = service->buildUpdateBody(m_base, m_edited, &m_refusal);
    if (!m_refusal.isEmpty())
        return;
    for (const auto& effect : service->omissionEffects(m_base, m_body))
        m_resets.append(
            tr("%1 will be reset from %2 to %3")
                .arg(effect.path, maskedText(effect.current), maskedText(effect.after)));
}

QJsonValue EditReview::masked(const QJsonValue& value) const
{
    return secrets().masked(value, SecretRules::Mask::Placeholder);
}

QString EditReview::maskedText(const QJsonValue& value) const
{
    return secrets().maskedText(ConnectorDiff::valueText(masked(value)), SecretMarker::placeholder);
}

QString EditReview::diffText() const
{
    return secrets().maskedText(m_diff.toText(), SecretMarker::placeholder);
}

QJsonObject EditReview::toJson() const
{
    if (m_json)
        return *m_json;
    QJsonObject out = m_diff.toJson();
    out.insert(QStringLiteral("resets"), QJsonArray::fromStringList(m_resets));
    if (!m_refusal.isEmpty())
        out.insert(QStringLiteral("refusal"), m_refusal);
    const QJsonObject hidden = masked(out).toObject();
    // A secret value quoted in the diff's text (a summary, a renamed key) is replaced in the text;
    // without one, the text need not be written and read back.
    if (!secrets().showsValueIn(hidden)) {
        m_json = hidden;
        return *m_json;
    }
    const QByteArray text = QJsonDocument(hidden).toJson(QJsonDocument::Compact);
    m_json =
        QJsonDocument::fromJson(secrets().maskedBytes(text, SecretMarker::placeholder)).object();
    return *m_json;
}

AuditOutcome EditReview::auditOutcome(ApplyOperation::Outcome::Kind kind)
{
    using K = ApplyOperation::Outcome::Kind;
    switch (kind) {
    case K::Applied:
        return AuditOutcome::Applied;
    case K::Conflict:
        return AuditOutcome::Conflict;
    case K::Refused:
        return AuditOutcome::Refused;
    case K::Failed:
        break;
    }
    return AuditOutcome::Failed;
}

bool EditReview::answerMayHaveLanded(const ApplyOperation::Outcome& outcome)
{
    using K = ApiError::Kind;
    const K kind = outcome.error.kind;
    return outcome.sent &&
           (kind == K::Timeout || kind == K::ConnectionClosed || kind == K::Truncated ||
            kind == K::TooLarge || kind == K::Malformed || kind == K::Network);
}

AuditRecord EditReview::auditRecord(AuditTool tool, const ApplyOperation::Outcome& o) const
{
    using K = ApplyOperation::Outcome::Kind;
    AuditRecord r;
    r.tool = tool;
    r.profile = m_base.profileName;
    r.vendor = m_base.vendor;
    r.connectorId = m_base.id;
    r.connectorName = m_base.displayName;
    r.action = m_action;
    r.diff = toJson();
    r.outcome = auditOutcome(o.kind);
    r.httpStatus = o.update.httpStatus ? o.update.httpStatus : o.error.httpStatus;
    r.requestId = o.error.requestId;
    r.operationId = o.operationId;
    r.message = o.kind == K::Applied  ? m_diff.summaryLine()
                : o.message.isEmpty() ? o.error.toString()
                                      : o.message;
    r.before = m_base.editable;
    // What the server holds now when it answered, else the edit as it was meant.
    const bool stored = o.kind == K::Applied && !o.update.connector.editable.isEmpty();
    r.after = stored ? o.update.connector.editable : m_edited;
    r.serverDifferences = o.update.differences;
    r.secretPaths = secrets().paths();
    return r;
}

AuditRecord EditReview::intentRecord(AuditTool tool) const
{
    ApplyOperation::Outcome sending;
    AuditRecord r = auditRecord(tool, sending);
    r.outcome = AuditOutcome::Intent;
    r.httpStatus = 0;
    r.message = tr("sending: %1").arg(m_diff.summaryLine());
    r.after = m_edited;
    return r;
}

QJsonObject EditReview::printable(const ConnectorService& service, const Connector& connector)
{
    const SecretRules rules = service.secretRules(connector.editable, connector.secretPaths);
    return rules.masked(connector.editable, SecretRules::Mask::Placeholder).toObject();
}

QJsonObject EditReview::printableReadOnly(const ConnectorService& service,
                                          const Connector& connector)
{
    const SecretRules rules = service.secretRules(connector.editable, connector.secretPaths);
    return rules.masked(connector.readOnly, SecretRules::Mask::Placeholder).toObject();
}

bool EditReview::restorePlaceholders(QJsonObject* edited, const QJsonObject& stored,
                                     const DiffOptions& options, QString* where)
{
    const DiffRules rules(options);
    QList<JsonPathToken> path;
    QString found;
    const QJsonValue out = restoreWalk(*edited, stored, path, rules, &found);
    if (!found.isEmpty()) {
        if (where)
            *where = found;
        return false;
    }
    *edited = out.toObject();
    return true;
}

} // namespace ca
