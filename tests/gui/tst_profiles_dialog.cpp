#include "ApiKeys.h"
#include "KeyEntryDialog.h"
#include "MemoryKeyStore.h"
#include "ProfilesDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

using namespace ca;

// Drives the real profiles dialog through its widgets (found by objectName), offscreen.
class TestProfilesDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ProfileStore> m_store;
    MemoryKeyStore* m_backing = nullptr;
    std::unique_ptr<ApiKeys> m_keys;
    QList<QString> m_tested;

    template <typename T> static T* child(QWidget* parent, const char* name)
    {
        T* w = parent->findChild<T*>(QLatin1String(name));
        if (!w)
            qWarning("no child %s", name);
        return w;
    }

    std::unique_ptr<ProfilesDialog> makeDialog(bool keychainAvailable = true)
    {
        auto dialog = std::make_unique<ProfilesDialog>(
            *m_store, *m_keys,
            [this](const Profile& p, QObject* ctx, std::function<void(bool, const QString&)> done) {
                m_tested.append(p.name);
                QTimer::singleShot(0, ctx, [done, p] {
                    done(true, QStringLiteral("Connected: 3 connectors in %1").arg(p.name));
                });
            });
        dialog->setKeychainAvailable(keychainAvailable);
        dialog->show();
        return dialog;
    }

    // Fills the key dialog that the "Set key…" button opened, and accepts it.
    static void enterKey(QWidget* parent, const QString& key, bool* sessionOfferShown = nullptr)
    {
        KeyEntryDialog* keyDialog = nullptr;
        QTRY_VERIFY((keyDialog = parent->findChild<KeyEntryDialog*>()) && keyDialog->isVisible());
        auto* edit = keyDialog->findChild<QLineEdit*>(QStringLiteral("keyEdit"));
        QCOMPARE(edit->text(), QString()); // never pre-filled
        QCOMPARE(edit->echoMode(), QLineEdit::Password);
        if (sessionOfferShown)
            *sessionOfferShown =
                keyDialog->findChild<QCheckBox*>(QStringLiteral("sessionOnlyCheck"))
                    ->isVisibleTo(keyDialog);
        QTest::keyClicks(edit, key);
        keyDialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    }

    bool storedKeyIs(const QString& profile, const QByteArray& expected)
    {
        bool done = false;
        QByteArray got;
        m_keys->persistent().readKey(profile, this,
                                     [&](const KeyStoreResult&, const SecretBytes& k) {
                                         got = k.bytes();
                                         done = true;
                                     });
        return QTest::qWaitFor([&] { return done; }, 2000) && got == expected;
    }

