// signup, auth.challenge, auth.login, user.lookup, devices.list and ping. A device proves it
// holds the user's Ed25519 key by signing a fresh, single-use, expiring nonce bound to its
// connection.
#pragma once

#include "services.h"

namespace tavern::server {

class AuthService
{
public:
    explicit AuthService(Services services) : m_s(services) {}
    void addRoutes(Routes &routes);
    // devices.changed to every logged-in connection of the user except `except` (one that
    // just logged in, or one that is closing).
    void devicesChanged(const QString &username, const Connection *except);

private:
    void ping(Connection &c, const protocol::Frame &req);
    void signup(Connection &c, const protocol::Frame &req);
    void challenge(Connection &c, const protocol::Frame &req);
    void login(Connection &c, const protocol::Frame &req);
    void lookup(Connection &c, const protocol::Frame &req);
    void listDevices(Connection &c, const protocol::Frame &req);

    Services m_s;
};

} // namespace tavern::server
