// The server: storage, group committer, listener, WebSocket handshakes, connections and
// the route table that sends each request to its service.
#pragma once

#include "authservice.h"
#include "committer.h"
#include "config.h"
#include "hub.h"
#include "kegservice.h"
#include "listener.h"
#include "roomservice.h"
#include "store.h"

#include <QObject>
#include <QWebSocketServer>

#include <memory>

namespace tavern::server {

class Server : public QObject
{
    Q_OBJECT
public:
    explicit Server(Config config, QObject *parent = nullptr);
    ~Server() override;

    // Opens storage, runs migrations, starts listening.
    [[nodiscard]] Status start();
    // Stops accepting, commits what was accepted, closes every connection and the store.
    void stop();
    quint16 port() const { return m_listener.serverPort(); }

private:
    void onSocket(QTcpSocket *socket);
    void onWebSocket();
    void onRequest(Connection *c, const protocol::Frame &frame);
    void onClosed(Connection *c);

    Config m_config;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Committer> m_committer;
    Hub m_hub;
    Routes m_routes;
    std::unique_ptr<AuthService> m_auth;
    std::unique_ptr<KegService> m_kegs;
    std::unique_ptr<RoomService> m_rooms;
    Listener m_listener;
    QWebSocketServer m_ws;
    quint64 m_nextId = 1;
    int m_open = 0;
    bool m_stopping = false;
};

} // namespace tavern::server
