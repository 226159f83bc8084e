#pragma once

#include "AuditLog.h"
#include "ConnectorService.h"
#include "Profile.h"
#include "ProfileStore.h"

#include <QCommandLineParser>
#include <QObject>
#include <functional>
#include <memory>
#include <optional>

namespace ca {

class HttpClient;

// What one running command has at hand: its parsed arguments, the shared profile store, and the
// way to end (finish(exitCode)). Commands may finish at once or later from a callback; the driver
// in CliApp runs the event loop until they do.
class CommandContext : public QObject
{
    Q_OBJECT
public:
    explicit CommandContext(QCommandLineParser& parser, QObject* parent = nullptr);
    ~CommandContext() override;

    QCommandLineParser& args() { return m_parser; }
    QStringList positional() const { return m_parser.positionalArguments(); }
    bool isSet(const QString& option) const { return m_parser.isSet(option); }
    QString value(const QString& option) const { return m_parser.value(option); }
    bool wantsJson() const;
    // Every value of a repeatable option that also takes comma-separated lists (--ids a,b --ids
    // c), in order, each once.
    QStringList listValues(const QString& option) const;

    ProfileStore& profiles() { return m_profiles; }

    // Ends the command with `code` (the first call wins).
    void finish(int code);
    // Prints one error line and finishes with `code`.
    void fail(int code, const QString& message, const QString& hint = {});
    void fail(const ApiError& error);
    bool isFinished() const { return m_exitCode.has_value(); }
    int exitCode() const { return m_exitCode.value_or(0); }
    void setFinishedHandler(std::function<void(int)> handler) { m_onFinished = std::move(handler); }

    // Checks the positional argument count; on mismatch fails with a usage error and returns false.
    bool expectPositional(int min, int max, const QString& usage);
    // The named profile, or fails with "not found" (3) / a usage error for a malformed name.
    std::optional<Profile> requireProfile(const QString& name);

    // A Timbal profile (update, rollout): as requireProfile, and fails with exit 5 for another
    // vendor's.
    std::optional<Profile> requireTimbalProfile(const QString& name);
    // --parallel N (1-64) into *parallel when it is given; false after failing with exit 2.
    bool readParallel(int* parallel);
    // --version V of a Timbal update: the bare semver, or "" for the latest (no --version, or
    // "latest"); nullopt after failing with exit 5 for anything else.
    std::optional<QString> readTargetVersion();

    // The JSON object in `file` ("-" = stdin): at most 4 MB, one object. Otherwise fails with
    // exit 5, saying what is wrong and `hint`, and returns nullopt (nothing was sent).
    std::optional<QJsonObject> readObjectFile(const QString& file, const QString& hint);

    // Fails with exit 5 when `id` cannot be a connector id of `service`'s vendor (empty, "..",
    // the wrong shape); the id is shown shortened, so a huge one does not flood the terminal.
    bool refuseId(const ConnectorService& service, const QString& id);

    // Resolves the profile's key (CONNECTOR_ADMIN_API_KEY, else the OS keychain), builds the
    // vendor's service and hands it over; on any problem reports it and finishes instead.
    void withService(const Profile& profile, std::function<void(ConnectorService*)> ready);

    HttpClient* http();
    // The audit log of this command: intents reconciled at start, applies and updates recorded.
    // Lives as long as the command's jobs and runs (they go first).
    AuditLog& audit();

private:
    void startService(const Profile& profile, const QByteArray& key,
                      const std::function<void(ConnectorService*)>& ready);

    QCommandLineParser& m_parser;
    ProfileStore m_profiles;
    HttpClient* m_http = nullptr;
    std::unique_ptr<AuditLog> m_audit; // made by audit()
    std::optional<int> m_exitCode;
    std::function<void(int)> m_onFinished;
};

// `id` as messages show it: at most 64 characters, with its length when cut.
QString shownId(const QString& id);

// --filter TEXT (list, set, rollout start): the connector's id, name or type contains `filter`,
// ignoring case; an empty filter matches every connector.
bool matchesFilter(const Connector& connector, const QString& filter);

// The environment variable that, when set, replaces the keychain for one run (CI jobs).
inline constexpr const char* kApiKeyEnv = "CONNECTOR_ADMIN_API_KEY";

} // namespace ca
