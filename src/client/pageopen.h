// Opening room kegs ahead of applying them. Verifying and decrypting (about 37 us a keg) is
// most of a sync's CPU time and needs nothing but the room's keys and past members, which no
// keg changes (only boot-keg versions do). So a page of room kegs is opened on every core
// before its transaction, and Session::applyKeg then reports each answer and writes the rows
// in page order, on the calling thread, exactly as if it had opened the keg itself.
#pragma once

#include "keg/keg.h"
#include "keg/message.h"
#include "roomstate.h"

#include <QCborArray>

#include <optional>
#include <vector>

namespace tavern::client {

// The answers applyKeg needs about one keg, in the order it checks them. Each failure is kept
// as returned, so applyKeg turns it into the same notice. Not copyable (it holds plaintext);
// the plaintext is wiped when this is destroyed, whichever way the apply ended.
struct OpenedKeg
{
    OpenedKeg() = default;
    OpenedKeg(const OpenedKeg &) = delete;
    OpenedKeg &operator=(const OpenedKeg &) = delete;
    ~OpenedKeg();

    bool present = false;               // false: not opened (a deleted keg; applyKeg stops first)
    Result<keg::Keg> keg = Error{};     // keg::decodeKeg
    bool authorKnown = false;           // ever a member of the room (only for a decoded keg)
    Result<QByteArray> plain = Error{}; // keg::openKeg (only with a known author). Left
                                        // filled for a receipt only; wiped for every other type.
    // Message, edit and redaction kegs that opened: the payload and keg::kegContentHash.
    std::optional<Result<keg::MessagePayload>> message;
    QByteArray contentHash;
};

// Opens one keg of `room` read from `dbId` under `kegId` (the serial path, and each thread's step).
void openRoomKeg(const RoomState &room, QByteArrayView dbId, QByteArrayView kegId, QByteArrayView data, OpenedKeg &out);

// Opens the kegs of a keg.list page (entries in the wire's form), one result per entry in
// the same order. The bytes are copied out of the CBOR here, on the calling thread; then the
// page is split across QThread::idealThreadCount() threads, the caller's included, and this
// returns when every part is done. `room` must not change meanwhile (the caller is the only
// thread that changes it, and it waits here).
[[nodiscard]] std::vector<OpenedKeg> openRoomPage(const RoomState &room, const QByteArray &dbId,
                                                  const QCborArray &entries);

} // namespace tavern::client
