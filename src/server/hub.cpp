#include "hub.h"

#include "connection.h"

namespace tavern::server {

void Hub::add(Connection *c)
{
    m_online[c->username()].append(c);
}

void Hub::remove(Connection *c)
{
    auto it = m_online.find(c->username());
    if (it == m_online.end())
        return;
    it->removeAll(c);
    if (it->isEmpty())
        m_online.erase(it);
}

int Hub::count(const QString &username) const
{
    return int(m_online.value(username).size());
}

QList<Connection *> Hub::connectionsOf(const QString &username) const
{
    return m_online.value(username);
}

QList<Connection *> Hub::all() const
{
    QList<Connection *> out;
    for (const auto &list : m_online)
        out += list;
    return out;
}

bool Hub::anyOnline(const QStringList &users, const Connection *except) const
{
    for (const QString &u : users) {
        const auto it = m_online.constFind(u);
        if (it == m_online.cend())
            continue;
        for (const Connection *c : *it) {
            if (c != except)
                return true;
        }
    }
    return false;
}

int Hub::pushEncoded(const QStringList &users, const QByteArray &bytes, const Connection *except)
{
    int sent = 0;
    for (const QString &u : users) {
        const auto it = m_online.constFind(u);
        if (it == m_online.cend())
            continue;
        // A copy: a send may close a connection, and closing removes it from m_online.
        const QList<Connection *> devices = *it;
        for (Connection *c : devices) {
            if (c == except)
                continue;
            c->sendEncoded(bytes);
            ++sent;
        }
    }
    return sent;
}

int Hub::push(const QStringList &users, const protocol::Frame &frame, const Connection *except)
{
    QByteArray bytes;
    int sent = 0;
    for (const QString &u : users) {
        const auto it = m_online.constFind(u);
        if (it == m_online.cend())
            continue;
        // A copy: a send may close a connection, and closing removes it from m_online.
        const QList<Connection *> devices = *it;
        for (Connection *c : devices) {
            if (c == except)
                continue;
            if (bytes.isEmpty())
                bytes = protocol::encodeFrame(frame);
            c->sendEncoded(bytes);
            ++sent;
        }
    }
    return sent;
}

} // namespace tavern::server
