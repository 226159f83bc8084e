// set: one field to one value on many connectors of a profile (FieldEdit), planned and applied as
// one change set; with --secret-stdin the value is a secret, read from stdin and never shown.
#include "ChangeSetCli.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"
#include "FieldEdit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace ca {

namespace {

struct SetRequest
{
    FieldEdit edit;
    FieldEdit::Op op = FieldEdit::Op::Set;
    QJsonValue value;
    bool secret = false;
    QString filter;
    QSet<QString> ids; // --ids: a set, as a rotation may name hundreds
};

// The value of --value: any JSON value, a bare string included only when quoted.
std::optional<QJsonValue> parseValue(const QString& text, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArrayLiteral("[") + text.toUtf8() + ']', &parseError);
    if (parseError.error != QJsonParseError::NoError || doc.array().size() != 1) {
        *error = parseError.errorString();
        return std::nullopt;
    }
    return doc.array().first();
}

std::optional<SetRequest> readRequest(CommandContext& ctx)
{
    QString error;
    const auto edit = FieldEdit::parse(ctx.positional().at(1), &error);
    if (!edit) {
        ctx.fail(ExitUsage, error);
        return std::nullopt;
    }
    SetRequest r;
    r.edit = *edit;
    const bool hasValue = ctx.isSet(QStringLiteral("value"));
    r.secret = ctx.isSet(QStringLiteral("secret-stdin"));
    const bool remove = ctx.isSet(QStringLiteral("remove"));
    const bool del = ctx.isSet(QStringLiteral("delete"));
    if (del ? (hasValue || r.secret) : (hasValue == r.secret)) {
        ctx.fail(ExitUsage,
                 QObject::tr("give the value with either --value JSON or --secret-stdin (none "
                             "with --delete)"));
        return std::nullopt;
    }
    r.op = del ? FieldEdit::Op::Delete : remove ? FieldEdit::Op::RemoveValue : FieldEdit::Op::Set;
    if (hasValue) {
        const auto value = parseValue(ctx.value(QStringLiteral("value")), &error);
        if (!value) {
            ctx.fail(ExitUsage, QObject::tr("--value is not JSON: %1").arg(error),
                     QObject::tr("a text needs quotes: --value '\"text\"'"));
            return std::nullopt;
        }
        r.value = *value;
    } else if (r.secret) {
        QByteArray bytes = CliOutput::readSecretLine(QObject::tr("New value: "));
        while (bytes.endsWith('\n') || bytes.endsWith('\r'))
            bytes.chop(1);
        if (bytes.isEmpty()) {
            ctx.fail(ExitUsage, QObject::tr("no value on stdin"));
            return std::nullopt;
        }
        r.value = QString::fromUtf8(bytes);
        bytes.fill('\0');
    }
    r.filter = ctx.value(QStringLiteral("filter"));
    for (const QString& id : ctx.listValues(QStringLiteral("ids")))
        r.ids.insert(id);
    return r;
}

bool selected(const SetRequest& r, const Connector& c)
{
    if (!r.ids.isEmpty() && !r.ids.contains(c.id))
        return false;
    return matchesFilter(c, r.filter);
}

// The plan of `r` over the connectors of one profile, from the list just read: every selected
// connector edited in its printed form (secrets as the placeholder) and classified against that
// same copy, so nothing is read twice and the stale check guards what was planned.
ChangeSetPlan planSet(const ConnectorService& service, const QList<Connector>& connectors,
                      const SetRequest& r)
{
    ChangeSetPlan plan;
    for (const Connector& c : connectors) {
        if (!selected(r, c))
            continue;
        ChangeSetEntry e;
        e.profile = c.profileName;
        e.connectorId = c.id;
        e.base = EditReview::printable(service, c);
        e.desired = *e.base;
        QString error;
        QStringList written;
        if (!c.isEditable()) {
            error = QObject::tr("%1 connectors have no editable settings")
                        .arg(vendorDisplayName(c.vendor));
        } else {
            r.edit.apply(&e.desired, r.op, r.value, &error, &written);
        }
        if (!error.isEmpty()) {
            ChangeSetItem refused;
            refused.entry = e;
            refused.vendor = c.vendor;
            refused.name = c.displayName;
            refused.server = c;
            refused.kind = ChangeSetItem::Kind::Refused;
            refused.reason = error;
            plan.items.append(refused);
            continue;
        }
        if (r.secret)
            e.secretPointers = written;
        plan.items.append(classifyChange(service, e, &c));
    }
    return plan;
}

} // namespace

void runSet(CommandContext& ctx)
{
    if (!ctx.expectPositional(
            2, 2,
            QStringLiteral("connectorctl set NAME POINTER (--value JSON | --secret-stdin | "
                           "--delete) [--remove] [--filter TEXT] [--ids ID,...] [--dry-run] "
                           "[--yes] [--parallel N] [--json]")))
        return;
    auto options = readChangeSetApplyOptions(ctx);
    if (!options)
        return;
    if (ctx.isSet(QStringLiteral("secret-stdin")) && !options->yes && !options->dryRun) {
        ctx.fail(ExitUsage,
                 QObject::tr("the value is read from stdin, which leaves no way to "
                             "confirm"),
                 QObject::tr("review with --dry-run, then pass --yes; nothing was sent"));
        return;
    }
    if (refuseUnconfirmable(ctx, *options))
        return;
    const auto request = readRequest(ctx);
    if (!request)
        return;
    const QString profile = ctx.positional().at(0);
    withServices(ctx, {profile}, [&ctx, request, options](const ServiceMap& services) {
        ConnectorService* service = services.cbegin().value();
        ConnectorListJob* job = service->list();
        QObject::connect(
            job, &ConnectorListJob::finished, &ctx,
            [&ctx, services, service, request, options](const ConnectorListResult& result) {
                if (!result.ok()) {
                    ctx.fail(result.error);
                    return;
                }
                const ChangeSetPlan plan = planSet(*service, result.connectors, *request);
                if (plan.items.isEmpty()) {
                    ctx.fail(
                        ExitNotFound,
                        QObject::tr("no connector of %1 matches").arg(service->profile().name));
                    return;
                }
                applyChangeSet(ctx, services, plan, *options);
            });
    });
}

} // namespace ca
