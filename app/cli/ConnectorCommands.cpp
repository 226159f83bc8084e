// list / get / diff / apply / history: one connector at a time, through the same services, diff,
// schema validation, stale-preview rule (ApplyOperation) and audit log as the GUI.
#include "ApplyOperation.h"
#include "AuditLog.h"
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ConnectorDiff.h"
#include "EditReview.h"
#include "ExitCode.h"
#include "SchemaValidator.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ca {

namespace {

QString tr(const char* text)
{
    return QObject::tr(text);
}

// Runs `next` with the service and a fresh copy of connector `id`, or finishes with the error.
void withConnector(CommandContext& ctx, const Profile& profile, const QString& id,
                   std::function<void(ConnectorService*, const Connector&)> next)
{
    ctx.withService(profile, [&ctx, id, next](ConnectorService* service) {
        if (ctx.refuseId(*service, id))
            return;
        ConnectorJob* job = service->get(id);
        QObject::connect(job, &ConnectorJob::finished, &ctx,
                         [&ctx, service, next](const ConnectorResult& r) {
                             if (!r.ok()) {
                                 ctx.fail(r.error);
                                 return;
                             }
                             next(service, r.connector);
                         });
    });
}

// The edited document from FILE ("-" = stdin), checked against the vendor's schema. Fails the
// command (exit 5) and returns nullopt when it cannot be used; nothing has been sent by then.
std::optional<QJsonObject> readDocument(CommandContext& ctx, const QString& file, Vendor vendor)
{
    if (vendor == Vendor::Timbal) {
        ctx.fail(ExitInvalid, tr("Timbal connectors have no editable settings"),
                 tr("use `connectorctl update` for software updates"));
        return std::nullopt;
    }
    const std::optional<QJsonObject> doc =
        ctx.readObjectFile(file, tr("start from `connectorctl get NAME ID --json`"));
    if (!doc)
        return std::nullopt;
    const QList<FieldProblem> problems = SchemaValidator::forVendor(vendor).validate(*doc);
    if (!problems.isEmpty()) {
        const FieldProblem& first = problems.first();
        QString what =
            QObject::tr("%1 is not a valid %2 connector document: %3%4")
                .arg(file, vendorDisplayName(vendor),
                     first.path.isEmpty() ? QString() : first.path + QStringLiteral(": "),
                     first.message);
        if (problems.size() > 1)
            what += QObject::tr(" (and %1 more problems)").arg(problems.size() - 1);
        ctx.fail(ExitInvalid, what, tr("nothing was sent; fix the document and try again"));
        return std::nullopt;
    }
    return doc;
}

// The review of an edit read from a file: placeholders restored first, so that the service builds
// the body from the stored secrets. Fails the command (exit 5) when a placeholder has no stored
// value to keep.
std::optional<EditReview> prepareReview(CommandContext& ctx, ConnectorService* service,
                                        const Connector& base, QJsonObject edited)
{
    QString where;
    if (!EditReview::restorePlaceholders(&edited, base.editable, diffOptionsFor(base.vendor),
                                         &where)) {
        ctx.fail(ExitInvalid,
                 QObject::tr("%1 holds the %2 placeholder, but the connector has no stored value "
                             "there to keep")
                     .arg(where, SecretMarker::placeholder),
                 tr("enter the real value; nothing was sent"));
        return std::nullopt;
    }
    return EditReview(service, base, edited);
}

void printReview(const EditReview& r)
{
    QString text = r.diffText();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('\n')))
        text += QLatin1Char('\n');
    CliOutput::data(text);
    for (const QString& reset : r.resets())
        CliOutput::dataLine(QStringLiteral("! ") + reset);
    CliOutput::dataLine(r.diff().summaryLine());
}

void appendAudit(CommandContext& ctx, const EditReview& review, const ApplyOperation::Outcome& o)
{
    // Durable before the command reports: the log writes on its own thread and fsyncs per batch.
    QString error;
    AuditLog& log = ctx.audit();
    if (!log.append(review.auditRecord(AuditTool::Cli, o), &error) || !log.flush(&error))
        CliOutput::error(QObject::tr("the audit record could not be written: %1").arg(error));
}

