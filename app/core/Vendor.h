#pragma once

#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

namespace ca {

// The five vendors. Their ids are used everywhere: CLI, settings, sandbox prefixes, file names.
enum class Vendor
{
    Timbal,
    AiSquared,
    B3os,
    Databar,
    Bigdata
};

QList<Vendor> allVendors();
QString vendorId(Vendor v); // "timbal", "aisquared", ...
std::optional<Vendor> vendorFromId(const QString& id);
QString vendorDisplayName(Vendor v); // "Timbal", "AI Squared", ...
QUrl vendorDefaultBaseUrl(Vendor v); // the vendor's production URL

} // namespace ca
