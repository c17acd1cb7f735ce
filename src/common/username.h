// Usernames: the one place that says what a valid, normalised username is. The same rule
// runs on the client, the server and in every decoder, so "Alice" and "alice" are one user.
#pragma once

#include "common/result.h"

#include <QByteArrayView>
#include <QString>

namespace tavern {

inline constexpr int UsernameMinLength = 3;
inline constexpr int UsernameMaxLength = 32;

// Trims and lower-cases, then validates: 3..32 of [a-z0-9._-], starting with a letter.
[[nodiscard]] Result<QString> normalizeUsername(const QString &input);
// True if the bytes already are a normalised username (used by decoders: no implicit fixes).
[[nodiscard]] bool isCanonicalUsername(QByteArrayView utf8);

} // namespace tavern
