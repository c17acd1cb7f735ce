// Thread safety of what the worker threads call (checked when this was written):
// - keg::decodeKeg, keg::openKeg, keg::decodeMessage, keg::kegContentHash and the crypto
//   calls under them keep no state between calls (only function-local statics initialised
//   once, which C++ makes thread-safe); libsodium is thread-safe once sodium_init ran.
// - RoomState::pastMember (QHash::constFind) and RoomKeys::get (std::map::find) are const
//   lookups that cache nothing; concurrent const reads of Qt containers are safe while
//   nobody writes, and the only writer (the calling thread) waits in openRoomPage.
// - Each thread writes only its own OpenedKeg slots and reads QByteArrays copied out of the
//   CBOR beforehand (QCborValue/QCborArray are never touched off the calling thread).
#include "pageopen.h"

#include <QCborMap>
#include <QSemaphore>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <memory>

namespace tavern::client {

OpenedKeg::~OpenedKeg()
{
    if (plain)
        crypto::wipe(*plain);
}

void openRoomKeg(const RoomState &room, QByteArrayView dbId, QByteArrayView kegId, QByteArrayView data, OpenedKeg &out)
{
    out.present = true;
    out.keg = keg::decodeKeg(data);
    if (!out.keg)
        return;
    const PastMember *author = room.pastMember(out.keg->author);
    out.authorKnown = author != nullptr;
    if (!author)
        return;
    // Signature and binding (DB, keg id) are checked for every keg, whatever its type or
    // generation: without a key openKeg stops after those checks (NoKeyForGeneration).
    static const crypto::SecureBytes noKey;
    const crypto::SecureBytes *key = room.keys().get(out.keg->generation);
    out.plain = keg::openKeg(*out.keg, dbId, kegId, key ? *key : noKey, author->signKeyFor(out.keg->generation));
    if (!out.plain)
        return;
    const keg::KegType type = out.keg->type;
    if (type == keg::KegType::Receipt)
        return; // applyReceipt decodes and wipes it
    if (type == keg::KegType::Message || type == keg::KegType::Edit || type == keg::KegType::Redaction) {
        out.message = keg::decodeMessage(*out.plain);
        if (*out.message)
            out.contentHash = keg::kegContentHash(*out.keg);
    }
    crypto::wipe(*out.plain); // decoded, or a type no room timeline reads (settings, contacts)
}

namespace {
struct Sealed
{
    QByteArray kegId;
    QByteArray data;
    bool open = false; // deleted kegs are not opened (applyKeg stops before)
};
} // namespace

std::vector<OpenedKeg> openRoomPage(const RoomState &room, const QByteArray &dbId, const QCborArray &entries)
{
    std::vector<Sealed> in;
    in.reserve(std::size_t(entries.size()));
    for (const QCborValue &v : entries) {
        const QCborMap e = v.toMap();
        const bool deleted = e.value(QStringLiteral("deleted")).toBool();
        in.push_back({deleted ? QByteArray() : e.value(QStringLiteral("kegId")).toByteArray(),
                      deleted ? QByteArray() : e.value(QStringLiteral("data")).toByteArray(), !deleted});
    }
    std::vector<OpenedKeg> out(in.size());
    const auto run = [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            if (in[i].open)
                openRoomKeg(room, dbId, in[i].kegId, in[i].data, out[i]);
        }
    };
    const std::size_t n = in.size();
    const std::size_t parts =
        std::clamp<std::size_t>(std::size_t(std::max(QThread::idealThreadCount(), 1)), 1, std::max<std::size_t>(n, 1));
    // Shared with the tasks: a task may still be inside release() when acquire() returns here.
    auto finished = std::make_shared<QSemaphore>();
    int started = 0;
    for (std::size_t p = 1; p < parts; ++p) {
        const std::size_t begin = n * p / parts, end = n * (p + 1) / parts;
        // tryStart: if the pool has no free thread (busy with other work), the part runs here
        // rather than wait for that work.
        if (QThreadPool::globalInstance()->tryStart([&run, finished, begin, end] {
                run(begin, end);
                finished->release();
            }))
            ++started;
        else
            run(begin, end);
    }
    run(0, n / parts);
    finished->acquire(started);
    return out;
}

} // namespace tavern::client
