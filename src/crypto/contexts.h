// Domain-separation strings: one distinct, versioned context per signature, hash and AEAD
// use (threat-model rule 5). A byte signed or hashed for one purpose can never be
// accepted for another. The list is documented in docs/protocol.md; never reuse one.
#pragma once

#include <QByteArrayView>

namespace tavern::crypto::ctx {

// Signatures (Ed25519 over context || 0x00 || message)
inline constexpr QByteArrayView BootKegSig = "tavern/v1/bootkeg/sig";
inline constexpr QByteArrayView MessageSig = "tavern/v1/keg/message/sig";
inline constexpr QByteArrayView ReceiptSig = "tavern/v1/keg/receipt/sig";
inline constexpr QByteArrayView PinLogSig = "tavern/v1/keg/pin-log/sig";
inline constexpr QByteArrayView InvitationAnswerSig = "tavern/v1/invitation-answer/sig";
inline constexpr QByteArrayView DepartureSig = "tavern/v1/departure/sig";
inline constexpr QByteArrayView KegSig = "tavern/v1/keg/other/sig";
inline constexpr QByteArrayView AuthChallengeSig = "tavern/v1/auth-challenge/sig";
inline constexpr QByteArrayView SignupSig = "tavern/v1/signup/sig";

// AEAD associated data prefixes
inline constexpr QByteArrayView KegAead = "tavern/v1/keg/aead";
inline constexpr QByteArrayView KeyWrapAead = "tavern/v1/bootkeg/key-wrap/aead";

// Hashes (BLAKE2b-256 over context || 0x00 || data)
inline constexpr QByteArrayView BootKegHash = "tavern/v1/bootkeg/hash";
inline constexpr QByteArrayView RoomId = "tavern/v1/room-id";
inline constexpr QByteArrayView KeyCommitment = "tavern/v1/bootkeg/key-commitment";
inline constexpr QByteArrayView PersonalDbId = "tavern/v1/db/personal";
inline constexpr QByteArrayView DmDbId = "tavern/v1/db/dm";
inline constexpr QByteArrayView MessageHash = "tavern/v1/message/hash";
inline constexpr QByteArrayView SafetyNumber = "tavern/v1/safety-number";
inline constexpr QByteArrayView RoomFingerprint = "tavern/v1/room-fingerprint";
inline constexpr QByteArrayView PinLogHash = "tavern/v1/pin-log/hash";

// Key derivation
inline constexpr QByteArrayView IdentitySalt = "tavern/v1/identity/salt";
inline constexpr char IdentityKdf[9] = "tvrn-id1"; // crypto_kdf wants exactly 8 bytes

} // namespace tavern::crypto::ctx
