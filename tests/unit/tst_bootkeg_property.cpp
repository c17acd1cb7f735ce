// Property test of the boot-keg chain rules (threat model, "Bad input and faults"): long
// seeded sequences of room operations, valid and invalid, each signed by a random user.
// Candidates are built by hand (nextFrame + sign), never by the builder, and a small
// reference model written from the role table in roles.cpp (not from chainrules.cpp)
// decides whether each must be accepted. Accepted versions advance model and chain alike.
#include "bootkegfixture.h"

#include "crypto/aead.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <array>
#include <numeric>
#include <optional>

using namespace tavern;
using namespace tavern::testing;

namespace {

constexpr quint32 Seeds = 32;
constexpr int OpsPerSeed = 300;

enum class Kind { Invite, Accept, Depart, Remove, Cancel, SetRole, Settings, Rekey, Count };
constexpr std::array<const char *, std::size_t(Kind::Count)> KindNames = {
    "invite", "accept", "leave/decline", "remove", "cancel", "role change", "settings", "rekey"};

// One attempted change: what the candidate version does, deliberate faults included.
struct Op
{
    Kind kind = Kind::Invite;
    QString signer, target;
    Role role = Role::Member;
    HistoryPolicy history = HistoryPolicy::Shared;
    bool newGen = false, wrap = true;
    bool asJoined = false, otherInviter = false, leakHistory = false; // invite faults
    bool extra = false;                                               // accept that also edits the topic
    bool forged = false, wrongKind = false, futureRequest = false;    // departure-request faults
    QString name = {}, topic = {};
    HistoryPolicy policy = HistoryPolicy::Shared;

    QString describe() const
    {
        return QStringLiteral("%1 by %2 of '%3' as %4 (%5) gen/wrap/faults=%6%7/%8%9%10%11%12%13%14")
            .arg(QString::fromLatin1(KindNames[std::size_t(kind)]), signer, target, roleName(role),
                 historyName(history))
            .arg(newGen)
            .arg(wrap)
            .arg(asJoined)
            .arg(otherInviter)
            .arg(leakHistory)
            .arg(extra)
            .arg(forged)
            .arg(wrongKind)
            .arg(futureRequest);
    }
};

// ---- The reference model: plain data and the role table as documented in roles.cpp.
struct ModelMember
{
    Role role = Role::Member;
    bool joined = false;
    QString inviter;
    HistoryPolicy history = HistoryPolicy::Shared;
};

struct Model
{
    std::map<QString, ModelMember> members;
    QString name = QStringLiteral("room"), topic;
    HistoryPolicy policy = HistoryPolicy::Shared;

    void apply(const Op &op)
    {
        switch (op.kind) {
        case Kind::Invite: members[op.target] = {op.role, op.asJoined, op.signer, op.history}; break;
        case Kind::Accept: members[op.target].joined = true; break;
        case Kind::Depart:
        case Kind::Remove:
        case Kind::Cancel: members.erase(op.target); break;
        case Kind::SetRole: members[op.target].role = op.role; break;
        case Kind::Settings:
            name = op.name;
            topic = op.topic;
            policy = op.policy;
            break;
        case Kind::Rekey:
        case Kind::Count: break;
        }
    }

    int joinedAdmins() const
    {
        return int(std::count_if(members.begin(), members.end(),
                                 [](const auto &e) { return e.second.joined && e.second.role == Role::Admin; }));
    }

