#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace ca {

// One field of a connector's editable document set, appended to, pruned or deleted: the core of a
// change set ("connectorctl set", the window's bulk edit), which applies one FieldEdit to many
// documents.
//
// The path is an RFC 6901 pointer in which a token may also be
// - "[key=value]": the one object item of an array whose member `key` is the string `value` (or
//   the number written `value`); "~1" and "~0" escape as in any token;
// - "-" as the last token: append to the array before it (RFC 6902).
class FieldEdit
{
public:
    enum class Op
    {
        Set,         // the value at the path becomes `value` (a missing member is created)
        Append,      // `value` joins the array at the path unless an equal item is in it
        RemoveValue, // every item equal to `value` leaves the array at the path
        Delete       // the member or item at the path is removed
    };

    // nullopt and *error set when `path` is not a pointer or a selector is malformed.
    static std::optional<FieldEdit> parse(const QString& path, QString* error);

    const QString& path() const { return m_path; }
    // "/headers[name=X-Api-Key]/value": keyed items as in ConnectorDiff's DiffEntry::path.
    QString displayPath() const;

    // Applies the edit to *document. Returns true when it changed; false when it already had that
    // state (a value already set or appended, nothing to remove or delete), and false with *error
    // set when the path does not fit the document (document unchanged). Const and stateless, so
    // one parsed edit serves every connector of a change set.
    // `written` (may be null) receives the plain pointers ("/headers/2/value") of the values this
    // call wrote, empty when none, for the caller to mark secret where the value is.
    // With a trailing "-", Set means Append; RemoveValue and Delete refuse it.
    // Delete and RemoveValue treat a missing last token (member, index, or a selector matching
    // nothing) as already done; a missing parent is an error for every operation.
    bool apply(QJsonObject* document, Op op, const QJsonValue& value, QString* error,
               QStringList* written = nullptr) const;

private:
    struct Step
    {
        enum Kind
        {
            Key,      // an object member, or an array index
            Selector, // [key=value]
            End       // "-"
        } kind = Key;
        QString key;
        QString value; // Selector only
    };

    enum class Found;
    // Finds `step` in `container` (shown as `where`); *token: the plain pointer token of the value
    // found, or of the member to create when an object lacks it.
    static Found locate(const QJsonValue& container, const Step& step, const QString& where,
                        QString* token, QString* message);
    // The display path of the first `steps` steps.
    QString displayOf(qsizetype steps) const;

    QString m_path;
    QList<Step> m_steps;
};

} // namespace ca
