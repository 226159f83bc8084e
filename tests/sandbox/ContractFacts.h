#pragma once

// Table-driven contract facts: one row = one request to the sandbox and what the vendor's real
// API answers to it, named after the fact and its source (VERIFIED.md's citations). The rows of
// a facts_data() table are run by runFact(); placeholders such as {online} in the path, body and
// expectations are replaced by the test's resolver (usually an id picked from /_sandbox/state).

#include "JsonExpect.h"
#include "SandboxProcess.h"
#include "TestHttp.h"
#include "VendorContract.h"

#include <QRegularExpression>
#include <QtTest>

#include <functional>

namespace contract {

using Resolver = std::function<QString(const QString& name)>;

inline void addFactColumns()
{
    QTest::addColumn<QString>("vendor");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");    // with the vendor prefix, placeholders allowed
    QTest::addColumn<QByteArray>("body"); // raw; empty = none
    QTest::addColumn<QString>("tweaks");  // request changes, see requestHeaders()
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expect");  // JsonExpect.h expectations on the body
    QTest::addColumn<QString>("headers"); // expectations on the answer's headers
    QTest::addColumn<bool>("unchanged");  // the stored state must be byte-identical after
}

// One row. `name` says the fact and, in parentheses, where it comes from.
inline void fact(const char* name, const QString& vendor, const QByteArray& method,
                 const QString& path, const QByteArray& body, const QString& tweaks, int status,
                 const QString& expect, const QString& headers = {}, bool unchanged = false)
{
    QTest::newRow(name) << vendor << method << path << body << tweaks << status << expect << headers
                        << unchanged;
}

// The vendor's valid headers changed by `tweaks` (" ; "-separated):
//   key=readonly|wrong|none   the credential is the read-only key, a wrong one, or absent
//   -Name                     drop that header
//   +Name: value              add (or replace) that header
inline Headers requestHeaders(const QString& vendor, const QString& tweaks)
{
    Headers h = authHeaders(vendor);
    auto drop = [&h](const QByteArray& name) {
        h.removeIf([&](const auto& p) { return p.first.compare(name, Qt::CaseInsensitive) == 0; });
    };
    for (const QString& raw : tweaks.split(QStringLiteral(" ; "), Qt::SkipEmptyParts)) {
        const QString t = raw.trimmed();
        if (t.startsWith(QLatin1String("key="))) {
            const QString which = t.mid(4);
            const QByteArray cred = credentialHeader(vendor);
            drop(cred);
            if (which == QLatin1String("readonly"))
                h.append({cred, credentialValue(vendor, kReadOnlyKey)});
            else if (which == QLatin1String("wrong"))
                h.append({cred, credentialValue(vendor, kWrongKey)});
            else if (which != QLatin1String("none"))
                qFatal("bad tweak %s", qPrintable(t));
        } else if (t.startsWith(QLatin1Char('-'))) {
            drop(t.mid(1).toLatin1());
        } else if (t.startsWith(QLatin1Char('+'))) {
            const qsizetype colon = t.indexOf(QLatin1Char(':'));
            const QByteArray name = t.mid(1, colon - 1).trimmed().toLatin1();
            drop(name);
            h.append({name, t.mid(colon + 1).trimmed().toUtf8()});
        } else {
            qFatal("bad tweak %s", qPrintable(t));
        }
    }
    return h;
}

// Expectations on the answer's headers (" ; "-separated, names case-insensitive):
//   Name=value (exact)   Name~text (contains)   Name! (absent)   Name? (present)
inline QString headerError(const TestResponse& r, const QString& expectations)
{
    auto has = [&r](const QByteArray& name) {
        for (const auto& [k, v] : r.headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    };
    for (const QString& raw : expectations.split(QStringLiteral(" ; "), Qt::SkipEmptyParts)) {
        const QString e = raw.trimmed();
        const qsizetype eq = e.indexOf(QLatin1Char('='));
        const qsizetype tilde = e.indexOf(QLatin1Char('~'));
        if (e.endsWith(QLatin1Char('!')) || e.endsWith(QLatin1Char('?'))) {
            const QByteArray name = e.chopped(1).toLatin1();
            if (has(name) != e.endsWith(QLatin1Char('?')))
                return QStringLiteral("header %1 %2")
                    .arg(QString::fromLatin1(name),
                         has(name) ? QStringLiteral("present") : QStringLiteral("absent"));
        } else if (eq > 0 && (tilde < 0 || eq < tilde)) {
            const QByteArray name = e.left(eq).toLatin1();
            if (!has(name) || r.header(name) != e.mid(eq + 1).toUtf8())
                return QStringLiteral("header %1: want '%2', got '%3'")
                    .arg(QString::fromLatin1(name), e.mid(eq + 1),
                         QString::fromUtf8(r.header(name)));
        } else if (tilde > 0) {
            const QByteArray name = e.left(tilde).toLatin1();
            if (!r.header(name).contains(e.mid(tilde + 1).toUtf8()))
                return QStringLiteral("header %1: want it to contain '%2', got '%3'")
                    .arg(QString::fromLatin1(name), e.mid(tilde + 1),
                         QString::fromUtf8(r.header(name)));
        } else {
            return QStringLiteral("bad header expectation: ") + e;
        }
    }
    return {};
}

// Replaces every "{name}" by resolve(name); fails the test when a name cannot be resolved.
inline bool substitute(QString* text, const Resolver& resolve)
{
    static const QRegularExpression re(QStringLiteral("\\{([a-z][a-z0-9_.-]*)\\}"));
    for (;;) {
        const QRegularExpressionMatch m = re.match(*text);
        if (!m.hasMatch())
            return true;
        const QString value = resolve(m.captured(1));
        if (value.isEmpty()) {
            qWarning("no value for placeholder {%s}", qPrintable(m.captured(1)));
            return false;
        }
        text->replace(m.capturedStart(), m.capturedLength(), value);
    }
}

// Runs the current row of a table built with addFactColumns().
inline void runFact(const SandboxProcess& sb, const Resolver& resolve)
{
    QFETCH(QString, vendor);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, tweaks);
    QFETCH(int, status);
    QFETCH(QString, expect);
    QFETCH(QString, headers);
    QFETCH(bool, unchanged);
    QString bodyText = QString::fromUtf8(body);
    QVERIFY(substitute(&path, resolve));
    QVERIFY(substitute(&bodyText, resolve));
    QVERIFY(substitute(&expect, resolve));
    QVERIFY(substitute(&headers, resolve));

    const QByteArray before = unchanged ? stateBytes(sb) : QByteArray();
    const TestResponse r =
        TestHttp::request(method, sb.url(path), requestHeaders(vendor, tweaks), bodyText.toUtf8());
    QVERIFY2(r.finished, "no answer");
    QVERIFY2(r.status == status, qPrintable(QStringLiteral("%1 %2: status %3, body %4")
                                                .arg(QString::fromLatin1(method), path)
                                                .arg(r.status)
                                                .arg(QString::fromUtf8(r.body.left(500)))));
    const QString e = expectationError(r.body, expect);
    QVERIFY2(e.isEmpty(), qPrintable(e));
    const QString he = headerError(r, headers);
    QVERIFY2(he.isEmpty(), qPrintable(he));
    if (unchanged)
        QVERIFY2(stateBytes(sb) == before, "the request changed the stored state");
}

// The first record of `vendor` in /_sandbox/state that satisfies `pred`, as an id ("" if none).
inline QString stateId(const SandboxProcess& sb, const QString& vendor,
                       const std::function<bool(const QJsonObject&)>& pred)
{
    const QJsonArray all =
        TestHttp::getJson(sb.url(QStringLiteral("/_sandbox/state?vendor=") + vendor))
            .value(vendor)
            .toArray();
    for (const QJsonValue& v : all) {
        if (pred(v.toObject()))
            return idOf(vendor, v.toObject());
    }
    return {};
}

} // namespace contract
