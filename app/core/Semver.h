#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace ca {

// A semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH[-PRE.RELEASE][+BUILD]. A leading "v"
// is accepted on input ("v0.1.3", as Timbal's update endpoint does) and dropped on output.
struct Semver
{
    quint64 major = 0;
    quint64 minor = 0;
    quint64 patch = 0;
    QStringList preRelease; // dot-separated identifiers after '-'
    QStringList build;      // dot-separated identifiers after '+' (ignored when comparing)

    // nullopt with *error (one sentence, says what is wrong) when `text` is not a version.
    static std::optional<Semver> parse(const QString& text, QString* error = nullptr);
    static bool isValid(const QString& text) { return parse(text).has_value(); }
    // The bare form ("v0.1.3" -> "0.1.3"); empty when `text` is not a version.
    static QString normalized(const QString& text);
    // Precedence comparison of two version texts: <0, 0, >0; nullopt if either is invalid.
    static std::optional<int> compare(const QString& a, const QString& b);

    QString toString() const; // bare, build metadata included
    // Precedence per semver.org §11: <0, 0, >0. Build metadata is ignored.
    int compare(const Semver& other) const;

    bool operator==(const Semver& other) const { return compare(other) == 0; }
    bool operator<(const Semver& other) const { return compare(other) < 0; }
};

} // namespace ca

Q_DECLARE_METATYPE(ca::Semver)
