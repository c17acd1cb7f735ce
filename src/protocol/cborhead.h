// One CBOR item head read from raw bytes: the byte-level step both raw readers share (the
// bounds Scanner in boundedcbor.cpp and the keg.put reader in kegputframe.cpp).
#pragma once

#include <QtGlobal>

namespace tavern::protocol {

// Reads the head at p (advancing it): major type and argument. False, with p anywhere in
// [p, end], for a truncated head or an indefinite or reserved form (additional info > 27).
inline bool readCborHead(const uchar *&p, const uchar *end, int &major, quint64 &arg)
{
    if (p >= end)
        return false;
    const uchar b = *p++;
    major = b >> 5;
    const int info = b & 0x1f;
    if (info < 24) {
        arg = quint64(info);
        return true;
    }
    if (info > 27)
        return false;
    const int n = 1 << (info - 24);
    if (end - p < n)
        return false;
    arg = 0;
    for (int i = 0; i < n; ++i)
        arg = (arg << 8) | *p++;
    return true;
}

} // namespace tavern::protocol
