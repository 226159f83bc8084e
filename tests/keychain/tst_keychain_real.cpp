#include "KeychainKeyStore.h"
#include "ProfileStore.h"

#include <QDirIterator>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

using namespace ca;

// Runs under tests/keychain/run-with-keyring.sh: a real gnome-keyring in a throwaway D-Bus session.
// With CA_EXPECT_NO_KEYCHAIN=1 it runs without any Secret Service and checks the health check
// instead.
class TestKeychainReal : public QObject
{
    Q_OBJECT

    const QString m_service = QStringLiteral("connector-admin-test");
    const QByteArray m_firstKey = "ca-test-key-Zx81-first-4f2a9c";
    const QByteArray m_secondKey = "ca-test-key-Zx81-second-77be10";

    static bool noKeychainMode()
    {
        return qEnvironmentVariableIntValue("CA_EXPECT_NO_KEYCHAIN") == 1;
    }

    KeyStoreResult run(const std::function<void(KeyStore::DoneCallback)>& call)
    {
        bool done = false;
        KeyStoreResult result;
        call([&](const KeyStoreResult& r) {
            done = true;
            result = r;
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 30000); }();
        return result;
    }
    QPair<KeyStoreResult, QByteArray> read(KeyStore& store, const QString& profile)
    {
        bool done = false;
        QPair<KeyStoreResult, QByteArray> out;
        store.readKey(profile, this, [&](const KeyStoreResult& r, const SecretBytes& key) {
            done = true;
            out = {r, key.bytes()};
        });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(done, 30000); }();
        return out;
    }
    // What the Secret Service holds, read from outside our process and outside QtKeychain.
    QByteArray secretToolLookup(const QString& entryKey)
    {
        QProcess p;
        p.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("user"),
                                                entryKey, QStringLiteral("server"), m_service});
        if (!p.waitForFinished(20000))
            return "<secret-tool hung>";
        return p.readAllStandardOutput();
    }

private slots:
    void initTestCase()
    {
        if (noKeychainMode())
            return;
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "run me through tests/keychain/run-with-keyring.sh");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("secret-tool")).isEmpty(),
                 "secret-tool (libsecret-tools) is needed");
    }

    void probeReportsTheBackendState()
    {
        KeychainKeyStore store(m_service);
        const KeyStoreResult r = run([&](auto cb) { store.probe(this, cb); });
        if (noKeychainMode()) {
            QCOMPARE(r.status, KeyStoreResult::Status::Unavailable);
            QVERIFY2(!r.message.isEmpty() && r.hint.contains(QStringLiteral("gnome-keyring")),
                     qPrintable(r.message + QLatin1Char('|') + r.hint));
        } else {
            QVERIFY2(r.ok(), qPrintable(r.message));
        }
    }

    void writeReadReplaceDelete()
    {
        if (noKeychainMode())
            QSKIP("no keychain in this run");
        KeychainKeyStore store(m_service);
        const QString profile = QStringLiteral("prod-timbal");
        const QString entry = store.entryKey(profile);

        KeyStoreResult r =
            run([&](auto cb) { store.writeKey(profile, SecretBytes(m_firstKey), this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(secretToolLookup(entry), m_firstKey);
        QCOMPARE(read(store, profile).second, m_firstKey);

        r = run([&](auto cb) { store.writeKey(profile, SecretBytes(m_secondKey), this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(secretToolLookup(entry), m_secondKey);
        QCOMPARE(read(store, profile).second, m_secondKey);

        r = run([&](auto cb) { store.deleteKey(profile, this, cb); });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(secretToolLookup(entry), QByteArray());
        QCOMPARE(read(store, profile).first.status, KeyStoreResult::Status::NotFound);
    }

    void keysAndProfilesLeaveNoKeyMaterialOnDisk()
    {
        if (noKeychainMode())
            QSKIP("no keychain in this run");
        // A profile in the real config location, its key in the real keychain.
        ProfileStore profiles;
        QString error;
        QVERIFY2(profiles.save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error),
                 qPrintable(error));
        QVERIFY2(profiles.fileName().startsWith(qEnvironmentVariable("HOME")),
                 qPrintable(profiles.fileName()));
        KeychainKeyStore store(m_service);
        QVERIFY(run([&](auto cb) {
                    store.writeKey(QStringLiteral("team-a"), SecretBytes(m_firstKey), this, cb);
                }).ok());
        QCOMPARE(secretToolLookup(store.entryKey(QStringLiteral("team-a"))), m_firstKey);

        // Nothing under HOME (config, data, cache, the keyring's own files) holds the key in clear.
        int files = 0;
        QDirIterator it(qEnvironmentVariable("HOME"), QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (!f.open(QIODevice::ReadOnly))
                continue;
            ++files;
            const QByteArray content = f.readAll();
            QVERIFY2(!content.contains(m_firstKey), qPrintable(f.fileName()));
            QVERIFY2(!content.contains(m_firstKey.toBase64()), qPrintable(f.fileName()));
        }
        QVERIFY(files >= 1); // at least the profiles file was written and scanned
        QVERIFY(run([&](auto cb) { store.deleteKey(QStringLiteral("team-a"), this, cb); }).ok());
    }
};

QTEST_GUILESS_MAIN(TestKeychainReal)
#include "tst_keychain_real.moc"
