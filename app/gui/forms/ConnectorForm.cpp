#include "ConnectorForm.h"

#include "Appearance.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLayoutItem>
#include <QStyle>

#include <algorithm>

namespace ca {

namespace {
// Only fields marked with the dynamic property "problem" get a red border: every other widget
// keeps the platform style. Spin boxes and combo boxes lose their arrows under a border rule, so
// they are tinted instead (setProblemMark).
const char* const kProblemStyle =
    "QLineEdit[problem=\"true\"], QPlainTextEdit[problem=\"true\"],"
    " QAbstractItemView[problem=\"true\"] { border: 2px solid #c62828; }";

QString capitalized(QString s)
{
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

QString plainLabel(QString label)
{
    label.remove(QLatin1Char('&'));
    if (label.endsWith(QLatin1Char(':')))
        label.chop(1);
    return label.trimmed();
}

void setProblemMark(QWidget* w, bool on)
{
    if (w->property("problem").toBool() == on)
        return;
    w->setProperty("problem", on);
    if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w))
        w->setStyleSheet(on ? tone::problemField() : QString());
    w->style()->unpolish(w);
    w->style()->polish(w);
    w->update();
}
} // namespace

ConnectorForm::ConnectorForm(Vendor vendor, QWidget* parent)
    : QWidget(parent), m_vendor(vendor), m_schema(SchemaValidator::forVendor(vendor))
{
    m_connector.vendor = vendor;
    setStyleSheet(QLatin1String(kProblemStyle));
}

ConnectorForm::~ConnectorForm() = default;

void ConnectorForm::setConnector(const Connector& connector)
{
    m_connector = connector;
    m_serverErrors.clear();
    m_filling = true;
    fillWidgets(connector);
    m_filling = false;
    revalidate();
}

void ConnectorForm::setConnector(const Connector& base, const QJsonObject& edited)
{
    // The widgets show the edit; "modified" and "keep stored secret" still refer to the base.
    Connector shown = base;
    shown.editable = edited;
    m_connector = base;
    m_serverErrors.clear();
    m_filling = true;
    fillWidgets(shown);
    m_filling = false;
    revalidate();
    emit changed();
}

QJsonObject ConnectorForm::editedDocument() const
{
    return buildDocument();
}

bool ConnectorForm::isModified() const
{
    return editedDocument() != m_connector.editable;
}

void ConnectorForm::showServerErrors(const QList<QPair<QString, QString>>& pathMessages)
{
    const QJsonValue document(editedDocument());
    m_serverErrors.clear();
    for (const auto& [path, message] : pathMessages)
        m_serverErrors.append(
            {{path, tr("%1 (server)").arg(message)}, jsonValueAt(document, path)});
    revalidate();
}

void ConnectorForm::bindField(const QString& pointer, QWidget* input, QLabel* message,
                              const QString& label, const QString& itemNoun)
{
    for (int i = 0; i < m_bindings.size(); ++i) {
        if (m_bindings.at(i).pointer == pointer) {
            m_bindings.removeAt(i);
            break;
        }
    }
    if (message) {
        message->setWordWrap(true);
        message->setTextFormat(Qt::PlainText);
        message->setStyleSheet(tone::errorText());
        message->setTextInteractionFlags(Qt::TextSelectableByMouse);
        message->hide();
    }
    m_bindings.append({pointer, input, message, plainLabel(label), itemNoun,
                       input ? input->toolTip() : QString()});
}

void ConnectorForm::unbindFieldsUnder(const QString& pointer)
{
    for (int i = int(m_bindings.size()) - 1; i >= 0; --i) {
        const QString& p = m_bindings.at(i).pointer;
        if (p == pointer || p.startsWith(pointer + QLatin1Char('/')))
            m_bindings.removeAt(i);
    }
}

const ConnectorForm::Binding* ConnectorForm::bindingFor(const QString& pointer) const
{
    const Binding* best = nullptr;
    for (const Binding& b : m_bindings) {
        const bool covers = b.pointer.isEmpty() || pointer == b.pointer ||
                            pointer.startsWith(b.pointer + QLatin1Char('/'));
        if (covers && (!best || b.pointer.size() > best->pointer.size()))
            best = &b;
    }
    return best;
}

QString ConnectorForm::fieldLabel(const QString& pointer) const
{
    const Binding* b = bindingFor(pointer);
    return b ? b->label : pointer;
}

// "Header 2 name: needs a name" for "/headers/1/name" at the headers field.
QString ConnectorForm::describeWithin(const Binding& binding, const FieldProblem& problem) const
{
    if (problem.path == binding.pointer)
        return problem.message;
    QStringList tokens = jsonPointerTokens(problem.path.mid(binding.pointer.size()));
    QString where;
    bool ok = false;
    const int index = tokens.first().toInt(&ok);
    if (ok && !binding.itemNoun.isEmpty()) {
        where = QStringLiteral("%1 %2").arg(binding.itemNoun).arg(index + 1);
        tokens.removeFirst();
        if (!tokens.isEmpty())
            where += QLatin1Char(' ') + tokens.join(QLatin1Char('.'));
    } else {
        where = tokens.join(QLatin1Char('.'));
    }
    return QStringLiteral("%1: %2").arg(where, problem.message);
}

void ConnectorForm::onEdited()
{
    if (m_filling)
        return;
    revalidate();
    emit changed();
}

