#include "receipt.h"

#include "keg/canonical.h"
#include "keg/keg.h"

namespace tavern::client {

QByteArray encodeReceipt(const ReceiptPayload &r)
{
    keg::Writer w(1 + keg::KegIdBytes + 32 + 8 + 32 + 8);
    w.u8(ReceiptFormat);
    w.fixed(r.target);
    w.fixed(r.messageHash);
    w.u64(r.headVersion);
    w.fixed(r.headHash);
    w.u64(r.timestampMs);
    return w.take();
}

Result<ReceiptPayload> decodeReceipt(QByteArrayView bytes)
{
    keg::Reader r(bytes);
    ReceiptPayload p;
    if (r.u8() != ReceiptFormat && r.ok())
        r.fail(keg::DecodeError::UnknownFormat);
    p.target = r.fixed(keg::KegIdBytes).toByteArray();
    p.messageHash = r.fixed(32).toByteArray();
    p.headVersion = r.u64();
    p.headHash = r.fixed(32).toByteArray();
    p.timestampMs = r.u64();
    r.finish();
    if (!r.ok())
        return Error{1, QStringLiteral("receipt refused: %1").arg(keg::describe(r.error()))};
    return p;
}

} // namespace tavern::client
