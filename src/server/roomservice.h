// Rooms: room.create (signed genesis), bootkeg.get / bootkeg.put (chain-checked against the
// stored head with the same rules clients apply), invitations, leave and decline requests,
// and the membership pushes that follow a new boot-keg version.
#pragma once

#include "services.h"

namespace tavern::server {

struct MembershipChange;

class RoomService
{
public:
    explicit RoomService(Services services) : m_s(services) {}
    void addRoutes(Routes &routes);

private:
    void create(Connection &c, const protocol::Frame &req);
    void getBootKeg(Connection &c, const protocol::Frame &req);
    void putBootKeg(Connection &c, const protocol::Frame &req);
    void listInvitations(Connection &c, const protocol::Frame &req);
    void depart(Connection &c, const protocol::Frame &req, int kind);
    void listRequests(Connection &c, const protocol::Frame &req);

    void pushChange(const MembershipChange &change, const Connection *origin);

    Services m_s;
};

} // namespace tavern::server
