// Attacks on who is in a room (threat-model.md): A1 the server adds a member, A5 the server
// rolls the room back to before a removal, A10 the server treats an invitee as joined or
// hands them room data early. Real sessions, the real server, tampering through its SQLite
// file, the fault proxy and a scripted insider holding real keys.
#include "attackworld.h"
#include "forge.h"
#include "keg/message.h"
#include "testclient.h"

#include <QCborArray>
#include <QSignalSpy>
#include <QTest>

using namespace tavern;
using namespace tavern::test;
namespace op = protocol::op;

namespace {

QCborMap dbBody(const QByteArray &dbId)
{
    QCborMap b;
    b.insert(QStringLiteral("dbId"), dbId);
    return b;
}

// A message keg by a real insider, sealed with a key they really hold.
QByteArray insiderMessage(const Session &author, const QByteArray &room, quint64 headVersion,
                          const QByteArray &headHash, const QString &text)
{
    const client::RoomState *r = author.room(room);
    const quint32 gen = r->head().version().currentGeneration();
    keg::MessagePayload p{
        1, QByteArray(32, '\0'), headVersion, headHash, quint64(QDateTime::currentMSecsSinceEpoch()), text, {}};
    return keg::encodeKeg(keg::sealKeg({room, keg::newKegId(), keg::KegType::Message, gen, 1}, keg::encodeMessage(p),
                                       *r->keys().get(gen), author.username(), author.identity().signing));
}

} // namespace

class TestAttackMembership : public QObject
{
    Q_OBJECT

