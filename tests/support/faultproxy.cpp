#include "faultproxy.h"

#include "protocol/ops.h"

#include <QCborArray>
#include <QHostAddress>
#include <QtEndian>

namespace tavern::test {

namespace {
// Generous limits: the proxy must see (not judge) whatever the two ends send.
const protocol::CborLimits ProxyLimits{16, 1000000, 64 * 1024 * 1024};
constexpr qint64 MaxMessage = 64 * 1024 * 1024;
} // namespace

FaultProxy::FaultProxy(QUrl upstream, QObject *parent)
    : QObject(parent), m_upstream(std::move(upstream)),
      m_server(QStringLiteral("tavern-fault-proxy"), QWebSocketServer::NonSecureMode)
{
    m_server.setMaxPendingConnections(1000);
    connect(&m_server, &QWebSocketServer::newConnection, this, &FaultProxy::onNewConnection);
}

FaultProxy::~FaultProxy()
{
    m_server.close();
    for (auto &[id, link] : m_links) {
        if (link->client) {
            link->client->disconnect(this);
            link->client->abort();
            delete link->client.data();
        }
        if (link->server) {
            link->server->disconnect(this);
            link->server->abort();
            delete link->server.data();
        }
    }
}

bool FaultProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl FaultProxy::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_server.serverPort()));
}

int FaultProxy::addRule(Rule rule)
{
    const int id = m_nextRule++;
    m_rules.emplace(id, std::move(rule));
    return id;
}

int FaultProxy::acknowledgeWithoutForwarding(const QString &user, const QByteArray &dbId)
{
    return addRule([this, user, dbId](Hop &hop) {
        if (hop.direction != Direction::ToServer || hop.user != user || hop.frame.op != protocol::op::KegPut)
            return Verdict::Pass;
        const QByteArray db = hop.frame.body.value(QStringLiteral("dbId")).toByteArray();
        if (!dbId.isEmpty() && db != dbId)
            return Verdict::Pass;
        QCborArray results;
        quint64 &cv = m_highestCv[db];
        for (const QCborValue &v : hop.frame.body.value(QStringLiteral("kegs")).toArray()) {
            // The keg wire form (protocol.md §5): format, dbId(32), kegId(16), type, generation
            // (u32), version (u64 big-endian), ... (this library does not link the keg code).
            const QByteArray keg = v.toByteArray();
            if (keg.size() < 62)
                return Verdict::Pass; // the server's own refusal is the honest answer
            QCborMap r;
            r.insert(QStringLiteral("kegId"), keg.mid(33, 16));
            r.insert(QStringLiteral("version"), qint64(qFromBigEndian<quint64>(keg.constData() + 54)));
            r.insert(QStringLiteral("collectionVersion"), qint64(++cv));
            r.insert(QStringLiteral("duplicate"), false);
            results.append(r);
        }
        hop.answer =
            protocol::Frame::response(hop.frame.id, hop.frame.op, QCborMap{{QStringLiteral("results"), results}});
        return Verdict::Answer;
    });
}

void FaultProxy::noteCollectionVersions(Link &link, const protocol::Frame &frame)
{
    // Only to make acknowledgeWithoutForwarding's answers look like the server's.
    if (frame.type == protocol::FrameType::Request
        && (frame.op == protocol::op::KegList || frame.op == protocol::op::KegPut)) {
        link.listed[frame.id] = frame.body.value(QStringLiteral("dbId")).toByteArray();
        return;
    }
    QByteArray db = frame.body.value(QStringLiteral("dbId")).toByteArray();
    if (frame.type == protocol::FrameType::Response) {
        auto it = link.listed.find(frame.id);
        if (it == link.listed.end())
            return;
        db = it->second;
        link.listed.erase(it);
    }
    if (db.isEmpty())
        return;
    quint64 &cv = m_highestCv[db];
    const auto note = [&cv](const QCborMap &m) {
        cv = std::max(cv, quint64(m.value(QStringLiteral("collectionVersion")).toInteger()));
    };
    note(frame.body);
    for (const QString &key : {QStringLiteral("kegs"), QStringLiteral("results")}) {
        for (const QCborValue &v : frame.body.value(key).toArray())
            note(v.toMap());
    }
}

void FaultProxy::removeRule(int id)
{
    m_rules.erase(id);
}

void FaultProxy::clearRules()
{
    m_rules.clear();
}

