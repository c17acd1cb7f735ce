// Op names of requests and pushes, and the signed messages of signup and auth. Client and
// server both build these from here so the bytes signed and verified are the same.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace tavern::protocol {

namespace op {
// Requests (client -> server). Those marked (anon) work before auth.
inline const QString Ping = QStringLiteral("ping");                // (anon) health
inline const QString Signup = QStringLiteral("signup");            // (anon)
inline const QString Challenge = QStringLiteral("auth.challenge"); // (anon)
inline const QString Auth = QStringLiteral("auth.login");          // (anon)
inline const QString UserLookup = QStringLiteral("user.lookup");
inline const QString DbList = QStringLiteral("db.list");
inline const QString DmCreate = QStringLiteral("db.dm.create");
inline const QString RoomCreate = QStringLiteral("room.create");
inline const QString BootKegGet = QStringLiteral("bootkeg.get");
inline const QString BootKegPut = QStringLiteral("bootkeg.put");
inline const QString InvitationList = QStringLiteral("invitation.list");
inline const QString InvitationDecline = QStringLiteral("invitation.decline");
inline const QString RoomLeave = QStringLiteral("room.leave");
inline const QString RoomRequests = QStringLiteral("room.requests");
inline const QString KegPut = QStringLiteral("keg.put");
inline const QString KegGet = QStringLiteral("keg.get");
inline const QString KegList = QStringLiteral("keg.list");
inline const QString KegDelete = QStringLiteral("keg.delete");
inline const QString DevicesList = QStringLiteral("devices.list");
} // namespace op

namespace push {
inline const QString Keg = QStringLiteral("keg");               // new/updated/deleted keg
inline const QString BootKeg = QStringLiteral("bootkeg");       // new boot-keg version
inline const QString Invitation = QStringLiteral("invitation"); // to the invitee
inline const QString InvitationAccepted = QStringLiteral("invitation.accepted");
inline const QString InvitationDeclined = QStringLiteral("invitation.declined");
inline const QString MemberLeft = QStringLiteral("member.left");
inline const QString MemberRemoved = QStringLiteral("member.removed");
inline const QString RoleChanged = QStringLiteral("role.changed");
inline const QString AccessRevoked = QStringLiteral("access.revoked");   // to the removed user
inline const QString DevicesChanged = QStringLiteral("devices.changed"); // to the user's other devices
} // namespace push

inline constexpr qsizetype ChallengeNonceBytes = 32;
// auth.login's optional `device` map: a random id the client keeps, and a name for people.
inline constexpr qsizetype DeviceIdBytes = 16;
inline constexpr qsizetype DeviceNameMaxChars = 64; // Unicode code points

// The bytes a new user signs with its Ed25519 key (context ctx::SignupSig): canonical
// text(username) || signKey(32) || boxKey(32). Proves the uploader holds the signing key
// and binds the encryption key to it.
[[nodiscard]] QByteArray signupMessage(const QString &username, QByteArrayView signKey, QByteArrayView boxKey);
// The bytes a device signs to log in (context ctx::AuthChallengeSig): canonical
// nonce(32) || text(username).
[[nodiscard]] QByteArray authMessage(QByteArrayView nonce, const QString &username);

} // namespace tavern::protocol
