#include "PrivateFile.h"

#include <QDir>
#include <QFile>
#include <QFileDevice>
#include <QFileInfo>
#include <QStringList>

#include <algorithm>
#include <utility>

#ifdef Q_OS_WIN
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <io.h> // _get_osfhandle
#include <windows.h>

#include <string>
#else
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef Q_OS_LINUX
#include <sys/resource.h>
#endif
#endif

namespace ca {

namespace {

#ifdef Q_OS_WIN
QString systemReason(DWORD code = GetLastError())
{
    return qt_error_string(int(code));
}

std::wstring nativePath(const QString& path)
{
    return QDir::toNativeSeparators(path).toStdWString();
}

// Windows byte-range locks are mandatory: the lock byte lies far past the end of any log, so
// holding it never blocks another writer's append or a reader.
constexpr DWORD kLockOffsetHigh = 0x7fffffff;
#else
QString systemReason(int code = errno)
{
    return QString::fromLocal8Bit(strerror(code));
}
#endif

void setReason(QString* reason, const QString& text)
{
    if (reason)
        *reason = text;
}

// Creates one directory, private to the user. False with *reason unless it exists now.
bool makePrivateDirectory(const QString& dir, QString* reason)
{
#ifdef Q_OS_WIN
    // No mode: the directory inherits the access list of its parent, the user's profile.
    if (CreateDirectoryW(nativePath(dir).c_str(), nullptr) ||
        GetLastError() == ERROR_ALREADY_EXISTS)
        return true;
    setReason(reason, systemReason());
    return false;
#else
    if (::mkdir(QFile::encodeName(dir).constData(), 0700) == 0 || errno == EEXIST)
        return true;
    setReason(reason, systemReason());
    return false;
#endif
}

} // namespace

PrivateFile::~PrivateFile()
{
    close();
}

PrivateFile::PrivateFile(PrivateFile&& other) noexcept
{
    *this = std::move(other);
}

PrivateFile& PrivateFile::operator=(PrivateFile&& other) noexcept
{
    if (this != &other) {
        close();
#ifdef Q_OS_WIN
        std::swap(m_handle, other.m_handle);
#else
        std::swap(m_fd, other.m_fd);
#endif
    }
    return *this;
}

#ifdef Q_OS_WIN

bool PrivateFile::open(const QString& path, QString* reason)
{
    close();
    // Not inheritable (no security attributes), like O_CLOEXEC. FILE_SHARE_DELETE lets another
    // writer rotate the file while this handle is open, as a rename does on POSIX.
    const HANDLE h = CreateFileW(nativePath(path).c_str(), GENERIC_READ | GENERIC_WRITE,
                                 FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                 OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
        setReason(reason, systemReason());
        return false;
    }
    m_handle = h;
    return true;
}

void PrivateFile::close()
{
    if (m_handle) {
        CloseHandle(static_cast<HANDLE>(m_handle));
        m_handle = nullptr;
    }
}

bool PrivateFile::isOpen() const
{
    return m_handle != nullptr;
}

qint64 PrivateFile::size() const
{
    LARGE_INTEGER size{};
    if (!m_handle || !GetFileSizeEx(static_cast<HANDLE>(m_handle), &size))
        return -1;
    return size.QuadPart;
}

std::optional<char> PrivateFile::byteAt(qint64 offset) const
{
    if (!m_handle)
        return std::nullopt;
    OVERLAPPED at{};
    at.Offset = DWORD(quint64(offset) & 0xffffffffu);
    at.OffsetHigh = DWORD(quint64(offset) >> 32);
    char byte = 0;
    DWORD read = 0;
    if (!ReadFile(static_cast<HANDLE>(m_handle), &byte, 1, &read, &at) || read != 1)
        return std::nullopt;
    return byte;
}

bool PrivateFile::append(const QByteArray& bytes, QString* reason)
{
    for (qsizetype done = 0; done < bytes.size();) {
        // Both offsets 0xffffffff: written at the end of the file as it is then, whatever other
        // handles appended (the documented equivalent of FILE_APPEND_DATA).
        OVERLAPPED atEnd{};
        atEnd.Offset = 0xffffffffu;
        atEnd.OffsetHigh = 0xffffffffu;
        const DWORD chunk = DWORD(std::min<qsizetype>(bytes.size() - done, 1 << 30));
        DWORD written = 0;
        if (!m_handle || !WriteFile(static_cast<HANDLE>(m_handle), bytes.constData() + done, chunk,
                                    &written, &atEnd)) {
            setReason(reason, systemReason());
            return false;
        }
        if (written == 0) {
            setReason(reason, systemReason(ERROR_WRITE_FAULT));
            return false;
        }
        done += written;
    }
    return true;
}

bool PrivateFile::sync(QString* reason)
{
    if (m_handle && FlushFileBuffers(static_cast<HANDLE>(m_handle)))
        return true;
    setReason(reason, systemReason());
    return false;
}

bool PrivateFile::lockExclusive()
{
    OVERLAPPED lockByte{};
    lockByte.OffsetHigh = kLockOffsetHigh;
    // Without LOCKFILE_FAIL_IMMEDIATELY on a synchronous handle: waits for the lock.
    return m_handle &&
           LockFileEx(static_cast<HANDLE>(m_handle), LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &lockByte);
}

void PrivateFile::unlock()
{
    OVERLAPPED lockByte{};
    lockByte.OffsetHigh = kLockOffsetHigh;
    if (m_handle)
        UnlockFileEx(static_cast<HANDLE>(m_handle), 0, 1, 0, &lockByte);
}

bool PrivateFile::isStillAt(const QString& path) const
{
    BY_HANDLE_FILE_INFORMATION mine{};
    if (!m_handle || !GetFileInformationByHandle(static_cast<HANDLE>(m_handle), &mine))
        return false;
    const HANDLE named = CreateFileW(nativePath(path).c_str(), FILE_READ_ATTRIBUTES,
                                     FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                     nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (named == INVALID_HANDLE_VALUE)
        return false;
    BY_HANDLE_FILE_INFORMATION theirs{};
    const bool known = GetFileInformationByHandle(named, &theirs);
    CloseHandle(named);
    return known && mine.dwVolumeSerialNumber == theirs.dwVolumeSerialNumber &&
           mine.nFileIndexHigh == theirs.nFileIndexHigh &&
           mine.nFileIndexLow == theirs.nFileIndexLow;
}

bool renameReplacing(const QString& from, const QString& to, QString* reason)
{
    // Fails while a handle without FILE_SHARE_DELETE (a QFile reader) has either file open; the
    // audit writer then appends to the full file and rotates with a later batch.
    if (MoveFileExW(nativePath(from).c_str(), nativePath(to).c_str(), MOVEFILE_REPLACE_EXISTING))
        return true;
    setReason(reason, systemReason());
    return false;
}

void restrictToOwner(QFileDevice& file)
{
    Q_UNUSED(file); // the file has its directory's access list
}

bool syncToDisk(QFileDevice& file, QString* reason)
{
    const HANDLE h = reinterpret_cast<HANDLE>(_get_osfhandle(file.handle()));
    if (h != INVALID_HANDLE_VALUE && FlushFileBuffers(h))
        return true;
    setReason(reason, systemReason());
    return false;
}

bool processIsRunning(qint64 pid)
{
    if (pid <= 0)
        return false;
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid));
    if (!process)
        return GetLastError() == ERROR_ACCESS_DENIED; // exists, but not ours to query
    DWORD code = 0;
    const bool running = GetExitCodeProcess(process, &code) && code == STILL_ACTIVE;
    CloseHandle(process);
    return running;
}

