// RoomGuard: why this device must not act on a room right now, whatever the user asks.
// A security notice says what the server did; the guard stops what that lie would make
// unsafe. While a room is held, nothing is sealed in it (messages, edits, receipts, keys for
// anyone) and no room change is built: the outbox keeps its items and sends them once the
// hold is gone. Every hold is judged again from signed data whenever what the device knows
// changes; none is lifted by the server's word alone.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace tavern::client {

class RoomState;

enum class Hold {
    RolledBack = 1,   // a pin (this device's or the pin log's) is ahead of the chain it holds
    Forked,           // the chain disagrees with a pin at the pinned version
    IncompleteChain,  // the server's chain has a gap or does not start at the genesis
    KeysInconsistent, // a version sealed this user a key that does not open or match
    DeparturePending, // someone left or declined and still holds the current key
};

class RoomGuard
{
public:
    // Judges a room's verified chain against the highest pin logged for it (by this device
    // or another device of the user). A room with no started chain and a pin is rolled back.
    void judgePin(const QByteArray &roomId, const RoomState *room,
                  const std::optional<std::pair<quint64, QByteArray>> &pin);
    void set(const QByteArray &roomId, Hold kind, const QString &why);
    void clear(const QByteArray &roomId, Hold kind);
    // Departures asked for (signed leave or decline requests) and not yet carried out.
    void setPendingDepartures(const QByteArray &roomId, const QSet<QByteArray> &usernames);
    // A new head: departures it carried out are no longer pending.
    void headChanged(const QByteArray &roomId, const RoomState &room);

    [[nodiscard]] bool held(const QByteArray &roomId) const;
    // Whether an outbox item of this op may go out now. Messages, edits and receipts wait for
    // every hold; room changes only for those that leave the head in doubt (rolled back,
    // forked, incomplete), since removing someone or rotating the key is how the others end;
    // signed leave and decline requests never wait.
    [[nodiscard]] bool blocks(const QByteArray &roomId, const QString &op) const;
    [[nodiscard]] bool has(const QByteArray &roomId, Hold kind) const;
    // The first hold, in a sentence for the user (empty when the room is not held).
    [[nodiscard]] QString reason(const QByteArray &roomId) const;
    [[nodiscard]] std::optional<Hold> kind(const QByteArray &roomId) const;

private:
    void update(const QByteArray &roomId);

    QHash<QByteArray, QMap<Hold, QString>> m_holds;
    QHash<QByteArray, QSet<QByteArray>> m_departing;
};

} // namespace tavern::client
