#include "AiSquaredContracts.h"

#include "AiSquaredCatalog.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace sandbox::aisquared {

qint64 rubyToI(const QString& s)
{
    qsizetype i = 0;
    while (i < s.size() && s.at(i).isSpace())
        ++i;
    bool negative = false;
    if (i < s.size() && (s.at(i) == QLatin1Char('-') || s.at(i) == QLatin1Char('+')))
        negative = s.at(i++) == QLatin1Char('-');
    qint64 n = 0;
    while (i < s.size() && s.at(i).isDigit() && n < (qint64(1) << 40))
        n = n * 10 + s.at(i++).digitValue();
    return negative ? -n : n;
}

std::optional<qint64> paramsInteger(const QString& s)
{
    static const QRegularExpression re(QStringLiteral("^\\s*[+-]?\\d+\\s*$"));
    if (!re.match(s).hasMatch())
        return std::nullopt;
    return rubyToI(s);
}

QString toQuery(const QMap<QString, QString>& params)
{
    QStringList parts;
    for (auto it = params.begin(); it != params.end(); ++it) {
        auto esc = [](const QString& s) {
            return QString::fromLatin1(QUrl::toPercentEncoding(s).replace("%20", "+"));
        };
        parts << esc(it.key()) + QLatin1Char('=') + esc(it.value());
    }
    return parts.join(QLatin1Char('&'));
}

ContractResult indexContract(const QMap<QString, QString>& query)
{
    ContractResult out;
    if (query.contains(QStringLiteral("type"))) {
        const QString type = query.value(QStringLiteral("type"));
        if (type.isEmpty())
            out.errors = {{QStringLiteral("type"), QJsonArray{QStringLiteral("must be filled")}}};
        else if (type.toLower() != kSource && type.toLower() != kDestination)
            out.errors = {{QStringLiteral("type"), QJsonArray{QStringLiteral("invalid type")}}};
    }
    return out;
}

ContractResult itemContract(const QString& idSegment, bool write, const QJsonObject& body,
                            bool jsonBody)
{
    ContractResult out;
    QJsonObject& errors = out.errors;
    out.id = paramsInteger(idSegment);
    if (!out.id)
        errors.insert(QStringLiteral("id"), QJsonArray{QStringLiteral("must be an integer")});
    QJsonObject& connector = out.connector;
    if (write) {
        // wrap_parameters (Rails 7.1 default): a JSON body without "connector" is wrapped under
        // it, keeping only Connector's attribute names.
        QJsonValue connectorValue(QJsonValue::Undefined);
        if (body.contains(QLatin1String("connector"))) {
            connectorValue = body.value(QLatin1String("connector"));
        } else if (jsonBody) {
            static const QStringList attributes = {QStringLiteral("id"),
                                                   QStringLiteral("workspace_id"),
                                                   QStringLiteral("connector_type"),
                                                   QStringLiteral("connector_definition_id"),
                                                   QStringLiteral("configuration"),
                                                   QStringLiteral("name"),
                                                   QStringLiteral("created_at"),
                                                   QStringLiteral("updated_at"),
                                                   QStringLiteral("connector_name"),
                                                   QStringLiteral("description"),
                                                   QStringLiteral("connector_category"),
                                                   QStringLiteral("connector_sub_category")};
            QJsonObject wrapped;
            for (const QString& a : attributes) {
                if (body.contains(a))
                    wrapped.insert(a, body.value(a));
            }
            connectorValue = wrapped;
        }
        QJsonObject fieldErrors;
        if (connectorValue.isUndefined()) {
            errors.insert(QStringLiteral("connector"), QJsonArray{QStringLiteral("is missing")});
        } else if (!connectorValue.isObject()) {
            errors.insert(QStringLiteral("connector"),
                          QJsonArray{QStringLiteral("must be a hash")});
        } else {
            connector = connectorValue.toObject();
            for (const char* key : {"name", "connector_name", "connector_type"}) {
                const QJsonValue v = connector.value(QLatin1String(key));
                if (v.isUndefined())
                    continue;
                if (v.isNull() || (v.isString() && v.toString().isEmpty()))
                    fieldErrors.insert(QLatin1String(key),
                                       QJsonArray{QStringLiteral("must be filled")});
                else if (!v.isString())
                    fieldErrors.insert(QLatin1String(key),
                                       QJsonArray{QStringLiteral("must be a string")});
            }
            const QJsonValue configuration = connector.value(QLatin1String("configuration"));
            if (!configuration.isUndefined()) {
                if (configuration.isNull() ||
                    (configuration.isObject() && configuration.toObject().isEmpty()))
                    fieldErrors.insert(QStringLiteral("configuration"),
                                       QJsonArray{QStringLiteral("must be filled")});
                else if (!configuration.isObject())
                    fieldErrors.insert(QStringLiteral("configuration"),
                                       QJsonArray{QStringLiteral("must be a hash")});
            }
            // The rules run only on keys whose schema passed.
            const QJsonValue type = connector.value(QLatin1String("connector_type"));
            if (type.isString() && !fieldErrors.contains(QLatin1String("connector_type"))) {
                const QString t = type.toString().toLower();
                const QString name = connector.value(QLatin1String("connector_name")).toString();
                QJsonArray messages;
                if (t != kSource && t != kDestination)
                    messages.append(QStringLiteral("invalid connector type"));
                else if (t == kSource && !enabledSources().contains(name))
                    messages.append(QStringLiteral("invalid connector source name"));
                else if (t == kDestination && !enabledDestinations().contains(name))
                    messages.append(QStringLiteral("invalid connector destination name"));
                if (!messages.isEmpty())
                    fieldErrors.insert(QStringLiteral("connector_type"), messages);
            }
        }
        if (!fieldErrors.isEmpty())
            errors.insert(QStringLiteral("connector"), fieldErrors);
    }
    return out;
}