QJsonObject connectorSummary(const Connector& c)
{
    QJsonObject o{{QStringLiteral("id"), c.id},
                  {QStringLiteral("name"), c.displayName},
                  {QStringLiteral("type"), c.type},
                  {QStringLiteral("vendor"), vendorId(c.vendor)},
                  {QStringLiteral("profile"), c.profileName},
                  {QStringLiteral("updatedAt"), c.updatedAt}};
    if (c.vendor == Vendor::Timbal) {
        o.insert(QStringLiteral("version"), c.version.isEmpty() ? QJsonValue() : c.version);
        o.insert(QStringLiteral("connected"),
                 c.connected ? QJsonValue(*c.connected) : QJsonValue());
        o.insert(QStringLiteral("online"), c.online ? QJsonValue(*c.online) : QJsonValue());
        o.insert(QStringLiteral("os"), c.os.isEmpty() ? QJsonValue() : c.os);
        o.insert(QStringLiteral("arch"), c.arch.isEmpty() ? QJsonValue() : c.arch);
    }
    return o;
}

} // namespace

void runList(CommandContext& ctx)
{
    if (!ctx.expectPositional(1, 1,
                              QStringLiteral("connectorctl list NAME [--filter TEXT] [--json]")))
        return;
    const auto profile = ctx.requireProfile(ctx.positional().at(0));
    if (!profile)
        return;
    const QString filter = ctx.value(QStringLiteral("filter"));
    ctx.withService(*profile, [&ctx, filter](ConnectorService* service) {
        ConnectorListJob* job = service->list();
        QObject::connect(
            job, &ConnectorListJob::finished, &ctx,
            [&ctx, filter, vendor = service->vendor()](const ConnectorListResult& r) {
                if (!r.ok()) {
                    ctx.fail(r.error);
                    return;
                }
                QList<const Connector*> shown;
                shown.reserve(r.connectors.size());
                for (const Connector& c : r.connectors) {
                    if (matchesFilter(c, filter))
                        shown.append(&c);
                }
                if (ctx.wantsJson()) {
                    QJsonArray out;
                    for (const Connector* c : shown)
                        out.append(connectorSummary(*c));
                    CliOutput::json(out);
                } else {
                    const bool timbal = vendor == Vendor::Timbal;
                    QStringList header{QStringLiteral("ID"), QStringLiteral("NAME"),
                                       QStringLiteral("TYPE")};
                    if (timbal)
                        header << QStringLiteral("VERSION") << QStringLiteral("CONNECTED")
                               << QStringLiteral("ONLINE");
                    QList<QStringList> rows{header};
                    rows.reserve(shown.size() + 1);
                    for (const Connector* c : shown) {
                        QStringList row{c->id, c->displayName, c->type};
                        if (timbal) {
                            auto yesNo = [](const std::optional<bool>& b) {
                                return b ? (*b ? QStringLiteral("yes") : QStringLiteral("no"))
                                         : QStringLiteral("-");
                            };
                            row << (c->version.isEmpty() ? QStringLiteral("-") : c->version)
                                << yesNo(c->connected) << yesNo(c->online);
                        }
                        rows.append(row);
                    }
                    CliOutput::data(CliOutput::table(rows));
                }
                ctx.finish(ExitOk);
            });
    });
}

void runGet(CommandContext& ctx)
{
    if (!ctx.expectPositional(2, 2, QStringLiteral("connectorctl get NAME ID [--json]")))
        return;
    const auto profile = ctx.requireProfile(ctx.positional().at(0));
    if (!profile)
        return;
    withConnector(
        ctx, *profile, ctx.positional().at(1),
        [&ctx](ConnectorService* service, const Connector& c) {
            const QJsonObject editable = EditReview::printable(*service, c);
            if (ctx.wantsJson()) {
                CliOutput::json(editable);
                ctx.finish(ExitOk);
                return;
            }
            QList<QStringList> rows;
            const QJsonObject summary = connectorSummary(c);
            for (const char* key : {"id", "name", "type", "vendor", "profile", "updatedAt",
                                    "version", "connected", "online", "os", "arch"}) {
                const QJsonValue v = summary.value(QLatin1String(key));
                if (!v.isUndefined())
                    rows.append({QLatin1String(key) + QLatin1Char(':'),
                                 v.isString() ? v.toString() : ConnectorDiff::valueText(v)});
            }
            CliOutput::data(CliOutput::table(rows));
            if (c.isEditable()) {
                CliOutput::dataLine(QObject::tr("editable (connectorctl get %1 %2 --json):")
                                        .arg(c.profileName, c.id));
                CliOutput::json(editable);
            }
            CliOutput::dataLine(QObject::tr("read-only:"));
            CliOutput::json(EditReview::printableReadOnly(*service, c));
            ctx.finish(ExitOk);
        });
}

