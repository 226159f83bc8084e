// A preloaded library (LD_PRELOAD) that makes writes to one chosen file fail like a full or broken
// disk: after a given number of bytes, write()/writev()/pwrite() return a short count and then
// -1 with ENOSPC or EIO, and fsync()/fdatasync() fail the same way. Every other file is written
// as usual. Not built with any sanitizer: it only forwards to libc.
//
// Armed from the environment at start (child processes such as connectorctl):
//   CA_FAULT_FILE   a part of the path to fail (e.g. "/audit.jsonl", "/drafts/", "profiles.ini")
//   CA_FAULT_AFTER  bytes that still succeed before the failure (default 0)
//   CA_FAULT_ERRNO  ENOSPC (default) or EIO
//   CA_FAULT_ON     write | sync | both (default)
// or in-process, through ca_fault_arm()/ca_fault_disarm() found with dlsym (FaultShimControl.h).
// ca_fault_hits() counts the failures made, so a test can tell the fault really happened.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <dlfcn.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {

enum Ops
{
    kWrite = 1,
    kSync = 2
};

// Plain data only: constant-initialised, so it is ready before the constructor below runs (a
// std::string member would be constructed after it and wipe the match).
struct Config
{
    char match[PATH_MAX] = {};
    long long allowed = 0; // bytes that still succeed
    int error = ENOSPC;
    int ops = kWrite | kSync;
};

constinit std::mutex configMutex;
constinit Config config;        // guarded by configMutex
std::atomic<bool> armed{false}; // fast path: nothing to look at
std::atomic<long long> hits{0}; // failures made

template <typename F> F real(const char* name)
{
    return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

bool pathMatches(int fd, const char* match)
{
    char link[64];
    char target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return false;
    target[n] = '\0';
    return *match && std::strstr(target, match) != nullptr;
}

// How many of `wanted` bytes may be written to `fd` now: all of them for other files, fewer or
// none past the budget. -1 (with errno set) when the call must fail outright.
ssize_t budgetFor(int fd, size_t wanted)
{
    if (!armed.load(std::memory_order_acquire))
        return ssize_t(wanted);
    std::lock_guard<std::mutex> lock(configMutex);
    if (!(config.ops & kWrite) || !pathMatches(fd, config.match))
        return ssize_t(wanted);
    if (config.allowed <= 0) {
        hits.fetch_add(1);
        errno = config.error;
        return -1;
    }
    const long long granted = std::min<long long>(config.allowed, (long long)wanted);
    config.allowed -= granted;
    return ssize_t(granted);
}

bool syncFails(int fd)
{
    if (!armed.load(std::memory_order_acquire))
        return false;
    std::lock_guard<std::mutex> lock(configMutex);
    if (!(config.ops & kSync) || !pathMatches(fd, config.match))
        return false;
    hits.fetch_add(1);
    errno = config.error;
    return true;
}

void armFrom(const char* match, long long after, int error, int ops)
{
    std::lock_guard<std::mutex> lock(configMutex);
    std::snprintf(config.match, sizeof config.match, "%s", match);
    config.allowed = after;
    config.error = error;
    config.ops = ops;
    armed.store(config.match[0] != '\0', std::memory_order_release);
}

__attribute__((constructor)) void armFromEnvironment()
{
    const char* match = std::getenv("CA_FAULT_FILE");
    if (!match || !*match)
        return;
    const char* after = std::getenv("CA_FAULT_AFTER");
    const char* error = std::getenv("CA_FAULT_ERRNO");
    const char* on = std::getenv("CA_FAULT_ON");
    int ops = kWrite | kSync;
    if (on && std::strcmp(on, "write") == 0)
        ops = kWrite;
    else if (on && std::strcmp(on, "sync") == 0)
        ops = kSync;
    armFrom(match, after ? std::atoll(after) : 0,
            error && std::strcmp(error, "EIO") == 0 ? EIO : ENOSPC, ops);
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) void ca_fault_arm(const char* match, long long after,
                                                         int error, int ops)
{
    armFrom(match, after, error, ops);
}

__attribute__((visibility("default"))) void ca_fault_disarm()
{
    armed.store(false, std::memory_order_release);
}

__attribute__((visibility("default"))) long long ca_fault_hits()
{
    return hits.load();
}

__attribute__((visibility("default"))) ssize_t write(int fd, const void* buf, size_t count)
{
    static const auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
    const ssize_t budget = budgetFor(fd, count);
    if (budget < 0)
        return -1;
    return next(fd, buf, size_t(budget));
}

__attribute__((visibility("default"))) ssize_t pwrite(int fd, const void* buf, size_t count,
                                                      off_t offset)
{
    static const auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
    const ssize_t budget = budgetFor(fd, count);
    if (budget < 0)
        return -1;
    return next(fd, buf, size_t(budget), offset);
}

__attribute__((visibility("default"))) ssize_t pwrite64(int fd, const void* buf, size_t count,
                                                        off_t offset)
{
    static const auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite64");
    const ssize_t budget = budgetFor(fd, count);
    if (budget < 0)
        return -1;
    return next(fd, buf, size_t(budget), offset);
}

__attribute__((visibility("default"))) ssize_t writev(int fd, const struct iovec* iov, int n)
{
    static const auto next = real<ssize_t (*)(int, const struct iovec*, int)>("writev");
    size_t total = 0;
    for (int i = 0; i < n; ++i)
        total += iov[i].iov_len;
    const ssize_t budget = budgetFor(fd, total);
    if (budget < 0)
        return -1;
    if (size_t(budget) == total)
        return next(fd, iov, n);
    // Short: write the first `budget` bytes only, as a full disk does.
    static const auto plain = real<ssize_t (*)(int, const void*, size_t)>("write");
    ssize_t done = 0;
    for (int i = 0; i < n && done < budget; ++i) {
        const size_t part = std::min<size_t>(iov[i].iov_len, size_t(budget - done));
        const ssize_t w = plain(fd, iov[i].iov_base, part);
        if (w < 0)
            return done > 0 ? done : -1;
        done += w;
        if (size_t(w) < part)
            break;
    }
    return done;
}

__attribute__((visibility("default"))) int fsync(int fd)
{
    static const auto next = real<int (*)(int)>("fsync");
    return syncFails(fd) ? -1 : next(fd);
}

__attribute__((visibility("default"))) int fdatasync(int fd)
{
    static const auto next = real<int (*)(int)>("fdatasync");
    return syncFails(fd) ? -1 : next(fd);
}

} // extern "C"
