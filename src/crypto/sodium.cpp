#include "sodium.h"

#include <sodium.h>

namespace tavern::crypto {

bool ensureSodium()
{
    // sodium_init() is itself thread-safe and idempotent; cache the answer.
    static const bool ok = sodium_init() >= 0;
    return ok;
}

} // namespace tavern::crypto
