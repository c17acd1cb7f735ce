#include "rolepermissionmodel.h"

#include "keg/roles.h"

namespace tavern::ui {

RolePermissionModel::RolePermissionModel(QObject *parent) : QAbstractListModel(parent) {}

int RolePermissionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(keg::Privilege::Count);
}

QVariant RolePermissionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto p = keg::Privilege(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case ActionRole: {
        // privilegeName is lower-case prose for sentences; a table row starts with a capital.
        QString name = keg::privilegeName(p);
        if (!name.isEmpty())
            name[0] = name[0].toUpper();
        return name;
    }
    case AdminRole: return keg::roleAllows(keg::Role::Admin, p);
    case ModeratorRole: return keg::roleAllows(keg::Role::Moderator, p);
    case MemberRole: return keg::roleAllows(keg::Role::Member, p);
    case GuestRole: return keg::roleAllows(keg::Role::Guest, p);
    default: return {};
    }
}

QHash<int, QByteArray> RolePermissionModel::roleNames() const
{
    return {{ActionRole, "action"},
            {AdminRole, "admin"},
            {ModeratorRole, "moderator"},
            {MemberRole, "member"},
            {GuestRole, "guest"}};
}

} // namespace tavern::ui