void runDiff(CommandContext& ctx)
{
    if (!ctx.expectPositional(3, 3, QStringLiteral("connectorctl diff NAME ID FILE [--json]")))
        return;
    const auto profile = ctx.requireProfile(ctx.positional().at(0));
    if (!profile)
        return;
    const auto edited = readDocument(ctx, ctx.positional().at(2), profile->vendor);
    if (!edited)
        return;
    withConnector(
        ctx, *profile, ctx.positional().at(1),
        [&ctx, edited](ConnectorService* service, const Connector& base) {
            const auto review = prepareReview(ctx, service, base, *edited);
            if (!review)
                return;
            if (ctx.wantsJson())
                CliOutput::json(review->toJson());
            else
                printReview(*review);
            if (!review->refusal().isEmpty())
                CliOutput::error(
                    QObject::tr("this edit cannot be applied as it is: %1").arg(review->refusal()));
            ctx.finish(review->diff().isEmpty() ? ExitOk : ExitDifferences);
        });
}

void runApply(CommandContext& ctx)
{
    if (ctx.positional().size() == 1) {
        runApplyFolder(ctx);
        return;
    }
    if (!ctx.expectPositional(
            3, 3,
            QStringLiteral("connectorctl apply NAME ID FILE [--yes] [--dry-run] [--base FILE]")))
        return;
    const bool yes = ctx.isSet(QStringLiteral("yes"));
    const bool dryRun = ctx.isSet(QStringLiteral("dry-run"));
    // Nobody can answer a prompt on a pipe: refuse before anything is read or sent.
    if (!yes && !dryRun && !CliOutput::stdinIsTerminal()) {
        ctx.fail(ExitUsage, tr("apply needs a confirmation and stdin is not a terminal"),
                 tr("review with `connectorctl diff`, then pass --yes (or --dry-run); nothing was "
                    "sent"));
        return;
    }
    const auto profile = ctx.requireProfile(ctx.positional().at(0));
    if (!profile)
        return;
    const QString file = ctx.positional().at(2);
    if (!yes && !dryRun && file == QLatin1String("-")) {
        ctx.fail(ExitUsage, tr("reading the document from stdin leaves no way to confirm"),
                 tr("pass --yes, or give the document as a file"));
        return;
    }
    const auto edited = readDocument(ctx, file, profile->vendor);
    if (!edited)
        return;
    std::optional<QJsonObject> began;
    if (ctx.isSet(QStringLiteral("base"))) {
        began = readDocument(ctx, ctx.value(QStringLiteral("base")), profile->vendor);
        if (!began)
            return;
    }
    withConnector(
        ctx, *profile, ctx.positional().at(1),
        [&ctx, edited, began, yes, dryRun](ConnectorService* service, const Connector& base) {
            if (began && EditReview::printable(*service, base) != *began) {
                // The stale-preview rule against the document the edit started from: nothing
                // reviewed yet, the record keeps the edit as given.
                ApplyOperation::Outcome conflict;
                conflict.kind = ApplyOperation::Outcome::Kind::Conflict;
                conflict.message =
                    QObject::tr("%1 (%2) was changed on the server since %3 was read; "
                                "nothing was sent")
                        .arg(base.displayName, base.id, ctx.value(QStringLiteral("base")));
                appendAudit(ctx, EditReview(service, base, *edited), conflict);
                ctx.fail(ExitConflict, conflict.message,
                         tr("get the connector again, redo the edit and apply it"));
                return;
            }
            const auto prepared = prepareReview(ctx, service, base, *edited);
            if (!prepared)
                return;
            const EditReview review = *prepared;
            if (review.diff().isEmpty()) {
                CliOutput::message(
                    QObject::tr("no changes: %1 (%2) already matches %3; nothing sent")
                        .arg(base.displayName, base.id, ctx.positional().at(2)));
                ctx.finish(ExitOk);
                return;
            }
            printReview(review);
            if (!review.refusal().isEmpty()) {
                ApplyOperation::Outcome refused;
                refused.kind = ApplyOperation::Outcome::Kind::Refused;
                refused.message = review.refusal();
                if (!dryRun)
                    appendAudit(ctx, review, refused);
                ctx.fail(ExitInvalid, QObject::tr("not sent: %1").arg(review.refusal()));
                return;
            }
            if (dryRun) {
                CliOutput::dataLine(
                    QObject::tr("body that would be sent (--dry-run, nothing sent):"));
                CliOutput::json(review.masked(review.body()));
                ctx.finish(ExitOk);
                return;
            }
            if (!yes && !CliOutput::confirm(QObject::tr("Apply these changes to %1 (%2)?")
                                                .arg(base.displayName, base.id))) {
                CliOutput::message(QObject::tr("not applied; nothing sent"));
                ctx.finish(ExitOk);
                return;
            }
            auto* op = new ApplyOperation(service, base, review.edited(), review.body(), &ctx);
            // The intent is durable in the log before the PUT; the outcome follows in it.
            op->recordIntentIn(&ctx.audit(), review.intentRecord(AuditTool::Cli));
            QObject::connect(
                op, &ApplyOperation::finished, &ctx,
                [&ctx, base, review](const ApplyOperation::Outcome& o) {
                    using Kind = ApplyOperation::Outcome::Kind;
                    if (o.unrecorded) {
                        ctx.fail(ExitUnrecorded, o.message);
                        return;
                    }
                    appendAudit(ctx, review, o);
                    switch (o.kind) {
                    case Kind::Applied:
                        for (const ValueDifference& d : o.update.differences)
                            CliOutput::dataLine(QObject::tr("the server stored %1 as %2 (sent %3)")
                                                    .arg(d.path, review.maskedText(d.received),
                                                         review.maskedText(d.sent)));
                        CliOutput::message(
                            QObject::tr("applied to %1 (%2): %3")
                                .arg(base.displayName, base.id, review.diff().summaryLine()));
                        ctx.finish(ExitOk);
                        return;
                    case Kind::Conflict:
                        ctx.fail(
                            ExitConflict, o.message,
                            QObject::tr("get the connector again, redo the edit and apply it"));
                        return;
                    case Kind::Refused:
                        if (o.error.isError())
                            ctx.fail(o.error);
                        else
                            ctx.fail(ExitInvalid, QObject::tr("not sent: %1").arg(o.message));
                        return;
                    case Kind::Failed:
                        if (o.error.isError())
                            ctx.fail(o.error);
                        else
                            ctx.fail(ExitNetwork, o.message);
                        return;
                    }
                });
            op->start();
        });
}

