#pragma once

// The in-process controls of the fault shim (FaultShim.cpp), found at run time: the shim is
// preloaded by ctest (LD_PRELOAD), never linked, so isLoaded() tells whether it is there.

#include <dlfcn.h>

class FaultShim
{
public:
    enum Ops
    {
        kWrite = 1,
        kSync = 2,
        kWriteAndSync = 3
    };

    FaultShim()
        : m_arm(reinterpret_cast<Arm>(dlsym(RTLD_DEFAULT, "ca_fault_arm"))),
          m_disarm(reinterpret_cast<Disarm>(dlsym(RTLD_DEFAULT, "ca_fault_disarm"))),
          m_hits(reinterpret_cast<Hits>(dlsym(RTLD_DEFAULT, "ca_fault_hits")))
    {}

    bool isLoaded() const { return m_arm && m_disarm && m_hits; }
    // Fails writes (after `after` more bytes) and/or syncs of files whose path contains `match`.
    void arm(const char* match, long long after, int error, int ops) const
    {
        m_arm(match, after, error, ops);
    }
    void disarm() const
    {
        if (m_disarm)
            m_disarm();
    }
    long long hits() const { return m_hits ? m_hits() : 0; }

private:
    using Arm = void (*)(const char*, long long, int, int);
    using Disarm = void (*)();
    using Hits = long long (*)();
    Arm m_arm;
    Disarm m_disarm;
    Hits m_hits;
};
