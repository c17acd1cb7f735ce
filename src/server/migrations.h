// Schema migrations, shared by every SQL backend. Statements are written in the SQL that
// SQLite and PostgreSQL both accept; the only dialect difference, the binary column type,
// is the {blob} placeholder. Append migrations; never edit one that has shipped.
#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace tavern::server {

enum class SqlDialect { Sqlite, Postgres };

// migrations()[i] brings the schema from version i to i + 1.
[[nodiscard]] std::vector<QStringList> migrations(SqlDialect dialect);

} // namespace tavern::server
