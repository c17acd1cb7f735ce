// A user's identity: Ed25519 signing and X25519 encryption keys, the same on every device,
// derived from the account secret (Argon2id, then crypto_kdf). See docs/security.md for the
// parameter choice.
#pragma once

#include "box.h"
#include "common/result.h"
#include "sign.h"

#include <QString>

namespace tavern::crypto {

inline constexpr std::size_t AccountSecretBytes = 20; // 160 bits, shown as 8 groups of 4

struct Identity
{
    QString username; // normalised
    SigningKeyPair signing;
    BoxKeyPair box;

    [[nodiscard]] Identity clone() const { return {username, signing.clone(), box.clone()}; }
};

// Random account secret; shown to the user once as text (formatAccountSecret).
[[nodiscard]] SecureBytes generateAccountSecret();
// "ABCD-EFGH-..." in Crockford base32 (no I, L, O, U), 8 groups of 4.
[[nodiscard]] QString formatAccountSecret(const SecureBytes &secret);
// Accepts any case, spaces or dashes, and the look-alikes I/L (1) and O (0).
[[nodiscard]] Result<SecureBytes> parseAccountSecret(const QString &text);

// Argon2id (opslimit/memlimit INTERACTIVE) over the secret, salted by the username.
// Deterministic: every device derives the same keys. About 150 ms on this machine.
[[nodiscard]] Result<Identity> deriveIdentity(const SecureBytes &accountSecret, const QString &normalizedUsername);

// For tests and benchmarks that need many identities fast: random keys, no secret.
[[nodiscard]] Identity randomIdentity(const QString &normalizedUsername);

} // namespace tavern::crypto
