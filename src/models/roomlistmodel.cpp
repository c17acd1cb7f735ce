#include "roomlistmodel.h"

#include "uiutil.h"

#include <algorithm>

namespace tavern::ui {

RoomListModel::RoomListModel(QObject *parent) : ListModel(parent) {}

int RoomListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

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
    return {{RoomIdRole, "roomId"},       {NameRole, "name"},         {PreviewRole, "preview"},
            {LastActivityRole, "lastActivity"}, {UnreadRole, "unread"}, {MentionsRole, "mentions"},
            {AttentionRole, "attention"}, {InitialsRole, "initials"}, {AvatarColorRole, "avatarColor"},
            {MemberCountRole, "memberCount"}};
}

void RoomListModel::setFilter(const QString &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    Q_EMIT filterChanged();
    apply();
}

int RoomListModel::unreadTotal() const { return m_unreadTotal; }

int RoomListModel::indexOf(const QString &roomId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].key == roomId)
            return i;
    }
    return -1;
}

RoomListModel::Row RoomListModel::build(const QByteArray &roomId, const QString &name) const
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
    // Sessions::messages decrypts the whole room; the room list needs only its tail, but the
    // engine has no cheaper read (yet), and refreshRoom keeps this to the room that changed.
    const QList<client::MessageView> messages = s.messages(roomId);
    if (!messages.isEmpty()) {
        const client::MessageView &last = messages.back();
        const QString who = last.author == s.username() ? QObject::tr("You") : last.author;
        r.preview = QStringLiteral("%1: %2").arg(who, last.body.simplified().left(200));
        r.lastActivity = std::max(r.lastActivity, fromMs(last.sentMs));
    }
    const UnreadCount c = countUnread(messages, lastRead(s, roomId), s.username());
    r.unread = c.unread;
    r.mentions = c.mentions;
    // Attention: a member whose key changed (sending is blocked), or a warning notice newer
    // than the user's last visit to the room (notices are never closed, so "open" means "not
    // yet seen").
    if (v) {
        for (const keg::Member &m : v->members) {
            if (QString::fromUtf8(m.username) != s.username()
                && s.trust(QString::fromUtf8(m.username)) == client::Trust::KeyChanged)
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
    const QString key = toHex(roomId);
    for (Row &r : m_all) {
        if (r.key == key) {
            r = build(roomId, r.name);
            return apply();
        }
    }
    refresh(); // a room we did not list yet (just joined)
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
