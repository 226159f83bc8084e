#pragma once

#include "Banner.h"
#include "KeyStore.h"

class QPushButton;

namespace ca {

// A non-modal strip at the top of the main window that explains why the OS keychain cannot be used
// and how to fix it. Hidden while the keychain works.
class KeychainBanner : public Banner
{
    Q_OBJECT
public:
    explicit KeychainBanner(QWidget* parent = nullptr);
    void showProblem(const KeyStoreResult& result);

signals:
    void retryRequested();

private:
    QPushButton* m_retry = nullptr;
};

} // namespace ca
