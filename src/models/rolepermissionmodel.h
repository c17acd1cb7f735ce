// RolePermissionModel: the "What can each role do?" table, one row per privilege, read from
// the one role table the chain rules enforce (keg/roles), so the help never disagrees with
// what the room accepts.
#pragma once

#include <QAbstractListModel>
#include <QQmlEngine>

namespace tavern::ui {

class RolePermissionModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("App.roles is the role table")
public:
    enum Roles { ActionRole = Qt::UserRole + 1, AdminRole, ModeratorRole, MemberRole, GuestRole };
    Q_ENUM(Roles)

    explicit RolePermissionModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
};

} // namespace tavern::ui
