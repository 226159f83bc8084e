#include "Semver.h"

#include <QtTest>

using namespace ca;

// Versions as semver.org 2.0.0 defines them, plus the leading "v" Timbal accepts.
class TestSemver : public QObject
{
    Q_OBJECT

private slots:
    void parsesValidVersions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("bare");
        QTest::newRow("bare") << "0.1.3"
                              << "0.1.3";
        QTest::newRow("v prefix") << "v0.1.3"
                                  << "0.1.3";
        QTest::newRow("surrounding spaces") << "  1.2.3 "
                                            << "1.2.3";
        QTest::newRow("pre-release") << "1.0.0-alpha.1"
                                     << "1.0.0-alpha.1";
        QTest::newRow("build") << "1.0.0+20130313144700"
                               << "1.0.0+20130313144700";
        QTest::newRow("pre-release and build") << "v1.0.0-beta+exp.sha.5114f85"
                                               << "1.0.0-beta+exp.sha.5114f85";
        QTest::newRow("hyphen in identifier") << "1.0.0-x-y-z.--"
                                              << "1.0.0-x-y-z.--";
        QTest::newRow("large numbers") << "10.20.300"
                                       << "10.20.300";
    }
    void parsesValidVersions()
    {
        QFETCH(QString, text);
        QFETCH(QString, bare);
        QString error;
        const auto v = Semver::parse(text, &error);
        QVERIFY2(v.has_value(), qPrintable(error));
        QCOMPARE(v->toString(), bare);
        QCOMPARE(Semver::normalized(text), bare);
    }

    void rejectsInvalidVersions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("empty") << ""
                               << "no version given";
        QTest::newRow("two parts") << "0.1"
                                   << "MAJOR.MINOR.PATCH";
        QTest::newRow("four parts") << "0.1.3.4"
                                    << "MAJOR.MINOR.PATCH";
        QTest::newRow("letters") << "0.a.3"
                                 << "minor version 'a' is not a number";
        QTest::newRow("leading zero") << "01.1.3"
                                      << "major version '01' has a leading zero";
        QTest::newRow("negative") << "0.1.-3"
                                  << "patch version '' is not a number";
        QTest::newRow("empty pre-release") << "1.0.0-"
                                           << "empty identifier";
        QTest::newRow("empty pre-release id") << "1.0.0-alpha..1"
                                              << "empty identifier";
        QTest::newRow("pre-release leading zero") << "1.0.0-01"
                                                  << "leading zero";
        QTest::newRow("bad character") << "1.0.0-al_pha"
                                       << "may only contain";
        QTest::newRow("empty build") << "1.0.0+"
                                     << "empty identifier";
        QTest::newRow("too large") << "99999999999999999999.0.0"
                                   << "too large";
        QTest::newRow("latest is not a version") << "latest"
                                                 << "is not a version";
        QTest::newRow("double v") << "vv0.1.3"
                                  << "is not a number";
    }
    void rejectsInvalidVersions()
    {
        QFETCH(QString, text);
        QFETCH(QString, errorPart);
        QString error;
        QVERIFY(!Semver::parse(text, &error).has_value());
        QVERIFY2(error.contains(errorPart), qPrintable(error));
        QVERIFY(!Semver::isValid(text));
        QVERIFY(Semver::normalized(text).isEmpty());
    }

    void comparesByPrecedence_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::addColumn<int>("expected");
        QTest::newRow("equal with v") << "v0.1.3"
                                      << "0.1.3" << 0;
        QTest::newRow("patch") << "0.1.2"
                               << "0.1.3" << -1;
        QTest::newRow("minor beats patch") << "0.2.0"
                                           << "0.1.9" << 1;
        QTest::newRow("major") << "1.0.0"
                               << "0.99.99" << 1;
        QTest::newRow("numeric not text") << "0.10.0"
                                          << "0.9.0" << 1;
        QTest::newRow("pre-release lower") << "1.0.0-alpha"
                                           << "1.0.0" << -1;
        QTest::newRow("alpha < alpha.1") << "1.0.0-alpha"
                                         << "1.0.0-alpha.1" << -1;
        QTest::newRow("alpha.1 < alpha.beta") << "1.0.0-alpha.1"
                                              << "1.0.0-alpha.beta" << -1;
        QTest::newRow("beta.2 < beta.11") << "1.0.0-beta.2"
                                          << "1.0.0-beta.11" << -1;
        QTest::newRow("beta.11 < rc.1") << "1.0.0-beta.11"
                                        << "1.0.0-rc.1" << -1;
        QTest::newRow("build ignored") << "1.0.0+a"
                                       << "1.0.0+b" << 0;
    }
    void comparesByPrecedence()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        QFETCH(int, expected);
        const auto c = Semver::compare(a, b);
        QVERIFY(c.has_value());
        QCOMPARE(*c, expected);
        QCOMPARE(*Semver::compare(b, a), -expected);
    }

    void compareOfInvalidIsEmpty()
    {
        QVERIFY(!Semver::compare(QStringLiteral("0.1"), QStringLiteral("0.1.0")).has_value());
    }
};

QTEST_GUILESS_MAIN(TestSemver)
#include "tst_semver.moc"
