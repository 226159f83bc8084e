#include "Handlers.h"

namespace sandbox {
namespace {

// STUB: to be replaced by the real Databar implementation (see docs/sandbox.md).
class DatabarHandler final : public VendorHandler
{
public:
    QString vendorId() const override { return QStringLiteral("databar"); }
    void reset(const SandboxOptions&) override {}
    SandboxReply handle(const SandboxRequest&) override
    {
        return SandboxReply::json(501, QJsonObject{{QStringLiteral("error"), QStringLiteral("not implemented")}});
    }
    QJsonArray state() const override { return {}; }
};

} // namespace

std::unique_ptr<VendorHandler> makeDatabarHandler()
{
    return std::make_unique<DatabarHandler>();
}

} // namespace sandbox
