// Stable error codes of the wire protocol. The wire carries the name (errorName), never the
// number, so codes can be added without renumbering; a name, once published, never changes
// meaning. The table with what each means for a client is in docs/wire-protocol.md.
#pragma once

#include <QString>

namespace tavern::protocol {

enum class ErrorCode {
    None = 0,
    BadFrame,        // not a well-formed frame: CBOR, envelope, depth, types
    FrameTooLarge,   // above the frame size limit
    UnknownOp,       // op the server does not know
    BadRequest,      // body field missing, of the wrong type or out of range
    Unauthenticated, // op needs an authenticated connection
    AlreadyAuthenticated,
    AuthFailed,       // signature does not verify for the user's key
    ChallengeUnknown, // no such challenge on this connection (never issued or already used)
    ChallengeExpired,
    UnknownUser,
    UsernameTaken,
    BadUsername,
    BadSignature, // a self-signature (signup) or signed request that does not verify
    Forbidden,    // authenticated but not allowed (not a member, invitee, removed...)
    NotFound,
    Conflict,     // stale keg version or boot-keg head moved on
    BadKeg,       // keg bytes do not decode or name another DB
    ChainRefused, // boot-keg version refused by the chain rules
    RateLimited,
    TooManyKegs,        // kegs per request limit
    TooManyConnections, // connections per user limit
    AuthTimeout,        // connection did not authenticate in time
    Internal,           // storage failure; the write was NOT committed
    ShuttingDown,
    BadDevice, // auth.login's `device` map is malformed (id size, name length/characters)
    Count
};

[[nodiscard]] QString errorName(ErrorCode code);
// Unknown names map to None so a client can still show the message.
[[nodiscard]] ErrorCode errorFromName(const QString &name);

} // namespace tavern::protocol
