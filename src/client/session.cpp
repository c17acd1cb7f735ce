// Session: account life cycle (signup, login, open, logout) and start-up from the cache.
#include "session.h"

#include "common/username.h"
#include "crypto/contexts.h"
#include "protocol/ops.h"
#include "storage/keyfile.h"
#include "storage/secretstore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>

#include <sodium.h>

namespace tavern::client {

namespace {

const QString CacheFile = QStringLiteral("cache.sqlite");
const QString KeyFileName = QStringLiteral("local-key");

// Keychain entries are per profile folder, so two profiles (or test runs) never collide.
QString keychainNamespace(const QString &profileDir)
{
    const QByteArray path = QFileInfo(profileDir).absoluteFilePath().toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(path, QCryptographicHash::Sha256).toHex().left(16));
}

Result<QCborMap> blockingRequest(Connection &c, const QString &op, const QCborMap &body)
{
    std::optional<Result<QCborMap>> out;
    QEventLoop loop;
    c.request(op, body, [&](Result<QCborMap> r) {
        out.emplace(std::move(r));
        loop.quit();
    });
    if (!out)
        loop.exec();
    return std::move(*out);
}

// Connects (and logs in when identity is set); returns the connection or why not.
Result<std::unique_ptr<Connection>>
connectBlocking(const QUrl &server, std::shared_ptr<const crypto::Identity> identity, int timeoutMs = 15000)
{
    auto conn = std::make_unique<Connection>(server, std::move(identity));
    QEventLoop loop;
    QString fatal;
    QObject::connect(conn.get(), &Connection::ready, &loop, &QEventLoop::quit);
    QObject::connect(conn.get(), &Connection::fatalError, &loop, [&](const QString &m) {
        fatal = m;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    conn->start();
    loop.exec();
    if (!fatal.isEmpty())
        return Error{int(SessionError::Server), QStringLiteral("The server refused the login: %1").arg(fatal)};
    if (conn->state() != Connection::State::Ready)
        return Error{int(SessionError::Server),
                     QStringLiteral("Could not reach the server at %1. Check the address and that "
                                    "tavern-server is running.")
                         .arg(server.toString())};
    return conn;
}

// The local key from the profile's passphrase-protected key file (creating it on sign-up
// and log-in when the user opted in).
Result<crypto::SecureBytes> keyFromFile(const QString &profileDir, bool create, const LocalKeyOptions &opts)
{
    const QString path = Session::keyFilePath(profileDir);
    const bool exists = storage::KeyFile::exists(path);
    if (!exists && !create)
        return Error{int(SessionError::Keychain),
                     QStringLiteral("The profile's key file %1 is missing. Log in again with your account "
                                    "secret in a new profile.")
                         .arg(path)};
    if (!opts.passphrase)
        return Error{int(SessionError::Keychain),
                     QStringLiteral("This profile's key is in a passphrase-protected key file (%1); a "
                                    "passphrase is needed to open it.")
                         .arg(path)};
    auto pass = opts.passphrase(!exists);
    if (!pass)
        return pass.error();
    if (exists) {
        auto key = storage::KeyFile::read(path, *pass);
        if (!key)
            return Error{int(SessionError::Keychain), key.error().message};
        return key;
    }
    crypto::SecureBytes fresh = crypto::SecureBytes::random(32);
    if (auto w = storage::KeyFile::write(path, fresh, *pass); !w)
        return Error{int(SessionError::Keychain), w.error().message};
    return fresh;
}

// create: make the local key (signup, login); otherwise it must already be there. The key
// file is used when the profile has one or the user opted in; the keychain otherwise, and its
// failure is an error (never a silent fallback to a file).
Result<crypto::SecureBytes> localKey(const QString &profileDir, const QString &username, bool create,
                                     const LocalKeyOptions &opts)
{
    if (!QDir().mkpath(profileDir))
        return Error{int(SessionError::NoAccount),
                     QStringLiteral("Can't create the profile folder %1.").arg(profileDir)};
    if (opts.keyFile || Session::usesKeyFile(profileDir))
        return keyFromFile(profileDir, create, opts);
    const storage::SecretStore store(keychainNamespace(profileDir));
    auto key = create ? store.localKeyBlocking(username) : store.readKeyBlocking(username);
    if (!key && key.code() == int(storage::SecretError::NotFound))
        return Error{int(SessionError::Keychain),
                     QStringLiteral("The keychain holds no key for %1 in this profile (was the keyring "
                                    "reset?). Log in again with your account secret in a new profile.")
                         .arg(username)};
    if (!key)
        return Error{int(SessionError::Keychain), key.error().message};
    return key;
}

Result<std::pair<storage::Vault, std::unique_ptr<storage::Cache>>> openStorage(const QString &profileDir,
                                                                               crypto::SecureBytes key)
{
    auto cache = std::make_unique<storage::Cache>();
    if (auto r = cache->open(QDir(profileDir).filePath(CacheFile)); !r)
        return r.error();
    return std::pair{storage::Vault(std::move(key)), std::move(cache)};
}

Status storeAccount(storage::Cache &cache, const storage::Vault &vault, const QUrl &server, const crypto::Identity &id)
{
    QByteArray secrets = id.signing.secretKey.view().toByteArray() + id.box.secretKey.view().toByteArray();
    const QByteArray sealed = vault.seal("identity", secrets);
    crypto::wipe(secrets);
    return cache.transaction([&]() -> Status {
        for (auto [k, v] : {std::pair{QStringLiteral("username"), id.username.toUtf8()},
                            std::pair{QStringLiteral("server"), server.toString().toUtf8()},
                            std::pair{QStringLiteral("identity"), sealed}}) {
            if (auto r = cache.setMeta(k, v); !r)
                return r;
        }
        return Ok{};
    });
}

Status ensureNoAccount(const QString &profileDir)
{
    if (QFileInfo::exists(QDir(profileDir).filePath(CacheFile)))
        return Error{int(SessionError::Busy), QStringLiteral("The profile %1 already holds an account. Use another "
                                                             "--profile, or log out first.")
                                                  .arg(profileDir)};
    return Ok{};
}

} // namespace

QString hex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex());
}

