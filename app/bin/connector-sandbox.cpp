#include <QCoreApplication>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    return 0; // STUB: replaced by the sandbox's main (see docs/sandbox.md)
}
