// A17 (threat-model.md): the server swaps a contact's keys after this device pinned them,
// for keys it made and self-signed (so the signup signature check alone can't tell).
// Sending to rooms with that contact and inviting them are blocked, a key-change notice is
// stored, nothing is ever sealed to the swapped-in key; acknowledging unblocks, and keeps
// the pinned key when the server has put the real one back.
#include "attackworld.h"
#include "crypto/contexts.h"
#include "forge.h"

#include <QTest>

using namespace tavern;
using namespace tavern::test;
using client::SessionError;
using client::Trust;

class TestAttackContacts : public QObject
{
    Q_OBJECT

    AttackWorld m_world;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_world.start(), qPrintable(m_world.server().logs())); }

    void a17_contactKeySwapped()
    {
        auto alice = m_world.account(QStringLiteral("alice"));
        auto bob = m_world.account(QStringLiteral("bob"));
        QVERIFY(alice && bob);
        const QByteArray room = m_world.room(*alice, {bob.get()});
        QVERIFY(!room.isEmpty());
        QVERIFY(m_world.say(*bob, room, QStringLiteral("from bob"), {alice.get()}));
        QCOMPARE(alice->trust(bob->username()), Trust::TrustedOnFirstUse);
        const auto second = alice->createRoom(QStringLiteral("Second"), QString(), keg::HistoryPolicy::Shared);
        QVERIFY(second && alice->flushOutbox(Patience));

        // The swap: keys the server made, self-signed in bob's name.
        const auto real = m_world.db().userKeys(bob->username());
        QVERIFY(real);
        const crypto::Identity fake = crypto::randomIdentity(bob->username());
        const ServerDb::UserKeys swapped{
            fake.signing.publicKey, fake.box.publicKey,
            crypto::sign(fake.signing, crypto::ctx::SignupSig,
                         protocol::signupMessage(fake.username, fake.signing.publicKey, fake.box.publicKey))};
        QVERIFY(m_world.db().setUserKeys(bob->username(), swapped));

        // Inviting bob looks him up: refused, and the key change is recorded.
        const auto outboxBefore = alice->cache().outbox(false)->size();
        auto invited = alice->invite(*second, bob->username(), keg::Role::Member, keg::HistoryPolicy::Shared);
        QVERIFY(!invited);
        QCOMPARE(invited.code(), int(SessionError::KeyChanged));
        QCOMPARE(alice->trust(bob->username()), Trust::KeyChanged);
        QVERIFY2(noticeCount(*alice, {}, QStringLiteral("key-changed")) >= 1, qPrintable(noticeDump(*alice)));
        // Sending to the room bob is in is blocked too; nothing is queued or shown.
        auto sent = alice->send(room, QStringLiteral("must not go out"));
        QVERIFY(!sent);
        QCOMPARE(sent.code(), int(SessionError::KeyChanged));
        QCOMPARE(alice->cache().outbox(false)->size(), outboxBefore);
        QCOMPARE(bodies(*alice, room), QStringList{QStringLiteral("from bob")});
        QCOMPARE(alice->pinnedContact(bob->username())->signPublicKey, real->signKey);
        // Nothing anywhere is sealed to, or names, the swapped-in key.
        for (const QByteArray &r : {room, *second}) {
            for (const auto &row : m_world.db().bootKegs(r)) {
                const auto v = keg::SignedBootKeg::decode(row.data);
                QVERIFY(v);
                for (const keg::Member &m : v->version().members)
                    QVERIFY(m.signPublicKey != fake.signing.publicKey && m.boxPublicKey != fake.box.publicKey);
                QVERIFY(!keg::openCurrentKey(*v, fake));
            }
        }
        // Receiving from bob is not blocked: his real key signs what he writes.
        QVERIFY(m_world.say(*bob, room, QStringLiteral("still me"), {alice.get()}));

        // The server puts the real keys back. Sending stays blocked until alice looks;
        // acknowledging then keeps the key she pinned, not the one swapped in.
        QVERIFY(m_world.db().setUserKeys(bob->username(), *real));
        QVERIFY(alice->lookupContact(bob->username()));
        QCOMPARE(alice->trust(bob->username()), Trust::KeyChanged);
        QCOMPARE(alice->send(room, QStringLiteral("still blocked")).code(), int(SessionError::KeyChanged));
        QVERIFY(alice->acceptKeyChange(bob->username()));
        QCOMPARE(alice->trust(bob->username()), Trust::TrustedOnFirstUse);
        QCOMPARE(alice->pinnedContact(bob->username())->signPublicKey, real->signKey);
        QCOMPARE(alice->pinnedContact(bob->username())->boxPublicKey, real->boxKey);

        // Nothing lost: both rooms work, bob is sealed to with his real key.
        QVERIFY(m_world.say(*alice, room, QStringLiteral("unblocked"), {bob.get()}));
        QVERIFY(m_world.invite(*alice, *second, *bob));
        QVERIFY(m_world.accept(*bob, *second, {alice.get()}));
        QCOMPARE(memberOf(*alice, *second, bob->username())->signPublicKey, real->signKey);
        QVERIFY(m_world.say(*bob, *second, QStringLiteral("in the second room"), {alice.get()}));
        const QStringList all{QStringLiteral("from bob"), QStringLiteral("still me"), QStringLiteral("unblocked")};
        QCOMPARE(bodies(*alice, room), all);
        QCOMPARE(bodies(*bob, room), all);
    }
};

QTEST_GUILESS_MAIN(TestAttackContacts)
#include "tst_attack_contacts.moc"
