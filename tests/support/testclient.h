// A small Qt client for integration tests: one WebSocket, request/response by id, pushes
// collected in order, raw sends for malformed-frame tests, and signup/login helpers that
// sign exactly what a real client signs. Every wait is on a condition with a deadline.
#pragma once

#include "crypto/identity.h"
#include "protocol/frame.h"

#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>
#include <QWebSocket>

namespace tavern::test {

class TestClient : public QObject
{
    Q_OBJECT
public:
    explicit TestClient(QUrl url, QObject *parent = nullptr);
    ~TestClient() override;

    // For wss://: the CA (or self-signed certificate) to trust. Set before open().
    void setSslConfiguration(const QSslConfiguration &config) { m_socket.setSslConfiguration(config); }
    // Waits until connected or refused (TLS error, connection refused): false if refused.
    [[nodiscard]] bool open(int timeoutMs = 10000);
    [[nodiscard]] QString socketError() const { return m_error; }
    void close();
    [[nodiscard]] bool connected() const;
    [[nodiscard]] bool waitDisconnected(int timeoutMs = 10000);

    // Sends a request; returns its id.
    quint64 send(const QString &op, const QCborMap &body = {});
    // Waits for the response or error frame answering id. On timeout returns an error
    // frame with code None and message "timeout".
    protocol::Frame wait(quint64 id, int timeoutMs = 15000);
    protocol::Frame request(const QString &op, const QCborMap &body = {}, int timeoutMs = 15000);

    void sendRaw(const QByteArray &bytes);
    void sendText(const QString &text);
    // Waits for the next unanswered frame with id 0 (connection-level error) or any frame
    // not yet consumed, in arrival order.
    [[nodiscard]] bool waitForFrames(int count, int timeoutMs = 10000);
    QList<protocol::Frame> &received() { return m_frames; }

    // Pushes with this op, in arrival order (not consumed).
    QList<protocol::Frame> pushes(const QString &op) const;
    [[nodiscard]] bool waitForPush(const QString &op, int count = 1, int timeoutMs = 10000);

    // Full signup (self-signed keys) and challenge/login with the identity's key.
    protocol::Frame signup(const crypto::Identity &id);
    protocol::Frame login(const crypto::Identity &id);

private:
    void onBinary(const QByteArray &message);

    QWebSocket m_socket;
    QUrl m_url;
    quint64 m_nextId = 1;
    QList<protocol::Frame> m_frames; // everything received, decoded
    QList<QByteArray> m_undecodable;
    QString m_error;
};

} // namespace tavern::test
