#include "identity.h"

#include "contexts.h"
#include "hash.h"
#include "sodium.h"

#include <sodium.h>

namespace tavern::crypto {

namespace {
constexpr char Alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32

int decodeChar(QChar qc)
{
    // ASCII only: Unicode case mapping would otherwise turn e.g. U+0131 'ı' into 'I'.
    if (qc.unicode() >= 0x80)
        return -1;
    const char c = char(qc.toUpper().toLatin1());
    if (c == 'I' || c == 'L')
        return 1;
    if (c == 'O')
        return 0;
    for (int i = 0; i < 32; ++i) {
        if (Alphabet[i] == c)
            return i;
    }
    return -1;
}
} // namespace

SecureBytes generateAccountSecret()
{
    (void)ensureSodium();
    return SecureBytes::random(AccountSecretBytes);
}

QString formatAccountSecret(const SecureBytes &secret)
{
    QString out;
    unsigned buffer = 0;
    int bits = 0;
    int chars = 0;
    for (std::size_t i = 0; i < secret.size(); ++i) {
        buffer = (buffer << 8) | secret.data()[i];
        bits += 8;
        while (bits >= 5) {
            if (chars && chars % 4 == 0)
                out += QLatin1Char('-');
            out += QLatin1Char(Alphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
            ++chars;
        }
    }
    buffer = 0;
    return out;
}

Result<SecureBytes> parseAccountSecret(const QString &text)
{
    SecureBytes out(AccountSecretBytes);
    unsigned buffer = 0;
    int bits = 0;
    std::size_t n = 0;
    int chars = 0;
    for (QChar c : text) {
        if (c.isSpace() || c == QLatin1Char('-'))
            continue;
        const int v = decodeChar(c);
        if (v < 0)
            return Error{1, QStringLiteral("The account secret contains '%1', which is not one "
                                           "of its letters or digits.")
                                .arg(c)};
        ++chars;
        buffer = (buffer << 5) | unsigned(v);
        bits += 5;
        if (bits >= 8) {
            // Past 20 bytes keep counting (and checking) characters so the error below
            // reports the real length.
            if (n < AccountSecretBytes)
                out.data()[n++] = static_cast<unsigned char>(buffer >> (bits - 8));
            bits -= 8;
        }
    }
    buffer = 0;
    if (chars != int(AccountSecretBytes * 8 / 5))
        return Error{2, QStringLiteral("An account secret has 8 groups of 4 characters; "
                                       "this one has %1 characters.")
                            .arg(chars)};
    return out;
}

Result<Identity> deriveIdentity(const SecureBytes &accountSecret, const QString &normalizedUsername)
{
    if (!ensureSodium())
        return Error{1, QStringLiteral("libsodium could not start")};
    if (accountSecret.size() != AccountSecretBytes)
        return Error{2, QStringLiteral("the account secret has the wrong length")};
    const QByteArray salt = hash(ctx::IdentitySalt, normalizedUsername.toUtf8()).left(crypto_pwhash_SALTBYTES);
    SecureBytes master(32);
    if (crypto_pwhash(master.data(), master.size(), reinterpret_cast<const char *>(accountSecret.data()),
                      accountSecret.size(), reinterpret_cast<const unsigned char *>(salt.constData()),
                      crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                      crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return Error{3, QStringLiteral("not enough memory for Argon2id (64 MiB needed)")};
    SecureBytes signSeed(crypto_sign_SEEDBYTES);
    SecureBytes boxSeed(crypto_box_SEEDBYTES);
    crypto_kdf_derive_from_key(signSeed.data(), signSeed.size(), 1, ctx::IdentityKdf, master.data());
    crypto_kdf_derive_from_key(boxSeed.data(), boxSeed.size(), 2, ctx::IdentityKdf, master.data());
    return Identity{normalizedUsername, SigningKeyPair::fromSeed(signSeed), BoxKeyPair::fromSeed(boxSeed)};
}

Identity randomIdentity(const QString &normalizedUsername)
{
    return Identity{normalizedUsername, SigningKeyPair::generate(), BoxKeyPair::generate()};
}

} // namespace tavern::crypto
