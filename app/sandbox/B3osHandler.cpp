#include "Handlers.h"

namespace sandbox {
namespace {

// STUB: to be replaced by the real B3os implementation (see docs/sandbox.md).
class B3osHandler final : public VendorHandler
{
public:
    QString vendorId() const override { return QStringLiteral("b3os"); }
    void reset(const SandboxOptions&) override {}
    SandboxReply handle(const SandboxRequest&) override
    {
        return SandboxReply::json(501, QJsonObject{{QStringLiteral("error"), QStringLiteral("not implemented")}});
    }
    QJsonArray state() const override { return {}; }
};

} // namespace

std::unique_ptr<VendorHandler> makeB3osHandler()
{
    return std::make_unique<B3osHandler>();
}

} // namespace sandbox