void FaultProxy::onNewConnection()
{
    while (QWebSocket *client = m_server.nextPendingConnection()) {
        auto link = std::make_unique<Link>();
        link->id = m_nextLink++;
        link->client = client;
        client->setMaxAllowedIncomingMessageSize(MaxMessage);
        auto *server = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        server->setMaxAllowedIncomingMessageSize(MaxMessage);
        link->server = server;
        const int id = link->id;
        connect(client, &QWebSocket::binaryMessageReceived, this, [this, id](const QByteArray &m) {
            if (auto it = m_links.find(id); it != m_links.end())
                relay(*it->second, Direction::ToServer, m);
        });
        connect(client, &QWebSocket::disconnected, this, [this, id] { closeLink(id); });
        connect(server, &QWebSocket::binaryMessageReceived, this, [this, id](const QByteArray &m) {
            if (auto it = m_links.find(id); it != m_links.end())
                relay(*it->second, Direction::ToClient, m);
        });
        connect(server, &QWebSocket::connected, this, [this, id] {
            auto it = m_links.find(id);
            if (it == m_links.end())
                return;
            Link &l = *it->second;
            for (const QByteArray &m : std::exchange(l.toServerQueue, {}))
                l.server->sendBinaryMessage(m);
        });
        connect(server, &QWebSocket::disconnected, this, [this, id] { closeLink(id); });
        // Qt 6.4 names the signal error(); errorOccurred() arrives in 6.5. A server that can't
        // be reached (stopped, restarting) closes the client side too, so the client retries.
        connect(server, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
                [this, id](QAbstractSocket::SocketError) { closeLink(id); });
        m_links.emplace(id, std::move(link));
        server->open(m_upstream);
    }
}

void FaultProxy::relay(Link &link, Direction direction, const QByteArray &bytes)
{
    auto decoded = protocol::decodeFrame(bytes, ProxyLimits);
    if (!decoded) { // not ours to judge: pass it on untouched
        deliver(link, direction, bytes);
        return;
    }
    Hop hop{direction, link.user, link.id, *decoded, false, {}};
    if (direction == Direction::ToServer && hop.frame.op == protocol::op::Challenge) {
        link.user = hop.frame.body.value(QStringLiteral("username")).toString();
        hop.user = link.user;
    }
    Verdict verdict = Verdict::Pass;
    // Copy the ids first: a rule may add or remove rules.
    QList<int> ids;
    for (const auto &[id, rule] : m_rules)
        ids << id;
    for (int id : ids) {
        auto it = m_rules.find(id);
        if (it == m_rules.end())
            continue;
        verdict = it->second(hop);
        if (verdict != Verdict::Pass)
            break;
    }
    const QByteArray out = hop.edited ? protocol::encodeFrame(hop.frame) : bytes;
    if (verdict != Verdict::Answer)
        noteCollectionVersions(link, hop.frame);
    m_log.append(hop);
    switch (verdict) {
    case Verdict::Drop: return;
    case Verdict::Answer:
        deliver(link, direction == Direction::ToServer ? Direction::ToClient : Direction::ToServer,
                protocol::encodeFrame(hop.answer));
        return;
    case Verdict::Hold: link.held.append({direction, out}); return;
    case Verdict::Duplicate: deliver(link, direction, out); break;
    case Verdict::Pass: break;
    }
    deliver(link, direction, out);
}

void FaultProxy::deliver(Link &link, Direction direction, const QByteArray &bytes)
{
    if (direction == Direction::ToClient) {
        if (link.client)
            link.client->sendBinaryMessage(bytes);
        return;
    }
    if (link.server && link.server->state() == QAbstractSocket::ConnectedState)
        link.server->sendBinaryMessage(bytes);
    else
        link.toServerQueue.append(bytes);
}

void FaultProxy::releaseHeld()
{
    for (auto &[id, link] : m_links) {
        for (const auto &[direction, bytes] : std::exchange(link->held, {}))
            deliver(*link, direction, bytes);
    }
}

int FaultProxy::heldCount() const
{
    int n = 0;
    for (const auto &[id, link] : m_links)
        n += int(link->held.size());
    return n;
}

int FaultProxy::injectToClient(const QString &user, const protocol::Frame &frame)
{
    int n = 0;
    const QByteArray bytes = protocol::encodeFrame(frame);
    for (auto &[id, link] : m_links) {
        if (link->user == user && link->client) {
            link->client->sendBinaryMessage(bytes);
            ++n;
        }
    }
    return n;
}

void FaultProxy::dropConnections(const QString &user)
{
    QList<int> ids;
    for (const auto &[id, link] : m_links) {
        if (user.isEmpty() || link->user == user)
            ids << id;
    }
    for (int id : ids)
        closeLink(id);
}

int FaultProxy::connections(const QString &user) const
{
    int n = 0;
    for (const auto &[id, link] : m_links)
        n += (user.isEmpty() || link->user == user) ? 1 : 0;
    return n;
}

void FaultProxy::closeLink(int id)
{
    auto it = m_links.find(id);
    if (it == m_links.end())
        return;
    std::unique_ptr<Link> link = std::move(it->second);
    m_links.erase(it);
    // Sockets are deleted later: this may run inside one of their own signals.
    for (QWebSocket *s : {link->client.data(), link->server.data()}) {
        if (!s)
            continue;
        s->disconnect(this);
        s->close();
        s->deleteLater();
    }
}

} // namespace tavern::test
