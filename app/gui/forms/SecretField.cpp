#include "SecretField.h"

#include "Secrets.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>

namespace ca {

SecretField::SecretField(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);

    m_state = new QComboBox(this);
    m_state->setObjectName(QStringLiteral("secretState"));
    m_state->addItem(tr("Keep stored value"), int(State::Keep));
    m_state->addItem(tr("Replace"), int(State::Replace));
    m_state->addItem(tr("Clear"), int(State::Clear));
    m_state->setToolTip(tr("What saving does with the stored secret"));
    m_state->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    layout->addWidget(m_state);

    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("secretEdit"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setMinimumWidth(120);
    layout->addWidget(m_edit, 1);
    setFocusProxy(m_state);

    connect(m_state, &QComboBox::currentIndexChanged, this, [this] {
        showState();
        if (state() == State::Replace && m_state->hasFocus())
            m_edit->setFocus(Qt::OtherFocusReason);
        emit changed();
    });
    connect(m_edit, &QLineEdit::textChanged, this, &SecretField::changed);
    setNew();
}

void SecretField::setStored(const QJsonValue& stored)
{
    const QSignalBlocker b1(m_state);
    const QSignalBlocker b2(m_edit);
    m_stored = stored;
    m_hasStored = true;
    m_state->setVisible(true);
    m_state->setCurrentIndex(m_state->findData(int(State::Keep)));
    setFocusProxy(m_state);
    showState();
}

void SecretField::setNew(const QString& value)
{
    const QSignalBlocker b1(m_state);
    const QSignalBlocker b2(m_edit);
    m_stored = QJsonValue();
    m_hasStored = false;
    m_state->setVisible(false);
    m_state->setCurrentIndex(m_state->findData(int(State::Replace)));
    setFocusProxy(m_edit);
    showState();
    m_edit->setText(value);
}

SecretField::State SecretField::state() const
{
    return State(m_state->currentData().toInt());
}

void SecretField::setState(State state)
{
    if (!m_hasStored)
        return;
    m_state->setCurrentIndex(m_state->findData(int(state)));
}

void SecretField::showState()
{
    const State s = state();
    m_edit->setEnabled(s == State::Replace);
    m_edit->setReadOnly(s != State::Replace);
    if (s != State::Replace)
        m_edit->clear(); // a value typed for "replace" does not linger behind "keep"
    if (!m_hasStored)
        m_edit->setPlaceholderText(tr("value"));
    else if (s == State::Keep)
        m_edit->setPlaceholderText(SecretMarker::vendorMask); // shown masked, never the value
    else if (s == State::Clear)
        m_edit->setPlaceholderText(tr("(cleared when saved)"));
    else
        m_edit->setPlaceholderText(tr("new value"));
}

void SecretField::copyStateFrom(const SecretField& other)
{
    if (other.m_hasStored) {
        setStored(other.m_stored);
        setState(other.state());
    } else {
        setNew();
    }
    if (other.state() == State::Replace)
        m_edit->setText(other.m_edit->text());
}

void SecretField::setStoredAndEdited(const QJsonValue& stored, const QJsonValue& edited)
{
    setStored(stored);
    if (edited.isUndefined() || edited == stored)
        return;
    const QString text = edited.toString();
    setState(text.isEmpty() ? State::Clear : State::Replace);
    if (!text.isEmpty() && !looksMasked(text))
        m_edit->setText(text);
}

bool SecretField::looksMasked(const QString& text)
{
    return SecretRules::looksLikeVendorMask(text);
}

QJsonValue SecretField::value() const
{
    switch (state()) {
    case State::Keep:
        return m_stored;
    case State::Clear:
        return QString();
    case State::Replace:
        break;
    }
    const QString typed = m_edit->text();
    if (m_hasStored && (typed.isEmpty() || looksMasked(typed)))
        return m_stored;
    if (!m_hasStored && looksMasked(typed))
        return QString();
    return typed;
}

QString SecretField::problem() const
{
    if (state() != State::Replace)
        return {};
    const QString typed = m_edit->text();
    if (looksMasked(typed))
        return tr("holds a mask, not a value: type the real value");
    if (m_hasStored && typed.isEmpty())
        return tr("type the new value, or choose Keep stored value or Clear");
    return {};
}

void SecretField::setAccessibleLabel(const QString& label)
{
    m_state->setAccessibleName(tr("%1: what to do with the stored value").arg(label));
    m_edit->setAccessibleName(tr("%1: new value").arg(label));
}

} // namespace ca
