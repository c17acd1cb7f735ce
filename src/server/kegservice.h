// KegDBs and kegs: db.list, db.dm.create, keg.put / get / list / delete. Writes go through
// the group committer; pushes follow the commit.
#pragma once

#include "services.h"

namespace tavern::server {

class KegService
{
public:
    explicit KegService(Services services) : m_s(services) {}
    void addRoutes(Routes &routes);

private:
    void listDbs(Connection &c, const protocol::Frame &req);
    void createDm(Connection &c, const protocol::Frame &req);
    void put(Connection &c, const protocol::Frame &req);
    void get(Connection &c, const protocol::Frame &req);
    void list(Connection &c, const protocol::Frame &req);
    void remove(Connection &c, const protocol::Frame &req);

    // After a commit: one "keg" push per stored keg to every other online device.
    void pushKegs(const QByteArray &dbId, const std::vector<KegRecord> &kegs, const Connection *origin);

    Services m_s;
};

// The wire form of a stored keg (keg.get, keg.list and the "keg" push).
[[nodiscard]] QCborMap kegToCbor(const KegRecord &k);

} // namespace tavern::server
