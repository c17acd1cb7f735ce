// The pin log: this user's trust decisions (contact keys pinned, verified, key changes
// accepted; room heads pinned) as a signed, hash-chained sequence of kegs in the personal
// KegDB. Every device of the user appends to it and replays it, so a new device starts with
// the pins of the others, and a server that drops, reorders or rolls entries back is caught
// by the counters and hashes (the same author-chain rules as messages).
#pragma once

#include "common/result.h"
#include "crypto/identity.h"
#include "keg/keg.h"

#include <QByteArray>
#include <QString>

namespace tavern::client {

enum class PinKind : quint8 {
    ContactPinned = 0, // subject = username, keys = sign || box
    ContactVerified = 1,
    KeyChangeAccepted = 2,  // keys = the newly accepted sign || box
    RoomHead = 3,           // subject = room id (hex), version + hash
    ContactMismatch = 4,    // keys = the pinned sign || box whose out-of-band comparison failed
    InvitationDeclined = 5, // subject = room id (hex), version = the head it was declined at
    Count
};

struct PinEntry
{
    quint64 counter = 1;
    QByteArray previousHash; // 32; zero for counter 1
    PinKind kind = PinKind::ContactPinned;
    QString subject;
    QByteArray keys;         // 64 for contact kinds, empty otherwise
    quint64 version = 0;     // RoomHead
    QByteArray hash;         // 32 for RoomHead, empty otherwise
    quint64 timestampMs = 0; // informational
    // The writing device (16 random bytes kept in its cache): each device of the user keeps
    // its own chain of counters and hashes, so two devices pinning at once never collide.
    QByteArray device;
};

[[nodiscard]] QByteArray encodePinEntry(const PinEntry &e);
[[nodiscard]] Result<PinEntry> decodePinEntry(QByteArrayView bytes);

// The symmetric key of the personal KegDB: derived from the identity, so every device of the
// user has it and nobody else does.
[[nodiscard]] crypto::SecureBytes personalKey(const crypto::Identity &me);

// Seals an entry as a PinLog keg in the user's personal DB.
[[nodiscard]] keg::Keg sealPinEntry(const PinEntry &e, const crypto::Identity &me, const crypto::SecureBytes &key);
// Verifies (signed by the user, bound to the personal DB) and decodes; returns the entry and
// its chain hash.
[[nodiscard]] Result<std::pair<PinEntry, QByteArray>> openPinEntry(const keg::Keg &k, const crypto::Identity &me,
                                                                   const crypto::SecureBytes &key);

} // namespace tavern::client
