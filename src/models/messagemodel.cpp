#include "messagemodel.h"

#include "uiutil.h"

namespace tavern::ui {

MessageModel::MessageModel(QObject *parent) : ListModel(parent) {}

int MessageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TimelineRow &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case BodyRole: return r.body;
    case KegIdRole: return r.kegId;
    case KindRole: return r.kind;
    case AuthorRole: return r.author;
    case OwnRole: return r.own;
    case TimeRole: return fromMs(r.timeMs);
    case DayLabelRole: return r.dayLabel;
    case FirstInGroupRole: return r.firstInGroup;
    case DeliveryRole: return r.delivery;
    case ErrorRole: return r.error;
    case EditedRole: return r.edited;
    case DeletedRole: return r.deleted;
    case VerifiedRole: return r.verified;
    case SeverityRole: return r.severity;
    case NoticeKindRole: return r.noticeKind;
    case EvidenceRole: return r.evidence;
    case MissingCountRole: return r.missingCount;
    case ActionLabelRole: return r.actionLabel;
    case ActionTargetRole: return r.actionTarget;
    default: return {};
    }
}

QHash<int, QByteArray> MessageModel::roleNames() const
{
    return {{KegIdRole, "kegId"},
            {KindRole, "kind"},
            {AuthorRole, "author"},
            {OwnRole, "own"},
            {BodyRole, "body"},
            {TimeRole, "time"},
            {DayLabelRole, "dayLabel"},
            {FirstInGroupRole, "firstInGroup"},
            {DeliveryRole, "delivery"},
            {ErrorRole, "error"},
            {EditedRole, "edited"},
            {DeletedRole, "deleted"},
            {VerifiedRole, "verified"},
            {SeverityRole, "severity"},
            {NoticeKindRole, "noticeKind"},
            {EvidenceRole, "evidence"},
            {MissingCountRole, "missingCount"},
            {ActionLabelRole, "actionLabel"},
            {ActionTargetRole, "actionTarget"}};
}

bool MessageModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && canLoadOlder();
}

void MessageModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !canLoadOlder() || m_updating || !m_session || m_messages.isEmpty())
        return;
    const QScopedValueRollback<bool> updating(m_updating, true);
    // The page before the window, and the window read again from its first message's place
    // now (it may have moved: an own message echoed by the server).
    const client::Session::MessageSeq from = windowStart();
    client::Session::MessagePage page = m_session->messagesPage(m_roomId, from, PageSize);
    client::Session::MessagePage window = m_session->messagesFrom(m_roomId, from);
    page.messages += window.messages;
    page.seqs += window.seqs;
    page.lastRow = window.lastRow;
    setWindow(std::move(page));
}

client::Session::MessageSeq MessageModel::windowStart() const
{
    // Places only move back (an own message from "unsent, last" to its server position), but
    // take the lower of then and now either way: nothing loaded falls out of the window.
    const auto now = m_session->messageSeq(m_roomId, m_messages.front().kegId);
    return now ? std::min(*now, m_seqs.front()) : m_seqs.front();
}

int MessageModel::totalCount() const
{
    if (!m_session || m_roomId.isEmpty())
        return 0;
    int before = 0; // rows not loaded: older messages and the extras shown with them
    if (m_previous) {
        before = m_session->messageCount(m_roomId) - int(m_messages.size());
        for (const TimelineRow &e : m_extras)
            before += e.timeMs <= m_previous->sentMs;
    }
    return before + int(m_rows.size());
}

QByteArray MessageModel::lastMessageId() const
{
    for (auto it = m_rows.crbegin(); it != m_rows.crend(); ++it) {
        if (it->kind == QLatin1String("message"))
            return fromHex(it->kegId);
    }
    return {};
}

void MessageModel::setRoomId(const QByteArray &roomId)
{
    if (roomId == m_roomId)
        return;
    m_roomId = roomId;
    // Another room: a reset; the newest page only.
    const QScopedValueRollback<bool> updating(m_updating, true);
    const bool older = canLoadOlder();
    beginResetModel();
    m_rows.clear();
    m_messages.clear();
    m_seqs.clear();
    m_previous.reset();
    m_loaded.clear();
    m_lastCounter.clear();
    m_extras.clear();
    m_lastRow = 0;
    if (m_session && !m_roomId.isEmpty()) {
        m_extras = timelineExtras(*m_session, m_roomId);
        setWindow(m_session->messagesPage(m_roomId, {}, PageSize), true);
    }
    endResetModel();
    if (older != canLoadOlder())
        Q_EMIT canLoadOlderChanged();
}

