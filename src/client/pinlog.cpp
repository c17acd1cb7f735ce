#include "pinlog.h"

#include "crypto/contexts.h"
#include "crypto/hash.h"
#include "keg/canonical.h"

#include <sodium.h>

namespace tavern::client {

namespace {
constexpr quint8 PinFormat = 1;
}

QByteArray encodePinEntry(const PinEntry &e)
{
    keg::Writer w(160);
    w.u8(PinFormat);
    w.u64(e.counter);
    w.fixed(e.previousHash.isEmpty() ? QByteArray(32, '\0') : e.previousHash);
    w.u8(quint8(e.kind));
    w.text(e.subject);
    w.bytes(e.keys);
    w.u64(e.version);
    w.bytes(e.hash);
    w.u64(e.timestampMs);
    w.bytes(e.device);
    return w.take();
}

Result<PinEntry> decodePinEntry(QByteArrayView bytes)
{
    keg::Reader r(bytes);
    PinEntry e;
    if (r.u8() != PinFormat && r.ok())
        r.fail(keg::DecodeError::UnknownFormat);
    e.counter = r.u64();
    e.previousHash = r.fixed(32).toByteArray();
    e.kind = PinKind(r.enumValue(quint8(PinKind::Count)));
    e.subject = QString::fromUtf8(r.text(256));
    e.keys = r.bytes(64).toByteArray();
    e.version = r.u64();
    e.hash = r.bytes(32).toByteArray();
    e.timestampMs = r.u64();
    e.device = r.bytes(16).toByteArray();
    r.finish();
    // Each kind carries exactly its own fields; anything else has a second encoding.
    const bool room = e.kind == PinKind::RoomHead;
    const bool verified = e.kind == PinKind::ContactVerified;
    const bool declined = e.kind == PinKind::InvitationDeclined;
    const bool shapeOk = room       ? (e.hash.size() == 32 && e.keys.isEmpty())
                         : declined ? (e.hash.isEmpty() && e.keys.isEmpty() && e.subject.size() == 64)
                                    : (e.hash.isEmpty() && e.version == 0 && e.keys.size() == (verified ? 0 : 64));
    const bool firstOk = e.counter != 1 || e.previousHash == QByteArray(32, '\0');
    if (r.ok() && (e.counter == 0 || !shapeOk || !firstOk))
        r.fail(keg::DecodeError::NonCanonical);
    if (!r.ok())
        return Error{1, QStringLiteral("pin log entry refused: %1").arg(keg::describe(r.error()))};
    return e;
}

crypto::SecureBytes personalKey(const crypto::Identity &me)
{
    crypto::SecureBytes key(32);
    crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char *>(crypto::ctx::PinLogHash.data()),
                       std::size_t(crypto::ctx::PinLogHash.size()), me.box.secretKey.data(), me.box.secretKey.size());
    return key;
}

keg::Keg sealPinEntry(const PinEntry &e, const crypto::Identity &me, const crypto::SecureBytes &key)
{
    return keg::sealKeg({keg::personalDbId(me.username), keg::newKegId(), keg::KegType::PinLog, 0, 1},
                        encodePinEntry(e), key, me.username, me.signing);
}

Result<std::pair<PinEntry, QByteArray>> openPinEntry(const keg::Keg &k, const crypto::Identity &me,
                                                     const crypto::SecureBytes &key)
{
    if (k.type != keg::KegType::PinLog || k.author != me.username)
        return Error{2, QStringLiteral("a pin log entry not written by this user")};
    auto plain = keg::openKeg(k, keg::personalDbId(me.username), k.kegId, key, me.signing.publicKey);
    if (!plain)
        return plain.error();
    auto e = decodePinEntry(*plain);
    if (!e)
        return e.error();
    return std::pair{std::move(e).value(), keg::kegContentHash(k)};
}

} // namespace tavern::client
