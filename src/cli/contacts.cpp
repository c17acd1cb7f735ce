// tavern-cli: contacts, safety numbers, verification, key changes.
#include "cli.h"

#include "client/keytrust.h"
#include "crypto/safetynumber.h"

namespace tavern::cli {

int contactCommand(const Args &a)
{
    int code = ExitOk;
    auto s = openSynced(a, &code);
    if (!s)
        return code;
    const QString sub = a.positional.value(0);
    if (sub.isEmpty()) {
        auto rows = s->cache().select(QStringLiteral("SELECT username, trust FROM contacts ORDER BY username"));
        QJsonArray arr;
        QStringList lines;
        for (const auto &r : rows ? *rows : std::vector<std::vector<QVariant>>{}) {
            const QString t = trustName(client::Trust(r[1].toInt()));
            arr.append(QJsonObject{{QStringLiteral("username"), r[0].toString()}, {QStringLiteral("trust"), t}});
            lines << QStringLiteral("%1  [%2]").arg(r[0].toString().leftJustified(16), t);
        }
        print(a, {{QStringLiteral("contacts"), arr}},
              lines.isEmpty() ? QStringLiteral("No contacts yet.") : lines.join(QLatin1Char('\n')));
        return ExitOk;
    }
    if (a.positional.size() != 2)
        return fail(a, ExitUsage, QStringLiteral("usage: contacts [show|verify|mismatch|accept-key-change] USER"));
    const QString user = a.positional[1].trimmed().toLower();
    if (sub == QLatin1String("show")) {
        auto pinned = s->pinnedContact(user);
        if (!pinned) {
            auto looked = s->lookupContact(user);
            if (!looked)
                return fail(a, ExitNotFound, looked.error().message);
            pinned = s->pinnedContact(user);
        }
        const auto &me = s->identity();
        const QStringList number = crypto::safetyNumber({me.username, me.signing.publicKey, me.box.publicKey}, *pinned);
        const client::Trust t = s->trust(user);
        QString human = QStringLiteral("%1  [%2]\nsafety number:\n  %3\n  %4\n  %5")
                            .arg(user, trustName(t), number.mid(0, 4).join(QLatin1Char(' ')),
                                 number.mid(4, 4).join(QLatin1Char(' ')), number.mid(8, 4).join(QLatin1Char(' ')));
        if (t == client::Trust::KeyChanged)
            human += QStringLiteral("\n%1's key CHANGED. Compare the new safety number with them, then run "
                                    "'contacts accept-key-change %1'.")
                         .arg(user);
        if (t == client::Trust::Mismatch)
            human += QStringLiteral("\nThis safety number did NOT match when you compared it: someone may be in "
                                    "between you and %1. Sending is blocked in rooms with this key; compare again "
                                    "('contacts verify %1' if it matches now) or ask an admin to remove %1.")
                         .arg(user);
        print(a,
              {{QStringLiteral("username"), user},
               {QStringLiteral("trust"), trustName(t)},
               {QStringLiteral("safetyNumber"), number.join(QLatin1Char(' '))}},
              human);
        return ExitOk;
    }
    Status r = Ok{};
    if (sub == QLatin1String("verify"))
        r = s->markVerified(user);
    else if (sub == QLatin1String("accept-key-change"))
        r = s->acceptKeyChange(user);
    else if (sub == QLatin1String("mismatch"))
        r = s->keyTrust().markMismatch(user);
    else
        return fail(a, ExitUsage, QStringLiteral("unknown contacts command '%1'").arg(sub));
    if (!r)
        return fail(a, ExitSecurity, r.error().message);
    print(a, {{QStringLiteral("username"), user}, {QStringLiteral("trust"), trustName(s->trust(user))}},
          QStringLiteral("%1 is now %2.").arg(user, trustName(s->trust(user))));
    return ExitOk;
}

// readd ROOM USER [--history shared|since-join]; fingerprint ROOM.
int keyCommand(const Args &a)
{
    int code = ExitOk;
    auto s = openSynced(a, &code);
    if (!s)
        return code;
    const bool readd = a.command == QLatin1String("readd");
    if (a.positional.size() != (readd ? 2 : 1))
        return fail(a, ExitUsage,
                    readd ? QStringLiteral("usage: readd ROOM USER [--history shared|since-join]")
                          : QStringLiteral("usage: fingerprint ROOM"));
    auto room = findRoom(*s, a.positional[0]);
    if (!room)
        return fail(a, ExitNotFound, QStringLiteral("No room '%1'.").arg(a.positional[0]));
    if (!readd) {
        const QString fp = s->keyTrust().roomFingerprint(*room).join(QLatin1Char(' '));
        print(a, {{QStringLiteral("room"), QString::fromLatin1(room->toHex())}, {QStringLiteral("fingerprint"), fp}},
              QStringLiteral("room fingerprint (members, keys and roles; compare it with the others in the "
                             "room):\n  %1")
                  .arg(fp));
        return ExitOk;
    }
    std::optional<keg::HistoryPolicy> history;
    if (a.flag(QStringLiteral("history"))) {
        const QString h = a.option(QStringLiteral("history"));
        if (h != QLatin1String("shared") && h != QLatin1String("since-join"))
            return fail(a, ExitUsage, QStringLiteral("--history is shared or since-join"));
        history = h == QLatin1String("shared") ? keg::HistoryPolicy::Shared : keg::HistoryPolicy::SinceJoin;
    }
    const QString user = a.positional[1].trimmed().toLower();
    if (auto r = s->keyTrust().readd(*room, user, history); !r)
        return fail(a, r.code() == int(client::SessionError::KeyChanged) ? ExitSecurity : ExitFailed,
                    r.error().message);
    return finish(a, *s, {{QStringLiteral("readded"), user}},
                  QStringLiteral("%1 was removed with the old key and invited with the new one.").arg(user));
}

} // namespace tavern::cli
