#include "Appearance.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "Translations.h"
#include "UiSettings.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMainWindow>
#include <QPalette>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QToolBar>
#include <QToolButton>
#include <QtTest>
#include <cmath>

using namespace ca;

// Light and dark themes: every coloured state stays readable (WCAG contrast), and the choice in
// Preferences applies at once and is remembered.
class TestAppearance : public QObject
{
    Q_OBJECT

    static double luminance(const QColor& c)
    {
        auto channel = [](double v) {
            v /= 255.0;
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue());
    }
    static double contrast(const QColor& a, const QColor& b)
    {
        const double x = luminance(a), y = luminance(b);
        return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
    }
    // The colour of `property` ("color", "background", "background-color") in a style sheet.
    static QColor styleColor(const QString& style, const QString& property)
    {
        const QRegularExpression re(QStringLiteral("(?:^|[;{ ])%1:\\s*(#[0-9a-fA-F]{6})")
                                        .arg(QRegularExpression::escape(property)));
        const auto m = re.match(style);
        return m.hasMatch() ? QColor(m.captured(1)) : QColor();
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void cleanup()
    {
        // Other GUI tests share the test-mode settings: leave no theme behind.
        uiSettings().remove(QStringLiteral("ui/theme"));
        applyTheme(Theme::System);
    }

    void themeNamesRoundTrip()
    {
        for (Theme t : {Theme::System, Theme::Light, Theme::Dark})
            QCOMPARE(themeFromString(themeToString(t)), t);
        QCOMPARE(themeFromString(QStringLiteral("nonsense")), Theme::System);
    }

    void coloursAreReadable_data()
    {
        QTest::addColumn<int>("theme");
        QTest::newRow("light") << int(Theme::Light);
        QTest::newRow("dark") << int(Theme::Dark);
    }
    void coloursAreReadable()
    {
        QFETCH(int, theme);
        applyTheme(Theme(theme));
        const QPalette p = QApplication::palette();
        QCOMPARE(applicationIsDark(), Theme(theme) == Theme::Dark);
        QVERIFY(contrast(p.color(QPalette::Text), p.color(QPalette::Base)) >= 7.0);
        QVERIFY(contrast(p.color(QPalette::WindowText), p.color(QPalette::Window)) >= 7.0);
        QVERIFY(contrast(p.color(QPalette::HighlightedText), p.color(QPalette::Highlight)) >= 4.5);

        // Error text on the window background.
        const QColor error = styleColor(tone::errorText(), QStringLiteral("color"));
        QVERIFY(error.isValid());
        QVERIFY2(contrast(error, p.color(QPalette::Window)) >= 4.5,
                 qPrintable(QString::number(contrast(error, p.color(QPalette::Window)))));
        // Styles that set a background set a readable text colour with it.
        const QStringList styles{tone::problemField(), tone::problemSummary(),
                                 tone::infoBanner(QStringLiteral("#x")),
                                 tone::warningBanner(QStringLiteral("#x"))};
        for (const QString& style : styles) {
            QColor bg = styleColor(style, QStringLiteral("background-color"));
            if (!bg.isValid())
                bg = styleColor(style, QStringLiteral("background"));
            const QColor fg = styleColor(style, QStringLiteral("color"));
            QVERIFY2(bg.isValid() && fg.isValid(), qPrintable(style));
            QVERIFY2(contrast(fg, bg) >= 4.5, qPrintable(style));
        }
        QVERIFY(contrast(tone::problemForeground(), tone::problemBackground()) >= 4.5);
    }

    // The app style draws the toolbar's "more" chevrons itself (Qt's PNG made QIcon load every
    // image-format plugin at start-up): they must still show, in the palette's text colour.
    void toolbarExtensionIconIsDrawn_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("light") << "light";
        QTest::newRow("dark") << "dark";
    }
    void toolbarExtensionIconIsDrawn()
    {
        QFETCH(QString, theme);
        applyTheme(themeFromString(theme));
        for (const auto which : {QStyle::SP_ToolBarHorizontalExtensionButton,
                                 QStyle::SP_ToolBarVerticalExtensionButton}) {
            const QIcon icon = QApplication::style()->standardIcon(which);
            QVERIFY(!icon.isNull());
            for (const int size : {16, 32}) {
                const QImage image = icon.pixmap(size, size).toImage();
                QCOMPARE(image.width(), size);
                int ink = 0;
                for (int y = 0; y < image.height(); ++y)
                    for (int x = 0; x < image.width(); ++x)
                        ink += qAlpha(image.pixel(x, y)) > 128;
                // Two strokes: some pixels, far from all.
                QVERIFY2(ink > size && ink < size * size / 2, qPrintable(QString::number(ink)));
                // Drawn in a colour that reads on the window background.
                const QColor text = QApplication::palette().color(QPalette::ButtonText);
                const QColor window = QApplication::palette().color(QPalette::Window);
                QVERIFY(std::abs(text.lightness() - window.lightness()) > 100);
            }
        }
        // What a toolbar too narrow for its actions shows.
        QMainWindow window;
        QToolBar* bar = window.addToolBar(QStringLiteral("bar"));
        for (int i = 0; i < 30; ++i)
            bar->addAction(QStringLiteral("Action %1").arg(i));
        window.resize(300, 120);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* more = bar->findChild<QToolButton*>(QStringLiteral("qt_toolbar_ext_button"));
        QVERIFY(more);
        QTRY_VERIFY(more->isVisible());
        QVERIFY(!more->icon().isNull());
        if (const QString dir = qEnvironmentVariable("CA_SCREENSHOT_DIR"); !dir.isEmpty())
            window.grab().save(dir + QStringLiteral("/toolbar-extension-%1.png").arg(theme));
    }

