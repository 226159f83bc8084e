#include "ScreenshotTour.h"

#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorForm.h"
#include "ConnectorTableModel.h"
#include "MainWindow.h"
#include "ReviewChangesDialog.h"
#include "TimbalUpdateDialog.h"

#include <QApplication>
#include <QLineEdit>
#include <QPlainTextEdit>
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
    return selectConnector(
        [&vendorId](const Connector& c) { return ca::vendorId(c.vendor) == vendorId; });
}

bool ScreenshotTour::selectConnector(const std::function<bool(const Connector&)>& accept)
{
    ConnectorTableModel* model = m_window->connectorModel();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (!accept(model->connector(r)))
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
    const int afterForms = int(vendors.size()) + 1;
    if (m_step == 0) {
        if (!loaded() && ++m_waits < 100) {
            QTimer::singleShot(100, this, &ScreenshotTour::step);
            return;
        }
        save(m_window, QStringLiteral("main-window"));
        next();
        return;
    }
    if (m_step < afterForms) {
        // Timbal: a connector that is connected but not online here, the case both flags exist
        // for (its tooltips say what each means).
        if (vendors.at(m_step - 1) != QLatin1String("timbal") ||
            !selectConnector([](const Connector& c) {
                return c.vendor == Vendor::Timbal && c.connected.value_or(false) &&
                       !c.online.value_or(true);
            }))
            selectVendor(vendors.at(m_step - 1));
        QTimer::singleShot(400, this, [this, next] {
            save(m_window, QStringLiteral("form-") + vendors.at(m_step - 1));
            next(0);
        });
        return;
    }
    if (m_step == afterForms) {
        // The whole Timbal fleet's update dialog: latest as Timbal chooses it, who is skipped.
        m_window->updateTimbalConnectors();
        next(600);
        return;
    }
    if (m_step == afterForms + 1) {
        if (auto* dialog = m_window->findChild<TimbalUpdateDialog*>()) {
            save(dialog, QStringLiteral("timbal-update-dialog"));
            dialog->close();
        }
        // An AI Squared edit the vendor refuses with its 400 contract hash: an empty
        // configuration, on a kind without secrets (so the form itself lets it through).
        selectConnector([](const Connector& c) {
            return c.vendor == Vendor::AiSquared && c.secretPaths.isEmpty();
        });
        QTimer::singleShot(300, this, [this, next] {
            if (auto* config =
                    m_window->findChild<QPlainTextEdit*>(QStringLiteral("configurationEdit")))
                config->setPlainText(QStringLiteral("{}"));
            m_window->reviewAndApply();
            next(600);
        });
        return;
    }
    if (m_step == afterForms + 2) {
        if (auto* review = m_window->findChild<ReviewChangesDialog*>())
            if (auto* apply = review->findChild<QPushButton*>(QStringLiteral("applyButton")))
                apply->click();
        next(1000);
        return;
    }
    if (m_step == afterForms + 3) {
        if (auto* review = m_window->findChild<ReviewChangesDialog*>())
            review->reject();
        QTimer::singleShot(400, this, [this, next] {
            save(m_window, QStringLiteral("aisquared-field-error"));
            // Drop that edit, so moving on asks nothing.
            if (auto* form = m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm")))
                form->setConnector(form->connector());
            next(300);
        });
        return;
    }
    if (m_step == afterForms + 4) {
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
