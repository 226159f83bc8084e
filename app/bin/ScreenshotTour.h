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
// the vendor's 400, the review dialog, a bulk edit and its change-set review, a Timbal rollout's
// plan and its live view halted by connectors that never report), saves a PNG of each, then
// quits.
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
    // The rollout's shots, after the others: `stage` 0 sets the sandbox's report fault, 1 opens
    // the plan, 2 starts it, 3 waits for the halt.
    void rolloutStep(int stage);
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
