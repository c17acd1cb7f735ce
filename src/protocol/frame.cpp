#include "frame.h"

#include "cborwriter.h"

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
    if (!v)
        return v.error();
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

} // namespace tavern::protocol
