#include "ApiKeys.h"

#include "SecretsLog.h"

Q_LOGGING_CATEGORY(lcSecrets, "ca.secrets", QtInfoMsg)

namespace ca {

ApiKeys::ApiKeys(std::unique_ptr<KeyStore> persistent) : m_persistent(std::move(persistent)) {}

void ApiKeys::readKey(const QString& profile, QObject* context, ReadCallback done)
{
    if (m_session.contains(profile))
        m_session.readKey(profile, context, std::move(done));
    else
        m_persistent->readKey(profile, context, std::move(done));
}

void ApiKeys::writeKey(const QString& profile, const SecretBytes& key, QObject* context,
                       DoneCallback done)
{
    // A stored key replaces a session key, so later reads come from the keychain.
    m_session.forget(profile);
    m_persistent->writeKey(profile, key, context, std::move(done));
}

void ApiKeys::deleteKey(const QString& profile, QObject* context, DoneCallback done)
{
    m_session.forget(profile);
    m_persistent->deleteKey(profile, context, std::move(done));
}

void ApiKeys::probe(QObject* context, DoneCallback done)
{
    m_persistent->probe(context, std::move(done));
}

void ApiKeys::setSessionKey(const QString& profile, const SecretBytes& key)
{
    m_session.store(profile, key);
}

} // namespace ca
