// bench_message: sealing (AEAD + signature) and opening (verify + AEAD) one message keg with
// a 1 KiB body, beside the raw libsodium calls on the same sizes, measured in the same run.
#include "crypto/contexts.h"
#include "crypto/identity.h"
#include "keg/keg.h"
#include "keg/message.h"

#include <QCoreApplication>

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace tavern;

namespace {
using Clock = std::chrono::steady_clock;

// Median per-operation time (us) of batches of ops, ours and raw alternated per batch.
std::pair<double, double> compare(int batches, int perBatch, const std::function<void()> &ours,
                                  const std::function<void()> &raw)
{
    std::vector<double> a, b;
    for (int i = 0; i < batches; ++i) {
        auto t = Clock::now();
        for (int k = 0; k < perBatch; ++k)
            ours();
        a.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count() / perBatch);
        t = Clock::now();
        for (int k = 0; k < perBatch; ++k)
            raw();
        b.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count() / perBatch);
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return {a[a.size() / 2], b[b.size() / 2]};
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (sodium_init() < 0)
        return 1;
    const crypto::Identity alice = crypto::randomIdentity(QStringLiteral("alice"));
    const crypto::SecureBytes key = crypto::SecureBytes::random(32);
    const QByteArray dbId(32, '\x11');
    keg::MessagePayload m{
        7, QByteArray(32, '\x22'), 3, QByteArray(32, '\x33'), 1700000000000, QString(1024, QLatin1Char('x')), {}};
    const QByteArray plaintext = keg::encodeMessage(m);

    // Seal: Tavern builds the header, the AD, encrypts, signs and encodes the wire form.
    QByteArray sealed;
    const auto ours = [&] {
        keg::Keg k = keg::sealKeg({dbId, keg::newKegId(), keg::KegType::Message, 3, 1}, plaintext, key, alice.username,
                                  alice.signing);
        sealed = keg::encodeKeg(k);
    };
    // Raw: one AEAD over the same plaintext with an AD of the header's size, one signature
    // over a message of the same size as what Tavern signs.
    const keg::Keg sample = *keg::decodeKeg((ours(), sealed));
    const QByteArray header = sample.header();
    const QByteArray signedBytes = QByteArray(crypto::ctx::MessageSig.data()) + '\0' + header + sample.nonce
                                   + QByteArray(4, '\0') + sample.ciphertext;
    std::vector<unsigned char> out(std::size_t(plaintext.size()) + 16);
    unsigned char nonce[24] = {1};
    unsigned char sig[64];
    const auto raw = [&] {
        unsigned long long n = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out.data(), &n, reinterpret_cast<const unsigned char *>(plaintext.constData()),
            std::size_t(plaintext.size()), reinterpret_cast<const unsigned char *>(header.constData()),
            std::size_t(header.size()) + 20, nullptr, nonce, key.data());
        crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char *>(signedBytes.constData()),
                             std::size_t(signedBytes.size()), alice.signing.secretKey.data());
    };
    const auto [sealUs, rawSealUs] = compare(41, 200, ours, raw);

    // Open: Tavern decodes the wire form, verifies, checks DB and id, decrypts, decodes.
    const QByteArray wire = sealed;
    const keg::Keg parsed = *keg::decodeKeg(wire);
    const auto oursOpen = [&] {
        auto k = keg::decodeKeg(wire);
        auto p = keg::openKeg(*k, dbId, k->kegId, key, alice.signing.publicKey);
        if (!p || !keg::decodeMessage(*p))
            qFatal("open failed");
    };
    const QByteArray signedParsed =
        QByteArray(crypto::ctx::MessageSig.data()) + '\0' + parsed.header() + parsed.nonce
        + QByteArray::fromHex(QByteArray::number(quint32(parsed.ciphertext.size()), 16).rightJustified(8, '0'))
        + parsed.ciphertext;
    const QByteArray ad = QByteArray(crypto::ctx::KegAead.data()) + '\0' + parsed.header();
    const auto rawOpen = [&] {
        unsigned long long n = 0;
        if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(parsed.signature.constData()),
                                        reinterpret_cast<const unsigned char *>(signedParsed.constData()),
                                        std::size_t(signedParsed.size()),
                                        reinterpret_cast<const unsigned char *>(alice.signing.publicKey.constData()))
                != 0
            || crypto_aead_xchacha20poly1305_ietf_decrypt(
                   out.data(), &n, nullptr, reinterpret_cast<const unsigned char *>(parsed.ciphertext.constData()),
                   std::size_t(parsed.ciphertext.size()), reinterpret_cast<const unsigned char *>(ad.constData()),
                   std::size_t(ad.size()), reinterpret_cast<const unsigned char *>(parsed.nonce.constData()),
                   key.data())
                   != 0)
            qFatal("raw open failed");
    };
    const auto [openUs, rawOpenUs] = compare(41, 200, oursOpen, rawOpen);

    std::printf("bench_message: one message keg, 1 KiB body (%lld bytes on the wire); median us per operation\n",
                static_cast<long long>(wire.size()));
    std::printf("  %-28s %10s %10s %8s\n", "operation", "tavern_us", "raw_us", "ratio");
    std::printf("  %-28s %10.2f %10.2f %7.3fx\n", "seal (AEAD + sign)", sealUs, rawSealUs, sealUs / rawSealUs);
    std::printf("  %-28s %10.2f %10.2f %7.3fx\n", "open (verify + AEAD)", openUs, rawOpenUs, openUs / rawOpenUs);
    std::printf("goals: seal <= 1.3x %s, open <= 1.3x %s\n", sealUs / rawSealUs <= 1.3 ? "met" : "NOT met",
                openUs / rawOpenUs <= 1.3 ? "met" : "NOT met");
    return 0;
}
