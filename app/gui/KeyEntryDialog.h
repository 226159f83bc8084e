#pragma once

#include "SecretBytes.h"

#include <QDialog>
#include <memory>

namespace Ui {
class KeyEntryDialog;
}

namespace ca {

// Asks for a new API key: masked entry, never pre-filled with the old one. The key is taken out of
// the line edit on accept and the edit is cleared, so it lives in one SecretBytes only.
class KeyEntryDialog : public QDialog
{
    Q_OBJECT
public:
    KeyEntryDialog(const QString& profileName, bool replacing, bool offerSessionOnly,
                   QWidget* parent = nullptr);
    ~KeyEntryDialog() override;

    SecretBytes takeKey();
    bool sessionOnly() const;

    void accept() override;

private:
    std::unique_ptr<Ui::KeyEntryDialog> m_ui;
    SecretBytes m_key;
};

} // namespace ca
