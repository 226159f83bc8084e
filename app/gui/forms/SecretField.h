#pragma once

#include <QJsonValue>
#include <QWidget>

class QComboBox;
class QLineEdit;

namespace ca {

// One secret value with an explicit choice of what happens to it: keep the stored value (shown
// masked, never editable), replace it (typed into a password entry), or clear it (""). A value
// without a stored one (a new entry) is just typed. The mask is never given out as a new value.
//
// Children: "secretState" (QComboBox, hidden for a new entry), "secretEdit" (QLineEdit).
class SecretField : public QWidget
{
    Q_OBJECT
public:
    enum class State
    {
        Keep,
        Replace,
        Clear
    };
    Q_ENUM(State)

    explicit SecretField(QWidget* parent = nullptr);

    // A stored value exists (masked or not): keep / replace / clear, "keep" selected.
    void setStored(const QJsonValue& stored);
    // No stored value: the entry holds the value itself.
    void setNew(const QString& value = {});
    QJsonValue storedValue() const { return m_stored; }
    bool hasStored() const { return m_hasStored; }
    // Takes over `other`'s stored value, choice and typed text (the same secret shown in another
    // view of the document).
    void copyStateFrom(const SecretField& other);
    // setStored(stored), then the choice an edit of it made: unchanged (or Undefined) keeps, ""
    // clears, anything else replaces (the text shown unless it is a mask).
    void setStoredAndEdited(const QJsonValue& stored, const QJsonValue& edited);

    State state() const;
    void setState(State state);

    // Keep: the stored value. Replace: the typed text (the stored value while the text is empty
    // or a mask, which problem() then reports). Clear: "".
    QJsonValue value() const;
    // A fragment describing what is wrong ("type the new value, or choose Keep or Clear"), or "".
    QString problem() const;

    // Names the controls for assistive technology ("password: what to do with the stored value").
    void setAccessibleLabel(const QString& label);

    QComboBox* stateCombo() const { return m_state; }
    QLineEdit* valueEdit() const { return m_edit; }

    // What vendors send instead of a secret (SecretRules::looksLikeVendorMask()).
    static bool looksMasked(const QString& text);

signals:
    void changed();

private:
    void showState();

    QComboBox* m_state = nullptr;
    QLineEdit* m_edit = nullptr;
    QJsonValue m_stored;
    bool m_hasStored = false;
};

} // namespace ca
