#include "chainrules.h"

#include "crypto/contexts.h"
#include "crypto/securebytes.h"
#include "crypto/sign.h"

namespace tavern::keg {

namespace {

Error refuse(ChainError code, const QString &reason)
{
    return Error{int(code), reason};
}
QString who(QByteArrayView u)
{
    return QString::fromUtf8(u);
}

bool allZero(QByteArrayView b)
{
    for (char c : b) {
        if (c)
            return false;
    }
    return true;
}

Result<Ok> checkEnvelope(const SignedBootKeg &s)
{
    if (s.sigAlg() == SigAlg::None || s.signature().isEmpty())
        return refuse(ChainError::UnsignedVersion,
                      QStringLiteral("version %1 carries no signature").arg(s.version().version));
    if (s.sigAlg() != SigAlg::Ed25519)
        return refuse(ChainError::UnknownSignatureAlgorithm,
                      QStringLiteral("version %1 uses unknown signature algorithm %2")
                          .arg(s.version().version)
                          .arg(int(s.sigAlg())));
    if (s.signature().size() != crypto::SignatureBytes)
        return refuse(ChainError::UnsignedVersion,
                      QStringLiteral("version %1 has a truncated signature").arg(s.version().version));
    return Ok{};
}

Result<Ok> checkSignature(const SignedBootKeg &s, const Member &signer)
{
    if (!crypto::verify(signer.signPublicKey, crypto::ctx::BootKegSig, s.hash(), s.signature()))
        return refuse(ChainError::BadSignature, QStringLiteral("version %1 is not signed by %2's key: the signature is "
                                                               "forged or the content was altered after signing")
                                                    .arg(s.version().version)
                                                    .arg(who(signer.username)));
    return Ok{};
}

// Rules every single version obeys, whatever came before.
Result<Ok> checkInvariants(const BootKegVersion &v)
{
    bool admin = false;
    for (const Member &m : v.members)
        admin = admin || (m.role == Role::Admin && m.state == InviteState::Joined);
    if (!admin)
        return refuse(ChainError::NoAdmin,
                      QStringLiteral("version %1 leaves the room without a joined admin").arg(v.version));
    if (v.generations.empty())
        return refuse(ChainError::BadGeneration, QStringLiteral("version %1 has no key generation").arg(v.version));
    bool sameSet = v.sealed.size() == v.members.size();
    for (std::size_t i = 0; sameSet && i < v.members.size(); ++i)
        sameSet = v.sealed[i].username == v.members[i].username;
    if (!sameSet)
        return refuse(ChainError::SealedSetMismatch,
                      QStringLiteral("version %1 does not seal generation %2 to exactly its members")
                          .arg(v.version)
                          .arg(v.currentGeneration()));
    for (const HistorySeal &h : v.historySeals) {
        if (!v.member(h.username) || h.generation >= v.currentGeneration())
            return refuse(ChainError::HistoryLeak,
                          QStringLiteral("version %1 seals generation %2 to %3, who may not have it")
                              .arg(v.version)
                              .arg(h.generation)
                              .arg(who(h.username)));
    }
    for (const Departure &d : v.departures) {
        if (v.member(d.username))
            return refuse(
                ChainError::BadDeparture,
                QStringLiteral("version %1 records %2 as departed but keeps them").arg(v.version).arg(who(d.username)));
    }
    return Ok{};
}

struct Context
{
    const BootKegVersion &p;
    const BootKegVersion &n;
    const SignedBootKeg &prev;
    const Member &signer;
    bool newGeneration = false;
    bool removed = false;
    bool sinceJoinInvite = false;

