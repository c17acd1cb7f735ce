// The role table: one place that says what each role may do. Clients, the server and the
// reference model in the property test all read it from here. Documented in docs/protocol.md.
#pragma once

#include "bootkeg.h"

namespace tavern::keg {

enum class Privilege {
    Post,             // write messages, edit and delete one's own messages
    Invite,           // invite someone as member or guest
    InviteElevated,   // invite someone as moderator or admin
    RedactOthers,     // remove other people's messages
    RemoveMember,     // remove a joined member (rekeys)
    CancelOwnInvite,  // withdraw an invitation one made that is not yet accepted
    ProcessDeparture, // write the version that carries someone's signed leave/decline
    ChangeRole,
    ChangeSettings, // name, topic, history policy
    Rekey,          // start a new key generation without a membership change
    SendReceipt,    // signed read receipts (guests too: they read)
    Count
};

[[nodiscard]] bool roleAllows(Role role, Privilege p);
[[nodiscard]] QString privilegeName(Privilege p);

} // namespace tavern::keg
