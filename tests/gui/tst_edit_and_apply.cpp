#include "ConnectorCatalog.h"
#include "ConnectorFilterModel.h"
#include "ConnectorForm.h"
#include "ConnectorTableModel.h"
#include "MainWindow.h"
#include "MemoryKeyStore.h"
#include "ReviewChangesDialog.h"
#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace ca;

// Edit → review → apply through the real window and dialogs, against a real sandbox process.
// What was sent is checked in the sandbox's own request log and state.
class TestEditAndApply : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox{{QStringLiteral("--connectors"), QStringLiteral("20")}};
    QTemporaryDir m_dir;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<ApiKeys> m_keys;
    std::unique_ptr<MainWindow> m_window;

    QJsonArray requestsSince(qint64 seq)
    {
        return TestHttp::getJson(
                   m_sandbox.url(QStringLiteral("/_sandbox/requests?since=%1").arg(seq)))
            .value(QStringLiteral("requests"))
            .toArray();
    }
    qint64 lastSeq()
    {
        const QJsonArray all = requestsSince(0);
        return all.isEmpty()
                   ? 0
                   : qint64(all.last().toObject().value(QStringLiteral("seq")).toDouble());
    }
    QJsonArray writesSince(qint64 seq)
    {
        QJsonArray out;
        for (const QJsonValue& r : requestsSince(seq)) {
            const QString m = r.toObject().value(QStringLiteral("method")).toString();
            if (m == QLatin1String("PUT") || m == QLatin1String("POST"))
                out.append(r);
        }
        return out;
    }
    QJsonObject stateOf(const QString& vendor, const QString& idField, const QString& id)
    {
        const QJsonArray list =
            TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/state?vendor=") + vendor))
                .value(vendor)
                .toArray();
        for (const QJsonValue& v : list) {
            const QJsonValue idValue = v.toObject().value(idField);
            if (idValue.toVariant().toString() == id)
                return v.toObject();
        }
        return {};
    }

    bool settled()
    {
        const auto statuses = m_window->catalog()->statuses();
        if (statuses.size() != 5)
            return false;
        for (const auto& s : statuses)
            if (s.state != ConnectorCatalog::LoadState::Loaded)
                return false;
        return true;
    }

    // Selects the first connector of `vendor` whose editable document passes `accept`.
    Connector select(Vendor vendor, const std::function<bool(const Connector&)>& accept = {})
    {
        ConnectorTableModel* model = m_window->connectorModel();
        for (int r = 0; r < model->rowCount(); ++r) {
            const Connector& c = model->connector(r);
            if (c.vendor != vendor || (accept && !accept(c)))
                continue;
            auto* view = m_window->findChild<QTableView*>(QStringLiteral("connectorView"));
            view->setCurrentIndex(m_window->filterModel()->mapFromSource(model->index(r, 0)));
            return c;
        }
        return {};
    }

    template <typename T> T* inForm(const char* name)
    {
        auto* form = m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm"));
        return form ? form->findChild<T*>(QLatin1String(name)) : nullptr;
    }
    QPushButton* reviewButton()
    {
        return m_window->findChild<QPushButton*>(QStringLiteral("reviewButton"));
    }

    static void retype(QLineEdit* edit, const QString& text)
    {
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
    }

    ReviewChangesDialog* openReview()
    {
        QTest::mouseClick(reviewButton(), Qt::LeftButton);
        ReviewChangesDialog* dialog = nullptr;
        [&] {
            QTRY_VERIFY((dialog = m_window->findChild<ReviewChangesDialog*>()) &&
                        dialog->isVisible());
        }();
        return dialog;
    }
    static QPushButton* button(QWidget* dialog, const char* name)
    {
        return dialog->findChild<QPushButton*>(QLatin1String(name));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
    }

    void init()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        QFile::remove(m_dir.filePath(QStringLiteral("p.conf")));
        m_profiles = std::make_unique<ProfileStore>(m_dir.filePath(QStringLiteral("p.conf")));
        auto backing = std::make_unique<MemoryKeyStore>();
        for (Vendor v : allVendors()) {
            Profile p;
            p.name = QStringLiteral("sb-") + vendorId(v);
            p.vendor = v;
            p.baseUrl = m_sandbox.vendorUrl(vendorId(v));
            p.orgId = vendorNeedsOrg(v) ? QStringLiteral("demo-org") : QString();
            p.workspaceId = vendorNeedsWorkspace(v) ? QStringLiteral("1") : QString();
            QString error;
            QVERIFY2(m_profiles->save(p, &error), qPrintable(error));
            backing->store(p.name, SecretBytes("demo-key"));
        }
        m_keys = std::make_unique<ApiKeys>(std::move(backing));
        m_window = std::make_unique<MainWindow>(*m_profiles, *m_keys);
        m_window->show();
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 20000);
    }

    void cleanup()
    {
        // Close without the unsaved-changes question.
        if (auto* form = m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm")))
            form->setConnector(form->connector());
        m_window.reset();
    }

    void applySendsExactlyTheReviewedBody()
    {
        const Connector c = select(Vendor::Databar);
        QVERIFY(!c.id.isEmpty());
        QTRY_VERIFY(inForm<QLineEdit>("nameEdit"));
        QVERIFY(!reviewButton()->isEnabled());
        retype(inForm<QLineEdit>("nameEdit"), QStringLiteral("Renamed by test"));
        QTRY_VERIFY(reviewButton()->isEnabled());
        QVERIFY(m_window->isWindowModified());
        QVERIFY(m_window->connectorModel()->isModified(
            m_window->connectorModel()->rowOf(c.profileName, c.id)));

        const qint64 mark = lastSeq();
        ReviewChangesDialog* review = openReview();
        QCOMPARE(review->findChild<QLabel*>(QStringLiteral("summaryLabel"))->text(),
                 QStringLiteral("<b>1 changed, 0 added, 0 removed</b>"));
        const auto* tree = review->findChild<QTreeWidget*>(QStringLiteral("changeTree"));
        QVERIFY(!tree->findItems(QStringLiteral("/name"), Qt::MatchContains, 1).isEmpty());
        const QJsonObject reviewed = review->bodyToSend();
        QCOMPARE(writesSince(mark).size(), 0); // reviewing sends nothing

        QTest::mouseClick(button(review, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(review->lastOutcome().has_value(), 10000);
        QCOMPARE(int(review->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Applied));
        const QJsonArray writes = writesSince(mark);
        QCOMPARE(writes.size(), 1);
        QCOMPARE(writes.first().toObject().value(QStringLiteral("method")).toString(),
                 QStringLiteral("PUT"));
        QCOMPARE(writes.first().toObject().value(QStringLiteral("json")).toObject(), reviewed);
        QCOMPARE(stateOf(QStringLiteral("databar"), QStringLiteral("id"), c.id)
                     .value(QStringLiteral("name"))
                     .toString(),
                 QStringLiteral("Renamed by test"));
        QTest::mouseClick(button(review, "closeButton"), Qt::LeftButton);
        QTRY_VERIFY(!m_window->isWindowModified());
        const int row = m_window->connectorModel()->rowOf(c.profileName, c.id);
        QCOMPARE(m_window->connectorModel()->connector(row).displayName,
                 QStringLiteral("Renamed by test"));
        QVERIFY(!m_window->connectorModel()->isModified(row));
    }

    void cancelSendsNothing()
    {
        const Connector c = select(Vendor::B3os);
        QTRY_VERIFY(inForm<QLineEdit>("nameEdit"));
        retype(inForm<QLineEdit>("nameEdit"), QStringLiteral("Not sent"));
        QTRY_VERIFY(reviewButton()->isEnabled());
        const qint64 mark = lastSeq();
        ReviewChangesDialog* review = openReview();
        QTest::mouseClick(button(review, "cancelButton"), Qt::LeftButton);
        QTRY_VERIFY(!m_window->findChild<ReviewChangesDialog*>() ||
                    !m_window->findChild<ReviewChangesDialog*>()->isVisible());
        QTest::qWait(200);
        QCOMPARE(requestsSince(mark).size(), 0);
        QVERIFY(m_window->isWindowModified()); // the edit is still there
    }

    void invalidInputIsFlaggedAndBlocksReviewUntilFixed()
    {
        select(Vendor::Databar);
        QTRY_VERIFY(inForm<QLineEdit>("urlEdit"));
        QLineEdit* url = inForm<QLineEdit>("urlEdit");
        url->selectAll();
        QTest::keyClick(url, Qt::Key_Backspace);
        QTRY_VERIFY(url->property("problem").toBool());
        QVERIFY(!reviewButton()->isEnabled());
        QVERIFY2(reviewButton()->toolTip().contains(QStringLiteral("Fix these first")),
                 qPrintable(reviewButton()->toolTip()));
        QTest::keyClicks(url, QStringLiteral("https://api.example.com/v2/score"));
        QTRY_VERIFY(!url->property("problem").toBool());
        QVERIFY(reviewButton()->isEnabled());
    }

    void everyEditableVendorReachesTheReview_data()
    {
        QTest::addColumn<int>("vendor");
        QTest::addColumn<QString>("field");
        QTest::newRow("aisquared") << int(Vendor::AiSquared) << "nameEdit";
        QTest::newRow("b3os") << int(Vendor::B3os) << "nameEdit";
        QTest::newRow("databar") << int(Vendor::Databar) << "nameEdit";
        QTest::newRow("bigdata") << int(Vendor::Bigdata) << "labelEdit";
    }
    void everyEditableVendorReachesTheReview()
    {
        QFETCH(int, vendor);
        QFETCH(QString, field);
        const Connector c = select(Vendor(vendor));
        QVERIFY(!c.id.isEmpty());
        QLineEdit* edit = nullptr;
        QTRY_VERIFY((edit = inForm<QLineEdit>(field.toLatin1().constData())));
        retype(edit, QStringLiteral("Edited ") + vendorId(Vendor(vendor)));
        QTRY_VERIFY(reviewButton()->isEnabled());
        ReviewChangesDialog* review = openReview();
        QVERIFY2(review->diff().changedCount() == 1, qPrintable(review->diff().toText()));
        QVERIFY(button(review, "applyButton")->isEnabled());
        QTest::mouseClick(button(review, "cancelButton"), Qt::LeftButton);
    }

    void timbalHasNothingToApply()
    {
        select(Vendor::Timbal);
        QTRY_VERIFY(m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm")));
        QVERIFY(!reviewButton()->isEnabled());
    }

    void aConnectorChangedOnTheServerIsNotOverwritten()
    {
        const Connector c = select(
            Vendor::Bigdata, [](const Connector& k) { return k.type == QLatin1String("email"); });
        QTRY_VERIFY(inForm<QLineEdit>("labelEdit"));
        retype(inForm<QLineEdit>("labelEdit"), QStringLiteral("My label"));
        QTRY_VERIFY(reviewButton()->isEnabled());
        ReviewChangesDialog* review = openReview();

        // Someone else changes the description meanwhile (a full PUT, as the vendor requires).
        QJsonObject other =
            stateOf(QStringLiteral("bigdata"), QStringLiteral("connector_id"), c.id);
        QJsonObject config = other.value(QStringLiteral("config")).toObject();
        const QJsonObject body{
            {QStringLiteral("label"), other.value(QStringLiteral("label"))},
            {QStringLiteral("description"), QStringLiteral("changed elsewhere")},
            {QStringLiteral("share_with_org"), other.value(QStringLiteral("share_with_org"))},
            {QStringLiteral("config"),
             QJsonObject{{QStringLiteral("email_hash"), config.value(QStringLiteral("email_hash"))},
                         {QStringLiteral("allowed_emails"),
                          config.value(QStringLiteral("allowed_emails"))}}}};
        const TestResponse put = TestHttp::sendJson(
            "PUT", m_sandbox.url(QStringLiteral("/bigdata/contents/v1/connectors/") + c.id),
            {{"X-API-KEY", "demo-key"}}, body);
        QCOMPARE(put.status, 200);
        const qint64 mark = lastSeq();

        QTest::mouseClick(button(review, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(review->lastOutcome().has_value(), 10000);
        QCOMPARE(int(review->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Conflict));
        QCOMPARE(writesSince(mark).size(), 0); // no PUT left the app
        QCOMPARE(review->findChild<QStackedWidget*>(QStringLiteral("pages"))
                     ->currentWidget()
                     ->objectName(),
                 QStringLiteral("conflictPage"));

        // The server's change merges into mine; reviewing again and applying keeps both.
        QTest::mouseClick(button(review, "reviewAgainButton"), Qt::LeftButton);
        ReviewChangesDialog* second = nullptr;
        QTRY_VERIFY((second = m_window->findChild<ReviewChangesDialog*>()) && second != review &&
                    second->isVisible());
        QCOMPARE(second->bodyToSend().value(QStringLiteral("description")).toString(),
                 QStringLiteral("changed elsewhere"));
        QCOMPARE(second->bodyToSend().value(QStringLiteral("label")).toString(),
                 QStringLiteral("My label"));
        QTest::mouseClick(button(second, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(second->lastOutcome().has_value(), 10000);
        QCOMPARE(int(second->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Applied));
        const QJsonObject stored =
            stateOf(QStringLiteral("bigdata"), QStringLiteral("connector_id"), c.id);
        QCOMPARE(stored.value(QStringLiteral("label")).toString(), QStringLiteral("My label"));
        QCOMPARE(stored.value(QStringLiteral("description")).toString(),
                 QStringLiteral("changed elsewhere"));
        QTest::mouseClick(button(second, "closeButton"), Qt::LeftButton);
    }

    void databarPlanCapIsReportedAfterApply()
    {
        select(Vendor::Databar);
        QTRY_VERIFY(inForm<QSpinBox>("rateLimitSpin"));
        auto* unset = inForm<QCheckBox>("rateLimitUnset");
        if (unset->isChecked())
            QTest::mouseClick(unset, Qt::LeftButton, {}, QPoint(4, unset->height() / 2));
        QTRY_VERIFY(!unset->isChecked());
        auto* spin = inForm<QSpinBox>("rateLimitSpin");
        spin->setValue(60);
        QTRY_VERIFY(reviewButton()->isEnabled());
        ReviewChangesDialog* review = openReview();
        QCOMPARE(review->bodyToSend().value(QStringLiteral("rate_limit")).toInt(), 60);
        QTest::mouseClick(button(review, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(review->lastOutcome().has_value(), 10000);
        QCOMPARE(int(review->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Applied));
        auto* list = review->findChild<QListWidget*>(QStringLiteral("differencesList"));
        QCOMPARE(list->count(), 1);
        QCOMPARE(list->item(0)->text(),
                 QStringLiteral("the server changed rate_limit from 60 to 10 — plan limit"));
        QTest::mouseClick(button(review, "closeButton"), Qt::LeftButton);
    }

    void aFailedPutKeepsTheEdit()
    {
        select(Vendor::Databar);
        QTRY_VERIFY(inForm<QLineEdit>("nameEdit"));
        retype(inForm<QLineEdit>("nameEdit"), QStringLiteral("Kept after failure"));
        QTRY_VERIFY(reviewButton()->isEnabled());
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"),
              QJsonArray{QJsonObject{{QStringLiteral("spec"), QStringLiteral("databar:status=500")},
                                     {QStringLiteral("method"), QStringLiteral("PUT")}}}}}));
        ReviewChangesDialog* review = openReview();
        QTest::mouseClick(button(review, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(review->lastOutcome().has_value(), 20000);
        QCOMPARE(int(review->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Failed));
        QVERIFY(review->findChild<QLabel*>(QStringLiteral("resultLabel"))
                    ->text()
                    .contains(QStringLiteral("Your edit is kept")));
        QTest::mouseClick(button(review, "closeButton"), Qt::LeftButton);
        QVERIFY(m_window->isWindowModified());
        QCOMPARE(inForm<QLineEdit>("nameEdit")->text(), QStringLiteral("Kept after failure"));
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/faults")),
                                   {{QStringLiteral("faults"), QJsonArray()}}));
    }

    void aisquaredContractErrorIsShownAtTheField()
    {
        // Multiwoven's contract answers an empty configuration with a 400 hash
        // {"errors": {"connector": {"configuration": ["must be filled"]}}}: the words appear at
        // the field, and the edit stays.
        // An Http destination whose headers hold no Authorization (whose value is a secret by
        // its name), written at the vendor as another admin would: nothing secret is left then.
        Connector http;
        for (int r = 0; r < m_window->connectorModel()->rowCount() && http.id.isEmpty(); ++r) {
            const Connector& x = m_window->connectorModel()->connector(r);
            if (x.vendor == Vendor::AiSquared && x.type == QLatin1String("Http"))
                http = x;
        }
        QVERIFY2(!http.id.isEmpty(), "the sandbox seeds an Http destination");
        QJsonObject configuration = http.editable.value(QStringLiteral("configuration")).toObject();
        configuration.insert(
            QStringLiteral("headers"),
            QJsonObject{{QStringLiteral("Content-Type"), QStringLiteral("application/json")}});
        const TestResponse put = TestHttp::sendJson(
            "PUT",
            QUrl(m_sandbox.vendorUrl(QStringLiteral("aisquared")).toString() +
                 QStringLiteral("/api/v1/connectors/") + http.id),
            {{"Authorization", "Bearer demo-key"}, {"Workspace-Id", "1"}},
            QJsonObject{{QStringLiteral("connector"),
                         QJsonObject{{QStringLiteral("configuration"), configuration}}}});
        QCOMPARE(put.status, 200);
        m_window->refreshAll();
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 20000);
        const Connector c = select(Vendor::AiSquared, [&http](const Connector& x) {
            return x.id == http.id && x.secretPaths.isEmpty();
        });
        QVERIFY2(!c.id.isEmpty(), "the rewritten Http destination has no secrets");
        QTRY_VERIFY(inForm<QPlainTextEdit>("configurationEdit"));
        inForm<QPlainTextEdit>("configurationEdit")->setPlainText(QStringLiteral("{}"));
        QTRY_VERIFY(reviewButton()->isEnabled());
        ReviewChangesDialog* review = openReview();
        QTest::mouseClick(button(review, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(review->lastOutcome().has_value(), 20000);
        QCOMPARE(int(review->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Failed));
        QCOMPARE(review->lastOutcome()->error.httpStatus, 400);
        QTest::mouseClick(button(review, "closeButton"), Qt::LeftButton);
        QTRY_VERIFY(inForm<QLabel>("configurationProblem")
                        ->text()
                        .contains(QStringLiteral("must be filled (server)"), Qt::CaseInsensitive));
        QCOMPARE(inForm<QPlainTextEdit>("configurationEdit")->toPlainText().trimmed(),
                 QStringLiteral("{}"));
        QVERIFY(m_window->isWindowModified());
    }

    void b3os409OffersTheMerge()
    {
        // B3OS answers 409 when another update happened meanwhile (b3os client.ts): the
        // connector is read again and the three-way view offered, as for a stale preview.
        select(Vendor::B3os);
        QTRY_VERIFY(inForm<QLineEdit>("nameEdit"));
        retype(inForm<QLineEdit>("nameEdit"), QStringLiteral("After a conflict"));
        QTRY_VERIFY(reviewButton()->isEnabled());
        QVERIFY(TestHttp::postJson(
            m_sandbox.url(QStringLiteral("/_sandbox/faults")),
            {{QStringLiteral("faults"),
              QJsonArray{QJsonObject{{QStringLiteral("spec"), QStringLiteral("b3os:status=409#1")},
                                     {QStringLiteral("method"), QStringLiteral("PUT")}}}}}));
        ReviewChangesDialog* review = openReview();
        const qint64 seq = lastSeq();
        QTest::mouseClick(button(review, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(review->lastOutcome().has_value(), 20000);
        QCOMPARE(int(review->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Conflict));
        QVERIFY(review->lastOutcome()->sent);
        QVERIFY(review->findChild<QLabel*>(QStringLiteral("summaryLabel"))
                    ->text()
                    .contains(QStringLiteral("nothing was stored")));
        QVERIFY(button(review, "reviewAgainButton")->isVisible());
        // Read again after the 409: GET, PUT (refused), GET.
        QStringList methods;
        for (const QJsonValue& r : requestsSince(seq))
            methods << r.toObject().value(QStringLiteral("method")).toString();
        QCOMPARE(methods, (QStringList{"GET", "PUT", "GET"}));
        QTest::mouseClick(button(review, "reviewAgainButton"), Qt::LeftButton);
        ReviewChangesDialog* again = nullptr;
        QTRY_VERIFY((again = m_window->findChild<ReviewChangesDialog*>()) && again != review &&
                    again->isVisible());
        QTest::mouseClick(button(again, "applyButton"), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(again->lastOutcome().has_value(), 20000);
        QCOMPARE(int(again->lastOutcome()->kind), int(ApplyOperation::Outcome::Kind::Applied));
        QTest::mouseClick(button(again, "closeButton"), Qt::LeftButton);
    }

    void leavingAnEditAsksFirst()
    {
        const Connector first = select(Vendor::Databar);
        QTRY_VERIFY(inForm<QLineEdit>("nameEdit"));
        retype(inForm<QLineEdit>("nameEdit"), QStringLiteral("Unsaved"));
        QTRY_VERIFY(m_window->isWindowModified());
        select(Vendor::Bigdata);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = m_window->findChild<QMessageBox*>(QStringLiteral("unsavedBox"))) &&
                    box->isVisible());
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!box->isVisible() ||
                    !m_window->findChild<QMessageBox*>(QStringLiteral("unsavedBox")));
        auto* form = m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm"));
        QCOMPARE(form->connector().id, first.id);
        QCOMPARE(inForm<QLineEdit>("nameEdit")->text(), QStringLiteral("Unsaved"));

        select(Vendor::Bigdata);
        QTRY_VERIFY((box = m_window->findChild<QMessageBox*>(QStringLiteral("unsavedBox"))) &&
                    box->isVisible());
        box->button(QMessageBox::Discard)->click();
        QTRY_COMPARE(m_window->findChild<ConnectorForm*>(QStringLiteral("connectorForm"))->vendor(),
                     Vendor::Bigdata);
        QVERIFY(!m_window->isWindowModified());
        QVERIFY(!m_window->connectorModel()->isModified(
            m_window->connectorModel()->rowOf(first.profileName, first.id)));
    }
};

QTEST_MAIN(TestEditAndApply)
#include "tst_edit_and_apply.moc"