void lowerCurrentThreadPriority(int steps)
{
    Q_UNUSED(steps); // Windows has a few priority classes, not nice levels
    SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL);
}

#else // POSIX

bool PrivateFile::open(const QString& path, QString* reason)
{
    close();
    // O_APPEND: each write() lands whole at the end, never interleaved with another process's.
    // O_NOFOLLOW: a link planted at `path` is refused (ELOOP), never written through.
    m_fd = ::open(QFile::encodeName(path).constData(),
                  O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m_fd < 0) {
        setReason(reason, systemReason());
        return false;
    }
    struct stat st
    {
    };
    if (::fstat(m_fd, &st) != 0)
        st = {};
    if ((st.st_mode & 0777) != 0600)
        ::fchmod(m_fd, 0600);
    return true;
}

void PrivateFile::close()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

bool PrivateFile::isOpen() const
{
    return m_fd >= 0;
}

qint64 PrivateFile::size() const
{
    struct stat st
    {
    };
    if (m_fd < 0 || ::fstat(m_fd, &st) != 0)
        return -1;
    return st.st_size;
}

std::optional<char> PrivateFile::byteAt(qint64 offset) const
{
    char byte = 0;
    if (m_fd < 0 || ::pread(m_fd, &byte, 1, offset) != 1)
        return std::nullopt;
    return byte;
}