    void pluralsReadNaturally()
    {
        auto text = [](const char* context, const char* source, int n) {
            return QCoreApplication::translate(context, source, nullptr, n);
        };
        QCOMPARE(text("ca::MainWindow", "%n connector(s)", 40), QStringLiteral("40 connector(s)"));
        installTranslations();
        QCOMPARE(text("ca::MainWindow", "%n connector(s)", 1), QStringLiteral("1 connector"));
        QCOMPARE(text("ca::MainWindow", "%n connector(s)", 40), QStringLiteral("40 connectors"));
        QCOMPARE(text("ca::HistoryDialog", "%n damaged line(s) of the audit log were skipped.", 1),
                 QStringLiteral("1 damaged line of the audit log was skipped."));
        QCOMPARE(text("ca::HistoryDialog", "%n damaged line(s) of the audit log were skipped.", 3),
                 QStringLiteral("3 damaged lines of the audit log were skipped."));
    }

    void preferencesSwitchTheThemeAndRememberIt()
    {
        QTemporaryDir dir;
        ProfileStore profiles(dir.filePath(QStringLiteral("p.conf")));
        ApiKeys keys(std::make_unique<MemoryKeyStore>());
        {
            MainWindow w(profiles, keys);
            w.show();
            QAction* prefs = w.findChild<QAction*>(QStringLiteral("preferencesAction"));
            QVERIFY(prefs);
            prefs->trigger();
            auto* dialog = w.findChild<QDialog*>(QStringLiteral("preferencesDialog"));
            QVERIFY(dialog);
            auto* combo = dialog->findChild<QComboBox*>(QStringLiteral("themeCombo"));
            QVERIFY(combo);
            combo->setCurrentIndex(int(Theme::Dark));
            dialog->accept();
            QVERIFY(applicationIsDark());
        }
        applyTheme(Theme::Light);
        QVERIFY(!applicationIsDark());
        QCOMPARE(uiSettings().value(QStringLiteral("ui/theme")).toString(), QStringLiteral("dark"));
        MainWindow again(profiles, keys); // a restart: the saved choice applies
        QVERIFY(applicationIsDark());
    }
};

QTEST_MAIN(TestAppearance)
#include "tst_appearance.moc"
