#include "Profile.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QRegularExpression>

namespace ca {

namespace {
// lupdate sees this context; free functions below translate through it.
struct Text
{
    Q_DECLARE_TR_FUNCTIONS(Profile)
};
} // namespace

QJsonObject Profile::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name}, {QStringLiteral("vendor"), vendorId(vendor)}};
    if (!baseUrl.isEmpty())
        o.insert(QStringLiteral("baseUrl"), baseUrl.toString());
    if (!orgId.isEmpty())
        o.insert(QStringLiteral("orgId"), orgId);
    if (!workspaceId.isEmpty())
        o.insert(QStringLiteral("workspaceId"), workspaceId);
    return o;
}

bool Profile::fromJson(const QJsonObject& json, Profile* out, QString* error)
{
    Profile p;
    p.name = json.value(QStringLiteral("name")).toString();
    const QString vendor = json.value(QStringLiteral("vendor")).toString();
    const auto v = vendorFromId(vendor);
    if (!v) {
        *error = Text::tr("profile '%1': unknown vendor '%2' (expected timbal, aisquared, b3os, "
                          "databar or bigdata)")
                     .arg(p.name, vendor);
        return false;
    }
    p.vendor = *v;
    const QString url = json.value(QStringLiteral("baseUrl")).toString();
    if (!url.isEmpty())
        p.baseUrl = QUrl(url, QUrl::StrictMode);
    p.orgId = json.value(QStringLiteral("orgId")).toString();
    p.workspaceId = json.value(QStringLiteral("workspaceId")).toString();
    const QString problem = validateProfile(p);
    if (!problem.isEmpty()) {
        *error = problem;
        return false;
    }
    *out = p;
    return true;
}

bool vendorNeedsOrg(Vendor v)
{
    return v == Vendor::Timbal;
}

bool vendorTakesOrg(Vendor v)
{
    return v == Vendor::Timbal || v == Vendor::B3os;
}

bool vendorNeedsWorkspace(Vendor v)
{
    return v == Vendor::AiSquared;
}

bool isValidProfileName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    return re.match(name).hasMatch();
}

bool isLoopbackHost(const QString& host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

QString validateProfile(const Profile& p)
{
    if (!isValidProfileName(p.name))
        return Text::tr(
                   "profile name '%1' is not valid: use 1 to 64 letters, digits, '.', '-' or '_'")
            .arg(p.name);
    if (!p.baseUrl.isEmpty()) {
        const QUrl& u = p.baseUrl;
        if (!u.isValid() || u.host().isEmpty())
            return Text::tr("profile '%1': base URL '%2' is not a valid URL")
                .arg(p.name, u.toString());
        if (u.scheme() != QLatin1String("https") &&
            !(u.scheme() == QLatin1String("http") && isLoopbackHost(u.host())))
            return Text::tr(
                       "profile '%1': base URL must use https:// (plain http is allowed only for "
                       "127.0.0.1/localhost)")
                .arg(p.name);
        if (!u.userInfo().isEmpty())
            return Text::tr("profile '%1': base URL must not contain a user name or password")
                .arg(p.name);
    }
    if (vendorNeedsOrg(p.vendor) && p.orgId.trimmed().isEmpty())
        return Text::tr("profile '%1': %2 needs an organization id (--org)")
            .arg(p.name, vendorDisplayName(p.vendor));
    if (vendorNeedsWorkspace(p.vendor) && p.workspaceId.trimmed().isEmpty())
        return Text::tr("profile '%1': AI Squared needs a workspace id (--workspace)").arg(p.name);
    return {};
}

} // namespace ca
