// A wire frame: one CBOR map per binary WebSocket message. Requests carry an id chosen by
// the client; the response or error frame repeats it. Pushes are server-initiated and carry
// id 0. Layout and every op: docs/wire-protocol.md.
#pragma once

#include "boundedcbor.h"
#include "common/result.h"
#include "errors.h"

#include <QByteArray>
#include <QCborMap>
#include <QList>
#include <QString>

#include <optional>

namespace tavern::protocol {

enum class FrameType { Request, Response, Push, Error };

inline constexpr qsizetype MaxOpLength = 64;
inline constexpr qsizetype MaxMessageLength = 4096;

// keg.put's body as the server reads it from the usual shape (kegputframe.h).
struct KegPutBody
{
    QByteArray dbId;
    QList<QByteArray> kegs;
};

struct Frame
{
    FrameType type = FrameType::Request;
    quint64 id = 0;
    QString op;
    QCborMap body;
    ErrorCode code = ErrorCode::None; // error frames only
    QString message;                  // error frames only
    // Set only by readKegPutFrame (the server's fast path for keg.put): the body, read
    // directly; `body` is empty then. decodeFrame always fills `body`.
    std::optional<KegPutBody> kegPut;

    [[nodiscard]] static Frame request(quint64 id, const QString &op, QCborMap body = {});
    [[nodiscard]] static Frame response(quint64 id, const QString &op, QCborMap body = {});
    [[nodiscard]] static Frame push(const QString &op, QCborMap body = {});
    [[nodiscard]] static Frame error(quint64 id, const QString &op, ErrorCode code, const QString &message,
                                     QCborMap body = {});
};

[[nodiscard]] QString frameTypeName(FrameType t);
[[nodiscard]] QByteArray encodeFrame(const Frame &frame);
// A response or push frame around a body already encoded as one CBOR map (CborWriter):
// the same bytes encodeFrame gives for that body, without building a QCborMap.
[[nodiscard]] QByteArray encodeFrameWithBody(FrameType type, quint64 id, const QString &op, QByteArrayView body);

// Bounded decode (size, depth, item count, strict CBOR) followed by envelope type checks.
// On failure the error code is an ErrorCode; whenever the request id can be read (the
// envelope decoded far enough, or peekRequestId finds it in bytes the strict decoder
// refused), *idOut receives it so the error frame can answer that request.
[[nodiscard]] Result<Frame> decodeFrame(QByteArrayView bytes, const CborLimits &limits, quint64 *idOut = nullptr);

// The request id of a frame the strict decoder refused, read without building anything:
// the message must start with a CBOR map whose entries, walked in order, reach an "id" key
// (a definite-length text key) holding an unsigned integer up to 2^63-1 before the first
// entry that cannot be read. Nothing when there is no such entry, when "id" holds anything
// else, or when a second "id" follows the first (it is ambiguous which request it is).
// Linear in the message size; nesting beyond 32 levels ends the walk.
[[nodiscard]] std::optional<quint64> peekRequestId(QByteArrayView bytes);

} // namespace tavern::protocol
