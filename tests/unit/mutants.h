// The deterministic mutation generator shared by the decoder mutation tests: truncations,
// bit flips, special bytes, length fields set to edge values, inserted heads, random
// insertions, duplicated spans, appended bytes and stacked edits. Same seed, same mutants.
#pragma once

#include <QByteArray>
#include <QRandomGenerator>
#include <QtEndian>

#include <vector>

namespace tavern::testing {

struct MutationPlan
{
    std::vector<char> specialBytes{'\x00', '\xff', '\x80'}; // written over every byte
    bool u32Lengths = true;        // canonical records: every u32 that could be a length or count
    std::vector<QByteArray> heads; // written over and inserted before every byte (CBOR)
    int randomEdits = 1000;        // random insertions, and as many duplicated spans
    int stacked = 6000;            // mutants with several edits at once
};

template <typename F> int forEachMutant(const QByteArray &in, quint32 seed, F &&visit, const MutationPlan &plan = {})
{
    QRandomGenerator rng(seed);
    int count = 0;
    const auto emitMutant = [&](const QByteArray &m) {
        ++count;
        visit(m);
    };
    const auto randomBytes = [&](int k) {
        QByteArray b(k, '\0');
        for (char &c : b)
            c = char(rng.bounded(256));
        return b;
    };
    const int n = int(in.size());
    for (int len = 0; len < n; ++len) // truncation at every length
        emitMutant(in.left(len));
    for (int i = 0; i < n; ++i) {
        for (int bit = 0; bit < 8; ++bit) {
            QByteArray m = in;
            m[i] = char(m[i] ^ (1 << bit));
            emitMutant(m);
        }
        for (const char c : plan.specialBytes) {
            QByteArray m = in;
            m[i] = c;
            if (m != in)
                emitMutant(m);
        }
        for (const QByteArray &h : plan.heads) {
            QByteArray m = in;
            emitMutant(m.replace(i, 1, h));
            m = in;
            emitMutant(m.insert(i, h));
        }
    }
    for (int i = 0; plan.u32Lengths && i + 4 <= n; ++i) {
        const quint32 v = qFromBigEndian<quint32>(in.constData() + i);
        if (v > quint32(n - i - 4))
            continue;
        for (const quint32 w : {0xFFFFFFFFu, 0x80000000u, quint32(n), 0u, v + 1, v - 1}) {
            QByteArray m = in;
            qToBigEndian(w, m.data() + i);
            if (m != in)
                emitMutant(m);
        }
    }
    for (int k = 0; k < plan.randomEdits; ++k) { // random bytes inserted, and a span duplicated
        QByteArray m = in;
        emitMutant(m.insert(int(rng.bounded(n + 1)), randomBytes(1 + int(rng.bounded(8)))));
        const int from = int(rng.bounded(n)), len = 1 + int(rng.bounded(qMin(64, n - from)));
        m = in;
        emitMutant(m.insert(int(rng.bounded(n + 1)), in.mid(from, len)));
    }
    for (int k = 1; k <= 16; ++k) { // appended bytes
        emitMutant(in + randomBytes(k));
        emitMutant(in + QByteArray(k, '\0'));
    }
    for (int k = 0; k < plan.stacked; ++k) { // several edits stacked
        QByteArray m = in;
        for (int e = 1 + int(rng.bounded(4)); e > 0 && !m.isEmpty(); --e) {
            const int at = int(rng.bounded(int(m.size())));
            const quint32 edit = rng.bounded(4u);
            if (edit == 0)
                m[at] = char(rng.bounded(256));
            else if (edit == 1)
                m.remove(at, 1 + int(rng.bounded(8)));
            else if (edit == 2)
                m.insert(at, randomBytes(1 + int(rng.bounded(4))));
            else
                m.truncate(at);
        }
        emitMutant(m);
    }
    return count;
}

} // namespace tavern::testing
