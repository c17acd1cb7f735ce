#include "message.h"

#include "keg.h"

namespace tavern::keg {

QByteArray encodeMessage(const MessagePayload &m)
{
    Writer w(m.body.size() * 3 + 128);
    w.u8(MessageFormat);
    w.u64(m.counter);
    w.fixed(m.previousHash.isEmpty() ? QByteArray(32, '\0') : m.previousHash);
    w.u64(m.headVersion);
    w.fixed(m.headHash.isEmpty() ? QByteArray(32, '\0') : m.headHash);
    w.u64(m.timestampMs);
    w.text(m.body);
    w.fixed(m.target.isEmpty() ? QByteArray(KegIdBytes, '\0') : m.target);
    return w.take();
}

Result<MessagePayload> decodeMessage(QByteArrayView bytes)
{
    Reader r(bytes);
    MessagePayload m;
    if (r.u8() != MessageFormat && r.ok())
        r.fail(DecodeError::UnknownFormat);
    m.counter = r.u64();
    m.previousHash = r.fixed(32).toByteArray();
    m.headVersion = r.u64();
    m.headHash = r.fixed(32).toByteArray();
    m.timestampMs = r.u64();
    m.body = QString::fromUtf8(r.text(MaxMessageBody));
    m.target = r.fixed(KegIdBytes).toByteArray();
    r.finish();
    if (r.ok() && m.counter == 0)
        r.fail(DecodeError::NonCanonical);
    if (!r.ok())
        return Error{1, QStringLiteral("message refused: %1").arg(describe(r.error()))};
    return m;
}

} // namespace tavern::keg