void runHistory(CommandContext& ctx)
{
    if (!ctx.expectPositional(2, 2, QStringLiteral("connectorctl history NAME ID [--json]")))
        return;
    const QString name = ctx.positional().at(0);
    if (!ctx.requireProfile(name))
        return;
    const QString id = ctx.positional().at(1);
    const QList<AuditRecord> records = ctx.audit().records(name, id);
    if (ctx.wantsJson()) {
        QJsonArray out;
        for (const AuditRecord& r : records)
            out.append(r.toJson());
        CliOutput::json(out);
        ctx.finish(ExitOk);
        return;
    }
    QList<QStringList> rows{{QStringLiteral("TIME"), QStringLiteral("TOOL"),
                             QStringLiteral("ACTION"), QStringLiteral("OUTCOME"),
                             QStringLiteral("HTTP"), QStringLiteral("MESSAGE")}};
    for (const AuditRecord& r : records) {
        rows.append({r.time.toUTC().toString(Qt::ISODate), auditToolName(r.tool),
                     auditActionName(r.action), auditOutcomeName(r.outcome),
                     r.httpStatus ? QString::number(r.httpStatus) : QStringLiteral("-"),
                     r.message});
    }
    if (records.isEmpty())
        CliOutput::message(QObject::tr("no audit records for %1 in profile %2").arg(id, name));
    else
        CliOutput::data(CliOutput::table(rows));
    ctx.finish(ExitOk);
}

} // namespace ca
