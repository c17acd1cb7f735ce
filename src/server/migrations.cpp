#include "migrations.h"

namespace tavern::server {

namespace {

// Version 1: users, KegDBs, kegs, boot-keg versions, room members, leave/decline requests.
const char *const V1[] = {
    "CREATE TABLE users (username TEXT PRIMARY KEY, sign_key {blob} NOT NULL, "
    "box_key {blob} NOT NULL, signup_sig {blob} NOT NULL, created_ms BIGINT NOT NULL)",

    "CREATE TABLE dbs (db_id {blob} PRIMARY KEY, kind INTEGER NOT NULL, owner TEXT, peer TEXT, "
    "collection_version BIGINT NOT NULL, created_ms BIGINT NOT NULL)",
    "CREATE INDEX dbs_owner ON dbs (owner)",
    "CREATE INDEX dbs_peer ON dbs (peer)",

    "CREATE TABLE kegs (db_id {blob} NOT NULL, keg_id {blob} NOT NULL, version BIGINT NOT NULL, "
    "author TEXT NOT NULL, keg_type INTEGER NOT NULL, collection_version BIGINT NOT NULL, "
    "deleted INTEGER NOT NULL, data {blob}, PRIMARY KEY (db_id, keg_id))",
    // The sync cursor: one keg per (DB, collectionVersion), read in order.
    "CREATE UNIQUE INDEX kegs_cursor ON kegs (db_id, collection_version)",

    "CREATE TABLE bootkegs (db_id {blob} NOT NULL, version BIGINT NOT NULL, hash {blob} NOT NULL, "
    "signer TEXT NOT NULL, data {blob} NOT NULL, created_ms BIGINT NOT NULL, "
    "PRIMARY KEY (db_id, version))",

    "CREATE TABLE members (db_id {blob} NOT NULL, username TEXT NOT NULL, role INTEGER NOT NULL, "
    "state INTEGER NOT NULL, invited_by TEXT NOT NULL, PRIMARY KEY (db_id, username))",
    "CREATE INDEX members_user ON members (username)",

    "CREATE TABLE requests (db_id {blob} NOT NULL, username TEXT NOT NULL, kind INTEGER NOT NULL, "
    "request {blob} NOT NULL, created_ms BIGINT NOT NULL, PRIMARY KEY (db_id, username))",
};

// Version 2: the kegs table keyed by (keg_id, db_id) instead of (db_id, keg_id). Keg ids are
// time-ordered (docs/decisions.md 11), so with the id first the index grows at its end: a
// group commit of many KegDBs' kegs dirties a page or two of it, where the DB-first key
// dirtied one page per keg (docs/benchmarks.md, bench_server). Lookups always name both.
// From this version on dbs.collection_version is no longer written: a DB's collection version
// is its newest keg's, read through kegs_cursor (one UPDATE per KegDB per commit saved).
const char *const V2[] = {
    "CREATE TABLE kegs_v2 (db_id {blob} NOT NULL, keg_id {blob} NOT NULL, version BIGINT NOT NULL, "
    "author TEXT NOT NULL, keg_type INTEGER NOT NULL, collection_version BIGINT NOT NULL, "
    "deleted INTEGER NOT NULL, data {blob}, PRIMARY KEY (keg_id, db_id))",
    "INSERT INTO kegs_v2 (db_id, keg_id, version, author, keg_type, collection_version, deleted, data) "
    "SELECT db_id, keg_id, version, author, keg_type, collection_version, deleted, data FROM kegs "
    "ORDER BY db_id, collection_version",
    "DROP TABLE kegs",
    "ALTER TABLE kegs_v2 RENAME TO kegs",
    "CREATE UNIQUE INDEX kegs_cursor ON kegs (db_id, collection_version)",
};

QStringList expand(const char *const *begin, const char *const *end, SqlDialect d)
{
    const QString blob = d == SqlDialect::Postgres ? QStringLiteral("BYTEA") : QStringLiteral("BLOB");
    QStringList out;
    for (auto it = begin; it != end; ++it)
        out << QString::fromLatin1(*it).replace(QLatin1String("{blob}"), blob);
    return out;
}

} // namespace

std::vector<QStringList> migrations(SqlDialect dialect)
{
    return {expand(std::begin(V1), std::end(V1), dialect), expand(std::begin(V2), std::end(V2), dialect)};
}

} // namespace tavern::server