    Error notPermitted(const QString &what) const
    {
        return refuse(ChainError::NotPermitted, QStringLiteral("%1 (%2) may not %3 (version %4)")
                                                    .arg(who(signer.username), roleName(signer.role), what)
                                                    .arg(n.version));
    }
    bool may(Privilege priv) const { return roleAllows(signer.role, priv); }
};

// An invitee's only possible change: their own state from invited to joined.
Result<Ok> checkAcceptance(const Context &c)
{
    const BootKegVersion &p = c.p, &n = c.n;
    bool same = p.members.size() == n.members.size() && p.name == n.name && p.topic == n.topic && p.policy == n.policy
                && !c.newGeneration && n.historySeals.empty() && n.departures.empty();
    for (std::size_t i = 0; same && i < p.members.size(); ++i) {
        const Member &a = p.members[i], &b = n.members[i];
        const bool self = a.username == c.signer.username;
        same = a.username == b.username && a.signPublicKey == b.signPublicKey && a.boxPublicKey == b.boxPublicKey
               && a.role == b.role && a.history == b.history && a.invitedBy == b.invitedBy
               && a.sinceVersion == b.sinceVersion && (self ? b.state == InviteState::Joined : a.state == b.state)
               && p.sealed[i].blob == n.sealed[i].blob;
    }
    if (!same)
        return c.notPermitted(QStringLiteral("change anything but accept their own invitation"));
    return Ok{};
}

Result<Ok> checkDeparture(Context &c, const Member &gone)
{
    const Departure *d = c.n.departureOf(gone.username);
    if (!d)
        return refuse(ChainError::BadDeparture, QStringLiteral("version %1 removes %2 without a departure record")
                                                    .arg(c.n.version)
                                                    .arg(who(gone.username)));
    c.removed = true;
    // Whatever the kind: the new generation is sealed by the signer, so a signer who
    // leaves by their own version would hold the key meant to shut them out.
    if (gone.username == c.signer.username)
        return c.notPermitted(QStringLiteral("write their own removal (the new key would be "
                                             "theirs); their signed request is carried by "
                                             "another member"));
    const bool invited = gone.state == InviteState::Invited;
    switch (d->kind) {
    case DepartureKind::Removed:
        if (!c.may(Privilege::RemoveMember))
            return c.notPermitted(QStringLiteral("remove %1").arg(who(gone.username)));
        return Ok{};
    case DepartureKind::Cancelled:
        if (!invited)
            return refuse(ChainError::BadDeparture, QStringLiteral("%1 had accepted; a cancellation only applies to an "
                                                                   "invitation")
                                                        .arg(who(gone.username)));
        if (c.may(Privilege::RemoveMember)
            || (c.may(Privilege::CancelOwnInvite) && gone.invitedBy == c.signer.username))
            return Ok{};
        return c.notPermitted(QStringLiteral("cancel %1's invitation").arg(who(gone.username)));
    case DepartureKind::Left:
    case DepartureKind::Declined: {
        if (!c.may(Privilege::ProcessDeparture))
            return c.notPermitted(QStringLiteral("complete %1's departure").arg(who(gone.username)));
        auto req = decodeDepartureRequest(d->request);
        // atVersion at or after their invitation: a request from an earlier membership
        // can't be replayed to end this one.
        const bool valid = req && req->roomId == c.prev.roomId() && req->username == gone.username
                           && req->kind == d->kind && req->atVersion <= c.p.version
                           && req->atVersion >= gone.sinceVersion && (d->kind == DepartureKind::Declined) == invited
                           && verifyDepartureRequest(*req, gone.signPublicKey);
        if (!valid)
            return refuse(
                ChainError::BadDeparture,
                QStringLiteral("version %1 removes %2 on a %3 request that %2 did not "
                               "sign for this room")
                    .arg(c.n.version)
                    .arg(who(gone.username))
                    .arg(d->kind == DepartureKind::Left ? QStringLiteral("leave") : QStringLiteral("decline")));
        return Ok{};
    }
    case DepartureKind::Count: break;
    }
    return refuse(ChainError::Malformed, QStringLiteral("unknown departure kind"));
}

Result<Ok> checkNewcomer(Context &c, const Member &m)
{
    const QString name = who(m.username);
    if (m.state != InviteState::Invited)
        return c.notPermitted(QStringLiteral("add %1 as joined: only %1's own signature can "
                                             "accept an invitation")
                                  .arg(name));
    if (m.invitedBy != c.signer.username)
        return c.notPermitted(QStringLiteral("record someone else as %1's inviter").arg(name));
    const bool elevated = m.role == Role::Admin || m.role == Role::Moderator;
    if (!c.may(elevated ? Privilege::InviteElevated : Privilege::Invite))
        return c.notPermitted(QStringLiteral("invite %1 as %2").arg(name, roleName(m.role)));
    if (m.sinceVersion != c.n.version)
        return c.notPermitted(QStringLiteral("date %1's invitation to version %2 instead of %3")
                                  .arg(name)
                                  .arg(m.sinceVersion)
                                  .arg(c.n.version));
    if (m.history == HistoryPolicy::Shared && c.n.policy != HistoryPolicy::Shared)
        return c.notPermitted(QStringLiteral("share history with %1 in a since-join room").arg(name));
    if (m.history == HistoryPolicy::SinceJoin)
        c.sinceJoinInvite = true;
    return Ok{};
}

// i, j: positions in prev and next; seals sit at the same positions as members (invariant).
Result<Ok> checkStayer(const Context &c, std::size_t i, std::size_t j)
{
    const Member &a = c.p.members[i], &b = c.n.members[j];
    const QString name = who(a.username);
    if (a.signPublicKey != b.signPublicKey || a.boxPublicKey != b.boxPublicKey)
        return refuse(ChainError::MemberKeysChanged,
                      QStringLiteral("version %1 changes %2's keys inside the room").arg(c.n.version).arg(name));
    if (a.invitedBy != b.invitedBy || a.history != b.history || a.sinceVersion != b.sinceVersion)
        return c.notPermitted(QStringLiteral("rewrite %1's invitation").arg(name));
    if (a.state != b.state)
        return c.notPermitted(a.state == InviteState::Invited
                                  ? QStringLiteral("accept %1's invitation for them").arg(name)
                                  : QStringLiteral("turn %1 back into an invitee").arg(name));
    if (a.role != b.role && !c.may(Privilege::ChangeRole))
        return c.notPermitted(QStringLiteral("change %1's role to %2").arg(name, roleName(b.role)));
    if (!c.newGeneration && c.p.sealed[i].blob != c.n.sealed[j].blob)
        return refuse(
            ChainError::SealedKeyChanged,
            QStringLiteral("version %1 replaces %2's sealed key without a new generation").arg(c.n.version).arg(name));
    return Ok{};
}

Result<Ok> checkGenerations(Context &c)
{
    const auto &pg = c.p.generations, &ng = c.n.generations;
    if (ng.size() < pg.size())
        return refuse(ChainError::GenerationRewritten,
                      QStringLiteral("version %1 drops key generations").arg(c.n.version));
    if (ng.size() > pg.size() + 1)
        return refuse(ChainError::BadGeneration,
                      QStringLiteral("version %1 starts more than one generation").arg(c.n.version));
    for (std::size_t i = 0; i < pg.size(); ++i) {
        if (pg[i].commitment != ng[i].commitment || pg[i].wrapNonce != ng[i].wrapNonce
            || pg[i].wrappedPrevious != ng[i].wrappedPrevious)
            return refuse(ChainError::GenerationRewritten,
                          QStringLiteral("version %1 reuses generation number %2 for another key")
                              .arg(c.n.version)
                              .arg(pg[i].number));
    }
    c.newGeneration = ng.size() == pg.size() + 1;
    return Ok{};
}

} // namespace

Result<Ok> verifyGenesis(const SignedBootKeg &genesis)
{
    if (auto e = checkEnvelope(genesis); !e)
        return e;
    const BootKegVersion &v = genesis.version();
    const auto bad = [&](const QString &why) {
        return refuse(ChainError::BadGenesis, QStringLiteral("the room's first version %1").arg(why));
    };
    if (v.version != 0)
        return bad(QStringLiteral("is numbered %1, not 0").arg(v.version));
    if (!allZero(v.roomId) || !allZero(v.previousHash) || allZero(v.genesisNonce))
        return bad(QStringLiteral("has a room id, a previous hash or no nonce"));
    if (v.members.size() != 1 || v.members[0].username != v.signer)
        return bad(QStringLiteral("must hold exactly its creator"));
    const Member &creator = v.members[0];
    if (creator.role != Role::Admin || creator.state != InviteState::Joined || creator.invitedBy != creator.username
        || creator.sinceVersion != 0)
        return bad(QStringLiteral("must make its creator a joined admin"));
    if (v.generations.size() != 1 || !v.generations[0].wrapNonce.isEmpty() || !v.historySeals.empty()
        || !v.departures.empty())
        return bad(QStringLiteral("must hold exactly key generation 0"));
    if (auto e = checkInvariants(v); !e)
        return e;
    return checkSignature(genesis, creator);
}

Result<Ok> verifyTransition(const SignedBootKeg &prev, const SignedBootKeg &next, SignatureCheck check)
{
    if (auto e = checkEnvelope(next); !e)
        return e;
    const BootKegVersion &p = prev.version(), &n = next.version();
    if (n.roomId != prev.roomId())
        return refuse(ChainError::WrongRoom, QStringLiteral("version %1 belongs to another room").arg(n.version));
    if (n.version != p.version + 1)
        return refuse(ChainError::WrongVersion,
                      QStringLiteral("version %1 does not follow version %2").arg(n.version).arg(p.version));
    if (n.previousHash != prev.hash())
        return refuse(
            ChainError::WrongPreviousHash,
            QStringLiteral("version %1 does not chain to the version %2 we hold").arg(n.version).arg(p.version));
    if (!allZero(n.genesisNonce))
        return refuse(ChainError::Malformed, QStringLiteral("version %1 carries a genesis nonce").arg(n.version));
    const Member *signer = p.member(n.signer);
    if (!signer)
        return refuse(
            ChainError::SignerNotMember,
            QStringLiteral("version %1 is signed by %2, who is not in the room").arg(n.version).arg(who(n.signer)));
    if (check == SignatureCheck::Verify) {
        if (auto e = checkSignature(next, *signer); !e)
            return e;
    }
    if (auto e = checkInvariants(n); !e)
        return e;

    Context c{p, n, prev, *signer};
    if (auto e = checkGenerations(c); !e)
        return e;
    if (signer->state == InviteState::Invited)
        return checkAcceptance(c);

    bool changed = c.newGeneration || !n.historySeals.empty();
    if (p.name != n.name || p.topic != n.topic || p.policy != n.policy) {
        if (!c.may(Privilege::ChangeSettings))
            return c.notPermitted(QStringLiteral("change the room settings"));
        changed = true;
    }
    // Walk both member lists (each sorted by username) in one pass.
    std::size_t i = 0, j = 0;
    while (i < p.members.size() || j < n.members.size()) {
        const Member *a = i < p.members.size() ? &p.members[i] : nullptr;
        const Member *b = j < n.members.size() ? &n.members[j] : nullptr;
        Result<Ok> step = Ok{};
        if (a && (!b || a->username < b->username)) {
            step = checkDeparture(c, *a);
            ++i;
            changed = true;
        } else if (b && (!a || b->username < a->username)) {
            step = checkNewcomer(c, *b);
            ++j;
            changed = true;
        } else {
            step = checkStayer(c, i, j);
            changed = changed || a->role != b->role;
            ++i;
            ++j;
        }
        if (!step)
            return step;
    }
    for (const Departure &d : n.departures) {
        if (!p.member(d.username))
            return refuse(ChainError::BadDeparture,
                          QStringLiteral("version %1 records a departure of %2, who was not in the room")
                              .arg(n.version)
                              .arg(who(d.username)));
    }
    for (const HistorySeal &h : n.historySeals) {
        const Member *m = n.member(h.username);
        if (p.member(h.username) || m->history != HistoryPolicy::Shared)
            return refuse(ChainError::HistoryLeak,
                          QStringLiteral("version %1 gives old keys to %2, who was not invited "
                                         "with shared history in this version")
                              .arg(n.version)
                              .arg(who(h.username)));
    }
    if ((c.removed || c.sinceJoinInvite) && !c.newGeneration)
        return refuse(ChainError::MissingRekey, QStringLiteral("version %1 %2 but keeps the old room key")
                                                    .arg(n.version)
                                                    .arg(c.removed ? QStringLiteral("removes a member")
                                                                   : QStringLiteral("invites without history")));
    if (c.newGeneration) {
        if (c.sinceJoinInvite && !n.generations.back().wrapNonce.isEmpty())
            return refuse(ChainError::HistoryLeak,
                          QStringLiteral("version %1 wraps the old key into the key given to a "
                                         "since-join invitee")
                              .arg(n.version));
        if (!c.removed && !c.sinceJoinInvite && !c.may(Privilege::Rekey))
            return c.notPermitted(QStringLiteral("start a new room key"));
    }
    if (!changed)
        return c.notPermitted(QStringLiteral("publish a version that changes nothing"));
    return Ok{};
}

Result<Ok> checkPin(const Pin &pin, const SignedBootKeg &seen)
{
    if (pin.hash.isEmpty())
        return Ok{};
    const quint64 v = seen.version().version;
    if (v < pin.version)
        return refuse(ChainError::Rollback, QStringLiteral("the server offered version %1 after this device had seen "
                                                           "version %2: a rollback")
                                                .arg(v)
                                                .arg(pin.version));
    if (v == pin.version && !crypto::constantTimeEquals(seen.hash(), pin.hash))
        return refuse(ChainError::Fork, QStringLiteral("version %1 differs from the version %1 this device pinned: "
                                                       "the room was forked")
                                            .arg(v));
    return Ok{};
}

Result<Ok> ChainVerifier::start(const SignedBootKeg &genesis)
{
    if (auto e = verifyGenesis(genesis); !e)
        return e;
    m_head = genesis;
    m_roomId = genesis.roomId();
    return Ok{};
}

Result<Ok> ChainVerifier::append(SignedBootKeg next)
{
    if (m_roomId.isEmpty())
        return refuse(ChainError::BadGenesis, QStringLiteral("no genesis verified yet"));
    if (auto e = verifyTransition(m_head, next); !e)
        return e;
    m_head = std::move(next);
    return Ok{};
}

} // namespace tavern::keg
