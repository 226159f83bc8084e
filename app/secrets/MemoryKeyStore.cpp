#include "MemoryKeyStore.h"

#include <QCoreApplication>
#include <QTimer>

namespace ca {

// Answers are deferred to the event loop so callers see the same asynchrony as the keychain.
KeyStoreResult MemoryKeyStore::unavailableResult() const
{
    return {KeyStoreResult::Status::Unavailable,
            QCoreApplication::translate("KeyStore", "the key store is unavailable"),
            {}};
}

void MemoryKeyStore::readKey(const QString& profile, QObject* context, ReadCallback done)
{
    KeyStoreResult result;
    SecretBytes key;
    if (m_unavailable) {
        result = unavailableResult();
    } else if (!m_keys.contains(profile)) {
        result = {KeyStoreResult::Status::NotFound,
                  QCoreApplication::translate("KeyStore", "no API key stored for profile '%1'")
                      .arg(profile),
                  {}};
    } else {
        key = m_keys.value(profile);
    }
    QTimer::singleShot(0, context, [done = std::move(done), result, key] { done(result, key); });
}

void MemoryKeyStore::writeKey(const QString& profile, const SecretBytes& key, QObject* context,
                              DoneCallback done)
{
    KeyStoreResult result;
    if (m_unavailable)
        result = unavailableResult();
    else
        m_keys.insert(profile, key);
    QTimer::singleShot(0, context, [done = std::move(done), result] { done(result); });
}

void MemoryKeyStore::deleteKey(const QString& profile, QObject* context, DoneCallback done)
{
    KeyStoreResult result;
    if (m_unavailable)
        result = unavailableResult();
    else
        m_keys.remove(profile);
    QTimer::singleShot(0, context, [done = std::move(done), result] { done(result); });
}

void MemoryKeyStore::probe(QObject* context, DoneCallback done)
{
    const KeyStoreResult result = m_unavailable ? unavailableResult() : KeyStoreResult{};
    QTimer::singleShot(0, context, [done = std::move(done), result] { done(result); });
}

} // namespace ca
