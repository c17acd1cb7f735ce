// tavern-cli: shared pieces of the command groups (arguments, output, opening the session).
#pragma once

#include "client/session.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace tavern::cli {

// Exit codes (documented in --help): scripts can tell a refusal from a failure.
enum Exit { ExitOk = 0, ExitUsage = 1, ExitFailed = 2, ExitSecurity = 3, ExitNotFound = 4 };

struct Args
{
    QString command;
    QStringList positional;
    QHash<QString, QString> options; // --name value, or --flag -> "1"
    QString profile;
    bool json = false;

    [[nodiscard]] QString option(const QString &name, const QString &fallback = {}) const
    {
        return options.value(name, fallback);
    }
    [[nodiscard]] bool flag(const QString &name) const { return options.contains(name); }
};

int fail(const Args &a, int code, const QString &message);
void print(const Args &a, const QJsonObject &json, const QString &human);

// Where the local key lives: --key-file (opt-in, passphrase from --passphrase-file FILE or
// typed at the terminal), else the keychain. Also used for a profile that has a key file.
client::LocalKeyOptions keyOptions(const Args &a);
// A keychain failure gets the CLI's way out appended (the key-file opt-in).
QString withKeychainHint(const Args &a, const Error &e);

// Opens the profile's session, connects and syncs; prints why not and returns null.
std::unique_ptr<client::Session> openSynced(const Args &a, int *exitCode);
// Finds a room by id (hex, a unique prefix is enough) or by its exact name.
std::optional<QByteArray> findRoom(client::Session &s, const QString &ref);
int finish(const Args &a, client::Session &s, const QJsonObject &json, const QString &human);

int accountCommand(const Args &a);
int roomCommand(const Args &a);
int messageCommand(const Args &a);
int contactCommand(const Args &a);
int keyCommand(const Args &a); // readd, fingerprint (contacts.cpp)

QString trustName(client::Trust t);

} // namespace tavern::cli
