#include "canonical.h"

#include "common/username.h"

#include <QtEndian>

namespace tavern::keg {

QString describe(DecodeError e)
{
    switch (e) {
    case DecodeError::None: return QStringLiteral("no error");
    case DecodeError::Truncated: return QStringLiteral("the record is cut short");
    case DecodeError::TooLarge: return QStringLiteral("a length or count is above its limit");
    case DecodeError::NonCanonical: return QStringLiteral("a value is not in canonical form");
    case DecodeError::BadText: return QStringLiteral("a text field is not valid UTF-8");
    case DecodeError::BadUsername: return QStringLiteral("a username is not normalised");
    case DecodeError::Unordered: return QStringLiteral("a list is not in strict canonical order");
    case DecodeError::TrailingBytes: return QStringLiteral("bytes follow the end of the record");
    case DecodeError::UnknownFormat: return QStringLiteral("the record format is unknown");
    }
    return QStringLiteral("unknown decode error");
}

void Writer::u32(quint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    m_out.append(b, 4);
}

void Writer::u64(quint64 v)
{
    char b[8];
    qToBigEndian(v, b);
    m_out.append(b, 8);
}

void Writer::bytes(QByteArrayView bytes)
{
    u32(quint32(bytes.size()));
    m_out.append(bytes);
}

bool Reader::need(qsizetype n)
{
    if (!ok())
        return false;
    if (n < 0 || remaining() < n) {
        fail(DecodeError::Truncated);
        return false;
    }
    return true;
}

void Reader::fail(DecodeError e)
{
    if (m_error == DecodeError::None)
        m_error = e;
}

quint8 Reader::u8()
{
    if (!need(1))
        return 0;
    return quint8(m_in[m_pos++]);
}

bool Reader::boolean()
{
    const quint8 v = u8();
    if (v > 1)
        fail(DecodeError::NonCanonical);
    return v == 1;
}

quint8 Reader::enumValue(quint8 limit)
{
    const quint8 v = u8();
    if (ok() && v >= limit)
        fail(DecodeError::NonCanonical);
    return ok() ? v : 0;
}

quint32 Reader::u32()
{
    if (!need(4))
        return 0;
    const quint32 v = qFromBigEndian<quint32>(m_in.data() + m_pos);
    m_pos += 4;
    return v;
}

quint64 Reader::u64()
{
    if (!need(8))
        return 0;
    const quint64 v = qFromBigEndian<quint64>(m_in.data() + m_pos);
    m_pos += 8;
    return v;
}

QByteArrayView Reader::fixed(qsizetype n)
{
    if (!need(n))
        return {};
    QByteArrayView v = m_in.sliced(m_pos, n);
    m_pos += n;
    return v;
}

QByteArrayView Reader::bytes(qsizetype maxLength)
{
    const quint32 len = u32();
    if (!ok())
        return {};
    if (qint64(len) > maxLength) {
        fail(DecodeError::TooLarge);
        return {};
    }
    return fixed(qsizetype(len));
}

QByteArrayView Reader::text(qsizetype maxLength)
{
    QByteArrayView v = bytes(maxLength);
    if (ok() && !isValidUtf8(v)) {
        fail(DecodeError::BadText);
        return {};
    }
    // QString::fromUtf8 drops a leading byte-order mark, which would give one text two
    // encodings; refuse it so decode-then-encode stays exact.
    if (ok() && v.startsWith("\xEF\xBB\xBF")) {
        fail(DecodeError::NonCanonical);
        return {};
    }
    return v;
}

QByteArrayView Reader::username()
{
    QByteArrayView v = bytes(UsernameMaxLength);
    if (ok() && !isCanonicalUsername(v)) {
        fail(DecodeError::BadUsername);
        return {};
    }
    return v;
}

quint32 Reader::count(quint32 maxCount, qsizetype minElementSize)
{
    const quint32 n = u32();
    if (!ok())
        return 0;
    if (n > maxCount || qint64(n) * qMax<qsizetype>(minElementSize, 1) > remaining()) {
        fail(n > maxCount ? DecodeError::TooLarge : DecodeError::Truncated);
        return 0;
    }
    return n;
}

void Reader::finish()
{
    if (ok() && remaining() != 0)
        fail(DecodeError::TrailingBytes);
}

bool isValidUtf8(QByteArrayView s)
{
    // Strict RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const qsizetype n = s.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int len;
        unsigned cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else
            return false;
        if (i + len > n)
            return false;
        for (int k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF
            || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

} // namespace tavern::keg
