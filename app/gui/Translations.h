#pragma once

namespace ca {

// Installs the application's translations: for now the English plural forms ("1 connector",
// "40 connectors" for "%n connector(s)"). Call once after QApplication exists, before windows.
void installTranslations();

} // namespace ca
