// KeyFile (see keyfile.h). File format, 146 bytes, every field fixed width:
//   magic "TVRNKEYF" | u8 format 1 | u8 algorithm 2 (Argon2id 1.3) | u64 opslimit |
//   u64 memlimit | salt[16] | check[32] | nonce[24] | sealed[48]
// Argon2id(passphrase, salt, opslimit, memlimit) gives 64 bytes: the first 32 seal the local
// key (AD: "tavern/v1/key-file/aead" 0x00 and every byte before `sealed`), the last 32 hashed
// under "tavern/v1/key-file/check" are `check`, so a wrong passphrase is told apart from an
// altered file. (check adds no guessing oracle: the AEAD already is one.)
#include "keyfile.h"

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/sodium.h"
#include "keg/canonical.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sodium.h>
#include <unistd.h>

namespace tavern::storage {

namespace {

constexpr char Magic[] = "TVRNKEYF";
constexpr qsizetype MagicBytes = 8;
constexpr quint8 Format = 1;
constexpr quint8 AlgArgon2id13 = 2;
constexpr qsizetype SaltBytes = crypto_pwhash_SALTBYTES; // 16
constexpr qsizetype CheckBytes = 32;
constexpr qsizetype KeyBytes = 32;
constexpr qsizetype HeaderBytes = MagicBytes + 1 + 1 + 8 + 8 + SaltBytes + CheckBytes + crypto::AeadNonceBytes;
constexpr qsizetype FileBytes = HeaderBytes + KeyBytes + crypto::AeadTagBytes;
constexpr char AeadContext[] = "tavern/v1/key-file/aead";
constexpr char CheckContext[] = "tavern/v1/key-file/check";

static_assert(SaltBytes == 16);

Error damaged(const QString &path, const QString &why)
{
    return Error{int(KeyFileError::Damaged),
                 QStringLiteral("The key file %1 is damaged or was altered (%2); Tavern refused it. "
                                "Restore it from a backup, or log in again with your account secret "
                                "in a new profile.")
                     .arg(path, why)};
}

// 64 bytes: encryption key, then the check key.
Result<crypto::SecureBytes> derive(const crypto::SecureBytes &passphrase, QByteArrayView salt, quint64 opslimit,
                                   quint64 memlimit)
{
    if (!crypto::ensureSodium())
        return Error{int(KeyFileError::Io), QStringLiteral("libsodium could not start")};
    crypto::SecureBytes out(64);
    if (crypto_pwhash(out.data(), out.size(), reinterpret_cast<const char *>(passphrase.data()), passphrase.size(),
                      reinterpret_cast<const unsigned char *>(salt.data()), opslimit, std::size_t(memlimit),
                      crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        return Error{int(KeyFileError::Io),
                     QStringLiteral("Not enough memory for Argon2id (%1 MiB needed) to open the key file.")
                         .arg(memlimit / (1024 * 1024))};
    return out;
}

QByteArray checkOf(const crypto::SecureBytes &derived)
{
    return crypto::hash(CheckContext, derived.view().sliced(KeyBytes, CheckBytes));
}

QByteArray aeadContext(QByteArrayView header)
{
    return QByteArray(AeadContext) + '\0' + header.toByteArray();
}

} // namespace

bool KeyFile::exists(const QString &path)
{
    return QFileInfo::exists(path);
}

Status KeyFile::write(const QString &path, const crypto::SecureBytes &key, const crypto::SecureBytes &passphrase)
{
    if (key.size() != std::size_t(KeyBytes))
        return Error{int(KeyFileError::Io), QStringLiteral("a local key has 32 bytes")};
    if (passphrase.size() < MinPassphraseBytes)
        return Error{int(KeyFileError::WeakPassphrase),
                     QStringLiteral("The passphrase is too short: use at least %1 characters (a few "
                                    "random words are best).")
                         .arg(MinPassphraseBytes)};
    if (passphrase.size() > MaxPassphraseBytes)
        return Error{int(KeyFileError::WeakPassphrase),
                     QStringLiteral("The passphrase is too long (at most %1 bytes).").arg(MaxPassphraseBytes)};
    if (exists(path))
        return Error{int(KeyFileError::Io),
                     QStringLiteral("The key file %1 already exists; Tavern never overwrites one.").arg(path)};
    const quint64 ops = crypto_pwhash_OPSLIMIT_MODERATE;
    const quint64 mem = crypto_pwhash_MEMLIMIT_MODERATE;
    QByteArray salt(SaltBytes, Qt::Uninitialized);
    randombytes_buf(salt.data(), std::size_t(salt.size()));
    auto derived = derive(passphrase, salt, ops, mem);
    if (!derived)
        return derived.error();
    keg::Writer w(FileBytes);
    w.fixed(QByteArrayView(Magic, MagicBytes));
    w.u8(Format);
    w.u8(AlgArgon2id13);
    w.u64(ops);
    w.u64(mem);
    w.fixed(salt);
    w.fixed(checkOf(*derived));
    const QByteArray nonce = crypto::randomNonce();
    w.fixed(nonce);
    const crypto::SecureBytes encKey = crypto::SecureBytes::copyOf(derived->view().first(KeyBytes));
    QByteArray file = w.take();
    file += crypto::aeadEncrypt(encKey, nonce, aeadContext(file), key.view());
    Q_ASSERT(file.size() == FileBytes);

    // Created 0600 from the start (never readable by others, not even for a moment), written
    // in full and flushed before it takes the real name.
    const QString tmp = path + QStringLiteral(".new");
    QFile::remove(tmp);
    QFile f(tmp);
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return Error{int(KeyFileError::Io),
                     QStringLiteral("Can't create the key file %1: %2").arg(tmp, f.errorString())};
    const bool written = f.write(file) == file.size() && f.flush();
    const bool synced = written && ::fsync(f.handle()) == 0;
    f.close();
    if (!synced || !QFile::rename(tmp, path)) {
        QFile::remove(tmp);
        return Error{int(KeyFileError::Io), QStringLiteral("Can't write the key file %1.").arg(path)};
    }
    return Ok{};
}

Result<crypto::SecureBytes> KeyFile::read(const QString &path, const crypto::SecureBytes &passphrase)
{
    QFile f(path);
    if (!f.exists())
        return Error{int(KeyFileError::NotFound), QStringLiteral("There is no key file at %1.").arg(path)};
    if (!f.open(QIODevice::ReadOnly))
        return Error{int(KeyFileError::Io),
                     QStringLiteral("Can't read the key file %1: %2").arg(path, f.errorString())};
    const QByteArray file = f.read(FileBytes + 1); // bounded: never more than one byte too many
    f.close();
    if (file.size() != FileBytes)
        return damaged(path, QStringLiteral("%1 bytes, a key file has %2").arg(file.size()).arg(FileBytes));
    keg::Reader r(file);
    if (r.fixed(MagicBytes) != QByteArrayView(Magic, MagicBytes))
        return damaged(path, QStringLiteral("not a Tavern key file"));
    if (r.u8() != Format)
        return damaged(path, QStringLiteral("unknown format"));
    if (r.u8() != AlgArgon2id13)
        return damaged(path, QStringLiteral("unknown key derivation"));
    const quint64 ops = r.u64();
    const quint64 mem = r.u64();
    // Bounded: a file can't make Tavern spend more than SENSITIVE work or memory, nor less
    // than what this version writes.
    if (ops < crypto_pwhash_OPSLIMIT_MODERATE || ops > crypto_pwhash_OPSLIMIT_SENSITIVE
        || mem < crypto_pwhash_MEMLIMIT_MODERATE || mem > crypto_pwhash_MEMLIMIT_SENSITIVE)
        return damaged(path, QStringLiteral("key derivation limits out of range"));
    const QByteArrayView salt = r.fixed(SaltBytes);
    const QByteArrayView check = r.fixed(CheckBytes);
    const QByteArrayView nonce = r.fixed(crypto::AeadNonceBytes);
    const QByteArrayView sealed = r.fixed(KeyBytes + crypto::AeadTagBytes);
    r.finish();
    if (!r.ok())
        return damaged(path, keg::describe(r.error()));
    if (passphrase.isEmpty() || passphrase.size() > MaxPassphraseBytes)
        return Error{int(KeyFileError::WrongPassphrase),
                     QStringLiteral("The passphrase does not open the key file %1.").arg(path)};
    auto derived = derive(passphrase, salt, ops, mem);
    if (!derived)
        return derived.error();
    if (!crypto::constantTimeEquals(checkOf(*derived), check))
        return Error{int(KeyFileError::WrongPassphrase),
                     QStringLiteral("The passphrase does not open the key file %1 (wrong passphrase, or "
                                    "the file's header was altered).")
                         .arg(path)};
    const crypto::SecureBytes encKey = crypto::SecureBytes::copyOf(derived->view().first(KeyBytes));
    auto key = crypto::aeadDecryptSecret(encKey, nonce, aeadContext(QByteArrayView(file).first(HeaderBytes)), sealed);
    if (!key || key->size() != std::size_t(KeyBytes))
        return damaged(path, QStringLiteral("the sealed key does not verify"));
    return key;
}

Status KeyFile::remove(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return Ok{};
    if (f.open(QIODevice::ReadWrite)) {
        const qint64 size = f.size();
        f.write(QByteArray(qsizetype(size), '\0'));
        f.flush();
        ::fsync(f.handle());
        f.close();
    }
    if (!f.remove())
        return Error{int(KeyFileError::Io),
                     QStringLiteral("Can't remove the key file %1: %2").arg(path, f.errorString())};
    return Ok{};
}

} // namespace tavern::storage
