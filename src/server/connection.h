// One client connection: owns the WebSocket, decodes frames under the limits, keeps the
// authentication state and the pending challenge, and answers every bad frame with an
// error frame instead of dropping it. Requests that pass go to the server's dispatcher.
#pragma once

#include "config.h"
#include "protocol/frame.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <optional>

class QWebSocket;

namespace tavern::server {

struct Challenge
{
    QByteArray nonce;
    QString username;
    qint64 expiresAtMs = 0; // monotonic clock (QElapsedTimer), not wall time
};

// What a connection said about its device at login (auth.login's optional `device`).
struct DeviceTag
{
    QByteArray id; // 16 bytes, or empty when the client sent no device map
    QString name;
    qint64 sinceMs = 0; // wall clock (ms since the epoch) of the login
};

class Connection : public QObject
{
    Q_OBJECT
public:
    Connection(QWebSocket *socket, quint64 id, const Limits &limits, QObject *parent = nullptr);
    ~Connection() override;

    quint64 id() const { return m_id; }
    QString peer() const { return m_peer; }
    bool authenticated() const { return !m_username.isEmpty(); }
    const QString &username() const { return m_username; }
    void setAuthenticated(const QString &username, DeviceTag device = {});
    const DeviceTag &device() const { return m_device; }

    std::optional<Challenge> &challenge() { return m_challenge; }
    qint64 monotonicMs() const { return m_clock.elapsed(); }

    void send(const protocol::Frame &frame);
    void sendEncoded(const QByteArray &bytes);
    void reply(const protocol::Frame &request, QCborMap body = {});
    // A response whose body was encoded already (protocol::CborWriter).
    void replyEncoded(const protocol::Frame &request, QByteArrayView body);
    void fail(const protocol::Frame &request, const Error &error, QCborMap body = {});
    void fail(const protocol::Frame &request, protocol::ErrorCode code, const QString &message, QCborMap body = {});
    // Sends a connection-level error frame (id 0) and closes.
    void closeWith(protocol::ErrorCode code, const QString &message);
    void close();

Q_SIGNALS:
    void requestReceived(tavern::server::Connection *connection, const tavern::protocol::Frame &frame);
    void closed(tavern::server::Connection *connection);

private:
    void onBinary(const QByteArray &message);
    void onText(const QString &message);
    bool takeToken();

    QWebSocket *m_socket;
    quint64 m_id;
    const Limits &m_limits;
    QString m_peer;
    QString m_username;
    DeviceTag m_device;
    std::optional<Challenge> m_challenge;
    QTimer m_authTimer;
    QElapsedTimer m_clock;
    double m_tokens;
    qint64 m_lastRefillMs = 0;
    int m_rejectedInARow = 0;
    bool m_closing = false;
};

} // namespace tavern::server
