#include "roles.h"

#include <array>

namespace tavern::keg {

namespace {
// Rows: privileges in enum order. Columns: admin, moderator, member, guest.
constexpr std::array<std::array<bool, 4>, std::size_t(Privilege::Count)> Table = {{
    {true, true, true, false},   // Post
    {true, true, false, false},  // Invite
    {true, false, false, false}, // InviteElevated
    {true, true, false, false},  // RedactOthers
    {true, false, false, false}, // RemoveMember
    {true, true, false, false},  // CancelOwnInvite
    {true, true, true, false},   // ProcessDeparture
    {true, false, false, false}, // ChangeRole
    {true, false, false, false}, // ChangeSettings
    {true, false, false, false}, // Rekey
    {true, true, true, true},    // SendReceipt
}};
} // namespace

bool roleAllows(Role role, Privilege p)
{
    if (role >= Role::Count || p >= Privilege::Count)
        return false;
    return Table[std::size_t(p)][std::size_t(role)];
}

QString privilegeName(Privilege p)
{
    switch (p) {
    case Privilege::Post: return QStringLiteral("post messages, edit and delete their own");
    case Privilege::Invite: return QStringLiteral("invite members and guests");
    case Privilege::InviteElevated: return QStringLiteral("invite moderators and admins");
    case Privilege::RedactOthers: return QStringLiteral("remove other people's messages");
    case Privilege::RemoveMember: return QStringLiteral("remove members");
    case Privilege::CancelOwnInvite: return QStringLiteral("cancel their own invitations");
    case Privilege::ProcessDeparture: return QStringLiteral("complete a signed leave or decline");
    case Privilege::ChangeRole: return QStringLiteral("change roles");
    case Privilege::ChangeSettings: return QStringLiteral("change room settings");
    case Privilege::Rekey: return QStringLiteral("start a new room key");
    case Privilege::SendReceipt: return QStringLiteral("send read receipts");
    case Privilege::Count: break;
    }
    return QStringLiteral("unknown privilege");
}

} // namespace tavern::keg
