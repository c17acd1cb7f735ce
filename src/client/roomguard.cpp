#include "roomguard.h"

#include "protocol/ops.h"
#include "roomstate.h"

namespace tavern::client {

namespace {
QString hexOf(const QByteArray &b)
{
    return QString::fromLatin1(b.toHex());
}
} // namespace

void RoomGuard::judgePin(const QByteArray &roomId, const RoomState *room,
                         const std::optional<std::pair<quint64, QByteArray>> &pin)
{
    clear(roomId, Hold::RolledBack);
    clear(roomId, Hold::Forked);
    if (!pin)
        return;
    const bool started = room && room->started();
    if (!started || room->head().version().version < pin->first) {
        // (The text names no head number: it must not change while a long chain catches up.)
        set(roomId, Hold::RolledBack,
            QStringLiteral("The server shows this room older than version %1, which your devices already saw: "
                           "it was rolled back. Nothing is sent here until the server shows version %1 again.")
                .arg(pin->first));
    } else if (room->hashAt(pin->first) != pin->second) {
        set(roomId, Hold::Forked,
            QStringLiteral("The server shows a different version %1 of this room than the one your devices "
                           "pinned (%2): the room may have been split. Nothing is sent here until it is resolved.")
                .arg(pin->first)
                .arg(hexOf(pin->second.left(8))));
    }
}

void RoomGuard::set(const QByteArray &roomId, Hold kind, const QString &why)
{
    m_holds[roomId].insert(kind, why);
}

void RoomGuard::clear(const QByteArray &roomId, Hold kind)
{
    auto it = m_holds.find(roomId);
    if (it == m_holds.end())
        return;
    it->remove(kind);
    if (it->isEmpty())
        m_holds.erase(it);
}

void RoomGuard::setPendingDepartures(const QByteArray &roomId, const QSet<QByteArray> &usernames)
{
    if (usernames.isEmpty())
        m_departing.remove(roomId);
    else
        m_departing[roomId] = usernames;
    update(roomId);
}

void RoomGuard::headChanged(const QByteArray &roomId, const RoomState &room)
{
    auto it = m_departing.find(roomId);
    if (it == m_departing.end())
        return;
    for (auto name = it->begin(); name != it->end();) {
        if (room.head().version().member(*name))
            ++name;
        else
            name = it->erase(name);
    }
    if (it->isEmpty())
        m_departing.erase(it);
    update(roomId);
}

void RoomGuard::update(const QByteArray &roomId)
{
    const auto it = m_departing.constFind(roomId);
    if (it == m_departing.constEnd()) {
        clear(roomId, Hold::DeparturePending);
        return;
    }
    QStringList names;
    for (const QByteArray &n : *it)
        names << QString::fromUtf8(n);
    names.sort();
    set(roomId, Hold::DeparturePending,
        QStringLiteral("%1 left or declined but still holds this room's key. Messages wait until a member who may "
                       "remove people starts a new key.")
            .arg(names.join(QStringLiteral(", "))));
}

bool RoomGuard::held(const QByteArray &roomId) const
{
    return m_holds.contains(roomId);
}

bool RoomGuard::blocks(const QByteArray &roomId, const QString &op) const
{
    const auto it = m_holds.constFind(roomId);
    if (it == m_holds.constEnd())
        return false;
    if (op == protocol::op::KegPut)
        return true;
    if (op == protocol::op::BootKegPut)
        return it->contains(Hold::RolledBack) || it->contains(Hold::Forked) || it->contains(Hold::IncompleteChain);
    return false;
}

bool RoomGuard::has(const QByteArray &roomId, Hold kind) const
{
    const auto it = m_holds.constFind(roomId);
    return it != m_holds.constEnd() && it->contains(kind);
}

QString RoomGuard::reason(const QByteArray &roomId) const
{
    const auto it = m_holds.constFind(roomId);
    return it == m_holds.constEnd() ? QString() : it->first();
}

std::optional<Hold> RoomGuard::kind(const QByteArray &roomId) const
{
    const auto it = m_holds.constFind(roomId);
    if (it == m_holds.constEnd())
        return std::nullopt;
    return it->firstKey();
}

} // namespace tavern::client
