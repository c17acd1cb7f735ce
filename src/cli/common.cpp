// tavern-cli: output, errors, opening the session, finding rooms.
#include "cli.h"

#include "storage/keyfile.h"

#include <sodium.h>

#include <QFile>
#include <QJsonDocument>

#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace tavern::cli {

namespace {
// Outbox items queued before this command; failures of later ones are this command's.
qint64 g_outboxMark = 0;
// One line from fd, without its line end, into secure memory; bounded.
Result<crypto::SecureBytes> readSecretLine(int fd)
{
    crypto::SecureBytes buf(storage::KeyFile::MaxPassphraseBytes + 2);
    std::size_t n = 0;
    char c = 0;
    while (n < buf.size() && ::read(fd, &c, 1) == 1 && c != '\n')
        buf.data()[n++] = static_cast<unsigned char>(c);
    sodium_memzero(&c, 1);
    if (n > 0 && buf.data()[n - 1] == '\r')
        --n;
    if (n > storage::KeyFile::MaxPassphraseBytes)
        return Error{int(client::SessionError::Refused), QStringLiteral("The passphrase is too long.")};
    return crypto::SecureBytes::copyOf(buf.view().first(qsizetype(n)));
}

// Asks at the terminal (not stdin, which may carry the account secret), echo off.
Result<crypto::SecureBytes> promptTty(const char *question)
{
    const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return Error{int(client::SessionError::Refused),
                     QStringLiteral("A passphrase is needed and there is no terminal to ask it on: give "
                                    "--passphrase-file FILE (a file only you can read).")};
    (void)!::write(fd, question, std::strlen(question));
    termios old{};
    const bool tty = ::tcgetattr(fd, &old) == 0;
    if (tty) {
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    auto line = readSecretLine(fd);
    if (tty)
        ::tcsetattr(fd, TCSAFLUSH, &old);
    (void)!::write(fd, "\n", 1);
    ::close(fd);
    return line;
}

} // namespace

client::LocalKeyOptions keyOptions(const Args &a)
{
    client::LocalKeyOptions o;
    o.keyFile = a.flag(QStringLiteral("key-file"));
    const QString file = a.option(QStringLiteral("passphrase-file"));
    o.passphrase = [file](bool creating) -> Result<crypto::SecureBytes> {
        if (!file.isEmpty()) {
            const int fd = ::open(QFile::encodeName(file).constData(), O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                return Error{int(client::SessionError::Refused),
                             QStringLiteral("Can't read the passphrase file %1.").arg(file)};
            auto line = readSecretLine(fd);
            ::close(fd);
            return line;
        }
        auto first = promptTty(creating ? "New passphrase for this profile's key file: " : "Passphrase: ");
        if (!first || !creating)
            return first;
        auto again = promptTty("The same passphrase again: ");
        if (!again)
            return again;
        if (!first->equals(again->view()))
            return Error{int(client::SessionError::Refused), QStringLiteral("The two passphrases differ.")};
        return first;
    };
    return o;
}

QString withKeychainHint(const Args &a, const Error &e)
{
    if (e.code != int(client::SessionError::Keychain) || a.flag(QStringLiteral("key-file"))
        || client::Session::usesKeyFile(a.profile) || !e.message.contains(QLatin1String("No keychain")))
        return e.message;
    return e.message
           + QStringLiteral("\nWithout a keychain, opt in to a passphrase-protected key file instead: "
                            "tavern-cli --key-file [--passphrase-file FILE] signup|login ... "
                            "(the key is sealed with Argon2id + XChaCha20-Poly1305 in <profile>/local-key).");
}

int fail(const Args &a, int code, const QString &message)
{
    if (a.json) {
        QJsonObject o{
            {QStringLiteral("ok"), false}, {QStringLiteral("error"), message}, {QStringLiteral("exit"), code}};
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
    } else {
        std::fprintf(stderr, "tavern-cli: %s\n", qPrintable(message));
    }
    return code;
}

void print(const Args &a, const QJsonObject &json, const QString &human)
{
    if (a.json) {
        QJsonObject o = json;
        o.insert(QStringLiteral("ok"), true);
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).append('\n').constData(), stdout);
    } else if (!human.isEmpty()) {
        std::fputs(human.toUtf8().append(human.endsWith(QLatin1Char('\n')) ? "" : "\n").constData(), stdout);
    }
    std::fflush(stdout);
}

std::unique_ptr<client::Session> openSynced(const Args &a, int *exitCode)
{
    auto s = client::Session::open(a.profile, keyOptions(a));
    if (!s) {
        *exitCode = fail(a, ExitFailed, withKeychainHint(a, s.error()));
        return nullptr;
    }
    if (auto items = (*s)->cache().outbox(false); items && !items->empty())
        g_outboxMark = items->back().id;
    (*s)->start();
    if (!(*s)->waitForSync(a.option(QStringLiteral("timeout"), QStringLiteral("20")).toInt() * 1000)) {
        *exitCode = fail(
            a, ExitFailed,
            QStringLiteral("Could not sync with %1. Is tavern-server running there?").arg((*s)->server().toString()));
        return nullptr;
    }
    return std::move(s).value();
}

std::optional<QByteArray> findRoom(client::Session &s, const QString &ref)
{
    std::optional<QByteArray> found;
    for (const client::RoomSummary &r : s.rooms()) {
        const bool match = r.name == ref || (ref.size() >= 4 && client::hex(r.roomId).startsWith(ref.toLower()));
        if (match) {
            if (found)
                return std::nullopt; // ambiguous
            found = r.roomId;
        }
    }
    return found;
}

int finish(const Args &a, client::Session &s, const QJsonObject &json, const QString &human)
{
    if (!s.flushOutbox(a.option(QStringLiteral("timeout"), QStringLiteral("20")).toInt() * 1000))
        return fail(a, ExitFailed,
                    QStringLiteral("Saved locally, but the server has not confirmed it yet; "
                                   "it will be sent the next time Tavern connects."));
    auto failed = s.cache().outbox(false);
    if (failed) {
        for (const auto &item : *failed) {
            if (item.id > g_outboxMark && item.state == storage::OutboxState::Failed)
                return fail(a, ExitFailed, QStringLiteral("The change was refused: %1").arg(item.error));
        }
    }
    print(a, json, human);
    return ExitOk;
}

QString trustName(client::Trust t)
{
    switch (t) {
    case client::Trust::Unverified: return QStringLiteral("unverified");
    case client::Trust::TrustedOnFirstUse: return QStringLiteral("trusted-on-first-use");
    case client::Trust::Verified: return QStringLiteral("verified");
    case client::Trust::KeyChanged: return QStringLiteral("KEY CHANGED");
    case client::Trust::Mismatch: return QStringLiteral("MISMATCH");
    }
    return {};
}

} // namespace tavern::cli