QString defaultProfileDir()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("default"));
}

Session::Session(QString profileDir, QUrl server, std::shared_ptr<crypto::Identity> identity, storage::Vault vault)
    : m_profileDir(std::move(profileDir)), m_server(std::move(server)), m_identity(std::move(identity)),
      m_vault(std::move(vault))
{
    m_conn = std::make_unique<Connection>(m_server, m_identity, this);
    attachDevices(*m_conn); // the device map for logins, devices.changed (devices.cpp)
    connect(m_conn.get(), &Connection::ready, this, &Session::onReady);
    connect(m_conn.get(), &Connection::pushReceived, this, &Session::onPush);
}

Session::~Session() = default;

Result<QString> Session::signup(const QString &profileDir, const QUrl &server, const QString &username)
{
    return signup(profileDir, server, username, LocalKeyOptions{});
}

Status Session::login(const QString &profileDir, const QUrl &server, const QString &username,
                      const QString &accountSecret)
{
    return login(profileDir, server, username, accountSecret, LocalKeyOptions{});
}

Result<std::unique_ptr<Session>> Session::open(const QString &profileDir)
{
    return open(profileDir, LocalKeyOptions{});
}

QString Session::keyFilePath(const QString &profileDir)
{
    return QDir(profileDir).filePath(KeyFileName);
}

bool Session::usesKeyFile(const QString &profileDir)
{
    return storage::KeyFile::exists(keyFilePath(profileDir));
}

Result<QString> Session::signup(const QString &profileDir, const QUrl &server, const QString &username,
                                const LocalKeyOptions &keyOpts)
{
    auto name = normalizeUsername(username);
    if (!name)
        return name.error();
    if (auto r = ensureNoAccount(profileDir); !r)
        return r.error();
    // The local key first: a missing keychain or a refused passphrase must stop the sign-up
    // before the account exists on the server (its secret would be lost with nowhere to go).
    auto key = localKey(profileDir, *name, true, keyOpts);
    if (!key)
        return key.error();
    crypto::SecureBytes secret = crypto::generateAccountSecret();
    auto id = crypto::deriveIdentity(secret, *name);
    if (!id)
        return id.error();
    auto conn = connectBlocking(server, nullptr);
    if (!conn)
        return conn.error();
    QCborMap body;
    body.insert(QStringLiteral("username"), *name);
    body.insert(QStringLiteral("signKey"), id->signing.publicKey);
    body.insert(QStringLiteral("boxKey"), id->box.publicKey);
    body.insert(QStringLiteral("sig"),
                crypto::sign(id->signing, crypto::ctx::SignupSig,
                             protocol::signupMessage(*name, id->signing.publicKey, id->box.publicKey)));
    auto r = blockingRequest(**conn, protocol::op::Signup, body);
    if (!r)
        return Error{int(SessionError::Server), QStringLiteral("Sign-up failed: %1").arg(r.error().message)};
    auto storage = openStorage(profileDir, std::move(key).value());
    if (!storage)
        return storage.error();
    if (auto s = storeAccount(*storage->second, storage->first, server, *id); !s)
        return s.error();
    return crypto::formatAccountSecret(secret);
}

