#pragma once

#include <cstdio>
#include <memory>

namespace ca::terminal {

// The platform's terminal calls, in one place (POSIX and Windows).
bool isTerminal(FILE* stream);

// Typed characters are not echoed while this lives (a key being entered), when stdin is a
// terminal; restored on destruction.
class EchoOff
{
public:
    EchoOff();
    ~EchoOff();
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

private:
    struct Saved;                   // the platform's terminal settings before echo was turned off
    std::unique_ptr<Saved> m_saved; // null when nothing was changed
};

} // namespace ca::terminal
