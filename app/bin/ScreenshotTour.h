#pragma once

#include <QDir>
#include <QObject>
#include <QStringList>

namespace ca {

class MainWindow;

// `connector-admin --demo --screenshot-tour DIR`: drives the real window through what the README
// shows (the list, each vendor's form, the review dialog), saves a PNG of each, then quits.
// Used by scripts/screenshots so the README's pictures always match the app.
class ScreenshotTour : public QObject
{
    Q_OBJECT
public:
    ScreenshotTour(MainWindow* window, const QString& directory, QObject* parent = nullptr);
    void start();

private:
    void step();
    bool selectVendor(const QString& vendorId);
    void save(QWidget* widget, const QString& name);

    MainWindow* m_window;
    QDir m_dir;
    int m_step = 0;
    int m_waits = 0;
};

} // namespace ca
