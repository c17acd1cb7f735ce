// Rooms against the real server: genesis and room id, invitations (the invitee sees nothing
// before accepting), role checks on boot-keg writes, chain breaks, removal with immediate
// loss of access on open connections, decline and leave, and the membership pushes.
#include "keg/bootkegbuilder.h"
#include "keg/keg.h"
#include "protocol/ops.h"
#include "serverprocess.h"
#include "testclient.h"

#include <QCborArray>
#include <QTest>

using namespace tavern;
using protocol::ErrorCode;
using protocol::Frame;
using protocol::FrameType;
namespace op = protocol::op;

namespace {

// SignedBootKeg fields are views into its body: copy before the version is replaced.
QByteArray owned(const QByteArray &view)
{
    return QByteArray(view.constData(), view.size());
}

crypto::PublicIdentity pub(const crypto::Identity &id)
{
    return {id.username, id.signing.publicKey, id.box.publicKey};
}

QCborMap dbBody(const QByteArray &dbId)
{
    QCborMap b;
    b.insert(QStringLiteral("dbId"), dbId);
    return b;
}

QCborMap versionBody(const keg::SignedBootKeg &v)
{
    QCborMap b = dbBody(v.roomId());
    b.insert(QStringLiteral("version"), v.encode());
    return b;
}

QByteArray makeKeg(const crypto::Identity &author, const QByteArray &dbId, const QByteArray &text)
{
    static const crypto::SecureBytes key = crypto::SecureBytes::random(32);
    const keg::KegAddress addr{dbId, keg::newKegId(), keg::KegType::Message, 0, 1};
    return keg::encodeKeg(keg::sealKeg(addr, text, key, author.username, author.signing));
}

QCborMap putBody(const QByteArray &dbId, const QByteArray &k)
{
    QCborMap b = dbBody(dbId);
    b.insert(QStringLiteral("kegs"), QCborArray{k});
    return b;
}

// A version built by hand, bypassing the builder's own checks: what a buggy or hostile
// client could upload.
keg::SignedBootKeg forge(const keg::SignedBootKeg &head, const crypto::Identity &signer,
                         const std::function<void(keg::BootKegVersion &)> &mutate)
{
    keg::BootKegVersion v = head.version();
    v.roomId = head.roomId();
    v.version += 1;
    v.previousHash = head.hash();
    v.genesisNonce = QByteArray(keg::GenesisNonceBytes, '\0');
    v.signer = signer.username.toUtf8();
    v.departures.clear();
    v.historySeals.clear();
    mutate(v);
    return keg::SignedBootKeg::sign(std::move(v), signer.signing);
}

// Answers only after every push the server queued for this connection before it: frames
// on one socket stay in order, so "no push yet" is then a fact, not a race.
void sync(test::TestClient &c)
{
    QCOMPARE(c.request(op::Ping).type, FrameType::Response);
}

} // namespace

class TestServerRooms : public QObject
{
    Q_OBJECT

    test::ServerProcess m_server;
    crypto::Identity m_alice = crypto::randomIdentity(QStringLiteral("alice"));
    crypto::Identity m_bob = crypto::randomIdentity(QStringLiteral("bob"));
    crypto::Identity m_carol = crypto::randomIdentity(QStringLiteral("carol"));
    std::unique_ptr<test::TestClient> m_a, m_b, m_c;
    keg::SignedBootKeg m_head;
    keg::RoomKeys m_keys; // alice's

    std::unique_ptr<test::TestClient> connect(const crypto::Identity &id)
    {
        auto c = std::make_unique<test::TestClient>(m_server.url());
        if (!c->open() || c->login(id).type != FrameType::Response)
            return nullptr;
        return c;
    }

