#pragma once

#include <QByteArrayView>
#include <QString>
#include <optional>

namespace ca {

// Reads one member of a JSON object text without building the document: the next page's cursor
// of a list answer is needed before the (much slower) full parse, so the next request can be on
// the wire while this page is parsed. Skips nested values, strings and escapes exactly; does not
// validate the rest of the text (the full parse that follows does).
//
// Returns the value of the first top-level member named `key` when it is a JSON string (escapes
// decoded); nullopt when the text is not an object, the member is absent or not a string, or the
// text ends early.
std::optional<QString> peekTopLevelString(QByteArrayView json, QByteArrayView key);

} // namespace ca
