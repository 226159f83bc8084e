#include "Translations.h"

#include <QCoreApplication>
#include <QTranslator>

namespace ca {

void installTranslations()
{
    // Any language without its own translation shows the English source strings, so the English
    // plural forms apply whatever the locale.
    auto* plurals = new QTranslator(QCoreApplication::instance());
    if (plurals->load(QStringLiteral(":/i18n/connector-admin_en.qm")))
        QCoreApplication::installTranslator(plurals);
    else
        delete plurals;
}

} // namespace ca
