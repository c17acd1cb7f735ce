// InvitationModel: the open invitations of this user — who invited them (and how far this
// device trusts the inviter), the room, its first members and the history offered.
#pragma once

#include "listmodel.h"

namespace tavern::ui {

class InvitationModel : public ListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.invitations is the one invitation list")
public:
    enum Roles {
        RoomIdRole = Qt::UserRole + 1,
        RoomNameRole,
        InviterRole,
        InviterTrustRole,
        MemberNamesRole,
        MemberCountRole,
        HistoryRole,
        ExpiredRole, // a possibly replayed invitation (the room is held): shown, not acceptable
    };
    Q_ENUM(Roles)

    explicit InvitationModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    void refresh() override;
    Q_INVOKABLE int indexOf(const QString &roomId) const;

private:
    struct Row
    {
        QString key; // room id, hex
        QString roomName;
        QString inviter;
        int inviterTrust = 0;
        QStringList memberNames;
        int memberCount = 0;
        int history = 0;
        bool expired = false;
        bool operator==(const Row &) const = default;
    };
    QList<Row> m_rows;
};

} // namespace tavern::ui
