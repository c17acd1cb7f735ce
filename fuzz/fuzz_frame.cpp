// libFuzzer harness: the WebSocket frame codec (protocol::decodeFrame), under the default
// limits and tight ones. A frame is refused with bad_frame or frame_too_large and a message,
// or re-encodes to a frame that decodes to the same fields and the same bytes again; and the
// server's keg.put fast path (readKegPutFrame) accepts nothing decodeFrame refuses.
#include "fuzzsupport.h"

#include "protocol/frame.h"
#include "protocol/kegputframe.h"
#include "protocol/ops.h"

#include <QCborArray>

#include <limits>

using namespace tavern;
using namespace tavern::protocol;

namespace {

bool sameFrame(const Frame &a, const Frame &b)
{
    return a.type == b.type && a.id == b.id && a.op == b.op && a.body == b.body && a.code == b.code
           && a.message == b.message;
}

// The server's keg.put fast path accepts nothing decodeFrame refuses, and reads the same.
void checkFastPath(QByteArrayView in, const CborLimits &limits)
{
    const auto fast = readKegPutFrame(in, limits);
    if (!fast)
        return;
    const auto f = decodeFrame(in, limits);
    FUZZ_CHECK(f.ok(), f.ok() ? QString() : f.error().message);
    QCborArray kegs;
    for (const QByteArray &k : fast->kegPut->kegs)
        kegs.append(k);
    FUZZ_CHECK(f->type == FrameType::Request && f->id == fast->id && f->op == fast->op && f->body.size() == 2
                   && f->body.value(QStringLiteral("dbId")) == QCborValue(fast->kegPut->dbId)
                   && f->body.value(QStringLiteral("kegs")) == QCborValue(kegs),
               QString::fromLatin1(in.toByteArray().toHex()));
}

void checkOne(QByteArrayView in, const CborLimits &limits)
{
    checkFastPath(in, limits);
    quint64 id = 0xdeadbeef;
    const auto f = decodeFrame(in, limits, &id);
    if (!f) {
        FUZZ_CHECK(f.code() == int(ErrorCode::BadFrame) || f.code() == int(ErrorCode::FrameTooLarge),
                   errorName(ErrorCode(f.code())));
        FUZZ_CHECK(f.code() != int(ErrorCode::FrameTooLarge) || in.size() > limits.maxBytes, QString());
        FUZZ_CHECK(!f.error().message.isEmpty(), QString());
        return;
    }
    FUZZ_CHECK(in.size() <= limits.maxBytes, QString());
    FUZZ_CHECK(id == f->id && f->id <= quint64(std::numeric_limits<qint64>::max()), QString());
    FUZZ_CHECK(!f->op.isEmpty() && f->op.size() <= MaxOpLength, f->op);
    FUZZ_CHECK(f->message.size() <= MaxMessageLength, QString());
    const QByteArray again = encodeFrame(*f);
    const auto g = decodeFrame(again, CborLimits{});
    FUZZ_CHECK(g.ok(), g.ok() ? QString() : g.error().message);
    FUZZ_CHECK(sameFrame(*f, *g), QString::fromLatin1(again.toHex()));
    FUZZ_CHECK(encodeFrame(*g) == again, QString::fromLatin1(again.toHex()));
}

std::vector<QByteArray> seeds()
{
    const QByteArray db(32, '\xdb');
    const QCborMap nested{{QStringLiteral("a"), QCborArray{QCborMap{{QStringLiteral("x"), 1}}}}};
    return {
        encodeFrame(Frame::request(1, op::Ping)),
        encodeFrame(Frame::request(
            5, op::KegPut, {{QStringLiteral("dbId"), db}, {QStringLiteral("kegs"), QCborArray{QByteArray(40, 'k')}}})),
        encodeFrame(Frame::request(17, op::KegPut,
                                   {{QStringLiteral("db"), db},
                                    {QStringLiteral("kegs"), QCborArray{QByteArray(40, 'k'), QByteArray(9, 'l')}},
                                    {QStringLiteral("version"), 3},
                                    {QStringLiteral("note"), QStringLiteral("h\u00e9llo \u2603")},
                                    {QStringLiteral("flags"), QCborArray{true, false, nullptr}},
                                    {QStringLiteral("meta"), nested}})),
        encodeFrame(Frame::response(
            17, op::KegList,
            {{QStringLiteral("kegs"),
              QCborArray{QCborMap{{QStringLiteral("id"), QByteArray(16, 'i')}, {QStringLiteral("version"), 9}}}},
             {QStringLiteral("more"), false}})),
        encodeFrame(Frame::push(push::BootKeg, {{QStringLiteral("db"), db}})),
        encodeFrame(Frame::error(17, op::BootKegPut, ErrorCode::Conflict, QStringLiteral("stale"),
                                 {{QStringLiteral("head"), 12}})),
        // Indefinite lengths and chunked strings, which the decoder accepts.
        QByteArray::fromHex("bf64747970656372657162696407626f707f627069626e"
                            "67ff64626f6479bf7f61616162ff5f4101420203ffffff"),
    };
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
    checkOne(in, CborLimits{});
    checkOne(in, CborLimits{3, 16, 512});
    return 0;
}
