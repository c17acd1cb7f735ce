// Safety numbers (two users compare them to verify each other's keys) and room
// fingerprints (members compare them to know they see the same room head).
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace tavern::crypto {

struct PublicIdentity
{
    QString username;
    QByteArray signPublicKey;
    QByteArray boxPublicKey;
};

// 60 digits as 12 groups of 5; the same for both users whichever side computes it.
[[nodiscard]] QStringList safetyNumber(const PublicIdentity &a, const PublicIdentity &b);
// 30 digits as 6 groups of 5, from the room id and the pinned head hash.
[[nodiscard]] QStringList roomFingerprint(QByteArrayView roomId, QByteArrayView headHash);

} // namespace tavern::crypto