bool knownWorkspace(const QByteArray& workspaceId)
{
    static const QRegularExpression numeric(QStringLiteral("^\\s*[+-]?\\d"));
    const QString text = QString::fromLatin1(workspaceId);
    return numeric.match(text).hasMatch() && rubyToI(text) == kWorkspace;
}

namespace {

// ConnectorType.include?(value.downcase): the rule every definitions contract has on type.
bool connectorType(const QString& type)
{
    return type.toLower() == kSource || type.toLower() == kDestination;
}

// A params schema's filled(:string) on a query value.
QString filledString(const QMap<QString, QString>& query, const QString& key, bool required)
{
    if (!query.contains(key))
        return required ? QStringLiteral("is missing") : QString();
    return query.value(key).isEmpty() ? QStringLiteral("must be filled") : QString();
}

} // namespace

QJsonObject definitionsIndexContract(const QMap<QString, QString>& query)
{
    QJsonObject errors;
    const QString type = filledString(query, QStringLiteral("type"), false);
    if (!type.isEmpty())
        errors.insert(QStringLiteral("type"), QJsonArray{type});
    else if (query.contains(QStringLiteral("type")) &&
             !connectorType(query.value(QStringLiteral("type"))))
        errors.insert(QStringLiteral("type"), QJsonArray{QStringLiteral("invalid connector type")});
    const QString page = filledString(query, QStringLiteral("page"), false);
    if (!page.isEmpty())
        errors.insert(QStringLiteral("page"), QJsonArray{page});
    else if (query.contains(QStringLiteral("page")) &&
             !paramsInteger(query.value(QStringLiteral("page"))))
        errors.insert(QStringLiteral("page"), QJsonArray{QStringLiteral("must be an integer")});
    return errors;
}

QJsonObject definitionShowContract(const QMap<QString, QString>& query)
{
    QJsonObject errors;
    const QString type = filledString(query, QStringLiteral("type"), true);
    if (!type.isEmpty())
        errors.insert(QStringLiteral("type"), QJsonArray{type});
    else if (!connectorType(query.value(QStringLiteral("type"))))
        errors.insert(QStringLiteral("type"), QJsonArray{QStringLiteral("invalid connector type")});
    return errors;
}

QJsonObject checkConnectionContract(const QJsonObject& params)
{
    QJsonObject errors;
    for (const char* key : {"name", "type"}) {
        const QJsonValue v = params.value(QLatin1String(key));
        if (v.isUndefined())
            errors.insert(QLatin1String(key), QJsonArray{QStringLiteral("is missing")});
        else if (v.isNull() || (v.isString() && v.toString().isEmpty()))
            errors.insert(QLatin1String(key), QJsonArray{QStringLiteral("must be filled")});
        else if (!v.isString())
            errors.insert(QLatin1String(key), QJsonArray{QStringLiteral("must be a string")});
    }
    const QJsonValue spec = params.value(QLatin1String("connection_spec"));
    if (spec.isUndefined())
        errors.insert(QStringLiteral("connection_spec"), QJsonArray{QStringLiteral("is missing")});
    else if (spec.isNull() || (spec.isObject() && spec.toObject().isEmpty()) ||
             (spec.isString() && spec.toString().isEmpty()))
        errors.insert(QStringLiteral("connection_spec"),
                      QJsonArray{QStringLiteral("must be filled")});
    else if (!spec.isObject())
        errors.insert(QStringLiteral("connection_spec"),
                      QJsonArray{QStringLiteral("must be a hash")});

    // The rules run only on keys whose schema passed.
    const QString type = params.value(QLatin1String("type")).toString();
    const QString name = params.value(QLatin1String("name")).toString();
    if (!errors.contains(QLatin1String("type")) && !connectorType(type))
        errors.insert(QStringLiteral("type"), QJsonArray{QStringLiteral("invalid connector type")});
    if (!errors.contains(QLatin1String("type")) && !errors.contains(QLatin1String("name"))) {
        // rule(:name, :type) compares the type as sent: "Source" passes the type rule, not this.
        if (type == kSource && !enabledSources().contains(name))
            errors.insert(QStringLiteral("name"),
                          QJsonArray{QStringLiteral("invalid connector source name")});
        else if (type == kDestination && !enabledDestinations().contains(name))
            errors.insert(QStringLiteral("name"),
                          QJsonArray{QStringLiteral("invalid connector destination name")});
    }
    return errors;
}

} // namespace sandbox::aisquared