void ConnectorForm::revalidate()
{
    if (m_filling)
        return;
    const QJsonObject document = editedDocument();
    // A server error stays until the user changes what it was about.
    for (int i = int(m_serverErrors.size()) - 1; i >= 0; --i) {
        const ServerError& e = m_serverErrors.at(i);
        if (jsonValueAt(QJsonValue(document), e.problem.path) != e.valueWhenShown)
            m_serverErrors.removeAt(i);
    }
    QList<FieldProblem> problems = m_schema.validate(document);
    for (const FieldProblem& p : widgetProblems()) {
        if (!problems.contains(p))
            problems.append(p);
    }
    for (const ServerError& e : m_serverErrors)
        problems.append(e.problem);
    m_problems = problems;
    present();
    const bool valid = m_problems.isEmpty();
    if (valid != m_valid) {
        m_valid = valid;
        emit validityChanged(valid);
    }
}

void ConnectorForm::present()
{
    // In the order of the fields on the form; problems without a field last.
    QList<FieldProblem> ordered = m_problems;
    const auto rank = [this](const FieldProblem& p) {
        const Binding* b = bindingFor(p.path);
        return b ? int(b - m_bindings.constData()) : int(m_bindings.size());
    };
    std::stable_sort(
        ordered.begin(), ordered.end(),
        [&](const FieldProblem& a, const FieldProblem& b) { return rank(a) < rank(b); });
    QStringList summaryLines;
    QHash<const Binding*, QStringList> atField;
    for (const FieldProblem& p : ordered) {
        const Binding* b = bindingFor(p.path);
        if (b) {
            const QString text = describeWithin(*b, p);
            atField[b] << capitalized(text);
            summaryLines << QStringLiteral("• %1: %2").arg(b->label, text);
        } else {
            summaryLines << QStringLiteral("• %1: %2")
                                .arg(p.path.isEmpty() ? tr("Document") : p.path, p.message);
        }
    }
    // Several pointers may share one widget (Bigdata's /config and /config/allowed_emails).
    QHash<QWidget*, QStringList> perInput;
    QHash<QLabel*, QStringList> perLabel;
    QHash<QWidget*, QString> baseToolTips;
    for (const Binding& b : m_bindings) {
        const QStringList messages = atField.value(&b);
        if (b.input) {
            perInput[b.input] += messages;
            baseToolTips.insert(b.input, b.baseToolTip);
        }
        if (b.message)
            perLabel[b.message] += messages;
    }
    for (auto it = perInput.begin(); it != perInput.end(); ++it) {
        const QString text = it.value().join(QLatin1Char('\n'));
        setProblemMark(it.key(), !text.isEmpty());
        it.key()->setToolTip(text.isEmpty() ? baseToolTips.value(it.key()) : text);
        it.key()->setAccessibleDescription(text);
    }
    for (auto it = perLabel.begin(); it != perLabel.end(); ++it) {
        it.key()->setText(it.value().join(QLatin1Char('\n')));
        it.key()->setVisible(!it.value().isEmpty());
    }
    presentItemProblems(m_problems);
    if (m_summary) {
        m_summary->setStyleSheet(tone::problemSummary());
        m_summary->setTextFormat(Qt::PlainText);
        if (summaryLines.isEmpty()) {
            m_summary->clear();
            m_summary->hide();
        } else {
            m_summary->setText(
                tr("%n problem(s) to fix before saving:", nullptr, int(summaryLines.size())) +
                QLatin1Char('\n') + summaryLines.join(QLatin1Char('\n')));
            m_summary->show();
        }
    }
}

QString ConnectorForm::factText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("—");
    case QJsonValue::Bool:
        return value.toBool() ? tr("yes") : tr("no");
    case QJsonValue::Double: {
        const double d = value.toDouble();
        return d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d);
    }
    case QJsonValue::String:
        return value.toString().isEmpty() ? QStringLiteral("—") : value.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue& v : value.toArray())
            parts << (v.isString()
                          ? v.toString()
                          : QString::fromUtf8(
                                QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact))
                                .mid(1)
                                .chopped(1));
        return parts.isEmpty() ? QStringLiteral("—") : parts.join(QStringLiteral(", "));
    }
    case QJsonValue::Object: {
        const QJsonObject o = value.toObject();
        QStringList lines;
        for (auto it = o.begin(); it != o.end(); ++it)
            lines << QStringLiteral("%1: %2").arg(it.key(), factText(it.value()));
        return lines.isEmpty() ? QStringLiteral("—") : lines.join(QLatin1Char('\n'));
    }
    }
    return {};
}

void ConnectorForm::showFacts(QFormLayout* layout, const QList<Fact>& facts,
                              const QStringList& skipKeys)
{
    while (layout->rowCount() > 0)
        layout->removeRow(0);
    const QJsonValue readOnly(m_connector.readOnly);
    QStringList shownKeys = skipKeys;
    auto addRow = [&](const QString& label, const QString& text, const QString& key) {
        auto* name = new QLabel(label + QLatin1Char(':'));
        auto* value = new QLabel(text);
        value->setObjectName(QStringLiteral("fact_") + key);
        value->setTextFormat(Qt::PlainText);
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        value->setAccessibleName(label);
        name->setBuddy(value);
        layout->addRow(name, value);
    };
    for (const Fact& f : facts) {
        const QString top = f.pointer.mid(1).section(QLatin1Char('/'), 0, 0);
        if (!shownKeys.contains(top) && f.pointer.count(QLatin1Char('/')) == 1)
            shownKeys << top;
        const QJsonValue v = jsonValueAt(readOnly, f.pointer);
        if (v.isUndefined())
            continue;
        addRow(f.label, factText(v), f.pointer.mid(1).replace(QLatin1Char('/'), QLatin1Char('.')));
    }
    for (auto it = m_connector.readOnly.begin(); it != m_connector.readOnly.end(); ++it) {
        if (shownKeys.contains(it.key()))
            continue;
        addRow(it.key(), factText(it.value()), it.key());
    }
}

} // namespace ca
