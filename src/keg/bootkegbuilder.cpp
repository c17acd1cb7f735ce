#include "bootkegbuilder.h"

#include "common/username.h"
#include "crypto/aead.h"
#include "crypto/hash.h"

#include <QDateTime>

#include <algorithm>
#include <thread>

namespace tavern::keg {

namespace {

Error builderError(const QString &why)
{
    return Error{int(ChainError::NotPermitted), why};
}

template <typename T> void insertSorted(std::vector<T> &list, T item)
{
    auto it = std::lower_bound(list.begin(), list.end(), item,
                               [](const T &a, const T &b) { return a.username < b.username; });
    list.insert(it, std::move(item));
}

// Seals one key to every member; splits the members over threads (crypto_box_seal is
// thread-safe; each blob is its own allocation).
std::vector<SealedKey> sealToAll(const std::vector<Member> &members, QByteArrayView roomId, quint32 generation,
                                 const crypto::SecureBytes &key, int threads)
{
    std::vector<SealedKey> out(members.size());
    const auto work = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i)
            out[i] = {members[i].username, sealKeyFor(roomId, generation, members[i], key)};
    };
    std::size_t n = members.size();
    std::size_t t = threads > 0 ? std::size_t(threads) : std::max(1u, std::thread::hardware_concurrency());
    t = std::min<std::size_t>({t, 8, std::max<std::size_t>(1, n / 16)});
    std::vector<std::thread> pool;
    for (std::size_t k = 1; k < t; ++k)
        pool.emplace_back(work, n * k / t, n * (k + 1) / t);
    work(0, n / t);
    for (auto &th : pool)
        th.join();
    return out;
}

} // namespace

BuiltVersion createRoom(const crypto::Identity &creator, const RoomSettings &settings)
{
    const QByteArray name = creator.username.toUtf8();
    BootKegVersion v;
    v.roomId = QByteArray(RoomIdBytes, '\0');
    v.previousHash = QByteArray(crypto::HashBytes, '\0');
    v.genesisNonce = crypto::SecureBytes::random(GenesisNonceBytes).view().toByteArray();
    v.timestampMs = quint64(QDateTime::currentMSecsSinceEpoch());
    v.signer = name;
    v.name = settings.name.toUtf8();
    v.topic = settings.topic.toUtf8();
    v.policy = settings.policy;
    v.members.push_back({name, creator.signing.publicKey, creator.box.publicKey, Role::Admin, InviteState::Joined,
                         HistoryPolicy::Shared, name});
    crypto::SecureBytes key = crypto::SecureBytes::random(crypto::AeadKeyBytes);
    v.generations.push_back({0, keyCommitment(0, key), {}, {}});
    v.sealed.push_back({name, sealKeyFor(v.roomId, 0, v.members[0], key)});
    return {SignedBootKeg::sign(std::move(v), creator.signing), 0u, std::move(key)};
}

BootKegBuilder::BootKegBuilder(const SignedBootKeg &head, const crypto::Identity &me, const RoomKeys &keys)
    : m_head(head), m_me(me), m_keys(keys), m_next(head.version())
{
    m_next.roomId = head.roomId();
    m_next.version = head.version().version + 1;
    m_next.previousHash = head.hash();
    m_next.genesisNonce = QByteArray(GenesisNonceBytes, '\0');
    m_next.timestampMs = quint64(QDateTime::currentMSecsSinceEpoch());
    m_next.signer = me.username.toUtf8();
    m_next.historySeals.clear();
    m_next.departures.clear();
}

Member *BootKegBuilder::find(const QString &username)
{
    const QByteArray name = username.toUtf8();
    auto it =
        std::find_if(m_next.members.begin(), m_next.members.end(), [&](const Member &m) { return m.username == name; });
    return it == m_next.members.end() ? nullptr : &*it;
}

Status BootKegBuilder::invite(const crypto::PublicIdentity &who, Role role, HistoryPolicy history)
{
    if (!isCanonicalUsername(who.username.toUtf8()) || who.signPublicKey.size() != 32 || who.boxPublicKey.size() != 32)
        return builderError(QStringLiteral("'%1' is not a valid user to invite").arg(who.username));
    if (find(who.username))
        return builderError(QStringLiteral("%1 is already in the room").arg(who.username));
    const QByteArray name = who.username.toUtf8();
    insertSorted(m_next.members, Member{name, who.signPublicKey, who.boxPublicKey, role, InviteState::Invited, history,
                                        m_next.signer, m_next.version});
    if (history == HistoryPolicy::SinceJoin)
        m_sinceJoin = true;
    else
        m_sharedNewcomers.push_back(name);
    return Ok{};
}

Status BootKegBuilder::acceptInvitation()
{
    Member *m = find(m_me.username);
    if (!m || m->state != InviteState::Invited)
        return builderError(QStringLiteral("there is no invitation for you to accept"));
    m->state = InviteState::Joined;
    return Ok{};
}

