#include "KeychainKeyStore.h"

#include "SecretsLog.h"

#include <QCoreApplication>
#include <QPointer>
#include <QUuid>
#include <qt6keychain/keychain.h>

namespace ca {

namespace {

// lupdate sees this context; free functions below translate through it.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(KeychainKeyStore)
};

KeyStoreResult toResult(const QKeychain::Job* job, const QString& profile)
{
    switch (job->error()) {
    case QKeychain::NoError:
        return {};
    case QKeychain::EntryNotFound:
        return {KeyStoreResult::Status::NotFound,
                Text::tr("no API key stored for profile '%1'").arg(profile),
                Text::tr("set one in Profiles… or with 'connectorctl key set %1'").arg(profile)};
    case QKeychain::NoBackendAvailable:
        return {
            KeyStoreResult::Status::Unavailable,
            Text::tr("no OS keychain is available (%1)").arg(job->errorString()),
            Text::tr("install and start a Secret Service such as gnome-keyring or KWallet, then "
                     "restart; until then a key can be used for this session only")};
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return {
            KeyStoreResult::Status::Unavailable,
            Text::tr("access to the keychain was denied (%1)").arg(job->errorString()),
            Text::tr("unlock your login keyring (or allow Connector Admin access) and try again")};
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        break;
    }
    // libsecret without a running service, a locked collection or a D-Bus failure end up here.
    return {
        KeyStoreResult::Status::Unavailable,
        Text::tr("the keychain failed: %1").arg(job->errorString()),
        Text::tr("make sure a Secret Service (gnome-keyring or KWallet) is running and its login "
                 "collection is unlocked")};
}

template <typename Job> Job* makeJob(const QString& service, const QString& key)
{
    auto* job = new Job(service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    return job;
}

} // namespace

KeychainKeyStore::KeychainKeyStore(QString service) : m_service(std::move(service)) {}

QString KeychainKeyStore::entryKey(const QString& profile) const
{
    return m_service + QStringLiteral("/profile/") + profile;
}

void KeychainKeyStore::readKey(const QString& profile, QObject* context, ReadCallback done)
{
    auto* job = makeJob<QKeychain::ReadPasswordJob>(m_service, entryKey(profile));
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [job, profile, done = std::move(done)] {
                         const KeyStoreResult result = toResult(job, profile);
                         QString text = result.ok() ? job->textData() : QString();
                         const SecretBytes key(text.toUtf8());
                         SecretBytes::wipe(text);
                         qCDebug(lcSecrets)
                             << "read key of profile" << profile << "status" << int(result.status);
                         done(result, key);
                     });
    job->start();
}

void KeychainKeyStore::writeKey(const QString& profile, const SecretBytes& key, QObject* context,
                                DoneCallback done)
{
    auto* job = makeJob<QKeychain::WritePasswordJob>(m_service, entryKey(profile));
    QString text = QString::fromUtf8(key.bytes());
    job->setTextData(text);
    SecretBytes::wipe(text);
    QObject::connect(
        job, &QKeychain::Job::finished, context, [job, profile, done = std::move(done)] {
            qCDebug(lcSecrets) << "wrote key of profile" << profile << "error" << int(job->error());
            done(toResult(job, profile));
        });
    job->start();
}

void KeychainKeyStore::deleteKey(const QString& profile, QObject* context, DoneCallback done)
{
    auto* job = makeJob<QKeychain::DeletePasswordJob>(m_service, entryKey(profile));
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [job, profile, done = std::move(done)] {
                         KeyStoreResult result = toResult(job, profile);
                         if (result.status == KeyStoreResult::Status::NotFound)
                             result = {}; // deleting what is not there is done
                         done(result);
                     });
    job->start();
}

void KeychainKeyStore::probe(QObject* context, DoneCallback done)
{
    // A read of an entry that cannot exist: "not found" proves the backend answers.
    const QString key =
        m_service + QStringLiteral("/probe/") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto* job = makeJob<QKeychain::ReadPasswordJob>(m_service, key);
    QObject::connect(job, &QKeychain::Job::finished, context, [job, done = std::move(done)] {
        KeyStoreResult result = toResult(job, QString());
        if (result.status == KeyStoreResult::Status::NotFound)
            result = {};
        done(result);
    });
    job->start();
}

} // namespace ca
