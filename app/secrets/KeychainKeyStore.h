#pragma once

#include "KeyStore.h"

namespace ca {

// API keys in the OS keychain through QtKeychain (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows). No insecure fallback: when the keychain cannot be used the
// caller is told, never given a plaintext file instead.
class KeychainKeyStore final : public KeyStore
{
public:
    // `service` names our entries; keys are prefixed with it too because Windows ignores the
    // service name.
    explicit KeychainKeyStore(QString service = QStringLiteral("connector-admin"));

    void readKey(const QString& profile, QObject* context, ReadCallback done) override;
    void writeKey(const QString& profile, const SecretBytes& key, QObject* context,
                  DoneCallback done) override;
    void deleteKey(const QString& profile, QObject* context, DoneCallback done) override;
    void probe(QObject* context, DoneCallback done) override;

    QString entryKey(const QString& profile) const; // "connector-admin/profile/<name>"

private:
    QString m_service;
};

} // namespace ca
