// tavern-cli: signup, login, whoami, logout.
#include "cli.h"

#include "crypto/safetynumber.h"

#include <QTextStream>

#include <cstdio>

namespace tavern::cli {

namespace {
QString fingerprint(const crypto::Identity &id)
{
    // The user's own half of any safety number: what a contact compares.
    const crypto::PublicIdentity self{id.username, id.signing.publicKey, id.box.publicKey};
    return crypto::safetyNumber(self, self).mid(0, 6).join(QLatin1Char(' '));
}
} // namespace

int accountCommand(const Args &a)
{
    if (a.command == QLatin1String("signup") || a.command == QLatin1String("login")) {
        const QUrl server(a.option(QStringLiteral("server")));
        if (a.positional.size() != 1 || !server.isValid() || server.scheme().isEmpty())
            return fail(a, ExitUsage,
                        QStringLiteral("usage: tavern-cli %1 USER --server ws://HOST:PORT").arg(a.command));
        if (a.command == QLatin1String("signup")) {
            auto secret = client::Session::signup(a.profile, server, a.positional[0], keyOptions(a));
            if (!secret)
                return fail(a, ExitFailed, withKeychainHint(a, secret.error()));
            print(a,
                  {{QStringLiteral("username"), a.positional[0].trimmed().toLower()},
                   {QStringLiteral("accountSecret"), *secret}},
                  QStringLiteral("Account created.\n\nYour account secret:\n\n    %1\n\nWrite it down and keep it "
                                 "safe. It is the only way back into your account on a new device,\nand Tavern "
                                 "will not show it again.")
                      .arg(*secret));
            return ExitOk;
        }
        QTextStream in(stdin);
        if (!a.json)
            std::fputs("Account secret: ", stderr);
        const QString secret = in.readLine();
        auto r = client::Session::login(a.profile, server, a.positional[0], secret, keyOptions(a));
        if (!r)
            return fail(a, ExitFailed, withKeychainHint(a, r.error()));
        print(a, {{QStringLiteral("username"), a.positional[0].trimmed().toLower()}},
              QStringLiteral("Logged in on this device."));
        return ExitOk;
    }
    if (a.command == QLatin1String("logout")) {
        if (auto r = client::Session::logout(a.profile); !r)
            return fail(a, ExitFailed, r.error().message);
        print(a, {}, QStringLiteral("Logged out; this device's keys and cache are gone."));
        return ExitOk;
    }
    // whoami: no network needed.
    auto s = client::Session::open(a.profile, keyOptions(a));
    if (!s)
        return fail(a, s.code() == int(client::SessionError::NoAccount) ? ExitNotFound : ExitFailed,
                    withKeychainHint(a, s.error()));
    const auto &id = (*s)->identity();
    print(a,
          {{QStringLiteral("username"), id.username},
           {QStringLiteral("server"), (*s)->server().toString()},
           {QStringLiteral("signKey"), client::hex(id.signing.publicKey)},
           {QStringLiteral("boxKey"), client::hex(id.box.publicKey)},
           {QStringLiteral("fingerprint"), fingerprint(id)}},
          QStringLiteral("%1 on %2\nfingerprint: %3").arg(id.username, (*s)->server().toString(), fingerprint(id)));
    return ExitOk;
}

} // namespace tavern::cli
