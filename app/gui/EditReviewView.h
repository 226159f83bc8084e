#pragma once

#include <QWidget>
#include <memory>

namespace Ui {
class EditReviewView;
}

namespace ca {

class ConnectorService;
class EditReview;

// What one edit changes, as reviewed (EditReview): the field-by-field diff, the current document
// beside the request body that would be sent, what the PUT resets by omission, what the server
// computes, and why it cannot be sent. Secrets are masked throughout. The single-connector review
// dialog and the change-set review (one connector of many at a time) both show edits with it.
//
// Children: tabs (changeTree, beforeText, afterText), omissionLabel, serverNotesLabel,
// connectionTestLabel, refusalLabel.
class EditReviewView : public QWidget
{
    Q_OBJECT
public:
    explicit EditReviewView(QWidget* parent = nullptr);
    ~EditReviewView() override;

    // `service` (may be null) says what the server computes itself.
    void showReview(const EditReview& review, const ConnectorService* service);
    // Nothing to show but a sentence (a connector without a reviewed edit): the views are emptied.
    void showNothing(const QString& why);
    // "Connection: tested: succeeded at 14:02" (empty hides it).
    void setConnectionTestNote(const QString& status);

private:
    std::unique_ptr<Ui::EditReviewView> m_ui;
};

} // namespace ca
