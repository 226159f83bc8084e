#pragma once

#include "KeyStore.h"

#include <QHash>

namespace ca {

// Keys held in this process only: unit tests, and keys an admin chose to use for this session
// when the OS keychain is unavailable. Never written anywhere.
class MemoryKeyStore final : public KeyStore
{
public:
    void readKey(const QString& profile, QObject* context, ReadCallback done) override;
    void writeKey(const QString& profile, const SecretBytes& key, QObject* context,
                  DoneCallback done) override;
    void deleteKey(const QString& profile, QObject* context, DoneCallback done) override;
    void probe(QObject* context, DoneCallback done) override;

    bool contains(const QString& profile) const { return m_keys.contains(profile); }
    // Synchronous access for owners that hold keys in memory themselves (session keys).
    void store(const QString& profile, const SecretBytes& key) { m_keys.insert(profile, key); }
    void forget(const QString& profile) { m_keys.remove(profile); }
    // Test hook: make every call fail as an unavailable keychain would.
    void setUnavailable(bool unavailable) { m_unavailable = unavailable; }

private:
    KeyStoreResult unavailableResult() const;
    QHash<QString, SecretBytes> m_keys;
    bool m_unavailable = false;
};

} // namespace ca
