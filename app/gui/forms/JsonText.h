#pragma once

#include <QFont>
#include <QJsonValue>
#include <QString>

namespace ca {

// The outcome of reading what a person typed into a JSON editor.
struct JsonTextParse
{
    bool empty = false; // only white space
    bool ok = false;    // parsed (an empty text is not ok)
    QJsonValue value;   // the parsed value when ok
    int line = 0;       // 1-based position of the parse error, when not ok and not empty
    int column = 0;
    QString error; // Qt's words for the parse error

    // "line 3, column 5: missing value separator", or empty when ok.
    QString message() const;
};

// Any JSON value (Qt's parser takes objects and arrays only; scalars are wrapped to be read).
JsonTextParse parseJsonText(const QString& text);

// Text for a JSON editor: objects and arrays indented, other values as JSON literals.
QString jsonEditorText(const QJsonValue& value);

// The system's fixed-pitch font, for JSON and template editors.
QFont editorMonospaceFont();

} // namespace ca
