#include "ScreenshotTour.h"

#include "BulkEditDialog.h"
#include "ChangeSetDialog.h"
#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorForm.h"
#include "ConnectorTableModel.h"
#include "HttpClient.h"
#include "HttpJob.h"
#include "MainWindow.h"
#include "ReviewChangesDialog.h"
#include "RolloutDialog.h"
#include "SecretField.h"
#include "TimbalService.h"
#include "TimbalUpdateDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
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

bool ScreenshotTour::selectAiSquaredKind(const QString& kind)
{
    return selectConnector(
        [kind](const Connector& c) { return c.vendor == Vendor::AiSquared && c.type == kind; });
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
        // AI Squared: a Postgresql connector, its fields built from the vendor's definition with
        // the nested credentials group.
        const QString vendor = vendors.at(m_step - 1);
        const bool chosen =
            (vendor == QLatin1String("timbal") && selectConnector([](const Connector& c) {
                 return c.vendor == Vendor::Timbal && c.connected.value_or(false) &&
                        !c.online.value_or(true);
             })) ||
            (vendor == QLatin1String("aisquared") &&
             selectAiSquaredKind(QStringLiteral("Postgresql")));
        if (!chosen)
            selectVendor(vendor);
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
        // An AI Squared edit the vendor refuses at a field (its model: a blank name), on a kind
        // without secrets (so the form itself lets it through).
        selectConnector([](const Connector& c) {
            return c.vendor == Vendor::AiSquared && c.secretPaths.isEmpty();
        });
        QTimer::singleShot(300, this, [this, next] {
            if (auto* name = m_window->findChild<QLineEdit*>(QStringLiteral("nameEdit")))
                name->setText(QStringLiteral("   "));
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
        // A second generated form: several secrets at the top level, a read-only field.
        selectAiSquaredKind(QStringLiteral("SalesforceCrm"));
        QTimer::singleShot(500, this, [this, next] {
            save(m_window, QStringLiteral("form-aisquared-salesforce"));
            next(0);
        });
        return;
    }
    if (m_step == afterForms + 5) {
        // A connection test with a wrong password: the vendor's answer, inline.
        selectAiSquaredKind(QStringLiteral("Postgresql"));
        QTimer::singleShot(500, this, [this, next] {
            if (auto* secret =
                    m_window->findChild<SecretField*>(QStringLiteral("cfg_credentials.password"))) {
                secret->setState(SecretField::State::Replace);
                secret->valueEdit()->setText(QStringLiteral("not-the-password"));
            }
            if (auto* test =
                    m_window->findChild<QPushButton*>(QStringLiteral("testConnectionButton")))
                test->click();
            next(1200);
        });
        return;
    }
    if (m_step == afterForms + 6) {
        save(m_window, QStringLiteral("aisquared-connection-failed"));
        if (auto* form = m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm")))
            form->setConnector(form->connector());
        next(300);
        return;
    }
    if (m_step == afterForms + 7) {
        // An edit and its review, on a Databar connector.
        selectVendor(QStringLiteral("databar"));
        QTimer::singleShot(300, this, [this, next] {
            editFirstDatabarName();
            m_window->reviewAndApply();
            next(600);
        });
        return;
    }
    if (m_step == afterForms + 8) {
        if (auto* review = m_window->findChild<ReviewChangesDialog*>()) {
            save(review, QStringLiteral("review-dialog"));
            review->reject();
        }
        if (auto* form = m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm")))
            form->setConnector(form->connector());
        // A change set: eight Databar connectors, one of them changed in the vendor's console
        // meanwhile (a conflict in the review).
        m_bulk = databarConnectors(8);
        ConnectorService* service = m_window->catalog()->service(QStringLiteral("demo-databar"));
        if (!service || m_bulk.size() < 8) {
            QApplication::exit(1);
            return;
        }
        const Connector changed = m_bulk.at(2);
        QJsonObject theirs = changed.editable;
        const int rate = changed.editable.value(QLatin1String("rate_limit")).toInt();
        theirs.insert(QStringLiteral("rate_limit"), rate == 2 ? 3 : 2);
        service->update(changed, theirs);
        next(800);
        return;
    }
    if (m_step == afterForms + 9) {
        auto* view = m_window->findChild<QTableView*>(QStringLiteral("connectorView"));
        ConnectorTableModel* model = m_window->connectorModel();
        bool first = true;
        for (const Connector& c : std::as_const(m_bulk)) {
            const QModelIndex index = m_window->filterModel()->mapFromSource(
                model->index(model->rowOf(c.profileName, c.id), 0));
            view->selectionModel()->setCurrentIndex(
                index, (first ? QItemSelectionModel::ClearAndSelect : QItemSelectionModel::Select) |
                           QItemSelectionModel::Rows);
            first = false;
        }
        QTimer::singleShot(300, this, [this, next] {
            m_window->editSelected();
            next(500);
        });
        return;
    }
    if (m_step == afterForms + 10) {
        // A new rate limit for all, and a rotated key in a header (typed, shown masked).
        auto* bulk = m_window->findChild<BulkEditDialog*>();
        if (!bulk) {
            QApplication::exit(1);
            return;
        }
        if (auto* mode = bulk->findChild<QComboBox*>(QStringLiteral("bulkField_rate_limit_mode")))
            mode->setCurrentIndex(1);
        if (auto* spin = bulk->findChild<QSpinBox*>(QStringLiteral("bulkField_rate_limit_value")))
            spin->setValue(6);
        if (auto* mode = bulk->findChild<QComboBox*>(QStringLiteral("bulkHeaderMode")))
            mode->setCurrentIndex(1);
        if (auto* name = bulk->findChild<QLineEdit*>(QStringLiteral("bulkHeaderName")))
            name->setText(QStringLiteral("X-Api-Key"));
        if (auto* value = bulk->findChild<SecretField*>(QStringLiteral("bulkHeaderValue")))
            value->valueEdit()->setText(QStringLiteral("rotated-key-2027"));
        m_waits = 0;
        QTimer::singleShot(300, this, [this, bulk, next] {
            save(bulk, QStringLiteral("bulk-edit"));
            if (auto* review = bulk->findChild<QPushButton*>(QStringLiteral("reviewButton")))
                review->click();
            next(1500);
        });
        return;
    }
    auto* changeSet = m_window->findChild<ChangeSetDialog*>();
    if (changeSet && changeSet->isPlanning() && ++m_waits < 200) {
        QTimer::singleShot(100, this, &ScreenshotTour::step);
        return;
    }
    if (changeSet) {
        // A connector to change: its own diff (the rotated key masked); the conflict is listed.
        const ChangeSetPlan& plan = changeSet->currentPlan();
        auto* items = changeSet->findChild<QTreeView*>(QStringLiteral("changeSetItems"));
        for (int r = 0; items && r < items->model()->rowCount(); ++r) {
            const QModelIndex index = items->model()->index(r, 0);
            const int planIndex = index.data(ChangeSetDialog::PlanIndexRole).toInt();
            if (plan.items.value(planIndex).kind == ChangeSetItem::Kind::ToChange) {
                items->setCurrentIndex(index);
                break;
            }
        }
        QTimer::singleShot(400, this, [this, changeSet] {
            save(changeSet, QStringLiteral("change-set-review"));
            changeSet->close();
            rolloutStep(0);
        });
        return;
    }
    rolloutStep(0);
}

void ScreenshotTour::rolloutStep(int stage)
{
    auto* service =
        qobject_cast<TimbalService*>(m_window->catalog()->service(QStringLiteral("demo-timbal")));
    if (!service) {
        QApplication::exit(1);
        return;
    }
    if (stage == 0) {
        // Half the connectors accept the update and never report it (docs/sandbox.md, "Report
        // faults"): the rollout halts when its failure threshold is crossed.
        HttpRequest request;
        request.method = "POST";
        request.url = service->profile().baseUrl.resolved(QUrl(QStringLiteral("/_sandbox/faults")));
        request.headers = {{"Content-Type", "application/json"}};
        request.body = QJsonDocument(QJsonObject{{QStringLiteral("faults"),
                                                  QJsonArray{QStringLiteral("timbal:stuck@0.5")}}})
                           .toJson(QJsonDocument::Compact);
        HttpJob* job = m_window->catalog()->http()->send(request);
        connect(job, &HttpJob::finished, this, [this](const HttpResponse& response) {
            if (!response.isSuccess()) {
                std::fprintf(stderr, "the sandbox's faults were not set: %d\n", response.status);
                QApplication::exit(1);
                return;
            }
            rolloutStep(1);
        });
        return;
    }
    // Nothing selected: "Roll out…" takes the profile's whole fleet.
    if (stage == 1) {
        m_window->findChild<QTableView*>(QStringLiteral("connectorView"))->clearSelection();
        m_window->rollOutTimbal();
    }
    auto* dialog = m_window->findChild<RolloutDialog*>();
    if (!dialog) {
        QApplication::exit(1);
        return;
    }
    if (stage == 1) {
        dialog->setPollIntervalMs(500);
        dialog->findChild<QSpinBox*>(QStringLiteral("canarySpin"))->setValue(2);
        dialog->findChild<QLineEdit*>(QStringLiteral("wavesEdit"))
            ->setText(QStringLiteral("10%,50%,100%"));
        // Short enough that the stuck connectors fail while the tour waits.
        dialog->findChild<QLineEdit*>(QStringLiteral("reportTimeoutEdit"))
            ->setText(QStringLiteral("4s"));
        QTimer::singleShot(800, this, [this, dialog] {
            save(dialog, QStringLiteral("rollout-preview"));
            rolloutStep(2);
        });
        return;
    }
    if (stage == 2) {
        dialog->findChild<QPushButton*>(QStringLiteral("startButton"))->click();
        m_waits = 0;
        QTimer::singleShot(500, this, [this] { rolloutStep(3); });
        return;
    }
    // Halted: Resume is offered, Pause is not (only a halt or a pause leaves it so).
    const bool halted =
        dialog->findChild<QPushButton*>(QStringLiteral("resumeButton"))->isEnabled() &&
        !dialog->findChild<QPushButton*>(QStringLiteral("pauseButton"))->isEnabled();
    if (!halted && ++m_waits < 240) {
        QTimer::singleShot(250, this, [this] { rolloutStep(3); });
        return;
    }
    QTimer::singleShot(halted ? 300 : 0, this, [this, dialog, halted] {
        save(dialog, QStringLiteral("rollout-halted"));
        if (!halted)
            std::fprintf(stderr, "the rollout did not halt within a minute\n");
        QApplication::exit(halted ? 0 : 1);
    });
}

QList<Connector> ScreenshotTour::databarConnectors(int count) const
{
    QList<Connector> out;
    ConnectorTableModel* model = m_window->connectorModel();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->connector(r).vendor == Vendor::Databar)
            out.append(model->connector(r));
    }
    std::sort(out.begin(), out.end(),
              [](const Connector& a, const Connector& b) { return a.id.toInt() < b.id.toInt(); });
    return out.mid(0, count);
}

} // namespace ca
