// libFuzzer harness: the message payload and pin-log entry decoders. Each input is fed to
// both; a refusal carries a message, and anything decoded re-encodes to exactly its bytes
// (one value, one encoding) and keeps the fields' documented sizes.
#include "fuzzsupport.h"

#include "client/pinlog.h"
#include "keg/keg.h"
#include "keg/message.h"

using namespace tavern;
using namespace tavern::keg;

namespace {

QByteArray pin(quint64 counter, client::PinKind kind, const char *subject, QByteArray keys, QByteArray hash = {})
{
    const quint64 version = hash.isEmpty() ? 0 : 9;
    return client::encodePinEntry({counter,
                                   QByteArray(32, char(counter - 1)),
                                   kind,
                                   QString::fromLatin1(subject),
                                   std::move(keys),
                                   version,
                                   std::move(hash),
                                   7,
                                   {}});
}

std::vector<QByteArray> seeds()
{
    using client::PinKind;
    const MessagePayload message{
        5, QByteArray(32, 'p'), 3, QByteArray(32, 'h'), 1700000000000, QStringLiteral("h\u00e9llo \u2603 \U0001F37A"),
        {}};
    MessagePayload edit = message;
    edit.body = QStringLiteral("fixed");
    edit.target = QByteArray(16, 't');
    MessagePayload redaction = edit;
    redaction.body.clear();
    return {encodeMessage(message),
            encodeMessage(edit),
            encodeMessage(redaction),
            pin(1, PinKind::ContactPinned, "bob", QByteArray(64, '\7')),
            pin(2, PinKind::RoomHead, "ab12cd", {}, QByteArray(32, '\2')),
            pin(3, PinKind::ContactVerified, "carol", {}),
            pin(4, PinKind::KeyChangeAccepted, "dave", QByteArray(64, '\5'))};
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz::writeCorpusIfAsked(argc, argv, seeds());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView in(data, qsizetype(size));
    if (const auto m = decodeMessage(in); m.ok()) {
        FUZZ_CHECK(encodeMessage(*m) == in, QStringLiteral("message re-encodes to other bytes"));
        FUZZ_CHECK(m->counter > 0 && m->previousHash.size() == 32 && m->headHash.size() == 32
                       && m->target.size() == KegIdBytes && m->body.size() <= MaxMessageBody,
                   QStringLiteral("decoded a message outside its contract"));
    } else {
        FUZZ_CHECK(!m.error().message.isEmpty(), QString());
    }
    if (const auto e = client::decodePinEntry(in); e.ok()) {
        FUZZ_CHECK(client::encodePinEntry(*e) == in, QStringLiteral("pin entry re-encodes to other bytes"));
        FUZZ_CHECK(e->counter > 0 && e->previousHash.size() == 32 && e->kind < client::PinKind::Count
                       && (e->kind == client::PinKind::RoomHead
                               ? e->hash.size() == 32
                               : e->kind == client::PinKind::ContactVerified || e->keys.size() == 64),
                   QStringLiteral("decoded a pin entry outside its contract"));
    } else {
        FUZZ_CHECK(!e.error().message.isEmpty(), QString());
    }
    return 0;
}