private slots:
    void init()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("p.conf")));
        m_store = std::make_unique<ProfileStore>(m_dir.filePath(QStringLiteral("p.conf")));
        auto backing = std::make_unique<MemoryKeyStore>();
        m_backing = backing.get();
        m_keys = std::make_unique<ApiKeys>(std::move(backing));
        m_tested.clear();
    }

    void invalidInputIsFlaggedAndSaveStaysDisabledUntilFixed()
    {
        auto dialog = makeDialog();
        auto* name = child<QLineEdit>(dialog.get(), "nameEdit");
        auto* vendor = child<QComboBox>(dialog.get(), "vendorCombo");
        auto* org = child<QLineEdit>(dialog.get(), "orgEdit");
        auto* url = child<QLineEdit>(dialog.get(), "baseUrlEdit");
        auto* save = child<QPushButton>(dialog.get(), "saveButton");
        auto* problems = child<QLabel>(dialog.get(), "validationLabel");

        QTest::keyClicks(name, QStringLiteral("timbal-prod"));
        vendor->setCurrentIndex(vendor->findData(QStringLiteral("timbal")));
        QVERIFY(!save->isEnabled());
        QVERIFY(problems->text().contains(QStringLiteral("organization id")));
        QVERIFY(org->property("invalid").toBool());

        QTest::keyClicks(org, QStringLiteral("org_1"));
        QTest::keyClicks(url, QStringLiteral("http://api.timbal.ai"));
        QVERIFY(!save->isEnabled());
        QVERIFY(problems->text().contains(QStringLiteral("https://")));
        QVERIFY(url->property("invalid").toBool());

        url->clear();
        QTest::keyClicks(url, QStringLiteral("https://api.dev.timbal.ai"));
        QVERIFY(save->isEnabled());
        QVERIFY(!url->property("invalid").toBool());
        QTest::mouseClick(save, Qt::LeftButton);

        const auto stored = m_store->find(QStringLiteral("timbal-prod"));
        QVERIFY(stored.has_value());
        QCOMPARE(stored->orgId, QStringLiteral("org_1"));
        QCOMPARE(stored->baseUrl, QUrl(QStringLiteral("https://api.dev.timbal.ai")));
        QCOMPARE(child<QListWidget>(dialog.get(), "profileList")->count(), 1);
    }

    void setThenReplaceKeyNeverShowsIt()
    {
        QString error;
        QVERIFY(m_store->save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error));
        auto dialog = makeDialog();
        auto* status = child<QLabel>(dialog.get(), "keyStatusLabel");
        QTRY_COMPARE(status->text(), QStringLiteral("not set"));

        bool sessionOffered = true;
        QTest::mouseClick(child<QPushButton>(dialog.get(), "setKeyButton"), Qt::LeftButton);
        enterKey(dialog.get(), QStringLiteral("first-key-123"), &sessionOffered);
        QVERIFY(!sessionOffered); // the keychain works: no session-only shortcut
        QTRY_COMPARE(status->text(), QStringLiteral("stored in the keychain"));
        QVERIFY(storedKeyIs(QStringLiteral("team-a"), "first-key-123"));

        QTRY_COMPARE(child<QPushButton>(dialog.get(), "setKeyButton")->text(),
                     QStringLiteral("Replace &key…"));
        QTest::mouseClick(child<QPushButton>(dialog.get(), "setKeyButton"), Qt::LeftButton);
        enterKey(dialog.get(), QStringLiteral("second-key-456"));
        QTRY_VERIFY(storedKeyIs(QStringLiteral("team-a"), "second-key-456"));

        // No widget of the dialog holds either key as text.
        for (QLineEdit* e : dialog->findChildren<QLineEdit*>())
            QVERIFY(!e->text().contains(QStringLiteral("-key-")));
        for (QLabel* l : dialog->findChildren<QLabel*>())
            QVERIFY2(!l->text().contains(QStringLiteral("-key-")), qPrintable(l->text()));
    }

    void unavailableKeychainOffersASessionOnlyKey()
    {
        QString error;
        QVERIFY(m_store->save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error));
        m_backing->setUnavailable(true);
        auto dialog = makeDialog(false);
        auto* status = child<QLabel>(dialog.get(), "keyStatusLabel");
        QTRY_VERIFY(status->text().startsWith(QStringLiteral("keychain unavailable")));
        bool sessionOffered = false;
        QTest::mouseClick(child<QPushButton>(dialog.get(), "setKeyButton"), Qt::LeftButton);
        enterKey(dialog.get(), QStringLiteral("session-key-789"), &sessionOffered);
        QVERIFY(sessionOffered);
        QTRY_COMPARE(status->text(), QStringLiteral("set for this session only"));
        QVERIFY(m_keys->hasSessionKey(QStringLiteral("team-a")));
        m_backing->setUnavailable(false);
        QVERIFY(!m_backing->contains(QStringLiteral("team-a")));
    }

    void testConnectionShowsTheResult()
    {
        QString error;
        QVERIFY(m_store->save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error));
        m_backing->store(QStringLiteral("team-a"), SecretBytes("k"));
        auto dialog = makeDialog();
        auto* test = child<QPushButton>(dialog.get(), "testButton");
        QTRY_VERIFY(test->isEnabled());
        QTest::mouseClick(test, Qt::LeftButton);
        QTRY_COMPARE(child<QLabel>(dialog.get(), "resultLabel")->text(),
                     QStringLiteral("Connected: 3 connectors in team-a"));
        QCOMPARE(m_tested, QList<QString>{QStringLiteral("team-a")});
    }

    void testConnectionNeedsAKey()
    {
        QString error;
        QVERIFY(m_store->save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error));
        auto dialog = makeDialog();
        QTRY_COMPARE(child<QLabel>(dialog.get(), "keyStatusLabel")->text(),
                     QStringLiteral("not set"));
        QVERIFY(!child<QPushButton>(dialog.get(), "testButton")->isEnabled());
    }

    void removingAProfileRemovesItsKey()
    {
        QString error;
        QVERIFY(m_store->save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error));
        QVERIFY(m_store->save({QStringLiteral("team-b"), Vendor::Databar, {}, {}, {}}, &error));
        m_backing->store(QStringLiteral("team-a"), SecretBytes("ka"));
        m_backing->store(QStringLiteral("team-b"), SecretBytes("kb"));
        auto dialog = makeDialog();
        QCOMPARE(child<QLineEdit>(dialog.get(), "nameEdit")->text(), QStringLiteral("team-a"));
        QTest::mouseClick(child<QPushButton>(dialog.get(), "removeButton"), Qt::LeftButton);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = dialog->findChild<QMessageBox*>(QStringLiteral("confirmRemoveBox"))));
        box->button(QMessageBox::Yes)->click();
        QTRY_VERIFY(!m_store->find(QStringLiteral("team-a")));
        QVERIFY(!m_backing->contains(QStringLiteral("team-a")));
        QVERIFY(m_backing->contains(QStringLiteral("team-b")));
        QVERIFY(m_store->find(QStringLiteral("team-b")));
    }

    void exportThenImportThroughTheDialogCarriesNoKey()
    {
        QString error;
        QVERIFY(m_store->save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error));
        m_backing->store(QStringLiteral("team-a"), SecretBytes("ka-secret-123"));
        auto dialog = makeDialog();
        const QString file = m_dir.filePath(QStringLiteral("export.json"));
        QVERIFY(dialog->exportTo(file));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        QVERIFY(content.contains("team-a"));
        QVERIFY(!content.contains("ka-secret-123"));

        QVERIFY(m_store->remove(QStringLiteral("team-a")));
        QVERIFY(dialog->importFrom(file));
        QVERIFY(m_store->find(QStringLiteral("team-a")));
        QCOMPARE(child<QListWidget>(dialog.get(), "profileList")->count(), 1);
    }

    void importOfABadFileSaysWhyAndChangesNothing()
    {
        const QString file = m_dir.filePath(QStringLiteral("bad.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"profiles\":[{\"name\":\"x\",\"vendor\":\"acme\"}]}");
        f.close();
        auto dialog = makeDialog();
        QVERIFY(!dialog->importFrom(file));
        QVERIFY(child<QLabel>(dialog.get(), "resultLabel")
                    ->text()
                    .contains(QStringLiteral("unknown vendor")));
        QVERIFY(m_store->profiles().isEmpty());
    }

    void cancellingRemovalKeepsEverything()
    {
        QString error;
        QVERIFY(m_store->save({QStringLiteral("team-a"), Vendor::Databar, {}, {}, {}}, &error));
        m_backing->store(QStringLiteral("team-a"), SecretBytes("ka"));
        auto dialog = makeDialog();
        QTest::mouseClick(child<QPushButton>(dialog.get(), "removeButton"), Qt::LeftButton);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = dialog->findChild<QMessageBox*>(QStringLiteral("confirmRemoveBox"))));
        box->button(QMessageBox::Cancel)->click();
        QTest::qWait(50);
        QVERIFY(m_store->find(QStringLiteral("team-a")));
        QVERIFY(m_backing->contains(QStringLiteral("team-a")));
    }
};

QTEST_MAIN(TestProfilesDialog)
#include "tst_profiles_dialog.moc"
