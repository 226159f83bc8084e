#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

class SandboxProcess;

// The fault matrix shared by the GUI and CLI programs: every sandbox fault kind, the outcome each
// must have by the retry rules (HttpJob: GET and PUT are tried up to 3 times on time-outs, broken
// answers, 429 and 502/503/504, honouring Retry-After; 500 and bad bodies are final; a POST is
// sent once), the sandbox control calls and the printed table.
namespace faultmatrix {

// Which request the fault is put on.
enum class Target
{
    ListGet,    // loading the connector list
    Put,        // applying an edit
    UpdatePost, // Timbal software update
};

struct Expectation
{
    bool succeeds = false; // the operation ends well (POST: the update went out)
    QString text;          // words the error (or, on success, the note) must contain; may be empty
    QString tag;           // short outcome for the printed cell ("HTTP 503", "timeout", …)
    int requests = 1;      // matching requests that reach the sandbox
    // Qt's HTTP stack itself resends a GET once when the connection breaks mid-answer (not a
    // PUT or POST), so a reset GET may reach the sandbox up to twice per attempt.
    int maxRequests = 0; // 0: exactly `requests`
    int upTo() const { return maxRequests > 0 ? maxRequests : requests; }
};

struct FaultRow
{
    QString label; // row name in the printed matrix
    QString kind;  // KIND[=ARG][#COUNT]: the spec without its vendor
    Expectation get, put, post;
    bool handlerRuns = true; // docs/sandbox.md: the vendor's state may change, the answer is lost

    // A write whose answer was lost or unreadable: it may have landed.
    bool losesWriteAnswer() const { return handlerRuns && !put.succeeds; }
};

// Every fault kind of docs/sandbox.md, finite (#COUNT) where a retry may recover.
const QList<FaultRow>& faultRows();
const FaultRow* findRow(const QString& label);

QStringList allVendors();      // timbal first
QStringList editableVendors(); // every vendor but timbal

// The list request's path below the vendor prefix (to count list GETs in the log).
QString listPath(const QString& vendor);

// /_sandbox control of one sandbox process.
class SandboxControl
{
public:
    explicit SandboxControl(const SandboxProcess& sandbox) : m_sandbox(sandbox) {}
    bool reset() const;
    bool setFault(const QString& spec, const QString& method) const;
    bool clearFaults() const;
    // Logged requests of `vendor` with `method` (and exactly `path` when given), oldest first.
    QList<QJsonObject> requests(const QString& vendor, const QString& method,
                                const QString& path = {}) const;
    QJsonObject stateOf(const QString& vendor, const QString& id) const;

private:
    const SandboxProcess& m_sandbox;
};

// Answered 2xx in full (no fault, or only a delay): a write the client saw succeed.
int cleanSuccesses(const QList<QJsonObject>& requests);

// The outcome cell for a row that met its expectation, with the requests the sandbox saw.
QString cellFor(const Expectation& e, qsizetype requestsSeen);

// Outcomes by (row, column), printed as a fixed-width table; missing cells print "FAIL".
class OutcomeMatrix
{
public:
    void set(const QString& row, const QString& column, const QString& cell)
    {
        m_cells[row][column] = cell;
    }
    void setRowNote(const QString& row, const QString& note) { m_notes[row] = note; }
    QString render(const QString& title, const QStringList& rows, const QStringList& columns,
                   const QString& noteHeader = {}) const;

private:
    QMap<QString, QMap<QString, QString>> m_cells;
    QMap<QString, QString> m_notes;
};

} // namespace faultmatrix
