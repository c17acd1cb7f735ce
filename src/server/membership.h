// What a new boot-keg version changes in who may see a room, computed from the previous
// and the new version's member lists; the server turns it into member rows and pushes.
#pragma once

#include "keg/bootkeg.h"
#include "store.h"

#include <QStringList>

#include <vector>

namespace tavern::server {

struct MembershipChange
{
    QByteArray dbId;
    quint64 version = 0;
    QByteArray data;                // the new version's wire bytes
    QStringList joined;             // joined members after the change (pushes go here)
    std::vector<MemberRecord> rows; // member rows after the change
    QStringList invited;            // invitees after the change (each gets the new head)
    QStringList accepted;           // invited before, joined now
    std::vector<std::pair<QString, keg::DepartureKind>> removed;
    std::vector<std::pair<QString, keg::Role>> roleChanged;
};

// prev may be null for a genesis.
[[nodiscard]] MembershipChange diffMembership(const QByteArray &dbId, const keg::SignedBootKeg *prev,
                                              const keg::SignedBootKeg &next);

[[nodiscard]] QString departureName(keg::DepartureKind kind);

} // namespace tavern::server
