#include "server.h"

#include "connection.h"
#include "log.h"
#include "sqlstore.h"

#include <QWebSocket>

#include <cstdio>

namespace tavern::server {

using protocol::ErrorCode;

Server::Server(Config config, QObject *parent)
    : QObject(parent), m_config(std::move(config)),
      m_store(std::make_unique<SqlStore>(m_config.sqlitePath(), m_config.sqliteSync)),
      m_committer(std::make_unique<Committer>(*m_store)),
      m_ws(QStringLiteral("tavern"), QWebSocketServer::NonSecureMode)
{
    const Services services{m_config, *m_store, *m_committer, m_hub};
    m_auth = std::make_unique<AuthService>(services);
    m_kegs = std::make_unique<KegService>(services);
    m_rooms = std::make_unique<RoomService>(services);
    m_auth->addRoutes(m_routes);
    m_kegs->addRoutes(m_routes);
    m_rooms->addRoutes(m_routes);
    m_listener.setHandshakeTimeoutMs(m_config.limits.authTimeoutMs);
    // A TCP peer that never sends the HTTP upgrade is dropped on the same deadline.
    m_ws.setHandshakeTimeout(m_config.limits.authTimeoutMs);
    connect(&m_listener, &Listener::socketReady, this, &Server::onSocket);
    connect(&m_ws, &QWebSocketServer::newConnection, this, &Server::onWebSocket);
}

Server::~Server()
{
    stop();
}

Status Server::start()
{
    if (auto r = m_store->open(); !r)
        return Error{1, QStringLiteral("storage %1: %2").arg(m_config.storage, r.error().message)};
    if (m_config.tls()) {
        if (auto r = m_listener.enableTls(m_config.tlsCert, m_config.tlsKey); !r)
            return r;
    }
    if (!m_listener.listen(m_config.listenAddress, m_config.listenPort))
        return Error{1, QStringLiteral("cannot listen on %1:%2: %3")
                            .arg(m_config.listenAddress.toString())
                            .arg(m_config.listenPort)
                            .arg(m_listener.errorString())};
    // The one line on stdout, for scripts and tests that started us on port 0.
    const QByteArray line = QStringLiteral("tavern-server listening host=%1 port=%2 tls=%3\n")
                                .arg(m_listener.serverAddress().toString())
                                .arg(m_listener.serverPort())
                                .arg(m_config.tls() ? QStringLiteral("on") : QStringLiteral("off"))
                                .toUtf8();
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
    logEvent(LogLevel::Info, "server.start",
             {{"host", m_listener.serverAddress().toString()},
              {"port", QString::number(m_listener.serverPort())},
              {"tls", m_config.tls() ? QStringLiteral("on") : QStringLiteral("off")},
              {"storage", m_config.storage}});
    return Ok{};
}

void Server::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_listener.close();
    m_committer->flush(); // accepted writes are committed and acknowledged before we go
    const auto conns = findChildren<Connection *>(QString(), Qt::FindDirectChildrenOnly);
    for (Connection *c : conns)
        c->close();
    m_store->close();
    logEvent(LogLevel::Info, "server.stop", {{"connections", QString::number(conns.size())}});
}

void Server::onSocket(QTcpSocket *socket)
{
    if (m_stopping || m_open >= m_config.limits.maxConnections) {
        logEvent(LogLevel::Warn, "conn.refused", {{"open", QString::number(m_open)}});
        socket->abort();
        socket->deleteLater();
        return;
    }
    m_ws.handleConnection(socket);
}

void Server::onWebSocket()
{
    while (QWebSocket *ws = m_ws.nextPendingConnection()) {
        auto *c = new Connection(ws, m_nextId++, m_config.limits, this);
        ++m_open;
        connect(c, &Connection::requestReceived, this, &Server::onRequest);
        connect(c, &Connection::closed, this, &Server::onClosed);
        logEvent(LogLevel::Info, "conn.open", {{"conn", QString::number(c->id())}, {"peer", c->peer()}});
    }
}

void Server::onRequest(Connection *c, const protocol::Frame &frame)
{
    if (m_stopping)
        return c->fail(frame, ErrorCode::ShuttingDown, QStringLiteral("the server is stopping"));
    const auto it = m_routes.constFind(frame.op);
    if (it == m_routes.cend())
        return c->fail(frame, ErrorCode::UnknownOp, QStringLiteral("unknown op \"%1\"").arg(frame.op.left(64)));
    if (!it->anonymous && !c->authenticated())
        return c->fail(frame, ErrorCode::Unauthenticated, QStringLiteral("log in first (auth.challenge, auth.login)"));
    it->handler(*c, frame);
}

void Server::onClosed(Connection *c)
{
    --m_open;
    if (c->authenticated()) {
        m_hub.remove(c);
        if (!m_stopping)
            m_auth->devicesChanged(c->username(), c);
    }
    logEvent(LogLevel::Info, "conn.closed", {{"conn", QString::number(c->id())}, {"user", c->username()}});
    c->deleteLater();
}

} // namespace tavern::server
