// libsodium start-up: every crypto entry point calls ensureSodium() so no caller can forget.
#pragma once

namespace tavern::crypto {

// Initialises libsodium once (thread-safe). Returns false only if the CPU/OS can't give
// libsodium a secure random source; callers then refuse to do any cryptography.
[[nodiscard]] bool ensureSodium();

} // namespace tavern::crypto
