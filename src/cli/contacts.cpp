// tavern-cli: contacts, safety numbers, verification, key changes.
#include "cli.h"

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
        return fail(a, ExitUsage, QStringLiteral("usage: contacts [show|verify|accept-key-change] USER"));
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
    else
        return fail(a, ExitUsage, QStringLiteral("unknown contacts command '%1'").arg(sub));
    if (!r)
        return fail(a, ExitSecurity, r.error().message);
    print(a, {{QStringLiteral("username"), user}, {QStringLiteral("trust"), trustName(s->trust(user))}},
          QStringLiteral("%1 is now %2.").arg(user, trustName(s->trust(user))));
    return ExitOk;
}

} // namespace tavern::cli
