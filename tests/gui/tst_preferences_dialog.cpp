#include "Appearance.h"
#include "ConnectorCatalog.h"
#include "HttpClient.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "PreferencesDialog.h"
#include "UiSettings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace ca;

// Preferences read and write ui.ini through the typed settings, announce only what changed, and
// refuse what a field cannot hold.
class TestPreferencesDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    ProfileStore m_profiles{m_dir.filePath(QStringLiteral("p.conf"))}; // empty: nothing loads
    ApiKeys m_keys{std::make_unique<MemoryKeyStore>()};

    template <typename T> static T* field(QWidget* dialog, const char* name)
    {
        T* w = dialog->findChild<T*>(QLatin1String(name));
        if (!w)
            qWarning("no field %s", name);
        return w;
    }
    static QPushButton* okButton(QWidget* dialog)
    {
        return field<QDialogButtonBox>(dialog, "buttonBox")->button(QDialogButtonBox::Ok);
    }
    // What the fields show: auto-refresh minutes, time-out seconds, dispatch window minutes, theme.
    static QList<int> shown(QWidget* dialog)
    {
        return {field<QSpinBox>(dialog, "autoRefreshSpin")->value(),
                field<QSpinBox>(dialog, "timeoutSpin")->value(),
                field<QSpinBox>(dialog, "dispatchWindowSpin")->value(),
                field<QComboBox>(dialog, "themeCombo")->currentIndex()};
    }
    // The same, as stored (the theme by name).
    static std::pair<QList<int>, QString> stored()
    {
        const UiSettings s;
        return {{s.value(Setting::AutoRefreshMinutes).toInt(),
                 s.value(Setting::NetworkTimeoutSeconds).toInt(),
                 s.value(Setting::TimbalDispatchWindowMinutes).toInt()},
                s.value(Setting::Theme).toString()};
    }
    // Types `text` into the spin box `name` in place of what it shows.
    static void retype(QWidget* dialog, const char* name, const QString& text)
    {
        auto* spin = field<QSpinBox>(dialog, name);
        spin->setFocus();
        spin->selectAll();
        QTest::keyClick(spin, Qt::Key_Delete);
        QTest::keyClicks(spin, text);
    }

public:
    // Before QApplication exists: a settings directory of this test's own, so no other GUI test
    // sees (or changes) the preferences written here.
    static void initMain()
    {
        static QTemporaryDir config;
        qputenv("XDG_CONFIG_HOME", config.path().toLocal8Bit());
    }

