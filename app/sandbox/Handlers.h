#pragma once

#include "VendorHandler.h"

#include <QStringList>

#include <memory>

namespace sandbox {

// One factory per vendor; each lives in its own <Vendor>Handler.cpp with all of that vendor's
// rules.
std::unique_ptr<VendorHandler> makeTimbalHandler();
std::unique_ptr<VendorHandler> makeAiSquaredHandler();
std::unique_ptr<VendorHandler> makeB3osHandler();
std::unique_ptr<VendorHandler> makeDatabarHandler();
std::unique_ptr<VendorHandler> makeBigdataHandler();

// The vendor ids, in the order the handlers are made: the sandbox's path prefixes.
inline QStringList vendorIds()
{
    return {QStringLiteral("timbal"), QStringLiteral("aisquared"), QStringLiteral("b3os"),
            QStringLiteral("databar"), QStringLiteral("bigdata")};
}

} // namespace sandbox