Status Session::login(const QString &profileDir, const QUrl &server, const QString &username,
                      const QString &accountSecret, const LocalKeyOptions &keyOpts)
{
    auto name = normalizeUsername(username);
    if (!name)
        return name.error();
    if (auto r = ensureNoAccount(profileDir); !r)
        return r;
    auto secret = crypto::parseAccountSecret(accountSecret);
    if (!secret)
        return secret.error();
    auto key = localKey(profileDir, *name, true, keyOpts);
    if (!key)
        return key.error();
    auto id = crypto::deriveIdentity(*secret, *name);
    if (!id)
        return id.error();
    auto shared = std::make_shared<crypto::Identity>(std::move(id).value());
    auto conn = connectBlocking(server, shared); // proves the secret matches the account
    if (!conn)
        return conn.error();
    auto storage = openStorage(profileDir, std::move(key).value());
    if (!storage)
        return storage.error();
    return storeAccount(*storage->second, storage->first, server, *shared);
}

Result<std::unique_ptr<Session>> Session::open(const QString &profileDir, const LocalKeyOptions &keyOpts)
{
    if (!QFileInfo::exists(QDir(profileDir).filePath(CacheFile)))
        return Error{
            int(SessionError::NoAccount),
            QStringLiteral("No account in %1. Run 'tavern-cli signup' or 'tavern-cli login' first.").arg(profileDir)};
    storage::Cache probe;
    if (auto r = probe.open(QDir(profileDir).filePath(CacheFile)); !r)
        return r.error();
    auto user = probe.meta(QStringLiteral("username"));
    auto server = probe.meta(QStringLiteral("server"));
    auto sealed = probe.meta(QStringLiteral("identity"));
    probe.close();
    if (!user || !*user || !server || !*server || !sealed || !*sealed)
        return Error{int(SessionError::NoAccount),
                     QStringLiteral("The profile %1 holds no complete account.").arg(profileDir)};
    const QString name = QString::fromUtf8(**user);
    auto key = localKey(profileDir, name, false, keyOpts);
    if (!key)
        return key.error();
    auto storage = openStorage(profileDir, std::move(key).value());
    if (!storage)
        return storage.error();
    auto secrets = storage->first.openSecret("identity", **sealed);
    if (!secrets || secrets->size() != 96)
        return Error{int(SessionError::Keychain),
                     QStringLiteral("The local key does not open this profile's identity. Log in "
                                    "again with your account secret in a new profile.")};
    auto id = std::make_shared<crypto::Identity>();
    id->username = name;
    id->signing.secretKey = crypto::SecureBytes::copyOf(secrets->view().first(64));
    id->signing.publicKey = secrets->view().sliced(32, 32).toByteArray(); // libsodium: seed || pk
    id->box.secretKey = crypto::SecureBytes::copyOf(secrets->view().sliced(64, 32));
    id->box.publicKey = QByteArray(32, Qt::Uninitialized);
    crypto_scalarmult_base(reinterpret_cast<unsigned char *>(id->box.publicKey.data()), id->box.secretKey.data());
    std::unique_ptr<Session> s(
        new Session(profileDir, QUrl(QString::fromUtf8(**server)), id, std::move(storage->first)));
    if (auto r = s->m_cache.open(QDir(profileDir).filePath(CacheFile)); !r)
        return r.error();
    if (auto r = s->loadRooms(); !r)
        return r.error();
    return s;
}

Status Session::logout(const QString &profileDir)
{
    storage::Cache probe;
    if (auto r = probe.open(QDir(profileDir).filePath(CacheFile)); !r)
        return r;
    auto user = probe.meta(QStringLiteral("username"));
    probe.close();
    if (usesKeyFile(profileDir)) {
        if (auto r = storage::KeyFile::remove(keyFilePath(profileDir)); !r)
            return r;
    } else if (user && *user) {
        if (auto r = storage::SecretStore(keychainNamespace(profileDir)).removeKeyBlocking(QString::fromUtf8(**user));
            !r)
            return r;
    }
    for (const QString &f : {CacheFile, CacheFile + QStringLiteral("-wal"), CacheFile + QStringLiteral("-shm")})
        QFile::remove(QDir(profileDir).filePath(f));
    return Ok{};
}

void Session::start()
{
    m_conn->start();
}

bool Session::waitForSync(int timeoutMs)
{
    if (m_synced)
        return true;
    QEventLoop loop;
    connect(this, &Session::synced, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return m_synced;
}

RoomState *Session::roomFor(const QByteArray &roomId)
{
    auto it = m_rooms.find(roomId);
    return it == m_rooms.end() ? nullptr : it->second.get();
}

const RoomState *Session::room(const QByteArray &roomId) const
{
    auto it = m_rooms.find(roomId);
    return it == m_rooms.end() ? nullptr : it->second.get();
}

} // namespace tavern::client
