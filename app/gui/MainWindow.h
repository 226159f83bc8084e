#pragma once

#include <QMainWindow>
#include <QUrl>

class QLabel;

namespace ca {

// Placeholder main window until the connector list lands (issue 6).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    void setDemoSandboxUrl(const QUrl& url);

private:
    QLabel* m_status = nullptr;
};

} // namespace ca
