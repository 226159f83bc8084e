#pragma once

#include "Vendor.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <optional>

namespace ca {

// Unsaved edits of one connector, autosaved so they survive a failed request, a crash and a
// restart. Identified by (profile, vendor, connectorId).
struct ConnectorDraft
{
    QString profile;
    Vendor vendor = Vendor::Timbal;
    QString connectorId;
    QString connectorName;
    QJsonObject baseDocument; // the editable document the edit started from
    QString baseUpdatedAt;    // its updatedAt stamp, to detect a server-side change on restore
    QJsonObject editedDocument;
    // JSON pointers into the documents whose values are secret ("/configuration/password",
    // "/headers/*/value"; "*" = any one token, a final "**" = any depth).
    QStringList secretPaths;
    QDateTime savedAt; // UTC, set by DraftStore::save()

    // Pointers in editedDocument that hold DraftStore::kSecretNotSaved: after a restore the user
    // must enter these secrets again (the form shows them as missing).
    QStringList unsavedSecretPointers() const;
    // After a restore: secrets the draft left on the server (DraftStore::kSecretStored) are taken
    // from the connector as the server has it now; ones it cannot find become kSecretNotSaved.
    ConnectorDraft withStoredSecretsFrom(const QJsonObject& serverEditable) const;

    // {profile, vendor, connectorId, connectorName, baseDocument, baseUpdatedAt, editedDocument,
    // secretPaths, savedAt}
    QJsonObject toJson() const;
    static std::optional<ConnectorDraft> fromJson(const QJsonObject& object,
                                                  QString* error = nullptr);
};

// One JSON file per draft under <GenericDataLocation>/ConnectorAdmin/drafts/ (0700), named by a
// hash of (profile, vendor, connectorId) so no raw id ever reaches a file name. Each file is
// written whole with QSaveFile (a crash leaves the old or the new draft, never half of one),
// mode 0600.
//
// Secrets: a secret value the user typed is never written. Values at secretPaths in the edited
// document are stored as kSecretNotSaved (typed: must be entered again after a restore) or, when
// equal to the base value, as kSecretStored (refilled from the server by withStoredSecretsFrom).
// The base document's secrets are stored as kSecretStored too: no secret value reaches the disk.
class DraftStore
{
public:
    static const QString kSecretNotSaved; // SecretMarker::draftNotSaved: typed, must be re-entered
    static const QString kSecretStored;   // SecretMarker::draftStored: as on the server, refilled

    static QString defaultDirectory(); // <GenericDataLocation>/ConnectorAdmin/drafts
    explicit DraftStore(const QString& directory = defaultDirectory());

    QString directory() const { return m_directory; }
    // "<32 hex digits>.json" from SHA-256 of the key.
    static QString fileNameFor(const QString& profile, Vendor vendor, const QString& connectorId);
    QString filePathFor(const QString& profile, Vendor vendor, const QString& connectorId) const;

    // Replaces the draft of that connector; stamps savedAt. False with *error on failure.
    bool save(const ConnectorDraft& draft, QString* error = nullptr);
    // The draft exactly as save() writes it (secrets replaced), for callers and tests.
    static ConnectorDraft sanitized(const ConnectorDraft& draft);
    // False when there was no draft (or it could not be removed).
    bool remove(const QString& profile, Vendor vendor, const QString& connectorId);
    // nullopt when there is none or it cannot be read (then *error says why). A file that is not
    // a draft of ours (truncated, garbage, too large) is kept aside as
    // "<file>.unreadable-<time>" (SafeFile keepAside), and *error says where.
    std::optional<ConnectorDraft> load(const QString& profile, Vendor vendor,
                                       const QString& connectorId, QString* error = nullptr) const;
    // Every readable draft, newest first. Unreadable files (truncated, garbage, foreign) are
    // skipped, never fatal, and kept aside as load() does; their paths and reasons go to
    // *unreadable ("path: reason; kept as …") and to a warning in the "ca.drafts" category.
    QList<ConnectorDraft> all(QStringList* unreadable = nullptr) const;
    // Removes every draft (and temporary files a crashed save left behind).
    void clear();

private:
    QString m_directory;
};

// Debounced autosave for an editor: scheduleSave() on every edit, flush() on close. The first
// scheduleSave() starts a single-shot timer (it is not restarted by later edits, so during
// continuous typing at most `delay` of edits is at risk); when it fires, the latest draft of each
// connector is written once.
class DraftAutosaver : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultDelayMs = 800;

    // `store` must outlive the autosaver.
    explicit DraftAutosaver(DraftStore* store, int delayMs = kDefaultDelayMs,
                            QObject* parent = nullptr);
    ~DraftAutosaver() override; // flushes

    void scheduleSave(const ConnectorDraft& draft);
    // Writes every pending draft now. False if any write failed (see saveFailed()).
    bool flush();
    // Drops a pending save and removes the stored draft (after a successful apply or a discard),
    // so a late timer cannot bring it back.
    void discard(const QString& profile, Vendor vendor, const QString& connectorId);

    bool hasPending() const { return !m_pending.isEmpty(); }
    int writeCount() const { return m_writeCount; } // files written so far
    int delayMs() const { return m_timer.interval(); }

signals:
    void saved(const QString& profile, ca::Vendor vendor, const QString& connectorId);
    void saveFailed(const QString& error);

private:
    DraftStore* m_store;
    QTimer m_timer;
    QHash<QString, ConnectorDraft> m_pending; // by file name
    int m_writeCount = 0;
};

} // namespace ca
