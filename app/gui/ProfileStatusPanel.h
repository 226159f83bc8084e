#pragma once

#include "ConnectorCatalog.h"

#include <QHash>
#include <QWidget>

class QVBoxLayout;

namespace ca {

// One compact row per profile: loading progress, "N connectors", or an inline error with Retry,
// and the error's remedy as a button ("Edit profile…", "Replace key…") where it has one.
// Never a dialog: one failing profile does not interrupt the others.
class ProfileStatusPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ProfileStatusPanel(ConnectorCatalog* catalog, QWidget* parent = nullptr);

signals:
    void remedyRequested(const QString& profile, ca::ApiError::Remedy remedy);

private:
    void rebuild();
    void update(const QString& profile);

    ConnectorCatalog* m_catalog;
    QVBoxLayout* m_layout;
    QHash<QString, QWidget*> m_rows;
};

} // namespace ca
