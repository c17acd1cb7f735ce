// The plaintext of a message keg (types message, edit, redaction): the author's counter and
// previous-message hash (so drops, reorders and replays show), and the boot-keg head it was
// written under (so a message can't be replayed into another room state). Format in
// docs/protocol.md, section 5.1.
#pragma once

#include "canonical.h"
#include "common/result.h"

#include <QByteArray>
#include <QString>

namespace tavern::keg {

inline constexpr quint8 MessageFormat = 1;
inline constexpr qsizetype MaxMessageBody = 64 * 1024;

struct MessagePayload
{
    quint64 counter = 1;     // the author's per-room counter, from 1
    QByteArray previousHash; // 32: kegContentHash of counter-1, zero for counter 1
    quint64 headVersion = 0; // boot-keg version the author wrote under
    QByteArray headHash;     // 32: that version's hash
    quint64 timestampMs = 0; // the author's clock: shown, never trusted for order
    QString body;            // text (message, edit); empty for a redaction
    QByteArray target;       // 16: the keg an edit or redaction applies to; zero for a message
};

[[nodiscard]] QByteArray encodeMessage(const MessagePayload &m);
[[nodiscard]] Result<MessagePayload> decodeMessage(QByteArrayView bytes);

} // namespace tavern::keg
