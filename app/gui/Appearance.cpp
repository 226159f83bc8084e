#include "Appearance.h"

#include <QApplication>
#include <QIcon>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QPolygonF>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>

namespace ca {

namespace {

// "More items" chevrons drawn with QPainter when shown, at any size and scale, in the palette's
// text colour: no file, no image or SVG plugin.
class ChevronIconEngine : public QIconEngine
{
public:
    explicit ChevronIconEngine(Qt::Orientation orientation) : m_orientation(orientation) {}

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State) override
    {
        const QPalette palette = QApplication::palette();
        QColor color = palette.color(
            mode == QIcon::Disabled ? QPalette::Disabled : QPalette::Active, QPalette::ButtonText);
        color.setAlphaF(0.75);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const qreal unit = qMin(rect.width(), rect.height()) / 16.0;
        painter->translate(rect.center() - QPointF(8 * unit, 8 * unit) + QPointF(0.5, 0.5));
        painter->scale(unit, unit);
        if (m_orientation == Qt::Vertical) {
            painter->translate(16, 0);
            painter->rotate(90);
        }
        painter->setPen(QPen(color, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        for (const qreal x : {3.0, 8.0})
            painter->drawPolyline(QPolygonF{{x, 4}, {x + 4, 8}, {x, 12}});
        painter->restore();
    }

    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pixmap(size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        paint(&painter, QRect(QPoint(0, 0), size), mode, state);
        return pixmap;
    }

    QIconEngine* clone() const override { return new ChevronIconEngine(m_orientation); }

private:
    Qt::Orientation m_orientation;
};

// The platform's or Fusion's style with our own toolbar-extension icons. Every QToolBar makes a
// hidden extension button, and Qt's icon for it is a PNG that QIcon probes with every image-format
// plugin (gif, ico, jpeg, svg and libjpeg loaded before the first paint, for a button that is
// rarely shown).
class AppStyle : public QProxyStyle
{
public:
    explicit AppStyle(const QString& baseStyle) : QProxyStyle(QStyleFactory::create(baseStyle)) {}

    QIcon standardIcon(StandardPixmap icon, const QStyleOption* option,
                       const QWidget* widget) const override
    {
        if (icon == SP_ToolBarHorizontalExtensionButton)
            return QIcon(new ChevronIconEngine(Qt::Horizontal));
        if (icon == SP_ToolBarVerticalExtensionButton)
            return QIcon(new ChevronIconEngine(Qt::Vertical));
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
    // platformLook() records what "system" means before the style is replaced.
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

QString successText()
{
    return applicationIsDark() ? QStringLiteral("color: #7ee2a8;")
                               : QStringLiteral("color: #1b6e3a;");
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
