#include "fields.h"

#include "errors.h"

namespace tavern::protocol {

namespace {
Error bad(const QString &key, const QString &what)
{
    return makeError(ErrorCode::BadRequest, QStringLiteral("\"%1\" %2").arg(key, what));
}
} // namespace

Result<QByteArray> bytesField(const QCborMap &body, const QString &key, qsizetype minSize, qsizetype maxSize)
{
    const QCborValue v = body.value(key);
    if (!v.isByteArray())
        return bad(key, QStringLiteral("must be a byte string"));
    return checkBytes(key, v.toByteArray(), minSize, maxSize);
}

Result<QByteArray> checkBytes(const QString &key, QByteArray b, qsizetype minSize, qsizetype maxSize)
{
    if (b.size() < minSize || b.size() > maxSize)
        return bad(key, minSize == maxSize ? QStringLiteral("must be %1 bytes").arg(minSize)
                                           : QStringLiteral("must be %1 to %2 bytes").arg(minSize).arg(maxSize));
    return b;
}

Result<QString> textField(const QCborMap &body, const QString &key, qsizetype maxSize)
{
    const QCborValue v = body.value(key);
    if (!v.isString())
        return bad(key, QStringLiteral("must be a text string"));
    QString s = v.toString();
    if (s.size() > maxSize)
        return bad(key, QStringLiteral("must be at most %1 characters").arg(maxSize));
    return s;
}

Result<quint64> uintField(const QCborMap &body, const QString &key, quint64 fallback, quint64 max)
{
    const QCborValue v = body.value(key);
    if (v.isUndefined())
        return fallback;
    return requiredUintField(body, key, max);
}

Result<quint64> requiredUintField(const QCborMap &body, const QString &key, quint64 max)
{
    const QCborValue v = body.value(key);
    if (!v.isInteger() || v.toInteger() < 0)
        return bad(key, QStringLiteral("must be an unsigned integer"));
    const quint64 n = quint64(v.toInteger());
    if (n > max)
        return bad(key, QStringLiteral("must be at most %1").arg(max));
    return n;
}

Result<QList<QByteArray>> bytesListField(const QCborMap &body, const QString &key, qsizetype maxCount,
                                         qsizetype minSize, qsizetype maxSize)
{
    const QCborValue v = body.value(key);
    if (!v.isArray())
        return bad(key, QStringLiteral("must be an array of byte strings"));
    const QCborArray a = v.toArray();
    if (a.size() > maxCount)
        return bad(key, QStringLiteral("holds more than %1 items").arg(maxCount));
    QList<QByteArray> out;
    out.reserve(a.size());
    for (const QCborValue &item : a) {
        if (!item.isByteArray())
            return bad(key, QStringLiteral("must hold only byte strings"));
        out.append(item.toByteArray());
    }
    return checkBytesList(key, std::move(out), maxCount, minSize, maxSize);
}

Result<QList<QByteArray>> checkBytesList(const QString &key, QList<QByteArray> list, qsizetype maxCount,
                                         qsizetype minSize, qsizetype maxSize)
{
    if (list.size() > maxCount)
        return bad(key, QStringLiteral("holds more than %1 items").arg(maxCount));
    for (const QByteArray &b : list) {
        if (b.size() < minSize || b.size() > maxSize)
            return bad(key, QStringLiteral("items must be %1 to %2 bytes").arg(minSize).arg(maxSize));
    }
    return list;
}

} // namespace tavern::protocol
