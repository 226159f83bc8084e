#include "Semver.h"

#include <QCoreApplication>

namespace ca {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ca::Semver", text);
}

bool isIdentifierChar(QChar c)
{
    return (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
           (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
           (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || c == QLatin1Char('-');
}

bool isDigits(const QString& s)
{
    if (s.isEmpty())
        return false;
    for (const QChar c : s) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    }
    return true;
}

// One of MAJOR/MINOR/PATCH: digits, no leading zero, fits in 64 bits.
bool parseNumber(const QString& part, const QString& what, quint64* out, QString* error)
{
    if (!isDigits(part)) {
        *error = tr("%1 '%2' is not a number").arg(what, part);
        return false;
    }
    if (part.size() > 1 && part.startsWith(QLatin1Char('0'))) {
        *error = tr("%1 '%2' has a leading zero").arg(what, part);
        return false;
    }
    bool ok = false;
    *out = part.toULongLong(&ok);
    if (!ok) {
        *error = tr("%1 '%2' is too large").arg(what, part);
        return false;
    }
    return true;
}

bool parseIdentifiers(const QString& text, bool preRelease, QStringList* out, QString* error)
{
    const QString what = preRelease ? tr("pre-release") : tr("build metadata");
    const QStringList ids = text.split(QLatin1Char('.'));
    for (const QString& id : ids) {
        if (id.isEmpty()) {
            *error = tr("%1 '%2' has an empty identifier").arg(what, text);
            return false;
        }
        for (const QChar c : id) {
            if (!isIdentifierChar(c)) {
                *error = tr("%1 '%2' may only contain 0-9, A-Z, a-z, '-' and '.'").arg(what, text);
                return false;
            }
        }
        if (preRelease && isDigits(id) && id.size() > 1 && id.startsWith(QLatin1Char('0'))) {
            *error = tr("pre-release identifier '%1' has a leading zero").arg(id);
            return false;
        }
    }
    *out = ids;
    return true;
}

int compareIdentifier(const QString& a, const QString& b)
{
    const bool an = isDigits(a);
    const bool bn = isDigits(b);
    if (an && bn) {
        // No leading zeros: a longer number is larger; same length compares as text.
        if (a.size() != b.size())
            return a.size() < b.size() ? -1 : 1;
        return a.compare(b);
    }
    if (an != bn)
        return an ? -1 : 1; // numeric identifiers have lower precedence
    return a.compare(b);    // ASCII order
}

} // namespace

std::optional<Semver> Semver::parse(const QString& input, QString* error)
{
    QString ignored;
    QString& why = error ? *error : ignored;
    const QString text = input.trimmed();
    if (text.isEmpty()) {
        why = tr("no version given (expected e.g. 0.1.3 or v0.1.3)");
        return std::nullopt;
    }
    QString rest = text;
    if (rest.startsWith(QLatin1Char('v')) || rest.startsWith(QLatin1Char('V')))
        rest.remove(0, 1);

    Semver v;
    const qsizetype plus = rest.indexOf(QLatin1Char('+'));
    if (plus >= 0) {
        if (!parseIdentifiers(rest.mid(plus + 1), false, &v.build, &why))
            return std::nullopt;
        rest.truncate(plus);
    }
    const qsizetype dash = rest.indexOf(QLatin1Char('-'));
    if (dash >= 0) {
        if (!parseIdentifiers(rest.mid(dash + 1), true, &v.preRelease, &why))
            return std::nullopt;
        rest.truncate(dash);
    }
    const QStringList core = rest.split(QLatin1Char('.'));
    if (core.size() != 3) {
        why =
            tr("'%1' is not a version: expected MAJOR.MINOR.PATCH, e.g. 0.1.3 or v0.1.3").arg(text);
        return std::nullopt;
    }
    if (!parseNumber(core.at(0), tr("major version"), &v.major, &why) ||
        !parseNumber(core.at(1), tr("minor version"), &v.minor, &why) ||
        !parseNumber(core.at(2), tr("patch version"), &v.patch, &why))
        return std::nullopt;
    return v;
}

QString Semver::normalized(const QString& text)
{
    const auto v = parse(text);
    return v ? v->toString() : QString();
}

std::optional<int> Semver::compare(const QString& a, const QString& b)
{
    const auto va = parse(a);
    const auto vb = parse(b);
    if (!va || !vb)
        return std::nullopt;
    return va->compare(*vb);
}

QString Semver::toString() const
{
    QString s = QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(patch);
    if (!preRelease.isEmpty())
        s += QLatin1Char('-') + preRelease.join(QLatin1Char('.'));
    if (!build.isEmpty())
        s += QLatin1Char('+') + build.join(QLatin1Char('.'));
    return s;
}

int Semver::compare(const Semver& o) const
{
    if (major != o.major)
        return major < o.major ? -1 : 1;
    if (minor != o.minor)
        return minor < o.minor ? -1 : 1;
    if (patch != o.patch)
        return patch < o.patch ? -1 : 1;
    // A pre-release is lower than the release itself.
    if (preRelease.isEmpty() != o.preRelease.isEmpty())
        return preRelease.isEmpty() ? 1 : -1;
    const qsizetype n = std::min(preRelease.size(), o.preRelease.size());
    for (qsizetype i = 0; i < n; ++i) {
        const int c = compareIdentifier(preRelease.at(i), o.preRelease.at(i));
        if (c != 0)
            return c < 0 ? -1 : 1;
    }
    if (preRelease.size() != o.preRelease.size())
        return preRelease.size() < o.preRelease.size() ? -1 : 1;
    return 0;
}

} // namespace ca
