#include "messagemodel.h"

#include "uiutil.h"

namespace tavern::ui {

MessageModel::MessageModel(QObject *parent) : ListModel(parent) {}

int MessageModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

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
    return {{KegIdRole, "kegId"},       {KindRole, "kind"},         {AuthorRole, "author"},
            {OwnRole, "own"},           {BodyRole, "body"},         {TimeRole, "time"},
            {DayLabelRole, "dayLabel"}, {FirstInGroupRole, "firstInGroup"}, {DeliveryRole, "delivery"},
            {ErrorRole, "error"},       {EditedRole, "edited"},     {DeletedRole, "deleted"},
            {VerifiedRole, "verified"}, {SeverityRole, "severity"}, {NoticeKindRole, "noticeKind"},
            {EvidenceRole, "evidence"}, {MissingCountRole, "missingCount"}, {ActionLabelRole, "actionLabel"},
            {ActionTargetRole, "actionTarget"}};
}

bool MessageModel::canFetchMore(const QModelIndex &parent) const { return !parent.isValid() && m_start > 0; }

void MessageModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_start <= 0 || m_updating)
        return;
    const QScopedValueRollback<bool> updating(m_updating, true);
    const int n = std::min(PageSize, m_start);
    beginInsertRows({}, 0, n - 1);
    m_rows = m_all.mid(m_start - n, n) + m_rows;
    endInsertRows();
    setStart(m_start - n);
}

QByteArray MessageModel::lastMessageId() const
{
    for (auto it = m_all.crbegin(); it != m_all.crend(); ++it) {
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
    beginResetModel();
    m_all = m_session && !m_roomId.isEmpty() ? buildTimeline(*m_session, m_roomId) : QList<TimelineRow>{};
    m_start = std::max(0, int(m_all.size()) - PageSize);
    m_rows = m_all.mid(m_start);
    endResetModel();
    Q_EMIT canLoadOlderChanged();
}

void MessageModel::refresh()
{
    m_all = m_session && !m_roomId.isEmpty() ? buildTimeline(*m_session, m_roomId) : QList<TimelineRow>{};
    // Keep the oldest loaded row as the window's start, so what is loaded stays loaded and
    // new rows join at the end; when it is gone, keep as many rows as were loaded.
    int start = -1;
    if (!m_rows.isEmpty()) {
        for (int i = 0; i < m_all.size() && start < 0; ++i) {
            if (m_all[i].key == m_rows.front().key)
                start = i;
        }
    }
    if (start < 0)
        start = std::max(0, int(m_all.size()) - std::max(PageSize, int(m_rows.size())));
    syncRows(m_rows, m_all.mid(start));
    setStart(start);
}

void MessageModel::setStart(int start)
{
    const bool before = canLoadOlder();
    m_start = start;
    if (before != canLoadOlder())
        Q_EMIT canLoadOlderChanged();
}

} // namespace tavern::ui
