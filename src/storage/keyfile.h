// KeyFile: the opt-in alternative to the OS keychain for machines without one. It keeps the
// account's local key (the Vault key) in a file encrypted under a passphrase: Argon2id
// (crypto_pwhash MODERATE) derives the key, XChaCha20-Poly1305 seals the local key, the file
// is created with mode 0600. Never used unless the user asks for it (docs/client.md).
#pragma once

#include "common/result.h"
#include "crypto/securebytes.h"

#include <QString>

namespace tavern::storage {

enum class KeyFileError {
    NotFound = 1,    // no key file at that path
    WrongPassphrase, // the passphrase does not open it (or its header was altered)
    Damaged,         // not a Tavern key file, truncated, or its sealed key was altered
    WeakPassphrase,  // refused when creating: too short
    Io,              // can't write or read the file
};

class KeyFile
{
public:
    static constexpr std::size_t MinPassphraseBytes = 8;
    static constexpr std::size_t MaxPassphraseBytes = 1024;

    // Seals key under passphrase and writes it to path atomically (temporary file in the same
    // folder, created 0600, flushed, renamed). Refuses to replace an existing file.
    [[nodiscard]] static Status write(const QString &path, const crypto::SecureBytes &key,
                                      const crypto::SecureBytes &passphrase);
    [[nodiscard]] static Result<crypto::SecureBytes> read(const QString &path, const crypto::SecureBytes &passphrase);
    [[nodiscard]] static bool exists(const QString &path);
    // Wipes the file's bytes before removing it.
    [[nodiscard]] static Status remove(const QString &path);
};

} // namespace tavern::storage
