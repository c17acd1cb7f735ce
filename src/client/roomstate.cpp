#include "roomstate.h"

namespace tavern::client {

Result<Ok> RoomState::start(const keg::SignedBootKeg &genesis)
{
    if (auto r = m_chain.start(genesis); !r)
        return r;
    remember(genesis);
    return Ok{};
}

Result<Ok> RoomState::append(const keg::SignedBootKeg &next)
{
    if (auto r = m_chain.append(next); !r)
        return r;
    remember(next);
    return Ok{};
}

void RoomState::remember(const keg::SignedBootKeg &v)
{
    const auto &b = v.version();
    m_hashes.insert(b.version, v.hash());
    QHash<QString, QPair<keg::Role, keg::InviteState>> members;
    for (const keg::Member &m : b.members) {
        const QString name = QString::fromUtf8(m.username);
        members.insert(name, {m.role, m.state});
        // Deep copies: the member's keys may point into the decoded version's buffer.
        QByteArray sign(m.signPublicKey.constData(), m.signPublicKey.size());
        QByteArray box(m.boxPublicKey.constData(), m.boxPublicKey.size());
        auto past = m_past.find(name);
        if (past == m_past.end()) {
            m_past.insert(name, {sign, box, {}, 0});
        } else if (past->signPublicKey != sign) {
            // Back with new keys (decisions.md 14): the old key never held this generation.
            *past = {sign, box, past->signPublicKey, b.currentGeneration()};
        }
        m_authors.clearDeparted(name); // listed again: invited back after a departure
    }
    for (const keg::Departure &d : b.departures)
        m_authors.setDeparted(QString::fromUtf8(d.username), d.lastCounter, d.lastMessageHash);
    m_membership.insert(b.version, std::move(members));
}

QList<quint32> RoomState::learnKeys(const keg::SignedBootKeg &v, const crypto::Identity &me)
{
    const quint32 current = v.version().currentGeneration();
    QList<bool> had;
    for (quint32 g = 0; g <= current; ++g)
        had << m_keys.has(g);
    if (!m_keys.has(current)) {
        if (auto key = keg::openCurrentKey(v, me))
            m_keys.insert(current, std::move(key).value());
    }
    (void)keg::openHistorySeals(v, me, m_keys);
    keg::unwrapHistory(v, m_keys);
    QList<quint32> learned;
    for (quint32 g = 0; g <= current; ++g) {
        if (m_keys.has(g) && !had[qsizetype(g)])
            learned << g;
    }
    return learned;
}

const PastMember *RoomState::pastMember(const QString &username) const
{
    auto it = m_past.constFind(username);
    return it == m_past.constEnd() ? nullptr : &*it;
}

std::optional<keg::Member> RoomState::memberAt(quint64 version, const QString &username) const
{
    auto v = m_membership.constFind(version);
    if (v == m_membership.constEnd())
        return std::nullopt;
    auto m = v->constFind(username);
    if (m == v->constEnd())
        return std::nullopt;
    keg::Member out;
    out.username = username.toUtf8();
    out.role = m->first;
    out.state = m->second;
    return out;
}

} // namespace tavern::client
