#include "noticemodel.h"

#include "uiutil.h"

#include <QHash>

namespace tavern::ui {

NoticeModel::NoticeModel(QObject *parent) : ListModel(parent) {}

int NoticeModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant NoticeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case SummaryRole: return r.summary;
    case RoomIdRole: return r.roomId;
    case RoomNameRole: return r.roomName;
    case KindRole: return r.kind;
    case SeverityRole: return noticeSeverity(r.kind);
    case EvidenceRole: return r.evidence;
    case TimeRole: return r.time;
    default: return {};
    }
}

QHash<int, QByteArray> NoticeModel::roleNames() const
{
    return {{RoomIdRole, "roomId"},   {RoomNameRole, "roomName"}, {KindRole, "kind"}, {SeverityRole, "severity"},
            {SummaryRole, "summary"}, {EvidenceRole, "evidence"}, {TimeRole, "time"}};
}

void NoticeModel::refresh()
{
    QList<Row> next;
    if (m_session) {
        QHash<QByteArray, QString> names;
        for (const client::RoomSummary &r : m_session->rooms())
            names.insert(r.roomId, r.name);
        for (const storage::Notice &n : m_session->notices()) {
            // Rooms no longer listed (revoked) still have a name in their last head.
            QString name = names.value(n.dbId);
            if (name.isEmpty() && !n.dbId.isEmpty()) {
                if (const keg::BootKegVersion *v = head(*m_session, n.dbId))
                    name = QString::fromUtf8(v->name);
            }
            next.prepend({QString::number(n.id), n.dbId.isEmpty() ? QString() : toHex(n.dbId), name, n.kind, n.summary,
                          n.evidence, fromMs(n.atMs)});
        }
    }
    syncRows(m_rows, next);
}

} // namespace tavern::ui
