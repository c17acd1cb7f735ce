#include "bootkeg.h"

#include "crypto/aead.h"
#include "crypto/contexts.h"
#include "crypto/hash.h"

#include <QtEndian>

#include <algorithm>

namespace tavern::keg {

namespace {

constexpr qsizetype MaxBody = 16 * 1024 * 1024;
constexpr qsizetype WrappedKeyBytes = 32 + crypto::AeadTagBytes;
const QByteArray ZeroHash(32, '\0');

// A view into the decoded body: no copy, no allocation (see Member's comment).
QByteArray view(QByteArrayView v)
{
    return QByteArray::fromRawData(v.data(), v.size());
}

template <typename T, typename Key> const T *findByName(const std::vector<T> &list, QByteArrayView name, Key key)
{
    auto it =
        std::lower_bound(list.begin(), list.end(), name, [&](const T &e, QByteArrayView n) { return key(e) < n; });
    return (it != list.end() && key(*it) == name) ? &*it : nullptr;
}

// Checks strict ascending order of a decoded list by the given key.
template <typename T, typename Less> bool strictlyAscending(const std::vector<T> &list, Less less)
{
    for (std::size_t i = 1; i < list.size(); ++i) {
        if (!less(list[i - 1], list[i]))
            return false;
    }
    return true;
}

void decodeBody(Reader &r, BootKegVersion &v)
{
    const quint8 format = r.u8();
    if (r.ok() && format != BootKegFormat)
        r.fail(DecodeError::UnknownFormat);
    v.roomId = view(r.fixed(RoomIdBytes));
    v.version = r.u64();
    v.previousHash = view(r.fixed(crypto::HashBytes));
    v.genesisNonce = view(r.fixed(GenesisNonceBytes));
    v.timestampMs = r.u64();
    v.signer = view(r.username());
    v.name = view(r.text(MaxRoomName));
    v.topic = view(r.text(MaxRoomTopic));
    v.policy = HistoryPolicy(r.enumValue(quint8(HistoryPolicy::Count)));

    const quint32 nMembers = r.count(MaxMembers, 89);
    v.members.resize(nMembers);
    for (Member &m : v.members) {
        m.username = view(r.username());
        m.signPublicKey = view(r.fixed(32));
        m.boxPublicKey = view(r.fixed(32));
        m.role = Role(r.enumValue(quint8(Role::Count)));
        m.state = InviteState(r.enumValue(quint8(InviteState::Count)));
        m.history = HistoryPolicy(r.enumValue(quint8(HistoryPolicy::Count)));
        m.invitedBy = view(r.username());
        m.sinceVersion = r.u64();
    }
    const quint32 nGens = r.count(MaxGenerations, 44);
    v.generations.resize(nGens);
    for (quint32 i = 0; i < nGens && r.ok(); ++i) {
        Generation &g = v.generations[i];
        g.number = r.u32();
        g.commitment = view(r.fixed(crypto::HashBytes));
        g.wrapNonce = view(r.bytes(crypto::AeadNonceBytes));
        g.wrappedPrevious = view(r.bytes(WrappedKeyBytes));
        const bool wrapped = !g.wrapNonce.isEmpty();
        if (r.ok()
            && (g.number != i
                || (wrapped
                    && (g.wrapNonce.size() != crypto::AeadNonceBytes || g.wrappedPrevious.size() != WrappedKeyBytes
                        || i == 0))
                || (!wrapped && !g.wrappedPrevious.isEmpty())))
            r.fail(DecodeError::NonCanonical);
    }
    const quint32 nSealed = r.count(MaxMembers, 11);
    v.sealed.resize(nSealed);
    for (SealedKey &s : v.sealed) {
        s.username = view(r.username());
        s.blob = view(r.bytes(MaxSealedBlob));
    }
    const quint32 nHistory = r.count(MaxMembers * 64, 15);
    v.historySeals.resize(nHistory);
    for (HistorySeal &h : v.historySeals) {
        h.username = view(r.username());
        h.generation = r.u32();
        h.blob = view(r.bytes(MaxSealedBlob));
    }
    const quint32 nDepartures = r.count(MaxMembers, 52);
    v.departures.resize(nDepartures);
    for (Departure &d : v.departures) {
        d.username = view(r.username());
        d.kind = DepartureKind(r.enumValue(quint8(DepartureKind::Count)));
        d.lastCounter = r.u64();
        d.lastMessageHash = view(r.fixed(crypto::HashBytes));
        d.request = view(r.bytes(MaxDepartureRequest));
    }
    r.finish();
    if (!r.ok())
        return;
    const auto byName = [](const auto &a, const auto &b) { return a.username < b.username; };
    const bool ordered =
        strictlyAscending(v.members, byName) && strictlyAscending(v.sealed, byName)
        && strictlyAscending(v.departures, byName)
        && strictlyAscending(v.historySeals, [](const HistorySeal &a, const HistorySeal &b) {
               return a.username < b.username || (a.username == b.username && a.generation < b.generation);
           });
    if (!ordered)
        r.fail(DecodeError::Unordered);
}

} // namespace

QString roleName(Role r)
{
    switch (r) {
    case Role::Admin: return QStringLiteral("admin");
    case Role::Moderator: return QStringLiteral("moderator");
    case Role::Member: return QStringLiteral("member");
    case Role::Guest: return QStringLiteral("guest");
    case Role::Count: break;
    }
    return QStringLiteral("unknown");
}

QString historyName(HistoryPolicy h)
{
    return h == HistoryPolicy::Shared ? QStringLiteral("shared") : QStringLiteral("since-join");
}

const Member *BootKegVersion::member(QByteArrayView username) const
{
    return findByName(members, username, [](const Member &m) { return QByteArrayView(m.username); });
}

const SealedKey *BootKegVersion::sealedFor(QByteArrayView username) const
{
    return findByName(sealed, username, [](const SealedKey &s) { return QByteArrayView(s.username); });
}

const Departure *BootKegVersion::departureOf(QByteArrayView username) const
{
    return findByName(departures, username, [](const Departure &d) { return QByteArrayView(d.username); });
}

quint32 BootKegVersion::currentGeneration() const
{
    return generations.empty() ? 0 : generations.back().number;
}

QByteArray encodeBody(const BootKegVersion &v)
{
    Writer w(512 + qsizetype(v.members.size()) * 200);
    w.u8(BootKegFormat);
    w.fixed(v.roomId);
    w.u64(v.version);
    w.fixed(v.previousHash);
    w.fixed(v.genesisNonce);
    w.u64(v.timestampMs);
    w.bytes(v.signer);
    w.bytes(v.name);
    w.bytes(v.topic);
    w.u8(quint8(v.policy));
    w.u32(quint32(v.members.size()));
    for (const Member &m : v.members) {
        w.bytes(m.username);
        w.fixed(m.signPublicKey);
        w.fixed(m.boxPublicKey);
        w.u8(quint8(m.role));
        w.u8(quint8(m.state));
        w.u8(quint8(m.history));
        w.bytes(m.invitedBy);
        w.u64(m.sinceVersion);
    }
    w.u32(quint32(v.generations.size()));
    for (const Generation &g : v.generations) {
        w.u32(g.number);
        w.fixed(g.commitment);
        w.bytes(g.wrapNonce);
        w.bytes(g.wrappedPrevious);
    }
    w.u32(quint32(v.sealed.size()));
    for (const SealedKey &s : v.sealed) {
        w.bytes(s.username);
        w.bytes(s.blob);
    }
    w.u32(quint32(v.historySeals.size()));
    for (const HistorySeal &h : v.historySeals) {
        w.bytes(h.username);
        w.u32(h.generation);
        w.bytes(h.blob);
    }
    w.u32(quint32(v.departures.size()));
    for (const Departure &d : v.departures) {
        w.bytes(d.username);
        w.u8(quint8(d.kind));
        w.u64(d.lastCounter);
        w.fixed(d.lastMessageHash.isEmpty() ? ZeroHash : d.lastMessageHash);
        w.bytes(d.request);
    }
    return w.take();
}

SignedBootKeg SignedBootKeg::sign(BootKegVersion v, const crypto::SigningKeyPair &key)
{
    SignedBootKeg s;
    s.m_body = encodeBody(v);
    s.m_hash = crypto::hash(crypto::ctx::BootKegHash, s.m_body);
    s.m_alg = SigAlg::Ed25519;
    s.m_signature = crypto::sign(key, crypto::ctx::BootKegSig, s.m_hash);
    // Re-read our own bytes: the version then views our body (not the builder's buffers,
    // which may be views into an older version), and the builder's output passes the
    // same strict decoder as everything received.
    Reader r(s.m_body);
    decodeBody(r, s.m_version);
    Q_ASSERT_X(r.ok(), "SignedBootKeg::sign", "builder produced a non-canonical version");
    return s;
}

Result<SignedBootKeg> SignedBootKeg::decode(QByteArrayView wire)
{
    Reader outer(wire);
    const quint8 format = outer.u8();
    if (outer.ok() && format != BootKegFormat)
        outer.fail(DecodeError::UnknownFormat);
    const QByteArrayView body = outer.bytes(MaxBody);
    const quint8 alg = outer.u8();
    const QByteArrayView sig = outer.bytes(crypto::SignatureBytes);
    outer.finish();
    if (!outer.ok())
        return Error{
            1, QStringLiteral("boot keg refused: %1 (at byte %2)").arg(describe(outer.error())).arg(outer.position())};
    SignedBootKeg s;
    s.m_body = body.toByteArray();
    s.m_alg = SigAlg(alg);
    s.m_signature = sig.toByteArray();
    Reader r(s.m_body);
    decodeBody(r, s.m_version);
    if (!r.ok())
        return Error{
            1, QStringLiteral("boot keg refused: %1 (at body byte %2)").arg(describe(r.error())).arg(r.position())};
    s.m_hash = crypto::hash(crypto::ctx::BootKegHash, s.m_body);
    return s;
}

QByteArray SignedBootKeg::encode() const
{
    Writer w(m_body.size() + 80);
    w.u8(BootKegFormat);
    w.bytes(m_body);
    w.u8(quint8(m_alg));
    w.bytes(m_signature);
    return w.take();
}

QByteArray SignedBootKeg::roomId() const
{
    // An owned copy: the decoded field is a view into this version's body, which a caller
    // keeping the id could outlive.
    return m_version.version == 0 ? roomIdFromGenesisHash(m_hash)
                                  : QByteArray(m_version.roomId.constData(), m_version.roomId.size());
}

QByteArray roomIdFromGenesisHash(QByteArrayView genesisHash)
{
    return crypto::hash(crypto::ctx::RoomId, genesisHash);
}

QByteArray keyCommitment(quint32 generation, const crypto::SecureBytes &key)
{
    char n[4];
    qToBigEndian(generation, n);
    return crypto::hash(crypto::ctx::KeyCommitment, QByteArrayView(n, 4), key.view());
}

} // namespace tavern::keg
