#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "UiSettings.h"

#include <QSettings>
#include <QSplitter>
#include <QTemporaryDir>
#include <QtTest>

using namespace ca;

// The window's layout survives a normal close, and a close that changed nothing does not rewrite
// ui.ini (each write syncs it to disk).
class TestWindowState : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<ApiKeys> m_keys;

    // Opens a window, lets `change` alter it, closes it as the admin would.
    void openAndClose(const std::function<void(MainWindow&)>& change = {})
    {
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        if (change)
            change(w);
        QVERIFY(w.close());
    }

public:
    // Before QApplication exists: a settings directory of this test's own, so no other GUI test
    // sees (or changes) the layouts written here.
    static void initMain()
    {
        static QTemporaryDir config;
        qputenv("XDG_CONFIG_HOME", config.path().toLocal8Bit());
    }

private slots:
    void init()
    {
        QFile::remove(uiSettings().fileName());
        m_profiles = std::make_unique<ProfileStore>(m_dir.filePath(QStringLiteral("p.conf")));
        m_keys = std::make_unique<ApiKeys>(std::make_unique<MemoryKeyStore>());
    }

    void aChangedLayoutIsSavedOnClose()
    {
        QByteArray state;
        openAndClose([&state](MainWindow& w) {
            auto* splitter = w.findChild<QSplitter*>(QStringLiteral("mainSplitter"));
            QVERIFY(splitter);
            splitter->setSizes({300, 900});
            state = splitter->saveState();
        });
        QVERIFY(!state.isEmpty());
        QCOMPARE(uiSettings().value(QStringLiteral("window/splitter")).toByteArray(), state);

        QByteArray changed;
        openAndClose([&changed](MainWindow& w) {
            auto* splitter = w.findChild<QSplitter*>(QStringLiteral("mainSplitter"));
            splitter->setSizes({900, 300});
            changed = splitter->saveState();
        });
        QVERIFY(changed != state);
        QCOMPARE(uiSettings().value(QStringLiteral("window/splitter")).toByteArray(), changed);
    }

    void anUnchangedLayoutLeavesUiIniAlone()
    {
        MainWindow w(*m_profiles, *m_keys);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.close()); // the first close writes the layout
        // A comment QSettings ignores when reading and drops when writing: it stays only if
        // nothing rewrites the file.
        const QString file = uiSettings().fileName();
        const QByteArray marker = "; not rewritten since\n";
        {
            QFile ini(file);
            QVERIFY2(ini.open(QIODevice::Append), qPrintable(file));
            ini.write(marker);
        }

        // Shown again and closed with nothing changed. (Not a second window: restoring a saved
        // geometry on the offscreen platform moves the window by its fake frame every time.)
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.close());
        QFile after(file);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QVERIFY(after.readAll().endsWith(marker));
    }

    // A window killed mid-save leaves ui.ini.lock empty; the next start must not wait the 30 s
    // after which Qt would take the lock over.
    void anEmptyLockLeftByAKilledWindowDoesNotBlock()
    {
        openAndClose([](MainWindow& w) { w.resize(w.width() + 31, w.height()); });
        QFile lock(uiSettings().fileName() + QStringLiteral(".lock"));
        QVERIFY(lock.open(QIODevice::WriteOnly));
        QVERIFY(lock.setFileTime(QDateTime::currentDateTime().addSecs(-5),
                                 QFileDevice::FileModificationTime));
        lock.close();
        QElapsedTimer clock;
        clock.start();
        openAndClose([](MainWindow& w) { w.resize(w.width() + 17, w.height()); });
        // A hang guard, not a speed check: the lock is taken over after 30 s otherwise.
        QVERIFY2(clock.elapsed() < 15000, "the window waited for the abandoned ui.ini lock");
        QVERIFY(!QFile::exists(lock.fileName()) || lock.size() > 0);
    }
};

QTEST_MAIN(TestWindowState)
#include "tst_window_state.moc"
