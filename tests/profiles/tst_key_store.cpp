#include "ApiKeys.h"
#include "MemoryKeyStore.h"

#include <QSignalSpy>
#include <QtTest>

using namespace ca;

// The key-store contract (asynchronous answers, not-found, replace, delete) against the in-memory
// implementation, and ApiKeys' session-only keys on top of it.
class TestKeyStore : public QObject
{
    Q_OBJECT

    struct Read
    {
        bool done = false;
        KeyStoreResult result;
        QByteArray key;
    };
    Read read(KeyStore& store, const QString& profile)
    {
        Read r;
        store.readKey(profile, this, [&r](const KeyStoreResult& res, const SecretBytes& key) {
            r.done = true;
            r.result = res;
            r.key = key.bytes();
        });
        if (r.done)
            qWarning("answered synchronously");
        [&] { QTRY_VERIFY(r.done); }();
        return r;
    }
    KeyStoreResult run(const std::function<void(KeyStore::DoneCallback)>& call)
    {
        bool done = false;
        KeyStoreResult result;
        call([&](const KeyStoreResult& r) {
            done = true;
            result = r;
        });
        [&] { QTRY_VERIFY(done); }();
        return result;
    }

private slots:
    void answersAreNeverSynchronous()
    {
        MemoryKeyStore store;
        bool done = false;
        store.readKey(QStringLiteral("p"), this,
                      [&](const KeyStoreResult&, const SecretBytes&) { done = true; });
        QVERIFY(!done);
        QTRY_VERIFY(done);
    }

    void missingKeyIsNotFound()
    {
        MemoryKeyStore store;
        QCOMPARE(read(store, QStringLiteral("p")).result.status, KeyStoreResult::Status::NotFound);
    }

    void writeReplaceDelete()
    {
        MemoryKeyStore store;
        QVERIFY(run([&](auto cb) {
                    store.writeKey(QStringLiteral("p"), SecretBytes("first"), this, cb);
                }).ok());
        QCOMPARE(read(store, QStringLiteral("p")).key, QByteArray("first"));
        QVERIFY(run([&](auto cb) {
                    store.writeKey(QStringLiteral("p"), SecretBytes("second"), this, cb);
                }).ok());
        QCOMPARE(read(store, QStringLiteral("p")).key, QByteArray("second"));
        QVERIFY(run([&](auto cb) { store.deleteKey(QStringLiteral("p"), this, cb); }).ok());
        QCOMPARE(read(store, QStringLiteral("p")).result.status, KeyStoreResult::Status::NotFound);
    }

    void callbackIsDroppedWhenContextDies()
    {
        MemoryKeyStore store;
        bool called = false;
        auto* context = new QObject;
        store.probe(context, [&](const KeyStoreResult&) { called = true; });
        delete context;
        QTest::qWait(20);
        QVERIFY(!called);
    }

    void sessionKeyWinsAndIsNeverPersisted()
    {
        auto persistent = std::make_unique<MemoryKeyStore>();
        MemoryKeyStore* backing = persistent.get();
        ApiKeys keys(std::move(persistent));
        backing->setUnavailable(true);
        QCOMPARE(run([&](auto cb) { keys.probe(this, cb); }).status,
                 KeyStoreResult::Status::Unavailable);

        keys.setSessionKey(QStringLiteral("p"), SecretBytes("session-only"));
        QCOMPARE(read(keys, QStringLiteral("p")).key, QByteArray("session-only"));
        backing->setUnavailable(false);
        QVERIFY(!backing->contains(QStringLiteral("p")));
    }

    void storingAKeyReplacesTheSessionKey()
    {
        ApiKeys keys(std::make_unique<MemoryKeyStore>());
        keys.setSessionKey(QStringLiteral("p"), SecretBytes("session"));
        QVERIFY(run([&](auto cb) {
                    keys.writeKey(QStringLiteral("p"), SecretBytes("stored"), this, cb);
                }).ok());
        QVERIFY(!keys.hasSessionKey(QStringLiteral("p")));
        QCOMPARE(read(keys, QStringLiteral("p")).key, QByteArray("stored"));
        QVERIFY(run([&](auto cb) { keys.deleteKey(QStringLiteral("p"), this, cb); }).ok());
        QCOMPARE(read(keys, QStringLiteral("p")).result.status, KeyStoreResult::Status::NotFound);
    }

    void wipingZeroesABufferHeldAlone()
    {
        QByteArray alone("super-secret");
        alone.detach();
        SecretBytes::zeroIfSole(alone);
        QCOMPARE(alone, QByteArray(12, '\0'));
    }

    void wipingLeavesASharedBufferToItsOtherHolder()
    {
        QByteArray mine("shared-secret");
        const QByteArray theirs = mine;
        SecretBytes::wipe(mine);
        QVERIFY(mine.isEmpty());
        QCOMPARE(theirs, QByteArray("shared-secret"));
    }
};

QTEST_GUILESS_MAIN(TestKeyStore)
#include "tst_key_store.moc"
