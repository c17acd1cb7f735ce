// Shared by the libFuzzer harnesses: a check that aborts with a message (libFuzzer then
// saves the input as crash-<sha>), deterministic randomness so the fixtures a harness
// builds at start-up (keys, nonces, seals) are the same in every run and match the seeds
// written earlier, and the "--write-corpus DIR" mode that writes a harness's seeds and exits.
// Fuzz builds only (fuzz/CMakeLists.txt): never linked into anything that ships.
#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#define FUZZ_CHECK(cond, what)                                                                                         \
    do {                                                                                                               \
        if (!(cond))                                                                                                   \
            ::tavern::fuzz::fail(__FILE__, __LINE__, #cond, (what));                                                   \
    } while (0)

namespace tavern::fuzz {

[[noreturn]] inline void fail(const char *file, int line, const char *cond, const QString &what)
{
    std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", file, line, cond, qPrintable(what));
    std::abort();
}

namespace detail {
inline std::mutex rngLock;
inline quint64 rngState = 0x7461766572ull; // fixed: the same keys in every run

inline quint64 next() // splitmix64
{
    quint64 z = (rngState += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
inline const char *name()
{
    return "tavern-fuzz-deterministic";
}
inline uint32_t random32()
{
    const std::lock_guard lock(rngLock);
    return uint32_t(next() >> 32);
}
inline void buf(void *const out, const size_t size)
{
    const std::lock_guard lock(rngLock);
    auto *p = static_cast<unsigned char *>(out);
    for (size_t i = 0; i < size; ++i)
        p[i] = static_cast<unsigned char>(next());
}
} // namespace detail

// Must run before anything calls sodium_init (call it first in LLVMFuzzerInitialize).
inline void useDeterministicRandomness()
{
    static randombytes_implementation impl = {detail::name, detail::random32, nullptr, nullptr, detail::buf, nullptr};
    if (randombytes_set_implementation(&impl) != 0 || sodium_init() < 0)
        fail(__FILE__, __LINE__, "sodium", QStringLiteral("libsodium did not initialise"));
}

// "--write-corpus DIR": writes the seeds as DIR/seed-NN and exits; otherwise returns.
inline void writeCorpusIfAsked(int *argc, char ***argv, const std::vector<QByteArray> &seeds)
{
    for (int i = 1; i + 1 < *argc; ++i) {
        if (std::strcmp((*argv)[i], "--write-corpus") != 0)
            continue;
        const QString dir = QString::fromLocal8Bit((*argv)[i + 1]);
        if (!QDir().mkpath(dir))
            fail(__FILE__, __LINE__, "mkpath", dir);
        int n = 0;
        for (const QByteArray &seed : seeds) {
            QFile f(QStringLiteral("%1/seed-%2").arg(dir).arg(n++, 2, 10, QLatin1Char('0')));
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(seed) != seed.size())
                fail(__FILE__, __LINE__, "write", f.fileName());
        }
        std::printf("wrote %d seeds to %s\n", n, qPrintable(dir));
        std::exit(0);
    }
}

} // namespace tavern::fuzz
