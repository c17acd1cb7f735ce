// Accepts TCP connections itself so every socket gets TCP_NODELAY (QWebSocketServer's own
// listener leaves Nagle on: ~40 ms tails measured on this stack) and, with TLS, finishes
// the handshake before the socket is handed to QWebSocketServer::handleConnection().
#pragma once

#include "common/result.h"

#include <QSslConfiguration>
#include <QTcpServer>

namespace tavern::server {

class Listener : public QTcpServer
{
    Q_OBJECT
public:
    explicit Listener(QObject *parent = nullptr);
    // Loads the PEM certificate and key (RSA or EC); without this the listener is plain.
    [[nodiscard]] Status enableTls(const QString &certPath, const QString &keyPath);
    void setHandshakeTimeoutMs(int ms) { m_handshakeTimeoutMs = ms; }

Q_SIGNALS:
    // A connected (and, with TLS, encrypted) socket ready for the WebSocket handshake.
    void socketReady(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    bool m_tls = false;
    QSslConfiguration m_ssl;
    int m_handshakeTimeoutMs = 10000;
};

} // namespace tavern::server
