// tavern-cli: the scriptable Tavern client. One process per command: it opens the profile,
// syncs, does the one thing, waits until the server has it, and exits with a code that means
// something. Human output by default, --json for scripts.
#include "cli.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using namespace tavern;
using namespace tavern::cli;

namespace {

const char *Usage = R"(tavern-cli [--profile DIR] [--json] COMMAND [ARGS]

Account
  signup USER --server URL      create an account; prints the account secret ONCE
  login USER --server URL       log in on this device (reads the account secret from stdin)
  whoami                        account, server, keys and safety-number fingerprint
  logout                        remove this device's keys and cache
Rooms
  rooms                         rooms and invitations
  create-room NAME [--topic T] [--history shared|since-join]
  invite ROOM USER [--role member|guest|moderator|admin] [--history shared|since-join]
                                --role defaults to member, --history to the room's policy
  invitations                   open invitations, who invited you, who is in the room
  accept ROOM | decline ROOM | leave ROOM
  remove ROOM USER | role ROOM USER ROLE
  settings ROOM [--name N] [--topic T] [--history shared|since-join]
  members ROOM                  members with roles, invite state and trust
  readd ROOM USER [--history shared|since-join]
                                re-add a member whose key changed: removes the old key,
                                invites the new one you accepted (two room versions)
  fingerprint ROOM              the room fingerprint (members, keys, roles; not name/topic)
Messages
  send ROOM TEXT                send (queued first; retried until the server has it)
  read ROOM [--mark-read]       history with #ids, edits, deletions, who read what, missing-
                                message markers and notices; --mark-read sends signed receipts
  edit ROOM MESSAGE TEXT        edit your own message (MESSAGE: its #id from 'read', or 'last')
  delete ROOM MESSAGE           delete your own, or anybody's as a moderator or admin
  watch [ROOM] [--for SECONDS]  stream new messages and notices
  notices [ROOM]                security notices
Contacts
  contacts                      pinned contacts and their trust state
  contacts show USER            safety number
  contacts verify USER          mark verified after comparing safety numbers
  contacts mismatch USER        record that the safety numbers did NOT match (blocks sending
                                in rooms with that key; synced to your other devices)
  contacts accept-key-change USER

Keys
  The profile's local key lives in the OS keychain (gnome-keyring, KWallet, ...). Without
  one, opt in at signup/login with --key-file: the key is kept in PROFILE/local-key,
  encrypted under a passphrase (Argon2id, XChaCha20-Poly1305, mode 0600). The passphrase
  is asked at the terminal, or read from --passphrase-file FILE (first line). Later
  commands on that profile ask for it the same way.

ROOM is a room name or its id (a unique hex prefix is enough).
Profiles: --profile DIR (default: the user's data folder); one account per profile.
Exit codes: 0 ok, 1 usage, 2 failed, 3 refused for security (key changed, tampering), 4 not found.
)";

Args parse(const QStringList &argv)
{
    Args a;
    for (int i = 1; i < argv.size(); ++i) {
        const QString &s = argv[i];
        if (s.startsWith(QLatin1String("--"))) {
            const QString name = s.mid(2);
            static const QStringList flags{QStringLiteral("json"), QStringLiteral("help"), QStringLiteral("key-file"),
                                           QStringLiteral("mark-read")};
            if (flags.contains(name) || i + 1 >= argv.size())
                a.options.insert(name, QStringLiteral("1"));
            else
                a.options.insert(name, argv[++i]);
        } else if (a.command.isEmpty()) {
            a.command = s;
        } else {
            a.positional << s;
        }
    }
    a.json = a.options.contains(QStringLiteral("json"));
    a.profile = a.options.value(QStringLiteral("profile"), client::defaultProfileDir());
    return a;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tavern"));
    QCoreApplication::setOrganizationName(QStringLiteral("tavern"));
    const Args a = parse(app.arguments());
    if (a.command.isEmpty() || a.command == QLatin1String("help") || a.options.contains(QStringLiteral("help"))) {
        std::fputs(Usage, stdout);
        return a.command.isEmpty() && !a.options.contains(QStringLiteral("help")) ? ExitUsage : ExitOk;
    }
    static const QStringList account{QStringLiteral("signup"), QStringLiteral("login"), QStringLiteral("whoami"),
                                     QStringLiteral("logout")};
    static const QStringList messages{QStringLiteral("send"),    QStringLiteral("read"), QStringLiteral("watch"),
                                      QStringLiteral("notices"), QStringLiteral("edit"), QStringLiteral("delete")};
    if (account.contains(a.command))
        return accountCommand(a);
    if (messages.contains(a.command))
        return messageCommand(a);
    if (a.command == QLatin1String("contacts"))
        return contactCommand(a);
    if (a.command == QLatin1String("readd") || a.command == QLatin1String("fingerprint"))
        return keyCommand(a);
    return roomCommand(a);
}
