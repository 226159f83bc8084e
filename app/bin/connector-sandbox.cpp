#include "BuildInfo.h"
#include "SandboxServer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <iterator>
#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace {

const char* const kDescription =
    R"(connector-sandbox: a local HTTP/1.1 server that behaves like the connector APIs
of timbal, aisquared, b3os, databar and bigdata (see docs/sandbox.md).
A vendor's base URL is http://127.0.0.1:PORT/<vendor>. The first stdout line is
"listening on http://127.0.0.1:PORT". Runs until SIGINT/SIGTERM.
Test control (no auth): /_sandbox/requests, /_sandbox/state, /_sandbox/reset,
/_sandbox/faults, /_sandbox/config.

Fault grammar (--fault, repeatable; also POST /_sandbox/faults):
  VENDOR:KIND[=ARG][@RATE][#COUNT]
  VENDOR  timbal, aisquared, b3os, databar, bigdata or * (every vendor)
  RATE    0..1, default 1: chance that a matching request gets the fault
          (drawn from a generator seeded by --seed, so runs repeat)
  COUNT   apply to at most COUNT requests, then expire (default: no limit)
  KIND    latency=MS       answer normally after MS ms
          status=CODE      answer CODE in the vendor's own error shape (handler does not run)
          retry-after=S    429 with Retry-After: S (handler does not run)
          html=CODE        CODE with a web firewall's HTML page (handler does not run)
          hang             never answer; the connection stays open
          reset            status line and part of the body, then a TCP reset
          malformed        200 with a body that is not JSON
          truncated        Content-Length larger than the body sent, then close
          oversized=BYTES  200 announcing and streaming BYTES bytes of padding
          drip=BYTES_PER_S the real answer, its body sent at BYTES_PER_S
  Report faults of Timbal software updates (timbal only; RATE is the share of connectors,
  chosen from --seed and the connector, not per request; no #COUNT):
          stuck            accepts the update (202) but never reports the new version
          revert[=MS]      reports it, then MS ms later (default: the update delay) the old one
          drop             goes offline after the 202 (later updates get 422 connector_offline)
  Except for status, retry-after and html the vendor handler runs (its state may change
  although the client never sees a proper answer). The first matching fault, in
  the order given, that wins its RATE draw is used. Faults never apply to /_sandbox/.
  Example: --fault 'databar:status=503#1' (503 once, then normal).
  A JSON object adds filters: --fault '{"spec":"timbal:hang","method":"POST","path":"con_000003"}')";

#ifdef Q_OS_UNIX
int g_signalPipe[2] = {-1, -1};

// Async-signal-safe: only write(2). Qt is told through the pipe, from the event loop.
void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}
#endif

[[noreturn]] void usageError(const QString& message)
{
    std::fprintf(stderr, "connector-sandbox: %s\n", qPrintable(message));
    std::exit(2);
}

// The options that take a value, in --help order; an Option indexes kValueOptions.
enum Option
{
    Port,
    Key,
    ReadOnlyKey,
    Connectors,
    Seed,
    UpdateDelay,
    Fault,
};
struct ValueOption
{
    const char* name;
    const char* valueName;
    const char* defaultValue; // empty: none
    const char* description;
};
constexpr ValueOption kValueOptions[] = {
    {"port", "N", "0", "Port on 127.0.0.1; 0 picks a free one."},
    {"key", "KEY", "demo-key", "The valid API key for every vendor."},
    {"readonly-key", "KEY", "demo-readonly-key",
     "A key that authenticates but gets the vendor's 403 on every write."},
    {"connectors", "N", "25", "Connectors per vendor."},
    {"seed", "N", "1", "Seed of the generated data and fault rates."},
    {"update-delay", "MS", "2000",
     "ms after a Timbal 202 before the new version is reported; <0 = never."},
    {"fault", "SPEC", "", "A fault to inject (repeatable; grammar above)."},
};
static_assert(std::size(kValueOptions) == Fault + 1, "one row per Option");

QString optionName(Option option)
{
    return QString::fromLatin1(kValueOptions[option].name);
}

qint64 integerOption(const QCommandLineParser& parser, Option option, qint64 min, qint64 max)
{
    const QString name = optionName(option);
    bool ok = false;
    const QString text = parser.value(name);
    const qint64 v = text.toLongLong(&ok);
    if (!ok || v < min || v > max) {
        usageError(QStringLiteral("invalid --%1 value '%2' (expected an integer from %3 to %4)")
                       .arg(name, text, QString::number(min), QString::number(max)));
    }
    return v;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("connector-sandbox"));
    QCoreApplication::setApplicationVersion(QLatin1String(ca::kAppVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromUtf8(kDescription));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    for (const ValueOption& o : kValueOptions)
        parser.addOption(QCommandLineOption(
            QString::fromLatin1(o.name), QString::fromUtf8(o.description),
            QString::fromLatin1(o.valueName), QString::fromLatin1(o.defaultValue)));

    if (!parser.parse(QCoreApplication::arguments()))
        usageError(parser.errorText());
    if (parser.isSet(help))
        parser.showHelp(0);
    if (parser.isSet(version))
        parser.showVersion();
    if (!parser.positionalArguments().isEmpty())
        usageError(QStringLiteral("unexpected argument '%1'")
                       .arg(parser.positionalArguments().constFirst()));

    sandbox::SandboxOptions options;
    options.key = parser.value(optionName(Key)).toUtf8();
    options.readOnlyKey = parser.value(optionName(ReadOnlyKey)).toUtf8();
    if (options.key.isEmpty() || options.readOnlyKey.isEmpty())
        usageError(QStringLiteral("--key and --readonly-key must not be empty"));
    if (options.key == options.readOnlyKey)
        usageError(QStringLiteral("--key and --readonly-key must differ"));
    options.connectors = int(integerOption(parser, Connectors, 0, 10'000'000));
    options.seed = quint32(integerOption(parser, Seed, 0, 0xFFFFFFFFLL));
    options.timbalUpdateDelayMs =
        int(integerOption(parser, UpdateDelay, -1'000'000'000, 1'000'000'000));
    const auto listenPort = quint16(integerOption(parser, Port, 0, 65535));

    QJsonArray faults;
    for (const QString& spec : parser.values(optionName(Fault))) {
        // The JSON object form adds method/path filters; anything else is the plain grammar.
        const QJsonDocument doc = QJsonDocument::fromJson(spec.toUtf8());
        faults.append(spec.trimmed().startsWith(QLatin1Char('{')) && doc.isObject()
                          ? QJsonValue(doc.object())
                          : QJsonValue(spec));
    }

    sandbox::SandboxServer server(options);
    QString faultError;
    if (!server.setFaults(faults, &faultError))
        usageError(faultError);

#ifdef Q_OS_UNIX
    // SIGINT/SIGTERM end the event loop, so the server closes its sockets (Windows: the console's
    // Ctrl+C ends the process, which closes them too).
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0) {
        std::perror("connector-sandbox: socketpair");
        return 1;
    }
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [] {
        char c = 0;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &c, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not kill the server
#endif

    if (!server.listen(listenPort)) {
        std::fprintf(stderr, "connector-sandbox: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    std::printf("listening on %s\n", qPrintable(server.baseUrl().toString()));
    std::fflush(stdout);
    return app.exec();
}
