#include "boundedcbor.h"

#include "errors.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QSet>

namespace tavern::protocol {

namespace {

class Decoder
{
public:
    Decoder(QByteArrayView bytes, const CborLimits &limits)
        : m_reader(bytes.data(), bytes.size()), m_limits(limits), m_size(bytes.size())
    {
    }

    Result<QCborValue> run()
    {
        QCborValue v = value(1);
        if (!m_error.isEmpty())
            return makeError(ErrorCode::BadFrame, m_error);
        if (m_reader.currentOffset() != m_size)
            return makeError(ErrorCode::BadFrame,
                             QStringLiteral("%1 trailing bytes after the frame")
                                 .arg(m_size - m_reader.currentOffset()));
        return v;
    }

private:
    QCborValue fail(const QString &why)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1 (at byte %2)").arg(why).arg(m_reader.currentOffset());
        return {};
    }

    bool readerFailed()
    {
        if (m_reader.lastError() == QCborError::NoError)
            return false;
        fail(QStringLiteral("invalid CBOR: %1").arg(m_reader.lastError().toString()));
        return true;
    }

    // Declared lengths are checked against what the frame can hold before Qt allocates.
    bool lengthFits()
    {
        if (!m_reader.isLengthKnown())
            return true;
        if (m_reader.length() > quint64(m_limits.maxBytes)) {
            fail(QStringLiteral("declared length %1 exceeds the frame limit").arg(m_reader.length()));
            return false;
        }
        return true;
    }

    bool countItem()
    {
        if (++m_items > m_limits.maxItems) {
            fail(QStringLiteral("more than %1 items in one frame").arg(m_limits.maxItems));
            return false;
        }
        return true;
    }

    QCborValue text()
    {
        if (!lengthFits())
            return {};
        QString s;
        auto r = m_reader.readString();
        while (r.status == QCborStreamReader::Ok) {
            s += r.data;
            r = m_reader.readString();
        }
        if (r.status == QCborStreamReader::Error || readerFailed())
            return fail(QStringLiteral("bad text string"));
        return QCborValue(s);
    }

    QCborValue bytes()
    {
        if (!lengthFits())
            return {};
        QByteArray b;
        auto r = m_reader.readByteArray();
        while (r.status == QCborStreamReader::Ok) {
            b += r.data;
            r = m_reader.readByteArray();
        }
        if (r.status == QCborStreamReader::Error || readerFailed())
            return fail(QStringLiteral("bad byte string"));
        return QCborValue(b);
    }

    QCborValue array(int depth)
    {
        if (!lengthFits() || !m_reader.enterContainer())
            return readerFailed() ? QCborValue() : fail(QStringLiteral("bad array"));
        QCborArray a;
        while (m_error.isEmpty() && m_reader.hasNext() && !readerFailed()) {
            if (!countItem())
                return {};
            a.append(value(depth + 1));
        }
        if (!m_error.isEmpty() || readerFailed() || !m_reader.leaveContainer())
            return fail(QStringLiteral("bad array"));
        return a;
    }

    QCborValue map(int depth)
    {
        if (!lengthFits() || !m_reader.enterContainer())
            return readerFailed() ? QCborValue() : fail(QStringLiteral("bad map"));
        QCborMap m;
        QSet<QString> seen;
        while (m_error.isEmpty() && m_reader.hasNext() && !readerFailed()) {
            if (!countItem())
                return {};
            if (!m_reader.isString())
                return fail(QStringLiteral("map keys must be text strings"));
            const QString key = text().toString();
            if (!m_error.isEmpty())
                return {};
            if (seen.contains(key))
                return fail(QStringLiteral("duplicate map key \"%1\"").arg(key.left(64)));
            seen.insert(key);
            if (!m_reader.hasNext())
                return fail(QStringLiteral("map key without a value"));
            QCborValue v = value(depth + 1);
            m.insert(key, v);
        }
        if (!m_error.isEmpty() || readerFailed() || !m_reader.leaveContainer())
            return fail(QStringLiteral("bad map"));
        return m;
    }

    QCborValue value(int depth)
    {
        if (depth > m_limits.maxDepth)
            return fail(QStringLiteral("nesting deeper than %1").arg(m_limits.maxDepth));
        if (readerFailed())
            return {};
        switch (m_reader.type()) {
        case QCborStreamReader::UnsignedInteger: {
            const quint64 v = m_reader.toUnsignedInteger();
            m_reader.next();
            if (v > quint64(std::numeric_limits<qint64>::max()))
                return fail(QStringLiteral("integer out of range"));
            return QCborValue(qint64(v));
        }
        case QCborStreamReader::NegativeInteger:
            // The protocol has no negative numbers; refusing them avoids a range corner.
            return fail(QStringLiteral("negative integers are not used in frames"));
        case QCborStreamReader::ByteArray: return bytes();
        case QCborStreamReader::String: return text();
        case QCborStreamReader::Array: return array(depth);
        case QCborStreamReader::Map: return map(depth);
        case QCborStreamReader::SimpleType: {
            const auto s = m_reader.toSimpleType();
            m_reader.next();
            if (s == QCborSimpleType::False)
                return QCborValue(false);
            if (s == QCborSimpleType::True)
                return QCborValue(true);
            if (s == QCborSimpleType::Null)
                return QCborValue(nullptr);
            return fail(QStringLiteral("simple value %1 not allowed").arg(int(s)));
        }
        case QCborStreamReader::Invalid:
            if (!readerFailed())
                fail(QStringLiteral("truncated or invalid CBOR"));
            return {};
        default: return fail(QStringLiteral("CBOR type %1 not allowed").arg(int(m_reader.type())));
        }
    }

    QCborStreamReader m_reader;
    const CborLimits &m_limits;
    qsizetype m_size;
    qsizetype m_items = 0;
    QString m_error;
};

} // namespace

Result<QCborValue> decodeBoundedCbor(QByteArrayView bytes, const CborLimits &limits)
{
    if (bytes.size() > limits.maxBytes)
        return makeError(ErrorCode::FrameTooLarge,
                         QStringLiteral("frame of %1 bytes exceeds the limit of %2")
                             .arg(bytes.size())
                             .arg(limits.maxBytes));
    if (bytes.isEmpty())
        return makeError(ErrorCode::BadFrame, QStringLiteral("empty frame"));
    Decoder d(bytes, limits);
    return d.run();
}

} // namespace tavern::protocol
