// The canonical byte encoding every signed Tavern record uses. Fixed-width big-endian
// integers, u32 length prefixes, strictly ordered lists; one value has exactly one
// encoding, so "decode then encode" gives the same bytes and anything else is refused.
// Format described in docs/protocol.md ("Canonical encoding").
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace tavern::keg {

enum class DecodeError {
    None = 0,
    Truncated,     // ran out of bytes
    TooLarge,      // a length or count above its limit
    NonCanonical,  // a value with another valid encoding or an out-of-range enum/bool
    BadText,       // not valid UTF-8
    BadUsername,   // not a normalised username
    Unordered,     // list not strictly ascending
    TrailingBytes, // bytes after the record
    UnknownFormat, // format byte this version does not know
};

[[nodiscard]] QString describe(DecodeError e);

class Writer
{
public:
    explicit Writer(qsizetype reserve = 256) { m_out.reserve(reserve); }

    void u8(quint8 v) { m_out.append(char(v)); }
    void boolean(bool v) { u8(v ? 1 : 0); }
    void u32(quint32 v);
    void u64(quint64 v);
    void fixed(QByteArrayView bytes) { m_out.append(bytes); } // length known from the format
    void bytes(QByteArrayView bytes);                         // u32 length + bytes
    void text(const QString &s) { bytes(s.toUtf8()); }

    const QByteArray &data() const { return m_out; }
    QByteArray take() { return std::move(m_out); }
    qsizetype size() const { return m_out.size(); }

private:
    QByteArray m_out;
};

// Reads views into the input; the input must outlive them. The first failure sticks:
// later reads return empty values, and error() tells what went wrong and where.
class Reader
{
public:
    explicit Reader(QByteArrayView in) : m_in(in) {}

    quint8 u8();
    bool boolean();
    quint32 u32();
    quint64 u64();
    QByteArrayView fixed(qsizetype n);
    QByteArrayView bytes(qsizetype maxLength);
    QByteArrayView text(qsizetype maxLength); // validated UTF-8
    QByteArrayView username();
    // A list count, refused if above maxCount or if the remaining bytes cannot hold that
    // many elements of at least minElementSize (bounds memory before allocating).
    quint32 count(quint32 maxCount, qsizetype minElementSize);
    // Enum check helper: value must be in [0, limit).
    quint8 enumValue(quint8 limit);
    // Refuses any bytes left over.
    void finish();

    void fail(DecodeError e);
    bool ok() const { return m_error == DecodeError::None; }
    DecodeError error() const { return m_error; }
    qsizetype position() const { return m_pos; }
    qsizetype remaining() const { return m_in.size() - m_pos; }

private:
    bool need(qsizetype n);

    QByteArrayView m_in;
    qsizetype m_pos = 0;
    DecodeError m_error = DecodeError::None;
};

[[nodiscard]] bool isValidUtf8(QByteArrayView bytes);

} // namespace tavern::keg
