// SchemaValidator (valijson under the vendors' editable-document schemas) on arbitrary
// documents. Input layout:
//   byte 0  which vendor's schema: a Vendor, modulo 5
//   rest    the document (JSON; anything unparsable is validated as a JSON string)
#include "FuzzSupport.h"

#include "SchemaValidator.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace ca;
using ca::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    fuzz::ensureApplication();
    fuzz::InputReader in(data, size);
    const Vendor vendor = allVendors().at(in.byte() % allVendors().size());
    const QByteArray bytes = in.rest();
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    const QJsonValue document =
        error.error != QJsonParseError::NoError
            ? QJsonValue(QString::fromUtf8(bytes))
            : (doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()));
    const SchemaValidator validator = SchemaValidator::forVendor(vendor);
    check(validator.isLoaded(), "a vendor schema did not load");
    for (const FieldProblem& p : validator.validate(document)) {
        check(p.path.isEmpty() || p.path.startsWith(QLatin1Char('/')),
              "a problem path that is not a JSON pointer");
        check(!p.message.isEmpty(), "a problem without a message");
    }
    return 0;
}
