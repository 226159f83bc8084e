// ConnectorDiff and ThreeWayMerge on documents they never saw. Input layout:
//   byte 0  whose diff rules (keyed arrays, secret paths) apply: a Vendor, modulo 5
//   rest    two or three JSON documents separated by NUL bytes: before, after[, mine]
// Diff: before -> after (all renderings). Merge: base = before, server = after, mine = the third
// document or, when there is none, after again.
#include "FuzzSupport.h"

#include "ConnectorDiff.h"
#include "ConnectorService.h" // vendorDiffOptions: the vendors' secret rules
#include "ThreeWayMerge.h"

#include <QJsonDocument>

using namespace ca;
using ca::fuzz::check;

namespace {

// Unparsable text still diffs: as a string value.
QJsonValue toValue(const QByteArray& bytes)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return QJsonValue(QString::fromUtf8(bytes));
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
}

void render(const ConnectorDiff& diff)
{
    diff.summaryLine();
    diff.toText();
    diff.sideBySide();
    QJsonDocument(diff.toJson()).toJson(QJsonDocument::Compact);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    fuzz::ensureApplication();
    fuzz::InputReader in(data, size);
    const Vendor vendor = allVendors().at(in.byte() % allVendors().size());
    const QList<QByteArray> parts = in.rest().split('\0');
    const QJsonValue before = toValue(parts.value(0));
    const QJsonValue after = toValue(parts.value(1));
    const QJsonValue mine = parts.size() > 2 ? toValue(parts.at(2)) : after;
    const DiffOptions options = vendorDiffOptions(vendor);

    const ConnectorDiff diff(before, after, options);
    render(diff);
    check(ConnectorDiff(before, before, options).isEmpty(), "a document differs from itself");

    const ThreeWayMerge merge(before.toObject(), after.toObject(), mine.toObject(), options);
    merge.toText();
    QJsonDocument(merge.toJson()).toJson(QJsonDocument::Compact);
    // Nobody changed anything on one side: nothing can conflict.
    check(ThreeWayMerge(before.toObject(), before.toObject(), mine.toObject(), options).isClean(),
          "merging an untouched server side conflicted");
    return 0;
}
