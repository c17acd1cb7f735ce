// Attacks on what a room is (threat-model rules 1, 3, 4, 8): a chain served under another
// room's id, a rolled-back room shown to a device whose pin log knows better, a chain with a
// gap, a seal that does not open for its recipient, an inviter the invitee has never met,
// and departures that must rekey the room. Each asserts the refusal (state, sealing,
// sending), the notice, and that nothing is lost once the server behaves, with a second
// honest reader or a brand-new device where they could see something different.
#include "attackworld.h"
#include "forge.h"
#include "keg/bootkegbuilder.h"
#include "keg/message.h"

#include <QCborArray>
#include <QTest>

using namespace tavern;
using namespace tavern::test;
namespace op = protocol::op;

class TestAttackRooms : public QObject
{
    Q_OBJECT

    AttackWorld m_world;
    int m_names = 0;

    // Rewrites the bootkeg.get answers `user`'s devices get for `room`: `edit` turns the
    // versions the server sent into the ones the client sees (the server may have none).
    int rewriteChain(const QString &user, const QByteArray &room, std::function<QCborArray(const QCborArray &)> edit)
    {
        auto asked = std::make_shared<QSet<QPair<int, quint64>>>();
        return m_world.proxy().addRule([=](FaultProxy::Hop &hop) {
            if (hop.user != user || hop.frame.op != op::BootKegGet)
                return FaultProxy::Verdict::Pass;
            if (hop.direction == FaultProxy::Direction::ToServer) {
                if (hop.frame.body.value(QStringLiteral("dbId")).toByteArray() == room)
                    asked->insert({hop.link, hop.frame.id});
                return FaultProxy::Verdict::Pass;
            }
            if (!asked->remove({hop.link, hop.frame.id}))
                return FaultProxy::Verdict::Pass;
            QCborMap body;
            body.insert(QStringLiteral("versions"), edit(hop.frame.body.value(QStringLiteral("versions")).toArray()));
            body.insert(QStringLiteral("more"), false);
            hop.frame = protocol::Frame::response(hop.frame.id, op::BootKegGet, body);
            hop.edited = true;
            return FaultProxy::Verdict::Pass;
        });
    }

    static QCborArray without(const QCborArray &versions, quint64 number)
    {
        QCborArray out;
        for (const QCborValue &v : versions) {
            auto d = keg::SignedBootKeg::decode(v.toByteArray());
            if (!d || d->version().version != number)
                out.append(v);
        }
        return out;
    }

    static bool listed(Session &s, const QByteArray &room)
    {
        for (const client::RoomSummary &r : s.rooms()) {
            if (r.roomId == room)
                return true;
        }
        return false;
    }

    static bool invitedTo(Session &s, const QByteArray &room)
    {
        for (const client::RoomSummary &r : s.rooms()) {
            if (r.roomId == room && r.invited)
                return true;
        }
        return false;
    }

    static int cachedVersions(Session &s, const QByteArray &room)
    {
        auto rows = s.cache().select(QStringLiteral("SELECT count(*) FROM bootkegs WHERE room_id = ?"), {room});
        return rows && !rows->empty() ? rows->front()[0].toInt() : -1;
    }

    // The room's kegs on the server written by `author`.
    int serverKegsBy(const QByteArray &room, const QString &author)
    {
        int n = 0;
        for (const auto &k : m_world.db().kegs(room))
            n += k.author == author ? 1 : 0;
        return n;
    }

    static crypto::PublicIdentity publicOf(const Session &s)
    {
        return {s.username(), s.identity().signing.publicKey, s.identity().box.publicKey};
    }