Status BootKegBuilder::addDeparture(const Member &m, DepartureKind kind, quint64 lastCounter, QByteArray lastHash,
                                    QByteArray request)
{
    Departure d{m.username, kind, lastCounter, std::move(lastHash), std::move(request)};
    m_next.members.erase(std::find_if(m_next.members.begin(), m_next.members.end(),
                                      [&](const Member &x) { return x.username == d.username; }));
    insertSorted(m_next.departures, std::move(d));
    m_removed = true;
    return Ok{};
}

Status BootKegBuilder::remove(const QString &username, quint64 lastCounter, QByteArray lastHash)
{
    Member *m = find(username);
    if (!m)
        return builderError(QStringLiteral("%1 is not in the room").arg(username));
    return addDeparture(*m, DepartureKind::Removed, lastCounter, std::move(lastHash), {});
}

Status BootKegBuilder::cancelInvitation(const QString &username)
{
    Member *m = find(username);
    if (!m || m->state != InviteState::Invited)
        return builderError(QStringLiteral("%1 has no open invitation").arg(username));
    return addDeparture(*m, DepartureKind::Cancelled, 0, {}, {});
}

Status BootKegBuilder::completeDeparture(const DepartureRequest &request, quint64 lastCounter, QByteArray lastHash)
{
    Member *m = find(QString::fromUtf8(request.username));
    if (!m)
        return builderError(QStringLiteral("%1 is not in the room").arg(QString::fromUtf8(request.username)));
    return addDeparture(*m, request.kind, lastCounter, std::move(lastHash), encodeDepartureRequest(request));
}

Status BootKegBuilder::setRole(const QString &username, Role role)
{
    Member *m = find(username);
    if (!m)
        return builderError(QStringLiteral("%1 is not in the room").arg(username));
    m->role = role;
    return Ok{};
}

void BootKegBuilder::setSettings(const RoomSettings &s)
{
    m_next.name = s.name.toUtf8();
    m_next.topic = s.topic.toUtf8();
    m_next.policy = s.policy;
}

Result<BuiltVersion> BootKegBuilder::build(int threads)
{
    const quint32 current = m_head.version().currentGeneration();
    const crypto::SecureBytes *currentKey = m_keys.get(current);
    if (!currentKey)
        return Error{int(KeyError::MissingKey), QStringLiteral("this device does not hold the room's current key "
                                                               "(generation %1)")
                                                    .arg(current)};
    BuiltVersion out;
    const QByteArray roomId = m_next.roomId;
    if (m_rekey || m_removed || m_sinceJoin) {
        const quint32 gen = current + 1;
        crypto::SecureBytes key = crypto::SecureBytes::random(crypto::AeadKeyBytes);
        Generation g{gen, keyCommitment(gen, key), {}, {}};
        // The new key wraps the old one so members reach history through it; never when a
        // since-join invitee receives the new key.
        if (!m_sinceJoin) {
            g.wrapNonce = crypto::randomNonce();
            g.wrappedPrevious =
                crypto::aeadEncrypt(key, g.wrapNonce, wrapAssociatedData(roomId, gen), currentKey->view());
        }
        m_next.generations.push_back(std::move(g));
        m_next.sealed = sealToAll(m_next.members, roomId, gen, key, threads);
        out.newGeneration = gen;
        out.newKey = std::move(key);
    } else {
        std::vector<SealedKey> sealed;
        sealed.reserve(m_next.members.size());
        for (const Member &m : m_next.members) {
            const SealedKey *old = m_head.version().sealedFor(m.username);
            sealed.push_back(old ? *old : SealedKey{m.username, sealKeyFor(roomId, current, m, *currentKey)});
        }
        m_next.sealed = std::move(sealed);
    }
    // Shared-history newcomers get the key below each break in the wrap chain.
    const auto &gens = m_next.generations;
    std::sort(m_sharedNewcomers.begin(), m_sharedNewcomers.end());
    for (const QByteArray &name : m_sharedNewcomers) {
        const Member *m = m_next.member(name);
        for (std::size_t g = 1; m && g < gens.size(); ++g) {
            const crypto::SecureBytes *below = m_keys.get(quint32(g - 1));
            if (gens[g].wrapNonce.isEmpty() && below)
                m_next.historySeals.push_back({name, quint32(g - 1), sealKeyFor(roomId, quint32(g - 1), *m, *below)});
        }
    }
    out.version = SignedBootKeg::sign(std::move(m_next), m_me.signing);
    // Our own signature is known good; every other rule is checked as any client would.
    if (auto ok = verifyTransition(m_head, out.version, SignatureCheck::AlreadyTrusted); !ok)
        return ok.error();
    return out;
}

} // namespace tavern::keg
