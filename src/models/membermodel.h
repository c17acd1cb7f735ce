// MemberModel: the members of the current room, grouped admins, moderators, members, guests,
// then the invited; with trust and what *this* user may do to each of them (the role table).
#pragma once

#include "listmodel.h"

namespace tavern::ui {

class MemberModel : public ListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.members follows App.currentRoomId")
public:
    enum Roles {
        UsernameRole = Qt::UserRole + 1,
        RoleRole,
        RoleNameRole,
        SectionRole,
        InvitedRole,
        TrustRole,
        IsMeRole,
        CanChangeRoleRole,
        CanRemoveRole,
    };
    Q_ENUM(Roles)

    explicit MemberModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    void setRoomId(const QByteArray &roomId);
    [[nodiscard]] QByteArray roomId() const { return m_roomId; }
    void refresh() override;
    Q_INVOKABLE int indexOf(const QString &username) const;

private:
    struct Row
    {
        QString key; // username
        int role = 2;
        QString section;
        bool invited = false;
        int trust = 0;
        bool isMe = false;
        bool canChangeRole = false;
        bool canRemove = false;
        bool operator==(const Row &) const = default;
    };
    QList<Row> m_rows;
    QByteArray m_roomId;
};

} // namespace tavern::ui
