// The plaintext of a receipt keg (type 3, context tavern/v1/keg/receipt/sig): "I read this
// message", bound to the message's hash (so a receipt can't be moved to another message or
// to an altered copy) and to the room version the reader wrote under. Format in
// docs/protocol.md, section 5.2.
#pragma once

#include "common/result.h"

#include <QByteArray>

namespace tavern::client {

inline constexpr quint8 ReceiptFormat = 1;

struct ReceiptPayload
{
    QByteArray target;      // 16: the message's keg id
    QByteArray messageHash; // 32: kegContentHash of that message
    quint64 headVersion = 0;
    QByteArray headHash;     // 32
    quint64 timestampMs = 0; // the reader's clock: shown, never trusted
};

[[nodiscard]] QByteArray encodeReceipt(const ReceiptPayload &r);
[[nodiscard]] Result<ReceiptPayload> decodeReceipt(QByteArrayView bytes);

} // namespace tavern::client
