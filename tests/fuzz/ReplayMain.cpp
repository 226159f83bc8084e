// main() of a harness in a normal (non-libFuzzer) build: runs every file named on the command
// line, or found directly inside a directory named there, through LLVMFuzzerTestOneInput once.
// A crash or failed invariant aborts; an argument that yields no input at all fails too, so a
// missing corpus cannot pass silently. libFuzzer binaries take the same arguments with -runs=0.
#include "FuzzSupport.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cstdio>

namespace {
bool runFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return false;
    }
    const QByteArray bytes = file.readAll();
    std::fprintf(stderr, "running %s (%lld bytes)\n", qPrintable(path),
                 static_cast<long long>(bytes.size()));
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.constData()),
                           size_t(bytes.size()));
    return true;
}
} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    int total = 0;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        int ran = 0;
        if (QFileInfo(arg).isDir()) {
            const QFileInfoList files =
                QDir(arg).entryInfoList(QDir::Files | QDir::Hidden, QDir::Name);
            for (const QFileInfo& f : files) {
                if (f.fileName().startsWith(QLatin1Char('.')))
                    continue; // .gitkeep and editor droppings
                if (!runFile(f.filePath()))
                    return 1;
                ++ran;
            }
        } else if (runFile(arg)) {
            ran = 1;
        }
        if (ran == 0) {
            std::fprintf(stderr, "no input in %s\n", argv[i]);
            return 1;
        }
        total += ran;
    }
    std::fprintf(stderr, "%d input(s) ran cleanly\n", total);
    return 0;
}
