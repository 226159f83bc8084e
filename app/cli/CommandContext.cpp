#include "CommandContext.h"

#include "CliOutput.h"
#include "ExitCode.h"
#include "HttpClient.h"
#include "IntentReconciler.h"
#include "KeychainKeyStore.h"
#include "SecretBytes.h"
#include "Semver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

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

QStringList CommandContext::listValues(const QString& option) const
{
    QStringList out;
    QSet<QString> seen;
    for (const QString& value : m_parser.values(option)) {
        for (const QString& item : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString trimmed = item.trimmed();
            if (!trimmed.isEmpty() && !seen.contains(trimmed)) {
                seen.insert(trimmed);
                out << trimmed;
            }
        }
    }
    return out;
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

std::optional<Profile> CommandContext::requireTimbalProfile(const QString& name)
{
    auto profile = requireProfile(name);
    if (profile && profile->vendor != Vendor::Timbal) {
        fail(ExitInvalid,
             tr("software updates are for Timbal connectors; '%1' is a %2 profile")
                 .arg(profile->name, vendorDisplayName(profile->vendor)),
             tr("edit other connectors with `connectorctl apply`"));
        return std::nullopt;
    }
    return profile;
}

bool CommandContext::readParallel(int* parallel)
{
    if (!isSet(QStringLiteral("parallel")))
        return true;
    bool ok = false;
    const int n = value(QStringLiteral("parallel")).toInt(&ok);
    if (!ok || n < 1 || n > 64) {
        fail(ExitUsage, tr("--parallel must be a number from 1 to 64"));
        return false;
    }
    *parallel = n;
    return true;
}

std::optional<QString> CommandContext::readTargetVersion()
{
    const QString version = value(QStringLiteral("version"));
    if (version.isEmpty() || !version.compare(QLatin1String("latest"), Qt::CaseInsensitive))
        return QString();
    QString why;
    if (!Semver::parse(version, &why)) {
        fail(ExitInvalid, tr("--version %1: %2").arg(version, why),
             tr("give a version such as 0.1.3, or leave --version out for the latest; nothing "
                "was sent"));
        return std::nullopt;
    }
    return version;
}

std::optional<QJsonObject> CommandContext::readObjectFile(const QString& file, const QString& hint)
{
    // Connector documents are a few KB: a bigger input is a wrong file, refused before parsing.
    constexpr qint64 kMaxDocumentBytes = 4 * 1024 * 1024;
    QByteArray bytes;
    if (file == QLatin1String("-")) {
        bytes = CliOutput::readStdin(kMaxDocumentBytes + 1);
    } else {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            fail(ExitInvalid, tr("cannot read %1: %2").arg(file, f.errorString()));
            return std::nullopt;
        }
        bytes = f.read(kMaxDocumentBytes + 1);
    }
    if (bytes.size() > kMaxDocumentBytes) {
        fail(ExitInvalid,
             tr("%1 is too large for a connector document (over %2 MB)")
                 .arg(file)
                 .arg(kMaxDocumentBytes / (1024 * 1024)),
             hint);
        return std::nullopt;
    }
    if (bytes.trimmed().isEmpty()) {
        fail(ExitInvalid, tr("%1 is empty").arg(file), hint);
        return std::nullopt;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // A lone string or number is valid JSON that QJsonDocument does not take at the top.
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + bytes + ']');
        if (wrapped.isArray() && wrapped.array().size() == 1) {
            fail(ExitInvalid, tr("%1 must hold one JSON object").arg(file), hint);
            return std::nullopt;
        }
        fail(ExitInvalid,
             tr("%1 is not valid JSON: %2 at offset %3")
                 .arg(file, parseError.errorString())
                 .arg(parseError.offset),
             hint);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        fail(ExitInvalid, tr("%1 must hold one JSON object").arg(file), hint);
        return std::nullopt;
    }
    return doc.object();
}

QString shownId(const QString& id)
{
    constexpr qsizetype kShown = 64;
    if (id.size() <= kShown)
        return id;
    return QObject::tr("%1… (%2 characters)").arg(id.left(kShown)).arg(id.size());
}

bool matchesFilter(const Connector& connector, const QString& filter)
{
    return filter.isEmpty() || connector.id.contains(filter, Qt::CaseInsensitive) ||
           connector.displayName.contains(filter, Qt::CaseInsensitive) ||
           connector.type.contains(filter, Qt::CaseInsensitive);
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
