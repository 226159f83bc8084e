// The edit session without a window: open, modified, revert, the autosaved draft (typed secrets
// never written), a restore merged with what the server changed since, and review → apply →
// audit record. Databar, whose header values are secrets returned in clear.
#include "AuditLog.h"
#include "DraftStore.h"
#include "EditReview.h"
#include "EditSession.h"
#include "ReviewChangesDialog.h"
#include "SessionFixture.h"
#include "TestHttp.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QWidget>

using namespace ca;

class TestEditSession : public QObject
{
    Q_OBJECT

    SandboxProcess m_sandbox;
    HttpClient m_http;
    std::unique_ptr<ConnectorService> m_service;
    std::unique_ptr<QTemporaryDir> m_dir;
    Connector m_base;

    std::unique_ptr<EditSession> session(QWidget* host)
    {
        return std::make_unique<EditSession>(
            [this](const QString& profile) {
                return profile == m_base.profileName ? m_service.get() : nullptr;
            },
            host);
    }
    QJsonObject renamed(const QString& name) const
    {
        QJsonObject e = m_base.editable;
        e.insert(QStringLiteral("name"), name);
        return e;
    }
    QByteArray draftBytes() const
    {
        QByteArray all;
        QDirIterator it(m_dir->filePath(QStringLiteral("drafts")), QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly))
                all += f.readAll();
        }
        return all;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(m_sandbox.start(), qPrintable(m_sandbox.errorString()));
        m_service.reset(createConnectorService(
            toConnectorProfile(fixture::profileFor(m_sandbox, Vendor::Databar), fixture::kKey),
            &m_http));
    }
    void init()
    {
        QVERIFY(TestHttp::postJson(m_sandbox.url(QStringLiteral("/_sandbox/reset")), {}));
        m_dir = std::make_unique<QTemporaryDir>();
        m_base = fixture::firstConnector(m_service.get());
        QVERIFY(!m_base.id.isEmpty());
        QVERIFY(!m_base.editable.value(QStringLiteral("headers")).toArray().isEmpty());
    }

    // A secret value quoted in a field that is no secret (pasted into the name) is masked in the
    // review's JSON too, which the audit records carry; without one, nothing else changes.
    void aSecretQuotedElsewhereIsMaskedInTheReview()
    {
        const QString key = m_base.editable.value(QStringLiteral("headers"))
                                .toArray()
                                .at(0)
                                .toObject()
                                .value(QStringLiteral("value"))
                                .toString();
        QVERIFY(key.size() >= 8);
        const QJsonObject quoting = renamed(QStringLiteral("copy of ") + key);
        const QByteArray quoted =
            QJsonDocument(EditReview(m_service.get(), m_base, quoting).toJson()).toJson();
        QVERIFY(!quoted.contains(key.toUtf8()));
        QVERIFY(quoted.contains(("copy of " + SecretMarker::placeholder).toUtf8()));
        const QByteArray plain =
            QJsonDocument(
                EditReview(m_service.get(), m_base, renamed(QStringLiteral("Plain"))).toJson())
                .toJson();
        QVERIFY(plain.contains("Plain"));
        QVERIFY(!plain.contains(key.toUtf8()));
    }

    void openEditRevert()
    {
        QWidget host;
        auto s = session(&host);
        QSignalSpy created(s.get(), &EditSession::formCreated);
        QSignalSpy modified(s.get(), &EditSession::modifiedChanged);
        s->open(m_base);
        QCOMPARE(created.size(), 1);
        QVERIFY(s->isOpen());
        QCOMPARE(s->form()->parentWidget(), &host);
        QVERIFY(!s->hasUnsavedEdit());
        QVERIFY(!s->canReview());
        QVERIFY(!s->review(nullptr)); // nothing to review

        s->open(m_base, renamed(QStringLiteral("Edited in a session")));
        QVERIFY(s->hasUnsavedEdit());
        QVERIFY(s->canReview());
        QCOMPARE(modified.last().at(2).toBool(), true);
        QCOMPARE(s->form()->editedDocument().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Edited in a session"));
        QCOMPARE(created.size(), 1); // same vendor: the same form

        s->revert();
        QVERIFY(!s->hasUnsavedEdit());
        QCOMPARE(modified.last().at(2).toBool(), false);
    }

    void draftKeepsTheEditButNeverATypedSecret()
    {
        DraftStore drafts(m_dir->filePath(QStringLiteral("drafts")));
        QWidget host;
        auto s = session(&host);
        s->setRecordKeeping(nullptr, &drafts);
        QJsonObject edited = renamed(QStringLiteral("Survives a crash"));
        QJsonArray headers = edited.value(QStringLiteral("headers")).toArray();
        QJsonObject first = headers.at(0).toObject();
        first.insert(QStringLiteral("value"), QStringLiteral("sk-TYPED-4242"));
        headers.replace(0, first);
        edited.insert(QStringLiteral("headers"), headers);
        s->open(m_base, edited);
        s->flushDraft();
        const QByteArray bytes = draftBytes();
        QVERIFY(bytes.contains("Survives a crash"));
        QVERIFY(!bytes.contains("sk-TYPED-4242"));
        const QString stored =
            m_base.editable.value(QStringLiteral("headers"))[0][QLatin1String("value")].toString();
        QVERIFY(stored.size() >= 6 && !bytes.contains(stored.toUtf8()));

        // A later session (after a crash) finds it and restores it onto what the server has now,
        // which another admin changed meanwhile.
        QJsonObject other = m_base.editable;
        other.insert(QStringLiteral("url"), QStringLiteral("https://api.example.com/changed"));
        UpdateResult changed;
        QVERIFY(fixture::await(m_service->update(m_base, other), &changed));
        QVERIFY(changed.ok());
        Connector current;
        {
            ConnectorResult r;
            QVERIFY(fixture::await(m_service->get(m_base.id), &r));
            current = r.connector;
        }
        QWidget host2;
        auto later = session(&host2);
        later->setRecordKeeping(nullptr, &drafts);
        QCOMPARE(later->pendingDrafts().size(), 1);
        const EditSession::Restored restored = later->restoreFirstDraft(current);
        QVERIFY(restored.merged);
        QVERIFY(!restored.note.isEmpty());
        QCOMPARE(restored.retype, QStringList{QStringLiteral("/headers/0/value")});
        const QJsonObject back = later->form()->editedDocument();
        QCOMPARE(back.value(QStringLiteral("name")).toString(), QStringLiteral("Survives a crash"));
        QCOMPARE(back.value(QStringLiteral("url")).toString(),
                 QStringLiteral("https://api.example.com/changed"));
        QCOMPARE(later->base().editable, current.editable);
        QVERIFY(later->pendingDrafts().isEmpty());
    }

    void reviewApplyRecords()
    {
        DraftStore drafts(m_dir->filePath(QStringLiteral("drafts")));
        AuditLog audit(m_dir->filePath(QStringLiteral("audit")));
        QWidget host;
        auto s = session(&host);
        s->setRecordKeeping(&audit, &drafts);
        QSignalSpy applied(s.get(), &EditSession::applied);
        s->open(m_base, renamed(QStringLiteral("Applied by a session")));
        s->flushDraft();
        QVERIFY(!draftBytes().isEmpty());
        ReviewChangesDialog* dialog = s->review(nullptr);
        QVERIFY(dialog && dialog->canApply());
        dialog->findChild<QPushButton*>(QStringLiteral("applyButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(applied.size() == 1, 20000);
        delete dialog;
        const Connector updated = applied.first().first().value<Connector>();
        QCOMPARE(updated.displayName, QStringLiteral("Applied by a session"));
        QCOMPARE(s->base().editable, updated.editable); // the form is on what the server stored
        QVERIFY(!s->hasUnsavedEdit());
        QVERIFY(drafts.all().isEmpty()); // the draft is gone with the applied edit
        QVERIFY(audit.flush());
        const QList<AuditRecord> records = audit.records(m_base.profileName, m_base.id);
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first().outcome, AuditOutcome::Applied);
        QCOMPARE(records.first().tool, AuditTool::Gui);
        QCOMPARE(records.first().after.value(QStringLiteral("name")).toString(),
                 QStringLiteral("Applied by a session"));
    }

    // A write begun in an earlier session and never seen to end: once the profile is up, it is
    // read again at the vendor, told in words and closed with a reconciled record, once.
    void anUnfinishedWriteIsReconciled_data()
    {
        QTest::addColumn<QString>("serverNow"); // what the server has when the app starts again
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("said");
        QTest::newRow("the change landed") << QStringLiteral("edited") << int(AuditOutcome::Applied)
                                           << QStringLiteral("the change is there");
        QTest::newRow("it did not") << QStringLiteral("base") << int(AuditOutcome::Failed)
                                    << QStringLiteral("the change did not land");
        QTest::newRow("changed since") << QStringLiteral("other") << int(AuditOutcome::AnswerLost)
                                       << QStringLiteral("differs both");
    }
    void anUnfinishedWriteIsReconciled()
    {
        QFETCH(QString, serverNow);
        QFETCH(int, outcome);
        QFETCH(QString, said);
        AuditLog audit(m_dir->filePath(QStringLiteral("audit")));
        const QJsonObject edited = renamed(QStringLiteral("Sent before the crash"));
        AuditRecord intent =
            EditReview(m_service.get(), m_base, edited).intentRecord(AuditTool::Gui);
        intent.operationId = QStringLiteral("op-crashed");
        intent.processId = 2147483646; // no system hands out this id: the writer is gone
        intent.host = QSysInfo::machineHostName();
        QVERIFY(audit.append(intent) && audit.flush());
        if (serverNow != QLatin1String("base")) {
            UpdateResult put;
            QVERIFY(fixture::await(
                m_service->update(m_base, serverNow == QLatin1String("edited")
                                              ? edited
                                              : renamed(QStringLiteral("Someone else's"))),
                &put));
            QVERIFY(put.ok());
        }
        QCOMPARE(audit.openIntents(m_base.profileName, QDateTime::currentDateTimeUtc().addDays(-1))
                     .size(),
                 1);

        QWidget host;
        auto s = session(&host);
        s->setRecordKeeping(&audit, nullptr);
        QSignalSpy told(s.get(), &EditSession::intentsReconciled);
        s->reconcileIntents(m_base.profileName);
        QTRY_COMPARE_WITH_TIMEOUT(told.size(), 1, 20000);
        const QStringList reports = told.first().first().toStringList();
        QCOMPARE(reports.size(), 1);
        QVERIFY2(reports.first().contains(QLatin1String("stopped while sending")) &&
                     reports.first().contains(m_base.displayName) && reports.first().contains(said),
                 qPrintable(reports.first()));

        QVERIFY(audit.openIntents(m_base.profileName, QDateTime::currentDateTimeUtc().addDays(-1))
                    .isEmpty());
        const QList<AuditRecord> records = audit.records(m_base.profileName, m_base.id);
        QCOMPARE(records.size(), 1); // the intent is told by its reconciled outcome
        QCOMPARE(records.first().operationId, QStringLiteral("op-crashed"));
        QCOMPARE(int(records.first().outcome), outcome);
        QCOMPARE(records.first().tool, AuditTool::Gui);
        QVERIFY(records.first().message.startsWith(QLatin1String("reconciled at start")));
        // Once per profile and session.
        s->reconcileIntents(m_base.profileName);
        QTest::qWait(100);
        QCOMPARE(told.size(), 1);
    }

    // An intent whose writer still runs is being sent right now: never reconciled from outside.
    void aWriteStillBeingSentIsLeftAlone()
    {
        AuditLog audit(m_dir->filePath(QStringLiteral("audit")));
        AuditRecord intent = EditReview(m_service.get(), m_base, renamed(QStringLiteral("x")))
                                 .intentRecord(AuditTool::Cli);
        intent.operationId = QStringLiteral("op-running");
        QVERIFY(audit.append(intent) && audit.flush()); // stamped with this process, alive
        const QDateTime since = QDateTime::currentDateTimeUtc().addDays(-1);
        QVERIFY(audit.openIntents(m_base.profileName, since).isEmpty());
        intent.processId = 2147483646;
        intent.host = QSysInfo::machineHostName();
        intent.operationId = QStringLiteral("op-gone");
        QVERIFY(audit.append(intent) && audit.flush());
        const QList<AuditRecord> open = audit.openIntents(m_base.profileName, since);
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.first().operationId, QStringLiteral("op-gone"));
        // Another machine's (a shared home): only once it is older than the grace period.
        intent.host = QStringLiteral("another-machine.invalid");
        intent.operationId = QStringLiteral("op-elsewhere");
        QVERIFY(audit.append(intent) && audit.flush());
        QCOMPARE(audit.openIntents(m_base.profileName, since).size(), 1);
    }

    // No write without a durable record of the intent: when the audit log cannot be written
    // (here its directory would have to be made below a plain file, which fails even for root),
    // no PUT leaves, the dialog says why and where, and the edit stays.
    void nothingIsSentWhenTheIntentCannotBeRecorded()
    {
        QFile blocker(m_dir->filePath(QStringLiteral("not-a-directory")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        AuditLog audit(blocker.fileName() + QStringLiteral("/audit"));
        QWidget host;
        auto s = session(&host);
        s->setRecordKeeping(&audit, nullptr);
        QSignalSpy applied(s.get(), &EditSession::applied);
        s->open(m_base, renamed(QStringLiteral("Never sent")));
        QVERIFY(TestHttp::request("DELETE", m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                    .status < 300);
        ReviewChangesDialog* dialog = s->review(nullptr);
        QVERIFY(dialog && dialog->canApply());
        dialog->findChild<QPushButton*>(QStringLiteral("applyButton"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->lastOutcome().has_value(), 20000);
        const ApplyOperation::Outcome outcome = *dialog->lastOutcome();
        QVERIFY(outcome.unrecorded);
        QVERIFY(!outcome.sent);
        QCOMPARE(int(outcome.kind), int(ApplyOperation::Outcome::Kind::Failed));
        QVERIFY2(outcome.message.contains(QLatin1String("nothing was sent")) &&
                     outcome.message.contains(blocker.fileName()),
                 qPrintable(outcome.message));
        const QLabel* result = dialog->findChild<QLabel*>(QStringLiteral("resultLabel"));
        QVERIFY(result && result->text().contains(QLatin1String("nothing was sent")));
        delete dialog;
        QCOMPARE(applied.size(), 0);
        QVERIFY(s->hasUnsavedEdit()); // the edit is kept for when the disk is back
        QCOMPARE(s->form()->editedDocument().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Never sent"));
        // The connector was read again (the stale check), but nothing was written to it.
        const QJsonArray log =
            TestHttp::getJson(m_sandbox.url(QStringLiteral("/_sandbox/requests")))
                .value(QLatin1String("requests"))
                .toArray();
        QVERIFY(!log.isEmpty());
        for (const QJsonValue& v : log)
            QCOMPARE(v.toObject().value(QLatin1String("method")).toString(), QStringLiteral("GET"));
    }
};

QTEST_MAIN(TestEditSession)
#include "tst_edit_session.moc"
