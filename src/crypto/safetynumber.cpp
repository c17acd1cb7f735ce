#include "safetynumber.h"

#include "contexts.h"
#include "hash.h"

#include <tuple>

namespace tavern::crypto {

namespace {

// Five bytes -> 40-bit integer -> 5 decimal digits; six groups per 32-byte digest.
QStringList digitGroups(const QByteArray &digest, int groups)
{
    QStringList out;
    for (int g = 0; g < groups; ++g) {
        quint64 v = 0;
        for (int i = 0; i < 5; ++i)
            v = (v << 8) | quint8(digest[g * 5 + i]);
        out << QStringLiteral("%1").arg(v % 100000, 5, 10, QLatin1Char('0'));
    }
    return out;
}

QStringList half(const PublicIdentity &id)
{
    Hasher h(ctx::SafetyNumber);
    const QByteArray name = id.username.toUtf8();
    const char len = char(name.size());
    h.add(QByteArrayView(&len, 1));
    h.add(name);
    h.add(id.signPublicKey);
    h.add(id.boxPublicKey);
    return digitGroups(h.finish(), 6);
}

} // namespace

QStringList safetyNumber(const PublicIdentity &a, const PublicIdentity &b)
{
    // Order by username (then keys, for two identities under one name) so both sides
    // print the same sequence.
    const auto order = [](const PublicIdentity &x) { return std::tie(x.username, x.signPublicKey, x.boxPublicKey); };
    const bool aFirst = order(a) < order(b);
    return (aFirst ? half(a) : half(b)) + (aFirst ? half(b) : half(a));
}

QStringList roomFingerprint(QByteArrayView roomId, QByteArrayView headHash)
{
    return digitGroups(hash(ctx::RoomFingerprint, roomId, headHash), 6);
}

} // namespace tavern::crypto