    AttackWorld m_world;
    int m_names = 0;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_world.start(), qPrintable(m_world.server().logs())); }

    // A1: the server appends a member to the boot keg, unsigned, signed by a key it made
    // in a member's name, or signed by its own made-up user. Every client refuses it, and
    // nothing is sealed or readable for that user.
    void a1_serverAddsMember()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && bob && carol);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("before"), {bob.get()}));
        const keg::SignedBootKeg head = headOf(*alice, room);
        const quint64 k = head.version().version;
        const quint32 gen = head.version().currentGeneration();
        const auto honestMembers = m_world.db().members(room);

        const crypto::Identity mallory = crypto::randomIdentity(QStringLiteral("mallory%1").arg(++m_names));
        const crypto::SecureBytes madeUpKey = crypto::SecureBytes::random(32);
        keg::BootKegVersion inAlicesName = nextVersion(head, alice->username());
        addMember(inAlicesName, mallory, alice->username().toUtf8(), madeUpKey);
        keg::BootKegVersion byMallory = nextVersion(head, mallory.username);
        addMember(byMallory, mallory, mallory.username.toUtf8(), madeUpKey);
        const crypto::Identity fakeAlice = crypto::randomIdentity(alice->username());
        const QList<std::pair<QByteArray, QString>> forgeries{
            {unsignedWire(keg::SignedBootKeg::sign(inAlicesName, mallory.signing)), QStringLiteral("bad-signature")},
            {keg::SignedBootKeg::sign(inAlicesName, fakeAlice.signing).encode(), QStringLiteral("bad-signature")},
            {keg::SignedBootKeg::sign(byMallory, mallory.signing).encode(), QStringLiteral("unauthorised-change")},
        };
        auto withMallory = honestMembers;
        withMallory.append(
            {mallory.username, int(keg::Role::Member), int(keg::InviteState::Joined), alice->username()});
        QVERIFY(m_world.db().setMembers(room, withMallory));
        for (const auto &[wire, kind] : forgeries) {
            QVERIFY(m_world.db().deleteBootKegsFrom(room, k + 1));
            const ServerDb::BootRow row = bootRow(wire);
            QVERIFY2(m_world.db().insertBootKeg(room, row), qPrintable(m_world.db().lastError()));
            for (Session *s : {alice.get(), bob.get()}) {
                const int before = noticeCount(*s, room, kind);
                QVERIFY(m_world.proxy().injectToClient(s->username(), bootKegPush(room, row)) >= 1);
                QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*s, room, kind) > before, qPrintable(noticeDump(*s, room)),
                                          Patience);
                QCOMPARE(headOf(*s, room).version().version, k); // refused: the head did not move
                QVERIFY(!memberOf(*s, room, mallory.username));
            }
        }
        // A full resync meets the same forged head and refuses it again.
        const int before = noticeCount(*bob, room, QStringLiteral("unauthorised-change"));
        QVERIFY(m_world.resync(*bob));
        QVERIFY(noticeCount(*bob, room, QStringLiteral("unauthorised-change")) > before);

        // Nobody seals or sends to mallory: messages stay on the generation sealed only to
        // the real members; the server can hand mallory the ciphertext and a key it made up.
        QVERIFY(m_world.say(*alice, room, QStringLiteral("during"), {bob.get()}));
        QVERIFY(m_world.say(*bob, room, QStringLiteral("bob during"), {alice.get()}));
        QVERIFY(!headOf(*alice, room).version().sealedFor(mallory.username.toUtf8()));
        TestClient m(m_world.server().url());
        QVERIFY(m.open());
        QCOMPARE(m.signup(mallory).type, protocol::FrameType::Response);
        QCOMPARE(m.login(mallory).type, protocol::FrameType::Response);
        const auto listed = m.request(op::KegList, dbBody(room)).body.value(QStringLiteral("kegs")).toArray();
        QCOMPARE(listed.size(), 3); // the server lets mallory read, as the table says "joined"
        for (const QCborValue &e : listed) {
            const auto kg = keg::decodeKeg(e.toMap().value(QStringLiteral("data")).toByteArray());
            QVERIFY(kg);
            QCOMPARE(kg->generation, gen);
            const auto author = memberOf(*alice, room, kg->author);
            QVERIFY(author);
            QVERIFY(!keg::openKeg(*kg, room, kg->kegId, madeUpKey, author->signPublicKey));
        }

        // The server behaves again: the room moves on from the real version k; nothing lost.
        QVERIFY(m_world.db().deleteBootKegsFrom(room, k + 1));
        QVERIFY(m_world.db().setMembers(room, honestMembers));
        QVERIFY(m_world.invite(*alice, room, *carol));
        QVERIFY(m_world.accept(*carol, room, {alice.get(), bob.get()}));
        const auto rows = m_world.db().bootKegs(room);
        QCOMPARE(rows.size(), qsizetype(k + 3));
        QCOMPARE(keg::SignedBootKeg::decode(rows[qsizetype(k + 1)].data)->version().previousHash, head.hash());
        for (const auto &r : rows)
            QVERIFY(!keg::SignedBootKeg::decode(r.data)->version().member(mallory.username.toUtf8()));
        QVERIFY(m_world.say(*carol, room, QStringLiteral("carol joined"), {alice.get(), bob.get()}));
        const QStringList all{QStringLiteral("before"), QStringLiteral("during"), QStringLiteral("bob during"),
                              QStringLiteral("carol joined")};
        QCOMPARE(bodies(*bob, room), all);
        QCOMPARE(bodies(*alice, room), all);
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*carol, room), all, Patience); // invited with shared history
    }

    // A5: after a removal the server serves the older boot keg (with the ex-member back in
    // it and in its members table). Clients keep their pin, say so, and keep sending on the
    // generation the removal started, which the ex-member cannot open.
    void a5_rollbackAfterRemoval()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && bob && carol);
        const QByteArray room = m_world.room(*alice, {bob.get(), carol.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("hello all"), {bob.get(), carol.get()}));
        QVERIFY(m_world.say(*carol, room, QStringLiteral("carol was here"), {alice.get(), bob.get()}));
        const quint32 oldGen = headOf(*alice, room).version().currentGeneration();
        QVERIFY(alice->remove(room, carol->username()));
        QVERIFY(alice->flushOutbox(Patience));
        const quint64 n = headOf(*alice, room).version().version;
        QTRY_COMPARE_WITH_TIMEOUT(headOf(*bob, room).version().version, n, Patience);
        const quint32 newGen = headOf(*alice, room).version().currentGeneration();
        QVERIFY(newGen > oldGen);
        QVERIFY(!memberOf(*bob, room, carol->username()));

        // The rollback: versions from n on disappear, carol is "joined" again on the server.
        const auto honestRows = m_world.db().bootKegs(room);
        const auto honestMembers = m_world.db().members(room);
        QVERIFY(m_world.db().deleteBootKegsFrom(room, n));
        auto rolledBack = honestMembers;
        rolledBack.append(
            {carol->username(), int(keg::Role::Member), int(keg::InviteState::Joined), alice->username()});
        QVERIFY(m_world.db().setMembers(room, rolledBack));
        for (Session *s : {alice.get(), bob.get()}) {
            QVERIFY(m_world.resync(*s));
            QVERIFY2(noticeCount(*s, room, QStringLiteral("rollback")) >= 1, qPrintable(noticeDump(*s, room)));
            QCOMPARE(headOf(*s, room).version().version, n);
            QVERIFY(!memberOf(*s, room, carol->username()));
        }

        // Sending stays on the new generation.
        QVERIFY(m_world.say(*alice, room, QStringLiteral("after removal"), {bob.get()}));
        const auto sent = m_world.db().kegs(room).last();
        QCOMPARE(kegOf(sent).author, alice->username());
        QCOMPARE(kegOf(sent).generation, newGen);
        // The ex-member, let in again by the server, reads nothing new.
        QVERIFY(m_world.resync(*carol));
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*carol, room, QStringLiteral("unknown-generation")) >= 1, Patience);
        QCOMPARE(shownCount(*carol, room, QStringLiteral("after removal")), 0);

        // The server behaves again: no new rollback notice, the room goes on, nothing lost.
        for (const auto &row : honestRows) {
            if (row.version >= n)
                QVERIFY(m_world.db().insertBootKeg(room, row));
        }
        QVERIFY(m_world.db().setMembers(room, honestMembers));
        for (Session *s : {alice.get(), bob.get()}) {
            const int rollbacks = noticeCount(*s, room, QStringLiteral("rollback"));
            QVERIFY(m_world.resync(*s));
            QCOMPARE(noticeCount(*s, room, QStringLiteral("rollback")), rollbacks);
        }
        QVERIFY(m_world.say(*alice, room, QStringLiteral("back to normal"), {bob.get()}));
        QVERIFY(m_world.say(*bob, room, QStringLiteral("bob too"), {alice.get()}));
        const QStringList all{QStringLiteral("hello all"), QStringLiteral("carol was here"),
                              QStringLiteral("after removal"), QStringLiteral("back to normal"),
                              QStringLiteral("bob too")};
        QCOMPARE(bodies(*bob, room), all);
        QCOMPARE(bodies(*alice, room), all);
        QCOMPARE(bodies(*carol, room), all.mid(0, 2));
    }

    // A10: the server marks an invitee joined (members table), lets them post, and hands
    // them the room's messages, also through a rewritten response. Members still see
    // "invited"; the invitee's client shows nothing until it accepts, then everything.
    void a10_inviteeBeforeAccepting()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto dave = m_world.account(QStringLiteral("dave"));
        QVERIFY(alice && bob && dave);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("before the invite"), {bob.get()}));
        QVERIFY(m_world.invite(*alice, room, *dave));
        const keg::SignedBootKeg invited = headOf(*alice, room);

        // (DB) The server marks dave joined: it lists the room for him and sends him its kegs.
        QVERIFY(m_world.db().setMemberState(room, dave->username(), int(keg::InviteState::Joined)));
        QVERIFY(m_world.say(*alice, room, QStringLiteral("while dave is invited"), {bob.get()}));
        QVERIFY(m_world.resync(*dave));
        QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*dave, room, QStringLiteral("early-room-data")) >= 1,
                                  qPrintable(noticeDump(*dave, room)), Patience);
        QVERIFY(bodies(*dave, room).isEmpty());
        QCOMPARE(memberOf(*dave, room, dave->username())->state, keg::InviteState::Invited);
        for (Session *s : {alice.get(), bob.get()})
            QCOMPARE(memberOf(*s, room, dave->username())->state, keg::InviteState::Invited);

        // (EX) dave, with his real keys, posts while only invited: under the real head, and
        // under a head nobody has seen. Members refuse both.
        TestClient d(m_world.server().url());
        QVERIFY(d.open());
        QCOMPARE(d.login(dave->identity()).type, protocol::FrameType::Response);
        for (const QByteArray &k :
             {insiderMessage(*dave, room, invited.version().version, invited.hash(), QStringLiteral("dave early")),
              insiderMessage(*dave, room, 99, QByteArray(32, 'x'), QStringLiteral("dave from the future"))}) {
            QCborMap put = dbBody(room);
            put.insert(QStringLiteral("kegs"), QCborArray{k});
            QCOMPARE(d.request(op::KegPut, put).type, protocol::FrameType::Response);
        }
        for (Session *s : {alice.get(), bob.get()}) {
            QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*s, room, QStringLiteral("unauthorised-change")) >= 1
                                          && noticeCount(*s, room, QStringLiteral("unknown-head")) >= 1,
                                      qPrintable(noticeDump(*s, room)), Patience);
            QCOMPARE(shownCount(*s, room, QStringLiteral("dave early")), 0);
            QCOMPARE(shownCount(*s, room, QStringLiteral("dave from the future")), 0);
        }

        // (PX) The server's table is honest again, but the proxy answers dave's keg.list
        // with the room's kegs anyway.
        QVERIFY(m_world.db().setMemberState(room, dave->username(), int(keg::InviteState::Invited)));
        QCborArray entries;
        for (const auto &row : m_world.db().kegs(room))
            entries.append(kegEntry(row));
        const qint64 last = m_world.db().kegs(room).last().collectionVersion;
        int rewritten = 0;
        QSet<quint64> asked; // dave's keg.list requests for this room
        const int rule = m_world.proxy().addRule([&](FaultProxy::Hop &hop) {
            if (hop.user != dave->username() || hop.frame.op != op::KegList)
                return FaultProxy::Verdict::Pass;
            if (hop.direction == FaultProxy::Direction::ToServer) {
                if (hop.frame.body.value(QStringLiteral("dbId")).toByteArray() == room)
                    asked.insert(hop.frame.id);
                return FaultProxy::Verdict::Pass;
            }
            if (!asked.remove(hop.frame.id))
                return FaultProxy::Verdict::Pass;
            QCborMap body;
            body.insert(QStringLiteral("kegs"), entries);
            body.insert(QStringLiteral("next"), last);
            body.insert(QStringLiteral("more"), false);
            hop.frame = protocol::Frame::response(hop.frame.id, op::KegList, body);
            hop.edited = true;
            ++rewritten;
            return FaultProxy::Verdict::Pass;
        });
        QSignalSpy changed(dave.get(), &Session::messagesChanged);
        QVERIFY(m_world.proxy().injectToClient(dave->username(), kegPush(room, m_world.db().kegs(room).last())) >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(rewritten >= 1 && changed.count() >= 1, Patience);
        QVERIFY(bodies(*dave, room).isEmpty());
        QVERIFY(noticeCount(*dave, room, QStringLiteral("early-room-data")) >= 1);
        m_world.proxy().removeRule(rule);

        // Nothing lost: once dave accepts he sees the shared history, the insider's posts
        // stay refused, and the room goes on for everyone.
        QVERIFY(m_world.accept(*dave, room, {alice.get(), bob.get()}));
        const QStringList history{QStringLiteral("before the invite"), QStringLiteral("while dave is invited")};
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*dave, room), history, Patience);
        QVERIFY(m_world.say(*dave, room, QStringLiteral("dave, properly"), {alice.get(), bob.get()}));
        QCOMPARE(bodies(*alice, room), history + QStringList{QStringLiteral("dave, properly")});
        QCOMPARE(bodies(*bob, room), history + QStringList{QStringLiteral("dave, properly")});
    }
};

QTEST_GUILESS_MAIN(TestAttackMembership)
#include "tst_attack_membership.moc"
