#include "ScreenshotTour.h"

#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorTableModel.h"
#include "MainWindow.h"
#include "ReviewChangesDialog.h"

#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QTableView>
#include <QTimer>
#include <cstdio>

namespace ca {

ScreenshotTour::ScreenshotTour(MainWindow* window, const QString& directory, QObject* parent)
    : QObject(parent), m_window(window), m_dir(directory)
{
    m_dir.mkpath(QStringLiteral("."));
}

void ScreenshotTour::start()
{
    QTimer::singleShot(500, this, &ScreenshotTour::step);
}

bool ScreenshotTour::selectVendor(const QString& vendorId)
{
    ConnectorTableModel* model = m_window->connectorModel();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(ConnectorTableModel::VendorIdRole).toString() != vendorId)
            continue;
        auto* view = m_window->findChild<QTableView*>(QStringLiteral("connectorView"));
        const QModelIndex index = m_window->filterModel()->mapFromSource(model->index(r, 0));
        view->setCurrentIndex(index);
        view->scrollTo(index);
        return true;
    }
    return false;
}

bool ScreenshotTour::loaded() const
{
    bool all = !m_window->catalog()->statuses().isEmpty();
    for (const auto& s : m_window->catalog()->statuses())
        all = all && s.state == ConnectorCatalog::LoadState::Loaded;
    return all;
}

void ScreenshotTour::editFirstDatabarName()
{
    if (auto* name = m_window->findChild<QLineEdit*>(QStringLiteral("nameEdit"))) {
        name->setText(name->text() + QStringLiteral(" (EU)"));
        emit name->textEdited(name->text());
    }
}

void ScreenshotTour::editAndStay()
{
    if (!loaded()) {
        QTimer::singleShot(100, this, &ScreenshotTour::editAndStay);
        return;
    }
    // The first Databar connector in id order: the test knows which one to expect.
    ConnectorTableModel* model = m_window->connectorModel();
    int best = -1;
    for (int r = 0; r < model->rowCount(); ++r) {
        const Connector& c = model->connector(r);
        if (c.vendor == Vendor::Databar &&
            (best < 0 || c.id.toInt() < model->connector(best).id.toInt()))
            best = r;
    }
    if (best < 0)
        return;
    auto* view = m_window->findChild<QTableView*>(QStringLiteral("connectorView"));
    view->setCurrentIndex(m_window->filterModel()->mapFromSource(model->index(best, 0)));
    QTimer::singleShot(200, this, [this] {
        editFirstDatabarName();
        std::printf("edited\n");
        std::fflush(stdout);
    });
}

void ScreenshotTour::save(QWidget* widget, const QString& name)
{
    // The whole screen, as a person under Xvfb would see it (dialogs included).
    QPixmap shot = widget->screen()->grabWindow(0);
    const QString path = m_dir.filePath(name + QStringLiteral(".png"));
    shot.save(path);
    std::printf("screenshot %s\n", qPrintable(path));
    std::fflush(stdout);
}

void ScreenshotTour::step()
{
    static const QStringList vendors{QStringLiteral("databar"), QStringLiteral("aisquared"),
                                     QStringLiteral("b3os"), QStringLiteral("bigdata"),
                                     QStringLiteral("timbal")};
    auto next = [this](int ms = 400) {
        ++m_step;
        QTimer::singleShot(ms, this, &ScreenshotTour::step);
    };
    if (m_step == 0) {
        if (!loaded() && ++m_waits < 100) {
            QTimer::singleShot(100, this, &ScreenshotTour::step);
            return;
        }
        save(m_window, QStringLiteral("main-window"));
        next();
        return;
    }
    if (m_step <= vendors.size()) {
        selectVendor(vendors.at(m_step - 1));
        QTimer::singleShot(400, this, [this, next] {
            save(m_window, QStringLiteral("form-") + vendors.at(m_step - 1));
            next(0);
        });
        return;
    }
    if (m_step == vendors.size() + 1) {
        // An edit and its review, on a Databar connector.
        selectVendor(QStringLiteral("databar"));
        QTimer::singleShot(300, this, [this, next] {
            editFirstDatabarName();
            m_window->reviewAndApply();
            next(600);
        });
        return;
    }
    if (auto* review = m_window->findChild<ReviewChangesDialog*>())
        save(review, QStringLiteral("review-dialog"));
    QApplication::exit(0);
}

} // namespace ca
