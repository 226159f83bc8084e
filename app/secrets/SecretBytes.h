#pragma once

#include <QByteArray>
#include <QString>

namespace ca {

// An API key in memory. Cleared when the last holder lets go (where Qt allows: a QByteArray that
// is shared with another copy is left to that copy). Never converted to text implicitly, and
// never streamed to a log: there is no QDebug operator on purpose.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArray bytes) : m_bytes(std::move(bytes)) {}
    SecretBytes(const SecretBytes&) = default;
    SecretBytes(SecretBytes&& other) noexcept : m_bytes(std::move(other.m_bytes)) {}
    SecretBytes& operator=(const SecretBytes& other)
    {
        if (this != &other) {
            wipe();
            m_bytes = other.m_bytes;
        }
        return *this;
    }
    SecretBytes& operator=(SecretBytes&& other) noexcept
    {
        if (this != &other) {
            wipe();
            m_bytes = std::move(other.m_bytes);
        }
        return *this;
    }
    ~SecretBytes() { wipe(); }

    bool isEmpty() const { return m_bytes.isEmpty(); }
    const QByteArray& bytes() const { return m_bytes; }
    void clear() { wipe(); }

    // Overwrites a buffer we hold alone (a shared one belongs to its other holders too).
    static void zeroIfSole(QByteArray& bytes)
    {
        if (!bytes.isEmpty() && bytes.isDetached())
            std::fill(bytes.data(), bytes.data() + bytes.size(), '\0');
    }
    // Overwrites a buffer we hold alone, then drops it.
    static void wipe(QByteArray& bytes)
    {
        zeroIfSole(bytes);
        bytes.clear();
    }
    static void wipe(QString& text)
    {
        if (!text.isEmpty() && text.isDetached())
            std::fill(text.data(), text.data() + text.size(), QChar(u'\0'));
        text.clear();
    }

private:
    void wipe() { wipe(m_bytes); }
    QByteArray m_bytes;
};

} // namespace ca
