// A small CBOR writer for frames the server sends often (keg.put results, keg pushes): it
// appends definite-length items straight into one QByteArray, with none of the per-item
// allocations of a QCborMap. What it writes decodes like the QCborValue encoding of the
// same map (minimal-length heads, definite lengths, text keys in the order written).
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace tavern::protocol {

class CborWriter
{
public:
    explicit CborWriter(qsizetype reserve = 128) { m_out.reserve(reserve); }

    void map(quint64 entries) { head(5, entries); }
    void array(quint64 items) { head(4, items); }
    void uint(quint64 v) { head(0, v); }
    void boolean(bool v) { m_out.append(char(v ? 0xf5 : 0xf4)); }
    void bytes(QByteArrayView b)
    {
        head(2, quint64(b.size()));
        m_out.append(b.data(), b.size());
    }
    // ASCII keys and names given as literals.
    void key(QLatin1StringView k)
    {
        head(3, quint64(k.size()));
        m_out.append(k.data(), k.size());
    }
    void text(const QString &s)
    {
        const QByteArray u = s.toUtf8();
        head(3, quint64(u.size()));
        m_out.append(u);
    }
    // An item encoded elsewhere (one complete CBOR data item).
    void raw(QByteArrayView item) { m_out.append(item.data(), item.size()); }

    [[nodiscard]] QByteArray take() { return std::move(m_out); }

private:
    void head(int major, quint64 v)
    {
        const char m = char(major << 5);
        if (v < 24) {
            m_out.append(char(m | char(v)));
        } else if (v <= 0xff) {
            m_out.append(char(m | 24));
            m_out.append(char(v));
        } else if (v <= 0xffff) {
            const char b[] = {char(m | 25), char(v >> 8), char(v)};
            m_out.append(b, sizeof b);
        } else if (v <= 0xffffffffULL) {
            const char b[] = {char(m | 26), char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
            m_out.append(b, sizeof b);
        } else {
            const char b[] = {char(m | 27),  char(v >> 56), char(v >> 48), char(v >> 40), char(v >> 32),
                              char(v >> 24), char(v >> 16), char(v >> 8),  char(v)};
            m_out.append(b, sizeof b);
        }
    }

    QByteArray m_out;
};

} // namespace tavern::protocol
