// Signed departure requests: a member's own "I leave" or "I decline", the only evidence on
// which someone other than an admin may remove them (brief: no server-driven membership).
#include "bootkeg.h"

#include "crypto/contexts.h"

namespace tavern::keg {

namespace {
QByteArrayView contextFor(DepartureKind kind)
{
    return kind == DepartureKind::Declined ? crypto::ctx::InvitationAnswerSig : crypto::ctx::DepartureSig;
}

QByteArray signedPart(const DepartureRequest &r)
{
    Writer w(96);
    w.u8(BootKegFormat);
    w.fixed(r.roomId);
    w.bytes(r.username);
    w.u8(quint8(r.kind));
    w.u64(r.atVersion);
    return w.take();
}
} // namespace

QByteArray encodeDepartureRequest(const DepartureRequest &r)
{
    Writer w(160);
    w.fixed(signedPart(r));
    w.bytes(r.signature);
    return w.take();
}

Result<DepartureRequest> decodeDepartureRequest(QByteArrayView bytes)
{
    Reader r(bytes);
    DepartureRequest d;
    if (r.u8() != BootKegFormat && r.ok())
        r.fail(DecodeError::UnknownFormat);
    d.roomId = r.fixed(RoomIdBytes).toByteArray();
    d.username = r.username().toByteArray();
    d.kind = DepartureKind(r.enumValue(quint8(DepartureKind::Count)));
    d.atVersion = r.u64();
    d.signature = r.bytes(crypto::SignatureBytes).toByteArray();
    r.finish();
    if (r.ok() && d.kind != DepartureKind::Left && d.kind != DepartureKind::Declined)
        r.fail(DecodeError::NonCanonical);
    if (r.ok() && d.signature.size() != crypto::SignatureBytes)
        r.fail(DecodeError::Truncated);
    if (!r.ok())
        return Error{1, QStringLiteral("departure request refused: %1").arg(describe(r.error()))};
    return d;
}

DepartureRequest signDepartureRequest(QByteArrayView roomId, const QString &username, DepartureKind kind,
                                      quint64 atVersion, const crypto::SigningKeyPair &key)
{
    DepartureRequest d{roomId.toByteArray(), username.toUtf8(), kind, atVersion, {}};
    d.signature = crypto::sign(key, contextFor(kind), signedPart(d));
    return d;
}

bool verifyDepartureRequest(const DepartureRequest &r, QByteArrayView signPublicKey)
{
    return crypto::verify(signPublicKey, contextFor(r.kind), signedPart(r), r.signature);
}

} // namespace tavern::keg
