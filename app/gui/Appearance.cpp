#include "Appearance.h"

#include <QApplication>
#include <QIcon>
#include <QPalette>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>

namespace ca {

namespace {

// The platform's or Fusion's style with our own toolbar-extension icons: Qt's are PNGs, and
// QIcon probes a PNG with every image-format plugin (gif, ico, jpeg, … loaded at start-up for
// the one hidden extension button every QToolBar makes). Ours are SVGs, read by the SVG engine.
class AppStyle : public QProxyStyle
{
public:
    explicit AppStyle(const QString& baseStyle) : QProxyStyle(QStyleFactory::create(baseStyle)) {}

    QIcon standardIcon(StandardPixmap icon, const QStyleOption* option,
                       const QWidget* widget) const override
    {
        if (icon == SP_ToolBarHorizontalExtensionButton)
            return QIcon(QStringLiteral(":/icons/toolbar-extension-h.svg"));
        if (icon == SP_ToolBarVerticalExtensionButton)
            return QIcon(QStringLiteral(":/icons/toolbar-extension-v.svg"));
        return QProxyStyle::standardIcon(icon, option, widget);
    }
};

struct PlatformLook
{
    QString styleName;
    QPalette palette;
};

// What the application looked like before any theme was applied: "system" goes back to it.
const PlatformLook& platformLook()
{
    static const PlatformLook look{QApplication::style()->name(), QApplication::palette()};
    return look;
}

QPalette darkPalette()
{
    // Contrast checked in screenshots: text #e6e6e6 on #2b2b2b, highlight #2f65ca.
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2b), base(0x1e, 0x1e, 0x1e), text(0xe6, 0xe6, 0xe6);
    const QColor disabledText(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3a));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6e, 0x6e));
    p.setColor(QPalette::Link, QColor(0x7a, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    p.setColor(QPalette::Midlight, QColor(0x3e, 0x3e, 0x3e));
    p.setColor(QPalette::Mid, QColor(0x30, 0x30, 0x30));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabledText);
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x50, 0x50));
    return p;
}

} // namespace

Theme themeFromString(const QString& name)
{
    if (name == QLatin1String("dark"))
        return Theme::Dark;
    if (name == QLatin1String("light"))
        return Theme::Light;
    return Theme::System;
}

QString themeToString(Theme theme)
{
    switch (theme) {
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

void applyTheme(Theme theme)
{
    const PlatformLook& platform = platformLook();
    switch (theme) {
    case Theme::System:
        QApplication::setStyle(new AppStyle(platform.styleName));
        QApplication::setPalette(platform.palette);
        break;
    case Theme::Light: {
        QApplication::setStyle(new AppStyle(QStringLiteral("Fusion")));
        QPalette p = QApplication::style()->standardPalette();
        // Fusion's own highlight (#308cc6) under white text is below WCAG's 4.5:1.
        p.setColor(QPalette::Active, QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
        p.setColor(QPalette::Inactive, QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
        QApplication::setPalette(p);
        break;
    }
    case Theme::Dark:
        QApplication::setStyle(new AppStyle(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    }
}

void installAppStyle()
{
    platformLook(); // what "system" means, before the style is replaced
    QApplication::setStyle(new AppStyle(platformLook().styleName));
}

bool paletteIsDark(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

bool applicationIsDark()
{
    return paletteIsDark(QApplication::palette());
}

namespace tone {

QString errorText()
{
    return applicationIsDark() ? QStringLiteral("color: #ff8a80;")
                               : QStringLiteral("color: #b3261e;");
}

QString problemField()
{
    return applicationIsDark() ? QStringLiteral("background-color: #5c1f1f; color: #ffdad6;")
                               : QStringLiteral("background-color: #ffcdd2; color: #3b0a07;");
}

QString problemSummary()
{
    return applicationIsDark()
               ? QStringLiteral("background: #3d1716; color: #ffdad6; border: 1px solid #e57373; "
                                "padding: 4px;")
               : QStringLiteral("background: #fdecea; color: #611a15; border: 1px solid #e57373; "
                                "padding: 4px;");
}

QString infoBanner(const QString& selector)
{
    return selector + (applicationIsDark()
                           ? QStringLiteral(" { background: #17324d; color: #d6e8ff; }")
                           : QStringLiteral(" { background: #e7f1ff; color: #0b2e59; }"));
}

QString warningBanner(const QString& selector)
{
    return selector + (applicationIsDark()
                           ? QStringLiteral(" { background: #4a3b00; color: #ffe8a3; }")
                           : QStringLiteral(" { background: #fff3cd; color: #5c4400; }"));
}

QColor problemBackground()
{
    return applicationIsDark() ? QColor(0x5c, 0x1f, 0x1f) : QColor(0xff, 0xeb, 0xee);
}

QColor problemForeground()
{
    return applicationIsDark() ? QColor(0xff, 0xda, 0xd6) : QColor(0x3b, 0x0a, 0x07);
}

} // namespace tone

} // namespace ca
