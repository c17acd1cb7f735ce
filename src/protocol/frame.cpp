#include "frame.h"

#include "cborhead.h"
#include "cborwriter.h"

#include <limits>

namespace tavern::protocol {

namespace {

const QString KType = QStringLiteral("type");
const QString KId = QStringLiteral("id");
const QString KOp = QStringLiteral("op");
const QString KBody = QStringLiteral("body");
const QString KCode = QStringLiteral("code");
const QString KMessage = QStringLiteral("message");

Error bad(const QString &why)
{
    return makeError(ErrorCode::BadFrame, why);
}

constexpr int PeekMaxDepth = 32;

// Steps over one data item without judging it (floats, tags, bad UTF-8 and duplicate keys
// are all stepped over: the strict decoder has already refused the frame). False when the
// item is cut short, uses a reserved form or nests deeper than PeekMaxDepth. Every item
// consumes at least one byte, so the walk is linear in the message size.
bool skipItem(const uchar *&p, const uchar *end, int depth)
{
    if (depth > PeekMaxDepth || p >= end)
        return false;
    const int first = *p;
    if ((first & 0x1f) == 31) { // indefinite length: items up to a break (0xff)
        const int major = first >> 5;
        ++p;
        if (major < 2 || major > 5)
            return false;
        while (p < end && *p != 0xff) {
            if (!skipItem(p, end, depth + 1) || (major == 5 && !skipItem(p, end, depth + 1)))
                return false;
        }
        if (p >= end)
            return false;
        ++p;
        return true;
    }
    int major = 0;
    quint64 arg = 0;
    if (!readCborHead(p, end, major, arg))
        return false;
    switch (major) {
    case 2:
    case 3:
        if (arg > quint64(end - p))
            return false;
        p += arg;
        return true;
    case 4:
    case 5:
        // Each item takes at least one byte: a count above the bytes left is cut short.
        if (arg > quint64(end - p))
            return false;
        for (quint64 i = 0; i < (major == 5 ? 2 : 1) * arg; ++i) {
            if (!skipItem(p, end, depth + 1))
                return false;
        }
        return true;
    case 6: return skipItem(p, end, depth + 1);
    default: return true; // integers, simple values and floats: the head holds them
    }
}

} // namespace

Frame Frame::request(quint64 id, const QString &op, QCborMap body)
{
    return Frame{FrameType::Request, id, op, std::move(body), ErrorCode::None, {}, {}};
}

Frame Frame::response(quint64 id, const QString &op, QCborMap body)
{
    return Frame{FrameType::Response, id, op, std::move(body), ErrorCode::None, {}, {}};
}

Frame Frame::push(const QString &op, QCborMap body)
{
    return Frame{FrameType::Push, 0, op, std::move(body), ErrorCode::None, {}, {}};
}

Frame Frame::error(quint64 id, const QString &op, ErrorCode code, const QString &message, QCborMap body)
{
    return Frame{FrameType::Error, id, op, std::move(body), code, message, {}};
}

QString frameTypeName(FrameType t)
{
    switch (t) {
    case FrameType::Request: return QStringLiteral("req");
    case FrameType::Response: return QStringLiteral("res");
    case FrameType::Push: return QStringLiteral("push");
    case FrameType::Error: return QStringLiteral("err");
    }
    return {};
}

QByteArray encodeFrame(const Frame &f)
{
    QCborMap m;
    m.insert(KType, frameTypeName(f.type));
    m.insert(KId, qint64(f.id));
    m.insert(KOp, f.op);
    m.insert(KBody, f.body);
    if (f.type == FrameType::Error) {
        m.insert(KCode, errorName(f.code));
        m.insert(KMessage, f.message);
    }
    return QCborValue(m).toCbor();
}

QByteArray encodeFrameWithBody(FrameType type, quint64 id, const QString &op, QByteArrayView body)
{
    CborWriter w(body.size() + 48);
    w.map(4);
    w.key(QLatin1StringView("type"));
    w.text(frameTypeName(type));
    w.key(QLatin1StringView("id"));
    w.uint(id);
    w.key(QLatin1StringView("op"));
    w.text(op);
    w.key(QLatin1StringView("body"));
    w.raw(body);
    return w.take();
}

Result<Frame> decodeFrame(QByteArrayView bytes, const CborLimits &limits, quint64 *idOut)
{
    auto v = decodeBoundedCbor(bytes, limits);
    if (!v) {
        if (idOut) {
            if (const auto id = peekRequestId(bytes))
                *idOut = *id;
        }
        return v.error();
    }
    if (!v->isMap())
        return bad(QStringLiteral("a frame is a CBOR map"));
    const QCborMap m = v->toMap();
    Frame f;
    const QCborValue id = m.value(KId);
    if (!id.isInteger())
        return bad(QStringLiteral("\"id\" must be an unsigned integer"));
    f.id = quint64(id.toInteger());
    if (idOut)
        *idOut = f.id;

    const QCborValue type = m.value(KType);
    const QString t = type.isString() ? type.toString() : QString();
    if (t == QLatin1String("req"))
        f.type = FrameType::Request;
    else if (t == QLatin1String("res"))
        f.type = FrameType::Response;
    else if (t == QLatin1String("push"))
        f.type = FrameType::Push;
    else if (t == QLatin1String("err"))
        f.type = FrameType::Error;
    else
        return bad(QStringLiteral("\"type\" must be one of req, res, push, err"));

    const QCborValue op = m.value(KOp);
    if (!op.isString() || op.toString().isEmpty() || op.toString().size() > MaxOpLength)
        return bad(QStringLiteral("\"op\" must be a text string of 1 to %1 characters").arg(MaxOpLength));
    f.op = op.toString();

    const QCborValue body = m.value(KBody);
    if (body.isMap())
        f.body = body.toMap();
    else if (!body.isUndefined())
        return bad(QStringLiteral("\"body\" must be a map"));

    if (f.type == FrameType::Error) {
        const QCborValue code = m.value(KCode), msg = m.value(KMessage);
        if (!code.isString() || !msg.isString() || msg.toString().size() > MaxMessageLength)
            return bad(QStringLiteral("an error frame needs text \"code\" and \"message\""));
        f.code = errorFromName(code.toString());
        f.message = msg.toString();
    }
    return f;
}

std::optional<quint64> peekRequestId(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const uchar *const end = p + bytes.size();
    if (p >= end)
        return std::nullopt;
    const bool indefinite = *p == 0xbf;
    quint64 entries = 0;
    if (indefinite) {
        ++p;
    } else {
        int major = 0;
        if (!readCborHead(p, end, major, entries) || major != 5)
            return std::nullopt;
    }
    std::optional<quint64> id;
    for (quint64 i = 0; (indefinite || i < entries) && p < end && !(indefinite && *p == 0xff); ++i) {
        int major = 0;
        quint64 len = 0;
        if (!readCborHead(p, end, major, len) || major != 3 || len > quint64(end - p))
            break;
        const bool isId = len == 2 && p[0] == 'i' && p[1] == 'd';
        p += len;
        if (!isId) {
            if (!skipItem(p, end, 1))
                break;
            continue;
        }
        if (id)
            return std::nullopt; // two ids: which request would the error answer?
        quint64 value = 0;
        if (!readCborHead(p, end, major, value) || major != 0 || value > quint64(std::numeric_limits<qint64>::max()))
            return std::nullopt;
        id = value;
    }
    return id;
}

} // namespace tavern::protocol
