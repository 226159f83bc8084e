#pragma once

#include "VendorHandler.h"

#include <QByteArray>

#include <functional>

class QTcpSocket;

// Writes raw HTTP/1.1 answers to a socket, straight or bent by a fault (reset, truncated,
// oversized, drip). Raw bytes rather than QHttpServerResponder: every fault needs control over
// exactly what reaches the wire. The socket belongs to QtHttpServer; all state created here is
// parented to it, so nothing outlives a client that hangs up.
namespace sandbox::delivery {

using Headers = QList<QPair<QByteArray, QByteArray>>;
// Called once when an answer that takes time is over: fully sent, or the client left.
using Finished = std::function<void()>;

QByteArray reasonPhrase(int status);
QByteArray head(int status, const QByteArray& contentType, qint64 contentLength,
                const Headers& extra);

// The whole answer at once. headOnly: a HEAD request gets the head without the body.
void writeReply(QTcpSocket* socket, const SandboxReply& reply, bool headOnly = false);

// Head and part of the body, then a TCP reset (SO_LINGER {1,0} + abort) a moment later.
void writeReset(QTcpSocket* socket, const SandboxReply& reply);

// Head announcing the full length, half of the body, then a normal close.
void writeTruncated(QTcpSocket* socket, const SandboxReply& reply);

// 200 announcing `bytes` of JSON-looking padding, streamed as the socket drains.
void streamOversized(QTcpSocket* socket, qint64 bytes, Finished finished);

// The real answer with its body sent at bytesPerSecond.
void streamDrip(QTcpSocket* socket, const SandboxReply& reply, qint64 bytesPerSecond,
                Finished finished);

} // namespace sandbox::delivery
