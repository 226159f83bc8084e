#include "SandboxProcess.h"
#include "TestHttp.h"

#include <QtTest>

// The sandbox binary starts, announces its URL and answers its control endpoint.
class TestSandboxSmoke : public QObject
{
    Q_OBJECT
private slots:
    void startsAndAnnouncesLoopbackUrl()
    {
        SandboxProcess sandbox;
        QVERIFY2(sandbox.start(), qPrintable(sandbox.errorString()));
        QCOMPARE(sandbox.baseUrl().host(), QStringLiteral("127.0.0.1"));
        QVERIFY(sandbox.baseUrl().port() > 0);
        const TestResponse r = TestHttp::get(sandbox.url(QStringLiteral("/_sandbox/state")));
        QCOMPARE(r.status, 200);
        QVERIFY(r.object().contains(QStringLiteral("timbal")));
    }
};

QTEST_GUILESS_MAIN(TestSandboxSmoke)
#include "tst_sandbox_smoke.moc"
