#include "ServiceJobs.h"

#include <QSignalSpy>
#include <QtTest>

using namespace ca;

// ConnectorListJob's bookkeeping, without any network: what it keeps and what it counts.
class TestListJob : public QObject
{
    Q_OBJECT

    static QList<Connector> page(int first, int size)
    {
        QList<Connector> out;
        for (int i = first; i < first + size; ++i) {
            Connector c;
            c.id = QString::number(i);
            out.append(c);
        }
        return out;
    }

private slots:
    void resultHoldsTheConnectorsOnlyWhenKept_data()
    {
        QTest::addColumn<bool>("keep");
        QTest::newRow("kept (the default)") << true;
        QTest::newRow("streamed") << false;
    }

    void resultHoldsTheConnectorsOnlyWhenKept()
    {
        QFETCH(bool, keep);
        QObject owner;
        auto* job = new ConnectorListJob(&owner);
        if (!keep)
            job->setKeepsConnectors(false);
        QSignalSpy pages(job, &ConnectorListJob::pageLoaded);
        QSignalSpy finished(job, &ConnectorListJob::finished);
        job->addPage(page(1, 3), 5);
        job->addPage(page(4, 2), 5);
        job->finish({});

        QCOMPARE(pages.count(), 2);
        QCOMPARE(pages.at(0).at(1).toInt(), 3); // loaded so far, kept or not
        QCOMPARE(pages.at(1).at(1).toInt(), 5);
        QCOMPARE(pages.at(1).at(0).value<QList<Connector>>().size(), 2);
        QCOMPARE(finished.count(), 1);
        const auto result = finished.first().first().value<ConnectorListResult>();
        QVERIFY(result.ok());
        QCOMPARE(result.count, 5);
        QCOMPARE(result.pages, 2);
        QCOMPARE(result.connectors.size(), keep ? 5 : 0);
        if (keep)
            QCOMPARE(result.connectors.last().id, QStringLiteral("5"));
    }
};

QTEST_GUILESS_MAIN(TestListJob)
#include "tst_list_job.moc"
