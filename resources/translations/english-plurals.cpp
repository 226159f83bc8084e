// Fills the English plural forms of a `lupdate -pluralonly` file, so "%n connector(s)" reads
// "1 connector" / "40 connectors". Build-time tool: english-plurals IN.ts OUT.ts
#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QTextStream>

namespace {

// "(s)" becomes "" or "s"; a "were" after it agrees with the count.
QString form(QString source, bool plural)
{
    const qsizetype marker = source.indexOf(QStringLiteral("(s)"));
    const qsizetype were = source.indexOf(QStringLiteral(" were "), marker);
    if (!plural && marker >= 0 && were > marker)
        source.replace(were, 6, QStringLiteral(" was "));
    source.replace(QStringLiteral("(s)"), plural ? QStringLiteral("s") : QString());
    return source;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        QTextStream(stderr) << "usage: english-plurals IN.ts OUT.ts\n";
        return 2;
    }
    QFile in(QString::fromLocal8Bit(argv[1]));
    if (!in.open(QIODevice::ReadOnly)) {
        QTextStream(stderr) << "english-plurals: cannot read " << in.fileName() << '\n';
        return 1;
    }
    QString ts = QString::fromUtf8(in.readAll());
    static const QRegularExpression message(
        QStringLiteral("(<message numerus=\"yes\">\\s*<source>(.*?)</source>)\\s*<translation[^>]*>"
                       ".*?</translation>"),
        QRegularExpression::DotMatchesEverythingOption);
    QString out;
    qsizetype last = 0;
    for (auto it = message.globalMatch(ts); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const QString source = m.captured(2); // XML-escaped; the edits keep it that way
        out += ts.mid(last, m.capturedStart() - last);
        out += m.captured(1) + QStringLiteral("\n        <translation><numerusform>") +
               form(source, false) + QStringLiteral("</numerusform><numerusform>") +
               form(source, true) + QStringLiteral("</numerusform></translation>");
        last = m.capturedEnd();
    }
    out += ts.mid(last);
    QFile file(QString::fromLocal8Bit(argv[2]));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(out.toUtf8()) < 0) {
        QTextStream(stderr) << "english-plurals: cannot write " << file.fileName() << '\n';
        return 1;
    }
    return 0;
}
