// Preloaded into every process of scripts/tsan (LD_PRELOAD). QProcess (Qt 6.4 forkfd) starts a
// child with clone(CLONE_VM | CLONE_VFORK): the child runs in the parent's memory until it execs.
// TSan's clone interceptor (clang 14 to 16 alike) then finds its own thread state changed under it
// and aborts ("CHECK failed: ((!thr->slot)) != (0)"). The interceptor calls the next clone() it
// finds, this one, which drops CLONE_VM: the child gets a copy of the memory, as after fork(), and
// still execs before the parent goes on (CLONE_VFORK). Exec failures are still reported to Qt
// through its pipe. Only for the TSan build; no sanitizer of its own.

#include <cstdarg>
#include <dlfcn.h>
#include <sched.h>
#include <sys/types.h>

extern "C" __attribute__((visibility("default"))) int clone(int (*fn)(void*), void* stack,
                                                            int flags, void* arg, ...)
{
    va_list rest;
    va_start(rest, arg);
    pid_t* parentTid = va_arg(rest, pid_t*);
    void* tls = va_arg(rest, void*);
    pid_t* childTid = va_arg(rest, pid_t*);
    va_end(rest);
    using Clone = int (*)(int (*)(void*), void*, int, void*, ...);
    static const Clone next = reinterpret_cast<Clone>(dlsym(RTLD_NEXT, "clone"));
    if ((flags & CLONE_VM) && (flags & CLONE_VFORK))
        flags &= ~CLONE_VM;
    return next(fn, stack, flags, arg, parentTid, tls, childTid);
}