bool PrivateFile::append(const QByteArray& bytes, QString* reason)
{
    for (qsizetype done = 0; done < bytes.size();) {
        const ssize_t n = ::write(m_fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            setReason(reason, systemReason(n < 0 ? errno : EIO));
            return false;
        }
        done += n;
    }
    return true;
}

bool PrivateFile::sync(QString* reason)
{
    if (::fsync(m_fd) == 0)
        return true;
    setReason(reason, systemReason());
    return false;
}

bool PrivateFile::lockExclusive()
{
    return ::flock(m_fd, LOCK_EX) == 0;
}

void PrivateFile::unlock()
{
    ::flock(m_fd, LOCK_UN);
}

bool PrivateFile::isStillAt(const QString& path) const
{
    struct stat opened
    {
    };
    struct stat named
    {
    };
    return m_fd >= 0 && ::fstat(m_fd, &opened) == 0 &&
           ::stat(QFile::encodeName(path).constData(), &named) == 0 &&
           named.st_ino == opened.st_ino && named.st_dev == opened.st_dev;
}

bool renameReplacing(const QString& from, const QString& to, QString* reason)
{
    if (::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) == 0)
        return true;
    setReason(reason, systemReason());
    return false;
}

void restrictToOwner(QFileDevice& file)
{
    ::fchmod(file.handle(), 0600);
}

bool syncToDisk(QFileDevice& file, QString* reason)
{
    if (::fsync(file.handle()) == 0)
        return true;
    setReason(reason, systemReason());
    return false;
}

bool processIsRunning(qint64 pid)
{
    if (pid <= 0)
        return false;
    // Signal 0 checks without sending; EPERM: it exists under another user.
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

void lowerCurrentThreadPriority(int steps)
{
#ifdef Q_OS_LINUX
    // Linux threads have their own nice value (setpriority on the thread id).
    errno = 0;
    int nice = ::getpriority(PRIO_PROCESS, 0);
    if (errno != 0)
        nice = 0;
    ::setpriority(PRIO_PROCESS, ::gettid(), std::min(19, nice + steps));
#else
    Q_UNUSED(steps);
#endif
}

#endif

bool ensurePrivateDirectory(const QString& path, QString* error)
{
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    if (QFileInfo(absolute).isDir())
        return true;
    // Create from the first missing ancestor down, each 0700.
    QStringList missing;
    QString current = absolute;
    while (!QFileInfo::exists(current)) {
        missing.prepend(current);
        const QString parent = QFileInfo(current).path();
        if (parent == current)
            break;
        current = parent;
    }
    for (const QString& dir : std::as_const(missing)) {
        QString reason;
        if (!makePrivateDirectory(dir, &reason)) {
            if (error)
                *error = QStringLiteral("cannot create directory %1: %2").arg(dir, reason);
            return false;
        }
    }
    if (!QFileInfo(absolute).isDir()) {
        if (error)
            *error = QStringLiteral("%1 is not a directory").arg(absolute);
        return false;
    }
    return true;
}

} // namespace ca
