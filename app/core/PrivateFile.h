#pragma once

// The operating-system calls of the audit log and the drafts, in one place: POSIX, or Win32
// under Q_OS_WIN. Reasons given through `reason` are the system's own text (strerror, or
// FormatMessage on Windows), for callers to put into their messages.

#include <QByteArray>
#include <QString>
#include <QtGlobal>

#include <optional>

class QFileDevice;

namespace ca {

// An append-only file that only its owner can read (0600). Every append() lands whole at the
// end of the file, never inside another process's append (O_APPEND; FILE_APPEND_DATA
// semantics on Windows). Closed by its destructor.
class PrivateFile
{
public:
    PrivateFile() = default;
    ~PrivateFile();
    PrivateFile(PrivateFile&& other) noexcept;
    PrivateFile& operator=(PrivateFile&& other) noexcept;
    PrivateFile(const PrivateFile&) = delete;
    PrivateFile& operator=(const PrivateFile&) = delete;

    // Opens `path` for appending, creating it 0600; an existing file is set back to 0600. A
    // symbolic link at `path` is not followed: open fails (POSIX; Windows follows it). On
    // Windows the file inherits its directory's access list instead, and is opened so that other
    // handles may read, append and rename it (the rotation of another writer).
    bool open(const QString& path, QString* reason);
    void close();
    bool isOpen() const;

    qint64 size() const;                                   // -1 when unknown
    std::optional<char> byteAt(qint64 offset) const;       // nullopt when it cannot be read
    bool append(const QByteArray& bytes, QString* reason); // all of it, or false
    bool sync(QString* reason);                            // to the disk (fsync)

    // An advisory lock shared by every PrivateFile of the same file, in any process: waits
    // until no other holds it. On Windows it covers one byte far past any data, so appends by
    // others are not blocked while it is held.
    bool lockExclusive();
    void unlock();

    // Whether `path` still names this open file: false once another writer renamed it away.
    bool isStillAt(const QString& path) const;

private:
#ifdef Q_OS_WIN
    void* m_handle = nullptr; // HANDLE
#else
    int m_fd = -1;
#endif
};

// Renames `from` to `to`, replacing `to`. `from` may be open as a PrivateFile (in this or another
// process) while it moves.
bool renameReplacing(const QString& from, const QString& to, QString* reason);

// Creates `path` and any missing parent with mode 0700 (existing directories are left alone).
// On Windows the directories inherit the parent's access list (the user's profile).
bool ensurePrivateDirectory(const QString& path, QString* error = nullptr);

// Forces what was written to an open file onto the disk (fsync; FlushFileBuffers on Windows).
// QSaveFile::commit() syncs too but ignores the result, so a caller that must know calls this
// before commit(). False with the system's reason.
bool syncToDisk(QFileDevice& file, QString* reason);

// Restricts an open file, e.g. QSaveFile's temporary, to its owner (0600) before anything is
// written to it. On Windows the file already has its directory's access list: nothing to do.
void restrictToOwner(QFileDevice& file);

// Whether a process with this id runs on this machine now (an audit intent's writer: still
// sending, or gone). False for ids <= 0.
bool processIsRunning(qint64 pid);

// Lowers the calling thread's scheduling priority by `steps` nice levels below the process's (a
// background writer should not compete with the threads that talk to the user or the network).
// Linux and Windows; elsewhere threads keep the process's priority.
void lowerCurrentThreadPriority(int steps);

} // namespace ca
