#include "kegputframe.h"

#include "cborhead.h"
#include "ops.h"

#include <limits>

namespace tavern::protocol {

namespace {

class Reader
{
public:
    explicit Reader(QByteArrayView bytes)
        : m_p(reinterpret_cast<const uchar *>(bytes.data())), m_end(m_p + bytes.size())
    {}

    bool atEnd() const { return m_p == m_end; }
    quint64 remaining() const { return quint64(m_end - m_p); }

    // One head of the given major type with a definite argument.
    bool head(int major, quint64 &arg)
    {
        int found = -1;
        return readCborHead(m_p, m_end, found, arg) && found == major;
    }

    // A byte (major 2) or text (major 3) string; its bytes stay in the frame.
    bool string(int major, QByteArrayView &out)
    {
        quint64 len = 0;
        if (!head(major, len) || len > quint64(m_end - m_p))
            return false;
        out = QByteArrayView(reinterpret_cast<const char *>(m_p), qsizetype(len));
        m_p += len;
        return true;
    }

    bool text(QByteArrayView &out) { return string(3, out); }

private:
    const uchar *m_p;
    const uchar *m_end;
};

bool readBody(Reader &r, const CborLimits &limits, KegPutBody &out)
{
    quint64 entries = 0;
    if (!r.head(5, entries) || entries != 2)
        return false;
    bool haveDb = false, haveKegs = false;
    for (int i = 0; i < 2; ++i) {
        QByteArrayView key;
        if (!r.text(key))
            return false;
        if (key == "dbId" && !haveDb) {
            QByteArrayView db;
            if (!r.string(2, db))
                return false;
            out.dbId = db.toByteArray();
            haveDb = true;
        } else if (key == "kegs" && !haveKegs) {
            quint64 n = 0;
            // Every keg takes a byte at least; items as decodeFrame counts them: the frame's 4
            // entries, the body's 2 and the kegs (no overflow: n is below the frame size).
            if (!r.head(4, n) || n > r.remaining() || qint64(n) + 6 > qint64(limits.maxItems))
                return false;
            out.kegs.reserve(qsizetype(n));
            for (quint64 k = 0; k < n; ++k) {
                QByteArrayView keg;
                if (!r.string(2, keg))
                    return false;
                out.kegs.append(keg.toByteArray());
            }
            haveKegs = true;
        } else {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<Frame> readKegPutFrame(QByteArrayView bytes, const CborLimits &limits)
{
    // The kegs sit at depth 4 (frame map, body map, kegs array, keg), as decodeFrame counts.
    if (bytes.size() > limits.maxBytes || limits.maxDepth < 4)
        return std::nullopt;
    Reader r(bytes);
    quint64 entries = 0;
    if (!r.head(5, entries) || entries != 4)
        return std::nullopt;
    Frame f;
    f.type = FrameType::Request;
    KegPutBody body;
    unsigned seen = 0; // one bit per key: id, type, op, body
    for (int i = 0; i < 4; ++i) {
        QByteArrayView key, value;
        if (!r.text(key))
            return std::nullopt;
        if (key == "id" && !(seen & 1u)) {
            if (!r.head(0, f.id) || f.id > quint64(std::numeric_limits<qint64>::max()))
                return std::nullopt;
            seen |= 1u;
        } else if (key == "type" && !(seen & 2u)) {
            if (!r.text(value) || value != "req")
                return std::nullopt;
            seen |= 2u;
        } else if (key == "op" && !(seen & 4u)) {
            if (!r.text(value) || op::KegPut != QLatin1StringView(value.data(), value.size()))
                return std::nullopt;
            seen |= 4u;
        } else if (key == "body" && !(seen & 8u)) {
            if (!readBody(r, limits, body))
                return std::nullopt;
            seen |= 8u;
        } else {
            return std::nullopt;
        }
    }
    if (!r.atEnd())
        return std::nullopt;
    f.op = op::KegPut;
    f.kegPut = std::move(body);
    return f;
}

} // namespace tavern::protocol