void MessageModel::setWindow(client::Session::MessagePage page, bool inReset)
{
    const bool older = canLoadOlder();
    m_messages = std::move(page.messages);
    m_seqs = std::move(page.seqs);
    m_previous = std::move(page.previous);
    m_lastRow = page.lastRow;
    m_loaded.clear();
    m_lastCounter.clear();
    for (qsizetype i = 0; i < m_messages.size(); ++i) {
        m_loaded.insert(m_messages[i].kegId, i);
        quint64 &c = m_lastCounter[m_messages[i].author];
        c = std::max(c, m_messages[i].counter);
    }
    apply(inReset);
    if (!inReset && older != canLoadOlder())
        Q_EMIT canLoadOlderChanged();
}

void MessageModel::apply(bool inReset)
{
    QHash<QString, QList<quint64>> missing;
    if (m_session) {
        for (auto it = m_lastCounter.cbegin(); it != m_lastCounter.cend(); ++it)
            missing.insert(it.key(), m_session->missingCounters(m_roomId, it.key()));
    }
    const QList<TimelineRow> next =
        composeTimeline(m_session ? m_session->username() : QString(), m_messages, m_previous, m_extras, missing);
    if (inReset)
        m_rows = next;
    else
        syncRows(m_rows, next);
}

void MessageModel::refresh()
{
    if (!m_session || m_roomId.isEmpty()) {
        if (!m_rows.isEmpty() || m_previous)
            setWindow({});
        m_extras.clear();
        return;
    }
    m_extras = timelineExtras(*m_session, m_roomId);
    // The window from its oldest loaded message on (what is loaded stays loaded); the newest
    // page when nothing was loaded.
    setWindow(m_messages.isEmpty() ? m_session->messagesPage(m_roomId, {}, PageSize)
                                   : m_session->messagesFrom(m_roomId, windowStart()));
}

void MessageModel::messagesArrived()
{
    if (!m_session || m_roomId.isEmpty())
        return;
    client::Session::MessagePage since = m_session->messagesSince(m_roomId, m_lastRow);
    for (const QByteArray &changed : since.changed) {
        if (m_loaded.contains(changed))
            return refresh(); // an edit or deletion of a loaded message
    }
    if (since.messages.isEmpty()) {
        m_lastRow = since.lastRow;
        return;
    }
    // The fast path holds when every arrival goes after the window's end, continues its
    // author's chain in the window (no gap marker to place), and no row after the last
    // message is later than it (a notice or system line stays where the full order puts it).
    qsizetype tail = m_rows.size(); // the rows after the last message
    while (tail > 0 && m_rows[tail - 1].kind != QLatin1String("message"))
        --tail;
    QHash<QString, quint64> counters = m_lastCounter;
    client::Session::MessageSeq end = m_seqs.isEmpty() ? client::Session::MessageSeq{} : m_seqs.back();
    bool fast = !m_seqs.isEmpty();
    for (qsizetype i = 0; fast && i < since.messages.size(); ++i) {
        const client::MessageView &m = since.messages[i];
        const auto known = counters.constFind(m.author);
        fast = !m_loaded.contains(m.kegId) && since.seqs[i] > end && known != counters.constEnd()
               && m.counter == *known + 1;
        for (qsizetype k = tail; fast && k < m_rows.size(); ++k)
            fast = m_rows[k].kind != QLatin1String("missing") && m_rows[k].timeMs <= m.sentMs;
        end = since.seqs[i];
        counters[m.author] = m.counter;
    }
    if (!fast) {
        // Inside the window, before it, a new author or a gap: the window again (from its
        // oldest message; arrivals older than the window are left to older pages).
        return refresh();
    }
    const QScopedValueRollback<bool> updating(m_updating, true);
    const QString me = m_session->username();
    QList<TimelineRow> added;
    added.reserve(since.messages.size());
    for (const client::MessageView &m : since.messages) {
        TimelineRow r = messageRow(m, me);
        placeAfter(r, added.isEmpty() ? (m_rows.isEmpty() ? nullptr : &m_rows.back()) : &added.back());
        added.append(std::move(r));
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    m_rows += added;
    for (qsizetype i = 0; i < since.messages.size(); ++i) {
        m_loaded.insert(since.messages[i].kegId, m_messages.size());
        m_messages.append(since.messages[i]);
        m_seqs.append(since.seqs[i]);
    }
    m_lastCounter = counters;
    m_lastRow = since.lastRow;
    endInsertRows();
}

} // namespace tavern::ui
