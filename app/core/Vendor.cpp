#include "Vendor.h"

namespace ca {

QList<Vendor> allVendors()
{
    return {Vendor::Timbal, Vendor::AiSquared, Vendor::B3os, Vendor::Databar, Vendor::Bigdata};
}

QString vendorId(Vendor v)
{
    switch (v) {
    case Vendor::Timbal:
        return QStringLiteral("timbal");
    case Vendor::AiSquared:
        return QStringLiteral("aisquared");
    case Vendor::B3os:
        return QStringLiteral("b3os");
    case Vendor::Databar:
        return QStringLiteral("databar");
    case Vendor::Bigdata:
        return QStringLiteral("bigdata");
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<Vendor> vendorFromId(const QString& id)
{
    for (Vendor v : allVendors()) {
        if (vendorId(v) == id)
            return v;
    }
    return std::nullopt;
}

QString vendorDisplayName(Vendor v)
{
    switch (v) {
    case Vendor::Timbal:
        return QStringLiteral("Timbal");
    case Vendor::AiSquared:
        return QStringLiteral("AI Squared");
    case Vendor::B3os:
        return QStringLiteral("B3OS");
    case Vendor::Databar:
        return QStringLiteral("Databar");
    case Vendor::Bigdata:
        return QStringLiteral("Bigdata.com");
    }
    Q_UNREACHABLE();
    return {};
}

QUrl vendorDefaultBaseUrl(Vendor v)
{
    switch (v) {
    case Vendor::Timbal:
        return QUrl(QStringLiteral("https://api.timbal.ai"));
    case Vendor::AiSquared:
        return QUrl(QStringLiteral("https://api.squared.ai"));
    case Vendor::B3os:
        return QUrl(QStringLiteral("https://api.b3os.org"));
    case Vendor::Databar:
        return QUrl(QStringLiteral("https://api.databar.ai"));
    case Vendor::Bigdata:
        return QUrl(QStringLiteral("https://api.bigdata.com"));
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace ca
