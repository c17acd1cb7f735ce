#include "authservice.h"

#include "common/username.h"
#include "crypto/contexts.h"
#include "crypto/sign.h"
#include "keg/keg.h"
#include "log.h"
#include "protocol/fields.h"
#include "protocol/ops.h"

#include <QCborArray>
#include <QDateTime>
#include <QPointer>

#include <sodium.h>

#include <algorithm>

namespace tavern::server {

using protocol::ErrorCode;
using protocol::Frame;

namespace {
const QString KUsername = QStringLiteral("username");

Result<QString> usernameField(const QCborMap &body)
{
    auto raw = protocol::textField(body, KUsername, 256);
    if (!raw)
        return raw.error();
    auto name = normalizeUsername(*raw);
    if (!name)
        return makeError(ErrorCode::BadUsername, name.error().message);
    return name;
}

Error badDevice(const QString &why)
{
    return makeError(ErrorCode::BadDevice, QStringLiteral("device: %1").arg(why));
}

// A character that has no place in a name shown to people: controls, line and paragraph
// separators, and the bidi overrides and isolates that could make a name display as another.
bool refusedInName(char32_t c)
{
    const auto cat = QChar::category(c);
    if (cat == QChar::Other_Control || cat == QChar::Separator_Line || cat == QChar::Separator_Paragraph
        || cat == QChar::Other_Surrogate)
        return true;
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F;
}

// auth.login's optional `device` map {id: bytes(16), name: text, 1..64 code points}.
Result<DeviceTag> deviceField(const QCborMap &body)
{
    const QCborValue v = body.value(QStringLiteral("device"));
    if (v.isUndefined())
        return DeviceTag{};
    if (!v.isMap())
        return badDevice(QStringLiteral("must be a map {id, name}"));
    const QCborMap m = v.toMap();
    const QCborValue id = m.value(QStringLiteral("id"));
    if (!id.isByteArray() || id.toByteArray().size() != protocol::DeviceIdBytes)
        return badDevice(QStringLiteral("id must be %1 bytes").arg(protocol::DeviceIdBytes));
    const QCborValue nameValue = m.value(QStringLiteral("name"));
    if (!nameValue.isString())
        return badDevice(QStringLiteral("name must be a text string"));
    const QString name = nameValue.toString().trimmed();
    const QList<uint> points = name.toUcs4();
    if (points.isEmpty() || points.size() > protocol::DeviceNameMaxChars)
        return badDevice(QStringLiteral("name must be 1 to %1 characters").arg(protocol::DeviceNameMaxChars));
    for (uint c : points) {
        if (refusedInName(char32_t(c)))
            return badDevice(QStringLiteral("name contains a control, separator or bidi character (U+%1)")
                                 .arg(c, 4, 16, QLatin1Char('0')));
    }
    return DeviceTag{id.toByteArray(), name, 0};
}
} // namespace

void AuthService::addRoutes(Routes &r)
{
    using namespace std::placeholders;
    r.insert(protocol::op::Ping, {true, std::bind(&AuthService::ping, this, _1, _2)});
    r.insert(protocol::op::Signup, {true, std::bind(&AuthService::signup, this, _1, _2)});
    r.insert(protocol::op::Challenge, {true, std::bind(&AuthService::challenge, this, _1, _2)});
    r.insert(protocol::op::Auth, {true, std::bind(&AuthService::login, this, _1, _2)});
    r.insert(protocol::op::UserLookup, {false, std::bind(&AuthService::lookup, this, _1, _2)});
    r.insert(protocol::op::DevicesList, {false, std::bind(&AuthService::listDevices, this, _1, _2)});
}

void AuthService::ping(Connection &c, const Frame &req)
{
    QCborMap body;
    body.insert(QStringLiteral("version"), QStringLiteral(TAVERN_VERSION));
    body.insert(QStringLiteral("authenticated"), c.authenticated());
    c.reply(req, body);
}

void AuthService::signup(Connection &c, const Frame &req)
{
    auto name = usernameField(req.body);
    auto signKey = protocol::bytesField(req.body, QStringLiteral("signKey"), 32, 32);
    auto boxKey = protocol::bytesField(req.body, QStringLiteral("boxKey"), 32, 32);
    auto sig = protocol::bytesField(req.body, QStringLiteral("sig"), 64, 64);
    for (const Error *e : {name ? nullptr : &name.error(), signKey ? nullptr : &signKey.error(),
                           boxKey ? nullptr : &boxKey.error(), sig ? nullptr : &sig.error()}) {
        if (e)
            return c.fail(req, *e);
    }
    if (!crypto::verify(*signKey, crypto::ctx::SignupSig, protocol::signupMessage(*name, *signKey, *boxKey), *sig))
        return c.fail(req, ErrorCode::BadSignature,
                      QStringLiteral("the signup is not signed by the signing key it uploads"));
    const UserRecord user{*name, *signKey, *boxKey, *sig};
    QPointer<Connection> conn(&c);
    m_s.committer.submit(
        [user](Store &s) -> Status {
            auto existing = s.user(user.username);
            if (!existing)
                return internalError(existing.error());
            if (*existing) {
                // A retried signup (same keys) succeeds again; anything else is taken.
                if ((*existing)->signKey == user.signKey && (*existing)->boxKey == user.boxKey)
                    return Ok{};
                return makeError(ErrorCode::UsernameTaken,
                                 QStringLiteral("the username %1 is taken").arg(user.username));
            }
            if (auto r = s.insertUser(user); !r)
                return internalError(r.error());
            DbRecord personal{keg::personalDbId(user.username), DbKind::Personal, user.username, {}, 0};
            if (auto r = s.insertDb(personal); !r)
                return internalError(r.error());
            return Ok{};
        },
        [conn, req, user](const Status &r) {
            if (r)
                logEvent(LogLevel::Info, "user.signup", {{"user", user.username}});
            if (!conn)
                return;
            if (!r)
                return conn->fail(req, r.error());
            QCborMap body;
            body.insert(KUsername, user.username);
            body.insert(QStringLiteral("personalDb"), keg::personalDbId(user.username));
            conn->reply(req, body);
        });
}

void AuthService::challenge(Connection &c, const Frame &req)
{
    if (c.authenticated())
        return c.fail(req, ErrorCode::AlreadyAuthenticated, QStringLiteral("already logged in"));
    auto name = usernameField(req.body);
    if (!name)
        return c.fail(req, name.error());
    auto user = m_s.store.user(*name);
    if (!user)
        return c.fail(req, internalError(user.error()));
    if (!*user)
        return c.fail(req, ErrorCode::UnknownUser, QStringLiteral("no user %1").arg(*name));
    QByteArray nonce(protocol::ChallengeNonceBytes, Qt::Uninitialized);
    randombytes_buf(nonce.data(), size_t(nonce.size()));
    // One outstanding challenge per connection: asking again replaces (and voids) the old one.
    c.challenge() = Challenge{nonce, *name, c.monotonicMs() + m_s.config.limits.challengeTtlMs};
    QCborMap body;
    body.insert(QStringLiteral("nonce"), nonce);
    body.insert(QStringLiteral("ttlMs"), m_s.config.limits.challengeTtlMs);
    c.reply(req, body);
}

void AuthService::login(Connection &c, const Frame &req)
{
    if (c.authenticated())
        return c.fail(req, ErrorCode::AlreadyAuthenticated, QStringLiteral("already logged in"));
    auto name = usernameField(req.body);
    if (!name)
        return c.fail(req, name.error());
    auto nonce = protocol::bytesField(req.body, QStringLiteral("nonce"), protocol::ChallengeNonceBytes,
                                      protocol::ChallengeNonceBytes);
    auto sig = protocol::bytesField(req.body, QStringLiteral("sig"), 64, 64);
    if (!nonce || !sig)
        return c.fail(req, nonce ? sig.error() : nonce.error());
    auto device = deviceField(req.body);
    if (!device)
        return c.fail(req, device.error());
    // Taken out before any check: a challenge is used at most once, even by a failed login.
    const std::optional<Challenge> ch = std::exchange(c.challenge(), std::nullopt);
    if (!ch || ch->nonce != *nonce || ch->username != *name)
        return c.fail(req, ErrorCode::ChallengeUnknown,
                      QStringLiteral("no such challenge on this connection (it is single-use): "
                                     "ask auth.challenge again"));
    if (c.monotonicMs() >= ch->expiresAtMs)
        return c.fail(req, ErrorCode::ChallengeExpired,
                      QStringLiteral("the challenge expired: ask auth.challenge again"));
    auto user = m_s.store.user(*name);
    if (!user)
        return c.fail(req, internalError(user.error()));
    if (!*user)
        return c.fail(req, ErrorCode::UnknownUser, QStringLiteral("no user %1").arg(*name));
    if (!crypto::verify((*user)->signKey, crypto::ctx::AuthChallengeSig, protocol::authMessage(*nonce, *name), *sig)) {
        logEvent(LogLevel::Warn, "auth.failed", {{"conn", QString::number(c.id())}, {"user", *name}});
        return c.fail(req, ErrorCode::AuthFailed,
                      QStringLiteral("the signature does not verify with %1's key").arg(*name));
    }
    if (m_s.hub.count(*name) >= m_s.config.limits.maxConnectionsPerUser)
        return c.fail(req, ErrorCode::TooManyConnections,
                      QStringLiteral("%1 already has %2 connections open")
                          .arg(*name)
                          .arg(m_s.config.limits.maxConnectionsPerUser));
    device->sinceMs = QDateTime::currentMSecsSinceEpoch();
    const QString deviceHex = QString::fromLatin1(device->id.toHex());
    c.setAuthenticated(*name, std::move(*device));
    m_s.hub.add(&c);
    logEvent(LogLevel::Info, "auth.ok", {{"conn", QString::number(c.id())}, {"user", *name}, {"device", deviceHex}});
    QCborMap body;
    body.insert(KUsername, *name);
    body.insert(QStringLiteral("personalDb"), keg::personalDbId(*name));
    c.reply(req, body);
    devicesChanged(*name, &c);
}

void AuthService::devicesChanged(const QString &username, const Connection *except)
{
    // A signal without the list: each recipient's list differs (`current`), and a device
    // that cares asks devices.list.
    if (m_s.hub.anyOnline({username}, except))
        m_s.hub.push({username}, Frame::push(protocol::push::DevicesChanged, {}), except);
}

void AuthService::listDevices(Connection &c, const Frame &req)
{
    // Only the caller's own connections: the hub keys them by the authenticated username.
    QList<Connection *> conns = m_s.hub.connectionsOf(c.username());
    std::sort(conns.begin(), conns.end(), [](const Connection *a, const Connection *b) {
        return std::pair(a->device().sinceMs, a->id()) < std::pair(b->device().sinceMs, b->id());
    });
    QCborArray devices;
    for (const Connection *d : conns) {
        QCborMap e;
        e.insert(QStringLiteral("id"), d->device().id);
        e.insert(QStringLiteral("name"), d->device().name);
        e.insert(QStringLiteral("since"), d->device().sinceMs);
        e.insert(QStringLiteral("current"), d == &c);
        devices.append(e);
    }
    QCborMap body;
    body.insert(QStringLiteral("devices"), devices);
    c.reply(req, body);
}

namespace {
QCborMap userEntry(const UserRecord &u)
{
    QCborMap body;
    body.insert(KUsername, u.username);
    body.insert(QStringLiteral("signKey"), u.signKey);
    body.insert(QStringLiteral("boxKey"), u.boxKey);
    body.insert(QStringLiteral("sig"), u.signupSig);
    return body;
}
} // namespace

void AuthService::lookup(Connection &c, const Frame &req)
{
    // The batched form: a client checks every room member's keys on each sync in one request
    // per page (docs/wire-protocol.md 4.1), not one per member.
    if (req.body.contains(QStringLiteral("usernames"))) {
        const QCborValue list = req.body.value(QStringLiteral("usernames"));
        if (!list.isArray() || list.toArray().size() > m_s.config.limits.maxPageSize)
            return c.fail(req, ErrorCode::BadRequest,
                          QStringLiteral("usernames: an array of at most %1 names").arg(m_s.config.limits.maxPageSize));
        QCborArray users, unknown;
        for (const QCborValue &v : list.toArray()) {
            auto name = normalizeUsername(v.toString());
            if (!v.isString() || !name)
                return c.fail(req, ErrorCode::BadUsername, QStringLiteral("usernames: not a username"));
            auto user = m_s.store.user(*name);
            if (!user)
                return c.fail(req, internalError(user.error()));
            if (*user)
                users.append(userEntry(**user));
            else
                unknown.append(*name);
        }
        QCborMap body;
        body.insert(QStringLiteral("users"), users);
        body.insert(QStringLiteral("unknown"), unknown);
        return c.reply(req, body);
    }
    auto name = usernameField(req.body);
    if (!name)
        return c.fail(req, name.error());
    auto user = m_s.store.user(*name);
    if (!user)
        return c.fail(req, internalError(user.error()));
    if (!*user)
        return c.fail(req, ErrorCode::UnknownUser, QStringLiteral("no user %1").arg(*name));
    c.reply(req, userEntry(**user));
}

} // namespace tavern::server
