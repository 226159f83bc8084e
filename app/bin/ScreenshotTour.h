#pragma once

#include <QDir>
#include <QObject>
#include <QStringList>
#include <functional>

#include "Connector.h"

namespace ca {

class MainWindow;

// `connector-admin --demo --screenshot-tour DIR`: drives the real window through what the README
// shows (the list, each vendor's form, the Timbal update dialog, an AI Squared field error from
// the vendor's 400, the review dialog, a bulk edit and its change-set review), saves a PNG of
// each, then quits.
// Used by scripts/screenshots so the README's pictures always match the app.
class ScreenshotTour : public QObject
{
    Q_OBJECT
public:
    ScreenshotTour(MainWindow* window, const QString& directory, QObject* parent = nullptr);
    void start();
    // `--demo-edit`: once loaded, edit the first Databar connector's name and keep running, so a
    // test can kill the process in the middle of an unsaved edit.
    void editAndStay();

private:
    void step();
    bool selectVendor(const QString& vendorId);
    bool selectConnector(const std::function<bool(const Connector&)>& accept);
    bool selectAiSquaredKind(const QString& kind); // connector_name, e.g. "Postgresql"
    bool loaded() const;
    void editFirstDatabarName();
    void save(QWidget* widget, const QString& name);
    QList<Connector> databarConnectors(int count) const; // the first ones by id

    MainWindow* m_window;
    QDir m_dir;
    int m_step = 0;
    int m_waits = 0;
    QList<Connector> m_bulk; // the bulk edit's connectors
};

} // namespace ca
