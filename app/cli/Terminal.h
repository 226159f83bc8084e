#pragma once

#include <cstdio>
#include <functional>
#include <memory>

class QObject;

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

// From now on SIGINT (Ctrl-C) and SIGTERM do not end the process: `handler` is called with the
// signal's number from the event loop, while `context` lives, and ends the process itself (a
// rollout in the foreground lets go of it cleanly first). POSIX; on Windows Ctrl-C still ends the
// process at once (every file connectorctl writes is replaced whole, so none is left torn).
void onInterrupt(QObject* context, std::function<void(int)> handler);

} // namespace ca::terminal
