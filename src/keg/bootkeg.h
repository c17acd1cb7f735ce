// The boot keg: a room's signed, hash-chained sequence of versions holding its members,
// roles, settings and key generations. Decoding is strict (canonical bytes only); the
// chain rules live in chainrules.h, the builder in bootkegbuilder.h. Byte layout: docs/protocol.md.
#pragma once

#include "canonical.h"
#include "common/result.h"
#include "keg.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace tavern::keg {

inline constexpr quint8 BootKegFormat = 1;
inline constexpr qsizetype RoomIdBytes = 32;
inline constexpr qsizetype GenesisNonceBytes = 16;
inline constexpr quint32 MaxMembers = 10000;
inline constexpr quint32 MaxGenerations = 1u << 20;
inline constexpr qsizetype MaxRoomName = 256;
inline constexpr qsizetype MaxRoomTopic = 4096;
inline constexpr qsizetype MaxSealedBlob = 256;
inline constexpr qsizetype MaxDepartureRequest = 512;

enum class Role : quint8 { Admin = 0, Moderator = 1, Member = 2, Guest = 3, Count };
enum class InviteState : quint8 { Invited = 0, Joined = 1, Count };
enum class HistoryPolicy : quint8 { Shared = 0, SinceJoin = 1, Count };
enum class DepartureKind : quint8 { Removed = 0, Left = 1, Declined = 2, Cancelled = 3, Count };

[[nodiscard]] QString roleName(Role r);
[[nodiscard]] QString historyName(HistoryPolicy h);

// Byte fields are views into SignedBootKeg::body when decoded (no per-field allocation:
// a 1000-member version decodes without 4000 mallocs); owned when built.
struct Member
{
    QByteArray username;
    QByteArray signPublicKey; // 32
    QByteArray boxPublicKey;  // 32
    Role role = Role::Member;
    InviteState state = InviteState::Invited;
    HistoryPolicy history = HistoryPolicy::Shared; // what this member was invited to see
    QByteArray invitedBy;                          // username; the creator names itself
    // The version that invited them (0 for the creator). A signed leave or decline counts
    // only if made at or after it, so an old request can't end a later membership.
    quint64 sinceVersion = 0;
};

// The current generation's key sealed to one member: crypto_box_seal of
// roomId(32) || generation(u32) || username(bytes) || key(32) (see SealedKeyPlaintext).
struct SealedKey
{
    QByteArray username;
    QByteArray blob;
};

// An older generation's key sealed to a newcomer invited with history "shared", for
// generations the wrap chain can't reach (a since-join invite breaks the chain).
struct HistorySeal
{
    QByteArray username;
    quint32 generation = 0;
    QByteArray blob;
};

struct Generation
{
    quint32 number = 0;
    QByteArray commitment;      // BLAKE2b(ctx, number || key): everyone holds the same key
    QByteArray wrapNonce;       // 24 bytes, or empty when the previous key is not wrapped
    QByteArray wrappedPrevious; // AEAD of generation number-1's key under this key, or empty
};

struct Departure
{
    QByteArray username;
    DepartureKind kind = DepartureKind::Removed;
    quint64 lastCounter = 0;    // the member's last message counter: later ones are refused
    QByteArray lastMessageHash; // 32 (zero if none)
    QByteArray request;         // the member's signed DepartureRequest (Left/Declined), else empty
};

struct BootKegVersion
{
    QByteArray roomId; // 32; all zero in the genesis (the room id is the genesis hash)
    quint64 version = 0;
    QByteArray previousHash;                      // 32; all zero in the genesis
    QByteArray genesisNonce;                      // 16 random bytes in the genesis, all zero afterwards
    quint64 timestampMs = 0;                      // informational only: no decision depends on clocks
    QByteArray signer;                            // username
    QByteArray name;                              // UTF-8
    QByteArray topic;                             // UTF-8
    HistoryPolicy policy = HistoryPolicy::Shared; // default for invites
    std::vector<Member> members;                  // strictly ascending by username
    std::vector<Generation> generations;          // 0, 1, 2, ... contiguous
    std::vector<SealedKey> sealed;                // last generation, one per member, ascending
    std::vector<HistorySeal> historySeals;        // ascending by (username, generation)
    std::vector<Departure> departures;            // members removed by this version, ascending

    [[nodiscard]] const Member *member(QByteArrayView username) const;
    [[nodiscard]] const SealedKey *sealedFor(QByteArrayView username) const;
    [[nodiscard]] const Departure *departureOf(QByteArrayView username) const;
    [[nodiscard]] quint32 currentGeneration() const;
};

[[nodiscard]] QByteArray encodeBody(const BootKegVersion &v);

// A version as stored and sent: body, signature algorithm, signature.
class SignedBootKeg
{
public:
    SignedBootKeg() = default;
    // Encodes, hashes and signs a freshly built version.
    [[nodiscard]] static SignedBootKeg sign(BootKegVersion v, const crypto::SigningKeyPair &key);
    // Strict decode of the wire form; does not check the signature (chainrules does).
    [[nodiscard]] static Result<SignedBootKeg> decode(QByteArrayView wire);

    [[nodiscard]] QByteArray encode() const;
    const BootKegVersion &version() const { return m_version; }
    const QByteArray &body() const { return m_body; }
    const QByteArray &hash() const { return m_hash; } // BLAKE2b(BootKegHash, body)
    SigAlg sigAlg() const { return m_alg; }
    const QByteArray &signature() const { return m_signature; }
    // The room id this version belongs to (its own hash-derived id for a genesis).
    [[nodiscard]] QByteArray roomId() const;

private:
    QByteArray m_body;
    QByteArray m_hash;
    SigAlg m_alg = SigAlg::Ed25519;
    QByteArray m_signature;
    BootKegVersion m_version;
};

[[nodiscard]] QByteArray roomIdFromGenesisHash(QByteArrayView genesisHash);
[[nodiscard]] QByteArray keyCommitment(quint32 generation, const crypto::SecureBytes &key);

// A member's request to leave (Left) or answer to decline an invitation (Declined),
// signed by that member; it is the only evidence that lets a non-admin remove them.
struct DepartureRequest
{
    QByteArray roomId;
    QByteArray username;
    DepartureKind kind = DepartureKind::Left;
    quint64 atVersion = 0; // the boot-keg version the member saw
    QByteArray signature;
};
[[nodiscard]] QByteArray encodeDepartureRequest(const DepartureRequest &r);
[[nodiscard]] Result<DepartureRequest> decodeDepartureRequest(QByteArrayView bytes);
[[nodiscard]] DepartureRequest signDepartureRequest(QByteArrayView roomId, const QString &username, DepartureKind kind,
                                                    quint64 atVersion, const crypto::SigningKeyPair &key);
[[nodiscard]] bool verifyDepartureRequest(const DepartureRequest &r, QByteArrayView signPublicKey);

} // namespace tavern::keg
