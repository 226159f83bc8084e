#pragma once

#include "Banner.h"
#include "DraftStore.h"

class QPushButton;

namespace ca {

// The strip above the list that offers the unsaved edits an earlier session left (a crash, a
// kill): which one is next, and Restore / Discard. Hidden while there are none.
class DraftBanner : public Banner
{
    Q_OBJECT
public:
    explicit DraftBanner(QWidget* parent = nullptr);

    // `nextLoaded`: the first draft's connector is in the list, so it can be restored now.
    void showDrafts(const QList<ConnectorDraft>& pending, bool nextLoaded);

signals:
    void restoreRequested();
    void discardRequested();

private:
    QPushButton* m_restore = nullptr;
};

} // namespace ca
