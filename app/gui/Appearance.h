#pragma once

#include <QColor>
#include <QString>

class QPalette;

namespace ca {

// The look of the whole application: the platform's own, or Fusion with a light or a dark palette
// (Qt 6.4 on Linux does not follow a desktop's dark mode by itself, so admins can choose).
enum class Theme
{
    System,
    Light,
    Dark
};

Theme themeFromString(const QString& name); // "system" (default), "light", "dark"
QString themeToString(Theme theme);
void applyTheme(Theme theme);
// The platform's style with the app's icon overrides; before the first window (themes keep it).
void installAppStyle();
bool paletteIsDark(const QPalette& palette);
bool applicationIsDark();

// Colours of states (errors, problems, banners) that stay readable on the current palette: every
// style that sets a background also sets the text colour.
namespace tone {
QString errorText();      // style sheet: "color: …;"
QString successText();    // style sheet: "color: …;" (a check that passed)
QString problemField();   // style sheet for a field with invalid input
QString problemSummary(); // style sheet for the list of problems above a form
QString infoBanner(const QString& selector);
QString warningBanner(const QString& selector);
QColor problemBackground(); // table cells with invalid input
QColor problemForeground();
} // namespace tone

} // namespace ca
