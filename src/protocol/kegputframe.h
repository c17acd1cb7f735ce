// keg.put requests read straight from their bytes (the server's fast path).
//
// Every message a client sends is a keg.put with one keg; building a QCborMap for its body
// (QCborValue::fromCbor) was the largest single cost of an ingested keg after SQLite
// (docs/benchmarks.md, bench_server). This reader accepts only the exact shape clients send
// — a request map of id, type "req", op "keg.put" and a body of "dbId" (bytes) and "kegs" (an
// array of byte strings), definite lengths, nothing after it — and returns nothing for
// anything else, which then takes the general path (decodeFrame) and gets its verdict there.
// The Frame it gives has Frame::kegPut set and an empty body.
#pragma once

#include "boundedcbor.h"
#include "frame.h"

#include <QByteArrayView>

#include <optional>

namespace tavern::protocol {

[[nodiscard]] std::optional<Frame> readKegPutFrame(QByteArrayView bytes, const CborLimits &limits);

} // namespace tavern::protocol
