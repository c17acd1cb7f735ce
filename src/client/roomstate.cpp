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
    m_generationAt.insert(b.version, b.currentGeneration());
    QHash<QString, QPair<keg::Role, keg::InviteState>> members;
    const auto previous = b.version > 0 ? m_membership.constFind(b.version - 1) : m_membership.constEnd();
    for (const keg::Member &m : b.members) {
        const QString name = QString::fromUtf8(m.username);
        members.insert(name, {m.role, m.state});
        if (previous == m_membership.constEnd() || !previous->contains(name))
            m_sharedHistory.insert(name, {b.version, m.history == keg::HistoryPolicy::Shared});
        // Deep copies: the member's keys may point into the decoded version's buffer.
        QByteArray sign(m.signPublicKey.constData(), m.signPublicKey.size());
        QByteArray box(m.boxPublicKey.constData(), m.boxPublicKey.size());
        auto past = m_past.find(name);
        if (past == m_past.end()) {
            m_past.insert(name, {sign, box, {}, 0});
        } else if (past->signPublicKey != sign) {
            // Back with new keys (decisions.md 15): the old key never held this generation.
            *past = {sign, box, past->signPublicKey, b.currentGeneration()};
        }
    }
    // (A member listed again keeps the cut-offs: they bind messages naming versions before
    // each departure, AuthorChains::add.)
    for (const keg::Departure &d : b.departures)
        m_authors.setDeparted(QString::fromUtf8(d.username), d.lastCounter, d.lastMessageHash, b.version);
    m_membership.insert(b.version, std::move(members));
}

RoomState::LearnedKeys RoomState::learnKeys(const keg::SignedBootKeg &v, const crypto::Identity &me)
{
    LearnedKeys out;
    const quint32 current = v.version().currentGeneration();
    QList<bool> had;
    for (quint32 g = 0; g <= current; ++g)
        had << m_keys.has(g);
    const QByteArray name = me.username.toUtf8();
    // Listed under this user's name with other keys (their account was reset and the room
    // still lists the old keys until an admin re-adds them): not this identity's seal.
    const keg::Member *listed = v.version().member(name);
    const bool mine = listed && QByteArrayView(listed->signPublicKey) == me.signing.publicKey
                      && QByteArrayView(listed->boxPublicKey) == me.box.publicKey;
    const keg::SealedKey *seal = mine ? v.version().sealedFor(name) : nullptr;
    // The chain rules carry a seal forward unchanged until a new generation, so a seal whose
    // bytes this device already checked needs no second opening.
    if (seal && seal->blob != m_checkedSeal) {
        if (auto key = keg::openCurrentKey(v, me)) {
            m_checkedSeal = seal->blob;
            out.sealOpened = true;
            if (!m_keys.has(current))
                m_keys.insert(current, std::move(key).value());
        } else {
            out.problem = key.error().message;
        }
    } else if (mine && !seal) {
        out.problem = QStringLiteral("version %1 lists you but seals you no key").arg(v.version().version);
    }
    if (auto h = mine ? keg::openHistorySeals(v, me, m_keys) : Result<Ok>(Ok{}); !h && out.problem.isEmpty())
        out.problem = h.error().message;
    keg::unwrapHistory(v, m_keys);
    for (quint32 g = 0; g <= current; ++g) {
        if (m_keys.has(g) && !had[qsizetype(g)])
            out.generations << g;
    }
    return out;
}

bool RoomState::expectsKey(quint32 gen, const QString &username, QByteArrayView signKey) const
{
    // Only for the keys the room lists now, and only from the generation they came in with
    // (a member re-added with new keys never held the earlier key's generations).
    const PastMember *p = pastMember(username);
    if (!p || p->signPublicKey != signKey || gen < p->newKeyFromGeneration)
        return false;
    for (auto it = m_membership.cbegin(); it != m_membership.cend(); ++it) {
        if (m_generationAt.value(it.key()) == gen && it->contains(username))
            return true;
    }
    const auto shared = m_sharedHistory.constFind(username);
    return shared != m_sharedHistory.constEnd() && shared->second && gen <= m_generationAt.value(shared->first);
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