private slots:
    void init() { QFile::remove(uiSettings().fileName()); }

    // Renaming a key would lose every admin's stored choice.
    void keysKeepTheirNamesInUiIni()
    {
        const QList<std::pair<Setting, const char*>> names{
            {Setting::AutoRefreshMinutes, "refresh/minutes"},
            {Setting::NetworkTimeoutSeconds, "network/timeoutSeconds"},
            {Setting::Theme, "ui/theme"},
            {Setting::TimbalDispatchWindowMinutes, "timbal/dispatchWindowMinutes"},
            {Setting::WindowGeometry, "window/geometry"},
            {Setting::WindowState, "window/state"},
            {Setting::WindowSplitter, "window/splitter"},
            {Setting::WindowColumns, "window/columns"}};
        for (const auto& [setting, key] : names) {
            QCOMPARE(UiSettings::key(setting), QLatin1String(key));
            UiSettings().setValue(setting, QStringLiteral("x"));
            QCOMPARE(uiSettings().value(QLatin1String(key)).toString(), QStringLiteral("x"));
        }
    }

    void unsetPreferencesShowTheirDefaults()
    {
        PreferencesDialog dialog;
        QCOMPARE(dialog.objectName(), QStringLiteral("preferencesDialog"));
        QCOMPARE(shown(&dialog), (QList<int>{0, 30, 15, int(Theme::System)}));
        QCOMPARE(stored().second, QString()); // never chosen: the platform's style
    }

    void storedPreferencesAreShown()
    {
        {
            UiSettings s;
            s.setValue(Setting::AutoRefreshMinutes, 5);
            s.setValue(Setting::NetworkTimeoutSeconds, 90);
            s.setValue(Setting::TimbalDispatchWindowMinutes, 0);
            s.setValue(Setting::Theme, QStringLiteral("dark"));
        }
        PreferencesDialog dialog;
        QCOMPARE(shown(&dialog), (QList<int>{5, 90, 0, int(Theme::Dark)}));
    }

    void okSavesWhatWasEnteredAndTheNextDialogShowsIt()
    {
        {
            PreferencesDialog dialog;
            dialog.show();
            retype(&dialog, "autoRefreshSpin", QStringLiteral("12"));
            retype(&dialog, "timeoutSpin", QStringLiteral("45"));
            retype(&dialog, "dispatchWindowSpin", QStringLiteral("60"));
            field<QComboBox>(&dialog, "themeCombo")->setCurrentIndex(int(Theme::Light));
            QTest::mouseClick(okButton(&dialog), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        QCOMPARE(stored(), std::make_pair(QList<int>{12, 45, 60}, QStringLiteral("light")));
        PreferencesDialog again;
        QCOMPARE(shown(&again), (QList<int>{12, 45, 60, int(Theme::Light)}));
    }

    void cancelSavesAndAnnouncesNothing()
    {
        PreferencesDialog dialog;
        QSignalSpy refresh(&dialog, &PreferencesDialog::autoRefreshMinutesChanged);
        QSignalSpy timeout(&dialog, &PreferencesDialog::timeoutSecondsChanged);
        dialog.show();
        retype(&dialog, "autoRefreshSpin", QStringLiteral("7"));
        retype(&dialog, "timeoutSpin", QStringLiteral("8"));
        dialog.reject();
        QCOMPARE(refresh.count() + timeout.count(), 0);
        QCOMPARE(stored().first, (QList<int>{0, 30, 15}));
    }

    // Each change is announced once, with its new value; what stayed the same is not.
    void okAnnouncesOnlyWhatChanged_data()
    {
        QTest::addColumn<QString>("spin"); // empty: the theme is set to dark
        QTest::addColumn<int>("typed");
        QTest::addColumn<QString>("announced"); // the spy that must see it, or none
        QTest::newRow("nothing") << "timeoutSpin" << 30 << QString();
        QTest::newRow("auto-refresh") << "autoRefreshSpin" << 10 << "refresh";
        QTest::newRow("time-out") << "timeoutSpin" << 120 << "timeout";
        QTest::newRow("dispatch window") << "dispatchWindowSpin" << 30 << "window";
        QTest::newRow("theme") << QString() << 0 << "theme";
    }
    void okAnnouncesOnlyWhatChanged()
    {
        QFETCH(QString, spin);
        QFETCH(int, typed);
        QFETCH(QString, announced);
        UiSettings().setValue(Setting::Theme, QStringLiteral("system"));
        PreferencesDialog dialog;
        QSignalSpy refresh(&dialog, &PreferencesDialog::autoRefreshMinutesChanged);
        QSignalSpy timeout(&dialog, &PreferencesDialog::timeoutSecondsChanged);
        QSignalSpy theme(&dialog, &PreferencesDialog::themeChanged);
        QSignalSpy window(&dialog, &PreferencesDialog::dispatchWindowMinutesChanged);
        const QList<std::pair<QString, QSignalSpy*>> spies{{QStringLiteral("refresh"), &refresh},
                                                           {QStringLiteral("timeout"), &timeout},
                                                           {QStringLiteral("theme"), &theme},
                                                           {QStringLiteral("window"), &window}};
        dialog.show();
        if (spin.isEmpty())
            field<QComboBox>(&dialog, "themeCombo")->setCurrentIndex(int(Theme::Dark));
        else
            retype(&dialog, qPrintable(spin), QString::number(typed));
        dialog.accept();
        for (const auto& [name, spy] : spies)
            QCOMPARE(spy->count(), name == announced ? 1 : 0);
        for (QSignalSpy* spy : {&refresh, &timeout, &window}) {
            if (!spy->isEmpty())
                QCOMPARE(spy->first().first().toInt(), typed);
        }
        if (!theme.isEmpty())
            QCOMPARE(theme.first().first().value<Theme>(), Theme::Dark);
    }

    // Ok stores the theme the combo shows, also when none had been chosen before.
    void theFirstOkChoosesTheShownTheme()
    {
        PreferencesDialog dialog;
        QSignalSpy theme(&dialog, &PreferencesDialog::themeChanged);
        dialog.accept();
        QCOMPARE(theme.count(), 1);
        QCOMPARE(theme.first().first().value<Theme>(), Theme::System);
        QCOMPARE(stored().second, QStringLiteral("system"));
    }

    // A spin box takes no keystroke that cannot make a value in its range.
    void keystrokesOutsideTheRangeAreRefused_data()
    {
        QTest::addColumn<QString>("spin");
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("typed");
        QTest::newRow("time-out above 600 s") << "timeoutSpin" << 600 << "6000";
        QTest::newRow("time-out, letters") << "timeoutSpin" << 45 << "4x5";
        QTest::newRow("time-out, negative") << "timeoutSpin" << 5 << "-5";
        QTest::newRow("auto-refresh above a day") << "autoRefreshSpin" << 999 << "99999";
        QTest::newRow("dispatch window above a day") << "dispatchWindowSpin" << 1440 << "14400";
    }
    void keystrokesOutsideTheRangeAreRefused()
    {
        QFETCH(QString, spin);
        QFETCH(int, value);
        QFETCH(QString, typed);
        PreferencesDialog dialog;
        dialog.show();
        retype(&dialog, qPrintable(spin), typed);
        QCOMPARE(field<QSpinBox>(&dialog, qPrintable(spin))->value(), value);
        QVERIFY(dialog.isValid());
    }

    void anEmptiedFieldBlocksOk()
    {
        PreferencesDialog dialog;
        QSignalSpy timeout(&dialog, &PreferencesDialog::timeoutSecondsChanged);
        dialog.show();
        retype(&dialog, "timeoutSpin", QString());
        QVERIFY(!dialog.isValid());
        QVERIFY(!okButton(&dialog)->isEnabled());
        dialog.accept(); // as a default button would
        QVERIFY(dialog.isVisible());
        QCOMPARE(timeout.count(), 0);
        QVERIFY(!uiSettings().contains(UiSettings::key(Setting::NetworkTimeoutSeconds)));
        retype(&dialog, "timeoutSpin", QStringLiteral("20"));
        QVERIFY(okButton(&dialog)->isEnabled());
    }

    // The window's reactions: the time-out applies to the catalog's requests at once. No modal
    // loop runs: the dialog is open when showPreferences returns.
    void theWindowAppliesANewTimeout()
    {
        MainWindow w(m_profiles, m_keys);
        w.showPreferences();
        auto* dialog = w.findChild<PreferencesDialog*>();
        QVERIFY(dialog && dialog->isVisible());
        retype(dialog, "timeoutSpin", QStringLiteral("7"));
        QTest::mouseClick(okButton(dialog), Qt::LeftButton);
        QCOMPARE(w.catalog()->http()->options().transferTimeoutMs, 7000);
    }
};

QTEST_MAIN(TestPreferencesDialog)
#include "tst_preferences_dialog.moc"
