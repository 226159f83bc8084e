#include "PreferencesDialog.h"

#include "Appearance.h"
#include "UiSettings.h"
#include "ui_PreferencesDialog.h"

#include <QLineEdit>
#include <QPushButton>

namespace ca {

PreferencesDialog::PreferencesDialog(QWidget* parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::PreferencesDialog>())
{
    m_ui->setupUi(this);
    setObjectName(QStringLiteral("preferencesDialog"));
    load();
    // The editor's text, not the spin box's: QSpinBox::textChanged only follows acceptable text.
    for (QSpinBox* spin : {m_ui->autoRefreshSpin, m_ui->timeoutSpin, m_ui->dispatchWindowSpin})
        connect(spin->findChild<QLineEdit*>(), &QLineEdit::textChanged, this,
                &PreferencesDialog::updateOkButton);
    updateOkButton();
}

PreferencesDialog::~PreferencesDialog() = default;

void PreferencesDialog::load()
{
    const UiSettings s;
    // Out-of-range values (an edited ui.ini) are clamped by the fields.
    m_ui->autoRefreshSpin->setValue(s.value(Setting::AutoRefreshMinutes).toInt());
    m_ui->timeoutSpin->setValue(s.value(Setting::NetworkTimeoutSeconds).toInt());
    m_ui->dispatchWindowSpin->setValue(s.value(Setting::TimbalDispatchWindowMinutes).toInt());
    // Combo rows follow the Theme enum: system, light, dark.
    m_ui->themeCombo->setCurrentIndex(int(themeFromString(s.value(Setting::Theme).toString())));
}

bool PreferencesDialog::isValid() const
{
    // A spin box refuses keystrokes that cannot become valid; an emptied field is only
    // "intermediate", and must not be saved as its last value behind the admin's back.
    return m_ui->autoRefreshSpin->hasAcceptableInput() && m_ui->timeoutSpin->hasAcceptableInput() &&
           m_ui->dispatchWindowSpin->hasAcceptableInput();
}

void PreferencesDialog::updateOkButton()
{
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(isValid());
}

void PreferencesDialog::accept()
{
    if (!isValid())
        return;
    const int minutes = m_ui->autoRefreshSpin->value();
    const int seconds = m_ui->timeoutSpin->value();
    const int window = m_ui->dispatchWindowSpin->value();
    const Theme theme = Theme(m_ui->themeCombo->currentIndex());
    int oldMinutes, oldSeconds, oldWindow;
    bool themeChosen;
    {
        UiSettings s;
        oldMinutes = s.value(Setting::AutoRefreshMinutes).toInt();
        oldSeconds = s.value(Setting::NetworkTimeoutSeconds).toInt();
        oldWindow = s.value(Setting::TimbalDispatchWindowMinutes).toInt();
        // Never chosen (unset) is not "system": the first Ok stores what the combo shows.
        themeChosen = themeToString(theme) != s.value(Setting::Theme).toString();
        s.setValue(Setting::AutoRefreshMinutes, minutes);
        s.setValue(Setting::NetworkTimeoutSeconds, seconds);
        s.setValue(Setting::TimbalDispatchWindowMinutes, window);
        if (themeChosen)
            s.setValue(Setting::Theme, themeToString(theme));
        // In ui.ini before anyone reacts; when it cannot be written, the dialog stays open with
        // what was typed, and says why.
        QString error;
        if (!s.save(&error)) {
            m_ui->saveErrorLabel->setText(tr("The preferences were not saved: %1").arg(error));
            m_ui->saveErrorLabel->setStyleSheet(tone::errorText());
            m_ui->saveErrorLabel->setVisible(true);
            return;
        }
    }
    if (minutes != oldMinutes)
        emit autoRefreshMinutesChanged(minutes);
    if (seconds != oldSeconds)
        emit timeoutSecondsChanged(seconds);
    if (themeChosen)
        emit themeChanged(theme);
    if (window != oldWindow)
        emit dispatchWindowMinutesChanged(window);
    QDialog::accept();
}

} // namespace ca
