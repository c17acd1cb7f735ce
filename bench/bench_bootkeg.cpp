// bench_bootkeg: boot-keg build, verify+open and chain validation for rooms of 10, 100 and
// 1000 members, each beside the raw libsodium calls it needs, measured in the same run.
// Usage: bench_bootkeg [--chain N] [--sizes 10,100,1000]
#include "crypto/contexts.h"
#include "keg/bootkegbuilder.h"

#include <QCoreApplication>
#include <QStringList>

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

using namespace tavern;
using namespace tavern::keg;

namespace {

using Clock = std::chrono::steady_clock;

double timeUs(const std::function<void()> &f)
{
    auto a = Clock::now();
    f();
    return std::chrono::duration<double, std::micro>(Clock::now() - a).count();
}

double median(std::vector<double> t)
{
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

// Medians of `runs` timings of ours and raw, run alternately so that load from anything else
// on the machine hits both sides alike.
std::pair<double, double> compare(int runs, const std::function<void()> &ours, const std::function<void()> &raw)
{
    std::vector<double> a, b;
    for (int i = 0; i < runs; ++i) {
        a.push_back(timeUs(ours));
        b.push_back(timeUs(raw));
    }
    return {median(a), median(b)};
}

struct Room
{
    std::vector<crypto::Identity> people; // people[0] is the admin
    SignedBootKeg head;
    RoomKeys adminKeys;
};

// A room of n joined members; built with the real builder (one invite version with all
// newcomers, then each accepts in turn would be slow for 1000: they are added joined by the
// admin's insider path instead, which the chain rules would refuse, so the head is taken as
// trusted state for the benchmark).
Room makeRoom(int n)
{
    Room r;
    r.people.reserve(std::size_t(n)); // the builder keeps a reference to people[0]
    r.people.push_back(crypto::randomIdentity(QStringLiteral("admin")));
    BuiltVersion g = createRoom(r.people[0], {QStringLiteral("bench"), {}, HistoryPolicy::Shared});
    r.adminKeys.insert(0, std::move(g.newKey));
    BootKegBuilder b(g.version, r.people[0], r.adminKeys);
    for (int i = 1; i < n; ++i) {
        r.people.push_back(crypto::randomIdentity(QStringLiteral("user%1").arg(i, 5, 10, QLatin1Char('0'))));
        (void)b.invite({r.people.back().username, r.people.back().signing.publicKey, r.people.back().box.publicKey},
                       Role::Member, HistoryPolicy::Shared);
    }
    auto v = b.build();
    if (!v)
        qFatal("room build failed: %s", qPrintable(v.error().message));
    r.head = v->version;
    return r;
}

void line(const char *what, int members, double ours, double raw)
{
    std::printf("  %-34s %5d  %11.1f  %11.1f  %6.3fx\n", what, members, ours, raw, ours / raw);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    int chainLength = 10000;
    QList<int> sizes{10, 100, 1000};
    if (int i = args.indexOf(QStringLiteral("--chain")); i > 0 && i + 1 < args.size())
        chainLength = args[i + 1].toInt();
    if (int i = args.indexOf(QStringLiteral("--sizes")); i > 0 && i + 1 < args.size()) {
        sizes.clear();
        for (const QString &s : args[i + 1].split(QLatin1Char(',')))
            sizes << s.toInt();
    }
    if (sodium_init() < 0)
        return 1;

    std::printf("bench_bootkeg: times in microseconds (median), ratio = Tavern / raw libsodium\n");
    std::printf("  %-34s %5s  %11s  %11s  %7s\n", "operation", "N", "tavern_us", "raw_us", "ratio");
    for (int n : sizes) {
        Room room = makeRoom(n);
        const int runs = n >= 1000 ? 7 : (n >= 100 ? 31 : 201);
        const QByteArray roomId = room.head.roomId();

        // 1. Build a version that removes one member: N-1 seals + sign, on one thread and on all.
        const QString victim = room.people.back().username;
        std::vector<BuiltVersion> built;
        auto buildWith = [&](int threads) {
            BootKegBuilder b(room.head, room.people[0], room.adminKeys);
            (void)b.remove(victim);
            auto v = b.build(threads);
            if (!v)
                qFatal("removal failed: %s", qPrintable(v.error().message));
            built.push_back(std::move(v).value());
        };
        // Raw: the same number of seals of same-sized plaintexts, and one signature.
        const crypto::SecureBytes key = crypto::SecureBytes::random(32);
        std::vector<crypto::SecureBytes> plains;
        for (int i = 0; i < n - 1; ++i)
            plains.push_back(sealedKeyPlaintext(roomId, 1, room.people[i].username.toUtf8(), key));
        QByteArray sealOut(300, '\0');
        unsigned char sig[64];
        const unsigned char digest[32] = {1};
        const auto rawBuildFn = [&] {
            for (int i = 0; i < n - 1; ++i)
                crypto_box_seal(reinterpret_cast<unsigned char *>(sealOut.data()), plains[i].data(), plains[i].size(),
                                reinterpret_cast<const unsigned char *>(room.people[i].box.publicKey.constData()));
            crypto_sign_detached(sig, nullptr, digest, sizeof digest, room.people[0].signing.secretKey.data());
        };
        const auto [build1, rawBuild] = compare(
            runs, [&] { buildWith(1); }, rawBuildFn);
        const auto [buildAll, rawBuild2] = compare(
            runs, [&] { buildWith(0); }, rawBuildFn);
        line("build after removal (1 thread)", n, build1, rawBuild);
        line("build after removal (all cores)", n, buildAll, rawBuild2);

        // 2. A member receives that version: decode, verify against the head, open own key.
        const QByteArray wireBytes = built.front().version.encode();
        const crypto::Identity &reader = room.people[1];
        const auto oursVerifyFn = [&] {
            auto v = SignedBootKeg::decode(wireBytes);
            if (!v || !verifyTransition(room.head, *v) || !openCurrentKey(*v, reader))
                qFatal("verify/open failed");
        };
        const QByteArray &body = built.front().version.body();
        const QByteArray &blob = built.front().version.version().sealedFor(reader.username.toUtf8())->blob;
        const QByteArray hashCtx = QByteArray(crypto::ctx::BootKegHash.data()) + '\0';
        QByteArray plainOut(blob.size(), '\0');
        const auto rawVerifyFn = [&] {
            unsigned char h[32];
            crypto_generichash_state st;
            crypto_generichash_init(&st, nullptr, 0, 32);
            crypto_generichash_update(&st, reinterpret_cast<const unsigned char *>(hashCtx.constData()),
                                      std::size_t(hashCtx.size()));
            crypto_generichash_update(&st, reinterpret_cast<const unsigned char *>(body.constData()),
                                      std::size_t(body.size()));
            crypto_generichash_final(&st, h, 32);
            (void)crypto::verify(room.people[0].signing.publicKey, crypto::ctx::BootKegSig,
                                 QByteArrayView(reinterpret_cast<char *>(h), 32), built.front().version.signature());
            if (crypto_box_seal_open(reinterpret_cast<unsigned char *>(plainOut.data()),
                                     reinterpret_cast<const unsigned char *>(blob.constData()),
                                     std::size_t(blob.size()),
                                     reinterpret_cast<const unsigned char *>(reader.box.publicKey.constData()),
                                     reader.box.secretKey.data())
                != 0)
                qFatal("raw open failed");
        };
        const auto [verifyOpen, rawVerifyOpen] = compare(runs * 5, oursVerifyFn, rawVerifyFn);
        line("verify version + open own key", n, verifyOpen, rawVerifyOpen);
        built.clear();

        // 3. A chain of chainLength versions (topic and role edits by the admin), validated
        // from genesis by a newcomer from wire bytes, beside N x (hash + verify).
        std::vector<QByteArray> chain;
        {
            BuiltVersion g = createRoom(room.people[0], {QStringLiteral("chain"), {}, HistoryPolicy::Shared});
            RoomKeys keys;
            keys.insert(0, std::move(g.newKey));
            SignedBootKeg head = g.version;
            chain.push_back(head.encode());
            BootKegBuilder b(head, room.people[0], keys);
            for (int i = 1; i < n; ++i)
                (void)b.invite(
                    {room.people[i].username, room.people[i].signing.publicKey, room.people[i].box.publicKey},
                    Role::Member, HistoryPolicy::Shared);
            head = b.build()->version;
            chain.push_back(head.encode());
            for (int i = 2; i < chainLength; ++i) {
                BootKegBuilder e(head, room.people[0], keys);
                if (n > 1 && i % 2) {
                    const QString &who = room.people[1 + (i / 2) % (n - 1)].username;
                    const bool guest = head.version().member(who.toUtf8())->role == Role::Guest;
                    (void)e.setRole(who, guest ? Role::Member : Role::Guest);
                } else
                    e.setSettings({QStringLiteral("chain"), QStringLiteral("topic %1").arg(i), HistoryPolicy::Shared});
                auto next = e.build();
                if (!next)
                    qFatal("chain version %d refused: %s", i, qPrintable(next.error().message));
                head = next->version;
                chain.push_back(head.encode());
            }
        }
        const auto chainFn = [&] {
            ChainVerifier v;
            auto g = SignedBootKeg::decode(chain[0]);
            if (!g || !v.start(*g))
                qFatal("genesis refused");
            for (std::size_t i = 1; i < chain.size(); ++i) {
                auto s = SignedBootKeg::decode(chain[i]);
                if (!s || !v.append(std::move(s).value()))
                    qFatal("chain refused at %zu", i);
            }
        };
        std::vector<std::pair<QByteArray, QByteArray>> parts; // body, signature
        for (const QByteArray &w : chain) {
            auto s = SignedBootKeg::decode(w);
            parts.emplace_back(s->body(), s->signature());
        }
        const QByteArray &pk = room.people[0].signing.publicKey;
        const auto rawChainFn = [&] {
            for (const auto &[b, s] : parts) {
                unsigned char h[32];
                crypto_generichash_state st;
                crypto_generichash_init(&st, nullptr, 0, 32);
                crypto_generichash_update(&st, reinterpret_cast<const unsigned char *>(hashCtx.constData()),
                                          std::size_t(hashCtx.size()));
                crypto_generichash_update(&st, reinterpret_cast<const unsigned char *>(b.constData()),
                                          std::size_t(b.size()));
                crypto_generichash_final(&st, h, 32);
                if (!crypto::verify(pk, crypto::ctx::BootKegSig, QByteArrayView(reinterpret_cast<char *>(h), 32), s))
                    qFatal("raw verify failed");
            }
        };
        const auto [chainUs, rawChain] = compare(3, chainFn, rawChainFn);
        char label[64];
        std::snprintf(label, sizeof label, "validate chain of %d versions", chainLength);
        line(label, n, chainUs, rawChain);
        std::printf("  (build: %.1f us per seal with all cores; chain: %.1f us per version)\n",
                    buildAll / std::max(1, n - 1), chainUs / chainLength);
        std::fflush(stdout);
    }
    return 0;
}
