#pragma once

#include "Appearance.h"

#include <QDialog>
#include <memory>

namespace Ui {
class PreferencesDialog;
}

namespace ca {

// Auto-refresh, request time-out, appearance and the Timbal dispatch window. Shows what ui.ini
// holds; Ok saves it and announces each value that changed, so the window only connects its
// reactions. Ok is refused while a field holds no acceptable value.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);
    ~PreferencesDialog() override;

    bool isValid() const;

public slots:
    void accept() override;

signals:
    void autoRefreshMinutesChanged(int minutes);
    void timeoutSecondsChanged(int seconds);
    void themeChanged(ca::Theme theme);
    void dispatchWindowMinutesChanged(int minutes);

private:
    void load();
    void updateOkButton();

    std::unique_ptr<Ui::PreferencesDialog> m_ui;
};

} // namespace ca
