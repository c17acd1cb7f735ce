#include "connection.h"

#include "crypto/contexts.h"
#include "protocol/ops.h"

#include <QRandomGenerator>
#include <QSslCertificate>
#include <QSslConfiguration>

namespace tavern::client {

using protocol::Frame;
using protocol::FrameType;

Connection::Connection(QUrl url, std::shared_ptr<const crypto::Identity> identity, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_identity(std::move(identity))
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, [this] {
        if (m_running) {
            setState(State::Connecting);
            m_socket.open(m_url);
        }
    });
    connect(&m_socket, &QWebSocket::connected, this, &Connection::onConnected);
    connect(&m_socket, &QWebSocket::disconnected, this, &Connection::onDisconnected);
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, &Connection::onBinary);
}

Connection::~Connection()
{
    // Pending callbacks are dropped, not called: they belong to an owner that is being torn
    // down too (a Session destroys its rooms before its connection).
    m_running = false;
    m_pending.clear();
    m_socket.disconnect(this);
    m_socket.abort();
}

void Connection::setBackoff(int initialMs, int maxMs)
{
    m_initialBackoffMs = qMax(1, initialMs);
    m_maxBackoffMs = qMax(m_initialBackoffMs, maxMs);
}

void Connection::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void Connection::start()
{
    if (m_running)
        return;
    m_running = true;
    m_attempt = 0;
    if (!m_caPem.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromData(m_caPem));
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_socket.setSslConfiguration(ssl);
    }
    setState(State::Connecting);
    m_socket.open(m_url);
}

void Connection::stop()
{
    m_running = false;
    m_reconnect.stop();
    m_socket.close();
    failAll(LinkError::Disconnected, QStringLiteral("the connection was closed"));
    setState(State::Idle);
}

void Connection::onConnected()
{
    m_attempt = 0;
    Q_EMIT opened();
    if (m_identity) {
        authenticate();
    } else {
        setState(State::Ready); // anonymous: ready for signup and ping
        Q_EMIT ready();
    }
}

// A login step failed. A link that dropped, an answer that never came, a busy or stopping
// server, or a stale challenge is no refusal: close and reconnect with backoff. Anything else
// (unknown user, wrong keys) is: stop, since reconnecting won't help.
void Connection::loginFailed(const Error &e)
{
    using protocol::ErrorCode;
    const int c = e.code;
    const bool retry = c >= int(LinkError::Disconnected) || c == int(ErrorCode::RateLimited)
                       || c == int(ErrorCode::ShuttingDown) || c == int(ErrorCode::Internal)
                       || c == int(ErrorCode::ChallengeUnknown) || c == int(ErrorCode::ChallengeExpired);
    if (retry) {
        if (m_running && m_socket.state() == QAbstractSocket::ConnectedState)
            m_socket.abort(); // disconnected() schedules the next attempt
        return;
    }
    m_running = false;
    Q_EMIT fatalError(e.message);
    m_socket.close();
}

void Connection::authenticate()
{
    setState(State::Authenticating);
    QCborMap body;
    body.insert(QStringLiteral("username"), m_identity->username);
    const auto id = m_nextId++;
    m_pending.insert(id, {[this](Result<QCborMap> r) {
                              if (!r)
                                  return loginFailed(r.error());
                              const QByteArray nonce = r->value(QStringLiteral("nonce")).toByteArray();
                              QCborMap login;
                              login.insert(QStringLiteral("username"), m_identity->username);
                              login.insert(QStringLiteral("nonce"), nonce);
                              login.insert(QStringLiteral("sig"),
                                           crypto::sign(m_identity->signing, crypto::ctx::AuthChallengeSig,
                                                        protocol::authMessage(nonce, m_identity->username)));
                              if (m_deviceProvider) {
                                  const DeviceLogin d = m_deviceProvider();
                                  if (d.id.size() == protocol::DeviceIdBytes && !d.name.isEmpty()) {
                                      QCborMap device;
                                      device.insert(QStringLiteral("id"), d.id);
                                      device.insert(QStringLiteral("name"), d.name);
                                      login.insert(QStringLiteral("device"), device);
                                  }
                              }
                              const auto loginId = m_nextId++;
                              m_pending.insert(loginId, {[this](Result<QCborMap> ok) {
                                                             if (!ok)
                                                                 return loginFailed(ok.error());
                                                             setState(State::Ready);
                                                             Q_EMIT ready();
                                                         },
                                                         nullptr});
                              send(loginId, protocol::op::Auth, login);
                          },
                          nullptr});
    send(id, protocol::op::Challenge, body);
}

void Connection::onDisconnected()
{
    failAll(LinkError::Disconnected, QStringLiteral("the connection to the server dropped"));
    if (m_running)
        scheduleReconnect();
    else
        setState(State::Idle);
}

void Connection::scheduleReconnect()
{
    // Exponential backoff with full jitter: a server restart is not met by a storm of
    // clients reconnecting in lock step.
    const int ceiling = int(qMin<qint64>(m_maxBackoffMs, qint64(m_initialBackoffMs) << qMin(m_attempt, 16)));
    const int delay = int(QRandomGenerator::global()->bounded(ceiling / 2, ceiling + 1));
    ++m_attempt;
    setState(State::Waiting);
    m_reconnect.start(delay);
}

void Connection::failAll(LinkError code, const QString &message)
{
    const auto pending = std::exchange(m_pending, {});
    for (const Pending &p : pending) {
        if (p.timer)
            p.timer->deleteLater();
        if (p.done)
            p.done(Error{int(code), message});
    }
}

void Connection::send(quint64 id, const QString &op, const QCborMap &body)
{
    m_socket.sendBinaryMessage(protocol::encodeFrame(Frame::request(id, op, body)));
}

void Connection::request(const QString &op, const QCborMap &body, Reply done, int timeoutMs)
{
    const bool anonymousOp = op == protocol::op::Signup || op == protocol::op::Ping;
    const bool open = m_socket.state() == QAbstractSocket::ConnectedState;
    if (!(m_state == State::Ready || (anonymousOp && open))) {
        done(Error{int(LinkError::NotReady), QStringLiteral("not connected to the server")});
        return;
    }
    const auto id = m_nextId++;
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, id] {
        auto p = m_pending.take(id);
        if (p.timer)
            p.timer->deleteLater();
        if (p.done)
            p.done(Error{int(LinkError::Timeout), QStringLiteral("the server did not answer in time")});
    });
    timer->start(timeoutMs);
    m_pending.insert(id, {std::move(done), timer});
    send(id, op, body);
}

void Connection::onBinary(const QByteArray &message)
{
    auto frame = protocol::decodeFrame(message, protocol::CborLimits{});
    if (!frame)
        return; // a server that sends garbage gets no reaction beyond ignoring it
    if (frame->type == FrameType::Push) {
        Q_EMIT pushReceived(*frame);
        return;
    }
    auto p = m_pending.take(frame->id);
    if (p.timer)
        p.timer->deleteLater();
    if (!p.done)
        return;
    if (frame->type == FrameType::Error)
        p.done(Error{int(frame->code), frame->message});
    else
        p.done(frame->body);
}

} // namespace tavern::client
