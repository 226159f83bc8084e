// key set / delete: the profile's API key in the OS keychain. A key is only ever read from stdin,
// never from the command line (visible in `ps` and shell history), and never printed.
#include "CliOutput.h"
#include "CommandContext.h"
#include "Commands.h"
#include "ExitCode.h"
#include "KeychainKeyStore.h"

namespace ca {

void runKeySet(CommandContext& ctx)
{
    const QStringList args = ctx.positional();
    if (args.size() > 1) {
        // Do not echo the argument: it may be the key.
        ctx.fail(ExitUsage, QObject::tr("refusing an API key given as an argument"),
                 QObject::tr("arguments end up in the process list and shell history; pipe the key "
                             "on stdin: `connectorctl key set NAME < keyfile`"));
        return;
    }
    if (!ctx.expectPositional(1, 1, QStringLiteral("connectorctl key set NAME  (key on stdin)")))
        return;
    const QString name = args.at(0);
    if (!ctx.requireProfile(name))
        return;
    QByteArray key =
        CliOutput::readSecretLine(QObject::tr("API key for profile '%1': ").arg(name)).trimmed();
    if (key.isEmpty()) {
        ctx.fail(
            ExitUsage, QObject::tr("no API key on stdin"),
            QObject::tr("type it at the prompt or pipe it: `connectorctl key set %1 < keyfile`")
                .arg(name));
        return;
    }
    const SecretBytes secret(key);
    SecretBytes::wipe(key);
    auto* store = new KeychainKeyStore();
    store->writeKey(name, secret, &ctx, [&ctx, store, name](const KeyStoreResult& r) {
        delete store;
        if (!r.ok()) {
            ctx.fail(ExitAuth,
                     QObject::tr("cannot store the API key of '%1' in the keychain: %2")
                         .arg(name, r.message),
                     r.hint.isEmpty()
                         ? QObject::tr("set %1 for a run instead").arg(QLatin1String(kApiKeyEnv))
                         : r.hint);
            return;
        }
        CliOutput::message(QObject::tr("API key of '%1' stored in the keychain").arg(name));
        ctx.finish(ExitOk);
    });
}

void runKeyDelete(CommandContext& ctx)
{
    if (!ctx.expectPositional(1, 1, QStringLiteral("connectorctl key delete NAME")))
        return;
    const QString name = ctx.positional().at(0);
    if (!isValidProfileName(name)) {
        ctx.fail(ExitUsage, QObject::tr("'%1' is not a valid profile name").arg(name));
        return;
    }
    auto* store = new KeychainKeyStore();
    store->deleteKey(name, &ctx, [&ctx, store, name](const KeyStoreResult& r) {
        delete store;
        if (r.status == KeyStoreResult::Status::NotFound) {
            ctx.fail(ExitNotFound, QObject::tr("no API key stored for '%1'").arg(name));
            return;
        }
        if (!r.ok()) {
            ctx.fail(ExitAuth,
                     QObject::tr("cannot delete the API key of '%1': %2").arg(name, r.message),
                     r.hint);
            return;
        }
        CliOutput::message(QObject::tr("API key of '%1' deleted from the keychain").arg(name));
        ctx.finish(ExitOk);
    });
}

} // namespace ca
