#pragma once

#include "KeyStore.h"
#include "MemoryKeyStore.h"

#include <memory>

namespace ca {

// The API keys of all profiles: the persistent store (the OS keychain in the app) plus keys an
// admin entered for this session only, which are held in memory and win over the store.
class ApiKeys final : public KeyStore
{
public:
    explicit ApiKeys(std::unique_ptr<KeyStore> persistent);

    void readKey(const QString& profile, QObject* context, ReadCallback done) override;
    void writeKey(const QString& profile, const SecretBytes& key, QObject* context,
                  DoneCallback done) override;
    void deleteKey(const QString& profile, QObject* context, DoneCallback done) override;
    void probe(QObject* context, DoneCallback done) override;

    // A key for this session only: never written to the keychain or anywhere else.
    void setSessionKey(const QString& profile, const SecretBytes& key);
    bool hasSessionKey(const QString& profile) const { return m_session.contains(profile); }
    KeyStore& persistent() { return *m_persistent; }

private:
    std::unique_ptr<KeyStore> m_persistent;
    MemoryKeyStore m_session;
};

} // namespace ca
