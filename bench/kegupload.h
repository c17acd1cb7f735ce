// uploadKegs: the benchmarks' fast way to fill a room: encoded kegs sent with keg.put in
// pipelined batches (100 per request, 8 requests in flight) over a Session's connection.
#pragma once

#include "client/session.h"

#include <vector>

namespace tavern::bench {

// False (and why) on the first refusal.
[[nodiscard]] bool uploadKegs(client::Session &s, const QByteArray &dbId, const std::vector<QByteArray> &kegs,
                              QString *why);

} // namespace tavern::bench