    // A room that `creator` made up offline (never given to the server) inviting `who`: its
    // genesis and the invitation, as a server would serve the chain (empty if it can't build).
    static QCborArray roomInviting(const crypto::Identity &creator, const Session &who)
    {
        keg::BuiltVersion genesis =
            keg::createRoom(creator, {QStringLiteral("Made up"), QString(), keg::HistoryPolicy::Shared});
        keg::RoomKeys keys;
        keys.insert(0, std::move(genesis.newKey));
        keg::BootKegBuilder b(genesis.version, creator, keys);
        if (!b.invite(publicOf(who), keg::Role::Member, keg::HistoryPolicy::Shared))
            return {};
        auto invited = b.build();
        if (!invited)
            return {};
        return {genesis.version.encode(), invited->version.encode()};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_world.start(), qPrintable(m_world.server().logs())); }
    void cleanup() { m_world.proxy().clearRules(); }

    // Rule 1: a chain whose genesis does not produce the room id it is served under (here:
    // a room an outsider made up, inviting dave) is refused with a notice and stored
    // nowhere: no room under either id, no invitation, no pin of the keys it carries. Also
    // on a brand-new device of dave. Served honestly, the real invitation works.
    void p1_roomIsItsGenesis()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto dave = m_world.account(QStringLiteral("dave"));
        QVERIFY(alice && bob && dave);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*alice, room, QStringLiteral("in the real room"), {bob.get()}));

        const crypto::Identity eve = crypto::randomIdentity(QStringLiteral("eve%1").arg(++m_names));
        const QCborArray fakeChain = roomInviting(eve, *dave);
        QCOMPARE(fakeChain.size(), 2);
        const QByteArray fakeId = keg::SignedBootKeg::decode(fakeChain.first().toByteArray())->roomId();
        rewriteChain(dave->username(), room, [&](const QCborArray &) { return fakeChain; });

        QVERIFY(alice->invite(room, dave->username(), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(alice->flushOutbox(Patience));
        QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*dave, {}, QStringLiteral("wrong-room")) >= 1,
                                  qPrintable(noticeDump(*dave)), Patience);
        auto fresh = m_world.newDevice(dave->username());
        QVERIFY(fresh);
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*fresh, {}, QStringLiteral("wrong-room")) >= 1, Patience);
        for (Session *s : {dave.get(), fresh.get()}) {
            QVERIFY(!listed(*s, room) && !listed(*s, fakeId));
            QVERIFY(!s->room(room) || !s->room(room)->started());
            QVERIFY(!s->room(fakeId));
            QCOMPARE(cachedVersions(*s, room), 0);
            QCOMPARE(cachedVersions(*s, fakeId), 0);
            QVERIFY(!s->pinnedContact(eve.username));
        }

        // The server behaves: the real invitation, then the room's history.
        m_world.proxy().clearRules();
        for (Session *s : {dave.get(), fresh.get()}) {
            QVERIFY(m_world.resync(*s));
            QTRY_VERIFY_WITH_TIMEOUT(invitedTo(*s, room), Patience);
        }
        QVERIFY(m_world.accept(*dave, room, {alice.get(), bob.get()}));
        QTRY_COMPARE_WITH_TIMEOUT(bodies(*dave, room), QStringList{QStringLiteral("in the real room")}, Patience);
        QVERIFY(m_world.say(*dave, room, QStringLiteral("dave is in"), {alice.get(), bob.get(), fresh.get()}));
    }

    // Rule 3 (pins bind what a device does): after a removal the server rolls the room back
    // (the removed member "joined" again). A brand-new device of the admin knows the
    // removal's version from the pin log: it says so, and seals nothing — its message and
    // its room change wait in the outbox. The admin's first device, holding the newer chain,
    // sends on the new generation. When the server serves the room again, everything waits
    // no longer and nothing reaches the removed member.
    void p2_pinsBindANewDevice()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        auto erin = m_world.account(QStringLiteral("erin"));
        QVERIFY(alice && bob && carol && erin);
        const QByteArray room = m_world.room(*alice, {bob.get(), carol.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*bob, room, QStringLiteral("hello"), {alice.get(), carol.get()}));
        QVERIFY(alice->remove(room, carol->username()));
        QVERIFY(alice->flushOutbox(Patience));
        const quint64 n = headOf(*alice, room).version().version;
        const quint32 newGen = headOf(*alice, room).version().currentGeneration();
        QTRY_COMPARE_WITH_TIMEOUT(headOf(*bob, room).version().version, n, Patience);

        const auto honestRows = m_world.db().bootKegs(room);
        const auto honestMembers = m_world.db().members(room);
        QVERIFY(m_world.db().deleteBootKegsFrom(room, n));
        auto rolledBack = honestMembers;
        rolledBack.append(
            {carol->username(), int(keg::Role::Member), int(keg::InviteState::Joined), alice->username()});
        QVERIFY(m_world.db().setMembers(room, rolledBack));

        auto alice2 = m_world.newDevice(alice->username());
        QVERIFY(alice2);
        QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*alice2, room, QStringLiteral("rollback")) >= 1,
                                  qPrintable(noticeDump(*alice2, room)), Patience);
        QCOMPARE(headOf(*alice2, room).version().version, n - 1);
        QVERIFY(alice2->guard().has(room, client::Hold::RolledBack));
        const int aliceKegs = serverKegsBy(room, alice->username());
        const int versions = m_world.db().bootKegs(room).size();
        QVERIFY(alice2->send(room, QStringLiteral("from the new device")));
        QVERIFY(alice2->invite(room, erin->username(), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(!alice2->flushOutbox(3000)); // waits: nothing sealed on the rolled-back head
        QCOMPARE(serverKegsBy(room, alice->username()), aliceKegs);
        QCOMPARE(m_world.db().bootKegs(room).size(), versions);
        const auto seen = alice2->messages(room);
        QVERIFY(!seen.isEmpty() && seen.first().author == bob->username());
        QCOMPARE(alice2->markRead(room, seen.first().kegId).code(), int(client::SessionError::Busy));

        // The first device holds the removal: it sends on the new generation.
        QVERIFY(m_world.say(*alice, room, QStringLiteral("from the first device"), {bob.get()}));
        QCOMPARE(kegOf(m_world.db().kegs(room).last()).generation, newGen);

        // The server behaves: the new device catches up and its outbox goes out, on the new
        // generation, and carol reads none of it.
        for (const auto &row : honestRows) {
            if (row.version >= n)
                QVERIFY(m_world.db().insertBootKeg(room, row));
        }
        QVERIFY(m_world.db().setMembers(room, honestMembers));
        QVERIFY(m_world.resync(*alice2));
        QTRY_VERIFY_WITH_TIMEOUT(!alice2->guard().held(room), Patience);
        QVERIFY(alice2->flushOutbox(Patience));
        QTRY_VERIFY2_WITH_TIMEOUT(shownCount(*bob, room, QStringLiteral("from the new device")) == 1,
                                  qPrintable(noticeDump(*bob, room) + bodies(*bob, room).join(u'|')
                                             + QLatin1String(" // ") + noticeDump(*alice2, room)
                                             + bodies(*alice2, room).join(u'|')),
                                  Patience);
        const auto kegs = m_world.db().kegs(room);
        QCOMPARE(serverKegsBy(room, alice->username()), aliceKegs + 2);
        QCOMPARE(kegs.last().author, alice->username());
        QCOMPARE(kegOf(kegs.last()).generation, newGen);
        QTRY_VERIFY_WITH_TIMEOUT(memberOf(*bob, room, erin->username()).has_value(), Patience);
        QVERIFY(m_world.resync(*carol));
        QCOMPARE(shownCount(*carol, room, QStringLiteral("from the new device")), 0);
        QCOMPARE(shownCount(*carol, room, QStringLiteral("from the first device")), 0);
    }

    // Rule 3 (a version with a gap is never a head): a member's chain answer leaves out a
    // version. The member uses nothing above the gap, says so, holds its outbox, asks again
    // by itself and catches up once the server serves the version; a newcomer served a chain
    // without its genesis sees no invitation until the chain is whole.
    void p3_gapIsNeverAHead()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto dave = m_world.account(QStringLiteral("dave"));
        QVERIFY(alice && bob && dave);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        const quint64 h = headOf(*bob, room).version().version;
        rewriteChain(bob->username(), room, [h](const QCborArray &v) { return without(v, h + 1); });
        QVERIFY(alice->setSettings(room, {QStringLiteral("Renamed"), QString(), keg::HistoryPolicy::Shared}));
        QVERIFY(alice->setSettings(room, {QStringLiteral("Renamed again"), QString(), keg::HistoryPolicy::Shared}));
        QVERIFY(alice->flushOutbox(Patience));
        QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*bob, room, QStringLiteral("incomplete-chain")) >= 1,
                                  qPrintable(noticeDump(*bob, room)), Patience);
        QCOMPARE(headOf(*bob, room).version().version, h);
        QVERIFY(bob->guard().has(room, client::Hold::IncompleteChain));
        const int bobKegs = serverKegsBy(room, bob->username());
        QVERIFY(bob->send(room, QStringLiteral("typed during the gap")));
        QVERIFY(!bob->flushOutbox(2000));
        QCOMPARE(serverKegsBy(room, bob->username()), bobKegs);

        // A newcomer whose chain starts after the genesis.
        rewriteChain(dave->username(), room, [](const QCborArray &v) { return without(v, 0); });
        QVERIFY(alice->invite(room, dave->username(), keg::Role::Member, keg::HistoryPolicy::Shared));
        QVERIFY(alice->flushOutbox(Patience));
        QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*dave, room, QStringLiteral("incomplete-chain")) >= 1,
                                  qPrintable(noticeDump(*dave, room)), Patience);
        QVERIFY(!invitedTo(*dave, room));
        QVERIFY(!dave->room(room) || !dave->room(room)->started());

        // The server behaves: both catch up on their own (no reconnect), bob's message goes.
        m_world.proxy().clearRules();
        QTRY_VERIFY_WITH_TIMEOUT(!bob->guard().held(room), Patience);
        QTRY_COMPARE_WITH_TIMEOUT(headOf(*bob, room).version().version, headOf(*alice, room).version().version,
                                  Patience);
        QTRY_VERIFY_WITH_TIMEOUT(shownCount(*alice, room, QStringLiteral("typed during the gap")) == 1, Patience);
        QTRY_VERIFY_WITH_TIMEOUT(invitedTo(*dave, room), Patience);
        QVERIFY(noticeCount(*bob, room, QStringLiteral("incomplete-chain")) >= 1); // stays in history
    }

    // Rule 4 (every seal is checked by its recipient): an admin's broken or malicious client
    // rekeys and seals bob a key other than the committed one. The other members see a
    // valid version; bob raises a notice naming the signer, holds his outbox, and refuses
    // the messages under that generation with a notice instead of "history from before you
    // joined". The admin rotates the key: bob reads and sends again, nothing lost.
    void p4_sealsAreChecked()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && bob && carol);
        const QByteArray room = m_world.room(*alice, {bob.get(), carol.get()});
        QVERIFY(!room.isEmpty());
        const keg::SignedBootKeg head = headOf(*alice, room);
        keg::BootKegBuilder b(head, alice->identity(), alice->room(room)->keys());
        b.rekey();
        auto built = b.build();
        QVERIFY(built.ok());
        keg::BootKegVersion bad = built->version.version();
        const quint32 gen = bad.currentGeneration();
        for (keg::SealedKey &s : bad.sealed) {
            if (s.username == bob->username().toUtf8())
                s.blob = keg::sealKeyFor(room, gen, *bad.member(s.username), crypto::SecureBytes::random(32));
        }
        const keg::SignedBootKeg signedBad = keg::SignedBootKeg::sign(bad, alice->identity().signing);
        const ServerDb::BootRow row = bootRow(signedBad.encode());
        QVERIFY2(m_world.db().insertBootKeg(room, row), qPrintable(m_world.db().lastError()));
        for (Session *s : {alice.get(), bob.get(), carol.get()})
            QVERIFY(m_world.proxy().injectToClient(s->username(), bootKegPush(room, row)) >= 1);
        QTRY_VERIFY2_WITH_TIMEOUT(noticeCount(*bob, room, QStringLiteral("keys-inconsistent")) >= 1,
                                  qPrintable(noticeDump(*bob, room)), Patience);
        QVERIFY(noticeDump(*bob, room).contains(alice->username()));
        QVERIFY(bob->guard().has(room, client::Hold::KeysInconsistent));
        QTRY_COMPARE_WITH_TIMEOUT(headOf(*carol, room).version().version, row.version, Patience);
        QTRY_COMPARE_WITH_TIMEOUT(headOf(*alice, room).version().version, row.version, Patience);

        const int bobKegs = serverKegsBy(room, bob->username());
        QVERIFY(bob->send(room, QStringLiteral("bob waits")));
        QVERIFY(!bob->flushOutbox(2000));
        QCOMPARE(serverKegsBy(room, bob->username()), bobKegs);
        // carol writes under the generation bob was sealed badly: not silently "history".
        const int quarantined = noticeCount(*bob, room, QStringLiteral("keys-inconsistent"));
        QVERIFY(m_world.say(*carol, room, QStringLiteral("under the bad seal"), {alice.get()}));
        QTRY_VERIFY_WITH_TIMEOUT(noticeCount(*bob, room, QStringLiteral("keys-inconsistent")) > quarantined, Patience);

        // The way out: the admin rotates; bob's outbox goes, nothing is lost.
        QVERIFY(alice->rotateKey(room));
        QVERIFY(alice->flushOutbox(Patience));
        QTRY_VERIFY_WITH_TIMEOUT(!bob->guard().held(room), Patience);
        QVERIFY(bob->flushOutbox(Patience));
        QTRY_VERIFY_WITH_TIMEOUT(shownCount(*carol, room, QStringLiteral("bob waits")) == 1, Patience);
        QVERIFY(m_world.say(*carol, room, QStringLiteral("after the rotation"), {bob.get(), alice.get()}));
        // A restart keeps no stale hold.
        bob = m_world.reopen(std::move(bob));
        QVERIFY(bob);
        QVERIFY(!bob->guard().held(room));
    }

    // Rule 8 (an inviter you have never met is unknown): a key first seen in an invitation
    // is not pinned until the invitation is accepted, and a forged invitation in a known
    // contact's name changes nothing the invitee trusts, declined or ignored.
    void p6_invitationsPinNothing()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto dave = m_world.account(QStringLiteral("dave"));
        auto eve = m_world.account(QStringLiteral("eve"));
        QVERIFY(alice && dave && eve);
        const QByteArray shared = m_world.room(*alice, {dave.get()});
        QVERIFY(!shared.isEmpty());
        const auto realAlice = dave->pinnedContact(alice->username());
        QVERIFY(realAlice);
        const client::Trust aliceTrust = dave->trust(alice->username());

        // A stranger's real invitation: shown, but eve is not pinned before dave accepts.
        auto eveRoom = eve->createRoom(QStringLiteral("Eve's"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(eveRoom && eve->flushOutbox(Patience));
        QVERIFY(m_world.invite(*eve, *eveRoom, *dave));
        QVERIFY(!dave->pinnedContact(eve->username()));
        QCOMPARE(dave->trust(eve->username()), client::Trust::Unverified);

        // A forged room in alice's name (keys the server made), inviting dave.
        const crypto::Identity fakeAlice = crypto::randomIdentity(alice->username());
        const QCborArray chain = roomInviting(fakeAlice, *dave);
        QCOMPARE(chain.size(), 2);
        const QByteArray forged = keg::SignedBootKeg::decode(chain.first().toByteArray())->roomId();
        rewriteChain(dave->username(), forged, [&](const QCborArray &) { return chain; });
        QCborMap push;
        push.insert(QStringLiteral("dbId"), forged);
        QVERIFY(
            m_world.proxy().injectToClient(dave->username(), protocol::Frame::push(protocol::push::Invitation, push))
            >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(invitedTo(*dave, forged), Patience);
        QCOMPARE(dave->trust(alice->username()), aliceTrust);
        QCOMPARE(dave->pinnedContact(alice->username())->signPublicKey, realAlice->signPublicKey);
        QCOMPARE(noticeCount(*dave, {}, QStringLiteral("key-changed")), 0);
        QVERIFY(dave->decline(forged));
        (void)dave->flushOutbox(Patience); // the server does not know the room: refused
        QCOMPARE(dave->trust(alice->username()), aliceTrust);
        QVERIFY(!invitedTo(*dave, forged));
        // The decline is in the pin log: a new device of dave, offered the same invitation
        // again, does not show it either.
        auto dave2 = m_world.newDevice(dave->username());
        QVERIFY(dave2);
        QVERIFY(
            m_world.proxy().injectToClient(dave->username(), protocol::Frame::push(protocol::push::Invitation, push))
            >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(dave2->room(forged) && dave2->room(forged)->started(), Patience);
        QVERIFY(!invitedTo(*dave2, forged));
        QVERIFY(!dave2->pinnedContact(eve->username()));
        QCOMPARE(dave2->trust(alice->username()), aliceTrust);
        // Nothing lost: dave and the real alice still talk.
        QVERIFY(m_world.say(*dave, shared, QStringLiteral("still fine"), {alice.get()}));
        // Accepting the stranger's real invitation pins eve.
        QVERIFY(m_world.accept(*dave, *eveRoom, {eve.get()}));
        QTRY_VERIFY_WITH_TIMEOUT(dave->pinnedContact(eve->username()).has_value(), Patience);
    }

    // Rule 4 (a decline or a leave rekeys the room as soon as any member can carry it): the
    // inviter and only admin is offline; a plain member carries carol's leave. While it is
    // not carried yet, that member's message waits; it goes out on a key carol never had.
    // Invited back, carol posts again and everyone shows it.
    void p7_departuresRekeyAndMembersComeBack()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        auto carol = m_world.account(QStringLiteral("carol"));
        QVERIFY(alice && bob && carol);
        const QByteArray room = m_world.room(*alice, {bob.get(), carol.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*carol, room, QStringLiteral("carol, first time"), {alice.get(), bob.get()}));
        const quint32 gen = headOf(*bob, room).version().currentGeneration();
        const QString aliceName = alice->username(), bobName = bob->username();
        const int offline = m_world.proxy().addRule([aliceName](FaultProxy::Hop &hop) {
            return hop.user == aliceName ? FaultProxy::Verdict::Drop : FaultProxy::Verdict::Pass;
        });
        // bob's removal of carol is held on its way, so the departure stays pending a while.
        const int held = m_world.proxy().addRule([bobName](FaultProxy::Hop &hop) {
            return hop.user == bobName && hop.direction == FaultProxy::Direction::ToServer
                           && hop.frame.op == op::BootKegPut
                       ? FaultProxy::Verdict::Hold
                       : FaultProxy::Verdict::Pass;
        });

        QVERIFY(carol->leave(room));
        QVERIFY(carol->flushOutbox(Patience));
        QTRY_VERIFY2_WITH_TIMEOUT(bob->guard().has(room, client::Hold::DeparturePending),
                                  qPrintable(noticeDump(*bob, room)), Patience);
        const int bobKegs = serverKegsBy(room, bobName);
        QVERIFY(bob->send(room, QStringLiteral("after carol left")));
        QTest::qWait(1500);
        QCOMPARE(serverKegsBy(room, bobName), bobKegs); // waits for the new key
        m_world.proxy().removeRule(held);
        m_world.proxy().releaseHeld();

        QTRY_VERIFY2_WITH_TIMEOUT(!memberOf(*bob, room, carol->username()), qPrintable(noticeDump(*bob, room)),
                                  Patience);
        QVERIFY(headOf(*bob, room).version().currentGeneration() > gen);
        QCOMPARE(QString::fromUtf8(headOf(*bob, room).version().signer), bobName);
        QVERIFY(bob->flushOutbox(Patience));
        QCOMPARE(serverKegsBy(room, bobName), bobKegs + 1);
        for (const auto &k : m_world.db().kegs(room)) {
            if (k.author == bobName)
                QVERIFY(kegOf(k).generation > gen);
        }

        // Invited back: carol's posts count again, for every reader.
        m_world.proxy().removeRule(offline);
        QVERIFY(m_world.resync(*alice));
        QTRY_VERIFY_WITH_TIMEOUT(!memberOf(*alice, room, carol->username()), Patience);
        QVERIFY(m_world.invite(*alice, room, *carol));
        QVERIFY(m_world.accept(*carol, room, {alice.get(), bob.get()}));
        QVERIFY2(m_world.say(*carol, room, QStringLiteral("carol, second time"), {alice.get(), bob.get()}),
                 qPrintable(noticeDump(*bob, room)));
        QCOMPARE(noticeCount(*bob, room, QStringLiteral("unauthorised-change")), 0);
    }
};

QTEST_GUILESS_MAIN(TestAttackRooms)
#include "tst_attack_rooms.moc"
