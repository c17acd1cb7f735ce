#include "connection.h"

#include "log.h"
#include "protocol/kegputframe.h"

#include <QWebSocket>

namespace tavern::server {

using protocol::ErrorCode;
using protocol::Frame;

Connection::Connection(QWebSocket *socket, quint64 id, const Limits &limits, QObject *parent)
    : QObject(parent), m_socket(socket), m_id(id), m_limits(limits), m_tokens(limits.rateBurst)
{
    m_socket->setParent(this);
    m_peer = QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
    // Qt's own cap sits above ours so a moderately oversized frame still gets our error
    // frame; beyond it Qt closes with 1009 (message too big) without buffering it all.
    m_socket->setMaxAllowedIncomingMessageSize(quint64(limits.maxFrameBytes) * 2);
    m_socket->setMaxAllowedIncomingFrameSize(quint64(limits.maxFrameBytes) * 2);
    m_clock.start();
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, &Connection::onBinary);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &Connection::onText);
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        m_closing = true;
        m_authTimer.stop();
        Q_EMIT closed(this);
    });
    m_authTimer.setSingleShot(true);
    connect(&m_authTimer, &QTimer::timeout, this, [this] {
        if (!authenticated())
            closeWith(ErrorCode::AuthTimeout,
                      QStringLiteral("not authenticated within %1 ms").arg(m_limits.authTimeoutMs));
    });
    m_authTimer.start(limits.authTimeoutMs);
}

Connection::~Connection() = default;

void Connection::setAuthenticated(const QString &username, DeviceTag device)
{
    m_username = username;
    m_device = std::move(device);
    m_challenge.reset();
    m_authTimer.stop();
}

void Connection::sendEncoded(const QByteArray &bytes)
{
    if (m_closing)
        return;
    // A peer that stops reading would make us buffer pushes without end. Past the bound it
    // is cut off; it resumes from its sync cursor after reconnecting, so nothing is lost.
    const qint64 bound = std::max<qint64>(16 * 1024 * 1024, 4 * qint64(m_limits.maxFrameBytes));
    if (m_socket->bytesToWrite() + bytes.size() > bound) {
        logEvent(LogLevel::Warn, "conn.slow",
                 {{"conn", QString::number(m_id)},
                  {"user", m_username},
                  {"buffered", QString::number(m_socket->bytesToWrite())}});
        m_closing = true;
        // Queued: we may be inside a fan-out loop that must not see the connection vanish.
        QMetaObject::invokeMethod(m_socket, &QWebSocket::abort, Qt::QueuedConnection);
        return;
    }
    m_socket->sendBinaryMessage(bytes);
}

void Connection::send(const Frame &frame)
{
    sendEncoded(protocol::encodeFrame(frame));
}

void Connection::reply(const Frame &request, QCborMap body)
{
    send(Frame::response(request.id, request.op, std::move(body)));
}

void Connection::replyEncoded(const Frame &request, QByteArrayView body)
{
    sendEncoded(protocol::encodeFrameWithBody(protocol::FrameType::Response, request.id, request.op, body));
}

void Connection::fail(const Frame &request, const Error &error, QCborMap body)
{
    // Only protocol codes go on the wire; anything else is an internal failure.
    const bool known = error.code > 0 && error.code < int(ErrorCode::Count);
    fail(request, known ? ErrorCode(error.code) : ErrorCode::Internal, error.message, std::move(body));
}

void Connection::fail(const Frame &request, ErrorCode code, const QString &message, QCborMap body)
{
    logEvent(code == ErrorCode::Internal ? LogLevel::Error : LogLevel::Debug, "request.error",
             {{"conn", QString::number(m_id)},
              {"op", request.op.left(64)},
              {"code", protocol::errorName(code)},
              {"msg", message}});
    send(Frame::error(request.id, request.op, code, message, std::move(body)));
}

void Connection::closeWith(ErrorCode code, const QString &message)
{
    if (m_closing)
        return;
    logEvent(LogLevel::Info, "conn.close",
             {{"conn", QString::number(m_id)}, {"code", protocol::errorName(code)}, {"msg", message}});
    send(Frame::error(0, QStringLiteral("connection"), code, message));
    m_closing = true;
    m_socket->close(QWebSocketProtocol::CloseCodePolicyViolated, protocol::errorName(code));
}

void Connection::close()
{
    if (m_closing)
        return;
    m_closing = true;
    m_socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopping"));
}

// Token bucket: ratePerSecond sustained, rateBurst at once.
bool Connection::takeToken()
{
    const qint64 now = m_clock.elapsed();
    m_tokens = std::min(m_limits.rateBurst, m_tokens + double(now - m_lastRefillMs) * m_limits.ratePerSecond / 1000.0);
    m_lastRefillMs = now;
    if (m_tokens < 1.0)
        return false;
    m_tokens -= 1.0;
    return true;
}

void Connection::onText(const QString &)
{
    if (m_closing)
        return;
    send(Frame::error(0, QStringLiteral("connection"), ErrorCode::BadFrame,
                      QStringLiteral("frames are binary CBOR messages, not text")));
}

void Connection::onBinary(const QByteArray &message)
{
    if (m_closing)
        return;
    if (!takeToken()) {
        // A client that keeps sending while refused is closed: answering every frame of a
        // flood would cost more than the flood.
        if (++m_rejectedInARow > int(m_limits.rateBurst)) {
            closeWith(ErrorCode::RateLimited, QStringLiteral("kept sending while rate limited"));
            return;
        }
        quint64 id = 0;
        const auto peek = protocol::decodeFrame(message, {6, 20000, m_limits.maxFrameBytes}, &id);
        send(Frame::error(id, peek ? peek->op : QStringLiteral("connection"), ErrorCode::RateLimited,
                          QStringLiteral("more than %1 frames per second; slow down").arg(m_limits.ratePerSecond)));
        return;
    }
    m_rejectedInARow = 0;
    const protocol::CborLimits limits{6, 20000, m_limits.maxFrameBytes};
    // Most frames are keg.put requests of one shape: read without building a QCborMap.
    if (auto put = protocol::readKegPutFrame(message, limits)) {
        Q_EMIT requestReceived(this, *put);
        return;
    }
    quint64 id = 0;
    auto frame = protocol::decodeFrame(message, limits, &id);
    if (!frame) {
        send(Frame::error(id, QStringLiteral("connection"), ErrorCode(frame.error().code), frame.error().message));
        return;
    }
    if (frame->type != protocol::FrameType::Request) {
        send(Frame::error(frame->id, frame->op, ErrorCode::BadFrame,
                          QStringLiteral("clients send only \"req\" frames")));
        return;
    }
    Q_EMIT requestReceived(this, *frame);
}

} // namespace tavern::server
