#pragma once

#include <QByteArray>
#include <cstddef>
#include <cstdint>

// Shared by every harness in tests/fuzz. A harness defines LLVMFuzzerTestOneInput; under CA_FUZZ
// libFuzzer drives it, in a normal build ReplayMain.cpp feeds it the checked-in corpus and
// regression files (ctest label "fuzz").
namespace ca::fuzz {

// Creates the QCoreApplication once (services, resources and QNetworkAccessManager want one) and
// silences Qt's debug/info/warning output, which malformed inputs produce by the thousand.
void ensureApplication();

// Aborts with `what` when an invariant a harness checks does not hold: to libFuzzer (and to the
// replay test) that is a crash like any other.
void check(bool condition, const char* what);

// Reads a fuzz input front to back: a few selector bytes, then the rest.
class InputReader
{
public:
    InputReader(const uint8_t* data, size_t size)
        : m_data(reinterpret_cast<const char*>(data)), m_size(size)
    {}

    // The next byte, or 0 once the input is used up.
    uint8_t byte() { return m_pos < m_size ? static_cast<uint8_t>(m_data[m_pos++]) : 0; }
    // Everything not read yet.
    QByteArray rest()
    {
        const QByteArray out(m_data + m_pos, qsizetype(m_size - m_pos));
        m_pos = m_size;
        return out;
    }

private:
    const char* m_data;
    size_t m_size;
    size_t m_pos = 0;
};

} // namespace ca::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
