// The boot-keg chain rules (threat-model rules 1-5): what makes a version valid after the
// one before it, and pin checks against rollback and forks. The server applies the same
// rules to decide what it stores; clients apply them to everything they receive.
#pragma once

#include "bootkeg.h"
#include "roles.h"

namespace tavern::keg {

enum class ChainError {
    Malformed = 1,   // not canonical, bad field, unknown format
    UnsignedVersion, // signature missing or algorithm None
    UnknownSignatureAlgorithm,
    BadSignature, // does not verify under the signer's key in the previous version
    BadGenesis,   // version 0 that is not a creator-only, admin, generation-0 room
    WrongRoom,    // room id differs from the chain's
    WrongVersion, // not previous + 1
    WrongPreviousHash,
    SignerNotMember,
    NotPermitted,        // the role table does not allow this signer this change
    NoAdmin,             // no joined admin would remain
    MemberKeysChanged,   // a member's keys changed inside the room
    GenerationRewritten, // an existing generation's number, commitment or wrap changed
    MissingRekey,        // a removal (or since-join invite) without a new generation
    BadGeneration,       // new generation not previous + 1, or more than one
    SealedSetMismatch,   // current-generation seals not exactly one per member
    SealedKeyChanged,    // an existing member's seal changed without a new generation
    HistoryLeak,         // old keys sealed to someone not invited with shared history
    BadDeparture,        // removed member without a departure record, or a bad request
    Rollback,            // older than the pinned version
    Fork,                // same version number as the pin, another hash
};

struct ChainRefusal
{
    ChainError code;
    QString reason;
};

// Checks a genesis (version 0) fully, signature included.
[[nodiscard]] Result<Ok> verifyGenesis(const SignedBootKeg &genesis);
// Checks next against prev (already verified): chain, signature by a member of prev,
// every change allowed by the role table, generation and seal rules.
enum class SignatureCheck { Verify, AlreadyTrusted /* only for what this device just signed */ };
[[nodiscard]] Result<Ok> verifyTransition(const SignedBootKeg &prev, const SignedBootKeg &next,
                                          SignatureCheck check = SignatureCheck::Verify);

struct Pin
{
    quint64 version = 0;
    QByteArray hash;
};
// Ok when the version is at or ahead of the pin and agrees with it at the pinned number.
[[nodiscard]] Result<Ok> checkPin(const Pin &pin, const SignedBootKeg &seen);

// Validates a whole chain from its genesis; returns the index of the first bad version in
// the error's reason. Used by a newcomer and by the benchmark.
class ChainVerifier
{
public:
    [[nodiscard]] Result<Ok> start(const SignedBootKeg &genesis);
    [[nodiscard]] Result<Ok> append(SignedBootKeg next);
    const SignedBootKeg &head() const { return m_head; }
    const QByteArray &roomId() const { return m_roomId; }

private:
    SignedBootKeg m_head;
    QByteArray m_roomId;
};

} // namespace tavern::keg
