#include "Terminal.h"

#include <QSocketNotifier>
#include <QtGlobal>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
#include <csignal>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#endif

namespace ca::terminal {

#ifdef Q_OS_WIN

bool isTerminal(FILE* stream)
{
    return ::_isatty(::_fileno(stream)) != 0;
}

struct EchoOff::Saved
{
    DWORD consoleMode = 0;
};

EchoOff::EchoOff()
{
    HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    if (in == INVALID_HANDLE_VALUE || !::GetConsoleMode(in, &mode))
        return;
    if (::SetConsoleMode(in, mode & ~DWORD(ENABLE_ECHO_INPUT)))
        m_saved.reset(new Saved{mode});
}

EchoOff::~EchoOff()
{
    if (m_saved)
        ::SetConsoleMode(::GetStdHandle(STD_INPUT_HANDLE), m_saved->consoleMode);
}

void onInterrupt(QObject*, std::function<void(int)>) {}

#else

bool isTerminal(FILE* stream)
{
    return ::isatty(::fileno(stream)) == 1;
}

struct EchoOff::Saved
{
    termios settings{};
};

EchoOff::EchoOff()
{
    termios settings{};
    if (::tcgetattr(STDIN_FILENO, &settings) != 0)
        return;
    termios quiet = settings;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
        m_saved.reset(new Saved{settings});
}

EchoOff::~EchoOff()
{
    if (m_saved)
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved->settings);
}

namespace {

int g_signalPipe[2] = {-1, -1};

// Async-signal-safe: only write(2). The event loop reads the signal's number from the pipe.
void onSignal(int signal)
{
    const char c = char(signal);
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

} // namespace

void onInterrupt(QObject* context, std::function<void(int)> handler)
{
    if (g_signalPipe[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return; // no pipe: the signals keep their default (the process ends)
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, context);
    QObject::connect(notifier, &QSocketNotifier::activated, context, [handler] {
        char c = 0;
        if (::read(g_signalPipe[0], &c, 1) == 1)
            handler(int(c));
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

#endif

} // namespace ca::terminal