    bool allowed(const Op &op) const
    {
        const auto s = members.find(op.signer);
        if (s == members.end())
            return false;      // a non-member may do nothing
        if (!s->second.joined) // an invitee may only accept its own invitation, nothing else
            return op.kind == Kind::Accept && op.target == op.signer && !op.extra;
        const Role r = s->second.role;
        const bool admin = r == Role::Admin, moderator = r == Role::Moderator;
        Model after = *this;
        after.apply(op);
        if (after.joinedAdmins() == 0)
            return false; // no version may leave zero joined admins
        const auto t = members.find(op.target);
        switch (op.kind) {
        case Kind::Invite:
            // Only the invitee joins, the signer is the inviter, no old keys without shared
            // history, which only a shared room gives; since-join starts an unwrapped
            // generation; a new generation nothing forces is a rekey (admin only).
            if (op.asJoined || op.otherInviter || op.leakHistory
                || (op.history == HistoryPolicy::Shared && (policy != HistoryPolicy::Shared || (op.newGen && !admin)))
                || (op.history == HistoryPolicy::SinceJoin && (!op.newGen || op.wrap)))
                return false;
            return admin || (moderator && op.role != Role::Admin && op.role != Role::Moderator);
        case Kind::Accept: return false; // nobody accepts for someone else
        case Kind::Depart:
        case Kind::Remove:
        case Kind::Cancel:
            if (op.target == op.signer || !op.newGen)
                return false; // nobody writes their own removal; every removal rekeys
            if (op.kind == Kind::Remove)
                return admin;
            if (op.kind == Kind::Cancel)
                return !t->second.joined && (admin || (moderator && t->second.inviter == op.signer));
            return !op.forged && !op.wrongKind && !op.futureRequest && r != Role::Guest;
        case Kind::SetRole: return admin && op.role != t->second.role;
        case Kind::Settings: return admin && (op.name != name || op.topic != topic || op.policy != policy);
        case Kind::Rekey: return admin;
        case Kind::Count: break;
        }
        return false;
    }
};

struct Room
{
    QRandomGenerator rng;
    ChainVerifier chain;
    std::map<quint32, crypto::SecureBytes> keys; // every generation's key: the test sees all
    Model model;
};

} // namespace

class TestBootKegProperty : public QObject
{
    Q_OBJECT

    std::map<QString, User> m_users; // the pool: everyone who may sign or be invited
    std::array<int, std::size_t(Kind::Count)> m_accepted{}, m_refused{};
    std::map<int, int> m_reasons; // ChainError code -> refusals
    int m_skipped = 0;

    User &user(const QString &name) { return m_users.at(name); }

    std::optional<Op> randomOp(Room &room)
    {
        QRandomGenerator &rng = room.rng;
        const auto chance = [&](int percent) { return int(rng.bounded(100)) < percent; };
        const auto pick = [&](const QStringList &l) { return l.at(int(rng.bounded(int(l.size())))); };
        // Signer classes 0-3: joined admin/moderator/member/guest; 4: invitee; 5: non-member.
        std::array<QStringList, 6> byClass;
        QStringList members;
        for (const auto &[name, u] : m_users) {
            const auto it = room.model.members.find(name);
            const bool in = it != room.model.members.end();
            byClass[!in ? 5 : !it->second.joined ? 4 : int(it->second.role)] << name;
            if (in)
                members << name;
        }
        const QStringList &invitees = byClass[4], &outsiders = byClass[5];
        Op op;
        // Weighted so rooms grow: invite, accept, depart, remove, cancel, role, settings, rekey.
        constexpr std::array<int, std::size_t(Kind::Count)> weights = {4, 3, 2, 1, 1, 2, 1, 1};
        int w = int(rng.bounded(std::accumulate(weights.begin(), weights.end(), 0)));
        for (std::size_t k = 0; k < weights.size() && w >= 0; w -= weights[k++])
            op.kind = Kind(k);
        constexpr std::array<int, 10> classOf = {0, 0, 0, 1, 1, 2, 2, 3, 4, 5}; // admins weigh 3
        const QStringList &pool = byClass[std::size_t(classOf[rng.bounded(10)])];
        op.signer = pick(pool.isEmpty() ? members : pool);
        op.name = room.model.name;
        op.topic = room.model.topic;
        op.policy = room.model.policy;
        switch (op.kind) {
        case Kind::Invite:
            if (outsiders.isEmpty())
                return std::nullopt;
            op.target = pick(outsiders);
            op.role = Role(rng.bounded(int(Role::Count)));
            op.history = chance(50) ? HistoryPolicy::Shared : HistoryPolicy::SinceJoin;
            op.newGen = chance(op.history == HistoryPolicy::SinceJoin ? 88 : 12);
            op.wrap = op.history == HistoryPolicy::Shared || chance(12);
            op.leakHistory = op.history == HistoryPolicy::SinceJoin && op.newGen && chance(8);
            op.asJoined = chance(5);
            op.otherInviter = chance(5);
            break;
        case Kind::Accept:
            if (invitees.isEmpty())
                return std::nullopt;
            op.target = pick(invitees);
            if (chance(50))
                op.signer = op.target;
            op.extra = chance(10);
            break;
        case Kind::Depart:
        case Kind::Remove:
        case Kind::Cancel:
            op.target = op.kind == Kind::Cancel && !invitees.isEmpty() && chance(80) ? pick(invitees) : pick(members);
            op.newGen = chance(90);
            op.wrap = chance(80);
            op.forged = op.kind == Kind::Depart && chance(6);
            op.wrongKind = op.kind == Kind::Depart && chance(6);
            op.futureRequest = op.kind == Kind::Depart && chance(6);
            break;
        case Kind::SetRole:
            op.target = pick(members);
            op.role = Role(rng.bounded(int(Role::Count)));
            break;
        case Kind::Settings:
            op.name = chance(50) ? op.name : QStringLiteral("room %1").arg(rng.bounded(1000));
            op.topic = chance(50) ? op.topic : QStringLiteral("topic %1").arg(rng.bounded(1000));
            op.policy = chance(70) ? op.policy : HistoryPolicy(1 - int(op.policy));
            break;
        case Kind::Rekey:
            op.newGen = true;
            op.wrap = chance(80);
            break;
        case Kind::Count: break;
        }
        return op;
    }

