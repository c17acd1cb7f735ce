// tavern-server admin reset-user USER: deletes the user's registered keys, their personal
// KegDB (the pin log, sealed to the old identity, which the new one could not open) and
// their pending leave/decline requests, in one transaction. Room histories and boot-keg
// chains are signed data and stay: the rooms keep listing the old keys until an admin
// re-adds the user (`tavern-cli readd`), and every contact's client sees the key change.
// The server must be stopped: it keeps per-DB counters in memory.
#include "admin.h"

#include "common/username.h"
#include "config.h"
#include "keg/keg.h"
#include "log.h"
#include "migrations.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>

#include <cstdio>

namespace tavern::server {

namespace {

const QString Usage = QStringLiteral("usage: tavern-server admin reset-user USER [--yes] [--storage sqlite:PATH | "
                                     "--config FILE]\n");

int usage(const QString &why)
{
    std::fprintf(stderr, "tavern-server admin: %s\n%s", qPrintable(why), qPrintable(Usage));
    return 2;
}

// Runs the statements in one transaction; the first failure rolls everything back.
Result<int> resetUser(QSqlDatabase &db, const QString &user)
{
    QSqlQuery q(db);
    const auto run = [&](const QString &sql, const QVariantList &binds) -> Status {
        if (!q.prepare(sql))
            return Error{1, q.lastError().text()};
        for (const QVariant &b : binds)
            q.addBindValue(b);
        if (!q.exec())
            return Error{1, q.lastError().text()};
        return Ok{};
    };
    if (auto r = run(QStringLiteral("SELECT version FROM schema_version"), {}); !r)
        return r.error();
    const int schema = q.next() ? q.value(0).toInt() : 0;
    if (schema != int(migrations(SqlDialect::Sqlite).size()))
        return Error{1, QStringLiteral("the database has schema version %1, this server expects %2: start the "
                                       "server once to migrate it, stop it, and run this again")
                            .arg(schema)
                            .arg(migrations(SqlDialect::Sqlite).size())};
    if (auto r = run(QStringLiteral("SELECT 1 FROM users WHERE username = ?"), {user}); !r)
        return r.error();
    if (!q.next())
        return 0;
    q.finish();
    if (!db.transaction())
        return Error{1, db.lastError().text()};
    const QByteArray personal = keg::personalDbId(user);
    for (const auto &[sql, bind] :
         {std::pair{QStringLiteral("DELETE FROM kegs WHERE db_id = ?"), QVariant(personal)},
          std::pair{QStringLiteral("DELETE FROM dbs WHERE db_id = ?"), QVariant(personal)},
          std::pair{QStringLiteral("DELETE FROM requests WHERE username = ?"), QVariant(user)},
          std::pair{QStringLiteral("DELETE FROM users WHERE username = ?"), QVariant(user)}}) {
        if (auto r = run(sql, {bind}); !r) {
            db.rollback();
            return r.error();
        }
    }
    if (!db.commit())
        return Error{1, db.lastError().text()};
    return 1;
}

} // namespace

int runAdmin(const QStringList &args)
{
    // argv[0] admin COMMAND USER, then --yes and the server's own --storage/--config flags.
    QStringList positional, forwarded{args.value(0)};
    bool yes = false;
    for (int i = 2; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--yes") || a == QLatin1String("-y"))
            yes = true;
        else if (a.startsWith(QLatin1Char('-')))
            forwarded << a << ((a.contains(QLatin1Char('=')) || i + 1 >= args.size()) ? QString() : args[++i]);
        else
            positional << a;
    }
    forwarded.removeAll(QString());
    if (positional.size() != 2 || positional[0] != QLatin1String("reset-user"))
        return usage(QStringLiteral("expected: reset-user USER"));
    auto name = normalizeUsername(positional[1]);
    if (!name)
        return usage(name.error().message);
    auto parsed = parseConfig(forwarded);
    if (!parsed)
        return usage(parsed.error().message);
    const QString path = parsed->config.sqlitePath();
    if (!yes) {
        std::fprintf(stdout,
                     "This deletes %s's registered keys and personal data on this server, so that the name can be "
                     "signed up again with new keys.\nTheir contacts will see a key change; rooms keep the old keys "
                     "until an admin re-adds them.\nStop the server first. Database: %s\nType the username to "
                     "confirm: ",
                     qPrintable(*name), qPrintable(path));
        std::fflush(stdout);
        QTextStream in(stdin);
        if (in.readLine().trimmed() != *name) {
            std::fprintf(stderr, "tavern-server admin: not confirmed; nothing changed\n");
            return 3;
        }
    }
    if (path.isEmpty() || !QFileInfo(path).isFile()) {
        std::fprintf(stderr, "tavern-server admin: no database at %s\n", qPrintable(path));
        return 1;
    }
    int removed = 0;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("admin"));
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            std::fprintf(stderr, "tavern-server admin: cannot open %s: %s\n", qPrintable(path),
                         qPrintable(db.lastError().text()));
            return 1;
        }
        auto r = resetUser(db, *name);
        db.close();
        if (!r) {
            std::fprintf(stderr, "tavern-server admin: %s\n", qPrintable(r.error().message));
            return 1;
        }
        removed = *r;
    }
    QSqlDatabase::removeDatabase(QStringLiteral("admin"));
    if (!removed) {
        std::fprintf(stderr, "tavern-server admin: no user %s\n", qPrintable(*name));
        return 1;
    }
    logEvent(LogLevel::Info, "admin.reset-user", {{"user", *name}, {"storage", path}});
    std::fprintf(stdout, "%s was reset: the name can be signed up again.\n", qPrintable(*name));
    return 0;
}

} // namespace tavern::server