    // Builds with the lead's builder (which runs the chain rules) and uploads.
    Frame publish(test::TestClient &c, const crypto::Identity &me,
                  const std::function<Status(keg::BootKegBuilder &)> &change)
    {
        keg::BootKegBuilder b(m_head, me, m_keys);
        if (!change(b))
            return Frame::error(0, {}, ErrorCode::None, QStringLiteral("builder refused the change"));
        auto built = b.build(1);
        if (!built)
            return Frame::error(0, {}, ErrorCode::None, built.error().message);
        const Frame r = c.request(op::BootKegPut, versionBody(built->version));
        if (r.type == FrameType::Response) {
            m_head = built->version;
            if (built->newGeneration)
                m_keys.insert(*built->newGeneration, std::move(built->newKey));
        }
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.logs()));
        test::TestClient c(m_server.url());
        QVERIFY(c.open());
        for (const auto *id : {&m_alice, &m_bob, &m_carol})
            QCOMPARE(c.signup(*id).type, FrameType::Response);
        m_a = connect(m_alice);
        m_b = connect(m_bob);
        m_c = connect(m_carol);
        QVERIFY(m_a && m_b && m_c);
    }

    void createRoom()
    {
        auto built = keg::createRoom(m_alice, {QStringLiteral("Ops"), QString(), keg::HistoryPolicy::Shared});
        QCborMap body;
        body.insert(QStringLiteral("genesis"), built.version.encode());
        // Only its creator uploads a genesis.
        QCOMPARE(m_b->request(op::RoomCreate, body).code, ErrorCode::Forbidden);
        auto r = m_a->request(op::RoomCreate, body);
        QCOMPARE(r.type, FrameType::Response);
        QCOMPARE(r.body.value(QStringLiteral("dbId")).toByteArray(), built.version.roomId());
        QCOMPARE(m_a->request(op::RoomCreate, body).type, FrameType::Response); // retry
        m_head = built.version;
        m_keys.insert(0, std::move(built.newKey));

        // A genesis whose signature does not match its creator's key.
        auto forged = keg::createRoom(m_alice, {});
        keg::BootKegVersion v = forged.version.version();
        QCborMap bad;
        bad.insert(QStringLiteral("genesis"), keg::SignedBootKeg::sign(v, m_bob.signing).encode());
        QCOMPARE(m_a->request(op::RoomCreate, bad).code, ErrorCode::ChainRefused);
        bad.insert(QStringLiteral("genesis"), QByteArray("\x01garbage", 8));
        QCOMPARE(m_a->request(op::RoomCreate, bad).code, ErrorCode::ChainRefused);

        const auto dbs = m_a->request(op::DbList).body.value(QStringLiteral("dbs")).toArray();
        bool listed = false;
        for (const auto &d : dbs)
            listed = listed || d.toMap().value(QStringLiteral("dbId")).toByteArray() == m_head.roomId();
        QVERIFY(listed);
    }

    void nonMemberSeesNothing()
    {
        const QByteArray room = owned(m_head.roomId());
        QCOMPARE(m_c->request(op::KegList, dbBody(room)).code, ErrorCode::Forbidden);
        QCOMPARE(m_c->request(op::BootKegGet, dbBody(room)).code, ErrorCode::Forbidden);
        QCOMPARE(m_c->request(op::KegPut, putBody(room, makeKeg(m_carol, room, "hi"))).code, ErrorCode::Forbidden);
    }

    void inviteeSeesNothingBeforeAccepting()
    {
        const QByteArray room = owned(m_head.roomId());
        QCOMPARE(m_a->request(op::KegPut, putBody(room, makeKeg(m_alice, room, "before"))).type, FrameType::Response);
        const Frame r = publish(*m_a, m_alice, [&](keg::BootKegBuilder &b) {
            return b.invite(pub(m_bob), keg::Role::Member, keg::HistoryPolicy::Shared);
        });
        QCOMPARE(r.type, FrameType::Response);
        QVERIFY(m_b->waitForPush(protocol::push::Invitation));
        const Frame inv = m_b->pushes(protocol::push::Invitation).first();
        QCOMPARE(inv.body.value(QStringLiteral("inviter")).toString(), QStringLiteral("alice"));
        QCOMPARE(inv.body.value(QStringLiteral("head")).toByteArray(), m_head.encode());
        const auto list = m_b->request(op::InvitationList).body.value(QStringLiteral("invitations")).toArray();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0).toMap().value(QStringLiteral("dbId")).toByteArray(), room);

        // The boot keg is readable (to see who invited and to sign the acceptance); nothing else.
        const auto chain = m_b->request(op::BootKegGet, dbBody(room));
        QCOMPARE(chain.body.value(QStringLiteral("versions")).toArray().size(), 2);
        QCOMPARE(m_b->request(op::KegList, dbBody(room)).code, ErrorCode::Forbidden);
        QCOMPARE(m_b->request(op::KegPut, putBody(room, makeKeg(m_bob, room, "early"))).code, ErrorCode::Forbidden);
        QCOMPARE(m_a->request(op::KegPut, putBody(room, makeKeg(m_alice, room, "during"))).type, FrameType::Response);
        sync(*m_b);
        QVERIFY(m_b->pushes(protocol::push::Keg).isEmpty());
        QVERIFY(m_b->pushes(protocol::push::BootKeg).isEmpty());
        const auto dbs = m_b->request(op::DbList).body.value(QStringLiteral("dbs")).toArray();
        QCOMPARE(dbs.size(), 1); // only bob's personal DB

        // The server cannot be asked to mark bob joined by anyone but bob.
        const auto byAlice =
            forge(m_head, m_alice, [](keg::BootKegVersion &v) { v.members[1].state = keg::InviteState::Joined; });
        QCOMPARE(m_a->request(op::BootKegPut, versionBody(byAlice)).code, ErrorCode::ChainRefused);

        QCOMPARE(publish(*m_b, m_bob, [](keg::BootKegBuilder &b) { return b.acceptInvitation(); }).type,
                 FrameType::Response);
        QVERIFY(m_a->waitForPush(protocol::push::InvitationAccepted));
        QCOMPARE(
            m_a->pushes(protocol::push::InvitationAccepted).first().body.value(QStringLiteral("username")).toString(),
            QStringLiteral("bob"));
        QCOMPARE(m_b->request(op::KegList, dbBody(room)).body.value(QStringLiteral("kegs")).toArray().size(), 2);
        QCOMPARE(m_b->request(op::InvitationList).body.value(QStringLiteral("invitations")).toArray().size(), 0);
        const QByteArray k = makeKeg(m_alice, room, "after");
        QCOMPARE(m_a->request(op::KegPut, putBody(room, k)).type, FrameType::Response);
        QVERIFY(m_b->waitForPush(protocol::push::Keg));
        QCOMPARE(m_b->pushes(protocol::push::Keg).first().body.value(QStringLiteral("data")).toByteArray(), k);
    }

    void bootKegWritesNeedTheRole()
    {
        // bob is a plain member: inviting is not his to do.
        const auto byBob = forge(m_head, m_bob, [&](keg::BootKegVersion &v) {
            v.members.push_back({m_carol.username.toUtf8(), m_carol.signing.publicKey, m_carol.box.publicKey,
                                 keg::Role::Member, keg::InviteState::Invited, keg::HistoryPolicy::Shared,
                                 m_bob.username.toUtf8()});
            v.sealed.push_back({m_carol.username.toUtf8(), QByteArray(80, 'k')});
        });
        const Frame r = m_b->request(op::BootKegPut, versionBody(byBob));
        QCOMPARE(r.code, ErrorCode::ChainRefused);
        QVERIFY2(r.message.contains(QStringLiteral("may not")), qPrintable(r.message));
        // A member cannot make himself admin either.
        const auto promote = forge(m_head, m_bob, [](keg::BootKegVersion &v) { v.members[1].role = keg::Role::Admin; });
        QCOMPARE(m_b->request(op::BootKegPut, versionBody(promote)).code, ErrorCode::ChainRefused);
        // Versions signed by one user may not be uploaded by another.
        QCOMPARE(m_a->request(op::BootKegPut, versionBody(promote)).code, ErrorCode::Forbidden);
        sync(*m_c);
        QVERIFY(m_c->pushes(protocol::push::Invitation).isEmpty());
    }

    void chainBreaks()
    {
        const auto wrongHash = forge(m_head, m_alice, [](keg::BootKegVersion &v) {
            v.previousHash = QByteArray(32, '\x42');
            v.name = "renamed";
        });
        QCOMPARE(m_a->request(op::BootKegPut, versionBody(wrongHash)).code, ErrorCode::ChainRefused);
        const auto skipped = forge(m_head, m_alice, [](keg::BootKegVersion &v) {
            v.version += 1;
            v.name = "renamed";
        });
        QCOMPARE(m_a->request(op::BootKegPut, versionBody(skipped)).code, ErrorCode::Conflict);
        const auto replayed = forge(m_head, m_alice, [](keg::BootKegVersion &v) {
            v.version -= 1;
            v.name = "renamed";
        });
        QCOMPARE(m_a->request(op::BootKegPut, versionBody(replayed)).code, ErrorCode::Conflict);
        // Re-uploading the head itself is an idempotent success.
        const auto again = m_b->request(op::BootKegPut, versionBody(m_head));
        QCOMPARE(again.code, ErrorCode::None);
        QVERIFY(again.body.value(QStringLiteral("duplicate")).toBool());
    }

    void removedMemberLosesAccessAtOnce()
    {
        const QByteArray room = owned(m_head.roomId());
        auto bobSecond = connect(m_bob); // bob's second device, also open
        QVERIFY(bobSecond);
        QCOMPARE(bobSecond->request(op::KegList, dbBody(room)).type, FrameType::Response);
        QCOMPARE(publish(*m_a, m_alice, [](keg::BootKegBuilder &b) { return b.remove(QStringLiteral("bob")); }).type,
                 FrameType::Response);
        QVERIFY(m_b->waitForPush(protocol::push::AccessRevoked));
        QVERIFY(bobSecond->waitForPush(protocol::push::AccessRevoked));
        QCOMPARE(m_b->request(op::KegList, dbBody(room)).code, ErrorCode::Forbidden);
        QCOMPARE(bobSecond->request(op::BootKegGet, dbBody(room)).code, ErrorCode::Forbidden);
        QCOMPARE(m_b->request(op::KegPut, putBody(room, makeKeg(m_bob, room, "still here?"))).code,
                 ErrorCode::Forbidden);
        const int before = int(m_b->pushes(protocol::push::Keg).size());
        QCOMPARE(m_a->request(op::KegPut, putBody(room, makeKeg(m_alice, room, "secret"))).type, FrameType::Response);
        sync(*m_b);
        sync(*bobSecond);
        QCOMPARE(int(m_b->pushes(protocol::push::Keg).size()), before);
        QVERIFY(bobSecond->pushes(protocol::push::Keg).isEmpty());
    }

    void declineAndLeave()
    {
        const QByteArray room = owned(m_head.roomId());
        QCOMPARE(publish(*m_a, m_alice,
                         [&](keg::BootKegBuilder &b) {
                             return b.invite(pub(m_carol), keg::Role::Member, keg::HistoryPolicy::Shared);
                         })
                     .type,
                 FrameType::Response);
        QVERIFY(m_c->waitForPush(protocol::push::Invitation));
        // A decline must be carol's own signature.
        auto forged = keg::signDepartureRequest(room, m_carol.username, keg::DepartureKind::Declined,
                                                m_head.version().version, m_bob.signing);
        QCborMap body = dbBody(room);
        body.insert(QStringLiteral("request"), keg::encodeDepartureRequest(forged));
        QCOMPARE(m_c->request(op::InvitationDecline, body).code, ErrorCode::BadSignature);
        auto decline = keg::signDepartureRequest(room, m_carol.username, keg::DepartureKind::Declined,
                                                 m_head.version().version, m_carol.signing);
        body.insert(QStringLiteral("request"), keg::encodeDepartureRequest(decline));
        QCOMPARE(m_b->request(op::InvitationDecline, body).code, ErrorCode::BadRequest); // not bob's
        QCOMPARE(m_c->request(op::RoomLeave, body).code, ErrorCode::BadRequest);
        // A well-signed request naming a KegDB that is not a room (here carol's personal DB).
        const QByteArray personal = keg::personalDbId(m_carol.username);
        QCborMap notRoom = dbBody(personal);
        notRoom.insert(QStringLiteral("request"),
                       keg::encodeDepartureRequest(keg::signDepartureRequest(
                           personal, m_carol.username, keg::DepartureKind::Declined, 0, m_carol.signing)));
        QCOMPARE(m_c->request(op::InvitationDecline, notRoom).code, ErrorCode::BadRequest);
        QCOMPARE(m_c->request(op::BootKegGet, dbBody(personal)).code, ErrorCode::BadRequest);
        QCOMPARE(m_c->request(op::InvitationDecline, body).type, FrameType::Response);
        QVERIFY(m_a->waitForPush(protocol::push::InvitationDeclined));
        QCOMPARE(m_c->request(op::InvitationList).body.value(QStringLiteral("invitations")).toArray().size(), 0);
        QCOMPARE(m_c->request(op::BootKegGet, dbBody(room)).code, ErrorCode::Forbidden);
        auto requests = m_a->request(op::RoomRequests, dbBody(room)).body.value(QStringLiteral("requests")).toArray();
        QCOMPARE(requests.size(), 1);
        // The admin carries carol's signed decline into the next version.
        QCOMPARE(publish(*m_a, m_alice, [&](keg::BootKegBuilder &b) { return b.completeDeparture(decline); }).type,
                 FrameType::Response);
        requests = m_a->request(op::RoomRequests, dbBody(room)).body.value(QStringLiteral("requests")).toArray();
        QCOMPARE(requests.size(), 0);
    }

    void leave()
    {
        const QByteArray room = owned(m_head.roomId());
        // Re-invited after the decline was processed: the old decline does not haunt her.
        QCOMPARE(publish(*m_a, m_alice,
                         [&](keg::BootKegBuilder &b) {
                             return b.invite(pub(m_carol), keg::Role::Moderator, keg::HistoryPolicy::Shared);
                         })
                     .type,
                 FrameType::Response);
        QCOMPARE(publish(*m_c, m_carol, [](keg::BootKegBuilder &b) { return b.acceptInvitation(); }).type,
                 FrameType::Response);
        const Frame list = m_c->request(op::KegList, dbBody(room));
        QVERIFY2(list.type == FrameType::Response, qPrintable(list.message));
        QCOMPARE(publish(*m_a, m_alice,
                         [](keg::BootKegBuilder &b) { return b.setRole(QStringLiteral("carol"), keg::Role::Member); })
                     .type,
                 FrameType::Response);
        QVERIFY(m_c->waitForPush(protocol::push::RoleChanged));
        QCOMPARE(m_c->pushes(protocol::push::RoleChanged).last().body.value(QStringLiteral("role")).toString(),
                 QStringLiteral("member"));

        auto request = keg::signDepartureRequest(room, m_carol.username, keg::DepartureKind::Left,
                                                 m_head.version().version, m_carol.signing);
        QCborMap body = dbBody(room);
        body.insert(QStringLiteral("request"), keg::encodeDepartureRequest(request));
        QCOMPARE(m_c->request(op::InvitationDecline, body).code, ErrorCode::BadRequest);
        QCOMPARE(m_c->request(op::RoomLeave, body).type, FrameType::Response);
        QVERIFY(m_a->waitForPush(protocol::push::MemberLeft));
        QCOMPARE(m_c->request(op::KegList, dbBody(room)).code, ErrorCode::Forbidden);
        QCOMPARE(m_c->request(op::RoomLeave, body).code, ErrorCode::Forbidden); // already left
        QCOMPARE(publish(*m_a, m_alice, [&](keg::BootKegBuilder &b) { return b.completeDeparture(request); }).type,
                 FrameType::Response);
        QVERIFY(m_a->pushes(protocol::push::MemberRemoved).size() >= 1);
    }
};

QTEST_GUILESS_MAIN(TestServerRooms)
#include "tst_server_rooms.moc"
