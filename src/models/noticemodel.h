// NoticeModel: every security notice this device stored, newest first, across all rooms
// (the "security log" view); the conversation shows a room's own notices inline.
#pragma once

#include "listmodel.h"

#include <QDateTime>

namespace tavern::ui {

class NoticeModel : public ListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.notices is the one notice list")
public:
    enum Roles {
        RoomIdRole = Qt::UserRole + 1,
        RoomNameRole,
        KindRole,
        SeverityRole,
        SummaryRole,
        EvidenceRole,
        TimeRole,
    };
    Q_ENUM(Roles)

    explicit NoticeModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    void refresh() override;

private:
    struct Row
    {
        QString key; // notice id
        QString roomId;
        QString roomName;
        QString kind;
        QString summary;
        QString evidence;
        QDateTime time;
        bool operator==(const Row &) const = default;
    };
    QList<Row> m_rows;
};

} // namespace tavern::ui
