// Strict, bounded CBOR decoding for frames from the network. QCborValue::fromCbor is not
// used on untrusted bytes: in Qt 6.4 it allows 1024 nesting levels, keeps duplicate map
// keys, ignores trailing bytes, and the value it returns after an invalid UTF-8 string
// crashes when read (checked on this stack, see docs/wire-protocol.md). This reader walks
// QCborStreamReader itself and refuses all of that before any value is built.
#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QCborValue>

namespace tavern::protocol {

struct CborLimits
{
    int maxDepth = 6;           // frame map (1) + body (2) + lists of maps (3, 4) + slack
    qsizetype maxItems = 20000; // all array elements and map entries together
    qsizetype maxBytes = 8 * 1024 * 1024;
};

// Accepts exactly one data item covering all of bytes: maps with text keys (no duplicates),
// arrays, unsigned integers up to 2^63-1, byte and text strings (valid UTF-8), true, false and null. Tags, floats,
// undefined and other simple values are refused. The error's code is an ErrorCode.
[[nodiscard]] Result<QCborValue> decodeBoundedCbor(QByteArrayView bytes, const CborLimits &limits);

} // namespace tavern::protocol
