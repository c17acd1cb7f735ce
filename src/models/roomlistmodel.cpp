#include "roomlistmodel.h"

#include "uiutil.h"

#include <algorithm>

namespace tavern::ui {

RoomListModel::RoomListModel(QObject *parent) : ListModel(parent) {}

int RoomListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RoomListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return r.name;
    case RoomIdRole: return r.key;
    case PreviewRole: return r.preview;
    case LastActivityRole: return r.lastActivity;
    case UnreadRole: return r.unread;
    case MentionsRole: return r.mentions;
    case AttentionRole: return r.attention;
    case InitialsRole: return initials(r.name);
    case AvatarColorRole: return avatarColor(r.roomId);
    case MemberCountRole: return r.memberCount;
    default: return {};
    }
}

QHash<int, QByteArray> RoomListModel::roleNames() const
{
    return {{RoomIdRole, "roomId"},           {NameRole, "name"},
            {PreviewRole, "preview"},         {LastActivityRole, "lastActivity"},
            {UnreadRole, "unread"},           {MentionsRole, "mentions"},
            {AttentionRole, "attention"},     {InitialsRole, "initials"},
            {AvatarColorRole, "avatarColor"}, {MemberCountRole, "memberCount"}};
}

void RoomListModel::setFilter(const QString &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    Q_EMIT filterChanged();
    apply();
}

int RoomListModel::unreadTotal() const
{
    return m_unreadTotal;
}

int RoomListModel::indexOf(const QString &roomId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == roomId)
            return i;
    }
    return -1;
}

void RoomListModel::setPreview(Row &r, const client::MessageView &last) const
{
    const QString who = last.author == m_session->username() ? QObject::tr("You") : last.author;
    r.preview = QStringLiteral("%1: %2").arg(who, last.body.simplified().left(200));
    r.lastActivity = std::max(r.lastActivity, fromMs(last.sentMs));
}

RoomListModel::Row RoomListModel::build(const QByteArray &roomId, const QString &name)
{
    client::Session &s = *m_session;
    Row r;
    r.key = toHex(roomId);
    r.roomId = roomId;
    r.name = name;
    const keg::BootKegVersion *v = head(s, roomId);
    if (v) {
        r.memberCount = joinedCount(*v);
        r.lastActivity = fromMs(qint64(v->timestampMs));
    }
    // The newest message and the counts from cheap queries (Session paged reads): a room
    // of any length costs a few index lookups, plus the unread messages' rows.
    m_lastRow.insert(roomId, s.lastMessageRow());
    m_newest.remove(roomId); // learnt on the room's first arrival (not one query per room here)
    if (const auto last = s.lastMessage(roomId))
        setPreview(r, *last);
    const QByteArray marker = lastRead(s, roomId);
    r.unread = s.messageCount(roomId, marker, s.username());
    if (r.unread > 0) {
        for (const client::MessageView &m : s.messagesAfter(roomId, marker, s.username(), MentionScan))
            r.mentions += mentions(m.body, s.username());
    }
    // Attention: a member whose key changed (sending is blocked), or a warning notice newer
    // than the user's last visit to the room (notices are never closed, so "open" means "not
    // yet seen").
    if (v) {
        for (const keg::Member &m : v->members) {
            if (QString::fromUtf8(m.username) != s.username()
                && ui::trustBlocks(s.trust(QString::fromUtf8(m.username))))
                r.attention = true;
        }
    }
    if (!r.attention) {
        const qint64 seen = lastReadAt(s, roomId);
        for (const storage::Notice &n : s.notices(roomId)) {
            if (noticeSeverity(n.kind) == 1 && n.atMs > seen)
                r.attention = true;
        }
    }
    return r;
}

void RoomListModel::refresh()
{
    QList<Row> all;
    m_lastRow.clear();
    m_newest.clear();
    if (m_session) {
        for (const client::RoomSummary &room : m_session->rooms()) {
            if (!room.invited)
                all.append(build(room.roomId, room.name));
        }
    }
    m_all = all;
    apply();
}

void RoomListModel::refreshRoom(const QByteArray &roomId)
{
    if (!m_session)
        return;
    // Listed as Session::rooms() lists it (joined, not revoked), without building every
    // room's summary.
    const keg::Member *me = myMember(*m_session, roomId);
    const bool joined = me && !m_session->isRevoked(roomId) && me->state != keg::InviteState::Invited;
    const QString key = toHex(roomId);
    const auto it = std::find_if(m_all.begin(), m_all.end(), [&](const Row &r) { return r.key == key; });
    if (!joined) {
        if (it == m_all.end())
            return;
        m_all.erase(it); // left, removed, revoked
        m_lastRow.remove(roomId);
        m_newest.remove(roomId);
        return apply();
    }
    const QString name = QString::fromUtf8(head(*m_session, roomId)->name);
    if (it == m_all.end())
        m_all.append(build(roomId, name)); // just joined
    else
        *it = build(roomId, name);
    apply();
}

void RoomListModel::messagesArrived(const QByteArray &roomId)
{
    if (!m_session)
        return;
    const QString key = toHex(roomId);
    const auto it = std::find_if(m_all.begin(), m_all.end(), [&](const Row &r) { return r.key == key; });
    const auto mark = m_lastRow.constFind(roomId);
    if (it == m_all.end() || mark == m_lastRow.constEnd())
        return refreshRoom(roomId);
    const client::Session::MessagePage since = m_session->messagesSince(roomId, *mark);
    m_lastRow.insert(roomId, since.lastRow);
    if (since.messages.isEmpty() && since.changed.isEmpty())
        return;
    const QString me = m_session->username();
    Row r = *it;
    for (const client::MessageView &m : since.messages) {
        if (m.author == me)
            continue;
        ++r.unread;
        r.mentions += mentions(m.body, me);
    }
    // The preview: the room's newest message. When the arrivals end after the message shown
    // so far and change nothing earlier, it is the last of them; else ask (an edit may have
    // changed the shown one, an arrival delivered late is not the newest).
    const auto shown = m_newest.constFind(roomId);
    if (since.changed.isEmpty() && !since.messages.isEmpty() && shown != m_newest.constEnd()
        && since.seqs.back() > *shown) {
        setPreview(r, since.messages.back());
        m_newest.insert(roomId, since.seqs.back());
    } else if (const auto last = m_session->lastMessage(roomId)) {
        setPreview(r, *last);
        if (const auto at = m_session->messageSeq(roomId, last->kegId))
            m_newest.insert(roomId, *at);
    }
    *it = r;
    apply();
}

void RoomListModel::apply()
{
    std::stable_sort(m_all.begin(), m_all.end(), [](const Row &a, const Row &b) {
        if (a.lastActivity != b.lastActivity)
            return a.lastActivity > b.lastActivity;
        return a.name.localeAwareCompare(b.name) < 0;
    });
    QList<Row> shown;
    int total = 0;
    for (const Row &r : m_all) {
        total += r.unread;
        if (m_filter.isEmpty() || r.name.contains(m_filter, Qt::CaseInsensitive))
            shown.append(r);
    }
    syncRows(m_rows, shown);
    if (total != m_unreadTotal) {
        m_unreadTotal = total;
        Q_EMIT unreadTotalChanged();
    }
}

} // namespace tavern::ui
