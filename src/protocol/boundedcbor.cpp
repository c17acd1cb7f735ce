#include "boundedcbor.h"

#include "cborhead.h"
#include "errors.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QSet>

#include <cstring>
#include <limits>

namespace tavern::protocol {

namespace {

// A first pass over the raw bytes that proves, without allocating, that a frame keeps every
// rule of Decoder below. It answers "valid" only for the plain shapes frames have in
// practice: definite lengths, ASCII text, at most 32 entries per map. Anything else (and
// anything invalid) is "not proven" and goes through Decoder, which gives the verdict and
// the error message. Bytes proven valid are then built by QCborValue::fromCbor: the cases
// that make fromCbor unsafe on untrusted input (deep nesting, duplicate keys, trailing bytes,
// invalid UTF-8) are exactly what this pass refuses, and its DOM building is a good deal
// cheaper than one QCborValue per item.
class Scanner
{
public:
    Scanner(QByteArrayView bytes, const CborLimits &limits)
        : m_p(reinterpret_cast<const uchar *>(bytes.data())), m_end(m_p + bytes.size()), m_limits(limits)
    {}

    bool proves() { return item(1) && m_p == m_end; }

private:
    // The head of one item: major type and argument; false for indefinite or reserved forms.
    bool head(int &major, quint64 &arg) { return readCborHead(m_p, m_end, major, arg); }

    bool string(quint64 len, bool text)
    {
        if (len > quint64(m_limits.maxBytes) || len > quint64(m_end - m_p))
            return false;
        if (text) {
            for (quint64 i = 0; i < len; ++i) {
                if (m_p[i] >= 0x80)
                    return false; // non-ASCII: Decoder checks the UTF-8
            }
        }
        m_p += len;
        return true;
    }

    bool item(int depth)
    {
        if (depth > m_limits.maxDepth)
            return false;
        int major = 0;
        quint64 arg = 0;
        if (!head(major, arg))
            return false;
        switch (major) {
        case 0: return arg <= quint64(std::numeric_limits<qint64>::max());
        case 2: return string(arg, false);
        case 3: return string(arg, true);
        case 4:
            if (arg > quint64(m_limits.maxBytes))
                return false;
            for (quint64 i = 0; i < arg; ++i) {
                if (++m_items > m_limits.maxItems || !item(depth + 1))
                    return false;
            }
            return true;
        case 5: {
            if (arg > 32)
                return false;
            struct Key
            {
                const uchar *p;
                quint64 n;
            };
            Key keys[32];
            for (quint64 i = 0; i < arg; ++i) {
                if (++m_items > m_limits.maxItems)
                    return false;
                int kmajor = 0;
                quint64 klen = 0;
                if (!head(kmajor, klen) || kmajor != 3)
                    return false;
                const uchar *k = m_p;
                if (!string(klen, true))
                    return false;
                for (quint64 j = 0; j < i; ++j) {
                    if (keys[j].n == klen && std::memcmp(keys[j].p, k, std::size_t(klen)) == 0)
                        return false; // duplicate key
                }
                keys[i] = Key{k, klen};
                if (!item(depth + 1))
                    return false;
            }
            return true;
        }
        case 7: return arg >= 20 && arg <= 22 && m_p[-1] >= 0xf4 && m_p[-1] <= 0xf6; // false, true, null
        default: return false;                                                       // negative integers, tags
        }
    }

    const uchar *m_p;
    const uchar *m_end;
    const CborLimits &m_limits;
    qsizetype m_items = 0;
};

class Decoder
{
public:
    Decoder(QByteArrayView bytes, const CborLimits &limits)
        : m_reader(bytes.data(), bytes.size()), m_limits(limits), m_size(bytes.size())
    {}

    Result<QCborValue> run()
    {
        QCborValue v = value(1);
        if (!m_error.isEmpty())
            return makeError(ErrorCode::BadFrame, m_error);
        if (m_reader.currentOffset() != m_size)
            return makeError(
                ErrorCode::BadFrame,
                QStringLiteral("%1 trailing bytes after the frame").arg(m_size - m_reader.currentOffset()));
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
        return makeError(
            ErrorCode::FrameTooLarge,
            QStringLiteral("frame of %1 bytes exceeds the limit of %2").arg(bytes.size()).arg(limits.maxBytes));
    if (bytes.isEmpty())
        return makeError(ErrorCode::BadFrame, QStringLiteral("empty frame"));
    if (Scanner(bytes, limits).proves())
        return QCborValue::fromCbor(QByteArray::fromRawData(bytes.data(), bytes.size()));
    Decoder d(bytes, limits);
    return d.run();
}

} // namespace tavern::protocol
