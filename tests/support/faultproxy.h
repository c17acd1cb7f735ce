// A fault-injecting WebSocket proxy for attack tests: it listens on 127.0.0.1 port 0,
// relays every client connection to the real tavern-server, and lets a test drop, hold
// (and later release, to reorder), duplicate, rewrite or inject frames, chosen by op,
// direction and the user the connection logged in as. What an attacker on the server or
// the network can do to the frames, done in the test process, in order, on one thread.
#pragma once

#include "protocol/frame.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>
#include <map>
#include <memory>

namespace tavern::test {

class FaultProxy : public QObject
{
    Q_OBJECT
public:
    enum class Direction { ToServer, ToClient };
    // Answer: the frame is not sent on; `answer` goes back to where it came from instead.
    enum class Verdict { Pass, Drop, Duplicate, Hold, Answer };

    // One frame on its way; a rule may edit `frame` (and must then set `edited`).
    struct Hop
    {
        Direction direction = Direction::ToServer;
        QString user; // the username this connection asked to log in as ("" before that)
        int link = 0; // connection number, from 1
        protocol::Frame frame;
        bool edited = false;
        protocol::Frame answer; // for Verdict::Answer
    };
    // Rules run in the order they were added; the first verdict other than Pass wins
    // (edits of every rule that ran are kept). A rule must not close connections itself.
    using Rule = std::function<Verdict(Hop &hop)>;

    explicit FaultProxy(QUrl upstream, QObject *parent = nullptr);
    ~FaultProxy() override;

    [[nodiscard]] bool listen();
    [[nodiscard]] QUrl url() const;
    // Where new connections go (the server may be restarted on another port).
    void setUpstream(const QUrl &upstream) { m_upstream = upstream; }

    int addRule(Rule rule);
    // A server that lies about success: keg.puts of `user` to `dbId` (any DB when empty) are
    // acknowledged as the server acknowledges a stored keg (results with kegId, version, the
    // next collection version after the highest this proxy saw for the DB, duplicate false)
    // and never forwarded. Returns the rule id.
    int acknowledgeWithoutForwarding(const QString &user, const QByteArray &dbId = {});
    void removeRule(int id);
    void clearRules();

    // Sends the held frames of every link, in the order they were held.
    void releaseHeld();
    [[nodiscard]] int heldCount() const;
    // Sends a frame to every open client connection of `user`, as if the server had.
    int injectToClient(const QString &user, const protocol::Frame &frame);
    // Closes the client side of every connection of `user` (every one when empty); the
    // clients reconnect (and resync) on their own.
    void dropConnections(const QString &user = {});
    [[nodiscard]] int connections(const QString &user = {}) const;

    // Every frame that went through (after the rules), for assertions.
    [[nodiscard]] const QList<Hop> &log() const { return m_log; }
    void clearLog() { m_log.clear(); }

private:
    struct Link
    {
        int id = 0;
        QString user;
        QPointer<QWebSocket> client;
        QPointer<QWebSocket> server;
        QList<QByteArray> toServerQueue; // until the upstream socket is open
        QList<std::pair<Direction, QByteArray>> held;
        std::map<quint64, QByteArray> listed; // request id -> DB of a keg.list / keg.put in flight
    };
    void noteCollectionVersions(Link &link, const protocol::Frame &frame);

    void onNewConnection();
    void relay(Link &link, Direction direction, const QByteArray &bytes);
    void deliver(Link &link, Direction direction, const QByteArray &bytes);
    void closeLink(int id);

    QUrl m_upstream;
    QWebSocketServer m_server;
    std::map<int, std::unique_ptr<Link>> m_links;
    std::map<int, Rule> m_rules;
    int m_nextLink = 1;
    int m_nextRule = 1;
    QList<Hop> m_log;
    std::map<QByteArray, quint64> m_highestCv; // per DB, as the server answered
};

} // namespace tavern::test
