// Operator commands run against a stopped server's database: `tavern-server admin ...`.
// Today one: reset-user, so a user who lost their account secret can sign up again under
// the same name (docs/server.md, "Resetting an account").
#pragma once

#include <QStringList>

namespace tavern::server {

// args as main() got them (argv[0], "admin", ...). Returns the process exit code:
// 0 done, 1 failed (no such user, database error), 2 bad usage, 3 not confirmed.
[[nodiscard]] int runAdmin(const QStringList &args);

} // namespace tavern::server