    // The candidate version, built by hand from the head and signed by op.signer's real key.
    SignedBootKeg candidate(Room &room, const Op &op, crypto::SecureBytes &newKey)
    {
        const SignedBootKeg &head = room.chain.head();
        const User &signer = user(op.signer);
        BootKegVersion v = nextFrame(head, signer);
        const QByteArray roomId = v.roomId, target = op.target.toUtf8();
        QString someoneElse = QStringLiteral("alice"); // neither the signer nor the target
        while (someoneElse == op.signer || someoneElse == op.target)
            someoneElse = someoneElse == u"alice" ? QStringLiteral("judy") : QStringLiteral("ivan");
        const quint32 cur = head.version().currentGeneration();
        const auto depart = [&](DepartureKind kind, QByteArray request) {
            std::erase_if(v.members, [&](const Member &m) { return m.username == target; });
            v.departures.push_back({target, kind, 0, QByteArray(32, '\0'), std::move(request)});
        };
        switch (op.kind) {
        case Kind::Invite: {
            const User &u = user(op.target);
            Member m{target,
                     u.id.signing.publicKey,
                     u.id.box.publicKey,
                     op.role,
                     op.asJoined ? InviteState::Joined : InviteState::Invited,
                     op.history,
                     op.otherInviter ? someoneElse.toUtf8() : v.signer,
                     v.version};
            const auto at =
                std::find_if(v.members.begin(), v.members.end(), [&](const Member &x) { return target < x.username; });
            v.members.insert(at, m);
            break;
        }
        case Kind::Accept:
            memberIn(v, target.constData())->state = InviteState::Joined;
            if (op.extra)
                v.topic.append('!');
            break;
        case Kind::Depart: {
            const bool invited = !room.model.members.at(op.target).joined;
            const DepartureKind kind = invited != op.wrongKind ? DepartureKind::Declined : DepartureKind::Left;
            const quint64 at = head.version().version + (op.futureRequest ? 1 : 0);
            depart(kind,
                   encodeDepartureRequest(signDepartureRequest(head.roomId(), op.target, kind, at,
                                                               user(op.forged ? someoneElse : op.target).id.signing)));
            break;
        }
        case Kind::Remove: depart(DepartureKind::Removed, {}); break;
        case Kind::Cancel: depart(DepartureKind::Cancelled, {}); break;
        case Kind::SetRole: memberIn(v, target.constData())->role = op.role; break;
        case Kind::Settings:
            v.name = op.name.toUtf8();
            v.topic = op.topic.toUtf8();
            v.policy = op.policy;
            break;
        case Kind::Rekey:
        case Kind::Count: break;
        }
        const quint32 gen = op.newGen ? cur + 1 : cur;
        if (op.newGen) {
            newKey = crypto::SecureBytes::random(crypto::AeadKeyBytes);
            Generation g{gen, keyCommitment(gen, newKey), {}, {}};
            if (op.wrap) {
                g.wrapNonce = crypto::randomNonce();
                g.wrappedPrevious =
                    crypto::aeadEncrypt(newKey, g.wrapNonce, wrapAssociatedData(roomId, gen), room.keys.at(cur).view());
            }
            v.generations.push_back(std::move(g));
        }
        const crypto::SecureBytes &key = op.newGen ? newKey : room.keys.at(cur);
        std::vector<SealedKey> sealed;
        for (const Member &m : v.members) {
            const SealedKey *old = op.newGen ? nullptr : v.sealedFor(m.username);
            sealed.push_back(old ? *old : SealedKey{m.username, sealKeyFor(roomId, gen, m, key)});
        }
        v.sealed = std::move(sealed);
        if (op.kind == Kind::Invite) { // as the builder does: old keys below each wrap break
            const Member &m = *v.member(target);
            for (quint32 g = 1; op.history == HistoryPolicy::Shared && g < v.generations.size(); ++g) {
                if (v.generations[g].wrapNonce.isEmpty())
                    v.historySeals.push_back({target, g - 1, sealKeyFor(roomId, g - 1, m, room.keys.at(g - 1))});
            }
            if (op.leakHistory)
                v.historySeals.push_back({target, cur, sealKeyFor(roomId, cur, m, room.keys.at(cur))});
        }
        return SignedBootKeg::sign(std::move(v), signer.id.signing);
    }

