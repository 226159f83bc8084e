#include "Terminal.h"

#include <QtGlobal>

#ifdef Q_OS_WIN
#include <io.h>
#include <windows.h>
#else
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

#endif

} // namespace ca::terminal
