#include "errors.h"

#include <array>

namespace tavern::protocol {

namespace {
constexpr std::array<const char *, int(ErrorCode::Count)> Names = {
    "none",
    "bad_frame",
    "frame_too_large",
    "unknown_op",
    "bad_request",
    "unauthenticated",
    "already_authenticated",
    "auth_failed",
    "challenge_unknown",
    "challenge_expired",
    "unknown_user",
    "username_taken",
    "bad_username",
    "bad_signature",
    "forbidden",
    "not_found",
    "conflict",
    "bad_keg",
    "chain_refused",
    "rate_limited",
    "too_many_kegs",
    "too_many_connections",
    "auth_timeout",
    "internal",
    "shutting_down",
    "bad_device",
};
} // namespace

QString errorName(ErrorCode code)
{
    const int i = int(code);
    return (i >= 0 && i < int(ErrorCode::Count)) ? QString::fromLatin1(Names[i]) : QStringLiteral("none");
}

ErrorCode errorFromName(const QString &name)
{
    for (int i = 0; i < int(ErrorCode::Count); ++i) {
        if (name == QLatin1String(Names[i]))
            return ErrorCode(i);
    }
    return ErrorCode::None;
}

} // namespace tavern::protocol