    // Model and chain agree on the room; exactly the people in it can open the current key.
    void checkAgreement(Room &room)
    {
        const SignedBootKeg &head = room.chain.head();
        const BootKegVersion &v = head.version();
        const auto row = [](const QString &name, Role r, bool joined, const QString &inviter, HistoryPolicy h) {
            return QStringLiteral("%1 %2 %3 by %4 %5").arg(name, roleName(r)).arg(joined).arg(inviter, historyName(h));
        };
        QStringList chainRows{QString::fromUtf8(v.name + '/' + v.topic) + historyName(v.policy)},
            modelRows{room.model.name + u'/' + room.model.topic + historyName(room.model.policy)};
        for (const Member &m : v.members)
            chainRows << row(QString::fromUtf8(m.username), m.role, m.state == InviteState::Joined,
                             QString::fromUtf8(m.invitedBy), m.history);
        for (const auto &[name, m] : room.model.members)
            modelRows << row(name, m.role, m.joined, m.inviter, m.history);
        QCOMPARE(chainRows, modelRows);
        const quint32 cur = v.currentGeneration();
        for (auto &[name, u] : m_users) {
            const bool inRoom = room.model.members.count(name) != 0;
            auto key = openCurrentKey(head, u.id);
            QVERIFY2(key.ok() == inRoom, qPrintable(name));
            if (inRoom) {
                QVERIFY(key->equals(room.keys.at(cur).view()));
                learnKeys(u, head);
            } else {
                QCOMPARE(key.code(), int(KeyError::NotSealedForYou));
                unwrapHistory(head, u.keys); // whatever old keys they kept, none reaches it
            }
            QVERIFY2(u.keys.has(cur) == inRoom, qPrintable(name));
        }
    }

    Room startRoom(quint32 seed)
    {
        Room room{QRandomGenerator(seed), {}, {}, {}};
        for (auto &entry : m_users)
            entry.second.keys = RoomKeys{};
        room.model.policy = HistoryPolicy(seed % 2);
        BuiltVersion g = createRoom(user(QStringLiteral("alice")).id, {room.model.name, {}, room.model.policy});
        if (!room.chain.start(g.version).ok())
            qFatal("genesis refused");
        room.keys.emplace(0u, std::move(g.newKey));
        room.model.members[QStringLiteral("alice")] = {Role::Admin, true, QStringLiteral("alice"),
                                                       HistoryPolicy::Shared};
        return room;
    }

