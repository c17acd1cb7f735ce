// What every request handler gets: configuration, storage, the group committer and the
// hub of online connections, plus the route table type.
#pragma once

#include "committer.h"
#include "config.h"
#include "connection.h"
#include "hub.h"
#include "store.h"

#include <QHash>

#include <functional>

namespace tavern::server {

struct Services
{
    const Config &config;
    Store &store;
    Committer &committer;
    Hub &hub;
};

using Handler = std::function<void(Connection &, const protocol::Frame &)>;

struct Route
{
    bool anonymous = false; // allowed before login
    Handler handler;
};

using Routes = QHash<QString, Route>;

// A storage failure as the client sees it: internal, never acknowledged.
[[nodiscard]] Error internalError(const Error &storeError);

} // namespace tavern::server
