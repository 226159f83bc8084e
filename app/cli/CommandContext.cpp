#include "CommandContext.h"

#include "CliOutput.h"
#include "ExitCode.h"
#include "HttpClient.h"
#include "IntentReconciler.h"
#include "KeychainKeyStore.h"
#include "SecretBytes.h"

namespace ca {

CommandContext::CommandContext(QCommandLineParser& parser, QObject* parent)
    : QObject(parent), m_parser(parser)
{
    // A garbage profiles.ini or a link planted in its place was kept aside: say so once.
    if (!m_profiles.notice().isEmpty())
        CliOutput::message(QStringLiteral("connectorctl: warning: %1").arg(m_profiles.notice()));
}

CommandContext::~CommandContext()
{
    // The jobs and runs that write to the audit log go before it.
    while (!children().isEmpty())
        delete children().constFirst();
}

AuditLog& CommandContext::audit()
{
    if (!m_audit)
        m_audit = std::make_unique<AuditLog>();
    return *m_audit;
}

bool CommandContext::wantsJson() const
{
    return m_parser.optionNames().contains(QStringLiteral("json")) &&
           m_parser.isSet(QStringLiteral("json"));
}

void CommandContext::finish(int code)
{
    if (m_exitCode)
        return;
    m_exitCode = code;
    if (m_onFinished)
        m_onFinished(code);
}

void CommandContext::fail(int code, const QString& message, const QString& hint)
{
    if (m_exitCode)
        return;
    CliOutput::error(message, hint);
    finish(code);
}

void CommandContext::fail(const ApiError& error)
{
    if (m_exitCode)
        return;
    CliOutput::error(error);
    finish(exitCodeFor(error));
}

bool CommandContext::expectPositional(int min, int max, const QString& usage)
{
    const qsizetype n = positional().size();
    if (n < min) {
        fail(ExitUsage, tr("missing arguments"), tr("usage: %1").arg(usage));
        return false;
    }
    if (max >= 0 && n > max) {
        fail(ExitUsage, tr("unexpected argument '%1'").arg(positional().at(max)),
             tr("usage: %1").arg(usage));
        return false;
    }
    return true;
}

std::optional<Profile> CommandContext::requireProfile(const QString& name)
{
    if (!isValidProfileName(name)) {
        fail(ExitUsage, tr("'%1' is not a valid profile name").arg(name),
             tr("use 1 to 64 letters, digits, '.', '-' or '_'"));
        return std::nullopt;
    }
    auto profile = m_profiles.find(name);
    if (!profile)
        fail(ExitNotFound, tr("no profile named '%1'").arg(name),
             tr("see `connectorctl profile list`, or add it with `connectorctl profile add`"));
    return profile;
}

QString shownId(const QString& id)
{
    constexpr qsizetype kShown = 64;
    if (id.size() <= kShown)
        return id;
    return QObject::tr("%1… (%2 characters)").arg(id.left(kShown)).arg(id.size());
}

bool CommandContext::refuseId(const ConnectorService& service, const QString& id)
{
    const QString vendor = vendorDisplayName(service.vendor());
    if (id.isEmpty()) {
        fail(ExitInvalid, tr("the connector id is empty"),
             tr("see `connectorctl list NAME` for the %1 connector ids").arg(vendor));
        return true;
    }
    QString refusal = service.idRefusal(id);
    if (refusal.isEmpty())
        return false;
    refusal.replace(id, shownId(id));
    fail(ExitInvalid, tr("'%1' is not a %2 connector id: %3").arg(shownId(id), vendor, refusal));
    return true;
}

HttpClient* CommandContext::http()
{
    if (!m_http) {
        m_http = new HttpClient(this);
        // CONNECTOR_ADMIN_TIMEOUT (seconds): the transfer time-out, as the GUI's preference.
        if (const int s = qEnvironmentVariableIntValue("CONNECTOR_ADMIN_TIMEOUT"); s > 0) {
            HttpOptions options = m_http->options();
            options.transferTimeoutMs = s * 1000;
            m_http->setOptions(options);
        }
    }
    return m_http;
}

void CommandContext::withService(const Profile& profile,
                                 std::function<void(ConnectorService*)> ready)
{
    QByteArray fromEnv = qgetenv(kApiKeyEnv);
    if (!fromEnv.isEmpty()) {
        startService(profile, fromEnv, ready);
        SecretBytes::wipe(fromEnv);
        return;
    }
    auto* store = new KeychainKeyStore();
    const QString name = profile.name;
    store->readKey(
        name, this, [this, store, profile, ready](const KeyStoreResult& r, const SecretBytes& key) {
            delete store;
            if (r.status == KeyStoreResult::Status::NotFound) {
                fail(ExitAuth, tr("no API key stored for profile '%1'").arg(profile.name),
                     tr("run `connectorctl key set %1`, or set %2")
                         .arg(profile.name, QLatin1String(kApiKeyEnv)));
                return;
            }
            if (!r.ok()) {
                fail(ExitAuth,
                     tr("cannot read the API key of '%1' from the keychain: %2")
                         .arg(profile.name, r.message),
                     r.hint.isEmpty()
                         ? tr("set %1 for this run instead").arg(QLatin1String(kApiKeyEnv))
                         : r.hint);
                return;
            }
            startService(profile, key.bytes(), ready);
        });
}

void CommandContext::startService(const Profile& profile, const QByteArray& key,
                                  const std::function<void(ConnectorService*)>& ready)
{
    ConnectorService* service =
        createConnectorService(toConnectorProfile(profile, key), http(), this);
    const QString refusal = service->profileRefusal();
    if (!refusal.isEmpty()) {
        fail(ExitInvalid, tr("profile '%1' cannot be used: %2").arg(profile.name, refusal),
             tr("fix it with `connectorctl profile add %1 --replace …`").arg(profile.name));
        return;
    }
    // Before this command's own work: a write this profile began and never saw end (the app
    // stopped while sending) is told on stderr and closed with a reconciled record.
    auto* reconciler = new IntentReconciler(&audit(), service, AuditTool::Cli, this);
    connect(reconciler, &IntentReconciler::finished, this,
            [service, ready](const QList<IntentReconciler::Result>& results) {
                for (const IntentReconciler::Result& r : results)
                    CliOutput::message(r.text);
                ready(service);
            });
    reconciler->start();
}

} // namespace ca
