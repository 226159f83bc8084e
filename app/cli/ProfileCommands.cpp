// profile add / list / remove: the QSettings profiles shared with connector-admin. No key here.
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"

#include <QJsonArray>

namespace ca {

void runProfileAdd(CommandContext& ctx)
{
    const QString usage = QStringLiteral("connectorctl profile add NAME --vendor VENDOR "
                                         "[--base-url URL] [--org ID] [--workspace ID]");
    if (!ctx.expectPositional(1, 1, usage))
        return;
    const QString name = ctx.positional().at(0);
    if (!isValidProfileName(name)) {
        ctx.fail(ExitUsage, QObject::tr("'%1' is not a valid profile name").arg(name),
                 QObject::tr("use 1 to 64 letters, digits, '.', '-' or '_'"));
        return;
    }
    if (!ctx.isSet(QStringLiteral("vendor"))) {
        ctx.fail(ExitUsage, QObject::tr("--vendor is required"),
                 QObject::tr("one of timbal, aisquared, b3os, databar, bigdata"));
        return;
    }
    const QString vendorText = ctx.value(QStringLiteral("vendor")).trimmed().toLower();
    const auto vendor = vendorFromId(vendorText);
    if (!vendor) {
        ctx.fail(ExitUsage, QObject::tr("unknown vendor '%1'").arg(vendorText),
                 QObject::tr("one of timbal, aisquared, b3os, databar, bigdata"));
        return;
    }
    if (ctx.profiles().find(name) && !ctx.isSet(QStringLiteral("replace"))) {
        ctx.fail(ExitUsage, QObject::tr("a profile named '%1' already exists").arg(name),
                 QObject::tr("add --replace to overwrite it, or remove it first"));
        return;
    }
    Profile p;
    p.name = name;
    p.vendor = *vendor;
    if (ctx.isSet(QStringLiteral("base-url")))
        p.baseUrl = QUrl(ctx.value(QStringLiteral("base-url")), QUrl::StrictMode);
    p.orgId = ctx.value(QStringLiteral("org"));
    p.workspaceId = ctx.value(QStringLiteral("workspace"));
    QString error;
    if (!ctx.profiles().save(p, &error)) {
        ctx.fail(ExitUsage, error, QObject::tr("see `connectorctl profile add --help`"));
        return;
    }
    CliOutput::message(QObject::tr("profile '%1' saved (%2, %3)")
                           .arg(name, vendorId(p.vendor), p.effectiveBaseUrl().toString()));
    ctx.finish(ExitOk);
}

void runProfileList(CommandContext& ctx)
{
    if (!ctx.expectPositional(0, 0, QStringLiteral("connectorctl profile list [--json]")))
        return;
    const QList<Profile> all = ctx.profiles().profiles();
    if (ctx.wantsJson()) {
        QJsonArray out;
        for (const Profile& p : all) {
            QJsonObject o = p.toJson();
            o.insert(QStringLiteral("effectiveBaseUrl"), p.effectiveBaseUrl().toString());
            out.append(o);
        }
        CliOutput::json(out);
        ctx.finish(ExitOk);
        return;
    }
    QList<QStringList> rows{{QStringLiteral("NAME"), QStringLiteral("VENDOR"),
                             QStringLiteral("BASE-URL"), QStringLiteral("ORG"),
                             QStringLiteral("WORKSPACE")}};
    for (const Profile& p : all) {
        rows.append({p.name, vendorId(p.vendor), p.effectiveBaseUrl().toString(),
                     p.orgId.isEmpty() ? QStringLiteral("-") : p.orgId,
                     p.workspaceId.isEmpty() ? QStringLiteral("-") : p.workspaceId});
    }
    CliOutput::data(CliOutput::table(rows));
    ctx.finish(ExitOk);
}

void runProfileRemove(CommandContext& ctx)
{
    if (!ctx.expectPositional(1, 1, QStringLiteral("connectorctl profile remove NAME")))
        return;
    const QString name = ctx.positional().at(0);
    if (!ctx.requireProfile(name))
        return;
    QString error;
    if (!ctx.profiles().remove(name, &error)) {
        ctx.fail(ExitInvalid, QObject::tr("could not remove profile '%1': %2").arg(name, error),
                 QObject::tr("check that %1 is writable").arg(ctx.profiles().fileName()));
        return;
    }
    CliOutput::message(QObject::tr("profile '%1' removed; its API key stays in the keychain until "
                                   "`connectorctl key delete %1`")
                           .arg(name));
    ctx.finish(ExitOk);
}

} // namespace ca
