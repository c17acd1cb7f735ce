#include "membership.h"

namespace tavern::server {

QString departureName(keg::DepartureKind kind)
{
    switch (kind) {
    case keg::DepartureKind::Removed: return QStringLiteral("removed");
    case keg::DepartureKind::Left: return QStringLiteral("left");
    case keg::DepartureKind::Declined: return QStringLiteral("declined");
    case keg::DepartureKind::Cancelled: return QStringLiteral("cancelled");
    case keg::DepartureKind::Count: break;
    }
    return QStringLiteral("removed");
}

MembershipChange diffMembership(const QByteArray &dbId, const keg::SignedBootKeg *prev, const keg::SignedBootKeg &next)
{
    MembershipChange c;
    // Deep copy: a decoded version's fields are views into its body (bootkeg.h), and this
    // change outlives the version it came from.
    c.dbId = QByteArray(dbId.constData(), dbId.size());
    c.version = next.version().version;
    c.data = next.encode();
    for (const keg::Member &m : next.version().members) {
        const QString name = QString::fromUtf8(m.username);
        c.rows.push_back(MemberRecord{c.dbId, name, int(m.role), int(m.state), QString::fromUtf8(m.invitedBy), -1});
        const keg::Member *before = prev ? prev->version().member(m.username) : nullptr;
        if (m.state == keg::InviteState::Joined) {
            c.joined << name;
            if (before && before->state == keg::InviteState::Invited)
                c.accepted << name;
        } else {
            c.invited << name;
        }
        if (before && before->role != m.role)
            c.roleChanged.emplace_back(name, m.role);
    }
    if (prev) {
        for (const keg::Member &m : prev->version().members) {
            if (next.version().member(m.username))
                continue;
            const keg::Departure *d = next.version().departureOf(m.username);
            c.removed.emplace_back(QString::fromUtf8(m.username), d ? d->kind : keg::DepartureKind::Removed);
        }
    }
    return c;
}

} // namespace tavern::server