    // Builds and signs the candidate, asks the verifier and the model, and on acceptance
    // advances both and checks they agree. Returns the verifier's answer.
    Status attempt(Room &room, const Op &op, const QString &where)
    {
        crypto::SecureBytes newKey;
        const SignedBootKeg cand = candidate(room, op, newKey);
        const bool expected = room.model.allowed(op);
        const QByteArray headHash = room.chain.head().hash();
        const Status got = room.chain.append(reparse(cand.encode())); // as received
        [&] {
            QVERIFY2(got.ok() == expected,
                     qPrintable(QStringLiteral("%1: %2: model says %3, verifier: %4")
                                    .arg(where, op.describe(),
                                         expected ? QStringLiteral("allowed") : QStringLiteral("refused"),
                                         got.ok() ? QStringLiteral("accepted") : got.error().message)));
            const std::size_t k = std::size_t(op.kind);
            if (!got.ok()) {
                QVERIFY(!got.error().message.isEmpty());
                QCOMPARE(room.chain.head().hash(), headHash); // a refusal changes nothing
                ++m_refused[k];
                ++m_reasons[got.code()];
                return;
            }
            ++m_accepted[k];
            room.model.apply(op);
            if (op.newGen)
                room.keys.emplace(cand.version().currentGeneration(), std::move(newKey));
            checkAgreement(room);
        }();
        return got;
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *name : {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"})
            m_users.emplace(QString::fromLatin1(name), makeUser(QString::fromLatin1(name)));
    }

    void randomChainsMatchTheModel()
    {
        QElapsedTimer timer;
        timer.start();
        for (quint32 seed = 1; seed <= Seeds && !QTest::currentTestFailed(); ++seed) {
            Room room = startRoom(seed);
            for (int step = 0; step < OpsPerSeed && !QTest::currentTestFailed(); ++step) {
                if (const std::optional<Op> op = randomOp(room))
                    (void)attempt(room, *op, QStringLiteral("seed %1 step %2").arg(seed).arg(step));
                else
                    ++m_skipped;
            }
        }
        if (QTest::currentTestFailed())
            return;
        int total = 0;
        for (std::size_t k = 0; k < KindNames.size(); ++k) {
            qInfo("%-14s accepted %5d  refused %5d", KindNames[k], m_accepted[k], m_refused[k]);
            total += m_accepted[k] + m_refused[k];
        }
        QStringList reasons;
        for (const auto &[code, n] : m_reasons)
            reasons << QStringLiteral("%1=%2").arg(code).arg(n);
        qInfo("%d operations over %u seeds (%d skipped: no target) in %lld ms; refusals by "
              "ChainError code: %s",
              total, Seeds, m_skipped, qint64(timer.elapsed()), qPrintable(reasons.join(u' ')));
        QVERIFY(m_reasons.count(int(ChainError::NotPermitted)) && m_reasons.count(int(ChainError::NoAdmin)));
        for (std::size_t k = 0; k < KindNames.size(); ++k)
            QVERIFY2(m_accepted[k] > 0 && m_refused[k] > 0, KindNames[k]);
    }

    // Found by the property run: an admin could sign the version removing themselves, and so
    // hold the key of the generation meant to shut them out. Another admin may remove them.
    void adminCannotWriteOwnRemoval()
    {
        Room room = startRoom(2); // a shared-history room
        const auto op = [](Kind kind, const char *signer, const char *target) {
            return Op{.kind = kind,
                      .signer = QString::fromLatin1(signer),
                      .target = QString::fromLatin1(target),
                      .role = Role::Admin,
                      .newGen = kind == Kind::Remove};
        };
        QVERIFY(attempt(room, op(Kind::Invite, "alice", "bob"), {}).ok());
        QVERIFY(attempt(room, op(Kind::Accept, "bob", "bob"), {}).ok());
        const Status own = attempt(room, op(Kind::Remove, "alice", "alice"), {});
        QCOMPARE(own.code(), int(ChainError::NotPermitted));
        QVERIFY(own.error().message.contains(QStringLiteral("own removal")));
        QVERIFY(attempt(room, op(Kind::Remove, "bob", "alice"), {}).ok());
        QVERIFY(!openCurrentKey(room.chain.head(), user(QStringLiteral("alice")).id).ok());
    }
};

QTEST_GUILESS_MAIN(TestBootKegProperty)
#include "tst_bootkeg_property.moc"
