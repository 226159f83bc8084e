#pragma once

#include "SecretBytes.h"

#include <QObject>
#include <QString>
#include <functional>

namespace ca {

struct KeyStoreResult
{
    enum class Status
    {
        Ok,          // done (for a read: the key is in the callback's SecretBytes)
        NotFound,    // no key stored for that profile
        Unavailable // no keychain backend, locked collection, access denied: see message + hint
    };
    Status status = Status::Ok;
    QString message; // what happened, for a person
    QString hint;    // what to do about it

    bool ok() const { return status == Status::Ok; }
};

// Where API keys live: asynchronous by contract (the OS keychain is), each call answers exactly
// once through its callback, on the caller's thread, never from inside the call itself.
// `context` bounds the callback's lifetime like QObject::connect's context argument.
class KeyStore
{
public:
    using ReadCallback = std::function<void(const KeyStoreResult&, const SecretBytes&)>;
    using DoneCallback = std::function<void(const KeyStoreResult&)>;

    virtual ~KeyStore() = default;
    virtual void readKey(const QString& profile, QObject* context, ReadCallback done) = 0;
    virtual void writeKey(const QString& profile, const SecretBytes& key, QObject* context,
                          DoneCallback done) = 0;
    virtual void deleteKey(const QString& profile, QObject* context, DoneCallback done) = 0;
    // Health check: one read of an entry that does not exist. Ok means the backend works.
    virtual void probe(QObject* context, DoneCallback done) = 0;
};

} // namespace ca
