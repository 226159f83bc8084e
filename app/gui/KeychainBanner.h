#pragma once

#include "KeyStore.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace ca {

// A non-modal strip at the top of the main window that explains why the OS keychain cannot be used
// and how to fix it. Hidden while the keychain works.
class KeychainBanner : public QFrame
{
    Q_OBJECT
public:
    explicit KeychainBanner(QWidget* parent = nullptr);
    void showProblem(const KeyStoreResult& result);

signals:
    void retryRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    QLabel* m_text = nullptr;
    QPushButton* m_retry = nullptr;
};

} // namespace ca
